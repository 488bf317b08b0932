"""The projection (RDF -> networkx) on the hand-made fixture ``tests/fixtures/mini.ttl``.

Expected edges were derived by hand from the fixture and the edge annotations in the ontology
(Funding: funder -> recipient; Brokerage: broker -> each party, plus an undirected tie among the
parties; Partnership: undirected tie among partners).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st

from useit_graph.load import load_files
from useit_graph.project import classify_tie, project_graph, simple_digraph, simple_graph

EX = "https://example.org/mini/"
MINI = Path(__file__).parent / "fixtures" / "mini.ttl"


@pytest.fixture(scope="module")
def mini(paths):
    return load_files([paths.ontology, MINI], root=paths.root)[0]


def _edges(G):
    return sorted((u[len(EX):], v[len(EX):], d["label"], d["tie"], d["directed"], (d["broker"] or "")[len(EX):])
                  for u, v, d in G.edges(data=True))


def test_edges_by_hand(mini):
    assert _edges(project_graph(mini)) == sorted([
        ("council", "garden", "FUNDS", "linking", True, ""),
        ("hub", "cafe", "BROKERS", "linking", True, ""),
        ("hub", "council", "BROKERS", "linking", True, ""),
        ("cafe", "council", "BROKERS", "linking", False, "hub"),
        ("cafe", "garden", "PARTNERS_WITH", "bridging", False, ""),
    ])


def test_node_attributes(mini):
    G = project_graph(mini)
    cafe = G.nodes[EX + "cafe"]
    assert cafe["label"] == "Café Crème"
    assert cafe["tier"] == "micro" and cafe["group"] == "environment"
    assert cafe["types"][:3] == ["SocialEnterprise", "MicroAsset", "Organisation"]
    assert G.nodes[EX + "hub"]["tier"] == "intermediary"
    assert G.nodes[EX + "council"]["tier"] == "macro"
    assert G.nodes[EX + "garden"]["alt_labels"] == ["GG"]
    e = G.get_edge_data(EX + "council", EX + "garden")[EX + "r1"]
    assert e["value_gbp"] == 1000.0 and e["start"] == "2017-01-01" and e["rel_type"] == "Funding"
    assert e["evidence"] == [{"section": "1 Intro", "quote": "The garden grew.", "source": EX + "doc"}]


@pytest.mark.parametrize("as_of, nodes, n_edges", [
    ("2017-06-01", {"council", "garden", "hub"}, 1),            # cafe founded 2018-03-01
    ("2018-05-01", {"council", "garden", "hub", "cafe"}, 2),     # funding + partnership
    ("2019-06-01", {"council", "garden", "hub", "cafe"}, 5),
    ("2020-01-01", {"council", "garden", "hub", "cafe"}, 2),     # brokerage ended 2019-12-31
])
def test_as_of_snapshots(mini, as_of, nodes, n_edges):
    G = project_graph(mini, as_of=as_of)
    assert {n[len(EX):] for n in G} == nodes
    assert G.number_of_edges() == n_edges


def test_filter_by_relationship_type(mini):
    G = project_graph(mini, rel_types=["Brokerage"])
    assert {d["rel_type"] for _, _, d in G.edges(data=True)} == {"Brokerage"}
    assert G.number_of_edges() == 3
    assert project_graph(mini, rel_types="Relationship").number_of_edges() == 5  # superclass keeps all


def test_new_relationship_type_needs_no_code(mini, paths):
    """A relationship class added in Turtle projects with its own label: the projection reads the ontology."""
    extra = rdflib.Graph().parse(format="turtle", data="""
        @prefix uit: <https://w3id.org/useit-graph/ns#> . @prefix ex: <https://example.org/mini/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:Lending rdfs:subClassOf uit:Relationship ; uit:edgeSource ex:lender ; uit:edgeTarget ex:borrower ;
            uit:edgeLabel "LENDS_TO" .
        ex:lender rdfs:subPropertyOf uit:participant . ex:borrower rdfs:subPropertyOf uit:participant .
        ex:loan a ex:Lending ; ex:lender ex:council ; ex:borrower ex:cafe ; uit:startDate "2019-01-01"^^xsd:date .
    """)
    g = rdflib.Graph()
    for s_, p_, o_, _g in mini.quads((None, None, None, None)):
        g.add((s_, p_, o_))
    G = project_graph(g + extra)
    loans = [(u, v, d) for u, v, d in G.edges(data=True) if d["label"] == "LENDS_TO"]
    assert [(u[len(EX):], v[len(EX):], d["rel_type"]) for u, v, d in loans] == [("council", "cafe", "Lending")]


def test_pyoxigraph_store_gives_same_graph(mini, paths):
    import pyoxigraph as ox

    store = ox.Store()
    for f in (paths.ontology, MINI):
        store.bulk_load(path=str(f), format=ox.RdfFormat.TURTLE)
    A, B = project_graph(mini), project_graph(store)
    assert sorted(A.nodes(data=True)) == sorted(B.nodes(data=True))
    assert sorted(A.edges(keys=True, data=True), key=str) == sorted(B.edges(keys=True, data=True), key=str)


def test_views(mini):
    G = project_graph(mini)
    D, H = simple_digraph(G), simple_graph(G)
    # undirected ties become two arcs: 3 directed edges + 2 undirected ties x 2 arcs
    assert D.number_of_edges() == 7
    assert H.number_of_edges() == 5 and not any(u == v for u, v in H.edges())


@given(st.sampled_from(["micro", "intermediary", "macro", None]), st.sampled_from(["a", "b", None]),
       st.sampled_from(["micro", "intermediary", "macro", None]), st.sampled_from(["a", "b", None]))
@settings(max_examples=200, deadline=None)
def test_classify_tie_properties(t1, g1, t2, g2):
    """Symmetric; linking iff tiers differ; bonding iff same tier and same group."""
    kind, _ = classify_tie(t1, g1, t2, g2)
    assert kind == classify_tie(t2, g2, t1, g1)[0]
    if t1 is None or t2 is None:
        assert kind == "unclassified"
    elif t1 != t2:
        assert kind == "linking"
    elif g1 is None or g2 is None:
        assert kind == "unclassified"
    else:
        assert kind == ("bonding" if g1 == g2 else "bridging")


_ = nx
