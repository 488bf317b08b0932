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
    for ds in ("test-seeds", "test-mini", "test-kill", "test-cli", "test-twin-a", "test-twin-b",
               "test-change", "test-int", "test-other"):
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
        "MATCH (r:Relationship:Resource) WHERE 'test-seeds' IN r.datasets AND r.start IS NOT NULL "
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


def test_with_metrics_writes_the_columns_of_useit_metrics(neo4j_server, conn, loaded_seeds, seed_graph):
    """`useit neo4j load --with-metrics` writes what `useit metrics --level node --json` prints.

    The expected values are the JSON of the `useit metrics` command itself (run here through the
    CLI), so a metric computed differently for Neo4j (parallel edges counted in degree,
    unnormalised betweenness, as before) fails. `useit metrics` rounds floats to 6 places.
    """
    from click.testing import CliRunner

    from cli import main

    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": "neo4j"}
    runner = CliRunner()
    r = runner.invoke(main, ["metrics", "--level", "node", "--json"])
    assert r.exit_code == 0, r.output
    want = {row["node"]: row for row in json.loads(r.stdout)}
    r = runner.invoke(main, ["neo4j", "load", "--dataset", "test-seeds", "--with-metrics"], env=env)
    assert r.exit_code == 0, r.output
    recs, _, _ = conn.driver.execute_query(
        "MATCH (n:Resource {projected: true}) WHERE 'test-seeds' IN n.datasets "
        "RETURN n.uri AS u, properties(n) AS p", database_="neo4j")
    got = {rec["u"]: rec["p"] for rec in recs}
    assert set(got) == set(want) == set(seed_graph.nodes)
    columns = [c for c in next(iter(want.values())) if c not in ("node", "label", "type", "tier", "group")]
    assert {"degree", "betweenness", "constraint", "effective_size", "to_anchor"} <= set(columns)
    for v, row in want.items():
        for c in columns:
            x = got[v].get(c)
            x = round(x, 6) if isinstance(x, float) else x
            assert x == row[c], (v, c)
    # degree counts neighbours, not parallel edges: some node has more edges than neighbours
    assert any(seed_graph.degree(v) != want[v]["degree"] for v in want)
    assert any(isinstance(got[v].get("community"), int) for v in want)


def _same_graph(got, want):
    assert dict(got.nodes(data=True)) == dict(want.nodes(data=True))
    assert {(u, v, k): d for u, v, k, d in got.edges(keys=True, data=True)} == \
        {(u, v, k): d for u, v, k, d in want.edges(keys=True, data=True)}


def test_wipe_one_of_two_datasets_sharing_iris_leaves_the_other_whole(conn, seed_dataset, seed_graph):
    """The seeds loaded as two datasets share every IRI; wiping the one loaded last keeps the other.

    Expected graph: the embedded projection of the seeds (project_graph), which dataset A must
    still export exactly. Before the fix a node had one `dataset` value, overwritten by the last
    load, so wiping B deleted A's whole graph.
    """
    everything_before = store.counts(conn)
    a = store.build_rows(seed_dataset[0], dataset_id="test-twin-a", graph=seed_graph)
    b = store.build_rows(seed_dataset[0], dataset_id="test-twin-b", graph=seed_graph)
    store.load(conn, a, wipe=True)
    store.load(conn, b, wipe=True)
    for ds, rows in (("test-twin-a", a), ("test-twin-b", b)):
        c = store.counts(conn, ds)
        assert c["nodes"] == rows.n_nodes and c["relationships"] == rows.n_relationships, ds
    assert store.wipe(conn, "test-twin-b") == 0  # every node is also A's: none deleted
    assert store.counts(conn, "test-twin-b")["nodes"] == 0
    c = store.counts(conn, "test-twin-a")
    assert c["nodes"] == a.n_nodes and c["relationships"] == a.n_relationships
    _same_graph(store.export(conn, "test-twin-a"), seed_graph)
    # wiping A too deletes what only the twins held and nothing of the other datasets
    store.wipe(conn, "test-twin-a")
    assert store.counts(conn, "test-twin-a")["nodes"] == 0
    assert store.counts(conn)["nodes"] == everything_before["nodes"]
    assert store.counts(conn)["relationships"] == everything_before["relationships"]
    assert not store.load_states(conn, "test-twin-a") and not store.load_states(conn, "test-twin-b")


