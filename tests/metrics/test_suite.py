"""The metric suite (useit_graph.metrics.suite): one shared context, the same numbers, the scale policy.

Where the expected numbers come from:

* ``reference_v1/``: frozen copies of the previous implementation (the tables, structural holes,
  E-I, centrality, legacy modules and the report as they were before the city-scale rewrite).
  That code built networkx views per table and was itself checked against Borgatti's published
  values, R ``sna``, python-igraph and networkx (``test_structural_holes.py``,
  ``test_brokerage.py``, ``test_centrality.py``, ``tests/measures``). Every column of every
  table is compared with it: integers, None and strings exactly; floats to 1e-12 relative
  (constraint, hierarchy, Blau/IQV and assortativity are summed in another order; the rest are
  bit-identical, which ``test_bit_identical_columns`` pins).
* networkx 3.6, run in the test: ``betweenness_centrality`` (with ``k``/``seed`` for the
  sampled path: the same pivots), ``closeness_centrality``, ``triangles``,
  ``multi_source_dijkstra_path_length``.
* The Hoeffding bounds of ``centrality.betweenness_error_bound`` and
  ``centrality.closeness_error_bound`` (formulas checked in ``test_centrality.py``).

Graphs: the hand-made fixtures (``tests/fixtures/mini.ttl``, ``tests/measures/fixtures/two-snapshots.ttl``),
the USE-IT! seeds, synthetic cities from ``useit synth`` (60 to 300 organisations), and random
projected-shaped multigraphs (directed and undirected edges, parallel edges, loops, brokered
ties with brokers in and out of the graph, asset edges, end dates, missing tiers and groups).
"""

import glob
import math
import random
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_v1 import report as old_report
from reference_v1 import tables as old
from useit_graph.fast_ingest import ingest_files
from useit_graph.metrics import suite as suite_module
from useit_graph.metrics import tables
from useit_graph.metrics._arrays import bfs_distances, half_edges, lookup, simple_pairs, triangles, unique_sorted
from useit_graph.metrics.centrality import betweenness_error_bound
from useit_graph.metrics.ei_index import ei_permutation_test
from useit_graph.metrics.suite import MetricContext, metric_suite
from useit_graph.project import classify_tie, simple_graph

ROOT = Path(__file__).resolve().parents[2]
SCALE_KEYS = {"betweenness_method", "betweenness_k", "betweenness_error_bound", "closeness_method",
              "closeness_k", "closeness_error_bound", "ei_permutations"}


# ------------------------------------------------------------------------------------------
# comparison helpers
# ------------------------------------------------------------------------------------------

def _same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return type(a) is type(b) and a == b


def _diff(x, y, path=""):
    if isinstance(x, dict):
        out = [] if list(x) == list(y) else [(path, "keys", list(x), list(y))]
        return out + [d for k in x if k in y for d in _diff(x[k], y[k], f"{path}/{k}")]
    if isinstance(x, list):
        if len(x) != len(y):
            return [(path, "len", len(x), len(y))]
        return [d for i, (a, b) in enumerate(zip(x, y)) for d in _diff(a, b, f"{path}[{i}]")]
    return [] if _same(x, y) else [(path, x, y)]


def reference_tables(G, partition="tier", holes="undirected", weighted=False, n_permutations=50, seed=0):
    opts = dict(partition=partition, holes=holes, weighted=weighted, n_permutations=n_permutations, seed=seed)
    return {"node": old.node_table(G, **opts), "network": old.network_row(G, **opts),
            "group": old.group_table(G, partition=partition, n_permutations=n_permutations, seed=seed),
            "blocks": old.block_table(G, partition=partition), "communities": old.community_table(G),
            "brokerage": old.brokerage_table(G, partition=partition), "legacy": old.legacy_table(G)}


def suite_tables(G, **opts):
    out = metric_suite(G, **{"n_permutations": 50, **opts})
    out["network"] = {k: v for k, v in out["network"].items() if k not in SCALE_KEYS}
    return {k: out[k] for k in ("node", "network", "group", "blocks", "communities", "brokerage", "legacy")}


# ------------------------------------------------------------------------------------------
# graphs
# ------------------------------------------------------------------------------------------

