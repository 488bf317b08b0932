"""The six system-change outcome indicators on a hand-made two-snapshot fixture.

Where the numbers come from: every expected value below was counted by hand from
``fixtures/two-snapshots.ttl``, with the definitions of docs/outcomes.md (community asset =
micro asset: micro-tier organisation or cohort; anchor = AnchorInstitution) (programme 2017-01-01 .. 2019-12-31; relationships r1, r2, r12
and r8 run at the baseline, r8 ends 2017-06-30, r3-r7, r9-r11, r13, r14 start later). The
comment beside each number names the relationships counted. Nothing is computed by the code
under test and then copied.
"""

import math

import pytest

from useit_graph.errors import UsageError
from useit_graph.metrics.outcomes import (
    OUTCOMES,
    outcome_metadata,
    outcome_values,
    programme_period,
    system_change,
)
from useit_graph.project import project_graph

NAN = float("nan")

# One definition of community asset throughout (= micro asset, reach.is_micro_asset): micro-tier
# organisation or cohort. So the hall (a Building: physical asset) and the hub (intermediary)
# are never community assets, and the developer is macro but no anchor.
BASELINE = {
    "anchor_linking_ties": {
        "anchors": 3,                      # uni, nhs, council (dev is not an anchor)
        "linking_ties_to_micro": 3,        # r1 council->garden, r2 garden->nhs, r8 uni-garden (r12 council->hall: a building)
        "anchors_linked": 3, "share_anchors_linked": 1.0,
        "mean_ties_per_anchor": 1.0,
        "micro_linked": 1,                 # garden
    },
    "anchor_resource_flows": {
        "flows": 1, "flows_valued": 1, "share_flows_valued": 1.0,   # r1
        "gbp_macro_to_community": 1000.0, "gbp_anchor_to_community": 1000.0,
        "flows_anchor_to_community": 1,
        "flows_macro_to_intermediary": 0, "gbp_macro_to_intermediary": 0.0,
    },
    "people_asset_connectedness": {
        "people": 4,                       # cohort, researchers, volunteers, readers (all isolated)
        "connected": 0, "share_connected": 0.0, "reachable": 0, "share_reachable": 0.0, "mean_distance": NAN,
    },
    "new_community_assets": {
        "community_assets": 5,             # garden and 4 cohorts; cafe not founded yet; coop (created during the programme, undated) first appears in r7 after the baseline; hall is a physical asset
        "new_assets": 0, "share_new": 0.0, "new_dated": 0, "new_created_during": 0,
        "new_organisations": 0, "new_cohorts": 0, "new_physical_assets": 0,
    },
    "recognition_ties": {
        "recognisers": 4, "recognition_ties": 0,
        "other_ties": 2,                   # r1, r8 (undirected); r12 is to the hall
        "assets_recognised": 0, "share_assets_recognised": 0.0,
        "assets_tied": 1, "share_assets_tied": 1 / 5,   # garden, of the 5 community assets at the baseline
        "recognition_ties_all": 0,
        "recognition_ties_developer": 0, "ties_developer": 0,
        "recognition_ties_local_authority": 0, "ties_local_authority": 1,   # r1
        "recognition_ties_health": 0, "ties_health": 0,
        "recognition_ties_higher_education": 0, "ties_higher_education": 1,  # r8
    },
    "anchor_community_reciprocity": {
        "pairs": 2,                        # council-garden (r1), nhs-garden (r2); council-hall is no anchor-community pair
        "mutual_pairs": 0, "reciprocity": 0.0,
        "ties": 2, "community_source": 1,  # r2
        "share_community_source": 0.5, "share_community_source_or_provider": 0.5,
        "pairs_any": 3,                    # + uni-garden (r8, undirected)
        "share_pairs_mutual_or_partner": 1 / 3,
        "gbp_down": 1000.0, "gbp_up": 0.0, "gbp_balance": -1.0, "share_gbp_down_earned": 0.0,
    },
}

