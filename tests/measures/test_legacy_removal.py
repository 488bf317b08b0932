"""Broker dependence / legacy (useit_graph.metrics.legacy).

Where the numbers come from: hand counts on the graph drawn below.

    P (cohort) <- T (ProgrammeTeam) -- H (NHS trust, anchor) -> X (group; funding ends 2019-12-31)
                                        |  \\
    B (support org) brokers C and H:  B->C, B->H and the tie C-H among the brokered parties
    W (group) -- C (community anchor organisation)

Edges: T->P, T-H, B->C, B->H, C-H, H->X, W-C: 7 edges, 6 linking (W-C is bonding).
"""

import pytest

from useit_graph.metrics.legacy import broker_dependence, brokers, programme_nodes, surviving_ties


@pytest.fixture
def G(build):
    return build(
        {"P": ("ParticipantCohort", "community"), "T": ("ProgrammeTeam", "social-economy"),
         "H": ("NHSTrust", "health"), "X": ("CommunityGroup", "community"),
         "B": ("SupportOrganisation", "social-economy"), "C": ("CommunityAnchorOrganisation", "community"),
         "W": ("CommunityGroup", "community"), "wp": ("WorkPackage", "social-economy")},
        [("T", "P", "Support"), ("T", "H", "Partnership", {"directed": False}),
         ("B", "C", "Brokerage", {"rel": "brk"}), ("B", "H", "Brokerage", {"rel": "brk"}),
         ("C", "H", "Brokerage", {"rel": "brk", "directed": False, "broker": "B"}),
         ("H", "X", "Funding", {"end": "2019-12-31"}), ("W", "C", "Partnership", {"directed": False})])


def test_programme_nodes_and_brokers(G):
    assert programme_nodes(G) == {"T", "wp"}
    assert brokers(G) == {"B"}
    assert programme_nodes(G, include_brokers=True) == {"T", "wp", "B"}


def test_asset_edges_of_a_brokerage_make_no_broker(build):
    """A brokerage concerning a building projects party -> building INVOLVES_ASSET edges
    (role "asset", rel_type Brokerage, directed, no broker attribute); their sources are
    parties, not brokers. Here B brokered C and H about the hall: only B is a broker."""
    G = build({"B": ("SupportOrganisation", "social-economy"), "C": ("CommunityGroup", "community"),
               "H": ("NHSTrust", "health"), "hall": ("Building", "community")},
              [("B", "C", "Brokerage", {"rel": "brk"}), ("B", "H", "Brokerage", {"rel": "brk"}),
               ("C", "H", "Brokerage", {"rel": "brk", "directed": False, "broker": "B"}),
               ("B", "hall", "Brokerage", {"rel": "brk", "role": "asset", "label": "INVOLVES_ASSET"}),
               ("C", "hall", "Brokerage", {"rel": "brk", "role": "asset", "label": "INVOLVES_ASSET"}),
               ("H", "hall", "Brokerage", {"rel": "brk", "role": "asset", "label": "INVOLVES_ASSET"})])
    assert brokers(G) == {"B"}


def test_removing_the_programme_team_cuts_off_its_cohort(G):
    r = broker_dependence(G)
    assert r["removed"] == ["T", "wp"]
    assert r["lost_macro"] == ["P"] and r["lost_anchor"] == ["P"]
    assert (r["before"]["edges"], r["before"]["linking_ties"]) == (7, 6)
    assert (r["after"]["edges"], r["after"]["linking_ties"]) == (5, 4)
    assert r["delta"]["linking_ties"] == -2
    # micro assets P, X, C, W all reach H before; P no longer does
    assert (r["before"]["share_reach_macro"], r["after"]["share_reach_macro"]) == (1.0, 0.75)


def test_brokered_tie_survives_its_broker(G):
    """Removing B leaves the C-H tie among the parties it brokered: C keeps its path to H."""
    r = broker_dependence(G, include_brokers=True)
    assert r["removed"] == ["B", "T", "wp"]
    assert r["lost_macro"] == ["P"]
    assert (r["after"]["edges"], r["after"]["linking_ties"]) == (3, 2)


def test_ties_ending_with_the_programme(G):
    r = broker_dependence(G, include_brokers=True, end="2019-12-31")
    assert r["ties_ended"] == 1
    assert r["lost_macro"] == ["P", "X"]
    assert (r["after"]["edges"], r["after"]["linking_ties"], r["after"]["share_linking"]) == (2, 1, 0.5)


def test_explicit_removal_of_a_micro_broker(G):
    r = broker_dependence(G, remove=["C"])
    assert r["removed_micro"] == ["C"]
    assert r["lost_macro"] == ["W"]        # W's only path to H ran through C


def test_surviving_ties_keeps_open_and_later_ties(G):
    H = surviving_ties(G, "2019-12-30")
    assert H.number_of_edges() == 7        # H->X ends after 2019-12-30
    assert surviving_ties(G, "2019-12-31").number_of_edges() == 6


def test_brokered_ties_can_be_made_to_die_with_their_broker(G):
    """Stricter reading: C-H was brokered by B, so it goes with B; C, and W behind it, are cut off."""
    r = broker_dependence(G, include_brokers=True, drop_brokered_ties=True)
    assert r["ties_brokered_dropped"] == 1
    assert r["lost_macro"] == ["C", "P", "W"]
    assert r["after"]["share_reach_macro"] == 0.25      # only X still reaches H
