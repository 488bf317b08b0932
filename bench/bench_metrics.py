"""Time useit_graph.metrics against plain networkx on sparse graphs of 1k, 10k and 100k nodes.

    .venv/bin/python bench/bench_metrics.py > bench/results/metrics.md
    .venv/bin/python bench/bench_metrics.py --only "E-I" --only "brokerage digraph"   # a subset

Each (measure, implementation, size) runs once in a forked child process, so that its peak
memory can be measured on its own: the child resets the kernel's peak-RSS counter (writes 5 to
/proc/self/clear_refs) and reports VmHWM minus its RSS before the call, which counts memory
allocated in C (igraph, scipy) too, unlike tracemalloc. A child running past ``LIMIT_S`` is
killed and reported as such. Plain networkx is not started where it is known to take far more
than 60 s or more memory than the machine has; the table says so.

Graphs: ``nx.gnm_random_graph(n, 5 n, seed=1)`` (average degree 10), undirected, and its directed
version (``directed=True``, average total degree 10) for brokerage; 'group' = node % 8.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import igraph as ig  # noqa: E402
import networkx as nx  # noqa: E402

from useit_graph.metrics import (  # noqa: E402
    blocks,
    brokerage,
    centrality,
    communities,
    ei_index,
    heterogeneity,
    structural_holes,
)

LIMIT_S = 90
SIZES = (1_000, 10_000, 100_000)


def _rss_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _child(fn, conn):
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    before = _rss_kib("VmRSS:")
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    conn.send((elapsed, max(0, _rss_kib("VmHWM:") - before) / 1024))
    conn.close()


GRAPHS = {}


def run(fn):
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, child))
    proc.start()
    proc.join(LIMIT_S)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None, None, f"killed after {LIMIT_S} s"
    if proc.exitcode != 0 or not parent.poll():
        return None, None, f"failed (exit {proc.exitcode})"
    elapsed, mib = parent.recv()
    return elapsed, mib, ""


def graph(n, directed=False):
    key = (n, directed)
    if key not in GRAPHS:
        G = nx.gnm_random_graph(n, 5 * n, seed=1, directed=directed)
        nx.set_node_attributes(G, {v: v % 8 for v in G}, "group")
        GRAPHS[key] = G
    return GRAPHS[key]


# (measure, ours, networkx or None, sizes where networkx is skipped with the reason)
def cases():
    sh, c, cm = structural_holes, centrality, communities
    return [
        ("constraint", lambda G: sh.constraint(G), lambda G: nx.constraint(G), {}),
        (
            "effective size (auto: closed form)",
            lambda G: sh.effective_size(G),
            lambda G: nx.effective_size(G),
            {100_000: "networkx builds a dense n x n matrix: 74.5 GiB (FACTS.md)"},
        ),
        (
            "effective size (general path)",
            lambda G: sh.effective_size(G, method="general"),
            None,
            {},
        ),
        (
            "betweenness, exact",
            lambda G: c.betweenness(G),
            lambda G: nx.betweenness_centrality(G),
            {
                10_000: "networkx took 322 s at 10k (FACTS.md)",
                100_000: "networkx: hours",
                "ours:100000": "grows as n*m: igraph took 85 s at 30k (FACTS.md); use sampling",
            },
        ),
        (
            "betweenness, k=100 pivots",
            lambda G: c.sampled_betweenness(G, 100, seed=1),
            lambda G: nx.betweenness_centrality(G, k=100, seed=1),
            {},
        ),
        (
            "closeness",
            lambda G: c.closeness(G),
            lambda G: nx.closeness_centrality(G),
            {
                10_000: "networkx O(nm) in Python: several minutes",
                100_000: "networkx: hours",
                "ours:100000": "O(nm) even in igraph: about 15 min",
            },
        ),
        (
            "Louvain + modularity",
            lambda G: cm.modularity(G, cm.louvain_communities(G, seed=1)),
            lambda G: nx.community.modularity(G, nx.community.louvain_communities(G, seed=1)),
            {},
        ),
        ("E-I index (node level)", lambda G: ei_index.node_ei_index(G), None, {}),
        (
            "E-I permutation table, 100 permutations (network, groups, nodes)",
            lambda G: ei_index.ei_permutation_table(G, n_permutations=100),
            None,
            {},
        ),
        ("E-I permutation test, 100 permutations (network)",
         lambda G: ei_index.ei_permutation_test(G, n_permutations=100), None, {}),
        ("block density", lambda G: blocks.block_density(G), None, {}),
        ("Blau index", lambda G: heterogeneity.blau_index(G), None, {}),
        (
            "brokerage (sna, directed)",
            lambda G: brokerage.brokerage(graph(len(G), directed=True)),
            None,
            {},
        ),
        (
            "brokerage digraph (view of a projected graph)",
            lambda G: brokerage.brokerage_digraph(graph(len(G), directed=True)),
            None,
            {},
        ),
        (
            "brokerage counts, direct path",
            lambda G: brokerage.brokerage_roles(graph(len(G), directed=True), method="direct"),
            None,
            {},
        ),
    ]


def fmt_t(t):
    return "-" if t is None else (f"{t:.3f}" if t < 10 else f"{t:.1f}")


def fmt_m(m):
    return "-" if m is None else f"{m:.0f}"


def main(argv=None):
    """Run every case (default), or with ``--only TEXT`` (repeatable) the cases whose name
    contains TEXT, and with ``--sizes 1000,10000`` only those sizes."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[], help="run cases whose name contains this")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated node counts")
    args = ap.parse_args(argv)
    sizes = tuple(int(x) for x in args.sizes.split(","))
    lines = [
        "# Metrics benchmark: useit_graph.metrics vs plain networkx",
        "",
        f"Command: `.venv/bin/python bench/bench_metrics.py > bench/results/metrics.md`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"networkx {nx.__version__}, python-igraph {ig.__version__}.  ",
        "Graphs: `gnm_random_graph(n, 5n, seed=1)` (average degree 10); brokerage on the directed "
        "version; 8 groups. One run each in a forked child; time in seconds; memory = peak RSS "
        "growth of the child in MiB (includes C allocations). ratio = networkx / ours.",
        "",
        "| measure | n | ours s | networkx s | ratio | ours MiB | networkx MiB | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    total = time.perf_counter()
    for n in sizes:
        graph(n)
        graph(n, directed=True)
        for name, ours, plain, skip in cases():
            if args.only and not any(o in name for o in args.only):
                continue
            note = []
            G = graph(n)
            if f"ours:{n}" in skip:
                t1 = m1 = None
                note.append("ours skipped: " + skip[f"ours:{n}"])
            else:
                t1, m1, err = run(lambda: ours(G))
                if err:
                    note.append("ours " + err)
            t2 = m2 = None
            if plain is None:
                note.append("no networkx equivalent")
            elif n in skip:
                note.append("networkx skipped: " + skip[n])
            else:
                t2, m2, err = run(lambda: plain(G))
                if err:
                    note.append("networkx " + err)
            ratio = f"{t2 / t1:.1f}x" if t1 and t2 else "-"
            lines.append(
                f"| {name} | {n:,} | {fmt_t(t1)} | {fmt_t(t2)} | {ratio} | {fmt_m(m1)} | "
                f"{fmt_m(m2)} | {'; '.join(note)} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    lines += ["", f"Whole run: {time.perf_counter() - total:.0f} s."]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
