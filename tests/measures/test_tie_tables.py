"""Tie classification tables (useit_graph.metrics.ties).

Where the numbers come from: hand counts on a five-node graph built below, and on
``tests/fixtures/mini.ttl`` projected by ``project_graph`` (r1 council->garden linking; r2 hub
brokers cafe and council: hub->cafe, hub->council and cafe-council, all linking; r3
garden-cafe bridging: 5 edges, 4 linking, 1 bridging).
"""

import math

import pytest

from useit_graph.metrics.ties import (
    node_tie_counts,
    tie_counts,
    tie_rows,
    tier_tie_counts,
    work_package_tie_counts,
)
from useit_graph.project import project_graph

WP5, WP6 = "urn:wp5", "urn:wp6"


@pytest.fixture
def G(build):
    # a, b: micro community; c: micro arts; h: intermediary; u: macro (University); x: no group
    return build(
        {"a": ("CommunityGroup", "community"), "b": ("CommunityGroup", "community"),
         "c": ("SocialEnterprise", "arts"), "h": ("SupportOrganisation", "social-economy"),
         "u": ("University", "education"), "x": ("CommunityGroup", None)},
        [("a", "b", "Partnership", {"directed": False, "work_packages": [WP5]}),   # bonding
         ("b", "c", "Support", {"work_packages": [WP5, WP6]}),                     # bridging
         ("h", "a", "Support", {"work_packages": [WP6]}),                          # linking
         ("u", "c", "Funding"),                                                    # linking
         ("u", "c", "Commissioning"),                                              # linking (parallel)
         ("x", "a", "Support")])                                                   # unclassified


def test_rows_carry_the_rule_trace(G):
    rows = tie_rows(G)
    assert [(r["source"], r["target"], r["tie"]) for r in rows] == [
        ("a", "b", "bonding"), ("b", "c", "bridging"), ("h", "a", "linking"),
        ("u", "c", "linking"), ("u", "c", "linking"), ("x", "a", "unclassified")]
    why = {(r["source"], r["target"]): r["tie_reason"] for r in rows}
    assert why[("a", "b")] == "same tier (micro), same group (community)"
    assert why[("b", "c")] == "same tier (micro), groups differ: community / arts"
    assert why[("h", "a")] == "tiers differ: intermediary -> micro"
    assert why[("x", "a")] == "missing group on source"
    assert rows[0]["directed"] is False and rows[0]["source_group"] == "community"


def test_whole_network_counts(G):
    c = tie_counts(G)
    assert (c["edges"], c["bonding"], c["bridging"], c["linking"], c["unclassified"]) == (6, 1, 1, 3, 1)
    assert c["share_linking"] == 0.5
    assert sum(c[f"share_{t}"] for t in ("bonding", "bridging", "linking", "unclassified")) == pytest.approx(1)


def test_node_counts(G):
    n = node_tie_counts(G)
    # a: a-b bonding, h->a linking, x->a unclassified
    assert (n["a"]["edges"], n["a"]["bonding"], n["a"]["linking"], n["a"]["unclassified"]) == (3, 1, 1, 1)
    # c: b->c bridging, two parallel linking ties from u
    assert (n["c"]["edges"], n["c"]["bridging"], n["c"]["linking"]) == (3, 1, 2)
    assert n["c"]["share_linking"] == pytest.approx(2 / 3)
    assert n["u"]["share_linking"] == 1.0


def test_isolated_node_has_nan_shares(build):
    G = build({"a": ("CommunityGroup", "community")}, [])
    row = node_tie_counts(G)["a"]
    assert row["edges"] == 0 and math.isnan(row["share_bonding"])
    assert math.isnan(tie_counts(G)["share_linking"])


def test_tier_counts(G):
    t = tier_tie_counts(G)
    assert list(t) == ["intermediary", "macro", "micro"]
    # micro: every edge touches a micro node (6); intermediary: h->a; macro: two u->c
    assert (t["micro"]["edges"], t["intermediary"]["edges"], t["macro"]["edges"]) == (6, 1, 2)
    assert (t["micro"]["linking"], t["micro"]["bonding"]) == (3, 1)


def test_work_package_counts(G):
    w = work_package_tie_counts(G)
    assert list(w) == ["(none)", WP5, WP6]
    assert (w[WP5]["edges"], w[WP5]["bonding"], w[WP5]["bridging"]) == (2, 1, 1)
    assert (w[WP6]["edges"], w[WP6]["bridging"], w[WP6]["linking"]) == (2, 1, 1)
    assert w["(none)"]["edges"] == 3


def test_projected_mini_fixture():
    from useit_graph.load import load_project
    from useit_graph.paths import get_paths

    ds, _ = load_project(get_paths(), extra=[get_paths().root / "tests" / "fixtures" / "mini.ttl"], seeds=False)
    G = project_graph(ds)
    c = tie_counts(G)
    assert (c["edges"], c["linking"], c["bridging"], c["bonding"]) == (5, 4, 1, 0)
    n = node_tie_counts(G)
    mini = "https://example.org/mini/"
    assert (n[mini + "cafe"]["linking"], n[mini + "cafe"]["bridging"]) == (2, 1)
    # at 2018-01-01 only r1 runs (cafe, founded 2018-03-01, is not there yet)
    assert tie_counts(project_graph(ds, as_of="2018-01-01"))["edges"] == 1