def test_reload_after_data_change_removes_what_the_data_no_longer_has(conn, paths, tmp_path):
    """Re-load mini.ttl after a change: drop the partnership ex:r3, make ex:hub a CommunityGroup.

    Expected: exactly the projection of the changed file (project_graph) and its rows' counts;
    before the fix the old r3 node, its role links and its PARTNERS_WITH edge, and hub's old
    labels (SupportOrganisation, Intermediary) stayed behind.
    """
    from useit_graph.load import load_files
    from useit_graph.project import project_graph

    text = (paths.root / "tests" / "fixtures" / "mini.ttl").read_text(encoding="utf-8")
    r3 = text.index("ex:r3 a uit:Partnership")
    changed = text[:r3].replace("ex:hub a uit:SupportOrganisation", "ex:hub a uit:CommunityGroup")
    assert changed != text[:r3]
    f = tmp_path / "mini-changed.ttl"
    f.write_text(changed, encoding="utf-8")
    old, _ = load_files([paths.ontology, paths.root / "tests" / "fixtures" / "mini.ttl"], root=paths.root)
    new, _ = load_files([paths.ontology, f], root=paths.root)
    store.load(conn, store.build_rows(old, dataset_id="test-change"), wipe=True)
    rows = store.build_rows(new, dataset_id="test-change")
    result = store.load(conn, rows)
    assert result["mode"] == "merge"
    want = project_graph(new)
    _same_graph(store.export(conn, "test-change"), want)
    c = store.counts(conn, "test-change")
    assert (c["nodes"], c["relationships"]) == (rows.n_nodes, rows.n_relationships)
    hub = "https://example.org/mini/hub"
    recs, _, _ = conn.driver.execute_query("MATCH (n:Resource {uri: $u}) RETURN labels(n) AS l", u=hub,
                                           database_="neo4j")
    assert set(recs[0]["l"]) == set(want.nodes[hub]["types"]) | {"Resource"}
    assert "SupportOrganisation" not in recs[0]["l"]
    # ex:r3 is no longer this dataset's (another test dataset may still hold the same IRI)
    recs, _, _ = conn.driver.execute_query("MATCH (n:Resource {uri: $u}) RETURN n.datasets AS d",
                                           u="https://example.org/mini/r3", database_="neo4j")
    assert all("test-change" not in r["d"] for r in recs)
    assert result["pruned"]["nodes_released"] == 1 and result["pruned"]["labels_removed"] == 2


_OTHER = """
@prefix uit: <https://w3id.org/useit-graph/ns#> .
@prefix ex: <https://example.org/mini/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:cafe a uit:SocialEnterprise ; rdfs:label "Café Crème" ; uit:group uit:sector-environment .
ex:bakery a uit:SocialEnterprise ; rdfs:label "Other Bakery" ; uit:group uit:sector-environment .
ex:r9 a uit:Partnership ; rdfs:label "Cafe and bakery partner" ; uit:partner ex:cafe, ex:bakery .
"""


def test_cypher_twins_keep_one_dataset(conn, mini_dataset, paths, tmp_path):
    """`$dataset` keeps one dataset's edges: mini's neighbours of ex:cafe equal SPARQL on mini.

    A second dataset shares ex:cafe and adds a partnership with ex:bakery; before the fix the
    twins mixed both datasets.
    """
    from useit_graph.load import load_files
    from useit_graph.queries import run_sparql

    f = tmp_path / "other.ttl"
    f.write_text(_OTHER, encoding="utf-8")
    other, _ = load_files([paths.ontology, f], root=paths.root)
    store.load(conn, store.build_rows(mini_dataset, dataset_id="test-mini"), wipe=True)
    store.load(conn, store.build_rows(other, dataset_id="test-other"), wipe=True)
    cafe, bakery = "https://example.org/mini/cafe", "https://example.org/mini/bakery"

    def neighbours(ds):
        rows = store.run_cypher("find_neighbours", {"entity": cafe}, conn, dataset=ds)
        return sorted((r["neighbour"], r["rel"]) for r in rows)

    from rdflib import URIRef

    want_mini = sorted((r["neighbour"], r["rel"]) for r in
                       run_sparql("find_neighbours", None, mini_dataset, bindings={"entity": URIRef(cafe)}))
    assert want_mini and bakery not in {n for n, _ in want_mini}
    assert neighbours("test-mini") == want_mini
    assert neighbours("test-other") == [(bakery, "https://example.org/mini/r9")]
    assert neighbours(None) == sorted(want_mini + [(bakery, "https://example.org/mini/r9")])
    store.wipe(conn, "test-other")


