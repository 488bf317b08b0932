"""CLI of the connector commands (click CliRunner); data: the seeds and tests/fixtures/mini.ttl."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from cli import main

from .conftest import BHAM, FIXTURES

COMMANDS = ["find", "links", "introduce", "neighbours", "brokers", "query", "queries"]


@pytest.fixture(scope="module")
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(args))

    return invoke


@pytest.mark.parametrize("cmd", COMMANDS)
def test_help(run, cmd):
    r = run(cmd, "--help")
    assert r.exit_code == 0, r.output
    assert "Examples:" in r.output
    assert run(cmd, "-h").exit_code == 0


def test_find_json(run):
    r = run("find", "SWBH", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert rows[0]["curie"] == "bham:swbh-nhs-trust" and rows[0]["score"] == 100.0


def test_find_accents_on_mini(run):
    r = run("find", "cafe creme", "--no-seeds", "--data", str(FIXTURES / "mini.ttl"), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)[0]["label"] == "Café Crème"


def test_links_table_json_csv(run):
    r = run("links", "Warm Earth", "Birmingham City Council")
    assert r.exit_code == 0, r.output
    assert "Warm Earth" in r.output and "Birmingham City Council" in r.output
    r = run("links", "Warm Earth", "Birmingham City Council", "--json")
    data = json.loads(r.output)
    assert data["from"] == BHAM + "warm-earth" and data["paths"]
    r = run("links", "Brushstrokes", "SWBH", "--csv", "--k", "2")
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert rows and {"path", "hop", "from", "to", "rel_type", "evidence"} <= set(rows[0])


def test_unknown_entity_exit_1(run):
    r = run("links", "Brushstrokez Nonexistent Thing", "SWBH")
    assert r.exit_code == 1
    assert "not found" in r.output and "did you mean" in r.output


def test_introduce_and_neighbours_and_brokers(run):
    r = run("introduce", "Warm Earth", "--to-type", "developer", "--json")
    assert r.exit_code == 0, r.output
    assert "score = 0.4*" in json.loads(r.output)[0]["why"]
    assert run("introduce", "Warm Earth").exit_code == 2
    r = run("neighbours", "Brushstrokes", "--tie", "linking", "--json")
    assert r.exit_code == 0 and all(x["tie"] == "linking" for x in json.loads(r.output))
    r = run("brokers", "bham:birmingham-settlement", "Birmingham City Council", "--json")
    assert json.loads(r.output)[0]["broker"] == BHAM + "useit-team"


def test_query_and_queries(run):
    r = run("queries", "--json")
    assert r.exit_code == 0 and len(json.loads(r.output)) == 8
    r = run("query", "find_brokers", "-p", "a=bham:birmingham-settlement", "-p", "b=Birmingham City Council", "--json")
    assert r.exit_code == 0, r.output
    assert {"broker": BHAM + "useit-team", "broker_label": "USE-IT! team", "role": "broker"} in json.loads(r.output)
    r = run("query", "find_paths", "-p", "a=Warm Earth")
    assert r.exit_code == 1 and "needs parameter b" in r.output
    assert run("query", "find_paths", "-p", "novalue").exit_code == 2
    r = run("query", "find_neighbors")
    assert r.exit_code == 1 and "did you mean" in r.output


# --- audit of issue 4 -------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["yesterday", "2030-13-45", "2018-6-1", "20180601"])
def test_as_of_must_be_a_date(bad):
    r = CliRunner().invoke(main, ["links", "Warm Earth", "Birmingham City Council", "--as-of", bad])
    assert r.exit_code == 2, r.output
    assert "--as-of" in r.stderr and "is not a date" in r.stderr


def test_as_of_date_filters(run):
    # Warm Earth's Support tie from iSE starts 2017-04-01 (seeds/relationships.ttl, from the report's
    # Work Package 6 infographic): on 2016-12-01 no path may use it
    r = run("links", "Warm Earth", "iSE", "--as-of", "2016-12-01", "--json")
    assert r.exit_code == 0, r.output
    assert all(h["relationships"][0]["start"] is None or h["relationships"][0]["start"] <= "2016-12-01"
               for p in json.loads(r.stdout)["paths"] for h in p["hops"])
    r = run("links", "Warm Earth", "iSE", "--as-of", "2017-06-01", "--json")
    assert [p["nodes"] for p in json.loads(r.stdout)["paths"]][0] == [BHAM + "warm-earth", BHAM + "ise"]


def test_links_why_in_table_and_csv(run):
    r = run("links", "Warm Earth", "Birmingham City Council", "--json", "--k", "3")
    whys = [p["why"] for p in json.loads(r.stdout)["paths"]]
    r = run("links", "Warm Earth", "Birmingham City Council", "--csv", "--k", "3")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [rw["why"] for rw in rows if rw["hop"] == "1"] == whys
    assert all(rw["why"] == whys[int(rw["path"]) - 1] for rw in rows)
    r = run("links", "Warm Earth", "Birmingham City Council", "--k", "3")
    assert r.exit_code == 0 and "why" in r.stdout.splitlines()[0]
    assert all(w in r.stdout for w in whys)


def test_introduce_already_tied_explains_and_exits_1(run):
    # the report's Work Package 6 infographic: iSE supports Warm Earth, so no introduction is needed
    r = run("introduce", "Warm Earth", "--to", "iSE")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "already directly tied via Support (bham:rel-ise-supports-warm-earth)" in r.stderr
    r = run("introduce", "Warm Earth", "--to", "iSE", "--json")
    assert r.exit_code == 1 and json.loads(r.stdout) == []


def test_introduce_out_of_reach_suggests_max_len(run, seed_graph):
    import networkx as nx

    H = nx.Graph(seed_graph.to_undirected())  # the peer: networkx distances on the undirected view
    d = nx.shortest_path_length(H, BHAM + "warm-earth", BHAM + "learning-works")
    assert d == 3
    r = run("introduce", "Warm Earth", "--to", "Learning Works", "--max-len", "2")
    assert r.exit_code == 1 and r.stdout == ""
    assert f"no path within max length 2; the shortest is {d} hops: try --max-len {d}" in r.stderr
    r = run("introduce", "Warm Earth", "--to", "Learning Works", "--max-len", str(d))
    assert r.exit_code == 0 and "Learning Works" in r.stdout
    # a target in another component of the seed graph
    other = next(n for n in sorted(seed_graph) if n.startswith(BHAM) and not nx.has_path(H, BHAM + "warm-earth", n))
    r = run("introduce", "Warm Earth", "--to", other.replace(BHAM, "bham:"))
    assert r.exit_code == 1 and "no path at any length" in r.stderr


def test_neighbours_show_evidence(run):
    # report section 5, Recommendations: "The Learning Works and Brushstrokes have been key brokers in
    # the success of Work Package 5."
    quote = "The Learning Works and Brushstrokes have been key brokers in the success of Work Package 5."
    r = run("neighbours", "Brushstrokes", "--json")
    rows = [x for x in json.loads(r.stdout) if x["neighbour"] == BHAM + "learning-works" and x["edge"] == "BROKERS"]
    assert rows and quote in [e["quote"] for e in rows[0]["evidence"]]
    assert rows[0]["evidence_count"] == len(rows[0]["evidence"]) >= 2
    assert rows[0]["section"].startswith("5 Pathways to employment")
    r = run("neighbours", "Brushstrokes", "--csv")
    crow = [x for x in csv.DictReader(io.StringIO(r.stdout)) if x["rel"] == rows[0]["rel"]][0]
    assert all(f"[{e['section']}] {e['quote']}" in crow["evidence"] for e in rows[0]["evidence"])
    r = run("neighbours", "Brushstrokes")
    head = r.stdout.splitlines()[0].split()
    assert {"section", "quote", "evidence"} <= set(head)
    assert rows[0]["section"] in r.stdout and quote[:40] in r.stdout
