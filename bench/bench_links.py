"""Time ``useit_graph.connect.links`` (max length 4, k=5) against plain networkx path enumeration.

    .venv/bin/python bench/bench_links.py > bench/results/links.md
    .venv/bin/python bench/bench_links.py --orgs 20000 --rels 30000   # a quicker run

Graphs: the seed data (ontology + seeds/, projected with ``project_graph``) and a synthetic city
from ``useit_graph.synth.generate`` (calibrated on the seeds; ``--orgs`` actors, ``--rels``
relationships, seed 1), written as N-Triples to a temporary folder, loaded into an in-memory
pyoxigraph store and projected. Pairs (``random.Random(7)``): ``--pairs`` random pairs of distinct nodes; ``--pairs`` pairs at
distance 2-4 (B drawn from A's 4-hop ball); the pairs among the 12 highest-degree nodes (hubs). Each pair runs ``links`` with a prebuilt ``LinkIndex`` (the index build is
timed separately, once), then the peers on the same undirected simple view:

* ``nx.shortest_simple_paths`` (Yen's algorithm), taking paths until k=5 or a path longer than 4;
* ``nx.all_simple_paths(cutoff=4)``, enumerated in full, stopped after ``PEER_CAP`` paths or
  ``PEER_LIMIT_S`` seconds per pair (then reported as a lower bound, marked ``>``).

Times are wall-clock ``time.perf_counter`` per call; p50/p95 over the pairs.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

from useit_graph.connect import LinkIndex, links  # noqa: E402

PEER_CAP = 200_000
PEER_LIMIT_S = 2.0
K, MAX_LEN = 5, 4


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def undirected(G):
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return H


def yen(H, a, b):
    out = []
    try:
        for p in nx.shortest_simple_paths(H, a, b):
            if len(p) - 1 > MAX_LEN or len(out) == K:
                break
            out.append(p)
    except nx.NetworkXNoPath:
        pass
    return out


def all_paths(H, a, b):
    t0, n, capped = time.perf_counter(), 0, False
    for _ in nx.all_simple_paths(H, a, b, cutoff=MAX_LEN):
        n += 1
        if n >= PEER_CAP or (n % 1000 == 0 and time.perf_counter() - t0 > PEER_LIMIT_S):
            capped = True
            break
    return n, capped


def pair_sets(G, H, n_pairs):
    """Random pairs; pairs at distance 2-4 (b drawn from a's 4-hop ball); pairs of the top hubs."""
    rng = random.Random(7)
    nodes = sorted(G.nodes, key=str)
    rand = [tuple(rng.sample(nodes, 2)) for _ in range(n_pairs)]
    near = []
    while len(near) < n_pairs:
        a = rng.choice(nodes)
        ball = nx.single_source_shortest_path_length(H, a, cutoff=MAX_LEN)
        far = sorted((x for x, d in ball.items() if d >= 2), key=str)
        if far:
            near.append((a, rng.choice(far)))
    hubs = sorted(nodes, key=lambda x: (-H.degree(x), str(x)))[:12]
    hub_pairs = [(a, b) for a, b in itertools.combinations(hubs, 2)][:n_pairs]
    return {"random pairs": rand, "pairs 2-4 hops apart": near, "hub pairs (top-12 degree)": hub_pairs}


def bench(name, G, n_pairs, rows):
    t = time.perf_counter()
    idx = LinkIndex.from_graph(G)
    build = time.perf_counter() - t
    H = undirected(G)
    for label, pairs in pair_sets(G, H, n_pairs).items():
        _bench_pairs(f"{name}, {label}", G, H, idx, build, pairs, rows)


def _bench_pairs(name, G, H, idx, build, pairs, rows):
    n_pairs = len(pairs)
    ours, peer_yen, peer_all, capped_any, found, agree = [], [], [], 0, 0, 0
    for a, b in pairs:
        t = time.perf_counter()
        res = links(G, a, b, k=K, max_len=MAX_LEN, index=idx)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        ref = yen(H, a, b)
        peer_yen.append(time.perf_counter() - t)
        found += bool(res)
        agree += (res[0]["length"] if res else None) == (len(ref[0]) - 1 if ref else None)
        t = time.perf_counter()
        _, capped = all_paths(H, a, b)
        peer_all.append(time.perf_counter() - t)
        capped_any += capped
    ms = lambda x: x * 1000  # noqa: E731
    rows.append((name, G.number_of_nodes(), G.number_of_edges(), build, n_pairs, found, agree,
                 ms(pct(ours, .5)), ms(pct(ours, .95)), ms(max(ours)),
                 ms(pct(peer_yen, .5)), ms(pct(peer_yen, .95)),
                 ms(pct(peer_all, .5)), ms(pct(peer_all, .95)), capped_any))


def synth_graph(orgs, rels):
    import pyoxigraph as ox

    from useit_graph.paths import get_paths
    from useit_graph.project import project_graph
    from useit_graph.synth import write_synth

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "synth.nt"
        write_synth(out, orgs, rels, seed=1)
        store = ox.Store()
        store.bulk_load(path=str(get_paths().ontology), format=ox.RdfFormat.TURTLE)
        store.bulk_load(path=str(out), format=ox.RdfFormat.N_TRIPLES)
        return project_graph(store)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=100_000)
    ap.add_argument("--rels", type=int, default=150_000)
    ap.add_argument("--pairs", type=int, default=200)
    args = ap.parse_args()
    from useit_graph.load import load_project
    from useit_graph.project import project_graph

    rows = []
    bench("seeds", project_graph(load_project()[0]), args.pairs, rows)
    t = time.perf_counter()
    G = synth_graph(args.orgs, args.rels)
    gen = time.perf_counter() - t
    bench(f"synth {args.orgs // 1000}k", G, args.pairs, rows)

    print("# `links` (k=5, max length 4) against networkx path enumeration\n")
    print(f"Generated by `bench/bench_links.py --orgs {args.orgs} --rels {args.rels} --pairs {args.pairs}`; "
          f"Python {platform.python_version()}, networkx {nx.__version__}, {platform.machine()}. "
          f"The synthetic graph (useit_graph.synth, seed 1) took {gen:.1f} s to generate, load and project.\n")
    print("| graph | nodes | edges | index build s | pairs | pairs with a path | same shortest length as Yen "
          "| links p50 ms | links p95 ms | links max ms | Yen p50 ms | Yen p95 ms | all_simple_paths p50 ms "
          "| all_simple_paths p95 ms | all_simple_paths capped |")
    print("|" + "---|" * 15)
    for r in rows:
        print(f"| {r[0]} | {r[1]:,} | {r[2]:,} | {r[3]:.2f} | {r[4]} | {r[5]} | {r[6]} | {r[7]:.2f} | {r[8]:.2f} "
              f"| {r[9]:.1f} | {r[10]:.2f} | {r[11]:.2f} | {r[12]:.2f} | {r[13]:.2f} | {r[14]} |")
    print("\nRatios at p95 (peer / links):")
    for r in rows:
        print(f"- {r[0]}: Yen {r[11] / r[8]:.1f}x, all_simple_paths {r[13] / r[8]:.1f}x"
              + (" (a lower bound: some all_simple_paths runs were capped)" if r[14] else ""))
    print(f"\nall_simple_paths is stopped after {PEER_CAP:,} paths or {PEER_LIMIT_S:.0f} s per pair. "
          "`links` enumerates at most `max_candidates` (1000) paths; every pair's shortest length is "
          "checked against Yen's first path.")
    _ = itertools, statistics


if __name__ == "__main__":
    main()
