"""Gould-Fernandez brokerage.

Where the expected numbers come from:

* R 4.2.2, sna 2.7-1 ``sna::brokerage(adj, cl)``, frozen in ``tests/peer/brokerage-*.json`` by
  ``scripts/make-peer-fixtures.sh`` (the JSON records the command and versions). R read the
  same ``tests/peer/brokerage-*-arcs.csv`` / ``-nodes.csv`` files these tests read; a test checks
  those files still encode networkx's Florentine families and karate club graphs.
* A hand count of every 2-path in a 6-node digraph (comment in ``HAND``).
"""

import csv
import json
import math
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuffled import relabel_shuffled
from useit_graph.errors import MissingNodeAttribute
from useit_graph.metrics import brokerage as bm
from useit_graph.metrics.brokerage import ROLES, brokerage, brokerage_method, brokerage_roles

PEER = Path(__file__).resolve().parents[1] / "peer"

# Arcs; groups A = {a1, a2, a3}, B = {b1, b2}, C = {c1}. Every 2-path x -> broker -> y, by hand:
#   a1: c1>a1>a2 (c1-/->a2) C,A,A gatekeeper b_OI                                  -> b_OI 1
#   a2: a1>a2>a3 (no a1>a3) A,A,A coordinator w_I; a1>a2>b1 A,A,B representative b_IO
#   a3: a2>a3>c1 A,A,C b_IO; b1>a3>c1 B,A,C liaison b_O
#   b1: a2>b1>a3 CLOSED by a2>a3 (not counted); a2>b1>b2 A,B,B b_OI; c1>b1>a3 C,B,A b_O;
#       c1>b1>b2 C,B,B b_OI; b2>b1>a3 B,B,A b_IO; b2>b1>b2 a == c (not counted)
#   b2: b1>b2>b1 a == c only                                                         -> 0
#   c1: a3>c1>b1 A,C,B b_O; a3>c1>a1 A,C,A itinerant w_O
HAND_ARCS = [("a1", "a2"), ("a2", "a3"), ("a2", "b1"), ("b1", "a3"), ("c1", "b1"),
             ("b1", "b2"), ("b2", "b1"), ("a3", "c1"), ("c1", "a1")]
HAND_COUNTS = {
    "a1": {"b_OI": 1},
    "a2": {"w_I": 1, "b_IO": 1},
    "a3": {"b_IO": 1, "b_O": 1},
    "b1": {"b_OI": 2, "b_O": 1, "b_IO": 1},
    "b2": {},
    "c1": {"b_O": 1, "w_O": 1},
}


def hand_graph():
    G = nx.DiGraph(HAND_ARCS)
    nx.set_node_attributes(G, {v: v[0].upper() for v in G}, "group")
    return G


def expected_hand(v):
    row = {r: HAND_COUNTS[v].get(r, 0) for r in ROLES[:5]}
    row["t"] = sum(row.values())
    return row


@pytest.mark.parametrize("method", ["aggregate", "direct"])
def test_hand_counted(method, monkeypatch):
    ran = []
    for name in ("_count_aggregate", "_count_direct"):
        real = getattr(bm, name)
        monkeypatch.setattr(bm, name, lambda *a, _r=real, _n=name: ran.append(_n) or _r(*a))
    counts = brokerage_roles(hand_graph(), method=method)
    assert ran == [f"_count_{method}"]
    assert counts == {v: expected_hand(v) for v in HAND_COUNTS}


def test_auto_method_choice():
    G = hand_graph()
    assert brokerage_method(G) == "aggregate"
    assert brokerage_method(G, nodes=["b1"]) == "direct"
    assert brokerage_roles(G, nodes=["b1"]) == {"b1": expected_hand("b1")}


def load_peer(name):
    nodes = list(csv.DictReader(open(PEER / f"brokerage-{name}-nodes.csv")))
    names = [r["name"] for r in nodes]
    G = nx.DiGraph()
    for r in nodes:
        G.add_node(r["name"], group=r["group"])
    for r in csv.DictReader(open(PEER / f"brokerage-{name}-arcs.csv")):
        G.add_edge(names[int(r["from"])], names[int(r["to"])])
    return G, json.loads((PEER / f"brokerage-{name}.json").read_text())


