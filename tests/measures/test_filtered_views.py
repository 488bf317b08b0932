"""Filtered views of the seeds: which relationships and which nodes ``project_graph`` keeps.

Where the expected sets come from: SPARQL run here on the seeds (``seeds/*.ttl``), independently of
the projection, plus facts from the source report (``/work/shared/source/...``, quoted below):

* "This section of the impact report explores Work Package 5. This Work Package has been led by
  the Sandwell and West Birmingham NHS Trust ... The approach adopted by the Learning Works (a
  component of the Sandwell and West Birmingham NHS Trust)" (section on Work Package 5);
* "Brushstrokes recognised at the outset of USE-IT! and Work Package 5 in particular that there
  was a clear complementarity between the proposed activities and what they were already doing
  in Smethwick" (same section);
* "a participant on the FUSE programme worked with Smethwick CAN ... to create a six desk
  co-working space in an underutilised space in Holy Trinity Church" (Work Package 6).
"""

import networkx as nx
import pytest

from useit_graph.load import load_project
from useit_graph.metrics.reach import reach_summary
from useit_graph.project import project_graph

B = "https://w3id.org/useit-graph/id/birmingham/"
PREFIXES = """
PREFIX uit: <https://w3id.org/useit-graph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX bham: <https://w3id.org/useit-graph/id/birmingham/>
"""


@pytest.fixture(scope="module")
def seeds():
    ds, _ = load_project()
    return ds


def _sparql(ds, body):
    return {str(row[0]) for row in ds.query(PREFIXES + body)}


# relationships: instances of a subclass of uit:Relationship; parties: values of a sub-property
# of uit:participant, or the relationship's uit:asset
RELS = "?r a ?c . ?c rdfs:subClassOf+ uit:Relationship ."
PARTIES = """{ ?r ?p ?x . ?p rdfs:subPropertyOf+ uit:participant . } UNION { ?r uit:asset ?x . }"""


def test_work_package_view_keeps_exactly_its_relationships_and_their_parties(seeds):
    rels = _sparql(seeds, f"SELECT DISTINCT ?r WHERE {{ {RELS} ?r uit:workPackage bham:wp5 . }}")
    parties = _sparql(seeds, f"SELECT DISTINCT ?x WHERE {{ {RELS} ?r uit:workPackage bham:wp5 . {PARTIES} }}")
    assert len(rels) > 20  # WP5 is one of the best-documented work packages
    G = project_graph(seeds, work_package="WP5")
    assert {d["rel"] for *_e, d in G.edges(data=True)} == rels
    assert set(G) == parties
    assert all(G.degree(v) > 0 for v in G)  # no isolated actor in a filtered view
    # the report: WP5 was led by the SWBH NHS Trust through its Learning Works, with Brushstrokes
    for v in ("swbh-nhs-trust", "learning-works", "brushstrokes"):
        assert B + v in G
    assert B + "ise" not in G  # iSE led Work Package 6, not 5


def test_place_view_keeps_relationships_in_or_touching_the_place(seeds):
    inside = "?pl uit:partOf* bham:smethwick ."
    rels = _sparql(seeds, f"""SELECT DISTINCT ?r WHERE {{ {RELS} {inside}
        {{ ?r uit:locatedIn ?pl . }} UNION {{ {PARTIES} ?x uit:locatedIn ?pl . }} }}""")
    G = project_graph(seeds, place="smethwick")
    assert {d["rel"] for *_e, d in G.edges(data=True)} == rels
    assert all(G.degree(v) > 0 for v in G)
    # the report: Brushstrokes works in Smethwick; the ChangeSpaces co-working space is in Holy Trinity
    assert B + "brushstrokes" in G and B + "smethwick-can" in G
    assert any("co-working" in (d.get("label") or "") for _v, d in G.nodes(data=True))


def test_isolates_dropped_only_in_filtered_views_unless_asked(seeds):
    whole = project_graph(seeds)
    assert any(whole.degree(v) == 0 for v in whole)  # the whole graph keeps tie-less actors
    view = project_graph(seeds, work_package="WP5")
    kept = project_graph(seeds, work_package="WP5", keep_isolates=True)
    assert set(view) < set(kept)
    assert {v for v in kept if kept.degree(v)} == set(view)
    assert nx.utils.edges_equal(view.edges(keys=True), kept.edges(keys=True))
    # measures on the view are the view's: reach share = micro assets of the view with a path to
    # the Trust that led WP5 (networkx, independently) over the view's micro assets; the padded
    # graph counts every other micro asset of the programme, tie-less there, as cut off
    from useit_graph.metrics.reach import micro_assets

    U = nx.Graph(view)
    micro = micro_assets(view)
    reaching = [v for v in micro if nx.has_path(U, v, B + "swbh-nhs-trust")]
    assert micro and reach_summary(view)["share_reach_macro"] == len(reaching) / len(micro) == 1.0
    assert reach_summary(kept)["share_reach_macro"] == pytest.approx(len(reaching) / len(micro_assets(kept)))
    assert nx.density(nx.Graph(view)) > 3 * nx.density(nx.Graph(kept))
