"""Centralities computed with igraph, checked against networkx 3.6 (run in the test) and published values.

* Krackhardt kite betweenness: Krackhardt (1990), *ASQ* 35(2) 342-369; normalised values as in
  networkx's ``test_betweenness_centrality.py::test_krackhardt_kite_graph`` (Heather 0.389,
  Fernando/Garth 0.231, Ike 0.222, Andre/Beverly 0.023, Jane 0, ...).
* networkx ``betweenness_centrality`` / ``closeness_centrality`` on directed, disconnected,
  weighted and multi graphs.
* Sampled closeness: networkx's exact ``closeness_centrality`` on the same graph, and the
  Hoeffding bound of Eppstein & Wang (2004) stated in ``closeness_error_bound``.
"""

import math
import random

import networkx as nx
import pytest

from useit_graph.metrics.centrality import (
    betweenness,
    betweenness_error_bound,
    closeness,
    closeness_error_bound,
    degree,
    degree_by_tie,
    sampled_betweenness,
    sampled_closeness,
)


def test_krackhardt_kite_published():
    b = betweenness(nx.krackhardt_kite_graph())
    # node order of networkx's kite: 0 Andre, 1 Beverly, 2 Carol, 3 Diane, 4 Ed, 5 Fernando,
    # 6 Garth, 7 Heather, 8 Ike, 9 Jane
    expected = [0.023, 0.023, 0.000, 0.102, 0.000, 0.231, 0.231, 0.389, 0.222, 0.000]
    assert [b[i] for i in range(10)] == pytest.approx(expected, abs=1e-3)


def graphs():
    for seed in range(3):
        for directed in (False, True):
            G = nx.gnp_random_graph(35, 0.07, seed=seed, directed=directed)  # disconnected
            G.add_node("isolated")
            rng = random.Random(seed)
            for u, v in G.edges():
                G.edges[u, v]["w"] = rng.randint(1, 5)
            yield pytest.param(G, id=f"{'di' if directed else 'un'}-{seed}")
    M = nx.MultiGraph([(0, 1), (0, 1), (1, 2), (2, 3), (3, 0), (2, 2), (3, 4)])
    for u, v, k in M.edges(keys=True):
        M.edges[u, v, k]["w"] = 1 + 2 * k
    yield pytest.param(M, id="multigraph")


@pytest.mark.parametrize("G", list(graphs()))
@pytest.mark.parametrize("normalized", [True, False])
@pytest.mark.parametrize("weight", [None, "w"])
def test_betweenness_equals_networkx(G, normalized, weight):
    assert betweenness(G, weight=weight, normalized=normalized) == pytest.approx(
        nx.betweenness_centrality(G, weight=weight, normalized=normalized), abs=1e-12)


@pytest.mark.parametrize("G", list(graphs()))
@pytest.mark.parametrize("distance", [None, "w"])
def test_closeness_equals_networkx(G, distance):
    assert closeness(G, distance=distance) == pytest.approx(
        nx.closeness_centrality(G, distance=distance), abs=1e-12)


@pytest.mark.parametrize("G", list(graphs()))
@pytest.mark.parametrize("seed", [0, 7])
def test_sampled_betweenness_equals_networkx_with_same_seed(G, seed):
    k = 4
    assert sampled_betweenness(G, k, seed=seed) == pytest.approx(
        nx.betweenness_centrality(G, k=k, seed=seed), abs=1e-12)
    assert sampled_betweenness(G, k, seed=seed, normalized=False) == pytest.approx(
        nx.betweenness_centrality(G, k=k, seed=seed, normalized=False), abs=1e-12)


def test_sampled_betweenness_within_bound():
    G = nx.connected_watts_strogatz_graph(400, 6, 0.1, seed=3)
    exact = betweenness(G)
    k = 100
    estimate = sampled_betweenness(G, k, seed=11)
    eps = betweenness_error_bound(len(G), k, delta=0.05)
    assert eps == pytest.approx(math.sqrt(math.log(2 * 400 / 0.05) / (2 * 99)))
    assert max(abs(estimate[v] - exact[v]) for v in G) <= eps
    with pytest.raises(ValueError):
        sampled_betweenness(G, 1)


