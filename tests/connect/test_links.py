"""Path search, introductions, neighbours and brokers.

Expected values: facts of the CLES USE-IT! impact report (shared/source/useit-impact-report-2016-19.md)
as encoded in seeds/: section 5 (the Learning Works is "a component of the Sandwell and West
Birmingham NHS Trust" and works with Brushstrokes on Work Package 5) and sections 7 and 9 ("the
brokering of relationships between Birmingham Settlement (the landowner), local resident groups and
the City Council in relation the playing field adjacent to the Edgbaston Reservoir"). Path sets are
checked against networkx ``all_simple_paths`` on the same undirected view.
"""

import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from useit_graph.connect import LinkIndex, brokers, introduce, links, neighbours
from useit_graph.errors import UnknownEntity, UnknownTerm, UsageError

from .conftest import BHAM, MINI


def _undirected(G):
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return H


def test_mini_paths(mini_graph):
    paths = links(mini_graph, MINI + "garden", MINI + "hub", k=None)
    assert [tuple(p["nodes"]) for p in paths][:2] == [
        (MINI + "garden", MINI + "cafe", MINI + "hub"), (MINI + "garden", MINI + "council", MINI + "hub")]
    hop = paths[0]["hops"][1]
    assert hop["relationships"][0]["rel_type"] == "Brokerage"
    assert hop["relationships"][0]["evidence"] == [{"section": "1 Intro", "quote": "The garden grew."}]


def test_filters(mini_graph):
    a, b = MINI + "garden", MINI + "hub"
    assert all(MINI + "cafe" not in p["nodes"] for p in links(mini_graph, a, b, exclude=[MINI + "cafe"]))
    # the brokerage r2 ends 2019-12-31: in 2020 only the funding and partnership remain
    assert links(mini_graph, a, b, as_of="2020-06-01") == []
    only_linking = links(mini_graph, a, b, tie_types=["linking"], k=None)
    # garden-cafe is a bridging partnership (both micro), every other mini tie crosses tiers
    assert [p["nodes"] for p in only_linking] == [[a, MINI + "council", b],
                                                  [a, MINI + "council", MINI + "cafe", b]]


def test_unknown_node(mini_graph):
    with pytest.raises(UnknownEntity):
        links(mini_graph, MINI + "garden", MINI + "nobody")


@settings(max_examples=40, deadline=None)
@given(n=st.integers(4, 18), p=st.floats(0.1, 0.5), seed=st.integers(0, 10_000), max_len=st.integers(1, 5))
def test_equals_all_simple_paths(n, p, seed, max_len):
    H = nx.gnp_random_graph(n, p, seed=seed)
    G = nx.MultiDiGraph()
    for u, v in H.edges():
        G.add_edge(f"n{u:02d}", f"n{v:02d}", rel=f"r{u}-{v}", directed=True, tie="bonding")
    G.add_nodes_from(f"n{i:02d}" for i in range(n))
    a, b = "n00", f"n{n - 1:02d}"
    ours = {tuple(p["nodes"]) for p in links(G, a, b, k=None, max_len=max_len, max_candidates=10**6)}
    peer = {tuple(p) for p in nx.all_simple_paths(_undirected(G), a, b, cutoff=max_len)}
    assert ours == peer
    if peer:
        first = links(G, a, b, k=1, max_len=max_len)[0]
        assert first["length"] == nx.shortest_path_length(_undirected(G), a, b)


def test_hub_is_bounded():
    """A star of 5,000 leaves between a and b: paths of length <= 4 are few; search stays small."""
    G = nx.MultiDiGraph()
    for i in range(5000):
        G.add_edge("hub", f"leaf{i}", rel=f"r{i}", tie="bonding")
    G.add_edge("a", "hub", rel="ra", tie="bonding")
    G.add_edge("hub", "x", rel="rx", tie="bonding")
    G.add_edge("x", "b", rel="rb", tie="bonding")
    idx = LinkIndex.from_graph(G)
    assert [p["nodes"] for p in links(G, "a", "b", index=idx)] == [["a", "hub", "x", "b"]]
    with pytest.raises(UsageError):
        links(G, "a", "b", index=idx, as_of="2020-01-01")


# --- seed facts -------------------------------------------------------------------------------

def test_warm_earth_to_city_council(seed_graph):
    """"How is Warm Earth connected to Birmingham City Council?" returns a path."""
    paths = links(seed_graph, BHAM + "warm-earth", BHAM + "birmingham-city-council")
    assert paths and paths[0]["length"] <= 3
    assert paths[0]["nodes"][0] == BHAM + "warm-earth" and paths[0]["nodes"][-1] == BHAM + "birmingham-city-council"
    assert all(h["relationships"] for p in paths for h in p["hops"])


def test_brushstrokes_learning_works_swbh(seed_graph):
    paths = links(seed_graph, BHAM + "brushstrokes", BHAM + "swbh-nhs-trust", k=None, max_len=2)
    nodes = [p["nodes"] for p in paths]
    assert [BHAM + "brushstrokes", BHAM + "learning-works", BHAM + "swbh-nhs-trust"] in nodes
    lw = [r["neighbour"] for r in neighbours(seed_graph, BHAM + "brushstrokes")]
    assert BHAM + "learning-works" in lw


