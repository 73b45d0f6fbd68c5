#!/usr/bin/env python3
"""Splink (DuckDB backend) on one benchmark dataset, configured the way Splink's own tutorials do.

    splink_run.py run      DATASET OUTDIR THRESHOLD INPUT.csv [INPUT2.csv]
    splink_run.py blocking DATASET OUTDIR TRUTH.csv  INPUT.csv [INPUT2.csv]
    splink_run.py incremental DATASET OUTDIR THRESHOLD BASE.csv NEW.csv TRUTH.csv LIMIT

DATASET is febrl4 (link_only of two files), hist50k or sim (dedupe_only of one file).

`run` is the timed part (bench/er.sh wraps it in /usr/bin/time -v): read the CSV(s), train
(probability two random records match from deterministic rules, u by random sampling, m by EM on
blocking passes), predict at THRESHOLD, cluster (connected components) at THRESHOLD, and write
OUTDIR/pairs.csv (left_id,right_id,probability) and OUTDIR/clusters.csv (record_id,cluster_id) —
the same files `corridor resolve` writes, so one scorer reads both. Phase times go to
OUTDIR/phases.txt.

`blocking` is not timed: it counts the comparisons the prediction blocking rules generate (Splink's
own count_comparisons_from_blocking_rules, exact) and how many true pairs satisfy at least one
rule (the rules' SQL evaluated on the true pairs), and prints name=value lines.

`incremental` trains on BASE.csv, then links the records of NEW.csv one at a time with
predict_between (bench/er-incremental.sh; see incremental()).

FEBRL4 follows docs/demos/examples/duckdb/febrl4 (the "detailed" model), historical_50k follows
deduplicate_50k_synthetic; the simulator persons get a model built the same way from the
columns they have (see sim_model()).
"""

import os
import shutil
import sys
import time

T0 = time.perf_counter()

import splink.comparison_library as cl  # noqa: E402
from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: E402

U_SEED = 42  # fixed seed for u sampling, so reruns give the same figures
EM_MAX_PAIRS = 1e6  # simulator persons only
CHUNK_ABOVE = 500_000  # records; predict in 4 x 4 chunks above this


def sql_str(s):
    return "'" + str(s).replace("'", "''") + "'"


# --- models ------------------------------------------------------------------------------------

def febrl4_model():
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d", invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
    )

    def train(linker):
        linker.training.estimate_probability_two_random_records_match(
            [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
            recall=0.8)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=U_SEED)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("date_of_birth"), estimate_without_term_frequencies=True)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("postcode"), estimate_without_term_frequencies=True)

    # the tutorial's own cleaning: trim the numeric-looking columns
    select = """select * replace (
                    trim(date_of_birth) as date_of_birth,
                    trim(soc_sec_id) as soc_sec_id,
                    trim(postcode) as postcode)
                from {src}"""
    return settings, train, blocking_rules, select, "rec_id", "link_only"


def hist50k_model():
    blocking_rules = [
        block_on("substr(first_name,1,3)", "substr(surname,1,4)"),
        block_on("surname", "dob"),
        block_on("first_name", "dob"),
        block_on("postcode_fake", "first_name"),
        block_on("postcode_fake", "surname"),
        block_on("dob", "birth_place"),
        block_on("substr(postcode_fake,1,3)", "dob"),
        block_on("substr(postcode_fake,1,3)", "first_name"),
        block_on("substr(postcode_fake,1,3)", "surname"),
        block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.ForenameSurnameComparison("first_name", "surname",
                                         forename_surname_concat_col_name="first_name_surname_concat"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
            cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
    )

    def train(linker):
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "dob"),
             block_on("substr(first_name,1,2)", "surname", "substr(postcode_fake,1,2)"),
             block_on("dob", "postcode_fake")],
            recall=0.6)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=U_SEED)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "surname"), estimate_without_term_frequencies=True)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("dob"), estimate_without_term_frequencies=True)

    # the tutorial adds the concatenation for the forename/surname term frequencies
    select = "select *, first_name || ' ' || surname as first_name_surname_concat from {src}"
    return settings, train, blocking_rules, select, "unique_id", "dedupe_only"


