"""E-I index, bridging share, block densities, assortativity, heterogeneity, communities.

Where the expected numbers come from:

* Hand counts on small graphs, written out in each test.
* The permutation null: with labels shuffled uniformly (sizes kept) a tie is internal with
  probability sum_g n_g (n_g - 1) / (n (n - 1)), so E[EI] = 1 - 2 * that (exact, derived here).
* networkx 3.6 ``attribute_assortativity_coefficient`` and ``community.modularity`` (run in the
  test); Zachary (1977) karate club split ('club') for Louvain recovering the two factions.
"""

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuffled import relabel_shuffled
from useit_graph.errors import MissingNodeAttribute
from useit_graph.metrics.blocks import attribute_assortativity, block_density, partition
from useit_graph.metrics.communities import bridging_edges, louvain_communities, modularity
from useit_graph.metrics.ei_index import (
    bridging_share,
    ei_index,
    ei_permutation_table,
    ei_permutation_test,
    group_ei_index,
    node_ei_index,
)
from useit_graph.metrics.heterogeneity import blau_index, iqv


def two_triangles():
    # triangle x0 x1 x2 (group x), triangle y0 y1 y2 (group y), bridge x2 - y0
    G = nx.Graph([("x0", "x1"), ("x1", "x2"), ("x0", "x2"),
                  ("y0", "y1"), ("y1", "y2"), ("y0", "y2"), ("x2", "y0")])
    nx.set_node_attributes(G, {v: v[0] for v in G}, "group")
    return G


def test_ei_by_hand():
    G = two_triangles()
    assert ei_index(G) == pytest.approx((1 - 6) / 7)  # E = 1, I = 6
    assert group_ei_index(G) == pytest.approx({"x": (1 - 3) / 4, "y": (1 - 3) / 4})
    n = node_ei_index(G)
    assert n["x2"] == pytest.approx((1 - 2) / 3) and n["x0"] == -1.0
    assert bridging_share(G)["x2"] == pytest.approx(1 / 3)
    G.add_edge("x0", "x0")  # self-loops are ignored
    assert ei_index(G) == pytest.approx(-5 / 7)
    G.add_node("z", group="z")
    assert math.isnan(bridging_share(G)["z"]) and math.isnan(group_ei_index(G)["z"])


def test_permutation_null_mean_and_p_value():
    G = nx.karate_club_graph()
    sizes = {}
    for _, club in G.nodes(data="club"):
        sizes[club] = sizes.get(club, 0) + 1
    n = len(G)
    p_internal = sum(s * (s - 1) for s in sizes.values()) / (n * (n - 1))
    result = ei_permutation_test(G, "club", n_permutations=2000, seed=42)
    assert result["n_permutations"] == 2000
    assert result["observed"] == pytest.approx(ei_index(G, "club"))
    standard_error = result["sd"] / math.sqrt(2000)
    assert abs(result["mean"] - (1 - 2 * p_internal)) < 5 * standard_error
    # factions are far more internal than chance: observed EI below every permuted value
    assert result["p_less"] == pytest.approx(1 / 2001)
    assert result["p_greater"] == 1.0 and result["p_value"] == pytest.approx(2 / 2001)
    assert ei_permutation_test(G, "club", 50, seed=1) == ei_permutation_test(G, "club", 50, seed=1)