def test_date_parameters_are_neo4j_dates(conn, loaded_seeds, seed_dataset, tmp_path):
    """A `date` parameter given as an ISO string is sent as a Neo4j date.

    Expected: the number of relationships in the seeds that start on or before 2018-06-30,
    counted by SPARQL on the RDF. Sent as a string (before the fix) the comparison with the
    loaded dates is null and the count is 0.
    """
    q = tmp_path / "started_by.cypher"
    q.write_text("// title: Relationships started by a date\n// description: Count them.\n// params: as_of:date\n"
                 "MATCH (r:Relationship) WHERE $dataset IN r.datasets AND r.start <= $as_of\n"
                 "RETURN count(DISTINCT r) AS n\n", encoding="utf-8")
    want = int(next(iter(seed_dataset[0].query("""
        PREFIX uit: <https://w3id.org/useit-graph/ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {
          ?r a ?c . ?c rdfs:subClassOf* uit:Relationship . ?r uit:startDate ?d .
          FILTER (?d <= "2018-06-30"^^xsd:date) }""")))[0])
    assert want > 0
    got = store.run_cypher(q, {"as_of": "2018-06-30"}, conn, dataset="test-seeds")
    assert got == [{"n": want}]
    from useit_graph.errors import UseitGraphError

    with pytest.raises(UseitGraphError, match="must be an ISO date"):
        store.run_cypher(q, {"as_of": "30/06/2018"}, conn, dataset="test-seeds")


def test_cypher_syntax_error_names_the_file_and_position(conn, neo4j_server, tmp_path):
    """A broken user query file: one UseitGraphError with the file and the server's position."""
    from click.testing import CliRunner

    from cli import main

    q = tmp_path / "broken.cypher"
    q.write_text("// title: Broken\n// description: A query with a syntax error.\n// params: a\n"
                 "MATCH (n:Resource {uri: $a}\nRETURN n\n", encoding="utf-8")
    with pytest.raises(store.CypherQueryError) as info:
        store.run_cypher(q, {"a": "x"}, conn)
    text = str(info.value)
    assert str(q) in text and "Neo.ClientError.Statement.SyntaxError" in text
    assert "line 5, column 1" in text  # RETURN, on the file's 5th line (header lines count)
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": "neo4j", "USEIT_QUERIES": str(tmp_path)}
    r = CliRunner().invoke(main, ["query", "broken", "-p", "a=x", "--backend", "neo4j"], env=env)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and f"Error: {q}: Neo4j refused the query" in r.output


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