def sim_model():
    """Simulator persons: one free-text full_name, ISO date, nationality, gender, passport, phone.

    The preparation a Splink user does: lower-case and strip accents, split the name on white
    space into a first token (forename) and a last token (surname), take the birth year. Then the
    tutorials' comparisons (forename/surname with JW levels and term frequencies, date of birth,
    exact nationality and gender, Damerau-Levenshtein on the document number as on FEBRL's
    soc_sec_id, exact phone), blocking on names, name + birth year, passport and phone, training
    as in the historical_50k tutorial.
    """
    blocking_rules = [
        block_on("first_name", "surname", "birth_year"),
        "l.first_name = r.surname and l.surname = r.first_name and l.birth_year = r.birth_year",
        block_on("surname", "birth_date"),
        block_on("first_name", "birth_date"),
        block_on("passport_number"),
        block_on("phone"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="record_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.ForenameSurnameComparison("first_name", "surname",
                                         forename_surname_concat_col_name="first_name_surname_concat"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("nationality").configure(term_frequency_adjustments=True),
            cl.ExactMatch("gender"),
            cl.DamerauLevenshteinAtThresholds("passport_number", [1, 2]),
            cl.ExactMatch("phone"),
        ],
        retain_intermediate_calculation_columns=False,
    )

    def train(linker):
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "birth_date"), block_on("passport_number")],
            recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=U_SEED)
        # max_pairs (new in Splink 5) keeps EM affordable: common name pairs alone give
        # ~26 million comparisons at 100k records and billions at 1M
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "surname"), estimate_without_term_frequencies=True,
            max_pairs=EM_MAX_PAIRS)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("birth_date"), estimate_without_term_frequencies=True,
            max_pairs=EM_MAX_PAIRS)

    select = """with t as (
                    select *, string_split(trim(regexp_replace(
                        strip_accents(lower(coalesce(full_name, ''))), '\\s+', ' ', 'g')), ' ')
                        as name_tokens
                    from {src})
                select * exclude (name_tokens),
                    nullif(name_tokens[1], '') as first_name,
                    case when len(name_tokens) > 1 then name_tokens[-1] end as surname,
                    nullif(name_tokens[1], '') || ' ' ||
                        coalesce(case when len(name_tokens) > 1 then name_tokens[-1] end, '')
                        as first_name_surname_concat,
                    substr(birth_date, 1, 4) as birth_year
                from t"""
    return settings, train, blocking_rules, select, "record_id", "dedupe_only"


MODELS = {"febrl4": febrl4_model, "hist50k": hist50k_model, "sim": sim_model}


def load(db_api, inputs, select):
    """Each input CSV (all columns as text) through the dataset's preparation, as a table."""
    con = db_api.duckdb_con
    names = []
    for i, path in enumerate(inputs):
        name = f"input_{i}"
        src = f"read_csv({sql_str(path)}, header=true, all_varchar=true)"
        con.execute(f"create or replace table {name} as {select.format(src=src)}")
        names.append(name)
    sdfs = [db_api.register(con.table(n)) for n in names]
    return names, sdfs


def new_db_api(outdir):
    """DuckDB in memory, with a memory limit and a spill directory so that a 1M-record run
    spills to disk instead of being killed on a 24 GB machine (SPLINK_MEMORY_LIMIT, default
    10GB; DuckDB's own default is 80% of RAM)."""
    db_api = DuckDBAPI()
    limit = os.environ.get("SPLINK_MEMORY_LIMIT", "10GB")
    db_api.duckdb_con.execute(f"set memory_limit = {sql_str(limit)}")
    db_api.duckdb_con.execute(f"set temp_directory = {sql_str(outdir + '/duckdb-tmp')}")
    return db_api


