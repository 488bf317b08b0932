"""Row building for the Neo4j loader, without a database.

The expected rows are written by hand from ``tests/fixtures/mini.ttl`` and the mapping in
``docs/neo4j.md``; the round-trip property (rows hold everything ``project_graph`` knows) is checked
by rebuilding the projection from the rows alone.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from useit_graph.errors import UnknownTerm
from useit_graph.store import neo4j as store

EX = "https://example.org/mini/"


@pytest.fixture(scope="module")
def mini(paths):
    from useit_graph.load import load_files

    ds, _ = load_files([paths.ontology, paths.root / "tests" / "fixtures" / "mini.ttl"], root=paths.root)
    return ds


@pytest.fixture(scope="module")
def rows(mini):
    return store.build_rows(mini, dataset_id="mini")


def _by_uri(rows):
    return {r["uri"]: (labels, r["props"]) for labels, rs in rows.nodes.items() for r in rs}


def test_labels_are_class_and_superclasses(rows):
    nodes = _by_uri(rows)
    assert nodes[EX + "cafe"][0] == ("SocialEnterprise", "MicroAsset", "Organisation", "Agent", "Resource")
    assert nodes[EX + "r1"][0] == ("Funding", "Relationship", "Resource")
    assert nodes[EX + "ev1"][0] == ("Evidence", "Resource")
    assert nodes[EX + "doc"][0] == ("SourceDocument", "Resource")


def test_every_node_has_uri_and_the_dataset_travels_as_a_parameter(rows):
    assert rows.dataset == "mini"
    for uri, (labels, props) in _by_uri(rows).items():
        assert props["uri"] == uri
        # the dataset id is not a property of the row: load() adds $ds to the node's
        # `datasets` list, so a node two datasets share keeps both ids
        assert "dataset" not in props and "datasets" not in props
        assert labels[-1] == "Resource"
        assert None not in props.values()
    for _, q, _ in store.plan(rows) + store.plan(rows, create=True):
        assert "datasets" in q and "$ds" in q


def test_vocabulary_holds_every_label_the_ontology_gives(rows):
    labels = {x for lbls in rows.nodes for x in lbls} - {"Resource"}
    assert labels <= rows.vocabulary
    # the ontology's own classes (ontology/useit.ttl), and nothing that is not a uit: class
    assert {"Agent", "Organisation", "SocialEnterprise", "Funding", "Relationship", "Evidence"} <= rows.vocabulary
    assert "Resource" not in rows.vocabulary and "Organization" not in rows.vocabulary


def test_typed_literals(rows):
    nodes = _by_uri(rows)
    r1 = nodes[EX + "r1"][1]
    assert r1["start"] == dt.date(2017, 1, 1) and isinstance(r1["value_gbp"], float)
    assert nodes[EX + "cafe"][1]["created"] == dt.date(2018, 3, 1)
    assert nodes[EX + "garden"][1]["alt_labels"] == ["GG"]
    assert nodes[EX + "garden"][1]["personal_data"] is False
    assert nodes[EX + "r2"][1]["mechanism"] == "introduction"
    assert nodes[EX + "ev1"][1] == {"uri": EX + "ev1", "section": "1 Intro",
                                    "quote": "The garden grew.", "type": "Evidence", "projected": False}


def test_role_edges_in_upper_snake(rows):
    pairs = {t: {(r["src"][len(EX):], r["dst"][len(EX):]) for r in rs} for t, rs in rows.links.items()}
    assert pairs["FUNDER"] == {("r1", "council")}
    assert pairs["RECIPIENT"] == {("r1", "garden")}
    assert pairs["BROKER"] == {("r2", "hub")}
    assert pairs["BROKERED_PARTY"] == {("r2", "cafe"), ("r2", "council")}
    assert pairs["PARTNER"] == {("r3", "cafe"), ("r3", "garden")}
    assert pairs["SOURCE"] == {("ev1", "doc")}
    assert ("r1", "ev1") in pairs["EVIDENCE"] and ("garden", "ev1") in pairs["EVIDENCE"]


def test_direct_edges_equal_projection(rows, mini):
    from useit_graph.project import project_graph

    G = project_graph(mini)
    got = {(r["src"], r["dst"], r["key"], t) for t, rs in rows.edges.items() for r in rs}
    want = {(u, v, k, d["label"]) for u, v, k, d in G.edges(keys=True, data=True)}
    assert got == want
    funds = rows.edges["FUNDS"][0]["props"]
    assert funds == {"rel": EX + "r1", "rel_type": "Funding", "role": "source-target", "directed": True,
                     "tie": "linking", "tie_reason": "tiers differ: macro -> micro", "weight": 1.0,
                     "start": dt.date(2017, 1, 1), "value_gbp": 1000.0, "key": EX + "r1"}


def test_counts(rows):
    assert rows.n_nodes == 4 + 3 + 1 + 1      # actors, relationships, evidence, document
    assert rows.n_edges == 5                  # FUNDS, 3 BROKERS, PARTNERS_WITH
    assert rows.n_links == 1 + 1 + 1 + 2 + 2 + 1 + 7
    assert len(rows) == rows.n_nodes + rows.n_relationships


def test_seed_rows_cover_projection(seed_dataset, seed_graph):
    rows = store.build_rows(seed_dataset[0], dataset_id="seeds", graph=seed_graph)
    nodes = _by_uri(rows)
    projected = {u for u, (_, p) in nodes.items() if p.get("projected")}
    assert projected == set(seed_graph.nodes)
    assert rows.n_edges == seed_graph.number_of_edges()
    for labels in rows.nodes:
        for label in labels:
            assert store._NAME.match(label)


def test_queries_take_names_from_ontology_only():
    assert store.node_query(("Funding", "Relationship", "Resource")).endswith("SET n:Funding:Relationship:Resource")
    assert "$rows" in store.edge_query("FUNDS") and "{key: row.key}" in store.edge_query("FUNDS")
    for bad in ("Evil`) DETACH DELETE n //", "1abc", "has space", "", "x-y"):
        with pytest.raises(UnknownTerm):
            store.node_query((bad, "Resource"))
        with pytest.raises(UnknownTerm):
            store.link_query(bad)


def test_bad_edge_label_in_ontology_is_refused(paths):
    from rdflib import Graph

    onto = Graph().parse(paths.ontology)
    data = Graph().parse(format="turtle", data="""
    @prefix uit: <https://w3id.org/useit-graph/ns#> . @prefix ex: <urn:ex:> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ex:Odd rdfs:subClassOf uit:Relationship ; uit:edgeSource uit:funder ; uit:edgeTarget uit:recipient ;
        uit:edgeLabel "X]->() DETACH DELETE a //" .
    ex:a a uit:SocialEnterprise . ex:b a uit:LocalAuthority .
    ex:r a ex:Odd ; uit:funder ex:b ; uit:recipient ex:a .
    """)
    with pytest.raises(UnknownTerm):
        store.build_rows(onto + data)


def test_data_values_never_in_query_text(rows):
    texts = [q for _, q, _ in store.plan(rows) + store.plan(rows, create=True)]
    for _, (_, props) in _by_uri(rows).items():
        for v in props.values():
            if isinstance(v, str) and len(v) > 3 and not store._NAME.match(v):
                assert not any(v in t for t in texts)


def test_upper_snake():
    assert store.upper_snake("assetProvider") == "ASSET_PROVIDER"
    assert store.upper_snake("memberOf") == "MEMBER_OF"


def test_iterator_source_refused():
    with pytest.raises(TypeError):
        store.build_rows(iter([]))


def test_header_parser():
    text = "// title: Find brokers\n// description: who brokers\n// params: a, b\nMATCH (n) RETURN n"
    assert store._header(text) == {"title": "Find brokers", "description": "who brokers", "params": ["a", "b"]}


def test_connect_without_server_maps_to_store_unavailable():
    from useit_graph.errors import StoreUnavailable

    with pytest.raises(StoreUnavailable) as info:
        store.connect("bolt://127.0.0.1:9", "neo4j", "x", connection_timeout=1.0)
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in str(info.value)
    assert "scripts/neo4j-server start" in str(info.value)


def test_graphml_export_is_scalar(rows, mini):
    from useit_graph.commands.neo4j import _graphml_safe
    from useit_graph.project import project_graph

    H = _graphml_safe(project_graph(mini))
    text = "\n".join(nx.generate_graphml(H))
    assert "Garden Group" in text


def test_run_cypher_accepts_a_name_or_a_cypher_file(tmp_path):
    from pathlib import Path

    from useit_graph.errors import UnknownQuery

    builtin = Path(store.cypher_path("find_brokers"))
    assert store._query_file("find_brokers") == builtin
    mine = tmp_path / "mine.cypher"
    mine.write_text("// params: a\nRETURN $a AS a\n")
    assert store._query_file(mine) == mine
    assert store._query_file(str(mine)) == mine
    with pytest.raises(UnknownQuery, match="does not exist"):
        store._query_file(str(tmp_path / "missing.cypher"))


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_server_down_is_one_message_within_seconds(scheme, tmp_path):
    """`useit neo4j status` against a closed port: one error with the fix, fast, no driver noise.

    Before the fix the check ran through the driver's transaction retries (15 s of them, 29 s
    measured) and Python's last-resort handler printed five "Transaction failed and will be
    retried" lines (and "Unable to retrieve routing information" for neo4j://).
    """
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    uri = f"{scheme}://127.0.0.1:{_closed_port()}"
    env = {**os.environ, "NEO4J_URI": uri, "NEO4J_PASSWORD": "x", "PYTHONPATH": str(root)}
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-c", "from cli import main; main()", "neo4j", "status"],
                         capture_output=True, text=True, env=env, cwd=root, timeout=120)
    elapsed = time.monotonic() - t0
    assert out.returncode == 1, out.stderr
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert lines == [f"Error: cannot reach Neo4j at {uri} (server down or wrong address)",
                     "  Fix: start it (`scripts/neo4j-server start`) or set NEO4J_URI"], out.stderr
    assert elapsed < 10, f"took {elapsed:.1f} s (interpreter start-up included)"


def test_connect_returns_fast_on_closed_port():
    import time

    from useit_graph.errors import StoreUnavailable

    t0 = time.monotonic()
    with pytest.raises(StoreUnavailable, match="cannot reach Neo4j"):
        store.connect(f"bolt://127.0.0.1:{_closed_port()}", "neo4j", "x")
    assert time.monotonic() - t0 < 3  # one connection attempt, no 15 s of transaction retries


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "https://example.org", "127.0.0.1:7687",
                                 "bolt+x://h:7687"])
def test_non_bolt_uri_is_a_clear_error(uri):
    """Only the driver's Bolt schemes; http:// used to end in ModuleNotFoundError (aiohttp)."""
    from click.testing import CliRunner

    from cli import main
    from useit_graph.errors import StoreUnavailable

    with pytest.raises(StoreUnavailable, match="is not a Neo4j Bolt URI") as info:
        store.connect(uri, "neo4j", "x")
    assert "Fix: set NEO4J_URI to bolt://host:7687" in str(info.value)
    r = CliRunner().invoke(main, ["neo4j", "status"], env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "x"})
    assert r.exit_code == 1 and r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "is not a Neo4j Bolt URI" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("scheme", store.URI_SCHEMES)
def test_every_bolt_scheme_is_accepted(scheme):
    assert store.check_uri(f"{scheme}://h:7687") == f"{scheme}://h:7687"