def test_server_stopped(neo4j_server, neo4j_skip, mini_dataset):
    """A throw-away server: stop it mid-load, then call it again.

    The load that loses its server says how many rows were committed (the marker commits with
    each batch, so the count is the server's own) and to re-run; the next call says the server
    is down, in one message.
    """
    if getattr(neo4j_server, "external", False):
        neo4j_skip("NEO4J_URI points at the user's own server; a throw-away one is not started")
    from useit_graph.store import neo4j_server as server

    from _synth_rows import synth_rows

    info = server.start(plugins=False)
    rows = synth_rows(1500, "test-kill")
    try:
        c = store.connect(info.uri, info.user, info.password, "neo4j", max_retry_time=2.0)
        seen = []

        def stop_after_two_batches(done, total):
            seen.append(done)
            if len(seen) == 2:
                server.stop(info)

        with pytest.raises(store.LoadInterrupted) as exc:
            store.load(c, rows, batch_size=100, progress=stop_after_two_batches)
    finally:
        server.stop(info)
    text = str(exc.value)
    # two batches committed before the stop (batches follow the label groups, so they are uneven)
    assert len(seen) == 2 and exc.value.done == seen[-1] and exc.value.total == len(rows)
    assert (f"{seen[-1]} of {len(rows)} rows committed; the batch in flight was rolled back; "
            "re-run the same command to complete") in text
    assert f"lost the connection to Neo4j at {info.uri}" in text
    with pytest.raises(StoreUnavailable) as exc:
        store.load(c, store.build_rows(mini_dataset, dataset_id="test-mini"))
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
        "MATCH (n:Resource) WHERE 'test-kill' IN n.datasets RETURN n.uri AS u", database_="neo4j")
    visible = {r["u"] for r in recs}
    # committed batches are a prefix of the plan: the one in flight left nothing behind
    assert len(visible) in (reported, reported + batch)
    assert visible == set(plan_uris[: len(visible)])
    # the load marker committed with each batch: it says exactly what is there, and status warns
    states = store.half_loaded(conn, "test-kill")
    assert [(s["state"], s["rows_done"], s["rows_total"]) for s in states] == \
        [("running", len(visible), len(rows))]
    from click.testing import CliRunner

    from cli import main

    cli_env = {k: env[k] for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")}
    r = CliRunner().invoke(main, ["neo4j", "status", "--json", "--dataset", "test-kill"], env=cli_env)
    assert r.exit_code == 0, r.output
    assert (f"dataset 'test-kill' is half loaded: {len(visible)} of {len(rows)} rows committed"
            in r.stderr)
    assert json.loads(r.stdout)["loads"][0]["state"] == "running"
    r = CliRunner().invoke(main, ["neo4j", "export", "--dataset", "test-kill", "--json"], env=cli_env)
    assert r.exit_code == 0 and "is half loaded" in r.stderr
    # re-running completes the load, with no duplicates
    result = store.load(conn, rows, batch_size=batch)
    assert result["resumed"]["rows_done"] == len(visible)
    c = store.counts(conn, "test-kill")
    assert c["nodes"] == c["uris"] == rows.n_nodes
    assert c["relationships"] == rows.n_relationships
    assert store.half_loaded(conn, "test-kill") == []
    assert store.load_states(conn, "test-kill")[0]["rows_done"] == len(rows)
    store.wipe(conn, "test-kill")


def test_ctrl_c_mid_load_says_what_was_committed_and_rerun_completes(conn, neo4j_server, tmp_path):
    """SIGINT to `useit neo4j load` mid-way: one message with the committed count, exit 130.

    The count must equal the load marker's rows_done (committed with each batch). Before the fix
    Ctrl-C printed click's bare "Aborted!" and left no trace of the half load.
    """
    import re
    import time

    from useit_graph.synth import generate, iter_ntriples

    city = tmp_path / "city.nt"
    city.write_text("".join(iter_ntriples(generate(600, 3000, 7))), encoding="utf-8")
    store.wipe(conn, "test-int")
    env = {**os.environ, "NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": "neo4j", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-c", "from cli import main; main()", "neo4j", "load", "--no-seeds",
           "--data", str(city), "--dataset", "test-int", "--batch-size", "50"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        states = store.load_states(conn, "test-int")
        if states and states[0]["state"] == "running" and states[0]["rows_done"] >= 500:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the load ended before it could be interrupted: " + proc.stderr.read()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    m = re.search(r"(\d+) of (\d+) rows committed; the batch in flight was rolled back; "
                  r"re-run the same command to complete", err)
    assert m, err
    assert "Traceback" not in err and "Aborted" not in err
    state = store.load_states(conn, "test-int")[0]
    assert state["state"] == "running"
    assert (int(m.group(1)), int(m.group(2))) == (state["rows_done"], state["rows_total"])
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "completing an interrupted load: dataset 'test-int' is half loaded" in out.stderr
    from useit_graph.load import load_files
    from useit_graph.paths import get_paths

    ds, _ = load_files([get_paths().ontology, city], root=ROOT)
    rows = store.build_rows(ds, dataset_id="test-int")
    c = store.counts(conn, "test-int")
    assert c["nodes"] == c["uris"] == rows.n_nodes  # no duplicates
    assert c["relationships"] == rows.n_relationships
    assert store.load_states(conn, "test-int")[0]["state"] == "complete"
    assert state["rows_total"] == len(rows)
    store.wipe(conn, "test-int")


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
