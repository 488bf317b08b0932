"""The array LinkIndex and the searches over it, against networkx on synthetic city graphs.

Reference: the filtered undirected view built here straight from the projected graph with
networkx (an edge counts when its ``tie`` is one of the tie types and it runs on the as-of date:
``start <= as_of`` and no ``end`` before it, as ``links`` documents), and networkx's own
``all_simple_paths``, ``shortest_path_length`` and ``common_neighbors`` on it. The graphs come from
``useit_graph.synth`` (small sizes, fixed seeds) through ``fast_ingest.ingest_files``, so they have
hubs, parallel relationships, undirected ties, BROKERS edges and ended relationships.
"""

import datetime as dt
import random

import networkx as nx
import pytest

from useit_graph import connect
from useit_graph.connect import LinkIndex, links
from useit_graph.errors import UsageError

FILTERS = [dict(), dict(tie_types=["linking"]), dict(tie_types=["bonding", "bridging"]),
           dict(as_of="2012-06-30"), dict(as_of="2020-01-01", tie_types=["linking"])]


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from useit_graph.fast_ingest import ingest_files
    from useit_graph.synth import write_synth

    (path,) = write_synth(tmp_path_factory.mktemp("city") / "city.nt", 400, 1200, seed=4)
    return ingest_files([path])


def _ok(d, tie_types, as_of):
    if tie_types is not None and d.get("tie") not in tie_types:
        return False
    if as_of is not None:
        if d.get("start") and str(d["start"])[:10] > as_of:
            return False
        if d.get("end") and str(d["end"])[:10] < as_of:
            return False
    return True


def _view(G, tie_types=None, as_of=None, exclude=()):
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v, d in G.edges(data=True) if u != v and _ok(d, tie_types, as_of))
    H.remove_nodes_from(exclude)
    return H


def _edges(G, u, v, tie_types, as_of):
    return [(s, t, k, d) for s, t, k, d in G.edges(keys=True, data=True)
            if {s, t} == {u, v} and s != t and _ok(d, tie_types, as_of)]


def _rank_key(G, p, tie_types, as_of):
    """links' documented order: length, then more distinct quotes, then newer latest start, then nodes."""
    quotes, starts = set(), []
    for u, v in zip(p, p[1:]):
        for _, _, _, d in _edges(G, u, v, tie_types, as_of):
            quotes |= {(e["section"], e["quote"]) for e in d.get("evidence") or ()}
            starts += [d["start"]] if d.get("start") else []
    latest = max(starts) if starts else None
    return (len(p) - 1, -len(quotes), -(dt.date.fromisoformat(latest[:10]).toordinal() if latest else 0), list(p))


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_index_equals_the_networkx_view(city, filters):
    G = city
    idx = LinkIndex.from_graph(G, **filters)
    ties = set(filters["tie_types"]) if "tie_types" in filters else None
    as_of = filters.get("as_of")
    H = _view(G, ties, as_of)
    assert {n: idx.neighbours_of(n) for n in G} == {n: sorted(H[n]) for n in G}
    brokered = {}
    for s, t, _, d in G.edges(keys=True, data=True):
        if s != t and _ok(d, ties, as_of) and d.get("label") == "BROKERS" and d.get("directed", True):
            brokered.setdefault(s, set()).add(d["rel"])
    assert {n: idx.broker_count.get(n, 0) for n in G} == {n: len(brokered.get(n, ())) for n in G}
    starts = [d["start"] for u, v, d in G.edges(data=True) if u != v and d.get("start") and _ok(d, ties, as_of)]
    assert idx.newest == max(starts)
    rng = random.Random(5)
    for u, v in rng.sample(sorted(H.edges()), 60):
        assert idx.has_tie(u, v) and idx.has_tie(v, u)
        assert idx.edges_between(u, v) == _edges(G, u, v, ties, as_of)  # in G.edges() order
    non = [(u, v) for u, v in (rng.sample(sorted(G), 2) for _ in range(200)) if not H.has_edge(u, v)]
    assert non and not any(idx.has_tie(u, v) or idx.edges_between(u, v) for u, v in non)


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_links_equal_all_simple_paths_and_their_ranking(city, filters):
    G = city
    ties = set(filters["tie_types"]) if "tie_types" in filters else None
    as_of = filters.get("as_of")
    rng = random.Random(11)
    nodes = sorted(G)
    H = _view(G, ties, as_of)
    checked = ranked = 0
    for i in range(30):
        a = rng.choice(nodes)
        near = sorted(x for x, d in nx.single_source_shortest_path_length(H, a, cutoff=3).items() if d >= 1)
        b = rng.choice(near) if near and i % 5 else rng.choice(nodes)
        if a == b:
            continue
        exclude = rng.sample(nodes, 15) if i % 3 == 0 else []
        exclude = [x for x in exclude if x not in (a, b)]
        Hx = _view(G, ties, as_of, exclude)
        peer = sorted((tuple(p) for p in nx.all_simple_paths(Hx, a, b, cutoff=3)), key=lambda p: (len(p), p))
        got = links(G, a, b, k=None, max_len=3, exclude=exclude, max_candidates=10**6, **filters)
        assert sorted(tuple(p["nodes"]) for p in got) == sorted(peer)
        checked += bool(peer)
        if not peer or len(peer) >= 1000:
            continue
        best = links(G, a, b, k=5, max_len=3, exclude=exclude, **filters)
        want = sorted(peer, key=lambda p: _rank_key(G, p, ties, as_of))[:5]
        assert [tuple(p["nodes"]) for p in best] == want
        for p in best:
            for h in p["hops"]:
                assert {r["rel"] for r in h["relationships"]} == {
                    d["rel"] for _, _, _, d in _edges(G, h["from"], h["to"], ties, as_of)}
        ranked += 1
        # the shortest length is networkx's
        assert best[0]["length"] == nx.shortest_path_length(Hx, a, b)
    assert checked >= 5 and ranked >= 3  # pairs with a path (few in 2012: most ties start later)


