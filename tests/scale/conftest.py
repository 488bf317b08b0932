"""Fixtures shared by the scale tests."""

from __future__ import annotations


def graph_snapshot(G):
    """Nodes and edges of a projected graph with all their attributes, for equality tests."""
    nodes = {str(n): d for n, d in G.nodes(data=True)}
    edges = {(str(u), str(v), str(k)): d for u, v, k, d in G.edges(keys=True, data=True)}
    return nodes, edges


import pytest  # noqa: E402


@pytest.fixture
def snapshot():
    """The :func:`graph_snapshot` function."""
    return graph_snapshot
