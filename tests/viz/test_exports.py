"""Round trips for every export format, the privacy default, and the CLI commands."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from useit_graph.export import files
from useit_graph.export.images import write_image
from useit_graph.paths import get_paths

from .conftest import MINI, ROOT

EXAMPLES = ROOT / "examples" / "import"


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(get_paths().ontology)


@pytest.fixture(scope="module")
def mini_data():
    return Graph().parse(MINI)


PERSON_TTL = """
@prefix uit: <https://w3id.org/useit-graph/ns#> . @prefix ex: <https://example.org/p/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:doc a uit:SourceDocument ; rdfs:label "Doc" .
ex:ev-jane a uit:Evidence ; uit:source ex:doc ; uit:section "5" ; uit:quote "Jane Smith found a job" .
ex:jane-smith a uit:Person ; rdfs:label "Jane Smith" ; skos:altLabel "JS" ; uit:personalData true ;
    rdfs:comment "Jane Smith, participant" ; uit:evidence ex:ev-jane .
ex:org a uit:Business ; rdfs:label "Org" ; uit:group uit:sector-business ; uit:evidence ex:ev-jane .
ex:rel-org-employs-jane-smith a uit:Employment ; rdfs:label "Org employs Jane Smith" ; uit:employer ex:org ;
    uit:employee ex:jane-smith ; uit:startDate "2018-01-01"^^xsd:date ; uit:evidence ex:ev-jane .
