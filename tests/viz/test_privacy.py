"""Persons stay out of every default output: relationship IRIs, free text, numbering, validity.

The names checked come from the data itself (each ``uit:personalData true`` resource's label, its
alternative labels and its IRI's local name), never from what an exporter wrote.
"""

from __future__ import annotations

import csv
import json
import re

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef

from useit_graph.export import files
from useit_graph.export.html import pseudonymise_persons, render_html, write_html
from useit_graph.export.images import write_image
from useit_graph.paths import get_paths

from .test_html import data_blocks

U = "https://w3id.org/useit-graph/ns#"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
ALT = URIRef("http://www.w3.org/2004/02/skos/core#altLabel")

# A three-party relationship whose IRI spells a person's name: a brokerage by the hub between Jane
# Smith and the council becomes three edges (hub->jane, hub->council, jane-council); the one
# between hub and council does not touch Jane, but its IRI still names her.
THREE_PARTY_TTL = """
@prefix uit: <https://w3id.org/useit-graph/ns#> . @prefix ex: <https://example.org/p/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix dcterms: <http://purl.org/dc/terms/> .
ex:doc a uit:SourceDocument ; rdfs:label "Doc" ; dcterms:title "Doc" .
ex:ev-jane a uit:Evidence ; uit:source ex:doc ; uit:section "5" ; uit:quote "Jane Smith found a job" .
ex:ev-intro a uit:Evidence ; uit:source ex:doc ; uit:section "6" ; uit:quote "The hub introduced Jane Smith to the council" .
ex:ev-garden a uit:Evidence ; uit:source ex:doc ; uit:section "7" ; uit:quote "Smith and Jane planted the garden" .
ex:ev-org a uit:Evidence ; uit:source ex:doc ; uit:section "8" ; uit:quote "The hub supports groups" .
ex:jane-smith a uit:Person ; rdfs:label "Jane Smith" ; skos:altLabel "Janey" ; uit:personalData true ;
    uit:group uit:sector-community ; rdfs:comment "Jane Smith, participant" ; uit:evidence ex:ev-jane .
ex:hub a uit:SupportOrganisation ; rdfs:label "Hub" ; uit:group uit:sector-social-economy ; uit:evidence ex:ev-org .
ex:council a uit:LocalAuthority ; rdfs:label "City Council" ; uit:group uit:sector-public-administration ;
    uit:evidence ex:ev-org .
ex:garden a uit:CommunityGroup ; rdfs:label "Garden Group" ; uit:group uit:sector-community ;
    rdfs:comment "Started by Janey with help from Jane Smith; the Smithfield market gives seeds." ;
    uit:evidence ex:ev-garden .
ex:rel-hub-introduces-jane-smith-to-council a uit:Brokerage ; rdfs:label "Hub introduces Jane Smith to the council" ;
    uit:broker ex:hub ; uit:brokeredParty ex:jane-smith, ex:council ; uit:mechanism uit:mechanism-introduction ;
    uit:startDate "2018-06-01"^^xsd:date ; uit:endDate "2019-06-30"^^xsd:date ; uit:evidence ex:ev-intro .
ex:rel-council-funds-garden a uit:Funding ; rdfs:label "Council funds the garden" ; uit:funder ex:council ;
    uit:recipient ex:garden ; uit:startDate "2017-01-01"^^xsd:date ; uit:amountGBP 500 ; uit:evidence ex:ev-org .
"""
BROKERAGE = "https://example.org/p/rel-hub-introduces-jane-smith-to-council"


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(get_paths().ontology)


@pytest.fixture(scope="module")
def three_party(ontology):
    from useit_graph.project import project_graph

    data = Graph().parse(data=THREE_PARTY_TTL, format="turtle")
    return data, project_graph(ontology + data)


def person_terms(data):
    """(names, slugs) of every natural person in RDF data: labels, alt labels, IRI local names."""
    names, slugs = set(), set()
    for p in data.subjects(URIRef(U + "personalData"), Literal(True)):
        names.update(str(o) for o in data.objects(p, RDFS_LABEL))
        names.update(str(o) for o in data.objects(p, ALT))
        slugs.add(str(p).rsplit("/", 1)[-1])
    return names, slugs


