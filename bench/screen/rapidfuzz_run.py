"""rapidfuzz on the same watchlist and queries: what a developer would otherwise reach for.

    python rapidfuzz_run.py OUTDIR LIMIT

process.cdist with its best general scorer (WRatio), default_process (lower-case, strip
non-alphanumerics), all cores (workers=-1), on the first LIMIT names-only queries against
every entry name; top 10 per query. Prints name=value lines.
"""
import csv
import sys
import time

import numpy as np
from rapidfuzz import fuzz, process, utils


def main(argv):
    out, limit = argv[1], int(argv[2])
    with open(f"{out}/entries.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ids = [r["id"] for r in rows]
    names = [r["name"] for r in rows]
    with open(f"{out}/queries_names.csv", encoding="utf-8") as f:
        queries = list(csv.DictReader(f))[:limit]
    with open(f"{out}/truth.csv", encoding="utf-8") as f:
        truth = {r["query_id"]: (r["entry_id"], r["script"]) for r in csv.DictReader(f)}
    t = time.perf_counter()
    scores = process.cdist([q["name"] for q in queries], names, scorer=fuzz.WRatio,
                           processor=utils.default_process, workers=-1, dtype=np.uint8)
    secs = time.perf_counter() - t
    top = np.argsort(-scores.astype(np.int16), axis=1, kind="stable")[:, :10]
    at1 = at10 = other = other10 = 0
    for qi, q in enumerate(queries):
        want, script = truth[q["id"]]
        got = [ids[j] for j in top[qi]]
        at1 += got[0] == want
        at10 += want in got
        if script == "other":
            other += 1
            other10 += want in got
    n = len(queries)
    print(f"queries={n}")
    print(f"seconds={secs:.2f}")
    print(f"queries_per_second={n / secs:.1f}")
    print(f"recall_at_1={at1 / n:.4f}")
    print(f"recall_at_10={at10 / n:.4f}")
    print(f"other_script_queries={other}")
    print(f"other_script_recall_at_10={other10 / other:.4f}" if other else "other_script_recall_at_10=nan")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