def run(dataset, outdir, threshold, inputs):
    settings, train, _rules, select, uid, _lt = MODELS[dataset]()
    phases = {}
    t = time.perf_counter()
    db_api = new_db_api(outdir)
    names, sdfs = load(db_api, inputs, select)
    n_records = sum(db_api.duckdb_con.execute(f"select count(*) from {n}").fetchall()[0][0]
                    for n in names)
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings)
    phases["load"] = time.perf_counter() - t

    t = time.perf_counter()
    train(linker)
    phases["train"] = time.perf_counter() - t

    t = time.perf_counter()
    # Splink 5's chunked predict, as its docs advise for large inputs (memory)
    chunks = {"num_chunks_left": 4, "num_chunks_right": 4} if n_records > CHUNK_ABOVE else {}
    predictions = linker.inference.predict(threshold_match_probability=threshold, **chunks)
    phases["predict"] = time.perf_counter() - t

    t = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold)
    phases["cluster"] = time.perf_counter() - t

    t = time.perf_counter()
    con = db_api.duckdb_con
    con.execute(f"""copy (select {uid}_l as left_id, {uid}_r as right_id,
                             match_probability as probability
                      from {predictions.physical_name})
                    to {sql_str(outdir + '/pairs.csv')} (header, delimiter ',')""")
    con.execute(f"""copy (select {uid} as record_id, cluster_id from {clusters.physical_name})
                    to {sql_str(outdir + '/clusters.csv')} (header, delimiter ',')""")
    phases["write"] = time.perf_counter() - t
    shutil.rmtree(outdir + "/duckdb-tmp", ignore_errors=True)
    phases["total_in_process"] = time.perf_counter() - T0
    with open(outdir + "/phases.txt", "w") as f:
        for k, v in phases.items():
            f.write(f"{k}={v:.2f}\n")
    print(" ".join(f"{k}={v:.2f}s" for k, v in phases.items()), file=sys.stderr)


def blocking(dataset, outdir, truth, inputs):
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    _settings, _train, rules, select, uid, link_type = MODELS[dataset]()
    db_api = new_db_api(outdir)
    names, sdfs = load(db_api, inputs, select)
    con = db_api.duckdb_con

    kwargs = dict(blocking_rules=rules, link_type=link_type, unique_id_column_name=uid,
                  record_sample_proportion=1.0)
    if link_type == "link_only":
        kwargs["source_dataset_column_name"] = "source_dataset"
    counts = count_comparisons_from_blocking_rules(sdfs if len(sdfs) > 1 else sdfs[0], **kwargs)
    last = counts[-1]
    n_cmp = getattr(last, "cumulative_comparison_count", None)
    if n_cmp is None:
        n_cmp = last["cumulative_comparison_count"]

    conds = []
    for r in rules:
        sql = r if isinstance(r, str) else r.get_blocking_rule("duckdb").blocking_rule_sql
        conds.append(f"coalesce(({sql}), false)")
    any_rule = " or ".join(conds)
    truth_src = f"read_csv({sql_str(truth)}, header=true, all_varchar=true)"
    if link_type == "link_only":
        a, b = names
        q = f"""select count(*) as n, count(*) filter (where {any_rule}) as blocked
                from {truth_src} t join {a} l on l.{uid} = t.left_id
                                   join {b} r on r.{uid} = t.right_id"""
    else:
        (a,) = names
        con.execute(f"create table truth as select * from {truth_src}")
        q = f"""select count(*) as n, count(*) filter (where {any_rule}) as blocked
                from truth tl join truth tr on tl.cluster = tr.cluster
                                           and tl.record_id < tr.record_id
                              join {a} l on l.{uid} = tl.record_id
                              join {a} r on r.{uid} = tr.record_id"""
    n_true, n_blocked = con.execute(q).fetchall()[0]
    n_records = sum(con.execute(f"select count(*) from {n}").fetchall()[0][0] for n in names)
    print(f"candidate_pairs={n_cmp}")
    print(f"candidate_pairs_per_record={n_cmp / n_records:.2f}")
    print(f"blocked_true_pairs={n_blocked}")
    print(f"blocking_recall={n_blocked / n_true:.4f}" if n_true else "blocking_recall=nan")


