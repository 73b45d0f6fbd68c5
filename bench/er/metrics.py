#!/usr/bin/env python3
"""Accuracy and resource figures of one tool's run on one dataset, as `name=value` lines.

    metrics.py score --prefix P --pairs DIR/pairs.csv --clusters DIR/clusters.csv
                     (--truth-clusters T.csv | --truth-links L.csv)
                     [--threshold 0.5] [--names INPUT.csv --name-column full_name]
                     [--candidates DIR/candidates.csv] [--candidates-count DIR/candidates_count]
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
* largest_cluster: records in the biggest predicted cluster (shows chaining).
* nonlatin_*: true pairs with at least one record whose name holds a letter outside the Latin
  script (Unicode letter whose character name does not start with LATIN: Arabic, Cyrillic,
  Ethiopic, Bengali, ...); recall on those pairs, from the predicted pairs and from the clusters.
* blocking_recall: share of true pairs among the candidate pairs, when the tool lists them.
"""

import argparse
import re
import sys
import unicodedata

import numpy as np
import pandas as pd


def emit(prefix, key, value):
    if isinstance(value, float):
        value = f"{value:.4f}" if value == value else "nan"
    print(f"{prefix}_{key}={value}")


def prf(tp, predicted, true):
    p = tp / predicted if predicted else float("nan")
    r = tp / true if true else float("nan")
    f = 2 * p * r / (p + r) if predicted and true and (p + r) > 0 else (0.0 if predicted and true else float("nan"))
    return p, r, f


def c2(n):
    n = np.asarray(n, dtype=np.int64)
    return n * (n - 1) // 2


class Truth:
    """Record id -> integer true-cluster label; ids it does not know are singletons."""

    def __init__(self, ids, labels):
        self.index = pd.Index(ids)
        if not self.index.is_unique:
            raise SystemExit("truth: duplicate record ids")
        self.labels = pd.factorize(pd.Series(labels))[0].astype(np.int64)
        sizes = np.bincount(self.labels)
        self.true_pairs = int(c2(sizes).sum())
        self.next_label = int(self.labels.max()) + 1 if len(self.labels) else 0

    @classmethod
    def from_clusters(cls, path):
        t = pd.read_csv(path, dtype=str, keep_default_na=False)
        return cls(t.iloc[:, 0].values, t.iloc[:, 1].values)

    @classmethod
    def from_links(cls, path):
        t = pd.read_csv(path, dtype=str, keep_default_na=False)
        n = len(t)
        ids = np.concatenate([t.iloc[:, 0].values, t.iloc[:, 1].values])
        labels = np.concatenate([np.arange(n), np.arange(n)])
        # a record in two links joins their clusters: relabel by connected components
        if len(set(ids)) != len(ids):
            ids, labels = _components(t.iloc[:, 0].values, t.iloc[:, 1].values)
        return cls(ids, labels)

    def label_of(self, ids):
        """Labels for an array of ids; unknown ids get fresh singleton labels."""
        pos = self.index.get_indexer(ids)
        out = np.empty(len(ids), dtype=np.int64)
        known = pos >= 0
        out[known] = self.labels[pos[known]]
        unknown = int((~known).sum())
        out[~known] = np.arange(self.next_label, self.next_label + unknown)
        return out, unknown


def _components(left, right):
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(left, right):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    ids = list(parent)
    roots = [find(x) for x in ids]
    return np.array(ids, dtype=object), pd.factorize(pd.Series(roots))[0]


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


def read_pairs(path, threshold):
    head = pd.read_csv(path, nrows=0)
    cols = list(head.columns)
    if len(cols) < 3 or [c.strip().lower() for c in cols[:3]] != ["left_id", "right_id", "probability"]:
        raise SystemExit(f"{path}: header must start left_id,right_id,probability (got {cols[:3]})")
    p = pd.read_csv(path, usecols=[0, 1, 2], dtype={cols[0]: str, cols[1]: str},
                    keep_default_na=False, na_values={cols[2]: [""]})
    p.columns = ["l", "r", "p"]
    rows = len(p)
    p = p[p["p"] >= threshold]
    l = p["l"].values.astype(str)
    r = p["r"].values.astype(str)
    lo = np.where(l <= r, l, r)
    hi = np.where(l <= r, r, l)
    q = pd.DataFrame({"l": lo, "r": hi})
    q = q[q["l"] != q["r"]].drop_duplicates()
    return q, rows