def num(x):
    return float(x.replace("Inf", "inf")) if isinstance(x, str) else float(x)


def close(ours, theirs):
    theirs = num(theirs)
    if math.isnan(theirs):
        return math.isnan(ours)
    return ours == pytest.approx(theirs, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("name", ["florentine", "karate", "random-directed", "hand"])
def test_equals_r_sna_brokerage(name):
    G, ref = load_peer(name)
    assert ref["sna_version"] == "2.7.1"
    result = brokerage(G)
    for key, ours in [("raw.nli", result.raw_nli), ("exp.nli", result.exp_nli),
                      ("sd.nli", result.sd_nli), ("z.nli", result.z_nli)]:
        for v in ref["nodes"]:
            for r in ROLES:
                assert close(ours[v][r], ref[key][v][r]), (key, v, r, ours[v][r], ref[key][v][r])
    for key, ours in [("raw.gli", result.raw_gli), ("exp.gli", result.exp_gli),
                      ("sd.gli", result.sd_gli), ("z.gli", result.z_gli)]:
        for r in ROLES:
            assert close(ours[r], ref[key][r]), (key, r, ours[r], ref[key][r])
    for g in ref["exp.grp"]:
        for r in ROLES:
            assert close(result.exp_grp[g][r], ref["exp.grp"][g][r])
            assert close(result.sd_grp[g][r], ref["sd.grp"][g][r])


def test_self_loops_counts_equal_sna_density_differs_on_purpose():
    """sna 2.7-1 counts a self-loop as an arc in d = m / (n(n-1)) (not in the raw counts); we
    ignore loops in d too (docs/measures.md). Fixture: the hand graph plus loops on a2 and b1."""
    G, ref = load_peer("self-loops")
    assert nx.number_of_selfloops(G) == 2
    _, no_loops = load_peer("hand")
    result = brokerage(G)
    for v in ref["nodes"]:
        for r in ROLES:
            assert close(result.raw_nli[v][r], ref["raw.nli"][v][r])  # counts: same as sna
            assert close(result.exp_nli[v][r], no_loops["exp.nli"][v][r])  # null: sna without loops
    assert result.density == pytest.approx(9 / 30)  # 9 arcs, 6 nodes; sna uses 11 / 30
    assert num(ref["exp.gli"]["t"]) != pytest.approx(result.exp_gli["t"])


def test_peer_inputs_are_the_networkx_graphs():
    F, _ = load_peer("florentine")
    florentine = nx.florentine_families_graph()
    assert set(F) == set(florentine)
    assert {frozenset(e) for e in F.edges()} == {frozenset(e) for e in florentine.edges()}
    assert all(F.has_edge(v, u) for u, v in F.edges())  # symmetric digraph
    K, _ = load_peer("karate")
    karate = nx.karate_club_graph()
    assert {frozenset((int(u), int(v))) for u, v in K.edges()} == set(map(frozenset, karate.edges()))
    assert {int(v): g for v, g in K.nodes(data="group")} == dict(karate.nodes(data="club"))
    H, _ = load_peer("hand")
    assert set(H.edges()) == set(HAND_ARCS)


def test_undirected_graph_is_symmetric_digraph_and_label_swap_guard():
    G, _ = load_peer("florentine")
    U = nx.florentine_families_graph()
    nx.set_node_attributes(U, dict(G.nodes(data="group")), "group")
    assert brokerage(U).raw_nli == brokerage(G).raw_nli
    # In the hand graph a1 is a gatekeeper (outsider c1 -> a1 -> insider a2), never representative.
    result = brokerage(hand_graph())
    assert result.raw_nli["a1"]["b_OI"] == 1 and result.raw_nli["a1"]["b_IO"] == 0


def test_singleton_group_roles_are_nan():
    result = brokerage(hand_graph())
    z = result.z_nli["c1"]  # c1 is alone in group C
    assert math.isnan(z["w_I"]) and math.isnan(z["b_IO"]) and math.isnan(z["b_OI"])
    assert not math.isnan(z["w_O"])


def test_missing_group_names_node():
    G = hand_graph()
    del G.nodes["b2"]["group"]
    with pytest.raises(MissingNodeAttribute, match="'b2'"):
        brokerage_roles(G)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 4), st.randoms(use_true_random=False))