def _synth(tmp_path_factory, orgs, rels, as_of=None):
    from useit_graph.synth import write_synth

    path = tmp_path_factory.getbasetemp() / f"city-{orgs}-{rels}.nt"
    if not path.exists():
        write_synth(path, orgs, rels, 1, "nt")
    return ingest_files([path], as_of=as_of)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    seeds = sorted(glob.glob(str(ROOT / "seeds" / "*.ttl")))
    two = ROOT / "tests" / "measures" / "fixtures" / "two-snapshots.ttl"
    return {
        "mini": ingest_files([ROOT / "tests" / "fixtures" / "mini.ttl"]),
        "two-snapshots end": ingest_files([two], as_of="2019-12-31"),
        "seeds": ingest_files(seeds),
        "seeds 2018": ingest_files(seeds, as_of="2018-06-30"),
        "city 60": _synth(tmp_path_factory, 60, 400, as_of="2018-06-30"),
        "city 300": _synth(tmp_path_factory, 300, 3000),
    }


OPTIONS = [dict(), dict(partition="sector", holes="directed", weighted=True), dict(holes="directed"),
           dict(weighted=True, seed=3)]


@pytest.mark.parametrize("name", ["mini", "two-snapshots end", "seeds", "seeds 2018", "city 60", "city 300"])
@pytest.mark.parametrize("opts", OPTIONS, ids=["tier", "sector-directed-weighted", "directed", "weighted-seed3"])
def test_tables_equal_previous_implementation(corpus, name, opts):
    G = corpus[name]
    ref = reference_tables(G, **opts)
    ours = suite_tables(G, **opts)
    assert _diff(ref, ours) == []


def test_bit_identical_columns(corpus):
    """Everything but the re-summed float columns is bit for bit the previous value."""
    G = corpus["city 300"]
    ref, ours = reference_tables(G), suite_tables(G)
    resummed = {"constraint", "hierarchy", "blau_tier", "iqv_tier", "mean_constraint", "mean_hierarchy",
                "assortativity_tier", "mean_blau_tier", "mean_iqv_tier", "efficiency", "effective_size",
                "mean_effective_size"}
    for level in ref:
        rows_a = ref[level] if isinstance(ref[level], list) else [ref[level]]
        rows_b = ours[level] if isinstance(ours[level], list) else [ours[level]]
        for a, b in zip(rows_a, rows_b):
            for key in a:
                if key in resummed:
                    continue
                x, y = a[key], b[key]
                assert (isinstance(x, float) and math.isnan(x) and math.isnan(y)) or (x == y and type(x) is type(y)), \
                    (level, key, x, y)


RELS = ["Funding", "Partnership", "Brokerage", "Support", "Membership", "Recognition"]
# type -> (types chain as the projection writes it, kind, tier), as tests/measures/measure_graphs.py
TYPES = {
    "NHSTrust": (["NHSTrust", "AnchorInstitution", "MacroAsset", "Organisation", "Agent"], "organisation", "macro"),
    "Funder": (["Funder", "MacroAsset", "Organisation", "Agent"], "organisation", "macro"),
    "SupportOrganisation": (["SupportOrganisation", "Intermediary", "Organisation", "Agent"], "organisation",
                            "intermediary"),
    "ProgrammeTeam": (["ProgrammeTeam", "Intermediary", "Organisation", "Agent"], "organisation", "intermediary"),
    "WorkPackage": (["WorkPackage"], "programme", "intermediary"),
    "CommunityGroup": (["CommunityGroup", "MicroAsset", "Organisation", "Agent"], "organisation", "micro"),
    "ParticipantCohort": (["ParticipantCohort", "Cohort", "Agent"], "cohort", "micro"),
    "Person": (["Person", "Agent"], "person", "micro"),
    "Building": (["Building", "PhysicalAsset"], "physical_asset", "micro"),
}


def random_projected(seed, cls=nx.MultiDiGraph):
    """A random graph shaped like project_graph's output, with every attribute the suite reads."""
    rng = random.Random(seed)
    n = rng.randint(3, 30)
    G = cls(as_of=rng.choice([None, "2018-06-30"]))
    for i in range(n):
        typ = rng.choice(sorted(TYPES))
        chain, kind, tier = TYPES[typ]
        if rng.random() < 0.15:
            tier = None
        group = rng.choice(["community", "health", "arts", None if rng.random() < 0.2 else "x"])
        G.add_node(f"n{i:02d}", label=rng.choice([f"L{i}", None]), type=typ, types=list(chain), kind=kind,
                   tier=tier, group=group)
    nodes = list(G)
    for _ in range(rng.randint(0, 70)):
        u, v = rng.choice(nodes), rng.choice(nodes)
        du, dv = G.nodes[u], G.nodes[v]
        tie, _why = classify_tie(du["tier"], du["group"], dv["tier"], dv["group"])
        G.add_edge(u, v, rel=f"r{rng.randrange(20)}", rel_type=rng.choice(RELS), directed=rng.random() < 0.6,
                   tie=rng.choice([tie, tie, None, "odd"]), weight=rng.choice([1.0, 1.0, 2.0, 0.5]),
                   end=rng.choice([None, None, "2017-01-01", "2019-12-31"]),
                   role=rng.choice(["source-target", "among", "asset", None]),
                   label=rng.choice(["BROKERS", "FUNDS", None]),
                   broker=rng.choice([None, None, rng.choice(nodes), "ghost"]))
    return G


