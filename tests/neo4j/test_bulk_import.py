"""The offline bulk import (``useit neo4j import``) against real Neo4j servers.

The reference is the Bolt loader, itself checked against the embedded projection in
``test_loader.py``: the seeds imported with ``neo4j-admin database import full`` into a fresh
server's home must give, node by node and relationship by relationship, the labels and typed
properties that :func:`store.load` writes through Bolt into the session's server, and export back
to :func:`project_graph`'s graph. The import always runs with the project's jars on a home of its
own (the import tool needs the store files on this machine, offline), so these tests start one
server of their own even when ``NEO4J_URI`` names the user's server.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from useit_graph.store import neo4j as store
from useit_graph.store import neo4j_import
from useit_graph.store import neo4j_server as server

pytestmark = pytest.mark.neo4j
ROOT = Path(__file__).resolve().parents[2]
DATASET = "test-import"

#: Strings that CSV quoting, the import tool or a query built from data could get wrong.
AWKWARD = (
    '"', '""', "'", ",", ", ,", "a,\"b\",c", "line\nbreak", "crlf\r\nend", "\\", "\\\"", " lead",
    "trail ", "", "é中文🙂", "})-[*]-() DETACH DELETE n //", "x' OR '1'='1", "2020-01-01", "true",
    "1e3", "NaN", "null",
)


def _dump(conn, dataset):
    """Every node and relationship of `dataset`: labels/type, endpoints and properties (not ids)."""
    nodes, _, _ = conn.driver.execute_query(
        "MATCH (n:Resource) WHERE $ds IN n.datasets RETURN n.uri AS uri, labels(n) AS labels, "
        "properties(n) AS props", ds=dataset, database_="neo4j")
    rels, _, _ = conn.driver.execute_query(
        "MATCH (a:Resource)-[r]->(b:Resource) WHERE $ds IN r.datasets "
        "RETURN type(r) AS t, a.uri AS a, b.uri AS b, properties(r) AS props", ds=dataset,
        database_="neo4j")
    node_map = {r["uri"]: (sorted(r["labels"]), r["props"]) for r in nodes}
    rel_list = sorted((r["t"], r["a"], r["b"], sorted(r["props"].items(), key=lambda kv: kv[0]))
                      for r in rels)
    return node_map, [(t, a, b, repr(p)) for t, a, b, p in rel_list]


def _start_imported(home: Path, rows, **kw):
    files = neo4j_import.write_import_files(rows, home.parent / (home.name + "-csv"))
    result = server.import_database(home, files.arguments(), **kw)
    info = server.start(data_dir=home, plugins=False)
    conn = store.connect(info.uri, info.user, info.password, "neo4j")
    store.ensure_schema(conn)
    return info, conn, files, result


@pytest.fixture(scope="module")
def seed_rows(seed_dataset, seed_graph):
    return store.build_rows(seed_dataset[0], dataset_id=DATASET, graph=seed_graph)


@pytest.fixture(scope="module")
def imported(tmp_path_factory, seed_rows):
    home = tmp_path_factory.mktemp("bulk") / "home"
    info, conn, files, result = _start_imported(home, seed_rows)
    try:
        yield home, info, conn, files, result
    finally:
        conn.close()
        server.stop(info, remove=True)


@pytest.fixture(scope="module")
def bolt_loaded(neo4j_server, seed_rows):
    conn = store.connect(neo4j_server.uri, neo4j_server.user, neo4j_server.password, "neo4j")
    store.load(conn, seed_rows, wipe=True)
    try:
        yield conn
    finally:
        store.wipe(conn, DATASET)
        conn.close()


def test_import_writes_what_the_bolt_loader_writes(imported, bolt_loaded, seed_rows):
    _, _, conn, _, _ = imported
    got_nodes, got_rels = _dump(conn, DATASET)
    want_nodes, want_rels = _dump(bolt_loaded, DATASET)
    assert len(got_nodes) == seed_rows.n_nodes and len(got_rels) == seed_rows.n_relationships
    assert set(got_nodes) == set(want_nodes)
    for uri, want in want_nodes.items():
        assert got_nodes[uri] == want, uri
    assert got_rels == want_rels


def test_import_keeps_neo4j_types(imported):
    import neo4j.time

    _, _, conn, _, _ = imported
    recs, _, _ = conn.driver.execute_query(
        "MATCH ()-[r:FUNDS]->() WHERE r.value_gbp IS NOT NULL RETURN r.start AS start, "
        "r.value_gbp AS v, r.directed AS d, r.datasets AS ds LIMIT 1", database_="neo4j")
    rec = recs[0]
    assert isinstance(rec["start"], neo4j.time.Date)
    assert isinstance(rec["v"], float) and isinstance(rec["d"], bool)
    assert rec["ds"] == [DATASET]


def test_export_of_the_import_is_the_projection(imported, seed_graph):
    _, _, conn, _, _ = imported
    G = store.export(conn, DATASET)
    assert nx.utils.nodes_equal(G.nodes(data=True), seed_graph.nodes(data=True))
    assert nx.utils.edges_equal(G.edges(keys=True, data=True), seed_graph.edges(keys=True, data=True))


def test_import_leaves_a_complete_marker_and_the_constraints(imported, seed_rows):
    _, _, conn, _, _ = imported
    (state,) = store.load_states(conn, DATASET)
    assert state["state"] == "complete" and state["rows_done"] == len(seed_rows)
    assert store.half_loaded(conn) == []
    recs, _, _ = conn.driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type RETURN labelsOrTypes, properties, type",
        database_="neo4j")
    assert {(tuple(r["labelsOrTypes"]), tuple(r["properties"]), r["type"]) for r in recs} >= {
        (("Resource",), ("uri",), "UNIQUENESS"), (("UseitLoad",), ("dataset",), "UNIQUENESS")}
    from neo4j.exceptions import ConstraintError

    uri = next(iter(seed_rows.nodes.values()))[0]["uri"]
    with pytest.raises(ConstraintError):
        conn.driver.execute_query("CREATE (:Resource {uri: $u})", u=uri, database_="neo4j")


def test_a_later_bolt_load_merges_into_the_import(imported, seed_rows):
    """The import is a first load: `useit neo4j load` of the same dataset afterwards changes nothing."""
    _, _, conn, _, _ = imported
    before = _dump(conn, DATASET)
    result = store.load(conn, seed_rows)
    assert result["mode"] == "merge"
    assert _dump(conn, DATASET) == before


def test_import_refuses_a_running_server(imported):
    home, info, _, _, _ = imported
    with pytest.raises(server.Neo4jServerError, match="is running .* Fix: `scripts/neo4j-server stop"):
        server.check_importable(home)


def _awkward_rows(dataset="test-awkward"):
    nodes = []
    for i, text in enumerate(AWKWARD):
        uri = f"urn:awkward:{i}:{text}"
        nodes.append({"uri": uri, "props": {"uri": uri, "label": text, "alt_labels": [text, text + ","],
                                            "type": "Charity", "projected": True}})
    edges = [{"src": nodes[i]["uri"], "dst": nodes[i + 1]["uri"], "key": f"k{i}",
              "props": {"key": f"k{i}", "tie_reason": AWKWARD[i], "start": dt.date(2017, 4, 1),
                        "weight": 0.1 * i, "directed": bool(i % 2)}}
             for i in range(len(nodes) - 1)]
    return store.Rows(nodes={("Charity", "Resource"): nodes}, links={},
                      edges={"PARTNERS_WITH": edges}, dataset=dataset)


def test_existing_database_is_kept_unless_overwrite_and_awkward_values_survive(tmp_path, seed_rows):
    home = tmp_path / "home"
    first = neo4j_import.write_import_files(seed_rows, tmp_path / "csv1")
    server.import_database(home, first.arguments())
    store_dir = home / "data" / "databases" / "neo4j"
    before = {p.name: p.read_bytes() for p in store_dir.iterdir() if p.is_file()}

    rows = _awkward_rows()
    files = neo4j_import.write_import_files(rows, tmp_path / "csv2")
    assert files.multiline  # "line\nbreak" needs --multiline-fields
    with pytest.raises(server.Neo4jServerError, match="already has a database 'neo4j'.*--overwrite"):
        server.import_database(home, files.arguments())
    assert {p.name: p.read_bytes() for p in store_dir.iterdir() if p.is_file()} == before

    server.import_database(home, files.arguments(), overwrite=True)
    info = server.start(data_dir=home, plugins=False)
    try:
        with store.connect(info.uri, info.user, info.password, "neo4j") as conn:
            got, rels = _dump(conn, "test-awkward")
            assert _dump(conn, DATASET) == ({}, [])  # the seeds were replaced as a whole
    finally:
        server.stop(info, remove=True)
    assert {props["label"] for _, props in got.values()} == set(AWKWARD)
    for node in rows.nodes[("Charity", "Resource")]:
        labels, props = got[node["uri"]]
        assert labels == ["Charity", "Resource"]
        assert props == {**node["props"], "datasets": ["test-awkward"]}
    assert len(rels) == len(AWKWARD) - 1


def test_failed_import_removes_its_partial_store(tmp_path):
    rows = store.Rows(nodes={("Charity", "Resource"): [{"uri": "urn:a", "props": {"uri": "urn:a"}}]},
                      links={"PART_OF": [{"src": "urn:a", "dst": "urn:a"}]}, dataset="test-bad")
    files = neo4j_import.write_import_files(rows, tmp_path / "csv")
    (_, rel_file, _), = files.relationships
    with open(rel_file, "a", encoding="utf-8") as fh:  # a relationship to a node id no file has
        fh.write('0,999,"test-bad"\n')
    home = tmp_path / "home"
    with pytest.raises(server.Neo4jServerError, match="failed .*partial store was removed"):
        server.import_database(home, files.arguments())
    assert not (home / "data" / "databases" / "neo4j").exists()
    # the next attempt starts clean
    good = neo4j_import.write_import_files(rows, tmp_path / "csv-good")
    server.import_database(home, good.arguments())


def test_cli_import_checks_before_reading_the_data(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), "neo4j", "import", *args],
                              capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "NO_COLOR": "1"}, timeout=300)

    home = tmp_path / "home"
    (home / "data" / "databases" / "neo4j").mkdir(parents=True)
    (home / "data" / "databases" / "neo4j" / "neostore").write_bytes(b"kept")
    p = run("--home", str(home))
    assert p.returncode == 1, p.stderr
    assert "already has a database 'neo4j'" in p.stderr and "--overwrite" in p.stderr
    assert (home / "data" / "databases" / "neo4j" / "neostore").read_bytes() == b"kept"
    p = run()
    assert p.returncode == 2 and "--home" in p.stderr


def test_cli_csv_only_prints_a_command_the_import_tool_runs(tmp_path):
    """``--csv-only`` is for the user's own neo4j-admin: run its @-file with the real import tool."""
    csv_dir = tmp_path / "import files"  # a space: the @-file must quote paths
    p = subprocess.run([sys.executable, str(ROOT / "cli.py"), "neo4j", "import", "--csv-only",
                        "--csv-dir", str(csv_dir), "--dataset", DATASET],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    command = p.stdout.strip()
    assert command.startswith("neo4j-admin database import full @")
    argfile = command.split("@", 1)[1]
    home = tmp_path / "home"
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").touch()
    lib = server.fetch(plugins=False) / "lib"
    run = subprocess.run([server._java(None), "-Xmx512m", "-cp", f"{lib}/*", server.ADMIN_TOOL,
                          "database", "import", "full", f"@{argfile}"],
                         env={**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")},
                         cwd=home, capture_output=True, text=True, timeout=300)
    assert "IMPORT DONE" in run.stdout, run.stdout[-2000:]
    assert (home / "data" / "databases" / "neo4j").is_dir()