def test_permutation_table_equals_exact_permutation_distribution():
    """Exact null, enumerated here: with labels a, a, b, b, c shuffled over 5 nodes (sizes kept)
    each of the 5!/(2!2!1!) = 30 distinct assignments is equally likely, so the exact
    P(perm >= observed) is a count over them. The E-I values are counted here from the edge
    list (E = ties across groups, I = within), not by the code under test. With N = 20000
    permutations the Phipson-Smyth estimate is within 0.02 of the exact value (sd <= 0.0036)."""
    import itertools

    edges = [(0, 1), (1, 2), (2, 3), (3, 4), (0, 2), (1, 4)]
    G = nx.Graph(edges)
    base = {0: "a", 1: "a", 2: "b", 3: "b", 4: "c"}
    nx.set_node_attributes(G, base, "group")

    def ei(lab, ties):
        e = sum(lab[u] != lab[v] for u, v in ties)
        return (e - (len(ties) - e)) / len(ties) if ties else math.nan

    def group_ei(lab, g):
        e = sum((lab[u] == g) != (lab[v] == g) for u, v in edges)
        i = sum(lab[u] == g == lab[v] for u, v in edges)
        return (e - i) / (e + i) if e + i else math.nan

    assignments = {p for p in itertools.permutations(base.values())}
    assert len(assignments) == 30
    labs = [dict(enumerate(p)) for p in assignments]

    def exact(stat):
        obs = stat(base)
        vals = [stat(lab) for lab in labs]
        return obs, sum(v >= obs for v in vals if v == v) / 30, sum(v <= obs for v in vals if v == v) / 30

    t = ei_permutation_table(G, n_permutations=20000, seed=3)
    checks = [(t["network"], lambda lab: ei(lab, edges))]
    checks += [(t["nodes"][v], lambda lab, v=v: ei(lab, [e for e in edges if v in e])) for v in G]
    checks += [(t["groups"][g], lambda lab, g=g: group_ei(lab, g)) for g in "abc"]
    for row, stat in checks:
        obs, p_ge, p_le = exact(stat)
        assert row["observed"] == pytest.approx(obs)
        assert row["p_greater"] == pytest.approx(p_ge, abs=0.02)
        assert row["p_less"] == pytest.approx(p_le, abs=0.02)
    # the network row is ei_permutation_test's, permutation for permutation
    test = ei_permutation_test(G, n_permutations=500, seed=9)
    row = ei_permutation_table(G, n_permutations=500, seed=9)["network"]
    assert {k: row[k] for k in test} == pytest.approx(test)


def test_block_density_by_hand():
    G = two_triangles()
    d = block_density(G)
    assert d == {"x": {"x": 1.0, "y": 1 / 9}, "y": {"x": 1 / 9, "y": 1.0}}
    D = nx.DiGraph([("x0", "x1"), ("x1", "y0"), ("x0", "x0")])
    nx.set_node_attributes(D, {"x0": "x", "x1": "x", "y0": "y"}, "group")
    d = block_density(D)
    assert d["x"] == {"x": 1 / 2, "y": 1 / 2} and d["y"]["x"] == 0.0
    assert math.isnan(d["y"]["y"])  # a one-node group has no within pairs


def test_assortativity_wraps_networkx():
    G = nx.karate_club_graph()
    assert attribute_assortativity(G, "club") == pytest.approx(
        nx.attribute_assortativity_coefficient(G, "club"))
    del G.nodes[5]["club"]
    with pytest.raises(MissingNodeAttribute, match="node 5"):
        attribute_assortativity(G, "club")


def test_blau_and_iqv_by_hand():
    G = nx.star_graph(4)
    nx.set_node_attributes(G, {0: "x", 1: "a", 2: "a", 3: "b", 4: "c"}, "group")
    # contacts of 0: a, a, b, c -> shares 1/2, 1/4, 1/4 -> 1 - (1/4 + 1/16 + 1/16) = 5/8
    assert blau_index(G)[0] == pytest.approx(5 / 8)
    assert iqv(G)[0] == pytest.approx(5 / 8 * 4 / 3)  # K = 4 categories in the graph
    assert blau_index(G)[1] == 0.0
    nx.set_node_attributes(G, "same", "group")
    assert math.isnan(iqv(G)[0])


def test_blau_and_iqv_directed_hand_value():
    """Ego e (group z): e->a, b->e, e<->c, a self-loop e->e. Contacts are in- and
    out-neighbours, distinct, ego excluded: {a (x), b (y), c (x)} -> shares 2/3, 1/3 ->
    B = 1 - (4/9 + 1/9) = 4/9; K = 3 groups in the graph (x, y, z) -> IQV = 4/9 * 3/2 = 2/3.
    b only sends: its one contact e -> B = 0."""
    D = nx.DiGraph([("e", "a"), ("b", "e"), ("e", "c"), ("c", "e"), ("e", "e")])
    nx.set_node_attributes(D, {"e": "z", "a": "x", "b": "y", "c": "x"}, "group")
    assert blau_index(D)["e"] == pytest.approx(4 / 9)
    assert iqv(D)["e"] == pytest.approx(2 / 3)
    assert blau_index(D)["b"] == 0.0


