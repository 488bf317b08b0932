"""Properties (hypothesis): relabelling changes no outcome number; shares stay in [0, 1]; a new
within-group tie never raises a node's bridging share (metrics-core's ``bridging_share`` and our
per-node tie shares)."""

import math

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from useit_graph.metrics.ei_index import bridging_share
from useit_graph.metrics.outcomes import outcome_values
from useit_graph.metrics.reach import reach_summary
from useit_graph.metrics.ties import node_tie_counts
from useit_graph.project import classify_tie

from measure_graphs import TYPES, relabel_shuffled

NODE_TYPES = sorted(TYPES)
REL_TYPES = ["Funding", "Procurement", "Commissioning", "Employment", "Recognition", "Partnership",
             "Support", "Brokerage", "Membership"]
GROUPS = ["community", "health", "arts", None]


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 12))
    G = nx.MultiDiGraph(as_of=draw(st.sampled_from([None, "2018-06-30"])))
    for i in range(n):
        typ = draw(st.sampled_from(NODE_TYPES))
        types, kind, tier = TYPES[typ]
        created = draw(st.sampled_from([None, "2015-01-01", "2017-05-01", "2018-01-01"]))
        G.add_node(i, label=f"n{i}", type=typ, types=list(types), kind=kind,
                   tier=draw(st.sampled_from([tier, tier, None])), group=draw(st.sampled_from(GROUPS)),
                   created=created, created_during=draw(st.sampled_from([None, "prog"])))
    for j in range(draw(st.integers(0, 25))):
        u, v = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if u == v:
            continue
        du, dv = G.nodes[u], G.nodes[v]
        tie, why = classify_tie(du["tier"], du["group"], dv["tier"], dv["group"])
        G.add_edge(u, v, key=f"r{j}", rel=f"r{j % 7}", rel_type=draw(st.sampled_from(REL_TYPES)),
                   directed=draw(st.booleans()), value_gbp=draw(st.sampled_from([None, 0.0, 10.0, 2500.0])),
                   tie=tie, tie_reason=why)
    return G


def _numbers(G):
    vals = outcome_values(G, since="2016-11-01")
    vals["reach"] = reach_summary(G)
    return {(k, i): x for k, d in vals.items() for i, x in d.items() if i != "definition"}


def _eq(a, b):
    return (math.isnan(a) and math.isnan(b)) if isinstance(a, float) and math.isnan(a) else a == b


@settings(max_examples=150, deadline=None)
@given(graphs(), st.randoms(use_true_random=False))
def test_relabelling_changes_no_outcome_number(G, rnd):
    """New names with shuffled node and edge insertion order (relabel_shuffled)."""
    names = [f"https://example.org/x/{k}" for k in range(G.number_of_nodes())]
    rnd.shuffle(names)
    H = relabel_shuffled(G, dict(zip(G.nodes, names)), rnd)
    a, b = _numbers(G), _numbers(H)
    assert a.keys() == b.keys()
    assert all(_eq(a[k], b[k]) for k in a), {k: (a[k], b[k]) for k in a if not _eq(a[k], b[k])}


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_shares_stay_in_unit_interval(G):
    for (name, key), x in _numbers(G).items():
        if key.startswith("share_") or key == "reciprocity":
            assert math.isnan(x) or 0.0 <= x <= 1.0, (name, key, x)
        if key == "gbp_balance":
            assert math.isnan(x) or -1.0 <= x <= 1.0
        if isinstance(x, (int, float)) and not math.isnan(x) and key not in ("gbp_balance",):
            assert x >= 0, (name, key, x)
    for row in node_tie_counts(G).values():
        for k, x in row.items():
            if k.startswith("share_"):
                assert math.isnan(x) or 0.0 <= x <= 1.0


@st.composite
def grouped_graphs(draw):
    n = draw(st.integers(2, 10))
    G = nx.Graph()
    for i in range(n):
        G.add_node(i, group=draw(st.sampled_from("abc")))
    for _ in range(draw(st.integers(0, 20))):
        u, v = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if u != v:
            G.add_edge(u, v)
    same = [(u, v) for u in G for v in G if u < v and G.nodes[u]["group"] == G.nodes[v]["group"]
            and not G.has_edge(u, v)]
    edge = draw(st.sampled_from(same)) if same else None
    return G, edge


@settings(max_examples=200, deadline=None)
@given(grouped_graphs())
def test_within_group_tie_never_raises_bridging_share(case):
    G, edge = case
    if edge is None:
        return
    before = bridging_share(G)
    H = G.copy()
    H.add_edge(*edge)
    after = bridging_share(H)
    for v in G:
        if not math.isnan(before[v]):
            assert after[v] <= before[v] + 1e-12


@settings(max_examples=200, deadline=None)
@given(grouped_graphs())
def test_bonding_tie_never_raises_a_nodes_share_of_bridging_ties(case):
    """Same property for our per-node tie table: an added bonding tie (same tier, same group)."""
    G, edge = case
    if edge is None:
        return

    def multi(g):
        M = nx.MultiDiGraph()
        M.add_nodes_from(g.nodes(data=True))
        for u, v in g.edges():
            t, _w = classify_tie("micro", g.nodes[u]["group"], "micro", g.nodes[v]["group"])
            M.add_edge(u, v, tie=t)
        return M

    H = G.copy()
    H.add_edge(*edge)
    before, after = node_tie_counts(multi(G)), node_tie_counts(multi(H))
    for v in G:
        if before[v]["edges"]:
            assert after[v]["share_bridging"] <= before[v]["share_bridging"]