def test_paths_agree_and_relabelling_changes_nothing(seed, k, rnd):
    """Both counting paths agree; new names with shuffled node and arc order change nothing,
    including the null model (group sizes are taken in order of first appearance)."""
    G = nx.gnp_random_graph(18, 0.2, seed=seed, directed=True)
    nx.set_node_attributes(G, {v: v % k for v in G}, "group")
    direct = brokerage_roles(G, method="direct")
    assert brokerage_roles(G, method="aggregate") == direct
    names = [f"x{v}" for v in G]
    rnd.shuffle(names)
    mapping = dict(zip(G, names))
    H = relabel_shuffled(G, mapping, rnd)
    assert brokerage_roles(H) == {mapping[v]: c for v, c in direct.items()}
    a, b = brokerage(G), brokerage(H)
    for v in G:
        assert a.z_nli[v] == pytest.approx(b.z_nli[mapping[v]], nan_ok=True)
    assert a.z_gli == pytest.approx(b.z_gli, nan_ok=True)


# A recorded brokerage, through the real projection (ontology + Turtle -> project_graph).
# hub (SupportOrganisation: intermediary, social-economy) brokered garden (CommunityGroup:
# micro, community) with council (LocalAuthority: macro, public-administration) in r1, and
# garden with cafe (SocialEnterprise: micro, social-economy) in r2; cafe and council are also
# partners in r3, a direct tie of their own.
RECORDED = """
@prefix uit: <https://w3id.org/useit-graph/ns#> . @prefix ex: <urn:ex:> .
ex:hub a uit:SupportOrganisation ; uit:group uit:sector-social-economy .
ex:garden a uit:CommunityGroup ; uit:group uit:sector-community .
ex:council a uit:LocalAuthority ; uit:group uit:sector-public-administration .
ex:cafe a uit:SocialEnterprise ; uit:group uit:sector-social-economy .
ex:r1 a uit:Brokerage ; uit:broker ex:hub ; uit:brokeredParty ex:garden, ex:council ;
    uit:mechanism uit:mechanism-introduction .
ex:r2 a uit:Brokerage ; uit:broker ex:hub ; uit:brokeredParty ex:garden, ex:cafe ;
    uit:mechanism uit:mechanism-event .
ex:r3 a uit:Partnership ; uit:partner ex:cafe, ex:council .
"""


@pytest.fixture(scope="module")
def recorded():
    from rdflib import Graph

    from useit_graph.paths import get_paths
    from useit_graph.project import project_graph

    G = project_graph(Graph().parse(get_paths().ontology).parse(data=RECORDED, format="turtle"))
    return G, {v: v[len("urn:ex:"):] for v in G}


def test_recorded_broker_gets_gould_fernandez_credit(recorded):
    """Hand count. brokerage_digraph gives hub<->garden, hub<->council, hub<->cafe (the BROKERS
    arcs, both ways) and cafe<->council (r3); the garden-council and garden-cafe ties derived
    from r1 and r2 are the ties *through* hub, so they are left out. hub's 2-paths a->hub->c:
    (garden, council), (council, garden), (garden, cafe), (cafe, garden) are open; (council, cafe)
    and (cafe, council) are closed by r3. By tier (hub intermediary; garden, cafe micro; council
    macro): garden>hub>council and council>hub>garden are liaison b_O (three tiers);
    garden>hub>cafe and cafe>hub>garden are itinerant w_O (ends micro, broker not). By sector
    (hub, cafe social-economy; garden community; council public-administration): the two
    garden/council paths are b_O, garden>hub>cafe is gatekeeper b_OI (broker and c share a
    sector), cafe>hub>garden is representative b_IO (a and broker share one). No other node has
    an open 2-path: garden only has hub; council's and cafe's neighbours hub and cafe/council
    are tied to each other."""
    from useit_graph.metrics.brokerage import brokerage_digraph

    G, short = recorded
    D = nx.relabel_nodes(brokerage_digraph(G), short)
    assert not D.has_edge("garden", "council") and not D.has_edge("garden", "cafe")
    assert D.has_edge("garden", "hub") and D.has_edge("hub", "garden") and D.has_edge("cafe", "council")
    zero = dict.fromkeys(ROLES, 0)
    by_tier = brokerage_roles(D, group="tier")
    assert by_tier["hub"] == {**zero, "w_O": 2, "b_O": 2, "t": 4}
    assert all(by_tier[v] == zero for v in ("garden", "council", "cafe"))
    by_sector = brokerage_roles(D, group="group")
    assert by_sector["hub"] == {**zero, "b_IO": 1, "b_OI": 1, "b_O": 2, "t": 4}
    # the projection's own arcs (broker -> party, plus the derived party - party tie) give hub
    # nothing: there is no party -> hub arc, and the derived tie closes the triad
    from useit_graph.project import simple_digraph

    assert brokerage_roles(nx.relabel_nodes(simple_digraph(G), short), group="tier")["hub"]["t"] == 0


