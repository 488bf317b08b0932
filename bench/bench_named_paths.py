"""Time the named path query (``queries/sparql/find_paths.rq``) on the seed data, as a user runs it.

    .venv/bin/python bench/bench_named_paths.py            # prints a Markdown section
    .venv/bin/python bench/bench_named_paths.py --reps 5

What is timed, per pair of entities given by name (``useit query find_paths -p a=NAME -p b=NAME``):

* ``resolve``: ``resolve_params`` turning the two names into IRIs (the first call of the process is
  reported apart, as ``first resolve``: it builds whatever index the checkout uses);
* ``query``: ``run_sparql`` with the IRIs already bound (rdflib 7.6 over ontology + seeds), the
  query text parsed once before (``parse`` is reported apart);
* ``end to end``: ``run_sparql`` with the names, as the CLI calls it.

Each pair is run ``--reps`` times and the best time kept (the machine is shared; the minimum is
the least noisy estimate of the work). Pairs: the three parity pairs of tests/connect, the pairs
among the ``--hubs`` (8) highest-degree nodes, and ``--pairs`` random pairs of named nodes (``random.Random(7)``).
Every answer is checked against ``networkx.all_simple_paths(cutoff=3)`` on the undirected view.

Run it in two checkouts (before and after a change) to compare; it uses only public functions.

``--every-query`` instead times every named SPARQL query of ``queries/sparql`` on the seeds, with
the parameters of ``EVERY`` (the entities, sectors and work packages of the parity tests, plus the
hub pair), IRIs bound, best of ``--reps``, and counts the triple lookups rdflib makes on the store
(a machine-independent measure of the work). With ``--before REV`` each query is also run as its
file was at git revision REV, in the same process, and the answers compared.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

BHAM = "https://w3id.org/useit-graph/id/birmingham/"
PARITY = [("warm-earth", "birmingham-city-council"), ("brushstrokes", "swbh-nhs-trust"),
          ("birmingham-settlement", "birmingham-city-council")]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def best(fn, reps):
    out, t_best = None, float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        t_best = min(t_best, time.perf_counter() - t)
    return out, t_best


U = "https://w3id.org/useit-graph/ns#"
#: (query, bindings) timed by --every-query: local names under bham: (sectors under uit:sector-)
EVERY = [
    ("find_brokers", {"a": "birmingham-settlement", "b": "birmingham-city-council"}),
    ("find_brokers", {"a": "useit-team", "b": "ise"}),
    ("find_micro_assets_of_anchor", {"anchor": "birmingham-city-council"}),
    ("find_neighbours", {"entity": "useit-team"}),
    ("find_neighbours", {"entity": "brushstrokes"}),
    ("find_paths", {"a": "warm-earth", "b": "birmingham-city-council"}),
    ("find_paths", {"a": "ise", "b": "useit-team"}),
    ("find_sector_bridges", {"sector_a": "health", "sector_b": "community"}),
    ("find_sector_bridges", {"sector_a": "social-economy", "sector_b": "public-administration"}),
    ("list_entities_in_place", {"place": "smethwick"}),
    ("list_work_package_relationships", {"work_package": "wp5"}),
    ("show_evidence", {"relationship": "rel-ise-supports-warm-earth"}),
]


def every_query(args):
    """Time every named query (and the version at --before) on the seeds; print a Markdown table."""
    import subprocess

    from rdflib import URIRef
    from rdflib.plugins.sparql import prepareQuery

    from useit_graph.load import load_project

    root = Path(__file__).resolve().parents[1]
    ds = load_project()[0]
    store = ds.store
    plain = store.triples
    calls = [0]

    def counting(*a, **k):
        calls[0] += 1
        return plain(*a, **k)

    store.triples = counting  # count lookups (this instance only)

    def text_at(name, rev):
        if rev is None:
            return (root / "queries" / "sparql" / f"{name}.rq").read_text(encoding="utf-8")
        return subprocess.run(["git", "show", f"{rev}:queries/sparql/{name}.rq"], cwd=root, check=True,
                              capture_output=True, text=True).stdout

    def run(query, bindings):
        calls[0] = 0
        t = time.perf_counter()
        rows = sorted(tuple(sorted((str(k), str(v)) for k, v in r.asdict().items()))
                      for r in ds.query(query, initBindings=bindings))
        return rows, time.perf_counter() - t, calls[0]

    versions = [("after", None)] + ([("before", args.before)] if args.before else [])
    out = []
    for name, params in EVERY:
        bindings = {k: URIRef(U + "sector-" + v if k.startswith("sector") else BHAM + v) for k, v in params.items()}
        row = {"query": name, "params": ", ".join(f"{k}={v}" for k, v in params.items())}
        for label, rev in versions:
            q = prepareQuery(text_at(name, rev))
            best_t, rows, lookups = float("inf"), None, 0
            for _ in range(args.reps):
                rows, t, lookups = run(q, bindings)
                best_t = min(best_t, t)
            row[label] = (best_t, lookups, rows)
        out.append(row)
    store.triples = plain
    load = os.getloadavg()[0]
    print(f"Generated by `bench/bench_named_paths.py --every-query --reps {args.reps}"
          f"{' --before ' + args.before if args.before else ''}`; Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load:.1f} at the end. Best of "
          f"{args.reps} per query, IRIs bound, query parsed once before.\n")
    head = ["query", "parameters", "rows", "after ms", "after lookups"]
    if args.before:
        head += ["same rows as " + args.before, "before ms", "before lookups", "before/after time", "before/after lookups"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in out:
        a = r["after"]
        cells = [r["query"], r["params"], str(len(a[2])), f"{a[0] * 1000:.0f}", f"{a[1]:,}"]
        if args.before:
            b = r["before"]
            cells += [str(a[2] == b[2]), f"{b[0] * 1000:.0f}", f"{b[1]:,}", f"{b[0] / a[0]:.1f}x", f"{b[1] / a[1]:.1f}x"]
        print("| " + " | ".join(cells) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--hubs", type=int, default=8)
    ap.add_argument("--every-query", action="store_true", help="time every named query instead")
    ap.add_argument("--before", metavar="REV", help="with --every-query: also run the files as of this git revision")
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    if args.every_query:
        return every_query(args)

    from rdflib import URIRef

    from useit_graph.load import load_project
    from useit_graph.project import project_graph
    from useit_graph.queries import discover_queries, resolve_params, run_sparql

    ds = load_project()[0]
    G = project_graph(ds)
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    qs = discover_queries()
    q = qs["find_paths"]
    label = {n: G.nodes[n].get("label") for n in G}
    named = sorted(n for n in G if n.startswith(BHAM) and label.get(n)
                   and sum(1 for m in G if label.get(m) == label[n]) == 1)
    rng = random.Random(7)
    hubs = sorted(named, key=lambda n: (-H.degree(n), n))[:args.hubs]
    pairs = ([(BHAM + a, BHAM + b) for a, b in PARITY] + list(itertools.combinations(hubs, 2))
             + [tuple(rng.sample(named, 2)) for _ in range(args.pairs)])

    # the first resolution of the process (builds the name index, if the checkout has one)
    a0, b0 = pairs[0]
    t = time.perf_counter()
    resolve_params(q, {"a": label[a0], "b": label[b0]}, ds)
    first_resolve = time.perf_counter() - t

    from rdflib.plugins.sparql import prepareQuery

    text = q.sparql.read_text(encoding="utf-8")
    _, parse = best(lambda: prepareQuery(text), args.reps)
    run_sparql("find_paths", None, ds, queries=qs, bindings={"a": URIRef(a0), "b": URIRef(b0)})  # warm

    res, qry, e2e, agree = [], [], [], 0
    for a, b in pairs:
        names = {"a": label[a], "b": label[b]}
        terms, t_res = best(lambda: resolve_params(q, names, ds), args.reps)
        assert terms == {"a": URIRef(a), "b": URIRef(b)}, (names, terms)
        rows, t_q = best(lambda: run_sparql("find_paths", None, ds, queries=qs, bindings=terms), args.reps)
        _, t_e = best(lambda: run_sparql("find_paths", names, ds, queries=qs), args.reps)
        got = {tuple([a] + [v for v in (r["via1"], r["via2"]) if v] + [b]) for r in rows}
        peer = {tuple(p) for p in nx.all_simple_paths(H, a, b, cutoff=3)}
        agree += got == peer
        res.append(t_res)
        qry.append(t_q)
        e2e.append(t_e)

    ms = lambda x: f"{x * 1000:.0f}"  # noqa: E731
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Generated by `bench/bench_named_paths.py --reps {args.reps} --pairs {args.pairs} --hubs {args.hubs}`; "
          f"Python "
          f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{load:.1f} at the end. {len(pairs)} pairs; answers equal to networkx all_simple_paths for "
          f"{agree} of {len(pairs)}.\n")
    print("| step | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    print(f"| first resolve of the process | {ms(first_resolve)} | | |")
    print(f"| parse find_paths.rq | {ms(parse)} | | |")
    for name, xs in (("resolve two names", res), ("query, IRIs bound", qry), ("end to end (names)", e2e)):
        print(f"| {name} | {ms(pct(xs, .5))} | {ms(pct(xs, .95))} | {ms(max(xs))} |")


if __name__ == "__main__":
    main()