def _orders_agree(G, attr):
    """The old tables iterated a set (hash order) when fewer than half the nodes were kept."""
    kept = sum(1 for _v, x in G.nodes(data=attr) if x is not None)
    H = simple_graph(G)
    return 2 * kept >= len(G) and 2 * sum(1 for v in H if H.degree(v)) >= len(G)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([nx.MultiDiGraph, nx.MultiGraph]), st.sampled_from(range(len(OPTIONS))))
def test_random_projected_graphs_equal_previous_implementation(seed, cls, which):
    G = random_projected(seed, cls)
    opts = dict(OPTIONS[which], seed=seed % 7)
    attr = "group" if opts.get("partition") == "sector" else "tier"
    if not _orders_agree(G, attr):
        return
    assert _diff(reference_tables(G, **opts), suite_tables(G, **opts)) == []


def test_report_equals_previous_report(corpus, two_snapshots_graphs):
    """The report's sections now read one shared context: the Markdown is the previous report's."""
    from useit_graph.report import build_report, render_markdown

    for G_b, G_e in (two_snapshots_graphs, (corpus["seeds 2018"], corpus["seeds"])):
        for opts in ({}, {"partition": "sector", "holes": "directed", "weighted": True}):
            assert render_markdown(build_report(G_b, G_e, **opts)) == \
                old_report.render_markdown(old_report.build_report(G_b, G_e, **opts))


@pytest.fixture(scope="module")
def two_snapshots_graphs():
    two = ROOT / "tests" / "measures" / "fixtures" / "two-snapshots.ttl"
    return ingest_files([two], as_of="2017-01-01"), ingest_files([two], as_of="2019-12-31")


# ------------------------------------------------------------------------------------------
# shared views
# ------------------------------------------------------------------------------------------

def test_one_context_builds_each_view_once(corpus, monkeypatch):
    """node_table, network_row and the other tables on one context: one pass over the edges,
    one simple view, one Louvain run (the old tables rebuilt each for every table)."""
    calls = {"_base": 0, "_simple": 0, "_communities": 0, "_arcs": 0}
    for name in calls:
        real = getattr(MetricContext, name)

        def counted(self, _real=real, _name=name):
            calls[_name] += 1
            return _real(self)

        monkeypatch.setattr(MetricContext, name, counted)
    G = corpus["city 60"]
    ctx = MetricContext(G, n_permutations=20)
    tables.node_table(G, context=ctx)
    tables.network_row(G, context=ctx)
    for f in (tables.group_table, tables.block_table, tables.community_table, tables.brokerage_table,
              tables.legacy_table):
        f(G, context=ctx)
    assert calls == {"_base": 1, "_simple": 1, "_communities": 1, "_arcs": 1}
    with pytest.raises(Exception, match="another graph"):
        tables.node_table(corpus["mini"], context=ctx)


def test_metric_suite_returns_every_table_and_timings(corpus):
    out = metric_suite(corpus["mini"], n_permutations=20)
    assert set(out) == {"node", "network", "group", "blocks", "communities", "brokerage", "legacy", "timings",
                        "seconds"}
    assert out["seconds"] >= sum(out["timings"].values()) * 0.5
    assert {"graph arrays", "simple graph view", "E-I permutations", "communities (Louvain)"} <= set(out["timings"])


def test_restriction_ignores_the_hash_seed():
    """Fewer than half the nodes with a sector: networkx's subgraph then iterates a set, so the
    old tables' E-I permutations depended on PYTHONHASHSEED; the context keeps G's order."""
    code = (
        "import networkx as nx, json\n"
        "from useit_graph.metrics.tables import network_row\n"
        "G = nx.MultiDiGraph()\n"
        "for i in range(40):\n"
        "    G.add_node(f'https://example.org/n{i}', tier='micro', group=('a' if i % 3 else 'b') if i < 15 else None)\n"
        "for i in range(40):\n"
        "    G.add_edge(f'https://example.org/n{i}', f'https://example.org/n{(i * 7 + 3) % 15}', tie='bonding')\n"
        "print(json.dumps(network_row(G, partition='sector', n_permutations=200)['ei_p_sector']))\n"
    )
    out = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONHASHSEED": str(h), "PATH": "/usr/bin:/bin"}, cwd=ROOT).stdout
           for h in (1, 2, 3, 4)}
    assert len(out) == 1


