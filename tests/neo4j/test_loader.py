"""The Neo4j loader against a real server (``neo4j_server`` fixture: scripts/neo4j-server or NEO4J_URI).

Each test owns dataset ids starting with ``test-`` and wipes only those, so the tests can run on a
server that holds other data. Expected numbers come from :func:`build_rows` (what was sent) and
:func:`project_graph` (the embedded projection the export must reproduce).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from useit_graph.errors import StoreUnavailable
from useit_graph.store import neo4j as store

pytestmark = pytest.mark.neo4j
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def conn(neo4j_server):
    c = store.connect(neo4j_server.uri, neo4j_server.user, neo4j_server.password, "neo4j")
    yield c
    for ds in ("test-seeds", "test-mini", "test-kill", "test-cli"):
        store.wipe(c, ds)
    c.close()


@pytest.fixture(scope="module")
def mini_dataset(paths):
    from useit_graph.load import load_files

    ds, _ = load_files([paths.ontology, paths.root / "tests" / "fixtures" / "mini.ttl"], root=paths.root)
    return ds


@pytest.fixture(scope="module")
def seed_rows(seed_dataset, seed_graph):
    return store.build_rows(seed_dataset[0], dataset_id="test-seeds", graph=seed_graph)


@pytest.fixture(scope="module")
def loaded_seeds(conn, seed_rows):
    store.load(conn, seed_rows, batch_size=50, wipe=True)
    return seed_rows


def test_load_counts_match_rows(conn, loaded_seeds):
    c = store.counts(conn, "test-seeds")
    assert c["nodes"] == c["uris"] == loaded_seeds.n_nodes
    assert c["relationships"] == loaded_seeds.n_relationships


def test_load_is_idempotent(conn, loaded_seeds):
    before = store.counts(conn, "test-seeds")
    result = store.load(conn, loaded_seeds, batch_size=7)
    assert result["batches"] > 1
    assert store.counts(conn, "test-seeds") == before
    store.load(conn, loaded_seeds, batch_size=10_000)
    assert store.counts(conn, "test-seeds") == before


def test_constraint_exists(conn, loaded_seeds):
    recs, _, _ = conn.driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type "
        "WHERE 'Resource' IN labelsOrTypes RETURN properties, type", database_="neo4j")
    assert any(r["properties"] == ["uri"] and r["type"] == "UNIQUENESS" for r in recs)


def test_labels_and_typed_properties(conn, loaded_seeds, seed_graph):
    import neo4j.time

    recs, _, _ = conn.driver.execute_query(
        "MATCH (r:Relationship:Resource {dataset: 'test-seeds'}) WHERE r.start IS NOT NULL "
        "RETURN r.start AS start, labels(r) AS labels LIMIT 5", database_="neo4j")
    assert recs, "no relationship nodes with a start date"
    for r in recs:
        assert isinstance(r["start"], neo4j.time.Date)
        assert "Relationship" in r["labels"] and "Resource" in r["labels"]
    u = next(n for n, d in seed_graph.nodes(data=True) if d["type"] != "Thing")
    recs, _, _ = conn.driver.execute_query("MATCH (n:Resource {uri: $u}) RETURN labels(n) AS l",
                                           u=str(u), database_="neo4j")
    assert set(recs[0]["l"]) == set(seed_graph.nodes[u]["types"]) | {"Resource"}


def test_round_trip_equals_projection(conn, loaded_seeds, seed_graph):
    G = store.export(conn, "test-seeds")
    assert set(G.nodes) == set(seed_graph.nodes)
    assert set(G.edges(keys=True)) == set(seed_graph.edges(keys=True))
    for n, d in seed_graph.nodes(data=True):
        assert G.nodes[n] == d, n
    for u, v, k, d in seed_graph.edges(keys=True, data=True):
        assert G.edges[u, v, k] == d, (u, v, k)
    assert G.graph == {k: seed_graph.graph[k] for k in G.graph}


def test_round_trip_mini(conn, mini_dataset):
    from useit_graph.project import project_graph

    rows = store.build_rows(mini_dataset, dataset_id="test-mini")
    store.load(conn, rows, wipe=True)
    want = project_graph(mini_dataset)
    got = store.export(conn, "test-mini")
    assert dict(got.nodes(data=True)) == dict(want.nodes(data=True))
    assert {(u, v, k): d for u, v, k, d in got.edges(keys=True, data=True)} == \
        {(u, v, k): d for u, v, k, d in want.edges(keys=True, data=True)}


def test_wipe_removes_only_this_dataset(conn, loaded_seeds, mini_dataset):
    store.load(conn, store.build_rows(mini_dataset, dataset_id="test-mini"), wipe=True)
    seeds_before = store.counts(conn, "test-seeds")
    assert store.counts(conn, "test-mini")["nodes"] > 0
    removed = store.wipe(conn, "test-mini")
    assert removed > 0
    assert store.counts(conn, "test-mini")["nodes"] == 0
    assert store.counts(conn, "test-seeds") == seeds_before
    # load --wipe replaces this dataset, still leaving the other alone
    rows = store.build_rows(mini_dataset, dataset_id="test-mini")
    r = store.load(conn, rows, wipe=True)
    assert r["wiped"] == 0
    r = store.load(conn, rows, wipe=True)
    assert r["wiped"] == rows.n_nodes
    assert store.counts(conn, "test-seeds") == seeds_before


def test_write_metrics(conn, loaded_seeds, seed_graph):
    metrics = store.compute_metrics(seed_graph)
    assert store.write_metrics(conn, metrics) == seed_graph.number_of_nodes()
    recs, _, _ = conn.driver.execute_query(
        "MATCH (n:Resource {dataset: 'test-seeds', projected: true}) RETURN n.uri AS u, n.degree AS d, "
        "n.betweenness AS b, n.community AS c", database_="neo4j")
    got = {r["u"]: (r["d"], r["b"], r["c"]) for r in recs}
    for v, m in metrics.items():
        assert got[v] == (m["degree"], m["betweenness"], m["community"])


# ------------------------------------------------------------------------------------------
# Failure behaviour
# ------------------------------------------------------------------------------------------

def test_wrong_password(neo4j_server):
    with pytest.raises(StoreUnavailable) as info:
        store.connect(neo4j_server.uri, neo4j_server.user, neo4j_server.password + "-wrong", "neo4j")
    text = str(info.value)
    assert f"Neo4j at {neo4j_server.uri} refused the credentials" in text
    assert "Fix: set NEO4J_PASSWORD" in text


def test_wrong_database(neo4j_server):
    with pytest.raises(StoreUnavailable) as info:
        store.connect(neo4j_server.uri, neo4j_server.user, neo4j_server.password, "nosuchdb")
    text = str(info.value)
    assert "has no database 'nosuchdb'" in text
    assert "Fix: set NEO4J_DATABASE (Community has only 'neo4j')" in text


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_down_closed_port():
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    with pytest.raises(StoreUnavailable) as info:
        store.connect(uri, "neo4j", "x")
    text = str(info.value)
    assert f"cannot reach Neo4j at {uri}" in text
    assert "Fix: start it (`scripts/neo4j-server start`) or set NEO4J_URI" in text


def test_server_stopped(neo4j_server, mini_dataset):
    """Start a throw-away server, load into it, stop it: the next call says the server is down."""
    if getattr(neo4j_server, "external", False):
        pytest.skip("NEO4J_URI points at the user's own server; a throw-away one is not started")
    from useit_graph.store import neo4j_server as server

    info = server.start()
    try:
        c = store.connect(info.uri, info.user, info.password, "neo4j")
        rows = store.build_rows(mini_dataset, dataset_id="test-mini")
        store.load(c, rows)
    finally:
        server.stop(info)
    with pytest.raises(StoreUnavailable) as exc:
        store.load(c, rows)
    assert f"cannot reach Neo4j at {info.uri}" in str(exc.value)
    c.close()


_KILL_SCRIPT = textwrap.dedent("""
    import sys
    from useit_graph.store import neo4j as store
    sys.path.insert(0, sys.argv[1])
    from _synth_rows import synth_rows
    rows = synth_rows(int(sys.argv[2]), "test-kill")
    conn = store.connect()
    def progress(done, total):
        print(done, flush=True)
    store.load(conn, rows, batch_size=int(sys.argv[3]), progress=progress)
    print("finished", flush=True)
