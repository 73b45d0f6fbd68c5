#!/usr/bin/env python3
"""Accuracy and resource figures of one tool's run on one dataset, as `name=value` lines.

    metrics.py score --prefix P --pairs DIR/pairs.csv --clusters DIR/clusters.csv
                     (--truth-clusters T.csv | --truth-links L.csv)
                     [--threshold 0.5] [--names INPUT.csv --name-column full_name]
                     [--candidates DIR/candidates.csv] [--candidates-count DIR/candidates_count]
    metrics.py blocking --prefix P --candidates CANDIDATES.csv (--truth-clusters T | --truth-links L)
    metrics.py timing --prefix P TIME_V_OUTPUT     (the file `/usr/bin/time -v -o` wrote)

Definitions (all pairs are unordered pairs of distinct record ids):

* true pairs: every pair of records in the same true cluster. With --truth-links (two files
  linked) each link is a true cluster of its two records and every other record is alone, so the
  true pairs are exactly the links.
* pairwise P/R/F1: the predicted pairs are the rows of pairs.csv with probability >= threshold
  (duplicates and self-pairs dropped). P = TP / predicted, R = TP / true pairs, F1 their
  harmonic mean, where TP counts predicted pairs that are true pairs.
* cluster P/R/F1: the same, on the pairs implied by the predicted clusters (every two records
  sharing a cluster_id in clusters.csv; records absent from it are singletons) — the usual
  pair-counting measure of a clustering.
* bcubed P/R/F1: per record, the share of its predicted cluster that is truly its entity
  (precision) and the share of its true entity that is in its predicted cluster (recall),
  averaged over records. Unlike pair counts, big entities do not dominate it.
* largest_cluster: records in the biggest predicted cluster (shows chaining).
* nonlatin_*: true pairs with at least one record whose name holds a letter outside the Latin
  script (a Unicode letter whose character name does not start with LATIN: Arabic, Cyrillic,
  Ethiopic, Bengali, ...); recall on those pairs, from the predicted pairs and from the clusters.
* blocking_recall: share of true pairs among the candidate pairs, when the tool lists them.

The counting runs in DuckDB, so tens of millions of pairs fit in memory.
"""

import argparse
import os
import re
import tempfile
import sys
import unicodedata

import duckdb
import pandas as pd


def emit(prefix, key, value):
    if isinstance(value, float):
        value = f"{value:.4f}" if value == value else "nan"
    print(f"{prefix}_{key}={value}")


def prf(tp, predicted, true):
    p = tp / predicted if predicted else float("nan")
    r = tp / true if true else float("nan")
    if predicted and true:
        f = 2 * p * r / (p + r) if (p + r) > 0 else 0.0
    else:
        f = float("nan")
    return p, r, f


def q(s):
    return "'" + str(s).replace("'", "''") + "'"


NON_LATIN_CACHE = {}


def has_non_latin_letter(name):
    for ch in str(name):
        r = NON_LATIN_CACHE.get(ch)
        if r is None:
            r = unicodedata.category(ch).startswith("L") and not unicodedata.name(ch, "").startswith("LATIN")
            NON_LATIN_CACHE[ch] = r
        if r:
            return True
    return False


def csv_header(path):
    with open(path, encoding="utf-8-sig") as f:
        return [c.strip() for c in f.readline().rstrip("\r\n").split(",")]


def read_csv_sql(path, columns):
    """A DuckDB read of the first len(columns) columns of a CSV, all as text, renamed."""
    head = csv_header(path)
    types = ", ".join(f"{q(c)}: 'VARCHAR'" for c in head)
    sel = ", ".join(f'"{head[i]}" as {name}' for i, name in enumerate(columns))
    return (f"(select {sel} from read_csv({q(path)}, header=true, columns={{{types}}}, "
            f"quote='\"', escape='\"', auto_detect=false, null_padding=true))")


def load_truth(con, args):
    if args.truth_links:
        t = read_csv_sql(args.truth_links, ["l", "r"])
        con.execute(f"create temp table links as select l, r, row_number() over () as k from {t}")
        # each link is a cluster; a record in two links joins them (connected components)
        con.execute("""create temp table truth0 as
                       select id, min(k) as label from (
                           select l as id, k from links union all select r as id, k from links)
                       group by id""")
        n_multi = con.execute("select count(*) from (select id from (select l as id from links "
                              "union all select r from links) group by id having count(*) > 1)").fetchall()[0][0]
        if n_multi:
            # relabel by components, iterating min-label propagation
            con.execute("create temp table truth as select * from truth0")
            while True:
                con.execute("""
                    create or replace temp table truth_next as
                    with e as (select l as a, r as b from links union all select r, l from links)
                    select t.id, least(t.label, coalesce(min(t2.label), t.label)) as label
                    from truth t left join e on e.a = t.id left join truth t2 on t2.id = e.b
                    group by t.id, t.label""")
                diff = con.execute("select count(*) from truth t join truth_next n using (id) "
                                   "where t.label <> n.label").fetchall()[0][0]
                con.execute("create or replace temp table truth as select * from truth_next")
                if not diff:
                    break
        else:
            con.execute("create temp table truth as select id, label::varchar as label from truth0")
        con.execute("create or replace temp table truth as select id, label::varchar as label from truth")
    else:
        t = read_csv_sql(args.truth_clusters, ["id", "label"])
        con.execute(f"create temp table truth as select id, label from {t}")
        dup = con.execute("select count(*) - count(distinct id) from truth").fetchall()[0][0]
        if dup:
            raise SystemExit("truth: duplicate record ids")