# ------------------------------------------------------------------------------------------
# scale policy
# ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return _synth(tmp_path_factory, 300, 3000)


def test_small_graphs_are_exact(city):
    row = tables.network_row(city, n_permutations=20)
    assert (row["betweenness_method"], row["betweenness_k"], row["betweenness_error_bound"]) == ("exact", None, 0.0)
    assert (row["closeness_method"], row["closeness_k"], row["closeness_error_bound"]) == ("exact", None, 0.0)
    assert row["ei_permutations"] == 20
    H = simple_graph(city)
    exact = nx.betweenness_centrality(H)
    rows = {r["node"]: r for r in tables.node_table(city, n_permutations=20)}
    assert {v: rows[v]["betweenness"] for v in H} == pytest.approx(exact, abs=1e-12)


def test_sampled_betweenness_above_the_threshold(city):
    """Above exact_max_nodes: networkx's k-pivot estimate with the same seed, and within the bound."""
    H = simple_graph(city)
    n, k = H.number_of_nodes(), 40
    ctx = MetricContext(city, n_permutations=20, exact_max_nodes=100, betweenness_k=k, seed=5)
    row = ctx.network_row()
    assert (row["betweenness_method"], row["betweenness_k"]) == ("sampled", k)
    assert row["betweenness_error_bound"] == pytest.approx(betweenness_error_bound(n, k))
    rows = {r["node"]: r for r in ctx.node_table()}
    ours = {v: rows[v]["betweenness"] for v in H}
    assert ours == pytest.approx(nx.betweenness_centrality(H, k=k, seed=5), abs=1e-12)
    exact = nx.betweenness_centrality(H)
    assert max(abs(ours[v] - exact[v]) for v in H) <= row["betweenness_error_bound"]


def test_sampled_closeness_above_the_threshold(city):
    """Each node's mean distance within the stated bound of networkx's exact closeness."""
    H = simple_graph(city)
    n, k = H.number_of_nodes(), 40
    ctx = MetricContext(city, n_permutations=20, exact_max_nodes=100, betweenness_k=k)
    row = ctx.network_row()
    assert (row["closeness_method"], row["closeness_k"]) == ("sampled", k)
    bound = row["closeness_error_bound"]
    assert 0 < bound < math.inf
    exact = nx.closeness_centrality(H)
    rows = {r["node"]: r for r in ctx.node_table()}
    for comp in nx.connected_components(H):
        r = len(comp)
        for v in comp:
            if r <= k:
                assert rows[v]["closeness"] == pytest.approx(exact[v], abs=1e-12)
            elif exact[v] > 0:
                mean = (r - 1) ** 2 / ((n - 1) * r * exact[v])
                mean_hat = (r - 1) ** 2 / ((n - 1) * r * rows[v]["closeness"])
                assert abs(mean_hat - mean) <= bound


def test_closeness_skipped_with_k_zero(city):
    ctx = MetricContext(city, n_permutations=20, exact_max_nodes=100, closeness_k=0)
    row = ctx.network_row()
    assert row["closeness_method"].startswith("skipped: ") and "exact_max_nodes=100" in row["closeness_method"]
    assert row["closeness_error_bound"] is None and row["closeness_k"] is None
    assert {r["closeness"] for r in ctx.node_table()} == {None}


def test_exact_max_nodes_none_is_always_exact(city):
    row = MetricContext(city, n_permutations=20, exact_max_nodes=None).network_row()
    assert row["betweenness_method"] == row["closeness_method"] == "exact"


