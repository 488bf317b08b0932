"""Time useit_graph.metrics against plain networkx on sparse graphs of 1k, 10k and 100k nodes.

    .venv/bin/python bench/bench_metrics.py > bench/results/metrics.md
    .venv/bin/python bench/bench_metrics.py --only "E-I" --only "brokerage digraph"   # a subset
    .venv/bin/python bench/bench_metrics.py --suite --before      # the whole suite on synthetic cities

``--suite`` times :func:`useit_graph.metrics.suite.metric_suite` (everything ``useit metrics``
computes, every level from one shared context) on synthetic cities from ``useit synth``
(``--cities 10000:100000,100000:1000000``: organisations:relationships, seed 1), ingested with
``fast_ingest.ingest_files``; with ``--before`` it also times the previous implementation
(``tests/metrics/reference_v1``), part by part, each part in its own forked child killed after
``--limit`` seconds. See :func:`suite_section`.

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


# ------------------------------------------------------------------------------------------
# The whole suite on synthetic cities (--suite)
# ------------------------------------------------------------------------------------------

def _child_returning(fn, conn):
    import resource

    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current RSS
    except OSError:
        pass
    before = _rss_kib("VmRSS:")
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    conn.send((elapsed, cpu, max(0, _rss_kib("VmHWM:") - before) / 1024,
               resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, value))
    conn.close()


def run_returning(fn, limit):
    """Run `fn` in a forked child: (seconds, cpu seconds, MiB growth, peak RSS MiB, fn's value, error)."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child_returning, args=(fn, child))
    proc.start()
    got = parent.recv() if parent.poll(limit) else None
    proc.join(5 if got is not None else 0)
    if proc.is_alive():
        proc.kill()
        proc.join()
    if got is None:
        return None, None, None, None, None, f"killed after {limit} s" if proc.exitcode in (None, -9) else \
            f"failed (exit {proc.exitcode})"
    return (*got, "")


def city_file(orgs, rels, work):
    """The N-Triples file of ``useit synth --orgs orgs --relationships rels --seed 1`` (made once)."""
    from useit_graph.synth import write_synth

    path = Path(work) / f"city-{orgs}-{rels}.nt"
    if not path.exists():
        write_synth(path, orgs, rels, 1, "nt")
    return path


def suite_stage(G, **options):
    """The suite on `G` in this process: seconds (wall, CPU), per-part seconds, memory.

    Peak RSS is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` before and after (the process
    holds the graph); the suite's own peak is VmHWM after resetting it (``/proc/self/clear_refs``)
    minus the RSS before the call.
    """
    import resource

    from useit_graph.metrics.suite import metric_suite

    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    rss = _rss_kib("VmRSS:")
    start, cpu = time.perf_counter(), time.process_time()
    out = metric_suite(G, **options)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "grew_mib": max(0, _rss_kib("VmHWM:") - rss) / 1024,
            "peak_before_mib": peak_before, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "err": "", "timings": out["timings"],
            "network": {k: v for k, v in out["network"].items()
                        if k.startswith(("betweenness_", "closeness_", "ei_perm"))}}


def before_tables(G, limit):
    """The previous implementation end to end: its seven table functions, in a forked child."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "metrics"))
    from reference_v1 import tables as old

    def work():
        for f in (old.node_table, old.network_row, old.group_table, old.block_table, old.community_table,
                  old.brokerage_table, old.legacy_table):
            f(G)

    seconds, _cpu, grew, _peak, _value, err = run_returning(work, limit)
    return seconds, grew, err


def before_parts(G, limit, exact=True):
    """The previous implementation's parts (what its tables computed, each once), child by child."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "metrics"))
    from reference_v1 import centrality as c, ei_index as ei, legacy, structural_holes as sh, tables as old

    from useit_graph.metrics import brokerage as bk, reach, ties
    from useit_graph.project import simple_graph

    H = simple_graph(G)
    big = H.number_of_nodes() > 20_000
    parts = [
        ("simple graph view (networkx)", lambda: simple_graph(G)),
        ("node tie counts", lambda: ties.node_tie_counts(G)),
        ("betweenness, exact", None if big or not exact else (lambda: c.betweenness(H))),
        ("closeness, exact", None if big or not exact else (lambda: c.closeness(H))),
        ("betweenness, sampled k=100", lambda: c.sampled_betweenness(H, k=100, seed=0)),
        ("effective size", lambda: sh.effective_size(H)),
        ("efficiency", lambda: sh.efficiency(H)),
        ("constraint", lambda: sh.constraint(H)),
        ("hierarchy", lambda: sh.hierarchy(H)),
        ("E-I permutations (1000)", lambda: old._ei(G, "tier", 1000, 0)),
        ("bridging share, Blau, IQV", lambda: (lambda Hp: (ei.bridging_share(Hp, group="tier"),
                                                            __import__("useit_graph.metrics.heterogeneity",
                                                                       fromlist=["x"]).blau_index(Hp, group="tier")))(
            old._restricted(H, "tier")[0])),
        ("communities (Louvain)", lambda: old._communities(G)),
        ("brokerage digraph", lambda: bk.brokerage_digraph(G)),
        ("brokerage", lambda: old._brokerage(G, "tier")),
        ("reach", lambda: reach.micro_reach(G)),
        ("legacy scenarios", lambda: legacy.legacy_scenarios(G, end=G.graph.get("as_of"))),
    ]
    out = []
    for name, fn in parts:
        if fn is None:
            out.append((name, None, None, "not run: O(n m), hours at this size (FACTS.md: igraph 85 s at 30k)"
                        if big else "not run"))
            continue
        seconds, _cpu, grew, _peak, _value, err = run_returning(lambda f=fn: (f(), None)[1], limit)
        out.append((name, seconds, grew, err))
        print(f"  before: {name}: {seconds} {err}", file=sys.stderr, flush=True)
    return out


