"""Named queries: headers, discovery, binding, injection safety and SPARQL/networkx parity.

Parity: every named SPARQL query (rdflib 7.6 over ontology + seeds) is compared with the networkx
answer of ``useit_graph.connect`` on the graph projected from the same dataset; equal answers are
expected because both follow the projection rules of docs/graph-model.md. Entities, places and work
packages used come from seeds/ (CLES USE-IT! impact report).
"""

import json

import pytest
from rdflib import Literal, URIRef

from useit_graph import connect
from useit_graph.errors import MissingQueryParameter, UnknownEntity, UnknownQuery, UseitGraphError
from useit_graph.project import project_graph
from useit_graph.queries import (discover_queries, get_query, list_queries, parse_header, resolve_params,
                                 run_sparql)

from .conftest import BHAM, MINI

U = "https://w3id.org/useit-graph/ns#"
NAMES = ["find_brokers", "find_micro_assets_of_anchor", "find_neighbours", "find_paths", "find_sector_bridges",
         "list_entities_in_place", "list_work_package_relationships", "show_evidence"]


@pytest.fixture(scope="module")
def qs():
    return discover_queries()


def test_library_has_every_query_with_twins(qs):
    assert sorted(qs) == NAMES
    for q in qs.values():
        assert q.sparql and q.cypher, q.name
        assert q.title and q.description and q.params and q.returns
        cy = parse_header(q.cypher.read_text(encoding="utf-8"))
        assert cy["params"] == q.param_names, q.name
        text = q.cypher.read_text(encoding="utf-8")
        for p in q.param_names:
            assert "$" + p in text, (q.name, p)
    assert [r["name"] for r in list_queries()] == NAMES


def test_header_errors():
    with pytest.raises(UseitGraphError, match="bad parameter"):
        parse_header("# params: a:spaceship\nSELECT * {}", "x.rq")


def test_unknown_query_did_you_mean(qs, mini_dataset):
    with pytest.raises(UnknownQuery, match="did you mean find_neighbours"):
        run_sparql("find_neighbors", {}, mini_dataset, queries=qs)


def test_missing_parameter_names_it(qs, mini_dataset):
    with pytest.raises(MissingQueryParameter) as e:
        run_sparql("find_paths", {"a": "Hub"}, mini_dataset, queries=qs)
    assert "b" in str(e.value) and "a:entity, b:entity" in str(e.value)
    with pytest.raises(UseitGraphError, match="has no parameter"):
        run_sparql("find_paths", {"a": "Hub", "b": "GG", "c": "x"}, mini_dataset, queries=qs)


def test_params_resolve_to_terms(qs, mini_dataset):
    terms = resolve_params(qs["find_neighbours"], {"entity": "cafe creme", "tie_type": "Linking"}, mini_dataset)
    assert terms == {"entity": URIRef(MINI + "cafe"), "tie_type": Literal("linking")}


def test_user_query_folder(tmp_path, mini_dataset):
    (tmp_path / "count_labels.rq").write_text(
        "# title: Count labels\n# description: test\n# params: text\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s WHERE { ?s rdfs:label ?text }\n", encoding="utf-8")
    qs = discover_queries(extra_dirs=[tmp_path])
    assert qs["count_labels"].origin == str(tmp_path)
    assert run_sparql("count_labels", {"text": "Hub"}, mini_dataset, queries=qs) == [{"s": MINI + "hub"}]


HOSTILE = ['"', "'", "{", "}", '"} UNION { ?s ?p ?o } #', "' OR 1=1 --", "\" . ?s ?p ?o . FILTER(true) #",
           "})-[*]-() DETACH DELETE n //", "Hub\" } ; DELETE WHERE { ?s ?p ?o } #", "\\u0022 }"]