def test_candidate_cap_keeps_the_first_paths_in_node_order(city):
    """With ``max_candidates`` reached, the paths kept are the first ones, shortest first, then by node IRIs."""
    G = city
    H = _view(G)
    hub = max(sorted(G), key=H.degree)
    other = min((x for x, d in nx.single_source_shortest_path_length(H, hub, cutoff=2).items() if d == 2),
                key=lambda x: (-H.degree(x), x))
    peer = sorted((tuple(p) for p in nx.all_simple_paths(H, hub, other, cutoff=3)), key=lambda p: (len(p), p))
    assert len(peer) > 40
    got = links(G, hub, other, k=None, max_len=3, max_candidates=40)
    assert {tuple(p["nodes"]) for p in got} == set(peer[:40])


def test_introductions_brokers_and_bridges_follow_the_view(city):
    G = city
    H = _view(G)
    rng = random.Random(2)
    nodes = sorted(G)
    for a in rng.sample(nodes, 8):
        dist = nx.single_source_shortest_path_length(H, a)
        b = rng.choice(nodes)
        msg = connect.why_no_introduction(G, a, to=b, max_len=1)
        if b == a:
            assert msg == "the target is the entity itself"
        elif H.has_edge(a, b):
            assert msg.startswith("already directly tied via")
        elif b not in dist:
            assert msg.startswith("no path at any length")
        else:
            assert f"the shortest is {dist[b]} hops" in msg
        got = connect.introduce(G, a, to_type="Organisation", k=10**6, max_len=3)
        assert {r["target"] for r in got} == {t for t, d in dist.items() if 2 <= d <= 3
                                              and "Organisation" in G.nodes[t].get("types", ())}
        for r in got:
            assert r["length"] == dist[r["target"]] and all(H.has_edge(u, v) for u, v in zip(r["nodes"], r["nodes"][1:]))
        c = rng.choice(nodes)
        if c != a:
            assert {r["broker"] for r in connect.brokers(G, a, c)} == set(nx.common_neighbors(H, a, c))
    groups = sorted({d["group"] for _, d in G.nodes(data=True) if d.get("group")})
    for ga, gb in [(groups[0], groups[1]), (groups[1], groups[-1])]:
        want = {n for n, d in G.nodes(data=True) if "Organisation" in (d.get("types") or ())
                and {ga, gb} <= {d.get("group")} | {G.nodes[y].get("group") for y in H[n]}}
        assert {r["organisation"] for r in connect.sector_bridges(G, ga, gb)} == want


class _CountingDict(dict):
    reads = 0

    def get(self, *a):
        _CountingDict.reads += 1
        return super().get(*a)

    def __getitem__(self, k):
        _CountingDict.reads += 1
        return super().__getitem__(k)


class _CountingGraph(nx.MultiDiGraph):
    edge_attr_dict_factory = _CountingDict


def test_unfiltered_index_reads_no_relationship_data():
    """Building the index touches only the adjacency: the cost of a build does not grow with what
    the edges carry (evidence, dates...). Relationship data is read per hop, when a path is described."""
    G = _CountingGraph()
    for i in range(200):
        G.add_edge(f"n{i:03d}", f"n{(i + 1) % 200:03d}", key=f"r{i}", rel=f"r{i}", tie="bonding",
                   label="BROKERS", start="2019-01-01", evidence=[{"section": "1", "quote": "q"}])
    _CountingDict.reads = 0
    idx = LinkIndex.from_graph(G)
    assert _CountingDict.reads == 0
    assert idx.neighbours_of("n000") == ["n001", "n199"]  # a ring
    assert [p["nodes"] for p in links(G, "n000", "n002", index=idx, max_len=3)] == [["n000", "n001", "n002"]]
    assert 0 < _CountingDict.reads < 100


def test_an_index_of_another_graph_is_refused(mini_graph):
    idx = LinkIndex.from_graph(mini_graph.copy())
    with pytest.raises(UsageError, match="another graph"):
        links(mini_graph, "https://example.org/mini/garden", "https://example.org/mini/hub", index=idx)


def test_a_simple_graph_is_refused():
    with pytest.raises(UsageError, match="MultiDiGraph"):
        LinkIndex.from_graph(nx.path_graph(3))
