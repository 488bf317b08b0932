"""Parity: the Cypher twin of every named query returns the embedded SPARQL query's answers.

Both run on the seed data: SPARQL on the rdflib dataset (``useit_graph.queries.run_sparql``), Cypher
on the same data loaded into Neo4j (:func:`useit_graph.store.neo4j.run_cypher`). Parameters are
chosen from the seed graph for each declared kind (entities with the most ties, pairs of them,
every place, work package and group present, relationships with evidence), the same resolved IRIs
go to both backends, and rows are compared as sorted lists after normalising types (IRIs and
dates as strings, numbers as floats rounded to 9 digits).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from useit_graph.store import neo4j as store

pytestmark = pytest.mark.neo4j
DATASET = "test-parity"


def _named():
    from useit_graph.queries import discover_queries

    return discover_queries()


def _twins():
    return sorted(n for n, q in _named().items() if q.sparql is not None and q.cypher is not None)


def test_every_named_query_has_a_cypher_twin():
    missing = sorted(n for n, q in _named().items() if q.cypher is None)
    assert not missing, ("named queries without a Cypher twin in queries/cypher/: " + ", ".join(missing))


@pytest.fixture(scope="module")
def loaded(neo4j_server, seed_dataset, seed_graph):
    conn = store.connect(neo4j_server.uri, neo4j_server.user, neo4j_server.password, "neo4j")
    store.load(conn, store.build_rows(seed_dataset[0], dataset_id=DATASET, graph=seed_graph), wipe=True)
    yield conn
    store.wipe(conn, DATASET)
    conn.close()


def _samples(kind, G, ds, k=3):
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF

    if kind == "entity":
        top = sorted(G, key=lambda v: (-G.degree(v), v))[:k]
        return [URIRef(v) for v in top]
    if kind == "place":
        return [URIRef(p) for p in sorted({p for _, d in G.nodes(data=True) for p in d["places"]})][:k]
    if kind == "work_package":
        return [URIRef(w) for w in sorted({w for *_, d in G.edges(data=True) for w in d["work_packages"]})][:k]
    if kind == "relationship":
        return [URIRef(r) for r in sorted({d["rel"] for *_, d in G.edges(data=True) if d["evidence"]})][:k]
    if kind == "group":
        present = {d["group"] for _, d in G.nodes(data=True) if d["group"]}
        uit_group = URIRef("https://w3id.org/useit-graph/ns#Group")
        concepts = {str(ds.value(c, URIRef("http://www.w3.org/2004/02/skos/core#notation"))): c
                    for c in set(ds.subjects(RDF.type, uit_group))}
        return [concepts[g] for g in sorted(present) if g in concepts][:k]
    if kind == "tie":
        return [Literal("bridging"), Literal("linking")]
    if kind == "class":
        return [URIRef("https://w3id.org/useit-graph/ns#AnchorInstitution")]
    if kind == "int":
        return [Literal(2)]
    if kind == "date":
        return [Literal(dt.date(2018, 6, 30))]
    return [Literal("Birmingham")]


def _cases(query, G, ds, limit=6):
    per_param = []
    for p in query.params:
        vals = _samples(p.kind, G, ds)
        per_param.append(([None] if p.optional else []) + vals)
    cases = []
    for combo in itertools.product(*per_param):
        b = {p.name: v for p, v in zip(query.params, combo) if v is not None}
        if len({str(v) for v in b.values()}) < len(b) and all(p.kind == "entity" for p in query.params):
            continue  # a == b: not an interesting case
        cases.append(b)
        if len(cases) >= limit:
            break
    return cases or [{}]


def _cypher_value(kind, term, ds):
    """What ``useit query --backend neo4j`` passes: IRIs as strings, a group as its notation."""
    from rdflib.namespace import SKOS

    if kind == "group":
        return str(ds.value(term, SKOS.notation) or term)
    return term.toPython() if kind == "int" else str(term)


def _norm(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return round(float(v), 9)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return tuple(sorted(_norm(x) for x in v))
    return str(v)


def _rows(rows):
    return sorted((tuple(sorted((k, _norm(v)) for k, v in r.items())) for r in rows), key=repr)


@pytest.mark.parametrize("name", _twins())
def test_cypher_twin_matches_sparql(name, loaded, seed_dataset, seed_graph):
    from useit_graph.queries import run_sparql

    q = _named()[name]
    nonempty = 0
    ds = seed_dataset[0]
    kinds = {p.name: p.kind for p in q.params}
    for bindings in _cases(q, seed_graph, ds):
        want = run_sparql(name, None, ds, bindings=bindings)
        got = store.run_cypher(name, {k: _cypher_value(kinds[k], v, ds) for k, v in bindings.items()}, loaded,
                               dataset=DATASET)
        assert _rows(got) == _rows(want), (name, {k: str(v) for k, v in bindings.items()})
        nonempty += bool(want)
    assert nonempty, f"{name}: every sample case returned no rows; the parity check would be empty"


def test_cli_query_neo4j_dataset_option(loaded, neo4j_server):
    """``useit query --backend neo4j --dataset ID`` binds $dataset: the loaded id gives the embedded
    answer, an id that loaded nothing gives no rows (the twins filter on the ``datasets`` lists)."""
    import json
    import os

    from click.testing import CliRunner

    from cli import main

    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": "neo4j"}
    args = ["query", "find_neighbours", "-p", "entity=Brushstrokes", "--backend", "neo4j", "--json"]
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        mine = CliRunner().invoke(main, args + ["--dataset", DATASET])
        other = CliRunner().invoke(main, args + ["--dataset", "test-parity-nothing-loaded"])
        embedded = CliRunner().invoke(main, ["query", "find_neighbours", "-p", "entity=Brushstrokes",
                                             "--dataset", DATASET])
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert mine.exit_code == 0, mine.output
    embedded_rows = CliRunner().invoke(main, ["query", "find_neighbours", "-p", "entity=Brushstrokes", "--json"])
    want = json.loads(embedded_rows.output)
    assert want and _rows(json.loads(mine.output)) == _rows(want)
    assert other.exit_code == 0 and json.loads(other.output) == []
    assert embedded.exit_code == 2 and "--backend neo4j" in embedded.output