def test_degree_kinds():
    D = nx.MultiDiGraph([(1, 2), (1, 2), (2, 3), (3, 3)])
    assert degree(D) == dict(D.degree())
    assert degree(D, "in") == {1: 0, 2: 2, 3: 2}
    assert degree(D, "out") == {1: 2, 2: 1, 3: 1}
    with pytest.raises(ValueError, match="directed"):
        degree(nx.Graph(), "in")


def test_degree_by_tie_counts():
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", tie="bonding")
    G.add_edge("a", "b", tie="bonding")
    G.add_edge("b", "c", tie="bridging")
    G.add_edge("c", "a", tie="linking")
    G.add_edge("c", "d", tie="unclassified")
    counts = degree_by_tie(G)
    assert counts["a"] == {"bonding": 2, "bridging": 0, "linking": 1}
    assert counts["c"] == {"bonding": 0, "bridging": 1, "linking": 1, "unclassified": 1}
    assert degree_by_tie(G, direction="out")["a"] == {"bonding": 2, "bridging": 0, "linking": 0}
    assert sum(sum(c.values()) for c in counts.values()) == 2 * G.number_of_edges()
    G.add_edge("d", "e")
    with pytest.raises(ValueError, match="'d', 'e'"):
        degree_by_tie(G)


def _components_graph(seed):
    """A 300-node small world plus a 40-node path and three small components, one isolate."""
    G = nx.connected_watts_strogatz_graph(300, 6, 0.1, seed=seed)
    nx.add_path(G, range(1000, 1040))
    nx.add_path(G, ["a", "b", "c"])
    G.add_edges_from([("x", "y"), ("p", "q"), ("q", "r"), ("r", "p")])
    G.add_node("alone")
    return G


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sampled_closeness_within_bound_of_networkx(seed):
    """Each node's mean distance (the reciprocal scale of closeness) within the stated bound."""
    G = _components_graph(seed)
    exact = nx.closeness_centrality(G)
    info = {}
    k = 30
    est = sampled_closeness(G, k, seed=seed, info=info)
    n = len(G)
    assert info["sampled_components"] == 2  # the small world and the 40-node path
    assert info["error_bound"] == pytest.approx(closeness_error_bound(n, k, info["diameter_bound"]))
    assert info["diameter_bound"] >= nx.diameter(G.subgraph(range(1000, 1040)))
    for comp in nx.connected_components(G):
        r = len(comp)
        for v in comp:
            if r <= k:  # small components: exact
                assert est[v] == pytest.approx(exact[v], abs=1e-12)
                continue
            mean = (r - 1) ** 2 / ((n - 1) * r * exact[v])
            mean_hat = (r - 1) ** 2 / ((n - 1) * r * est[v])
            assert abs(mean_hat - mean) <= info["error_bound"]


def test_sampled_closeness_exact_when_k_covers_every_component():
    G = _components_graph(1)
    info = {}
    assert sampled_closeness(G, 400, seed=0, info=info) == pytest.approx(nx.closeness_centrality(G), abs=1e-12)
    assert info["sampled_components"] == 0 and info["error_bound"] == 0.0
    with pytest.raises(ValueError, match="undirected"):
        sampled_closeness(nx.DiGraph([(1, 2)]), 3)
    with pytest.raises(ValueError):
        sampled_closeness(G, 0)


def test_closeness_error_bound_formula():
    """Delta * sqrt(ln(2n / delta) / (2k)), and the one-node form without the union bound."""
    assert closeness_error_bound(1000, 50, 8) == pytest.approx(8 * math.sqrt(math.log(2000 / 0.05) / 100))
    assert closeness_error_bound(1000, 50, 8, union=False) == pytest.approx(8 * math.sqrt(math.log(40) / 100))