def incremental(dataset, outdir, threshold, base, new, truth, limit):
    """Splink's way of linking records as they arrive (Splink 5: predict_between the existing
    records and the new one, with the trained model and registered term frequencies): train on
    BASE as `run` does, then time predict_between for each of the first LIMIT records of NEW,
    one at a time, and score the pairs it returns against the truth."""
    settings, train, _rules, select, uid, _lt = MODELS[dataset]()
    db_api = new_db_api(outdir)
    con = db_api.duckdb_con
    names, sdfs = load(db_api, [base, new], select)
    base_sdf = sdfs[0]
    linker = Linker(base_sdf, settings)
    t = time.perf_counter()
    train(linker)
    for col in ("first_name", "surname", "first_name_surname_concat", "nationality"):
        try:
            linker.table_management.compute_tf_table(col)
        except Exception as e:  # a column without term frequencies in this model
            print(f"tf {col}: {e}", file=sys.stderr)
    train_seconds = time.perf_counter() - t
    truth_of = {}
    with open(truth, encoding="utf-8") as f:
        next(f)
        for line in f:
            rid, cluster = line.rstrip("\n").split(",", 1)
            truth_of[rid] = cluster
    held = {}
    for (rid,) in con.execute(f"select {uid} from {names[0]}").fetchall():
        p = truth_of.get(rid)
        if p is not None:
            held[p] = held.get(p, 0) + 1
    ids = [r[0] for r in con.execute(f"select {uid} from {names[1]} limit {int(limit)}").fetchall()]
    latencies, tp, fp, fn = [], 0, 0, 0
    for rid in ids:
        con.execute(f"create or replace table one_new as select * from {names[1]} where {uid} = ?", [rid])
        t = time.perf_counter()
        one = db_api.register(con.table("one_new"))
        pairs = linker.inference.predict_between(
            base_sdf, one, threshold_match_probability=threshold, warning_mode="never"
        ).as_pandas_dataframe()
        latencies.append((time.perf_counter() - t) * 1000.0)
        matched = set(pairs[f"{uid}_l"]) | set(pairs[f"{uid}_r"])
        matched.discard(rid)
        person = truth_of.get(rid)
        right = sum(1 for m in matched if person is not None and truth_of.get(m) == person)
        tp += right
        fp += len(matched) - right
        if person is not None:
            fn += max(held.get(person, 0) - right, 0)
    latencies.sort()
    pct = lambda q: latencies[min(len(latencies) - 1, round((len(latencies) - 1) * q))]
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-300)
    print(f"train_seconds={train_seconds:.2f}")
    print(f"new_records={len(ids)}")
    print(f"link_p50_ms={pct(0.5):.3f}")
    print(f"link_p95_ms={pct(0.95):.3f}")
    print(f"link_p99_ms={pct(0.99):.3f}")
    print(f"link_max_ms={latencies[-1]:.3f}")
    print(f"precision={precision:.4f}")
    print(f"recall={recall:.4f}")
    print(f"f1={f1:.4f}")
    shutil.rmtree(outdir + "/duckdb-tmp", ignore_errors=True)


def main(argv):
    if len(argv) >= 9 and argv[1] == "incremental" and argv[2] in MODELS:
        incremental(argv[2], argv[3], float(argv[4]), argv[5], argv[6], argv[7], int(argv[8]))
        return 0
    if len(argv) < 6 or argv[1] not in ("run", "blocking") or argv[2] not in MODELS:
        print(__doc__, file=sys.stderr)
        return 2
    mode, dataset, outdir = argv[1], argv[2], argv[3]
    inputs = argv[5:]
    if mode == "run":
        run(dataset, outdir, float(argv[4]), inputs)
    else:
        blocking(dataset, outdir, argv[4], inputs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
