"""`useit metrics`, `useit outcomes`, `useit report` through click's CliRunner.

Expected numbers are the hand counts of ``tests/fixtures/mini.ttl`` (see test_tie_tables.py)
and of ``fixtures/two-snapshots.ttl`` (see test_system_change.py).
"""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parents[2]
MINI = str(ROOT / "tests" / "fixtures" / "mini.ttl")
TWO = str(Path(__file__).parent / "fixtures" / "two-snapshots.ttl")


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", ["metrics", "outcomes", "report"])
def test_help(command):
    r = run(command, "--help")
    assert r.exit_code == 0, r.output
    assert "Examples:" in r.output
    assert run(command, "-h").exit_code == 0


def test_metrics_network_json():
    r = run("metrics", "--no-seeds", "--data", MINI, "--json")
    assert r.exit_code == 0, r.output
    row = json.loads(r.output)[0]
    assert (row["edges"], row["linking"], row["bridging"], row["micro_assets"], row["share_reach_macro"]) == \
        (5, 4, 1, 2, 1.0)


def test_metrics_node_level_with_tier_partition():
    r = run("metrics", "--no-seeds", "--data", MINI, "--level", "node", "--partition", "tier", "--json")
    assert r.exit_code == 0, r.output
    rows = {x["label"]: x for x in json.loads(r.output)}
    assert list(rows) == ["Café Crème", "City Council", "Garden Group", "Hub"]  # sorted by IRI
    cafe = rows["Café Crème"]
    assert (cafe["linking"], cafe["bridging"], cafe["to_anchor"]) == (2, 1, 1)
    # with tier as the partition, bridging share equals the share of linking ties
    assert cafe["bridging_share_tier"] == pytest.approx(cafe["share_linking"])


@pytest.mark.parametrize("level,key,first", [("tier", "tier", "intermediary"),
                                             ("work-package", "work_package", "(none)")])
def test_metrics_tier_and_work_package(level, key, first):
    r = run("metrics", "--no-seeds", "--data", MINI, "--level", level, "--csv")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith(key + ",edges,bonding,bridging,linking")
    assert lines[1].startswith(first + ",")


def test_metrics_filters():
    r = run("metrics", "--no-seeds", "--data", MINI, "--rel-type", "Funding", "--json")
    assert json.loads(r.output)[0]["edges"] == 1
    r = run("metrics", "--no-seeds", "--data", MINI, "--as-of", "2018-01-01", "--json")
    assert json.loads(r.output)[0]["edges"] == 1


def test_outcomes_default_dates_from_programme():
    r = run("outcomes", "--no-seeds", "--data", TWO, "--json")
    assert r.exit_code == 0, r.output
    rows = {(x["measured_by"], x["indicator"]): x for x in json.loads(r.output)}
    x = rows[("anchor_linking_ties", "linking_ties_to_micro")]
    assert (x["baseline"], x["end"], x["delta"], x["baseline_date"], x["end_date"]) == \
        (3, 8, 5, "2017-01-01", "2019-12-31")


def test_outcomes_without_dates_is_a_usage_error():
    r = CliRunner().invoke(main, ["outcomes", "--no-seeds", "--data", MINI])
    assert r.exit_code == 2
    assert "no baseline or end date" in r.output and "--baseline" in r.output


def test_report_writes_and_prints_paths(tmp_path):
    r = run("report", "--no-seeds", "--data", TWO, "-o", str(tmp_path / "rep"))
    assert r.exit_code == 0, r.output
    printed = r.output.split()
    assert str(tmp_path / "rep" / "report.html") in printed and str(tmp_path / "rep" / "report.md") in printed
    assert all(Path(p).is_file() for p in printed)