def suite_section(cities, work, before=False, limit=300, tables_limit=0):
    """Markdown: per city, the suite's parts (after) and, with `before`, the previous code's parts."""
    import resource

    from useit_graph.fast_ingest import ingest_files

    lines = ["## Whole suite on synthetic cities (`--suite`)", "",
             f"Command: `.venv/bin/python bench/bench_metrics.py --suite{' --before' if before else ''}`; "
             f"machine: {platform.machine()}, {os.cpu_count()} cores (shared with other work: see the load "
             f"averages), Python {platform.python_version()}, networkx {nx.__version__}, python-igraph "
             f"{ig.__version__}.", ""]
    for orgs, rels in cities:
        path = city_file(orgs, rels, work)
        t = time.perf_counter()
        G = ingest_files([path])
        ingest_s = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        load = os.getloadavg()
        after = suite_stage(G)
        load_after = os.getloadavg()
        lines += [f"### {orgs:,} organisations, {rels:,} relationships: {G.number_of_nodes():,} nodes, "
                  f"{G.number_of_edges():,} projected edges", "",
                  f"Ingest (not part of the suite): {ingest_s:.1f} s; process peak RSS after ingest "
                  f"{rss:,.0f} MiB (getrusage). Load average before / after the suite: "
                  f"{load[0]:.2f} / {load_after[0]:.2f} (1 min).", ""]
        if after["err"]:
            lines += [f"Suite: {after['err']}", ""]
        else:
            lines += [f"**Suite (after): {after['seconds']:.1f} s wall, {after['cpu']:.1f} s CPU; process peak "
                      f"RSS {after['peak_before_mib']:,.0f} MiB before and {after['peak_mib']:,.0f} MiB after "
                      f"(getrusage; the graph is most of it); the suite's own peak: "
                      f"{after['grew_mib']:,.0f} MiB above the RSS before it.** Scale policy applied: "
                      + ", ".join(f"`{k}` = {v!r}" for k, v in after["network"].items()) + ".", "",
                      "| part (after) | seconds |", "|---|---:|"]
            lines += [f"| {k} | {v:.2f} |" for k, v in sorted(after["timings"].items(), key=lambda kv: -kv[1])]
            lines.append("")
        if before:
            parts = before_parts(G, limit)
            total = sum(x[1] for x in parts if x[1] is not None)
            lines += ["| part (before: previous implementation, each once) | seconds | MiB | note |",
                      "|---|---:|---:|---|"]
            lines += [f"| {n} | {fmt_t(s_)} | {fmt_m(m_)} | {e} |" for n, s_, m_, e in parts]
            killed = any(e.startswith("killed") for _n, _s, _m, e in parts)
            lines += [f"| **sum of the parts run** | {'>' if killed else ''}{total:.1f} | | the old tables ran "
                      "several parts more than once (node_table and network_row each built the simple view, "
                      "E-I, communities, brokerage and legacy) |", ""]
        if tables_limit and G.number_of_nodes() <= 20_000:  # above: exact betweenness alone takes hours
            seconds, grew, err = before_tables(G, tables_limit)
            lines += [f"Previous implementation end to end (its seven table functions, as `useit metrics` "
                      f"called them level by level): {fmt_t(seconds)} s {err}; growth {fmt_m(grew)} MiB.", ""]
        del G
    return "\n".join(lines) + "\n"


def main(argv=None):
    """Run every case (default), or with ``--only TEXT`` (repeatable) the cases whose name
    contains TEXT, and with ``--sizes 1000,10000`` only those sizes; ``--suite`` runs the
    whole-suite benchmark instead (see the module docstring)."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[], help="run cases whose name contains this")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated node counts")
    ap.add_argument("--suite", action="store_true", help="time the whole metric suite on synthetic cities")
    ap.add_argument("--cities", default="10000:100000,100000:1000000", help="orgs:relationships,...")
    ap.add_argument("--before", action="store_true", help="also time the previous implementation, part by part")
    ap.add_argument("--limit", type=int, default=300, help="seconds before a 'before' part is killed")
    ap.add_argument("--before-tables", type=int, default=0, metavar="SECONDS",
                    help="also run the previous seven table functions end to end, killed after SECONDS")
    ap.add_argument("--work", default="/tmp/useit-bench-metrics", help="where the synthetic cities are written")
    args = ap.parse_args(argv)
    if args.suite:
        Path(args.work).mkdir(parents=True, exist_ok=True)
        cities = [tuple(int(x) for x in c.split(":")) for c in args.cities.split(",")]
        sys.stdout.write(suite_section(cities, args.work, before=args.before, limit=args.limit,
                                       tables_limit=args.before_tables))
        return
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