""")


def test_interrupted_load_rolls_back_batch_and_rerun_completes(conn, neo4j_server, tmp_path):
    from _synth_rows import synth_rows

    n_rels, batch = 4000, 200
    rows = synth_rows(n_rels, "test-kill")
    store.wipe(conn, "test-kill")
    plan_uris = [r["uri"] for _, _, rs in store.plan(rows)[: len(rows.nodes)] for r in rs]
    env = {**os.environ, "NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": "neo4j", "PYTHONPATH": str(ROOT)}
    script = tmp_path / "kill_me.py"
    script.write_text(_KILL_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(Path(__file__).parent), str(n_rels), str(batch)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    seen = []
    for line in proc.stdout:
        seen.append(line.strip())
        if line.strip().isdigit() and int(line) >= 5 * batch:
            proc.send_signal(signal.SIGKILL)
            break
    rest, err = proc.communicate(timeout=60)
    seen += [x for x in rest.split() if x]
    assert proc.returncode == -signal.SIGKILL, err
    assert "finished" not in seen
    reported = int(seen[-1])
    assert reported < rows.n_nodes, "the kill came after the node batches; raise n_rels"
    recs, _, _ = conn.driver.execute_query(
        "MATCH (n:Resource {dataset: 'test-kill'}) RETURN n.uri AS u", database_="neo4j")
    visible = {r["u"] for r in recs}
    # committed batches are a prefix of the plan: the one in flight left nothing behind
    assert len(visible) in (reported, reported + batch)
    assert visible == set(plan_uris[: len(visible)])
    # re-running completes the load, with no duplicates
    store.load(conn, rows, batch_size=batch)
    c = store.counts(conn, "test-kill")
    assert c["nodes"] == c["uris"] == rows.n_nodes
    assert c["relationships"] == rows.n_relationships
    store.wipe(conn, "test-kill")


# ------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------

def test_cli_load_status_export(neo4j_server, conn, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cli import main

    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": "neo4j"}
    runner = CliRunner()
    mini = str(ROOT / "tests" / "fixtures" / "mini.ttl")
    r = runner.invoke(main, ["neo4j", "load", "--no-seeds", "--data", mini, "--dataset", "test-cli",
                             "--wipe", "--with-metrics", "--batch-size", "3"], env=env)
    assert r.exit_code == 0, r.output
    assert "relationships/s" in r.output
    r = runner.invoke(main, ["neo4j", "status", "--json", "--dataset", "test-cli"], env=env)
    assert r.exit_code == 0, r.output
    info = json.loads(r.stdout)
    assert info["nodes"] == 9 and info["edition"] == "community"
    out = tmp_path / "g.graphml"
    r = runner.invoke(main, ["neo4j", "export", "--dataset", "test-cli", "-o", str(out)], env=env)
    assert r.exit_code == 0, r.output
    assert "Garden Group" in out.read_text()
    r = runner.invoke(main, ["neo4j", "export", "--dataset", "test-cli", "--json"], env=env)
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)["nodes"]) == 4


def test_cli_wrong_password_message(neo4j_server):
    from click.testing import CliRunner

    from cli import main

    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password + "-wrong"}
    r = CliRunner().invoke(main, ["neo4j", "status"], env=env)
    assert r.exit_code == 1
    assert "Fix: set NEO4J_PASSWORD" in r.output
