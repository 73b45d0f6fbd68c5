#!/usr/bin/env python3
"""Print the entity-resolution benchmark: a readable table, then every figure as name=value.

    report.py RESULTS.kv DATASET [DATASET ...]

RESULTS.kv holds the name=value lines the run collected (later lines win). The derived figures
are added here, per dataset, when both tools have them:

  <ds>_time_ratio        corridor seconds / splink seconds (below 1: Corridor is faster)
  <ds>_peak_rss_ratio    corridor peak RSS / splink peak RSS
  <ds>_f1_diff           corridor F1 - splink F1 (pairwise); <ds>_cluster_f1_diff likewise
"""

import sys

TOOLS = ("corridor", "splink")


def read_kv(path):
    kv = {}
    order = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or "=" not in line or line.startswith("#"):
                continue
            k, v = line.split("=", 1)
            if k not in kv:
                order.append(k)
            kv[k] = v
    return kv, order


def num(kv, key):
    try:
        return float(kv[key])
    except (KeyError, ValueError):
        return None


def fmt(v, digits=4):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if v != v:
        return "nan"
    return f"{v:.{digits}f}"


def main(argv):
    kv, order = read_kv(argv[1])
    datasets = argv[2:]

    derived = []
    for ds in datasets:
        c, s = f"{ds}_corridor", f"{ds}_splink"
        for name, a, b, op in (
            ("time_ratio", f"{c}_seconds", f"{s}_seconds", "div"),
            ("peak_rss_ratio", f"{c}_peak_rss_mb", f"{s}_peak_rss_mb", "div"),
            ("f1_diff", f"{c}_f1", f"{s}_f1", "sub"),
            ("cluster_f1_diff", f"{c}_cluster_f1", f"{s}_cluster_f1", "sub"),
        ):
            x, y = num(kv, a), num(kv, b)
            if x is None or y is None or kv.get(f"{c}_error") == "1" or kv.get(f"{s}_error") == "1":
                continue
            if op == "div":
                if y == 0:
                    continue
                val = f"{x / y:.3f}"
            else:
                val = f"{x - y:+.4f}"
            key = f"{ds}_{name}"
            derived.append(key)
            kv[key] = val

    cols = [
        ("tool", None, 8), ("seconds", "seconds", 8), ("peak MB", "peak_rss_mb", 8),
        ("P", "precision", 6), ("R", "recall", 6), ("F1", "f1", 6),
        ("clu P", "cluster_precision", 6), ("clu R", "cluster_recall", 6),
        ("clu F1", "cluster_f1", 6), ("B3 F1", "bcubed_f1", 6), ("block R", "blocking_recall", 7),
        ("cand/rec", "candidate_pairs_per_record", 8), ("max clu", "largest_cluster", 7),
        ("nonlat R", "nonlatin_pair_recall", 8),
    ]
    out = []
    out.append("")
    out.append("Entity resolution: Corridor vs Splink (same data, same run)")
    out.append("")
    for ds in datasets:
        recs = kv.get(f"{ds}_records", "?")
        tp = kv.get(f"{ds}_splink_true_pairs") or kv.get(f"{ds}_corridor_true_pairs") or "?"
        out.append(f"{ds}: {recs} records, {tp} true pairs")
        out.append("  " + "  ".join(h.rjust(w) for h, _, w in cols))
        for tool in TOOLS:
            p = f"{ds}_{tool}"
            if kv.get(f"{p}_error") == "1":
                out.append(f"  {tool.rjust(8)}  error: {kv.get(f'{p}_error_reason', 'failed')}")
                continue
            if f"{p}_seconds" not in kv and f"{p}_f1" not in kv:
                out.append(f"  {tool.rjust(8)}  (not run)")
                continue
            row = []
            for h, key, w in cols:
                if key is None:
                    row.append(tool.rjust(w))
                    continue
                v = kv.get(f"{p}_{key}")
                if v is None:
                    row.append("–".rjust(w))
                    continue
                try:
                    x = float(v)
                    if key == "seconds":
                        s = f"{x:.2f}"
                    elif key in ("peak_rss_mb", "candidate_pairs_per_record"):
                        s = f"{x:.1f}"
                    elif key == "largest_cluster":
                        s = str(int(x))
                    else:
                        s = f"{x:.4f}"
                except ValueError:
                    s = v
                row.append(s.rjust(w))
            out.append("  " + "  ".join(row))
        extras = [f"{n}={kv[f'{ds}_{n}']}" for n in ("time_ratio", "peak_rss_ratio", "f1_diff", "cluster_f1_diff")
                  if f"{ds}_{n}" in kv]
        if extras:
            out.append("  " + "  ".join(extras))
        out.append("")
    out.append("time = whole process wall time (/usr/bin/time -v), training included; peak MB = max RSS.")
    out.append("P/R/F1 pairwise at the threshold; clu = pairs implied by the clusters; B3 = B-cubed")
    out.append("(per-record) F1 of the clusters; block R = true pairs among the candidate pairs;")
    out.append("cand/rec = candidate pairs per record; max clu = largest predicted cluster; nonlat R =")
    out.append("pairwise recall on true pairs with a non-Latin-script name. See bench/README.md.")
    out.append("")
    print("\n".join(out))

    for k in order + derived:
        print(f"{k}={kv[k]}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