END = {
    "anchor_linking_ties": {
        "anchors": 3,
        "linking_ties_to_micro": 8,        # r1 r2 r3 r4 r5 r6 r11 r13 (r7's developer is no anchor; r12 is to the hall)
        "anchors_linked": 3, "share_anchors_linked": 1.0, "mean_ties_per_anchor": 8 / 3,
        "micro_linked": 4,                 # garden, cafe, researchers, cohort
    },
    "anchor_resource_flows": {
        "flows": 4,                        # r1, r3, r4, r5 (no amount); r10 goes to the intermediary hub
        "flows_valued": 3, "share_flows_valued": 0.75,
        "gbp_macro_to_community": 8000.0,  # 1000 + 5000 + 2000
        "gbp_anchor_to_community": 8000.0,
        "flows_anchor_to_community": 4,
        "flows_macro_to_intermediary": 1, "gbp_macro_to_intermediary": 3000.0,   # r10 uni->hub
    },
    "people_asset_connectedness": {
        "people": 4,
        "connected": 3,                    # researchers 1 (uni), cohort 1 (nhs), volunteers 2 (garden-council)
        "share_connected": 0.75, "reachable": 3, "share_reachable": 0.75,  # readers-coop-dev: no target
        "mean_distance": 4 / 3,
    },
    "new_community_assets": {
        "community_assets": 7, "new_assets": 2, "share_new": 2 / 7,   # garden, cafe, coop, 4 cohorts
        "new_dated": 1,                    # cafe (founded 2018-03-01)
        "new_created_during": 1,           # coop (uit:createdDuring, first tie 2018-06-01)
        "new_organisations": 2, "new_cohorts": 0, "new_physical_assets": 0,
    },
    "recognition_ties": {
        "recognisers": 4,
        "recognition_ties": 2,             # r6 council->garden, r7 dev->coop
        "other_ties": 4,                   # r1, r3, r4, r5 (r12 is to the hall)
        "assets_recognised": 2, "share_assets_recognised": 2 / 7,
        "assets_tied": 5, "share_assets_tied": 5 / 7,   # garden, coop, cafe, researchers, cohort
        "recognition_ties_all": 2,
        "recognition_ties_developer": 1, "ties_developer": 1,
        "recognition_ties_local_authority": 1, "ties_local_authority": 2,   # r6, r1
        "recognition_ties_health": 0, "ties_health": 2,                     # r3, r5
        "recognition_ties_higher_education": 0, "ties_higher_education": 1,  # r4
    },
    "anchor_community_reciprocity": {
        # pairs: council-garden (r1/r6 down, r13 up), nhs-garden (r2), nhs-cafe (r3), uni-researchers (r4),
        # nhs-cohort (r5), council-cafe (r11); dev-coop (r7) is no anchor pair, council-hall no community one
        "pairs": 6, "mutual_pairs": 1, "reciprocity": 1 / 6,
        "ties": 8, "community_source": 3,  # r2, r11, r13
        "share_community_source": 3 / 8,
        "share_community_source_or_provider": 5 / 8,  # + r3 supplier, r4 provider
        "pairs_any": 6, "share_pairs_mutual_or_partner": 1 / 6,
        "gbp_down": 8000.0, "gbp_up": 500.0,
        "gbp_balance": -7500 / 8500,
        "share_gbp_down_earned": 7000 / 8000,
    },
}


def _same(a, b):
    if isinstance(b, float) and math.isnan(b):
        return isinstance(a, float) and math.isnan(a)
    return a == pytest.approx(b)


def _check(got, expected):
    for name, exp in expected.items():
        g = {k: v for k, v in got[name].items() if k != "definition"}
        assert set(g) == set(exp), name
        bad = {k: (g[k], v) for k, v in exp.items() if not _same(g[k], v)}
        assert not bad, f"{name}: {bad}"
        assert isinstance(got[name]["definition"], str) and got[name]["definition"]


@pytest.fixture(scope="module")
def snapshots(two_snapshots):
    return project_graph(two_snapshots, as_of="2017-01-01"), project_graph(two_snapshots, as_of="2019-12-31")


def test_baseline_indicators(snapshots):
    _check(outcome_values(snapshots[0], since="2017-01-01"), BASELINE)


def test_end_indicators(snapshots):
    _check(outcome_values(snapshots[1], since="2017-01-01"), END)


def test_programme_period_and_metadata(two_snapshots):
    assert programme_period(two_snapshots) == ("2017-01-01", "2019-12-31")
    meta = outcome_metadata(two_snapshots)
    assert meta == {1: {"iri": "https://example.org/two/outcome-1", "label": "Anchors link to micro assets",
                        "measured_by": ["anchor_linking_ties"]}}


