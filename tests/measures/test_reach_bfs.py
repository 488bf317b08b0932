"""Reach of micro assets (useit_graph.metrics.reach).

Where the numbers come from: hop distances counted by hand on the small graph drawn in each
test; a peer check against networkx ``multi_source_dijkstra_path_length`` (unit weights) on
random graphs; a 100,000-node path whose distances are known in closed form (n - 1 - i).
"""

import math

import networkx as nx
import pytest

from useit_graph.metrics.reach import micro_reach, multi_source_distances, reach_summary


@pytest.fixture
def G(build):
    # m2 - m1 - i -> A(anchor)      F(macro, not anchor) - m4      m3 isolated
    # p (person) - m1 ; hall (physical asset) - m2: neither is a micro *asset*
    return build(
        {"m1": ("CommunityGroup", "community"), "m2": ("CommunityGroup", "community"),
         "m3": ("CommunityGroup", "community"), "m4": ("ParticipantCohort", "community"),
         "i": ("SupportOrganisation", "social-economy"), "A": ("NHSTrust", "health"),
         "F": ("Funder", "finance"), "p": ("Person", "community"), "hall": ("Building", "community")},
        [("m2", "m1", "Partnership", {"directed": False}), ("m1", "i", "Support"), ("A", "i", "Funding"),
         ("F", "m4", "Funding"), ("p", "m1", "Membership"), ("hall", "m2", "AssetProvision")])


def test_distances_by_hand(G):
    r = micro_reach(G)
    assert set(r) == {"m1", "m2", "m3", "m4"}
    assert (r["m1"]["to_anchor"], r["m1"]["nearest_anchor"], r["m1"]["to_macro"]) == (2, "A", 2)
    assert (r["m2"]["to_anchor"], r["m2"]["to_macro"]) == (3, 3)
    assert r["m3"] == {"to_anchor": None, "nearest_anchor": None, "to_macro": None, "nearest_macro": None}
    assert (r["m4"]["to_anchor"], r["m4"]["to_macro"], r["m4"]["nearest_macro"]) == (None, 1, "F")


def test_summary_by_hand(G):
    s = reach_summary(G)
    assert s["micro_assets"] == 4
    assert (s["reach_macro"], s["share_reach_macro"]) == (3, 0.75)
    assert s["mean_distance_macro"] == pytest.approx((2 + 3 + 1) / 3)
    assert s["direct_macro"] == 1
    assert (s["reach_anchor"], s["share_reach_anchor"], s["mean_distance_anchor"]) == (2, 0.5, 2.5)


def test_direction_is_ignored(G):
    H = G.reverse(copy=True)
    assert micro_reach(H) == micro_reach(G)


def test_no_micro_assets_gives_nan(build):
    s = reach_summary(build({"A": ("NHSTrust", "health")}, []))
    assert s["micro_assets"] == 0 and math.isnan(s["share_reach_macro"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_peer_networkx_multi_source(seed):
    G = nx.gnm_random_graph(300, 330, seed=seed, directed=True)
    sources = [0, 7, 99]
    ours = {v: d for v, (d, _o) in multi_source_distances(G, sources).items()}
    peer = nx.multi_source_dijkstra_path_length(G.to_undirected(), set(sources))
    assert ours == dict(peer)


def test_hundred_thousand_node_path():
    """Linear-time BFS: a 10^5-node path, anchor at the far end; distance of node i is n - 1 - i."""
    n = 100_000
    G = nx.path_graph(n, create_using=nx.MultiDiGraph)
    nx.set_node_attributes(G, "micro", "tier")
    nx.set_node_attributes(G, "organisation", "kind")
    G.nodes[n - 1].update(tier="macro", types=["NHSTrust", "AnchorInstitution"])
    r = micro_reach(G)
    assert len(r) == n - 1
    assert r[0]["to_anchor"] == n - 1 and r[n - 2]["to_macro"] == 1
    assert all(r[i]["to_macro"] == n - 1 - i for i in range(0, n - 1, 997))