def new_con():
    con = duckdb.connect()
    con.execute(f"set memory_limit = {q(os.environ.get('METRICS_MEMORY_LIMIT', '8GB'))}")
    con.execute(f"set temp_directory = {q(tempfile.mkdtemp(prefix='er-metrics-'))}")
    return con


def score(args):
    pre = args.prefix
    con = new_con()
    load_truth(con, args)
    true_pairs = con.execute("select coalesce(sum(n * (n - 1) // 2), 0)::bigint from "
                             "(select count(*) as n from truth group by label)").fetchall()[0][0]
    emit(pre, "true_pairs", true_pairs)

    have_nl = bool(args.names)
    if have_nl:
        n = pd.read_csv(args.names, dtype=str, keep_default_na=False)
        ids = n.iloc[:, 0].astype(str)
        flag = n[args.name_column].map(has_non_latin_letter)
        nl = pd.DataFrame({"id": ids, "nl": flag.astype(bool)}).drop_duplicates("id")
        con.register("nl_df", nl)
        con.execute("create temp table nl as select id from nl_df where nl")
        con.unregister("nl_df")
        del n, nl
        # true pairs that involve a non-Latin record: per true cluster C(n,2) - C(n-k,2)
        nl_true, nl_recs = con.execute("""
            select coalesce(sum(n*(n-1)//2 - (n-k)*(n-k-1)//2), 0)::bigint, coalesce(sum(k), 0)::bigint
            from (select t.label, count(*) as n, count(nl.id) as k
                  from truth t left join nl on nl.id = t.id group by t.label)""").fetchall()[0]
        emit(pre, "nonlatin_records", nl_recs)
        emit(pre, "nonlatin_true_pairs", nl_true)

    # --- pairwise ---
    head = csv_header(args.pairs)
    if len(head) < 3 or [c.lower() for c in head[:3]] != ["left_id", "right_id", "probability"]:
        raise SystemExit(f"{args.pairs}: header must start left_id,right_id,probability (got {head[:3]})")
    src = read_csv_sql(args.pairs, ["l", "r", "p"])
    con.execute(f"create temp table raw as select l, r, try_cast(p as double) as p from {src}")
    rows = con.execute("select count(*) from raw").fetchall()[0][0]
    con.execute(f"""create temp table pred as
                    select distinct least(l, r) as a, greatest(l, r) as b from raw
                    where p >= {float(args.threshold)} and l <> r""")
    con.execute("drop table raw")
    nl_join = ("left join nl na on na.id = pred.a left join nl nb on nb.id = pred.b" if have_nl else "")
    nl_expr = ("count(*) filter (where ta.label = tb.label and (na.id is not null or nb.id is not null))"
               if have_nl else "0")
    predicted, tp, unknown, nl_tp = con.execute(f"""
        select count(*), count(*) filter (where ta.label = tb.label),
               count(*) filter (where ta.id is null or tb.id is null), {nl_expr}
        from pred left join truth ta on ta.id = pred.a left join truth tb on tb.id = pred.b
        {nl_join}""").fetchall()[0]
    p, r, f = prf(tp, predicted, true_pairs)
    emit(pre, "pairs_rows", rows)
    emit(pre, "predicted_pairs", predicted)
    emit(pre, "true_positive_pairs", tp)
    emit(pre, "precision", p)
    emit(pre, "recall", r)
    emit(pre, "f1", f)
    if unknown:
        emit(pre, "pairs_with_unknown_ids", unknown)
    if have_nl:
        emit(pre, "nonlatin_pair_recall", nl_tp / nl_true if nl_true else float("nan"))
    con.execute("drop table pred")

    # --- clusters ---
    if args.clusters:
        head = csv_header(args.clusters)
        if [c.lower() for c in head[:2]] != ["record_id", "cluster_id"]:
            raise SystemExit(f"{args.clusters}: header must be record_id,cluster_id (got {head})")
        src = read_csv_sql(args.clusters, ["id", "cid"])
        # records absent from clusters.csv are singletons; unknown ids are their own entity
        con.execute(f"""create temp table clu as
            with c as (select id, any_value(cid) as cid from {src} group by id)
            select coalesce(c.id, t.id) as id,
                   coalesce('c:' || c.cid, 's:' || t.id) as cid,
                   coalesce(t.label, 'u:' || c.id) as label
            from c full outer join truth t on t.id = c.id""")
        nl_k = "count(nl.id)" if have_nl else "0"
        nl_j = "left join nl on nl.id = clu.id" if have_nl else ""
        con.execute(f"""create temp table cell as
            select cid, label, count(*) as n, {nl_k} as k from clu {nl_j} group by cid, label""")
        clustered = con.execute(f"select count(*) from {src}").fetchall()[0][0]
        n_clusters, largest, implied = con.execute("""
            select count(*), max(n), sum(n * (n - 1) // 2)::bigint
            from (select cid, count(*) as n from clu group by cid)""").fetchall()[0]
        ctp, nl_ctp = con.execute("""select sum(n * (n - 1) // 2)::bigint,
                                            sum(n*(n-1)//2 - (n-k)*(n-k-1)//2)::bigint from cell""").fetchall()[0]
        cp, cr, cf = prf(ctp, implied, true_pairs)
        # B-cubed from the contingency cells: sum over cells n^2/|pred| and n^2/|true|, per record
        bp, br, nrec = con.execute("""
            with cs as (select cid, sum(n) as s from cell group by cid),
                 ts as (select label, sum(n) as s from cell group by label)
            select sum(cell.n * cell.n / cs.s), sum(cell.n * cell.n / ts.s), sum(cell.n)
            from cell join cs using (cid) join ts using (label)""").fetchall()[0]
        bp, br = bp / nrec, br / nrec
        bf = 2 * bp * br / (bp + br) if bp + br else 0.0
        emit(pre, "clustered_records", clustered)
        emit(pre, "clusters", n_clusters)
        emit(pre, "largest_cluster", largest)
        emit(pre, "cluster_implied_pairs", implied)
        emit(pre, "cluster_precision", cp)
        emit(pre, "cluster_recall", cr)
        emit(pre, "cluster_f1", cf)
        emit(pre, "bcubed_precision", float(bp))
        emit(pre, "bcubed_recall", float(br))
        emit(pre, "bcubed_f1", float(bf))
        if have_nl:
            emit(pre, "nonlatin_cluster_pair_recall", nl_ctp / nl_true if nl_true else float("nan"))

    # --- blocking (optional) ---
    if args.candidates:
        blocking_figures(con, pre, args.candidates, true_pairs)
    elif args.candidates_count:
        with open(args.candidates_count) as f:
            m = re.search(r"\d+", f.read())
        if m:
            emit(pre, "candidate_pairs", int(m.group(0)))


