"""The anchor of bench/risk.sh: the same indicators and profiles run by a general-purpose Python
rule engine (`rule-engine`, what a developer building a customs or border targeting tool would
reach for), over the same facts, with the same scoring (an indicator's weight counts when its
expression holds; a profile hits at its threshold).

    python anchor.py RULES.json FACTS.jsonl REPEAT OUT.jsonl

RULES.json is `corridor risk rules`; FACTS.jsonl is `corridor risk facts`. Writes the profiles
hit on each line to OUT.jsonl and prints `micros_per_evaluation=`.
"""

import json
import sys
import time

import rule_engine


def symbol(field):
    return field.replace(".", "__")


def literal(value):
    return json.dumps(value) if not isinstance(value, bool) else ("true" if value else "false")


def condition(c):
    f, op, v = symbol(c["field"]), c["op"], c.get("value")
    known = f"{f} != null"
    if op == "is_true":
        expr = f"{f} == true"
    elif op == "is_false":
        expr = f"{f} == false"
    elif op == "exists":
        expr = known
    elif op == "eq":
        expr = f"{f} == {literal(v)}"
    elif op == "ne":
        expr = f"({known} and {f} != {literal(v)})"
    elif op == "in":
        expr = f"({known} and {f} in [{', '.join(literal(x) for x in v)}])"
    elif op == "contains":
        expr = f"({known} and {literal(v)} in {f})"
    else:
        symbol_op = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}[op]
        expr = f"({known} and {f} {symbol_op} {literal(v)})"
    return f"({expr})"


def indicator_expression(i):
    parts = [condition(c) for c in i.get("all", [])]
    if i.get("any"):
        parts.append("(" + " or ".join(condition(c) for c in i["any"]) + ")")
    return " and ".join(parts) if parts else "true"


def main():
    rules_path, facts_path, repeat, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    rules = json.load(open(rules_path, encoding="utf-8"))
    context = rule_engine.Context(default_value=None)
    compiled = {i["id"]: (rule_engine.Rule(indicator_expression(i), context=context), i["weight"]) for i in rules["indicators"]}
    profiles = [(p["id"], p["indicators"], p["threshold"]) for p in rules["profiles"]]
    rows = []
    with open(facts_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                facts = json.loads(line)["facts"]
                rows.append({symbol(k): v for k, v in facts.items()})
    # Every field the rules name is present (null when unknown), as the engine's typed symbols
    # need.
    fields = {symbol(c["field"]) for i in rules["indicators"] for c in i.get("all", []) + i.get("any", [])}
    for r in rows:
        for f in fields:
            r.setdefault(f, None)
    out = []
    start = time.perf_counter()
    for round_ in range(repeat):
        for r in rows:
            fired = {}
            hits = []
            for pid, indicators, threshold in profiles:
                score, any_fired = 0.0, False
                for iid in indicators:
                    if iid not in fired:
                        rule, weight = compiled[iid]
                        fired[iid] = weight if rule.matches(r) else None
                    if fired[iid] is not None:
                        score += fired[iid]
                        any_fired = True
                if any_fired and score >= threshold:
                    hits.append(pid)
            if round_ == 0:
                out.append(sorted(hits))
    elapsed = time.perf_counter() - start
    with open(out_path, "w", encoding="utf-8") as f:
        for hits in out:
            f.write(json.dumps({"profiles": hits}) + "\n")
    print(f"micros_per_evaluation={elapsed * 1e6 / max(1, len(rows) * repeat):.2f}")


if __name__ == "__main__":
    main()