@pytest.mark.parametrize("value", HOSTILE)
def test_injection_is_harmless(tmp_path, mini_dataset, value):
    (tmp_path / "by_label.rq").write_text(
        "# title: By label\n# description: test\n# params: text\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s WHERE { ?s rdfs:label ?text }\n", encoding="utf-8")
    qs = discover_queries(extra_dirs=[tmp_path])
    before = len(mini_dataset)
    assert run_sparql("by_label", {"text": value}, mini_dataset, queries=qs) == []
    # an entity-valued parameter either resolves to a real entity or is refused
    with pytest.raises(UnknownEntity):
        run_sparql("find_neighbours", {"entity": value + " zzzz qqqq"}, mini_dataset, queries=qs)
    # bound straight as a literal where an IRI belongs: no rows, no error
    assert run_sparql("find_neighbours", None, mini_dataset, queries=qs,
                      bindings={"entity": Literal(value)}) == []
    assert len(mini_dataset) == before


def test_cypher_values_travel_as_parameters(monkeypatch):
    """The neo4j backend passes values in the params dict; the query text is the file, unchanged."""
    from click.testing import CliRunner

    from cli import main
    from useit_graph.store import neo4j as neo

    seen = {}

    class Conn:
        def close(self):
            pass

    def fake_run(name, params, conn, root=None, dataset=None):
        seen.update(name=name, params=params, dataset=dataset)
        return []

    monkeypatch.setattr(neo, "run_cypher", fake_run)
    monkeypatch.setattr(neo, "connect", lambda *a, **k: Conn())
    r = CliRunner().invoke(main, ["query", "find_neighbours", "-p", "entity=bham:brushstrokes",
                                  "--backend", "neo4j", "--json"])
    assert r.exit_code == 0, r.output
    assert seen == {"name": discover_queries()["find_neighbours"].cypher,
                    "params": {"entity": BHAM + "brushstrokes", "tie_type": None}, "dataset": None}


# --- parity with networkx on the seeds ------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds(seed_dataset, seed_graph):
    return seed_dataset[0], seed_graph


def _sparql(name, ds, **bindings):
    return run_sparql(name, None, ds, bindings={k: v if not isinstance(v, str) else URIRef(v)
                                                for k, v in bindings.items()})


ENTITIES = ["brushstrokes", "learning-works", "birmingham-city-council", "useit-team", "edgbaston-reservoir-playing-field"]


@pytest.mark.parametrize("entity", ENTITIES)
def test_parity_neighbours(seeds, entity):
    ds, G = seeds
    s = {(r["neighbour"], r["rel"], r["direction"], r["tie"]) for r in _sparql("find_neighbours", ds, entity=BHAM + entity)}
    n = {(r["neighbour"], r["rel"], r["direction"], r["tie"]) for r in connect.neighbours(G, BHAM + entity)}
    assert s and s == n
    s = {r["neighbour"] for r in run_sparql("find_neighbours", None, ds, bindings={
        "entity": URIRef(BHAM + entity), "tie_type": Literal("linking")})}
    assert s == {r["neighbour"] for r in connect.neighbours(G, BHAM + entity, tie_types=["linking"])}


PAIRS = [("warm-earth", "birmingham-city-council"), ("brushstrokes", "swbh-nhs-trust"),
         ("birmingham-settlement", "birmingham-city-council")]


@pytest.mark.parametrize("a, b", PAIRS)
def test_parity_paths_and_brokers(seeds, a, b):
    ds, G = seeds
    rows = _sparql("find_paths", ds, a=BHAM + a, b=BHAM + b)
    s = {tuple([BHAM + a] + [v for v in (r["via1"], r["via2"]) if v] + [BHAM + b]) for r in rows}
    n = {tuple(p["nodes"]) for p in connect.links(G, BHAM + a, BHAM + b, k=None, max_len=3)}
    assert s and s == n
    s = {(r["broker"], r["role"]) for r in _sparql("find_brokers", ds, a=BHAM + a, b=BHAM + b)}
    assert s == {(r["broker"], r["role"]) for r in connect.brokers(G, BHAM + a, BHAM + b)}