"""


def test_gexf_and_graphml_round_trip(tmp_path, mini_graph):
    for fmt, writer, reader in (("gexf", files.write_gexf, nx.read_gexf), ("graphml", files.write_graphml, nx.read_graphml)):
        out = writer(mini_graph, tmp_path / f"m.{fmt}")
        back = reader(out)
        assert set(back) == {str(n) for n in mini_graph}
        assert back.number_of_edges() == mini_graph.number_of_edges()
        hub = back.nodes["https://example.org/mini/hub"]
        assert (hub["type"], hub["tier"], hub["group"], hub["kind"]) == ("SupportOrganisation", "intermediary",
                                                                        "social-economy", "organisation")
        assert hub["degree"] == 2 and hub["betweenness"] >= 0 and "closeness" in hub
        cafe = back.nodes["https://example.org/mini/cafe"]
        assert cafe["created"] == "2018-03-01" and cafe["label"] == "Café Crème"
        assert back.nodes["https://example.org/mini/garden"]["alt_labels"] == "GG"
        edges = {d["rel_type"]: d for *_, d in back.edges(data=True)}
        assert edges["Funding"]["tie"] == "linking" and edges["Funding"]["value_gbp"] == 1000.0
        assert edges["Funding"]["start"] == "2017-01-01" and edges["Funding"]["evidence"] == "1 Intro: The garden grew."
        assert edges["Brokerage"]["end"] == "2019-12-31" and edges["Brokerage"]["mechanism"] == "introduction"
        assert edges["Partnership"]["directed"] is False and edges["Funding"]["directed"] is True
        if fmt == "gexf":
            assert hub["viz"]["color"] == {"r": 255, "g": 127, "b": 0, "a": 1.0}


def test_graph_formats_are_deterministic(tmp_path, mini_graph):
    for writer, ext in ((files.write_gexf, "gexf"), (files.write_graphml, "graphml")):
        a = writer(mini_graph, tmp_path / f"a.{ext}").read_bytes()
        b = writer(mini_graph.copy(), tmp_path / f"b.{ext}").read_bytes()
        assert a == b


@pytest.mark.parametrize("fmt,writer,parse", [
    ("jsonld", files.write_jsonld, "json-ld"),
    ("ttl", files.write_turtle, "turtle"),
    ("nt", files.write_ntriples, "nt"),
])
def test_rdf_round_trip_isomorphic(tmp_path, mini_data, fmt, writer, parse):
    out = writer(mini_data, tmp_path / f"m.{fmt}")
    assert isomorphic(Graph().parse(out, format=parse), mini_data)
    assert writer(mini_data, tmp_path / f"n.{fmt}").read_bytes() == out.read_bytes()


def test_jsonld_context_embedded_or_referenced(tmp_path, mini_data):
    doc = json.loads(files.write_jsonld(mini_data, tmp_path / "e.jsonld").read_text())
    assert doc["@context"] == files.load_context()["@context"]
    assert doc["@context"]["uit"] == "https://w3id.org/useit-graph/ns#"
    ref = json.loads(files.write_jsonld(mini_data, tmp_path / "r.jsonld", embed_context=False).read_text())
    assert ref["@context"] == files.CONTEXT_URL
    ref["@context"] = files.load_context()["@context"]  # what a reader does with the published context
    assert isomorphic(Graph().parse(data=json.dumps(ref), format="json-ld"), mini_data)


def test_published_context_is_valid_json_ld():
    ctx = json.loads((ROOT / "ontology" / "context.jsonld").read_text())["@context"]
    assert ctx["startDate"] == {"@id": "uit:startDate", "@type": "xsd:date"}


def test_csv_export_import_round_trip(tmp_path, ontology):
    from useit_graph.importer import ENTITY_COLUMNS, RELATIONSHIP_COLUMNS, import_tables

    base = "https://w3id.org/useit-graph/id/example/"
    g1 = import_tables(EXAMPLES / "entities.csv", EXAMPLES / "relationships.csv", ontology=ontology, base=base,
                       source_title="Example")
    ent, rel = files.write_csv(g1, tmp_path / "out.csv", ontology=ontology)
    assert (ent.name, rel.name) == ("out-entities.csv", "out-relationships.csv")
    assert next(csv.reader(ent.open(encoding="utf-8"))) == ENTITY_COLUMNS
    assert next(csv.reader(rel.open(encoding="utf-8"))) == RELATIONSHIP_COLUMNS
    rows = {r["ID"]: r for r in csv.DictReader(rel.open(encoding="utf-8"))}
    assert rows["rel-hub-brokers"]["From"] == "hub" and rows["rel-hub-brokers"]["To"] == "cafe-creme | city-council"
    g2 = import_tables(ent, rel, ontology=ontology, base=base, source_title="Example")
    assert isomorphic(g1, g2)


def test_csv_injection_guard_round_trips(tmp_path, ontology):
    from useit_graph.importer import import_tables

    ent_in = tmp_path / "e.csv"
    ent_in.write_text("ID,Label,Type,Group,Description,Evidence section,Evidence quote\n"
                      "x,'=HYPERLINK(\"http://evil\"),CommunityGroup,arts,'@cmd,1,X exists\n"
                      "y,Plain,CommunityGroup,arts,'-1 members,1,Y exists\n", encoding="utf-8")
    rel_in = tmp_path / "r.csv"
    rel_in.write_text("ID,From,To,Type,Start,Label,Evidence section,Evidence quote\n"
                      "r1,x,y,Partnership,2018-01-01,'+ partners,1,X and Y partner\n", encoding="utf-8")
    base = "https://example.org/inj/"
    g1 = import_tables(ent_in, rel_in, ontology=ontology, base=base, source_title="S")
    ent, rel = files.write_csv(g1, tmp_path / "out.csv", ontology=ontology)
    text = ent.read_text(encoding="utf-8") + rel.read_text(encoding="utf-8")
    for line in text.splitlines():
        for cell in next(csv.reader([line])):
            assert cell[:1] not in ("=", "+", "-", "@"), cell
    assert "'=HYPERLINK" in text and "'@cmd" in text and "'+ partners" in text
    assert isomorphic(import_tables(ent, rel, ontology=ontology, base=base, source_title="S"), g1)


def test_persons_pseudonymised_in_every_format(tmp_path, ontology):
    from useit_graph.project import project_graph

    data = Graph().parse(data=PERSON_TTL, format="turtle")
    G = project_graph(ontology + data)
    outs = [files.write_gexf(G, tmp_path / "p.gexf"), files.write_graphml(G, tmp_path / "p.graphml"),
            files.write_jsonld(data, tmp_path / "p.jsonld"), files.write_turtle(data, tmp_path / "p.ttl"),
            files.write_ntriples(data, tmp_path / "p.nt"),
            *files.write_csv(data, tmp_path / "p.csv", ontology=ontology),
            write_image(G, tmp_path / "p.svg")]
    for out in outs:
        text = out.read_text(encoding="utf-8")
        assert "Jane" not in text and "jane" not in text and "JS" not in text.replace("JSON", ""), out.name
    assert "Person 1" in (tmp_path / "p.ttl").read_text()
    opted = files.write_turtle(data, tmp_path / "in.ttl", include_persons=True)
    assert isomorphic(Graph().parse(opted), data)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_images(tmp_path, mini_graph, fmt):
    out = write_image(mini_graph, tmp_path / f"m.{fmt}", focus="https://example.org/mini/hub", depth=1)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" if fmt == "png" else b"<svg" in data[:400]
    if fmt == "svg":
        text = data.decode()
        assert "Hub" in text and "Linking (across tiers)" in text and "<dc:date>" not in text
        assert write_image(mini_graph, tmp_path / "again.svg", focus="https://example.org/mini/hub").read_bytes() == data


def test_image_refuses_unknown_format(tmp_path, mini_graph):
    from useit_graph.errors import UsageError

    with pytest.raises(UsageError, match="cannot draw"):
        write_image(mini_graph, tmp_path / "m.gif")


# ---- CLI ------------------------------------------------------------------------------------

def run(args):
    from cli import main

    return CliRunner().invoke(main, args, catch_exceptions=False)


DATA = ["--no-seeds", "--data", str(MINI)]


def run_graph():
    """The projection of mini.ttl, as the CLI builds it (the peer of the CLI's graph exports)."""
    from useit_graph.load import load_project
    from useit_graph.project import project_graph

    return project_graph(load_project(get_paths(), extra=[MINI], seeds=False)[0])


def test_cli_viz_prints_path(tmp_path):
    out = tmp_path / "map.html"
    r = run(["viz", "-o", str(out), *DATA])
    assert r.exit_code == 0, r.output
    assert r.output.strip() == str(out) and out.stat().st_size > 400_000


def map_labels(path):
    from .test_html import data_blocks

    return {n["label"] for n in data_blocks(Path(path).read_text(encoding="utf-8"))["useit-nodes"]}


def test_cli_viz_focus_path_as_of(tmp_path, mini_graph, mini_dataset):
    """Each view holds the nodes its peer computes: networkx's ego graph, connect.links, project_graph(as_of)."""
    from useit_graph.connect import links
    from useit_graph.project import project_graph

    G = mini_graph
    label = {n: d["label"] for n, d in G.nodes(data=True)}
    hub, garden = "https://example.org/mini/hub", "https://example.org/mini/garden"
    r = run(["viz", "-o", str(tmp_path / "f.html"), "--focus", "Hub", "--depth", "1", "--size", "betweenness", *DATA])
    assert r.exit_code == 0, r.output
    ego = nx.ego_graph(G.to_undirected(), hub, radius=1)
    assert map_labels(tmp_path / "f.html") == {label[n] for n in ego} == {"Hub", "Café Crème", "City Council"}
    r = run(["viz", "-o", str(tmp_path / "p.html"), "--path", "Hub", "Garden Group", *DATA])
    assert r.exit_code == 0, r.output
    on_paths = {label[n] for p in links(G, hub, garden, k=3, max_len=4) for n in p["nodes"]}
    simple = {label[n] for p in nx.all_simple_paths(nx.Graph(G.to_undirected()), hub, garden, cutoff=4) for n in p}
    assert map_labels(tmp_path / "p.html") == on_paths and on_paths <= simple and {"Hub", "Garden Group"} <= on_paths
    r = run(["viz", "-o", str(tmp_path / "a.html"), "--as-of", "2018-01-01", *DATA])
    assert r.exit_code == 0, r.output
    snap = project_graph(mini_dataset, as_of="2018-01-01")
    assert map_labels(tmp_path / "a.html") == {d["label"] for _, d in snap.nodes(data=True)}
    assert "Café Crème" not in map_labels(tmp_path / "a.html")  # founded 2018-03-01 (tests/fixtures/mini.ttl)


def test_cli_viz_errors(tmp_path):
    r = run(["viz", "-o", str(tmp_path / "x.html"), "--focus", "Nobody at all", *DATA])
    assert r.exit_code == 1 and "Nobody at all" in r.output
    r = run(["viz", "-o", str(tmp_path / "x.html"), "--as-of", "June 2018", *DATA])
    assert r.exit_code == 2 and "is not a date" in r.output
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("fmt", ["png", "svg", "gexf", "graphml", "jsonld", "ttl", "nt", "csv"])
def test_cli_export(tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    r = run(["export", fmt, "-o", str(out), *DATA])
    assert r.exit_code == 0, r.output
    written = [Path(p) for p in r.output.split()]
    if fmt == "csv":
        assert [p.name for p in written] == ["out-entities.csv", "out-relationships.csv"]
    else:
        assert written == [out]
    assert all(p.stat().st_size > 0 for p in written)
    labels = {"Garden Group", "City Council", "Hub", "Café Crème"}  # tests/fixtures/mini.ttl
    if fmt == "png":
        data = out.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width > 1000 and height > 800  # 12 x 9 in at 150 dpi, trimmed to the drawing
        import matplotlib.image

        pixels = matplotlib.image.imread(out)
        assert pixels.shape[:2] == (height, width) and len({tuple(p) for p in pixels.reshape(-1, pixels.shape[2])[::97]}) > 20
    if fmt == "svg":
        import xml.etree.ElementTree as ET

        root = ET.parse(out).getroot()
        ns = "{http://www.w3.org/2000/svg}"
        markers = sum(len([c for c in g if c.tag in (f"{ns}path", f"{ns}use")]) for g in root.iter(f"{ns}g")
                      if g.get("id", "").startswith("useit-nodes-"))
        assert markers == 4
        arrows = [g for g in root.iter(f"{ns}g") if g.get("id", "").startswith("useit-arrow-")]
        directed = sum(1 for *_, d in run_graph().edges(data=True) if d["directed"])
        assert len(arrows) == directed == 3  # funding, broker -> each party; not the partnership or brokered tie
        texts = {t.text for t in root.iter(f"{ns}text")}
        assert labels <= texts and "Linking (across tiers)" in texts
    if fmt in ("gexf", "graphml"):
        back = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(out)
        G = run_graph()
        assert set(back) == {str(n) for n in G} and back.number_of_edges() == G.number_of_edges()
        assert {d["label"] for _, d in back.nodes(data=True)} == labels
        assert {d["rel_type"] for *_, d in back.edges(data=True)} == {"Funding", "Brokerage", "Partnership"}
        hub = back.nodes["https://example.org/mini/hub"]
        assert hub["tier"] == "intermediary" and hub["degree"] == G.degree("https://example.org/mini/hub")
    if fmt in ("ttl", "nt", "jsonld"):
        back = Graph().parse(out, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
        assert isomorphic(back, Graph().parse(MINI))  # the data, without the ontology


def test_cli_export_rejects_views_for_rdf(tmp_path):
    r = run(["export", "ttl", "-o", str(tmp_path / "x.ttl"), "--focus", "Hub", *DATA])
    assert r.exit_code == 2 and "apply to png" in r.output


@pytest.mark.parametrize("cmd", ["viz", "export"])
def test_cli_help(cmd):
    r = run([cmd, "--help"])
    assert r.exit_code == 0 and "Examples:" in r.output


# ---- views keep the whole network's metrics ---------------------------------------------------

def test_focus_view_metrics_are_the_whole_graphs(tmp_path, mini_graph):
    """A node's betweenness and degree in a focus view equal networkx's on the whole graph (peer)."""
    from useit_graph.export.html import prepare_view, write_html

    from .test_html import data_blocks

    hub, cafe = "https://example.org/mini/hub", "https://example.org/mini/cafe"
    full = nx.betweenness_centrality(nx.Graph(mini_graph.to_undirected()), normalized=True)
    # the cafe is on one of the two shortest hub-garden paths: 0.5 / ((4-1)(4-2)/2) = 1/6
    assert full[cafe] == pytest.approx(1 / 6)
    ego = nx.ego_graph(nx.Graph(mini_graph.to_undirected()), hub, radius=1)
    assert set(ego) == {hub, cafe, "https://example.org/mini/council"} and nx.betweenness_centrality(ego)[cafe] == 0
    view = prepare_view(mini_graph, focus=hub, depth=1)
    assert view.graph["_metrics"][0]["betweenness"][cafe] == pytest.approx(full[cafe])
    out = write_html(mini_graph, tmp_path / "focus.html", focus=hub, depth=1, size_by="betweenness")
    m = {n["label"]: n["useit"]["metrics"] for n in data_blocks(out.read_text())["useit-nodes"]}
    assert set(m) == {"Hub", "Café Crème", "City Council"}
    assert m["Café Crème"]["betweenness"] == pytest.approx(full[cafe], abs=1e-6)
    assert m["Café Crème"]["degree"] == mini_graph.degree(cafe) == 3
    r = run(["export", "gexf", "-o", str(tmp_path / "f.gexf"), "--focus", "Hub", "--depth", "1", *DATA])
    assert r.exit_code == 0, r.output
    back = nx.read_gexf(tmp_path / "f.gexf")
    assert back.nodes[cafe]["betweenness"] == pytest.approx(full[cafe])
    assert back.nodes[cafe]["degree"] == mini_graph.degree(cafe)


def test_image_legend_explains_focus_path_and_arrows(tmp_path, mini_graph):
    import xml.etree.ElementTree as ET

    from useit_graph.export.html import FOCUS_LABEL, PATH_LABEL

    hub, cafe, garden = ("https://example.org/mini/" + x for x in ("hub", "cafe", "garden"))
    out = write_image(mini_graph, tmp_path / "p.svg", focus=hub, depth=1, path_nodes=[hub, cafe, garden])
    texts = {t.text for t in ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text")}
    assert {FOCUS_LABEL, PATH_LABEL, "Arrow: directed relationship (funds, commissions, ...)"} <= texts
    plain = write_image(mini_graph, tmp_path / "w.svg")
    texts = {t.text for t in ET.parse(plain).getroot().iter("{http://www.w3.org/2000/svg}text")}
    assert FOCUS_LABEL not in texts and PATH_LABEL not in texts


# ---- the same bytes from another process ------------------------------------------------------

def test_outputs_identical_across_processes(tmp_path):
    """Two interpreters with different hash seeds write byte-identical files from the seeds (with persons)."""
    import os
    import subprocess
    import sys

    commands = [["viz", "-o", "m.html"], ["export", "gexf", "-o", "m.gexf"], ["export", "graphml", "-o", "m.graphml"],
                ["export", "svg", "-o", "m.svg"], ["export", "ttl", "-o", "m.ttl"], ["export", "csv", "-o", "m.csv"]]
    script = ("import json, os, sys\nfrom cli import main\nos.chdir(sys.argv[1])\n"
              "for args in json.loads(sys.argv[2]):\n    main(args, standalone_mode=False)\n")
    outs = []
    for seed in ("1", "4242"):
        d = tmp_path / f"hashseed-{seed}"
        d.mkdir()
        subprocess.run([sys.executable, "-c", script, str(d), json.dumps(commands)], cwd=ROOT,
                       env={**os.environ, "PYTHONHASHSEED": seed}, check=True, capture_output=True, timeout=300)
        outs.append({p.name: p.read_bytes() for p in sorted(d.iterdir())})
    assert set(outs[0]) == {"m.html", "m.gexf", "m.graphml", "m.svg", "m.ttl", "m-entities.csv",
                            "m-relationships.csv"}
    for name in outs[0]:
        a, b = outs[0][name], outs[1][name]
        at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        assert a == b, f"{name} differs at byte {at}: {a[at - 120:at + 40]!r} / {b[at - 120:at + 40]!r}"