def test_blau_and_iqv_multigraph_hand_value():
    """Ego e (x) with e-a twice (a: x) and e-b once (b: y). Parallel edges do not count twice:
    contacts {a, b} -> B = 1 - (1/4 + 1/4) = 1/2 (counting edges would give 1 - (4/9 + 1/9) =
    4/9); K = 2 -> IQV = 1."""
    M = nx.MultiGraph([("e", "a"), ("e", "a"), ("e", "b")])
    nx.set_node_attributes(M, {"e": "x", "a": "x", "b": "y"}, "group")
    assert blau_index(M)["e"] == pytest.approx(1 / 2)
    assert iqv(M)["e"] == pytest.approx(1.0)


def test_louvain_seeded_and_karate_factions():
    G = nx.karate_club_graph()
    a = louvain_communities(G, seed=5)
    assert a == louvain_communities(G, seed=5)
    assert set().union(*a) == set(G)
    assert modularity(G, a) == pytest.approx(nx.community.modularity(G, a, weight="weight"))
    # each Louvain community lies (almost) within one of Zachary's two factions
    clubs = dict(G.nodes(data="club"))
    purity = sum(max(sum(clubs[v] == c for v in com) for c in set(clubs.values())) for com in a)
    assert purity / len(G) >= 0.9
    edges = bridging_edges(G, a)
    where = {v: i for i, com in enumerate(a) for v in com}
    assert all(where[u] == cu != cv == where[v] for u, v, cu, cv in edges)
    internal = sum(1 for u, v in G.edges() if where[u] == where[v])
    assert internal + len(edges) == G.number_of_edges()


def test_modularity_rejects_non_partition():
    G = nx.path_graph(4)
    with pytest.raises(nx.NetworkXError, match="3"):
        modularity(G, [{0, 1}, {2}])


labelled_graphs = st.builds(
    lambda seed, k, directed: _labelled(seed, k, directed),
    st.integers(0, 10**6), st.integers(1, 4), st.booleans())


def _labelled(seed, k, directed):
    G = nx.gnp_random_graph(14, 0.25, seed=seed, directed=directed)
    nx.set_node_attributes(G, {v: (v * 5 + seed) % k for v in G}, "group")
    return G


@settings(max_examples=80, deadline=None)
@given(labelled_graphs, st.randoms(use_true_random=False))
def test_ranges_and_relabelling(G, rnd):
    """New names with shuffled node, edge and end order (relabel_shuffled) change no value."""
    names = [f"v{v}" for v in G]
    rnd.shuffle(names)
    mapping = dict(zip(G, names))
    H = relabel_shuffled(G, mapping, rnd)
    ei = ei_index(G)
    assert math.isnan(ei) or -1 <= ei <= 1
    assert ei_index(H) == pytest.approx(ei, nan_ok=True)
    for f in (bridging_share, node_ei_index, blau_index, iqv):
        a, b = f(G), f(H)
        assert {mapping[v]: x for v, x in a.items()} == pytest.approx(b, nan_ok=True)
    assert group_ei_index(G) == pytest.approx(group_ei_index(H), nan_ok=True)
    da, db = block_density(G), block_density(H)
    assert set(da) == set(db)
    for g in da:
        assert da[g] == pytest.approx(db[g], nan_ok=True)
    for v, s in bridging_share(G).items():
        assert math.isnan(s) or 0 <= s <= 1
        if not math.isnan(s):
            assert s == pytest.approx((node_ei_index(G)[v] + 1) / 2)
    for v, x in iqv(G).items():
        assert math.isnan(x) or -1e-12 <= x <= 1 + 1e-12


@settings(max_examples=80, deadline=None)
@given(labelled_graphs, st.data())
def test_within_group_tie_never_raises_bridging_share(G, data):
    labels = partition(G)
    pairs = [(u, v) for u in G for v in G if u != v and labels[u] == labels[v] and not G.has_edge(u, v)]
    if not pairs:
        return
    u, v = data.draw(st.sampled_from(pairs))
    before = bridging_share(G)
    G.add_edge(u, v)
    after = bridging_share(G)
    for node in G:
        if not math.isnan(before[node]):
            assert after[node] <= before[node] + 1e-12
