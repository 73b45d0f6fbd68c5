#!/usr/bin/env python3
"""The benchmark's baseline: the same k-anonymity search as corridor-sdc, in plain Python, on
the same file — the same hierarchies (ages to bands, dates to month, quarter and year,
countries to the same UN M49 table, categories to *), the same loss (mean generalisation height
plus the share of persons suppressed) and the same branch and bound over the lattice. Prints
name=value lines.

    python3 kanon_baseline.py INPUT.csv M49.tsv
"""
import csv
import itertools
import sys
import time

K, L, MAX_SUPPRESSION = 11, 2, 0.1

def load_m49(path):
    table = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        table[f[0].lower()] = (f[2], f[4])
    return table

def age(v, level):
    if level >= 4: return "*"
    try: a = int(v)
    except ValueError: return "unknown"
    if level == 0: return str(a)
    if level == 1: return f"{a // 5 * 5}-{a // 5 * 5 + 4}"
    if level == 2: return f"{a // 10 * 10}-{a // 10 * 10 + 9}"
    return "0-17" if a < 18 else ("18-59" if a < 60 else "60+")

def date(v, level):
    if level >= 4: return "*"
    y, m = v[:4], int(v[5:7])
    return [v, f"{y}-{m:02d}", f"{y}-Q{(m - 1) // 3 + 1}", y][level]

def make_country(m49):
    def country(v, level):
        if level >= 3: return "*"
        c = v.lower()
        if level == 0: return c
        sub, region = m49.get(c, ("unknown", "unknown"))
        return sub if level == 1 else region
    return country

def category(v, level):
    return v if level == 0 else "*"

def main():
    rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
    m49 = load_m49(sys.argv[2])
    quasi = [("age", age, 5), ("sex", category, 2), ("nationality", make_country(m49), 4),
             ("date", date, 5), ("place", category, 2)]
    started = time.time()
    # Every level of every quasi-identifier, once (as corridor-sdc encodes them).
    levels = [[[gen(r[col], lv) for r in rows] for lv in range(n)] for col, gen, n in quasi]
    persons = [r["person_id"] for r in rows]
    service = [r["service"] for r in rows]
    total = len(set(persons))
    maxima = [n - 1 for _, _, n in quasi]
    nodes = sorted(itertools.product(*[range(m + 1) for m in maxima]),
                   key=lambda node: (sum(l / m for l, m in zip(node, maxima)) / len(maxima), node))
    best = None
    evaluated = 0
    for node in nodes:
        height = sum(l / m for l, m in zip(node, maxima)) / len(maxima)
        if best is not None and height >= best[0]:
            break
        evaluated += 1
        columns = [levels[q][lv] for q, lv in enumerate(node)]
        keys = list(zip(*columns))
        people = {}
        seen = set()
        diverse = {}
        for key, p, s in zip(keys, persons, service):
            if (key, p) not in seen:
                seen.add((key, p))
                people[key] = people.get(key, 0) + 1
            d = diverse.setdefault(key, set())
            if len(d) < L:
                d.add(s)
        suppressed = sum(c for key, c in people.items() if c < K or len(diverse[key]) < L)
        share = suppressed / total
        if share > MAX_SUPPRESSION:
            continue
        loss = height + share
        if best is None or loss < best[0]:
            best = (loss, node, share, height)
    seconds = time.time() - started
    loss, node, share, height = best
    print(f"python_kanon_seconds={seconds:.2f}")
    print("python_levels=" + ";".join(f"{col}:{lv}" for (col, _, _), lv in zip(quasi, node)))
    print(f"python_suppressed_share={share:.4f}")
    print(f"python_information_loss={loss:.4f}")
    print(f"python_evaluated_nodes={evaluated}/{len(nodes)}")

main()