def test_edgbaston_reservoir_brokerage(seed_graph):
    rows = brokers(seed_graph, BHAM + "birmingham-settlement", BHAM + "birmingham-city-council")
    formal = [r for r in rows if r["role"] == "broker"]
    assert [r["broker"] for r in formal] == [BHAM + "useit-team"]
    (rel,) = formal[0]["brokerages"]
    assert "edgbaston" in rel
    # the residents' groups (the Summerfield Alliance) are the third brokered party of the same brokerage
    parties = {v for u, v, d in seed_graph.out_edges(BHAM + "useit-team", data=True) if d["rel"] == rel}
    assert {BHAM + "birmingham-settlement", BHAM + "birmingham-city-council",
            BHAM + "summerfield-alliance"} <= parties
    assert rows[0]["role"] == "broker"


def test_links_fast_on_seeds(seed_graph):
    import time

    t = time.perf_counter()
    links(seed_graph, BHAM + "warm-earth", BHAM + "swbh-nhs-trust", max_len=4)
    assert time.perf_counter() - t < 1.0


def test_introduce_developer(seed_graph):
    rows = introduce(seed_graph, BHAM + "warm-earth", to_type="developer")
    assert rows, "the seeds hold developers reachable from Warm Earth"
    assert all("Developer" in seed_graph.nodes[r["target"]]["types"] for r in rows)
    assert all(r["length"] >= 2 for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    r = rows[0]
    expected = round(0.4 * r["components"]["length"] + 0.2 * r["components"]["recency"]
                     + 0.2 * r["components"]["evidence"] + 0.2 * r["components"]["track_record"], 4)
    assert r["score"] == pytest.approx(expected, abs=1e-3)
    assert "score = 0.4*" in r["why"] and r["introducer_label"] in r["why"]


def test_introduce_subclasses_and_errors(seed_graph):
    anchors = introduce(seed_graph, BHAM + "warm-earth", to_type="anchor", k=50)
    types = {seed_graph.nodes[r["target"]]["type"] for r in anchors}
    assert types & {"NHSTrust", "University", "LocalAuthority"}, types
    with pytest.raises(UnknownTerm):
        introduce(seed_graph, BHAM + "warm-earth", to_type="spaceship")
    with pytest.raises(UsageError):
        introduce(seed_graph, BHAM + "warm-earth")


def test_neighbours_directions(mini_graph):
    rows = neighbours(mini_graph, MINI + "council")
    got = {(r["neighbour"][len(MINI):], r["rel"][len(MINI):], r["direction"], r["tie"]) for r in rows}
    assert got == {("garden", "r1", "out", "linking"), ("cafe", "r2", "among", "linking"),
                   ("hub", "r2", "in", "linking")}
    assert [r["neighbour"] for r in neighbours(mini_graph, MINI + "council", rel_types=["Funding"])] == [MINI + "garden"]


def test_random_scale_free_answers(tmp_path):
    rng = random.Random(1)
    H = nx.barabasi_albert_graph(3000, 2, seed=1)
    G = nx.MultiDiGraph()
    for u, v in H.edges():
        G.add_edge(u, v, rel=f"r{u}-{v}", tie="bonding")
    idx = LinkIndex.from_graph(G)
    UG = _undirected(G)
    for _ in range(20):
        a, b = rng.sample(range(3000), 2)
        ours = links(G, a, b, index=idx, max_len=4, k=3)
        d = nx.shortest_path_length(UG, a, b)
        assert (ours[0]["length"] if ours else None) == (d if d <= 4 else None)


# --- audit of issue 4 -------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["yesterday", "2030-13-45", "2019", "2019-02-30"])
def test_as_of_is_a_date_or_an_error(mini_graph, bad):
    with pytest.raises(UsageError, match="is not a date"):
        links(mini_graph, MINI + "garden", MINI + "hub", as_of=bad)


def test_as_of_accepts_a_date_object(mini_graph):
    import datetime as dt

    # mini.ttl: the brokerage r2 ends 2019-12-31, so in 2020 no path remains (test_filters)
    a, b = MINI + "garden", MINI + "hub"
    assert links(mini_graph, a, b, as_of=dt.date(2020, 6, 1)) == []
    assert links(mini_graph, a, b, as_of=dt.date(2019, 6, 1)) == links(mini_graph, a, b, as_of="2019-06-01") != []


def test_why_no_introduction_for_a_type(seed_graph):
    from useit_graph.connect import why_no_introduction

    # iSE is a direct tie of Warm Earth (Support, report Work Package 6); with --max-len 2 any other
    # social enterprise must be reached through a go-between or be reported out of reach
    found = introduce(seed_graph, BHAM + "warm-earth", to_type="SocialEnterprise", max_len=2, k=100)
    msg = why_no_introduction(seed_graph, BHAM + "warm-earth", to="https://w3id.org/useit-graph/id/birmingham/ise")
    assert msg.startswith("already directly tied via Support")
    assert BHAM + "ise" not in {r["target"] for r in found}
    with pytest.raises(UnknownEntity):
        why_no_introduction(seed_graph, BHAM + "warm-earth", to=BHAM + "nobody")


def test_neighbours_carry_every_quote(mini_graph):
    rows = {r["rel"][len(MINI):]: r for r in neighbours(mini_graph, MINI + "garden")}
    # mini.ttl: the funding r1 cites ev1, the quote "The garden grew." in section "1 Intro" of ex:doc
    r1 = rows["r1"]
    assert (r1["quote"], r1["section"], r1["evidence_count"]) == ("The garden grew.", "1 Intro", 1)
    assert r1["evidence"] == [{"section": "1 Intro", "quote": "The garden grew.", "source": MINI + "doc"}]