def test_brokerage_digraph_keeps_the_tie_when_the_broker_is_absent(recorded):
    from useit_graph.metrics.brokerage import brokerage_digraph

    G, short = recorded
    H = G.copy()
    H.remove_node("urn:ex:hub")
    D = nx.relabel_nodes(brokerage_digraph(H), short)
    assert D.has_edge("garden", "council") and D.has_edge("council", "garden")


def _as_arrays(G, group="group"):
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    codes = {}
    coded = [codes.setdefault(G.nodes[v][group], len(codes)) for v in nodes]
    u = [index[a] for a, b in G.edges()]
    v = [index[b] for a, b in G.edges()]
    if not G.is_directed():
        u, v = u + v, v + u
    return nodes, bm.brokerage_arrays(len(nodes), u, v, coded)


@pytest.mark.parametrize("name", ["florentine", "karate", "random-directed", "hand", "self-loops"])
def test_arrays_equal_r_sna_brokerage(name):
    """The vectorised counts and moments (brokerage_arrays: degree tallies minus the directed
    triangles) against R sna 2.7-1's frozen values; for the self-loop graph the raw counts are
    sna's and the expectations those of the loop-free hand graph (see the test above)."""
    G, ref = load_peer(name)
    if name == "self-loops":
        _, moments = load_peer("hand")
    else:
        moments = ref
    nodes, res = _as_arrays(G)
    raw, z = res.raw.tolist(), res.z.tolist()
    for i, v in enumerate(nodes):
        for j, r in enumerate(ROLES):
            assert close(raw[i][j], ref["raw.nli"][v][r]), (v, r)
            assert close(z[i][j], moments["z.nli"][v][r]) or name == "self-loops", (v, r)
    for r in ROLES:
        assert close(res.gli["raw"][r], ref["raw.gli"][r])
        assert close(res.gli["exp"][r], moments["exp.gli"][r])
        assert close(res.gli["sd"][r], moments["sd.gli"][r])
        assert close(res.gli["z"][r], moments["z.gli"][r]) or name == "self-loops"


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000))
def test_arrays_equal_aggregate_and_direct_counts(seed):
    """brokerage_arrays against brokerage() and both counting paths of brokerage_roles (the
    set-based code checked against sna above), on random digraphs and graphs with 1-4 groups."""
    import random

    rng = random.Random(seed)
    n = rng.randint(3, 25)
    G = nx.gnp_random_graph(n, rng.choice([0.1, 0.3, 0.6]), seed=seed, directed=rng.random() < 0.7)
    nx.set_node_attributes(G, {v: rng.choice("abcd"[:rng.randint(1, 4)]) for v in G}, "group")
    nodes, res = _as_arrays(G)
    ref = brokerage(G)
    direct = brokerage_roles(G, method="direct")
    for i, v in enumerate(nodes):
        row = dict(zip(ROLES, res.raw[i].tolist()))
        assert row == ref.raw_nli[v] == direct[v]
        for j, r in enumerate(ROLES):
            a, b = float(res.z[i][j]), ref.z_nli[v][r]
            assert (math.isnan(a) and math.isnan(b)) or a == b
    assert res.gli["raw"] == ref.raw_gli and res.gli["exp"] == ref.exp_gli and res.density == ref.density