@pytest.mark.parametrize("anchor", ["swbh-nhs-trust", "birmingham-city-council", "university-of-birmingham"])
def test_parity_micro_assets(seeds, anchor):
    ds, G = seeds
    s = {(r["asset"], r["rel"]) for r in _sparql("find_micro_assets_of_anchor", ds, anchor=BHAM + anchor)}
    assert s and s == {(r["asset"], r["rel"]) for r in connect.micro_assets_of(G, BHAM + anchor)}


@pytest.mark.parametrize("wp", ["wp5", "wp7"])
def test_parity_work_package(seeds, wp):
    ds, G = seeds
    s = {r["rel"] for r in _sparql("list_work_package_relationships", ds, work_package=BHAM + wp)}
    assert s and s == {r["rel"] for r in connect.work_package_relationships(G, BHAM + wp)}


def test_parity_evidence(seeds):
    ds, G = seeds
    rels = sorted({d["rel"] for _, _, d in G.edges(data=True)})[:15]
    for rel in rels:
        s = {(r["section"], r["quote"], r["source"]) for r in _sparql("show_evidence", ds, relationship=rel)}
        assert s == {(r["section"], r["quote"], r["source"]) for r in connect.evidence_for(G, rel)}, rel


@pytest.mark.parametrize("place", ["smethwick", "summerfield", "ladywood"])
def test_parity_place(seeds, place):
    ds, G = seeds
    closure = project_graph(ds, place=BHAM + place).graph["place"]
    s = {(r["entity"], r["located_in"]) for r in _sparql("list_entities_in_place", ds, place=BHAM + place)}
    assert s == {(r["entity"], r["located_in"]) for r in connect.entities_in_place(G, closure)}


@pytest.mark.parametrize("a, b", [("health", "community"), ("social-economy", "housing")])
def test_parity_sector_bridges(seeds, a, b):
    ds, G = seeds
    s = {r["organisation"] for r in _sparql("find_sector_bridges", ds, sector_a=U + "sector-" + a,
                                            sector_b=U + "sector-" + b)}
    assert s and s == {r["organisation"] for r in connect.sector_bridges(G, a, b)}


# --- audit of issue 4 -----------------------------------------------------------------------------

def _fake_neo4j(monkeypatch):
    from useit_graph.store import neo4j as neo

    seen = {}

    class Conn:
        def close(self):
            pass

    def fake_run(name, params, conn, root=None, dataset=None):
        path = name if not isinstance(name, str) else neo.cypher_path(name, root)
        seen.update(name=name, text=path.read_text(encoding="utf-8"), params=params)
        return []

    monkeypatch.setattr(neo, "run_cypher", fake_run)
    monkeypatch.setattr(neo, "connect", lambda *a, **k: Conn())
    return seen