def person_relationships(data):
    """Relationships (typed resources) that name a natural person as any party, by SPARQL on the data."""
    q = """SELECT DISTINCT ?r WHERE { ?p <https://w3id.org/useit-graph/ns#personalData> true .
           ?r ?role ?p ; a ?t . FILTER NOT EXISTS { ?r <https://w3id.org/useit-graph/ns#personalData> true } }"""
    return {str(row.r) for row in data.query(q)}


def leaks(text, names, slugs):
    """Each person term found in text (names as whole words, case-sensitive; slugs in any case)."""
    found = [n for n in names if re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", text)]
    found += [s for s in slugs if re.search(r"(?<![a-z0-9])" + re.escape(s) + r"(?![a-z0-9])", text, re.I)]
    return found


def without_bundle(html: str) -> str:
    """The page minus vis-network's own minified code (third-party text, not our data)."""
    return re.sub(r"<script>/\*\*\n \* vis-network.*?</script>", "", html, flags=re.S)


def test_three_party_relationship_withheld_on_every_edge(three_party):
    data, G = three_party
    edges = [d for *_, d in G.edges(data=True) if d["rel"] == BROKERAGE]
    assert len(edges) == 3  # broker -> each party, and the brokered tie between the parties
    H = pseudonymise_persons(G)
    mine = [(u, v, k, d) for u, v, k, d in H.edges(keys=True, data=True) if d.get("rel_type") == "Brokerage"]
    assert len(mine) == 3
    assert len({d["rel"] for *_, d in mine}) == 1 and all(d["personal_data"] for *_, d in mine)
    assert all("jane" not in str(k).lower() and "jane" not in str(d["rel"]).lower() for _, _, k, d in mine)
    # the quote of that relationship is withheld on the edge that does not touch Jane too
    hub_council = [d for u, v, k, d in mine if {u, v} == {"https://example.org/p/hub", "https://example.org/p/council"}]
    assert hub_council and all("withheld" in e["quote"] for e in hub_council[0]["evidence"])
    names, slugs = person_terms(data)
    assert names == {"Jane Smith", "Janey"} and slugs == {"jane-smith"}
    html = render_html(G)
    assert leaks(without_bundle(html), names, slugs) == []
    rels = {e["useit"]["rel"] for e in data_blocks(html)["useit-edges"] if e["useit"]["type"] == "Brokerage"}
    assert rels == {"https://example.org/p/rel-withheld-1"}


def test_three_party_graph_formats_withhold_ids(tmp_path, three_party):
    data, G = three_party
    names, slugs = person_terms(data)
    for writer, reader, ext in ((files.write_gexf, nx.read_gexf, "gexf"), (files.write_graphml, nx.read_graphml, "graphml")):
        out = writer(G, tmp_path / f"p.{ext}")
        assert leaks(out.read_text(encoding="utf-8"), names, slugs) == [], ext
        back = reader(out)
        brokerage = [(None, d) for u, v, d in back.edges(data=True) if d["rel_type"] == "Brokerage"]
        assert len(brokerage) == 3
        assert {d["rel"] for _, d in brokerage} == {"https://example.org/p/rel-withheld-1"}, ext
        assert all(d["start"] == "2018-06-01" and d["end"] == "2019-06-30" for _, d in brokerage)
        assert "person-1" in back and "https://example.org/p/jane-smith" not in back


def test_free_text_names_are_redacted(tmp_path, three_party, ontology):
    data, G = three_party
    names, slugs = person_terms(data)
    outs = [files.write_jsonld(data, tmp_path / "p.jsonld"), files.write_turtle(data, tmp_path / "p.ttl"),
            files.write_ntriples(data, tmp_path / "p.nt"), *files.write_csv(data, tmp_path / "p.csv", ontology=ontology),
            write_html(G, tmp_path / "p.html"), files.write_gexf(G, tmp_path / "p.gexf"),
            write_image(G, tmp_path / "p.svg")]
    for out in outs:
        assert leaks(without_bundle(out.read_text(encoding="utf-8")), names, slugs) == [], out.name
    g = Graph().parse(tmp_path / "p.ttl")
    comment = str(g.value(URIRef("https://example.org/p/garden"), URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    # the pseudonym replaces the full name, the alt label and the name parts; "Smithfield" is another word
    assert comment == "Started by Person 1 with help from Person 1; the Smithfield market gives seeds."
    quotes = {str(o) for o in g.objects(None, URIRef(U + "quote"))}
    assert "Person 1 and Person 1 planted the garden" in quotes
    # the map's tooltips: the garden's own evidence is redacted, not withheld (it is not about Jane)
    nodes = {n["label"]: n for n in data_blocks((tmp_path / "p.html").read_text())["useit-nodes"]}
    assert nodes["Garden Group"]["useit"]["evidence"] == [["7", "Person 1 and Person 1 planted the garden"]]
    opted = files.write_turtle(data, tmp_path / "in.ttl", include_persons=True).read_text()
    assert "with help from Jane Smith" in opted


def test_withheld_relationship_keeps_its_values(tmp_path, three_party, ontology):
    """The pseudonymised export keeps dates, mechanism and evidence; it validates and re-imports."""
    from useit_graph.importer import import_tables
    from useit_graph.validate import load_shapes, validate_dataset

    data, _ = three_party
    shapes = load_shapes(get_paths().shapes)
    assert [f for f in validate_dataset(data, shapes, ontology=ontology) if f.severity == "Violation"] == []
    g = Graph().parse(files.write_turtle(data, tmp_path / "p.ttl"))
    rel = URIRef("https://example.org/p/rel-withheld-1")
    assert str(g.value(rel, URIRef(U + "startDate"))) == "2018-06-01"
    assert str(g.value(rel, URIRef(U + "endDate"))) == "2019-06-30"
    assert g.value(rel, URIRef(U + "mechanism")) == URIRef(U + "mechanism-introduction")
    ev = g.value(rel, URIRef(U + "evidence"))
    assert str(g.value(ev, URIRef(U + "section"))) == "6" and "withheld" in str(g.value(ev, URIRef(U + "quote")))
    assert [f for f in validate_dataset(g, shapes, ontology=ontology) if f.severity == "Violation"] == []
    ent, rels = files.write_csv(data, tmp_path / "p.csv", ontology=ontology)
    row = {r["ID"]: r for r in csv.DictReader(rels.open(encoding="utf-8"))}["rel-withheld-1"]
    assert (row["From"], row["Start"], row["End"], row["Mechanism"]) == ("hub", "2018-06-01", "2019-06-30", "introduction")
    back = import_tables(ent, rels, ontology=ontology, base="https://example.org/p/", source_title="Doc")
    assert [f for f in validate_dataset(back, shapes, ontology=ontology) if f.severity == "Violation"] == []


def test_pseudonyms_do_not_follow_alphabetical_order(ontology):
    """Five persons named A..E: the numbering is not alphabetical, and is the same in RDF and the map."""
    from useit_graph.project import project_graph

    people = ["anna", "bert", "carla", "dmitri", "eve"]
    ttl = "@prefix uit: <https://w3id.org/useit-graph/ns#> . @prefix ex: <https://example.org/q/> .\n" + "".join(
        f'ex:{p} a uit:Person ; <http://www.w3.org/2000/01/rdf-schema#label> "{p.title()}" ; uit:personalData true .\n'
        for p in people)
    data = Graph().parse(data=ttl, format="turtle")
    G = project_graph(ontology + data)
    H = pseudonymise_persons(G)
    by_number = [H.nodes[f"https://example.org/q/{p}"]["label"] for p in people]
    assert sorted(by_number) != by_number  # alphabetical names do not get Person 1, 2, 3, ... in order
    rdf = files.pseudonymise_rdf(data)
    for p in people:  # the same person has the same number in every format
        number = H.nodes[f"https://example.org/q/{p}"]["label"].split()[-1]
        assert (URIRef(f"https://example.org/q/person-{number}"), RDFS_LABEL, Literal(f"Person {number}")) in rdf
    # and the same number in a focus view as in the whole map (it is numbered against the whole graph)
    from useit_graph.export.html import prepare_view

    one = prepare_view(G, focus="https://example.org/q/eve", depth=0)
    assert one.nodes["https://example.org/q/eve"]["label"] == H.nodes["https://example.org/q/eve"]["label"]


# ---- the USE-IT! seeds --------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_outputs(tmp_path_factory, ontology):
    """Every default output of the seed map, written once through the library calls the CLI makes."""
    from useit_graph.commands._common import ProjectContext
    from useit_graph.commands.viz import _data_graph

    ctx = ProjectContext()
    G = ctx.graph()
    data = _data_graph(ctx)
    d = tmp_path_factory.mktemp("seed")
    outs = {
        "html": write_html(G, d / "s.html", work_package_labels=files.work_package_labels(ctx.source())),
        "focus.html": write_html(G, d / "f.html", focus="https://w3id.org/useit-graph/id/birmingham/city-hospital",
                                 depth=1),
        "gexf": files.write_gexf(G, d / "s.gexf"), "graphml": files.write_graphml(G, d / "s.graphml"),
        "jsonld": files.write_jsonld(data, d / "s.jsonld"), "ttl": files.write_turtle(data, d / "s.ttl"),
        "nt": files.write_ntriples(data, d / "s.nt"), "svg": write_image(G, d / "s.svg"),
    }
    outs["entities.csv"], outs["relationships.csv"] = files.write_csv(data, d / "s.csv", ontology=ontology)
    return data, G, outs


def test_seed_outputs_name_no_person(seed_outputs):
    data, G, outs = seed_outputs
    names, slugs = person_terms(data)
    assert len(slugs) >= 8 and {"Mohammed", "Queeni Thomas", "Sami", "Leila", "Anne"} <= names  # seeds/actors.ttl
    for kind, path in outs.items():
        assert leaks(without_bundle(path.read_text(encoding="utf-8")), names, slugs) == [], kind


def test_seed_withheld_relationships_agree_across_formats(seed_outputs):
    """rel-withheld-N is the same relationship in the map, GraphML and Turtle (same dates)."""
    data, G, outs = seed_outputs
    g = Graph().parse(outs["ttl"])
    back = nx.read_graphml(outs["graphml"])
    withheld = {d["rel"]: d for *_, d in back.edges(data=True) if "rel-withheld-" in d.get("rel", "")}
    assert len(withheld) == len(person_relationships(data)) >= 19  # 19 when this test was written
    for rel, d in withheld.items():
        start = g.value(URIRef(rel), URIRef(U + "startDate"))
        assert (str(start) if start is not None else None) == d.get("start"), rel
    html = {e["useit"]["rel"] for e in data_blocks(outs["html"].read_text())["useit-edges"] if e["useit"]["personal"]}
    assert html == set(withheld)


def test_seed_ttl_export_conforms(seed_outputs, ontology):
    from useit_graph.validate import load_shapes, validate_dataset

    _, _, outs = seed_outputs
    findings = validate_dataset(Graph().parse(outs["ttl"]), load_shapes(get_paths().shapes), ontology=ontology)
    assert [str(f.message) for f in findings if f.severity == "Violation"] == []


def test_seed_csv_pseudonymised_imports_like_the_named_one(tmp_path, seed_outputs, ontology):
    """Pseudonymising adds no import problem: peer = the --include-persons export of the same data."""
    from useit_graph.errors import ImportFileError
    from useit_graph.importer import import_tables

    data, _, outs = seed_outputs
    named = files.write_csv(data, tmp_path / "named.csv", ontology=ontology, include_persons=True)
    base = "https://w3id.org/useit-graph/id/birmingham/"

    def problems(ent, rel):
        try:
            import_tables(ent, rel, ontology=ontology, base=base, source_title="USE-IT!")
            return []
        except ImportFileError as e:
            # drop file names, row numbers and IDs, which differ: the pseudonymised rows have other IDs
            return sorted(re.sub(r"^\S+?-(entities|relationships)\.csv|row \d+|cell [A-Z]+\d+|'[^']*'", r"\1", line)
                          for line in str(e).splitlines() if "row " in line)

    pseudo = problems(outs["entities.csv"], outs["relationships.csv"])
    assert pseudo == problems(*named)
    assert not [p for p in pseudo if "date" in p.lower() or "quote" in p.lower()]
    rows = list(csv.DictReader(outs["relationships.csv"].open(encoding="utf-8")))
    withheld = [r for r in rows if r["ID"].startswith("rel-withheld-")]
    assert len(withheld) == len(person_relationships(data))
    assert all(r["Start"] and r["Evidence quote"] for r in withheld)


def test_seed_map_work_package_names(seed_outputs):
    """The menu shows the work packages' names from seeds/programme.ttl, not wp5."""
    data, _, outs = seed_outputs
    meta = data_blocks(outs["html"].read_text())["useit-meta-data"]
    wp5 = "https://w3id.org/useit-graph/id/birmingham/wp5"
    seeds = Graph().parse(get_paths().root / "seeds" / "programme.ttl")
    expected = str(seeds.value(URIRef(wp5), RDFS_LABEL))
    assert expected == "Work Package 5: Routes to Employment"
    labels = {w["iri"]: w["label"] for w in meta["work_packages"]}
    assert labels[wp5] == expected and not [w for w in labels.values() if re.fullmatch(r"wp\d+", w)]


def test_focus_view_keeps_relationship_withheld_where_person_is_cut_off(seed_outputs):
    """City Hospital's depth-1 view: the edge SWBH -> City Hospital of 'places Mohammed' is withheld."""
    data, G, outs = seed_outputs
    edges = data_blocks(outs["focus.html"].read_text())["useit-edges"]
    assert edges and not [e for e in edges if e["useit"]["rel"] and "mohammed" in e["useit"]["rel"]]
    assert json.dumps(edges).lower().count("mohammed") == 0


SHIELD_TTL = THREE_PARTY_TTL + """
ex:food-bank a uit:CommunityGroup ; rdfs:label "Smith Street Food Bank" ; uit:group uit:sector-community ;
    rdfs:comment "Smith Street Food Bank fed Smith; Jane Smith volunteered at Smith Street Food Bank." ;
    uit:evidence ex:ev-food .
ex:ev-food a uit:Evidence ; uit:source ex:doc ; uit:section "9" ;
    uit:quote "The Smith Street Food Bank says Hub thanks Smith for Friends of Jane Smith" .
ex:rel-hub-thanks a uit:Partnership ; rdfs:label "Hub thanks Smith" ; uit:partner ex:hub, ex:food-bank ;
    uit:startDate "2018-01-01"^^xsd:date ; uit:evidence ex:ev-food .
"""


def test_other_entities_names_shield_a_name_part(tmp_path, ontology):
    """'Smith' inside 'Smith Street Food Bank' (an organisation) is its name, not Jane Smith: it stays
    in RDF and in the map; 'Smith' alone, 'Jane Smith' anywhere, and a relationship's label ('Hub
    thanks Smith', which may describe the person) are redacted."""
    from useit_graph.project import project_graph

    data = Graph().parse(data=SHIELD_TTL, format="turtle")
    G = project_graph(ontology + data)
    want_comment = ("Smith Street Food Bank fed Person 1; Person 1 volunteered at Smith Street Food Bank.")
    want_quote = "The Smith Street Food Bank says Hub thanks Person 1 for Friends of Person 1"
    g = Graph().parse(files.write_turtle(data, tmp_path / "s.ttl"))
    bank = URIRef("https://example.org/p/food-bank")
    assert str(g.value(bank, RDFS_LABEL)) == "Smith Street Food Bank"
    assert str(g.value(bank, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))) == want_comment
    assert want_quote in {str(o) for o in g.objects(None, URIRef(U + "quote"))}
    assert str(g.value(URIRef("https://example.org/p/rel-hub-thanks"), RDFS_LABEL)) == "Hub thanks Person 1"
    nodes = {n["label"]: n for n in data_blocks(render_html(G))["useit-nodes"]}
    assert nodes["Smith Street Food Bank"]["useit"]["evidence"] == [["9", want_quote]]
