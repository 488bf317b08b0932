"""Cypher injection on a real Neo4j: every named Cypher query with hostile parameter values.

Values travel as ``$params`` (never formatted into the query text), so a value such as
``'}) -[*]-() DETACH DELETE n //`` is only a string that matches nothing. Each case runs the Cypher
twin on the loaded seeds with one parameter hostile and the others valid, and asserts that the
database's node, relationship and property counts (all datasets) are what they were before, and
that no row comes back: no seed entity, place, sector, tie type or relationship has such a name,
so the embedded backend returns no rows for them either (checked for the entity-valued cases).
"""

from __future__ import annotations

import pytest

from useit_graph.store import neo4j as store

pytestmark = pytest.mark.neo4j
DATASET = "test-inject"

HOSTILE = (
    "'",
    '"',
    "\\",
    "' OR 1=1",
    "x' OR '1'='1",
    '" OR ""="',
    "})-[*]-() DETACH DELETE n //",
    "'}) MATCH (n) DETACH DELETE n //",
    "\"}) WITH 1 AS x MATCH (n) DETACH DELETE n RETURN 1 AS broker //",
    "{uri: 'x'}",
    "{}",
    "}",
    "$a",
    "`Resource`) DETACH DELETE n //",
    "1; MATCH (n) DETACH DELETE n",
    "x\nMATCH (n) DETACH DELETE n",
    "/* */ RETURN 1 //",
    "\u0000",
)


def _named():
    from useit_graph.queries import discover_queries

    return {n: q for n, q in discover_queries().items() if q.cypher is not None}


def _everything(conn) -> tuple:
    recs, _, _ = conn.driver.execute_query(
        "MATCH (n) RETURN count(n) AS n, sum(size(keys(n))) AS p, sum(COUNT { (n)-->() }) AS r",
        database_="neo4j")
    rels, _, _ = conn.driver.execute_query("MATCH ()-[r]->() RETURN sum(size(keys(r))) AS p",
                                           database_="neo4j")
    return recs[0]["n"], recs[0]["p"], recs[0]["r"], rels[0]["p"]


@pytest.fixture(scope="module")
def loaded(neo4j_server, seed_dataset, seed_graph):
    conn = store.connect(neo4j_server.uri, neo4j_server.user, neo4j_server.password, "neo4j")
    store.load(conn, store.build_rows(seed_dataset[0], dataset_id=DATASET, graph=seed_graph), wipe=True)
    yield conn
    store.wipe(conn, DATASET)
    conn.close()


def _valid(kind, G, ds):
    from test_parity import _cypher_value, _samples

    return _cypher_value(kind, _samples(kind, G, ds, k=1)[0], ds)


@pytest.mark.parametrize("name", sorted(_named()))
def test_hostile_values_change_nothing_and_match_nothing(name, loaded, seed_dataset, seed_graph):
    q = _named()[name]
    ds = seed_dataset[0]
    valid = {p.name: _valid(p.kind, seed_graph, ds) for p in q.params}
    assert q.params, name
    before = _everything(loaded)
    assert before[0] > 0
    cases = 0
    for p in q.params:
        for bad in HOSTILE:
            params = {**valid, p.name: bad}
            rows = store.run_cypher(name, params, loaded, dataset=DATASET)
            assert rows == [], (name, p.name, bad, rows)
            cases += 1
    # the dataset filter is a parameter too
    for bad in HOSTILE:
        assert store.run_cypher(name, valid, loaded, dataset=bad) == [], (name, "dataset", bad)
    assert _everything(loaded) == before, f"{name}: the database changed"
    assert cases == len(q.params) * len(HOSTILE)


def test_hostile_entity_matches_nothing_in_sparql_either(seed_dataset):
    """The embedded twin agrees: a hostile IRI names no entity, so find_neighbours is empty."""
    from rdflib import URIRef

    from useit_graph.queries import run_sparql

    for bad in ("})-[*]-() DETACH DELETE n //", "' OR 1=1"):
        assert run_sparql("find_neighbours", None, seed_dataset[0],
                          bindings={"entity": URIRef("urn:x:" + bad.replace(" ", "%20"))}) == []


def test_valid_values_do_match(loaded, seed_dataset, seed_graph):
    """Guard against a vacuous test: the valid values used above give rows for some queries."""
    ds = seed_dataset[0]
    nonempty = 0
    for name, q in _named().items():
        valid = {p.name: _valid(p.kind, seed_graph, ds) for p in q.params}
        nonempty += bool(store.run_cypher(name, valid, loaded, dataset=DATASET))
    assert nonempty >= 3