def test_system_change_rows_and_deltas(two_snapshots):
    rows = system_change(two_snapshots)  # dates from ex:prog
    assert {r["baseline_date"] for r in rows} == {"2017-01-01"}
    assert {r["end_date"] for r in rows} == {"2019-12-31"}
    by = {(r["measured_by"], r["indicator"]): r for r in rows}
    expected_keys = {(n, k) for n, d in END.items() for k in d}
    assert set(by) == expected_keys
    r = by[("anchor_linking_ties", "linking_ties_to_micro")]
    assert (r["outcome"], r["baseline"], r["end"], r["delta"]) == (1, 3, 8, 5)
    assert r["label"] == "Anchors link to micro assets"
    assert by[("anchor_resource_flows", "gbp_macro_to_community")]["delta"] == 7000.0
    # outcome 4's baseline column is the matching earlier period (2014-01-03, 2017-01-01]: the
    # garden was founded in 2010, so 0 there; 2 in the programme period (cafe, coop)
    r4 = by[("new_community_assets", "new_assets")]
    assert (r4["baseline"], r4["end"], r4["delta"]) == (0, 2, 2)
    assert "(2014-01-03, 2017-01-01]" in r4["note"] and "earlier period" in r4["note"]
    assert by[("anchor_linking_ties", "anchors")]["note"] == ""
    assert math.isnan(by[("people_asset_connectedness", "mean_distance")]["delta"])
    assert [r["outcome"] for r in rows] == sorted(r["outcome"] for r in rows)


def test_every_function_is_named_after_a_measured_by_value():
    assert [name for _n, name, _f in OUTCOMES] == [
        "anchor_linking_ties", "anchor_resource_flows", "people_asset_connectedness",
        "new_community_assets", "recognition_ties", "anchor_community_reciprocity"]
    assert all(f.__name__ == name for _n, name, f in OUTCOMES)


def test_system_change_needs_dates(two_snapshots):
    with pytest.raises(UsageError, match="after end"):
        system_change(two_snapshots, baseline="2020-01-01", end="2019-01-01")
    with pytest.raises(UsageError, match="no baseline or end date"):
        system_change([])  # an empty source names no programme


def test_outcome_4_baseline_is_the_matching_earlier_period(build):
    """Hand-built: baseline 2017-01-01, end 2019-12-31 (1094 days), so the earlier period is
    (2014-01-03, 2017-01-01]. 'mid' (founded 2015-06-01) is new in it; 'old' (2010) is not;
    'late' (2018-02-01) is new in the programme period; 'during' (createdDuring, undated) counts
    for the programme period only; 'yard' is a physical asset founded 2016-01-01, counted apart."""
    from useit_graph.metrics.outcomes import outcome_rows

    nodes = {"old": ("CommunityGroup", "community", {"created": "2010-01-01"}),
             "mid": ("CommunityGroup", "community", {"created": "2015-06-01"}),
             "late": ("SocialEnterprise", "social-economy", {"created": "2018-02-01"}),
             "during": ("ParticipantCohort", "community", {"created_during": "prog"}),
             "yard": ("Building", "community", {"created": "2016-01-01"})}
    base = {k: v for k, v in nodes.items() if k not in ("late", "during")}  # not there yet
    G_b, G_e = build(base, [], as_of="2017-01-01"), build(nodes, [], as_of="2019-12-31")
    by = {r["indicator"]: r for r in outcome_rows(G_b, G_e, since="2017-01-01")
          if r["measured_by"] == "new_community_assets"}
    assert (by["community_assets"]["baseline"], by["community_assets"]["end"]) == (2, 4)
    assert (by["new_assets"]["baseline"], by["new_assets"]["end"], by["new_assets"]["delta"]) == (1, 2, 1)
    assert (by["new_dated"]["end"], by["new_created_during"]["end"], by["new_cohorts"]["end"]) == (1, 1, 1)
    assert (by["new_physical_assets"]["baseline"], by["new_physical_assets"]["end"]) == (1, 0)
    # without an end date there is no matching period: the note says the column is 0 by construction
    G_open = build(nodes, [])
    rows = [r for r in outcome_rows(G_b, G_open, since="2017-01-01") if r["indicator"] == "new_assets"]
    assert rows[0]["baseline"] == 0 and "0 by construction" in rows[0]["note"]


def test_resource_amount_counted_once_per_relationship(build):
    """A Funding relationship with two recipients yields two edges but its amount counts once."""
    from useit_graph.metrics.outcomes import anchor_resource_flows

    G = build({"c": ("LocalAuthority", "public-administration"), "a": ("CommunityGroup", "community"),
               "b": ("CommunityGroup", "community")},
              [("c", "a", "Funding", {"rel": "r", "value_gbp": 900.0}),
               ("c", "b", "Funding", {"rel": "r", "value_gbp": 900.0})])
    r = anchor_resource_flows(G)
    assert (r["flows"], r["gbp_macro_to_community"]) == (2, 900.0)


def test_docs_cover_every_outcome_function():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "outcomes.md").read_text(encoding="utf-8")
    for n, name, _f in OUTCOMES:
        assert f"## {n}. " in doc and f"`{name}`" in doc
