"""The graph benchmark's igraph side (bench/graph.sh runs it beside Corridor on the same files).

    python igraph_bench.py EDGES.csv TRUTH.csv QUERIES.csv SOURCES [--leidenalg]

Loads the edge list with pandas into python-igraph (as analysts do), runs each analysis once
with igraph's own implementations (community_leiden: the maintainers' advice for large graphs;
leidenalg with --leidenalg), and prints name=value lines.
"""

import resource
import sys
import time

import igraph as ig
import numpy as np
import pandas as pd


def say(key, value):
    print(f"{key}={value}", flush=True)


def main():
    edges_path, truth_path, queries_path, sources = sys.argv[1:5]
    sources = int(sources)
    use_leidenalg = "--leidenalg" in sys.argv

    # Numeric ids are read as integers (the fast path an analyst would take); others as text.
    t = time.perf_counter()
    try:
        frame = pd.read_csv(edges_path, header=None, names=["source", "target"], dtype=np.int64, usecols=[0, 1])
    except ValueError:
        frame = pd.read_csv(edges_path, header=None, names=["source", "target"], dtype=str, usecols=[0, 1])
    names, codes = np.unique(frame[["source", "target"]].to_numpy().ravel(), return_inverse=True)
    pairs = codes.reshape(-1, 2)
    graph = ig.Graph(n=len(names), edges=pairs, directed=False)
    say("igraph_load_s", f"{time.perf_counter() - t:.3f}")
    say("igraph_nodes", graph.vcount())
    index = {str(name): i for i, name in enumerate(names)}

    truth = pd.read_csv(truth_path, dtype={"node": str})
    truth = truth[truth["node"].isin(index)]
    cell = np.full(len(names), -1)
    broker = np.zeros(len(names), dtype=bool)
    ids = truth["node"].map(index).to_numpy()
    cell[ids] = truth["cell"].to_numpy()
    broker[ids] = truth["broker"].to_numpy() == 1
    truth_partition = ig.VertexClustering(graph, list(cell))

    t = time.perf_counter()
    components = graph.connected_components()
    say("igraph_components_s", f"{time.perf_counter() - t:.3f}")
    say("igraph_components", len(components))

    t = time.perf_counter()
    graph.pagerank()
    say("igraph_pagerank_s", f"{time.perf_counter() - t:.3f}")

    for label, objective, resolution in [("leiden", "modularity", 1.0), ("cpm", "CPM", 0.05)]:
        t = time.perf_counter()
        found = graph.community_leiden(objective_function=objective, resolution=resolution, n_iterations=2)
        say(f"igraph_{label}_s", f"{time.perf_counter() - t:.3f}")
        say(f"igraph_{label}_communities", len(found))
        if objective == "modularity":
            say("igraph_leiden_modularity", f"{graph.modularity(found.membership):.4f}")
        say(f"igraph_{label}_nmi", f"{ig.compare_communities(truth_partition, found, method='nmi'):.4f}")
        say(f"igraph_{label}_ari", f"{ig.compare_communities(truth_partition, found, method='ari'):.4f}")

    if use_leidenalg:
        import leidenalg

        t = time.perf_counter()
        found = leidenalg.find_partition(graph, leidenalg.ModularityVertexPartition, n_iterations=2, seed=42)
        say("leidenalg_s", f"{time.perf_counter() - t:.3f}")
        say("leidenalg_modularity", f"{graph.modularity(found.membership):.4f}")

    rng = np.random.default_rng(42)
    chosen = rng.choice(graph.vcount(), size=min(sources, graph.vcount()), replace=False)
    t = time.perf_counter()
    values = np.array(graph.betweenness(sources=chosen.tolist()))
    say("igraph_betweenness_s", f"{time.perf_counter() - t:.3f}")
    top = np.argsort(-values)[:100]
    say("igraph_broker_precision_at_100", f"{broker[top].sum() / 100:.3f}")

    seeds, query_pairs = [], []
    for line in open(queries_path):
        kind, a, b = line.rstrip("\n").split(",")
        if kind == "hood" and a in index:
            seeds.append(index[a])
        elif kind == "pair" and a in index and b in index:
            query_pairs.append((index[a], index[b]))
    t = time.perf_counter()
    sizes = graph.neighborhood_size(seeds, order=3)
    say("igraph_3hop_s", f"{time.perf_counter() - t:.3f}")
    say("igraph_3hop_mean_size", f"{np.mean(sizes):.0f}")

    one = []
    for a, b in query_pairs:
        t = time.perf_counter()
        graph.get_shortest_path(a, b)
        one.append((time.perf_counter() - t) * 1000)
    say("igraph_shortest_path_p95_ms", f"{np.percentile(one, 95):.3f}")
    all_times, counts = [], []
    for a, b in query_pairs[: max(1, len(query_pairs) // 10)]:
        t = time.perf_counter()
        counts.append(len(graph.get_all_shortest_paths(a, to=b)))
        all_times.append((time.perf_counter() - t) * 1000)
    say("igraph_all_shortest_paths_p95_ms", f"{np.percentile(all_times, 95):.3f}")
    say("igraph_peak_rss_mb", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