def blocking_figures(con, pre, path, true_pairs):
    # `corridor resolve --candidates` writes each unordered pair of distinct records once (a
    # test in corridor-resolve holds it to that), so the pairs are counted as they stream by:
    # making them distinct first needed more temporary disk than a 1M run leaves (350 million
    # pairs once generic blocks are met through their heads).
    # Read plainly (two id columns, as `corridor resolve --candidates` writes them): the general
    # reader's null padding reads serially and spills a file this size to disk.
    src = f"read_csv({q(path)}, header=true, columns={{'l': 'VARCHAR', 'r': 'VARCHAR'}})"
    n_cand, btp = con.execute(f"""
        select count(*), count(*) filter (where ta.label = tb.label)
        from {src} c join truth ta on ta.id = c.l join truth tb on tb.id = c.r
        where c.l <> c.r""").fetchall()[0]
    emit(pre, "candidate_pairs", n_cand)
    emit(pre, "blocked_true_pairs", btp)
    emit(pre, "blocking_recall", btp / true_pairs if true_pairs else float("nan"))


def blocking(args):
    con = new_con()
    # An aggregate over a stream: nothing to keep in order, nothing to spill.
    con.execute("set preserve_insertion_order = false")
    load_truth(con, args)
    true_pairs = con.execute("select coalesce(sum(n * (n - 1) // 2), 0)::bigint from "
                             "(select count(*) as n from truth group by label)").fetchall()[0][0]
    blocking_figures(con, args.prefix, args.candidates, true_pairs)


def parse_elapsed(s):
    secs = 0.0
    for x in s.strip().split(":"):
        secs = secs * 60 + float(x)
    return secs


def timing(args):
    text = open(args.file, encoding="utf-8", errors="replace").read()
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    k = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not m or not k:
        raise SystemExit(f"{args.file}: no /usr/bin/time -v figures")
    emit(args.prefix, "seconds", f"{parse_elapsed(m.group(1)):.2f}")
    emit(args.prefix, "peak_rss_mb", f"{int(k.group(1)) / 1024:.1f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score")
    s.add_argument("--prefix", required=True)
    s.add_argument("--pairs", required=True)
    s.add_argument("--clusters")
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--truth-clusters")
    g.add_argument("--truth-links")
    s.add_argument("--threshold", type=float, default=0.5)
    s.add_argument("--names")
    s.add_argument("--name-column", default="full_name")
    s.add_argument("--candidates")
    s.add_argument("--candidates-count")
    b = sub.add_parser("blocking")
    b.add_argument("--prefix", required=True)
    b.add_argument("--candidates", required=True)
    g = b.add_mutually_exclusive_group(required=True)
    g.add_argument("--truth-clusters")
    g.add_argument("--truth-links")
    t = sub.add_parser("timing")
    t.add_argument("--prefix", required=True)
    t.add_argument("file")
    args = ap.parse_args()
    if args.cmd == "score":
        score(args)
    elif args.cmd == "blocking":
        blocking(args)
    else:
        timing(args)


if __name__ == "__main__":
    main()