def score(args):
    pre = args.prefix
    truth = Truth.from_links(args.truth_links) if args.truth_links else Truth.from_clusters(args.truth_clusters)

    nonlatin = None
    if args.names:
        n = pd.read_csv(args.names, dtype=str, keep_default_na=False)
        flag = n[args.name_column].map(has_non_latin_letter).values
        nonlatin = pd.Series(flag, index=n.iloc[:, 0].values)
        nonlatin = nonlatin[~nonlatin.index.duplicated()]

    def nl_of(ids):
        return nonlatin.reindex(ids).fillna(False).values.astype(bool)

    emit(pre, "true_pairs", truth.true_pairs)

    # true pairs that involve a non-Latin record: per true cluster C(n,2) - C(n-k,2)
    nl_true = None
    if nonlatin is not None:
        tl = truth.labels
        k = nl_of(truth.index.values).astype(np.int64)
        n_per = np.bincount(tl)
        k_per = np.bincount(tl, weights=k, minlength=len(n_per)).astype(np.int64)
        nl_true = int((c2(n_per) - c2(n_per - k_per)).sum())
        emit(pre, "nonlatin_records", int(k.sum()))
        emit(pre, "nonlatin_true_pairs", nl_true)

    # --- pairwise ---
    pairs, rows = read_pairs(args.pairs, args.threshold)
    ll, u1 = truth.label_of(pairs["l"].values)
    rl, u2 = truth.label_of(pairs["r"].values)
    tp_mask = ll == rl
    tp = int(tp_mask.sum())
    p, r, f = prf(tp, len(pairs), truth.true_pairs)
    emit(pre, "pairs_rows", rows)
    emit(pre, "predicted_pairs", len(pairs))
    emit(pre, "true_positive_pairs", tp)
    emit(pre, "precision", p)
    emit(pre, "recall", r)
    emit(pre, "f1", f)
    if u1 + u2:
        emit(pre, "unknown_ids_in_pairs", u1 + u2)
    if nl_true is not None:
        inv = nl_of(pairs["l"].values) | nl_of(pairs["r"].values)
        nl_tp = int((tp_mask & inv).sum())
        emit(pre, "nonlatin_pair_recall", nl_tp / nl_true if nl_true else float("nan"))

    # --- clusters ---
    if args.clusters:
        c = pd.read_csv(args.clusters, dtype=str, keep_default_na=False)
        if [x.strip().lower() for x in c.columns[:2]] != ["record_id", "cluster_id"]:
            raise SystemExit(f"{args.clusters}: header must be record_id,cluster_id (got {list(c.columns)})")
        c = c.iloc[:, :2]
        c.columns = ["id", "cid"]
        c = c.drop_duplicates("id")
        tlab, uc = truth.label_of(c["id"].values)
        cid = pd.factorize(c["cid"])[0].astype(np.int64)
        sizes = np.bincount(cid)
        pred_pairs = int(c2(sizes).sum())
        cell = pd.DataFrame({"c": cid, "t": tlab})
        if nonlatin is not None:
            cell["k"] = nl_of(c["id"].values).astype(np.int64)
            g = cell.groupby(["c", "t"]).agg(n=("k", "size"), k=("k", "sum"))
        else:
            g = cell.groupby(["c", "t"]).size().to_frame("n")
        ctp = int(c2(g["n"].values).sum())
        cp, cr, cf = prf(ctp, pred_pairs, truth.true_pairs)
        emit(pre, "clustered_records", len(c))
        emit(pre, "clusters", int(len(sizes)))
        emit(pre, "largest_cluster", int(sizes.max()) if len(sizes) else 0)
        emit(pre, "cluster_implied_pairs", pred_pairs)
        emit(pre, "cluster_precision", cp)
        emit(pre, "cluster_recall", cr)
        emit(pre, "cluster_f1", cf)
        if uc:
            emit(pre, "unknown_ids_in_clusters", uc)
        if nl_true is not None:
            nl_ctp = int((c2(g["n"].values) - c2(g["n"].values - g["k"].values)).sum())
            emit(pre, "nonlatin_cluster_pair_recall", nl_ctp / nl_true if nl_true else float("nan"))

    # --- blocking (optional) ---
    if args.candidates:
        cand, _ = read_candidates(args.candidates)
        cl_, _ = truth.label_of(cand["l"].values)
        cr_, _ = truth.label_of(cand["r"].values)
        btp = int((cl_ == cr_).sum())
        emit(pre, "candidate_pairs", len(cand))
        emit(pre, "blocking_recall", btp / truth.true_pairs if truth.true_pairs else float("nan"))
    elif args.candidates_count:
        with open(args.candidates_count) as f:
            m = re.search(r"\d+", f.read())
        if m:
            emit(pre, "candidate_pairs", int(m.group(0)))


def read_candidates(path):
    p = pd.read_csv(path, usecols=[0, 1], dtype=str, keep_default_na=False)
    l = p.iloc[:, 0].values.astype(str)
    r = p.iloc[:, 1].values.astype(str)
    q = pd.DataFrame({"l": np.where(l <= r, l, r), "r": np.where(l <= r, r, l)})
    q = q[q["l"] != q["r"]].drop_duplicates()
    return q, len(p)


def parse_elapsed(s):
    parts = [float(x) for x in s.strip().split(":")]
    secs = 0.0
    for x in parts:
        secs = secs * 60 + x
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
    t = sub.add_parser("timing")
    t.add_argument("--prefix", required=True)
    t.add_argument("file")
    args = ap.parse_args()
    if args.cmd == "score":
        score(args)
    else:
        timing(args)


if __name__ == "__main__":
    main()
