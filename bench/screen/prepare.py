"""A watchlist and noisy queries with known answers, from the simulator's persons.

    python prepare.py PERSONS.csv TRUTH.csv OUTDIR [QUERIES] [SEED]

PERSONS.csv is bench/er.sh's simulator table (record_id, full_name, birth_date, nationality,
gender, passport_number, phone, dataset); TRUTH.csv maps record_id to the true person.
The watchlist holds one entry per true person: the first of its records (in file order) that
has a Latin-script name. The queries are other records of listed people whose name is written
differently from the entry's (another spelling, word order or script); the answer of each is
its person's entry. They are drawn one per person: listed people at random (seeded), then one
of their records at random, so each query asks after another person. (Drawn over records
instead, people who cross hundreds of times would make most of the queries: that set is
written too, to OUTDIR/by-record/, names only.) Documents are left out of the queries, so
names carry them. Writes OUTDIR/entries.csv, queries_names.csv (names only),
queries_full.csv (name, birth date, nationality, as the query's source has them: most sources
leave the birth date empty), queries_dated.csv (the queries of queries_full.csv where both the
query and its entry carry a full birth date — not a 1 January placeholder — and the query a
nationality: what "screening with date of birth and nationality" means) and truth.csv
(query_id, entry_id, script).
"""
import csv
import os
import random
import re
import sys
import unicodedata
from collections import Counter


def full_date(d):
    return len(d) == 10 and not d.endswith("-01-01")


def written_alike(name):
    """A name with case, accents, punctuation and word order set aside."""
    s = unicodedata.normalize("NFKD", name.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(sorted(re.sub(r"[^\w ]", " ", s).split()))


def names_only_ceiling(entries, chosen, entry_of):
    """The best recall@10 any names-only ranking could reach, if it puts entries written
    exactly as the query first (as every sensible scorer does): a query written as its own
    entry ties with that entry's namesakes (found with chance 10 / their number, at best); a
    query written as ten or more other entries, and not as its own, cannot be found; every
    other query is counted as found. An upper bound: near-namesakes are not counted."""
    alike = Counter(written_alike(r["full_name"]) for r in entries)
    total = 0.0
    for p, r in chosen:
        q, own = written_alike(r["full_name"]), written_alike(entry_of[p][1])
        if q == own:
            total += min(1.0, 10 / alike[q])
        elif alike[q] < 10:
            total += 1
    return total / max(1, len(chosen))


def latin(name):
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in name)


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    persons, truth_path, out = argv[1], argv[2], argv[3]
    n_queries = int(argv[4]) if len(argv) > 4 else 10000
    seed = int(argv[5]) if len(argv) > 5 else 7
    truth = {}
    with open(truth_path, encoding="utf-8") as f:
        next(f)
        for line in f:
            rid, person = line.rstrip("\n").split(",", 1)
            truth[rid] = person
    entries, entry_of, others = [], {}, []
    with open(persons, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            p = truth.get(r["record_id"])
            if p is None or not r["full_name"].strip():
                continue
            if p not in entry_of and latin(r["full_name"]):
                entry_of[p] = (r["record_id"], r["full_name"])
                entries.append(r)
            else:
                others.append((p, r))
    candidates = [(p, r) for p, r in others
                  if p in entry_of and r["full_name"] != entry_of[p][1]]
    rng = random.Random(seed)
    by_record = list(candidates)
    rng.shuffle(by_record)
    by_record = by_record[:n_queries]
    records_of = {}
    for p, r in candidates:
        records_of.setdefault(p, []).append(r)
    people = sorted(records_of)
    rng.shuffle(people)
    chosen = [(p, rng.choice(records_of[p])) for p in people[:n_queries]]
    cols = ["id", "name", "birth_date", "nationality", "document_number"]
    with open(f"{out}/entries.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in entries:
            w.writerow([r["record_id"], r["full_name"], r["birth_date"], r["nationality"], r["passport_number"]])
    entry_dob = {r["record_id"]: r["birth_date"] for r in entries}
    dated = 0
    with open(f"{out}/queries_names.csv", "w", newline="", encoding="utf-8") as fn, \
         open(f"{out}/queries_full.csv", "w", newline="", encoding="utf-8") as ff, \
         open(f"{out}/queries_dated.csv", "w", newline="", encoding="utf-8") as fd, \
         open(f"{out}/truth.csv", "w", newline="", encoding="utf-8") as ft:
        wn, wf, wd, wt = csv.writer(fn), csv.writer(ff), csv.writer(fd), csv.writer(ft)
        wn.writerow(cols)
        wf.writerow(cols)
        wd.writerow(cols)
        wt.writerow(["query_id", "entry_id", "script"])
        for i, (p, r) in enumerate(chosen):
            qid = f"q{i}"
            wn.writerow([qid, r["full_name"], "", "", ""])
            wf.writerow([qid, r["full_name"], r["birth_date"], r["nationality"], ""])
            if full_date(r["birth_date"]) and r["nationality"] and full_date(entry_dob[entry_of[p][0]]):
                wd.writerow([qid, r["full_name"], r["birth_date"], r["nationality"], ""])
                dated += 1
            wt.writerow([qid, entry_of[p][0], "latin" if latin(r["full_name"]) else "other"])
    os.makedirs(f"{out}/by-record", exist_ok=True)
    with open(f"{out}/by-record/queries_names.csv", "w", newline="", encoding="utf-8") as fn, \
         open(f"{out}/by-record/truth.csv", "w", newline="", encoding="utf-8") as ft:
        wn, wt = csv.writer(fn), csv.writer(ft)
        wn.writerow(cols)
        wt.writerow(["query_id", "entry_id", "script"])
        for i, (p, r) in enumerate(by_record):
            wn.writerow([f"r{i}", r["full_name"], "", "", ""])
            wt.writerow([f"r{i}", entry_of[p][0], "latin" if latin(r["full_name"]) else "other"])
    print(f"entries={len(entries)}")
    print(f"queries={len(chosen)}")
    print(f"dated_queries={dated}")
    print(f"names_only_recall_at_10_ceiling={names_only_ceiling(entries, chosen, entry_of):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
