"""Facts about the USE-IT! Birmingham seeds (seeds/*.ttl), checked against the data.

Where the facts come from: seeds/programme.ttl (bham:useit-programme uit:startDate 2016-11-01,
uit:endDate 2019-12-31; bham:outcome-sc1..sc6 with uit:measuredBy), seeds/actors.ttl
(bham:learning-works a uit:ProgrammeTeam) and seeds/relationships.ttl
(bham:rel-wp5-delivery-partnership names Brushstrokes and the SWBH NHS Trust as partners;
bham:rel-learning-works-brokers-brushstrokes-swbh is brokered by the Learning Works;
bham:eat-make-play and bham:smethwick-food-cooperative are tied only to bham:useit-team).
Reach and legacy are also checked against networkx shortest paths on the same snapshot.
"""

import networkx as nx
import pytest

from useit_graph.load import load_project
from useit_graph.metrics.legacy import broker_dependence, programme_nodes
from useit_graph.metrics.outcomes import OUTCOMES, outcome_metadata, programme_period, system_change
from useit_graph.metrics.reach import is_macro, micro_reach, reach_summary
from useit_graph.project import project_graph

B = "https://w3id.org/useit-graph/id/birmingham/"


@pytest.fixture(scope="module")
def seeds():
    ds, _ = load_project()
    return ds


@pytest.fixture(scope="module")
def end_graph(seeds):
    return project_graph(seeds, as_of="2019-12-31")


def test_programme_period_from_the_seeds(seeds):
    assert programme_period(seeds) == ("2016-11-01", "2019-12-31")


def test_each_outcome_names_its_function(seeds):
    meta = outcome_metadata(seeds)
    assert sorted(meta) == [1, 2, 3, 4, 5, 6]
    assert {n: m["measured_by"] for n, m in meta.items()} == {n: [name] for n, name, _f in OUTCOMES}
    assert meta[1]["iri"] == B + "outcome-sc1"


def test_learning_works_removal_does_not_cut_brushstrokes_from_swbh(end_graph):
    """The WP5 delivery partnership ties Brushstrokes to the Trust directly, so the path survives
    the Learning Works' removal, even when the tie it brokered is removed with it."""
    G = end_graph
    assert G.nodes[B + "learning-works"]["type"] == "ProgrammeTeam"
    assert B + "learning-works" in programme_nodes(G)
    rels = {d["rel"]: d.get("broker") for u, v, d in G.edges(data=True)
            if {u, v} == {B + "brushstrokes", B + "swbh-nhs-trust"}}
    assert rels[B + "rel-learning-works-brokers-brushstrokes-swbh"] == B + "learning-works"
    assert B + "rel-wp5-delivery-partnership" in rels
    r = broker_dependence(G, remove=[B + "learning-works"], drop_brokered_ties=True)
    assert B + "brushstrokes" not in r["lost_macro"]
    H = G.copy()
    H.remove_node(B + "learning-works")
    H.remove_edges_from([(u, v, k) for u, v, k, b in G.edges(keys=True, data="broker")
                         if b == B + "learning-works" and H.has_edge(u, v, k)])
    assert nx.shortest_path_length(nx.Graph(H), B + "brushstrokes", B + "swbh-nhs-trust") == 1


def _peer_lost(G, removed):
    """Micro assets with a macro path in G and none once `removed` go (networkx, independently)."""
    U = nx.Graph(G)
    V = U.copy()
    V.remove_nodes_from(removed)
    macro = {v for v, d in G.nodes(data=True) if is_macro(d)}

    def reaches(g, v):
        return any(m in g and nx.has_path(g, v, m) for m in macro)

    return sorted(v for v in micro_reach(G) if v in V and reaches(U, v) and not reaches(V, v))


def test_removing_the_programme_matches_networkx_and_cuts_off_two_enterprises(end_graph):
    G = end_graph
    r = broker_dependence(G)
    assert r["lost_macro"] == _peer_lost(G, r["removed"])
    for name in ("eat-make-play", "smethwick-food-cooperative"):
        assert set(nx.Graph(G)[B + name]) == {B + "useit-team"}
        assert B + name in r["lost_macro"]
    assert r["after"]["linking_ties"] < r["before"]["linking_ties"]


def test_reach_matches_networkx_and_grows(seeds, end_graph):
    U = nx.Graph(end_graph)
    macro = [v for v, d in end_graph.nodes(data=True) if is_macro(d)]
    peer = nx.multi_source_dijkstra_path_length(U, set(macro))
    assert {v: r["to_macro"] for v, r in micro_reach(end_graph).items()} == \
        {v: peer.get(v) for v in micro_reach(end_graph)}
    base = reach_summary(project_graph(seeds, as_of="2016-11-01"))
    assert reach_summary(end_graph)["share_reach_macro"] > base["share_reach_macro"]


def test_system_change_on_the_seeds(seeds):
    rows = system_change(seeds)
    by = {(r["measured_by"], r["indicator"]): r for r in rows}
    assert by[("anchor_linking_ties", "linking_ties_to_micro")]["delta"] > 0
    assert by[("new_community_assets", "new_assets")]["baseline"] == 0
    for r in rows:
        for k in ("baseline", "end"):
            x = r[k]
            if r["indicator"].startswith("share_") and x == x:
                assert 0.0 <= x <= 1.0