def test_neo4j_backend_runs_user_query_and_override(tmp_path, monkeypatch):
    """--queries-dir counts on Neo4j too: the Cypher file that runs is the user's (no server needed)."""
    from click.testing import CliRunner

    from cli import main

    monkeypatch.delenv("USEIT_QUERIES", raising=False)
    seen = _fake_neo4j(monkeypatch)
    override = ("// title: My neighbours\n// description: An override of the built-in query.\n"
                "// params: entity:entity, tie_type:tie?\n// returns: neighbour\n"
                "MATCH (x:Resource {uri: $entity})--(n) RETURN n.uri AS neighbour // my override\n")
    (tmp_path / "find_neighbours.cypher").write_text(override, encoding="utf-8")
    (tmp_path / "count_funders.cypher").write_text(
        "// title: Count funders\n// description: Mine only.\n// params: entity:entity\n"
        "MATCH (f)-[:FUNDS]->(:Resource {uri: $entity}) RETURN count(f) AS n\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["query", "find_neighbours", "-p", "entity=Brushstrokes", "--backend", "neo4j",
                                  "--queries-dir", str(tmp_path), "--json"])
    assert r.exit_code == 0, r.output
    assert seen["name"] == tmp_path / "find_neighbours.cypher" and seen["text"] == override
    assert seen["params"] == {"entity": BHAM + "brushstrokes", "tie_type": None}
    r = CliRunner().invoke(main, ["query", "count_funders", "-p", "entity=Brushstrokes", "--backend", "neo4j",
                                  "--queries-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert seen["name"] == tmp_path / "count_funders.cypher" and "Count funders" in seen["text"]


@pytest.mark.parametrize("ext, comment", [(".rq", "#"), (".cypher", "//")])
def test_header_without_description_is_refused_at_discovery(tmp_path, ext, comment):
    f = tmp_path / ("no_description" + ext)
    f.write_text(f"{comment} title: T\n{comment} params: a:entity\nSELECT * {{}}\n", encoding="utf-8")
    with pytest.raises(UseitGraphError) as e:
        discover_queries(extra_dirs=[tmp_path])
    assert str(f) in str(e.value) and "no description" in str(e.value)
    assert f"{comment} description:" in str(e.value)  # the fix shows the line to add
    f.write_text(f"{comment} description: D\nSELECT * {{}}\n", encoding="utf-8")
    with pytest.raises(UseitGraphError, match="no title"):
        discover_queries(extra_dirs=[tmp_path])


def test_sparql_syntax_error_names_file_and_line(tmp_path, mini_dataset):
    f = tmp_path / "broken.rq"
    f.write_text("# title: Broken\n# description: a syntax error on line 6\n# params: text\n"
                 "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                 "SELECT ?s WHERE {\n  ?s rdfs:label ?text FILTR(?text != \"\")\n}\n", encoding="utf-8")
    qs = discover_queries(extra_dirs=[tmp_path])
    with pytest.raises(UseitGraphError) as e:
        run_sparql("broken", {"text": "Hub"}, mini_dataset, queries=qs)
    assert type(e.value) is UseitGraphError and "SPARQL syntax error" in str(e.value)
    assert f"{f}:6:" in str(e.value) and "FILTR" in str(e.value)  # file, line and the line itself
    assert e.value.__cause__ is None  # no pyparsing traceback chained on
    f.write_text("# title: Broken\n# description: unclosed\nSELECT ?s WHERE { ?s ?p ?o\n", encoding="utf-8")
    with pytest.raises(UseitGraphError, match="broken.rq:4:1: SPARQL syntax error: expected"):
        run_sparql("broken", {}, mini_dataset, queries=discover_queries(extra_dirs=[tmp_path]))


def test_name_index_is_cached_and_follows_the_data(paths):
    """Names resolve from an index built once per dataset, rebuilt when the dataset changes."""
    from rdflib import RDF, RDFS

    from useit_graph.load import load_files
    from useit_graph.queries import entity_records

    from .conftest import FIXTURES

    ds = load_files([paths.ontology, FIXTURES / "mini.ttl"], root=paths.root)[0]
    q = get_query("find_neighbours", discover_queries())
    first = entity_records(ds, ("Agent", "PhysicalAsset", "Project", "Programme", "WorkPackage"))
    assert entity_records(ds, ("Agent", "PhysicalAsset", "Project", "Programme", "WorkPackage")) is first
    with pytest.raises(UnknownEntity):
        resolve_params(q, {"entity": "Zebra Crossing Collective"}, ds)
    new = URIRef(MINI + "zebra")
    ds.add((new, RDF.type, URIRef(U + "CommunityGroup")))
    ds.add((new, RDFS.label, Literal("Zebra Crossing Collective")))
    assert resolve_params(q, {"entity": "zebra crossing collective"}, ds) == {"entity": new}


@pytest.mark.parametrize("a, b", PAIRS + [("useit-team", "birmingham-city-council"), ("ise", "warm-earth"),
                                          ("learning-works", "swbh-nhs-trust"), ("warm-earth", "learning-works")])
def test_find_paths_equals_all_simple_paths(seeds, a, b):
    """The named path query against the peer: networkx all_simple_paths (cutoff 3) on the undirected view."""
    import networkx as nx

    ds, G = seeds
    H = nx.Graph()
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    peer = {tuple(p) for p in nx.all_simple_paths(H, BHAM + a, BHAM + b, cutoff=3)}
    rows = _sparql("find_paths", ds, a=BHAM + a, b=BHAM + b)
    got = {tuple([BHAM + a] + [v for v in (r["via1"], r["via2"]) if v] + [BHAM + b]) for r in rows}
    assert peer and got == peer
    assert all(r["length"] == len([v for v in (r["via1"], r["via2"]) if v]) + 1 for r in rows)


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory, paths):
    from useit_graph.store.oxigraph import build_store, open_store

    folder = tmp_path_factory.mktemp("store") / "seeds.store"
    build_store(paths.seed_files(), folder, paths=paths)
    return folder, open_store(folder, paths=paths)


STORE_CASES = [("find_paths", {"a": "Warm Earth", "b": "Birmingham City Council"}),
               ("find_neighbours", {"entity": "Brushstrokes", "tie_type": "linking"}),
               ("find_brokers", {"a": "bham:birmingham-settlement", "b": "Birmingham City Council"}),
               ("find_micro_assets_of_anchor", {"anchor": "SWBH"}),
               ("list_work_package_relationships", {"work_package": "WP5"}),
               ("list_entities_in_place", {"place": "Smethwick"}),
               ("show_evidence", {"relationship": "bham:rel-ise-supports-warm-earth"})]


@pytest.mark.parametrize("name, params", STORE_CASES)
def test_store_backend_same_answers(seeds, seed_store, name, params):
    """The persistent Oxigraph store (useit store build) answers every named query as rdflib does."""
    ds, _ = seeds
    want = run_sparql(name, params, ds)
    assert want and run_sparql(name, params, seed_store[1]) == want


def test_query_command_reads_a_store(seed_store):
    from click.testing import CliRunner

    from cli import main

    r = CliRunner().invoke(main, ["query", "find_brokers", "-p", "a=bham:birmingham-settlement",
                                  "-p", "b=Birmingham City Council", "--store", str(seed_store[0]), "--json"])
    assert r.exit_code == 0, r.output
    # report sections 7 and 9: the programme team brokered the Edgbaston Reservoir playing field
    assert {"broker": BHAM + "useit-team", "broker_label": "USE-IT! team", "role": "broker"} in json.loads(r.stdout)


@pytest.mark.parametrize("bad", ["yesterday", "2030-13-45", "20180601"])
def test_date_parameter_is_a_usage_error(tmp_path, mini_dataset, bad):
    from useit_graph.errors import UsageError

    (tmp_path / "since.rq").write_text("# title: Since\n# description: test\n# params: since:date\n"
                                       "SELECT ?s WHERE { ?s ?p ?since }\n", encoding="utf-8")
    qs = discover_queries(extra_dirs=[tmp_path])
    with pytest.raises(UsageError, match="must be a date"):
        run_sparql("since", {"since": bad}, mini_dataset, queries=qs)
    assert run_sparql("since", {"since": "2017-01-01"}, mini_dataset, queries=qs) == [{"s": MINI + "r1"}]


@pytest.mark.parametrize("a, b", [("health", "community"), ("social-economy", "public-administration")])
def test_sector_bridges_reads_a_bounded_number_of_triples(seeds, monkeypatch, a, b):
    """The query is built from two sector-anchored neighbour tables, so rdflib's triple lookups stay
    near the size of the two sectors' neighbourhoods. Measured on the seeds (rdflib 7.6): the first
    version, which joined two free hop tables checked by schema EXISTS, made 27,407 and 28,137
    lookups for these pairs; the rewrite 3,984 and 5,577 (bench/results/links.md). A count, not a
    time, so the test does not depend on the machine's load."""
    ds, G = seeds
    calls = []
    plain = ds.store.triples

    def counting(*args, **kwargs):
        calls.append(1)
        return plain(*args, **kwargs)

    monkeypatch.setattr(ds.store, "triples", counting)
    rows = _sparql("find_sector_bridges", ds, sector_a=U + "sector-" + a, sector_b=U + "sector-" + b)
    monkeypatch.undo()
    assert {r["organisation"] for r in rows} == {r["organisation"] for r in connect.sector_bridges(G, a, b)}
    assert 0 < len(calls) < 10_000
