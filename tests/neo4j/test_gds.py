"""Cross-check our metrics against Neo4j Graph Data Science (an independent implementation).

On the loaded seed graph, GDS projects the undirected simple graph of the direct edges (parallel
and reciprocal edges merged, self-loops dropped: ``useit_graph.project.simple_graph``) and computes
degree, betweenness and Louvain. Peer: GDS 2.13 (``gds.degree.stream``, ``gds.betweenness.stream``,
``gds.louvain.stream``) on Neo4j 5.26 Community, as fetched by scripts/neo4j-server.
Betweenness must agree exactly (up to float rounding) with our unnormalised betweenness; Louvain
is randomised, so its partition's modularity (computed by us) must be within 0.02 of ours.
"""

from __future__ import annotations

import pytest

from useit_graph.store import neo4j as store

pytestmark = pytest.mark.neo4j
DATASET = "test-gds"

_PROJECT = """
MATCH (a:Resource {projected: true}) WHERE $ds IN a.datasets
OPTIONAL MATCH (a)-[r]-(b:Resource {projected: true})
WHERE r.key IS NOT NULL AND $ds IN r.datasets AND a.uri < b.uri
WITH DISTINCT a, b
RETURN gds.graph.project($name, a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g
"""


@pytest.fixture(scope="module")
def gds(neo4j_server, neo4j_skip, seed_dataset, seed_graph):
    if not neo4j_server.gds_available:
        neo4j_skip("Graph Data Science is not installed on this server (`RETURN gds.version()` "
                   "failed); the cross-check needs it")
    conn = store.connect(neo4j_server.uri, neo4j_server.user, neo4j_server.password, "neo4j")
    store.load(conn, store.build_rows(seed_dataset[0], dataset_id=DATASET, graph=seed_graph), wipe=True)
    name = "useit-gds-check"
    conn.driver.execute_query("CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName",
                              name=name, database_="neo4j")
    conn.driver.execute_query(_PROJECT, ds=DATASET, name=name, database_="neo4j")
    yield conn, name
    conn.driver.execute_query("CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName",
                              name=name, database_="neo4j")
    store.wipe(conn, DATASET)
    conn.close()


def _stream(conn, proc, name, column="score", config=None):
    recs, _, _ = conn.driver.execute_query(
        f"CALL {proc}($name, $config) YIELD nodeId, {column} "
        f"RETURN gds.util.asNode(nodeId).uri AS uri, {column}",
        name=name, config=config or {}, database_="neo4j")
    return recs


def test_degree(gds, seed_graph):
    from useit_graph.metrics.centrality import degree
    from useit_graph.project import simple_graph

    conn, name = gds
    ours = degree(simple_graph(seed_graph))
    theirs = {r["uri"]: r["score"] for r in _stream(conn, "gds.degree.stream", name)}
    assert set(theirs) == set(ours)
    assert {v: int(s) for v, s in theirs.items()} == ours


def test_betweenness_exact(gds, seed_graph):
    from useit_graph.metrics.centrality import betweenness
    from useit_graph.project import simple_graph

    conn, name = gds
    ours = betweenness(simple_graph(seed_graph), normalized=False)
    theirs = {r["uri"]: r["score"] for r in _stream(conn, "gds.betweenness.stream", name)}
    assert set(theirs) == set(ours)
    for v, b in ours.items():
        assert theirs[v] == pytest.approx(b, rel=1e-9, abs=1e-9), v


def test_louvain_modularity(gds, seed_graph):
    from useit_graph.metrics.communities import louvain_communities, modularity
    from useit_graph.project import simple_graph

    conn, name = gds
    H = simple_graph(seed_graph)
    ours = modularity(H, louvain_communities(H, weight=None, seed=0), weight=None)
    recs = _stream(conn, "gds.louvain.stream", name, "communityId", {"concurrency": 1})
    groups: dict = {}
    for r in recs:
        groups.setdefault(r["communityId"], set()).add(r["uri"])
    theirs = modularity(H, list(groups.values()), weight=None)
    assert theirs == pytest.approx(ours, abs=0.02)
    stats, _, _ = conn.driver.execute_query(
        "CALL gds.louvain.stats($name, {concurrency: 1}) YIELD modularity RETURN modularity",
        name=name, database_="neo4j")
    assert stats[0]["modularity"] == pytest.approx(theirs, abs=1e-6)