def test_ei_work_budget_lowers_the_permutations(city):
    """With a budget below ties x permutations the test runs max(100, budget // ties)
    permutations, and its network row is ei_permutation_test's with that many."""
    ctx = MetricContext(city, n_permutations=1000, ei_work=50_000)
    part = ctx.restricted()
    ties = len(part.pairs)
    used = max(100, 50_000 // ties)
    row = ctx.network_row()
    assert row["ei_permutations"] == used < 1000
    Hp = simple_graph(city).subgraph([v for v, x in city.nodes(data="tier") if x is not None]).copy()
    peer = ei_permutation_test(Hp, group="tier", n_permutations=used, seed=0)
    assert row["ei_p_tier"] == peer["p_value"] and row["ei_expected_tier"] == pytest.approx(peer["mean"], rel=1e-12)
    assert MetricContext(city, n_permutations=1000, ei_work=None).permutations() == 1000


def test_bad_options_are_usage_errors(city):
    from useit_graph.errors import UsageError

    for kw in ({"betweenness_k": 1}, {"closeness_k": -1}, {"n_permutations": 0}, {"holes": "sideways"},
               {"partition": "colour"}):
        with pytest.raises(UsageError):
            MetricContext(city, **kw)


def test_cli_scale_options():
    """useit metrics --exact-max-nodes / --betweenness-k / --closeness-k / --exact on mini.ttl (4 nodes)."""
    import json

    from click.testing import CliRunner

    from cli import main

    mini = str(ROOT / "tests" / "fixtures" / "mini.ttl")

    def row(*args):
        r = CliRunner().invoke(main, ["metrics", "--no-seeds", "--data", mini, "--json", "--permutations", "9", *args])
        assert r.exit_code == 0, r.output
        return json.loads(r.output)[0]

    assert row()["betweenness_method"] == "exact"
    sampled = row("--exact-max-nodes", "2", "--betweenness-k", "3", "--closeness-k", "0")
    assert (sampled["betweenness_method"], sampled["betweenness_k"]) == ("sampled", 3)
    assert sampled["closeness_method"].startswith("skipped")
    assert row("--exact-max-nodes", "2", "--exact")["betweenness_method"] == "exact"
    from useit_graph.commands.measures import metrics

    defaults = {p.name: p.default for p in metrics.params}
    assert defaults["exact_max_nodes"] == suite_module.DEFAULT_EXACT_MAX_NODES
    assert defaults["betweenness_k"] == suite_module.DEFAULT_BETWEENNESS_K
    assert (defaults["closeness_k"], defaults["permutations"]) == (None, 1000)


# ------------------------------------------------------------------------------------------
# array helpers
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_triangles_and_bfs_equal_networkx(seed):
    rng = np.random.default_rng(seed)
    n = 60
    src, dst = rng.integers(0, n, 300), rng.integers(0, n, 300)
    ea, eb, _w, inverse = simple_pairs(n, src, dst)
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((int(a), int(b)) for a, b in zip(src, dst) if a != b)
    assert sorted(zip(ea.tolist(), eb.tolist())) == sorted((min(e), max(e)) for e in G.edges())
    tri, ids = triangles(n, ea, eb)
    assert len(tri) == sum(nx.triangles(G).values()) // 3
    for (a, b, c), (x, y, z) in zip(tri.tolist(), ids.tolist()):
        assert {ea[x], eb[x]} == {a, b} and {ea[y], eb[y]} == {b, c} and {ea[z], eb[z]} == {a, c}
    indptr, indices, _pid = half_edges(n, ea, eb)
    sources = [0, 7, 31]
    dist = bfs_distances(indptr, indices, np.array(sources))
    peer = nx.multi_source_dijkstra_path_length(G, sources)
    assert {v: int(d) for v, d in enumerate(dist.tolist()) if d >= 0} == peer
    blocked = np.zeros(n, dtype=bool)
    blocked[[1, 2, 3, 7]] = True
    peer = nx.multi_source_dijkstra_path_length(G.subgraph(set(G) - {1, 2, 3, 7}), [0, 31])
    dist = bfs_distances(indptr, indices, np.array(sources), blocked=blocked)
    assert {v: int(d) for v, d in enumerate(dist.tolist()) if d >= 0} == peer
    assert (inverse[src == dst] == -1).all()


def test_lookup_and_unique_sorted():
    keys = np.array([2, 5, 9, 40])
    q = np.array([5, 6, 40, 0, 2] * 3000)
    assert lookup(keys, q).tolist() == [1, -1, 3, -1, 0] * 3000  # the sorted path (> 10,000 queries)
    assert lookup(keys, q[:5]).tolist() == [1, -1, 3, -1, 0]
    assert lookup(np.array([], dtype=np.int64), q[:3]).tolist() == [-1, -1, -1]
    assert unique_sorted(np.array([5, 1, 5, 3, 1])).tolist() == [1, 3, 5]


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([nx.MultiDiGraph, nx.MultiGraph]),
       st.sampled_from([None, "2017-06-30", "2019-12-31"]))
def test_public_legacy_and_reach_equal_their_definitions(seed, cls, end):
    """legacy_scenarios and reach_summary now run on arrays; their definitions (broker_dependence
    on graph copies, micro_reach's Python BFS) are kept as private functions and must agree."""
    from useit_graph.metrics.legacy import _legacy_scenarios_by_dependence, legacy_scenarios
    from useit_graph.metrics.reach import _reach_summary_by_micro_reach, reach_summary

    G = random_projected(seed, cls)
    assert _diff(_legacy_scenarios_by_dependence(G, end), legacy_scenarios(G, end)) == []
    assert _diff(_reach_summary_by_micro_reach(G), reach_summary(G)) == []
