"""The project's own Neo4j server fixture (``useit_graph.store.neo4j_server``, ``scripts/neo4j-server``).

These tests always start their own server from the Maven-built jars (they test the fixture itself,
so ``NEO4J_URI`` is ignored here). If the jars cannot be fetched or the server does not start, the
tests fail with the reason; they are never skipped. The GDS and APOC checks fail too when ``fetch``
reported the plugin unavailable (with the reason it gave), since this is always the project's own
server.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import neo4j  # a declared dependency: a missing driver is an error, not a skip

from useit_graph.store import neo4j_server as server

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "neo4j-server"


@pytest.fixture(scope="module")
def dist() -> Path:
    try:
        return server.fetch()
    except server.Neo4jServerError as exc:
        pytest.fail(f"Neo4j jars could not be fetched: {exc}", pytrace=False)


@pytest.fixture(scope="module")
def manifest(dist) -> dict:
    import json

    return json.loads((dist / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def info(dist):
    try:
        # not the default sizes (see test_memory_settings), and a password that begins with "-":
        # neo4j-admin once read such a password as an option and exited 64 (test_dash_password)
        started = server.start(page_cache="96m", heap="768m", password="-" + uuid.uuid4().hex)
    except server.Neo4jServerError as exc:
        pytest.fail(f"Neo4j did not start: {exc}", pytrace=False)
    try:
        yield started
    finally:
        server.stop(started)


@pytest.fixture(scope="module")
def driver(info):
    with neo4j.GraphDatabase.driver(info.uri, auth=(info.user, info.password)) as drv:
        yield drv


def test_fetch_is_cached_and_offline(dist, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # no mvn: a cached fetch must not need it
    t0 = time.monotonic()
    again = server.fetch()
    assert again == dist
    assert time.monotonic() - t0 < 5
    lib = dist / "lib"
    assert any(lib.glob("org.neo4j.app.neo4j-server-*.jar"))
    assert not any(p.name.startswith("com.neo4j") for p in lib.glob("*.jar")), "Enterprise jar in lib/"


def test_return_1(driver):
    records, _, _ = driver.execute_query("RETURN 1 AS x", database_="neo4j")
    assert records[0]["x"] == 1


def test_create_and_read_node(driver):
    key = uuid.uuid4().hex
    driver.execute_query("CREATE (:FixtureProbe {key: $key, name: 'héllo'})", key=key, database_="neo4j")
    records, _, _ = driver.execute_query(
        "MATCH (n:FixtureProbe {key: $key}) RETURN n.name AS name", key=key, database_="neo4j")
    assert [r["name"] for r in records] == ["héllo"]
    driver.execute_query("MATCH (n:FixtureProbe {key: $key}) DELETE n", key=key, database_="neo4j")


def test_community_edition_and_version(driver, info):
    records, _, _ = driver.execute_query("CALL dbms.components() YIELD versions, edition", database_="neo4j")
    assert records[0]["edition"] == "community"
    assert records[0]["versions"] == [info.version]


def test_community_has_one_user_database(driver):
    # isolate tests by clearing data, not by creating databases
    with pytest.raises(neo4j.exceptions.Neo4jError):
        driver.execute_query("CREATE DATABASE fixtureprobe", database_="system")


def test_memory_settings_reach_the_server(driver):
    """start(page_cache=..., heap=...) as Neo4j itself reports them (SHOW SETTINGS, the JVM's MXBean)."""
    recs, _, _ = driver.execute_query("SHOW SETTINGS YIELD name, value WHERE name = 'server.memory.pagecache.size' "
                                      "RETURN value", database_="neo4j")
    assert recs[0]["value"] == "96.00MiB"
    recs, _, _ = driver.execute_query("CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
                                      "RETURN attributes.HeapMemoryUsage.value.properties.max AS max",
                                      database_="neo4j")
    # -Xmx768m; the JVM reports a little less (one survivor space is not counted)
    assert 700 * 2**20 < recs[0]["max"] <= 768 * 2**20


def test_memory_arguments_are_checked():
    with pytest.raises(server.Neo4jServerError, match="'lots' is not a memory size"):
        server.start(page_cache="lots")
    with pytest.raises(server.Neo4jServerError, match="initial heap 2g is larger than the maximum 1g"):
        server.start(heap="2g,1g")


def test_dash_password_is_the_servers_password(driver, info):
    # a random token_urlsafe password begins with "-" one time in 64; set-initial-password must
    # take it as the password, not as an option (the fixture's password begins with "-")
    assert info.password.startswith("-")
    driver.verify_connectivity()
    assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1


def test_wrong_password_is_auth_error(info):
    with neo4j.GraphDatabase.driver(info.uri, auth=(info.user, info.password + "-wrong")) as bad:
        with pytest.raises(neo4j.exceptions.AuthError):
            bad.verify_connectivity()


def test_gds_procedures_callable(driver, info, manifest):
    gds = manifest.get("plugins", {}).get("gds", {})
    if not gds.get("available"):
        pytest.fail(f"fetch reported GDS not available: {gds.get('error')}", pytrace=False)
    assert info.gds_available, f"GDS was fetched but did not load: {info.plugin_error}"
    records, _, _ = driver.execute_query("CALL gds.version() YIELD gdsVersion", database_="neo4j")
    assert records[0]["gdsVersion"] == gds["version"]
    # an algorithm end to end: project, PageRank, drop
    driver.execute_query("UNWIND range(1, 4) AS i CREATE (:GdsProbe {i: i})", database_="neo4j")
    driver.execute_query("MATCH (a:GdsProbe), (b:GdsProbe) WHERE b.i = a.i + 1 CREATE (a)-[:NEXT]->(b)",
                         database_="neo4j")
    try:
        driver.execute_query("CALL gds.graph.project('probe', 'GdsProbe', 'NEXT')", database_="neo4j")
        records, _, _ = driver.execute_query(
            "CALL gds.pageRank.stream('probe') YIELD nodeId, score "
            "RETURN gds.util.asNode(nodeId).i AS i, score ORDER BY i", database_="neo4j")
        scores = [r["score"] for r in records]
        assert len(scores) == 4 and scores == sorted(scores)  # rank grows along the chain
    finally:
        driver.execute_query("CALL gds.graph.drop('probe', false)", database_="neo4j")
        driver.execute_query("MATCH (n:GdsProbe) DETACH DELETE n", database_="neo4j")


def test_apoc_callable(driver, info, manifest):
    apoc = manifest.get("plugins", {}).get("apoc", {})
    if not apoc.get("available"):
        pytest.fail(f"fetch reported APOC not available: {apoc.get('error')}", pytrace=False)
    assert info.apoc_available, f"APOC was fetched but did not load: {info.plugin_error}"
    records, _, _ = driver.execute_query("RETURN apoc.version() AS v, apoc.coll.sum([1, 2, 3]) AS s",
                                         database_="neo4j")
    assert records[0]["v"] == apoc["version"] and records[0]["s"] == 6


def test_state_file_and_status(info):
    state = info.home / server.STATE_FILE
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    again, running = server.status(info.home)
    assert running and again.uri == info.uri and again.password == info.password and again.pid == info.pid
    assert info.password not in repr(info)
    out = subprocess.run([sys.executable, str(SCRIPT), "status", "--home", str(info.home)],
                         capture_output=True, text=True, env={**os.environ, "USEIT_NEO4J_NO_REEXEC": "1"})
    assert out.returncode == 0 and info.uri in out.stdout


def test_stop_ends_server_and_removes_home(info):
    assert server.stop(info) is True  # exited on SIGTERM
    assert not server._alive(info.pid)
    assert not info.home.exists()
