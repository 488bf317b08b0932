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


# Hand counts on tests/fixtures/mini.ttl for the new levels. Nodes: garden (micro, community),
# cafe (micro, environment), hub (intermediary, social-economy), council (macro,
# public-administration). Simple undirected view: garden-council (r1), cafe-council (r2's derived
# tie), hub-cafe, hub-council (r2's BROKERS), garden-cafe (r3): 5 ties, garden-cafe within a tier.
# Brokerage digraph (docs/measures.md): council->garden, hub<->cafe, hub<->council, garden<->cafe
# (r2's derived cafe-council tie left out). Open 2-paths by tier: hub: cafe>hub>council and
# council>hub>cafe (liaison); cafe: hub>cafe>garden (gatekeeper), garden>cafe>hub
# (representative); council: hub>council>garden (liaison); garden: council>garden>cafe
# (gatekeeper). Density 7 arcs / 12; E[t] = d^2 (1 - d) n (n-1) (n-2) = (7/12)^2 (5/12) 24.

def _json(*args):
    r = run("metrics", "--no-seeds", "--data", MINI, *args, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout if hasattr(r, "stdout") else r.output)


def test_metrics_brokerage_level_hand_counted():
    rows = {x["name"]: x for x in _json("--level", "brokerage", "--partition", "tier")}
    assert [rows[n]["observed"] for n in ("coordinator", "itinerant", "representative", "gatekeeper",
                                          "liaison", "total")] == [0, 0, 1, 2, 3, 6]
    assert rows["total"]["expected"] == pytest.approx((7 / 12) ** 2 * (5 / 12) * 24, abs=1e-6)


def test_metrics_node_level_new_columns_hand_counted():
    rows = {x["label"]: x for x in _json("--level", "node", "--partition", "tier", "--permutations", "99")}
    hub, cafe = rows["Hub"], rows["Café Crème"]
    assert (hub["liaison"], hub["brokerage_tier"]) == (2, 2)
    assert (cafe["representative"], cafe["gatekeeper"], cafe["brokerage_tier"]) == (1, 1, 2)
    assert (rows["City Council"]["liaison"], rows["Garden Group"]["gatekeeper"]) == (1, 1)
    # cafe's contacts: council (macro), hub (intermediary), garden (micro): Blau 1 - 3/9, IQV (K = 3) 1
    assert cafe["blau_tier"] == pytest.approx(2 / 3) and cafe["iqv_tier"] == pytest.approx(1.0)
    assert cafe["closeness"] == pytest.approx(1.0)  # adjacent to the three others
    assert cafe["ei_index_tier"] == pytest.approx((2 - 1) / 3)  # 2 ties across tiers, 1 within
    assert 0 < cafe["ei_p_tier"] <= 1 and cafe["hierarchy"] is not None
    for key in ("z_liaison", "z_total", "constraint", "community", "cut_off_in_scenario"):
        assert key in hub


def test_metrics_group_and_blocks_levels_hand_counted():
    groups = {x["tier"]: x for x in _json("--level", "group", "--partition", "tier", "--permutations", "99")}
    # micro: garden-cafe within; garden-council, cafe-council, cafe-hub across -> (3 - 1) / 4
    assert (groups["micro"]["ties_internal"], groups["micro"]["ties_external"]) == (1, 3)
    assert groups["micro"]["ei_index"] == pytest.approx(0.5)
    assert groups["macro"]["ei_index"] == 1.0 and groups["intermediary"]["ties_external"] == 2
    blocks = {x["block"]: x for x in _json("--level", "blocks", "--partition", "tier")}
    assert list(blocks) == ["micro", "intermediary", "macro"]
    assert (blocks["micro"]["micro"], blocks["micro"]["intermediary"], blocks["micro"]["macro"]) == (1.0, 0.5, 1.0)
    assert blocks["intermediary"]["macro"] == 1.0 and blocks["macro"]["macro"] is None  # one-node block: n/a


def test_metrics_sector_partition_legacy_and_communities():
    row = _json("--partition", "sector", "--permutations", "99")[0]
    # four sectors, one node each: every tie is external
    assert row["ei_index_sector"] == 1.0 and row["brokerage_sector"] == 6
    legacy = _json("--level", "legacy")
    assert [x["scenario"] for x in legacy] == [1, 2, 3]  # no --as-of: no end date, no scenario 4
    assert legacy[1]["removed"] == 1 and legacy[1]["lost_macro"] == 0  # the hub; both micro assets keep the council
    comms = _json("--level", "communities")
    assert sum(x["size"] for x in comms) == 4


def test_metrics_holes_options_change_the_view():
    undirected = {x["label"]: x for x in _json("--level", "node", "--permutations", "1")}
    directed = {x["label"]: x for x in _json("--level", "node", "--permutations", "1", "--holes", "directed",
                                             "--weighted")}
    # Directed weighted view (simple_digraph): arcs council>garden, hub>cafe, hub>council, and two
    # arcs each for the undirected cafe-council (r2's derived tie) and garden-cafe (r3). Mutual
    # weights: garden-council 1, garden-cafe 2, cafe-council 2, cafe-hub 1, council-hub 1.
    # Totals: garden 3, council 4, cafe 5. Garden: p(council) = 1/3, p(cafe) = 2/3;
    # c = (1/3 + 2/3 * p(cafe, council) = 2/5)^2 + (2/3 + 1/3 * p(council, cafe) = 2/4)^2.
    expected = (1 / 3 + (2 / 3) * (2 / 5)) ** 2 + (2 / 3 + (1 / 3) * (2 / 4)) ** 2
    assert directed["Garden Group"]["constraint"] == pytest.approx(expected, abs=1e-6)
    assert undirected["Garden Group"]["constraint"] != pytest.approx(expected, abs=1e-6)
