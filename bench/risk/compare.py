"""Scores Corridor's and the anchor's hits (bench/risk.sh) against each other and the world's
truth: agreement line by line, and each profile's precision and recall for both.

    python compare.py FACTS.jsonl CORRIDOR.jsonl ANCHOR.jsonl TRUTH_DIR RULES.json
"""

import csv
import json
import sys


def main():
    facts_path, ours_path, theirs_path, truth_dir, rules_path = sys.argv[1:6]
    rules = json.load(open(rules_path, encoding="utf-8"))
    kinds = {p["id"]: p["kind"] for p in rules["profiles"]}
    perpetrators = {r["person_id"] for r in csv.DictReader(open(f"{truth_dir}/networks.csv", encoding="utf-8"))}
    smuggled = {r["person_id"] for r in csv.DictReader(open(f"{truth_dir}/groups.csv", encoding="utf-8"))}
    truth = {}
    for r in csv.DictReader(open(f"{truth_dir}/records.csv", encoding="utf-8")):
        t = r["true_id"]
        truth[r["record_id"]] = "perpetrator" if t in perpetrators else "protection" if t in smuggled else "regular"
    travellers = [json.loads(l)["traveller"] for l in open(facts_path, encoding="utf-8") if l.strip()]
    ours = [sorted(json.loads(l)["profiles"]) for l in open(ours_path, encoding="utf-8") if l.strip()]
    theirs = [sorted(json.loads(l)["profiles"]) for l in open(theirs_path, encoding="utf-8") if l.strip()]
    assert len(ours) == len(theirs) == len(travellers), (len(ours), len(theirs), len(travellers))
    same = sum(1 for a, b in zip(ours, theirs) if a == b)
    print(f"agreement={same / max(1, len(ours)):.4f}")
    for name, hits in (("corridor", ours), ("anchor", theirs)):
        for pid, kind in sorted(kinds.items()):
            known = [(t, h) for t, h in zip(travellers, hits) if t in truth]
            tp = sum(1 for t, h in known if pid in h and truth[t] == kind)
            hit = sum(1 for _, h in known if pid in h)
            pos = sum(1 for t, _ in known if truth[t] == kind)
            p = tp / hit if hit else 0.0
            r = tp / pos if pos else 0.0
            short = "perpetrator" if kind == "perpetrator" else "protection"
            print(f"{name}_{short}_precision={p:.3f}")
            print(f"{name}_{short}_recall={r:.3f}")
            print(f"{name}_{short}_alerts_per_1000={1000 * hit / max(1, len(known)):.1f}")


if __name__ == "__main__":
    main()
