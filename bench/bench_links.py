"""Time ``useit_graph.connect.links`` (max length 4, k=5) against plain networkx path enumeration.

    .venv/bin/python bench/bench_links.py > bench/results/links.md
    .venv/bin/python bench/bench_links.py --orgs 20000 --rels 30000   # a quicker run
    .venv/bin/python bench/bench_links.py --nt /tmp/c1m.nt --before eb20234 --no-peers   # before/after

Graphs: the seed data (ontology + seeds/, projected with ``project_graph``) and a synthetic city
from ``useit_graph.synth`` (calibrated on the seeds; ``--orgs`` actors, ``--rels`` relationships,
seed 1; or an existing N-Triples file from ``useit synth``, ``--nt``), read with
``fast_ingest.ingest_files`` (the same graph as ``project_graph``, tests/scale). Pairs
(``random.Random(7)``): ``--pairs`` random pairs of organisations and cohorts (what
bench/bench_scale.py's ``links`` stage draws); ``--pairs`` pairs at distance 2-4 (B drawn from
A's 4-hop ball); the pairs among the 12 highest-degree nodes (hubs). Each pair runs ``links`` with
a prebuilt ``LinkIndex`` (the index build is timed separately, once).

``--before REV`` also loads ``useit_graph/connect.py`` as it was at git revision REV and runs it
in the same process on the same graph and pairs (its index built the same way, once), checking
that both return exactly the same results; the rows then carry ``before`` and ``after`` times and
their ratio. Unless ``--no-peers``, the peers run on the same undirected simple view:

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

from useit_graph import connect as after  # noqa: E402

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


class _PeerTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise _PeerTimeout


def all_paths(H, a, b):
    """Count ``all_simple_paths(cutoff=4)``, stopped at ``PEER_CAP`` paths or ``PEER_LIMIT_S`` s
    (a timer signal: on a dense graph the search can run for minutes between two paths)."""
    import signal

    n, capped = 0, False
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, PEER_LIMIT_S)
    try:
        for _ in nx.all_simple_paths(H, a, b, cutoff=MAX_LEN):
            n += 1
            if n >= PEER_CAP:
                capped = True
                break
    except _PeerTimeout:
        capped = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return n, capped


def pair_sets(G, n_pairs):
    """Random organisation pairs; pairs at distance 2-4 (b drawn from a's 4-hop ball); pairs of the top hubs."""
    rng = random.Random(7)
    nodes = sorted(G.nodes, key=str)
    actors = [x for x in nodes if G.nodes[x].get("kind") in ("organisation", "cohort")] or nodes
    rand = [tuple(rng.sample(actors, 2)) for _ in range(n_pairs)]
    idx = after.LinkIndex.from_graph(G)
    near = []
    while len(near) < n_pairs:
        a = rng.choice(nodes)
        dist = after._bfs(idx, idx.ids[a], MAX_LEN)
        far = sorted((idx.nodes[i] for i in ((dist >= 2) & (dist <= MAX_LEN)).nonzero()[0].tolist()), key=str)
        if far:
            near.append((a, rng.choice(far)))
    hubs = sorted(nodes, key=lambda x: (-int(idx.degree[idx.ids[x]]), str(x)))[:12]
    hub_pairs = [(a, b) for a, b in itertools.combinations(hubs, 2)][:n_pairs]
    return {"random pairs": rand, "pairs 2-4 hops apart": near, "hub pairs (top-12 degree)": hub_pairs}


def load_before(rev):
    """``useit_graph/connect.py`` at git revision ``rev``, imported as a module of the package."""
    import importlib.util
    import subprocess

    root = Path(__file__).resolve().parents[1]
    text = subprocess.run(["git", "show", f"{rev}:useit_graph/connect.py"], cwd=root, check=True,
                          capture_output=True, text=True).stdout
    tmp = Path(tempfile.mkdtemp()) / "connect_before.py"
    tmp.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("useit_graph._connect_before", tmp)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def bench(name, G, n_pairs, rows, before=None, peers=True):
    import gc

    versions = [("after", after)] + ([("before", before)] if before else [])
    built = {}
    for label, mod in versions:
        gc.collect()
        t = time.perf_counter()
        built[label] = (mod.LinkIndex.from_graph(G), time.perf_counter() - t)
    H = undirected(G) if peers else None
    for label, pairs in pair_sets(G, n_pairs).items():
        _bench_pairs(f"{name}, {label}", G, H, built, versions, pairs, rows)


def _bench_pairs(name, G, H, built, versions, pairs, rows):
    n_pairs = len(pairs)
    times = {label: [] for label, _ in versions}
    results = {label: [] for label, _ in versions}
    for label, mod in versions:  # each version over all pairs in turn (caches warm alike)
        idx = built[label][0]
        for a, b in pairs:
            t = time.perf_counter()
            res = mod.links(G, a, b, k=K, max_len=MAX_LEN, index=idx)
            times[label].append(time.perf_counter() - t)
            results[label].append(res)
    same = sum(x == y for x, y in zip(results["after"], results.get("before", results["after"])))
    peer_yen, peer_all, capped_any, agree = [], [], 0, 0
    if H is not None:
        for (a, b), res in zip(pairs, results["after"]):
            t = time.perf_counter()
            ref = yen(H, a, b)
            peer_yen.append(time.perf_counter() - t)
            agree += (res[0]["length"] if res else None) == (len(ref[0]) - 1 if ref else None)
            t = time.perf_counter()
            _, capped = all_paths(H, a, b)
            peer_all.append(time.perf_counter() - t)
            capped_any += capped
    ms = lambda x: x * 1000  # noqa: E731
    row = {"name": name, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "pairs": n_pairs,
           "found": sum(bool(r) for r in results["after"]), "same": same, "agree": agree if H is not None else None}
    for label, _ in versions:
        ts = times[label]
        row[label] = {"build": built[label][1], "p50": ms(pct(ts, .5)), "p95": ms(pct(ts, .95)), "max": ms(max(ts))}
    if H is not None:
        row["peers"] = {"yen50": ms(pct(peer_yen, .5)), "yen95": ms(pct(peer_yen, .95)),
                        "all50": ms(pct(peer_all, .5)), "all95": ms(pct(peer_all, .95)), "capped": capped_any}
    rows.append(row)


def synth_graph(orgs, rels, nt=None):
    from useit_graph.fast_ingest import ingest_files
    from useit_graph.synth import write_synth

    if nt:
        return ingest_files([nt])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "synth.nt"
        write_synth(out, orgs, rels, seed=1)
        return ingest_files([out])


def main():
    import os

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=100_000)
    ap.add_argument("--rels", type=int, default=1_000_000)
    ap.add_argument("--nt", help="an N-Triples file from `useit synth` instead of generating one")
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--before", metavar="REV", help="also time connect.py as of this git revision")
    ap.add_argument("--no-peers", dest="peers", action="store_false", help="skip the networkx peers")
    args = ap.parse_args()
    from useit_graph.load import load_project
    from useit_graph.project import project_graph

    before = load_before(args.before) if args.before else None
    rows = []
    load0 = os.getloadavg()[0]
    bench("seeds", project_graph(load_project()[0]), args.pairs, rows, before, args.peers)
    t = time.perf_counter()
    G = synth_graph(args.orgs, args.rels, args.nt)
    gen = time.perf_counter() - t
    size = f"{G.number_of_nodes() // 1000}k nodes"
    bench(f"synth {size}", G, args.pairs, rows, before, args.peers)
    load1 = os.getloadavg()[0]

    cmd = " ".join(["bench/bench_links.py"] + sys.argv[1:])
    print("# `links` (k=5, max length 4)\n")
    print(f"Generated by `{cmd}`; Python {platform.python_version()}, numpy {__import__('numpy').__version__}, "
          f"networkx {nx.__version__}, {platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{load0:.1f} at the start and {load1:.1f} at the end. The synthetic graph "
          f"({args.nt or f'useit_graph.synth, {args.orgs:,} actors, {args.rels:,} relationships, seed 1'}) "
          f"took {gen:.1f} s to {'read' if args.nt else 'generate and read'} with fast_ingest.\n")
    labels = ["after"] + (["before"] if before else [])
    head = ["graph", "nodes", "edges", "pairs", "pairs with a path"]
    if before:
        head += [f"same results as {args.before}"]
    for lb in labels:
        head += [f"{lb}: index build s", f"{lb}: p50 ms", f"{lb}: p95 ms", f"{lb}: max ms"]
    if before:
        head += ["before/after p50", "before/after p95", "before/after build"]
    if args.peers:
        head += ["same shortest length as Yen", "Yen p50 ms", "Yen p95 ms", "all_simple_paths p50 ms",
                 "all_simple_paths p95 ms", "all_simple_paths capped"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [r["name"], f"{r['nodes']:,}", f"{r['edges']:,}", str(r["pairs"]), str(r["found"])]
        if before:
            cells.append(str(r["same"]))
        for lb in labels:
            v = r[lb]
            cells += [f"{v['build']:.2f}", f"{v['p50']:.2f}", f"{v['p95']:.2f}", f"{v['max']:.1f}"]
        if before:
            a, b = r["after"], r["before"]
            cells += [f"{b['p50'] / a['p50']:.1f}x", f"{b['p95'] / a['p95']:.1f}x",
                      f"{b['build'] / max(a['build'], 1e-9):.0f}x"]
        if args.peers:
            p = r["peers"]
            cells += [str(r["agree"]), f"{p['yen50']:.2f}", f"{p['yen95']:.2f}", f"{p['all50']:.2f}",
                      f"{p['all95']:.2f}", str(p["capped"])]
        print("| " + " | ".join(cells) + " |")
    if args.peers:
        print("\nRatios at p95 (peer / links):")
        for r in rows:
            a, p = r["after"], r["peers"]
            print(f"- {r['name']}: Yen {p['yen95'] / a['p95']:.1f}x, all_simple_paths {p['all95'] / a['p95']:.1f}x"
                  + (" (a lower bound: some all_simple_paths runs were capped)" if p["capped"] else ""))
        print(f"\nall_simple_paths is stopped after {PEER_CAP:,} paths or {PEER_LIMIT_S:.0f} s per pair. "
              "`links` enumerates at most `max_candidates` (1000) paths; every pair's shortest length is "
              "checked against Yen's first path.")
    _ = statistics


if __name__ == "__main__":
    main()
