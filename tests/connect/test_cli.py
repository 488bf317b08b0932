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
