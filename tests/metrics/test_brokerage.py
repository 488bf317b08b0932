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
@given(st.integers(0, 10**6), st.integers(2, 4))
def test_paths_agree_and_relabelling_changes_nothing(seed, k):
    G = nx.gnp_random_graph(18, 0.2, seed=seed, directed=True)
    nx.set_node_attributes(G, {v: v % k for v in G}, "group")
    direct = brokerage_roles(G, method="direct")
    assert brokerage_roles(G, method="aggregate") == direct
    H = nx.relabel_nodes(G, {v: f"x{v}" for v in G})
    assert brokerage_roles(H) == {f"x{v}": c for v, c in direct.items()}
