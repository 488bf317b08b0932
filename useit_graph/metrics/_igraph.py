"""Convert a networkx graph to python-igraph once, and map igraph's results back to node keys.

Conventions (shared by every measure computed with igraph here):

* vertex ``i`` of the igraph graph is the ``i``-th node of ``G.nodes``;
* self-loops are dropped unless ``loops=True``;
* parallel edges of a multigraph are combined into one edge when `combine` is given: their
  weights are summed (``"sum"``, the convention of tie strength) or the smallest is kept
  (``"min"``, the convention of networkx's shortest-path code for multigraphs).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import igraph as ig
import networkx as nx

__all__ = ["IGraphView", "to_igraph", "edge_weights"]


@dataclass(frozen=True)
class IGraphView:
    """An igraph graph plus the map between its vertex ids and the networkx node keys.

    Attributes
    ----------
    graph : igraph.Graph
        Vertex ``i`` is ``nodes[i]``; edge weights (if any) are in the ``"weight"`` attribute.
    nodes : list
        Vertex id -> node key.
    index : dict
        Node key -> vertex id.
    weighted : bool
        Whether ``graph.es["weight"]`` holds weights.
    """

    graph: ig.Graph
    nodes: list
    index: dict
    weighted: bool

    def as_dict(self, values):
        """Map a per-vertex sequence back to ``{node: float}`` (plain Python floats)."""
        return {node: float(x) for node, x in zip(self.nodes, values)}

    @property
    def weights(self):
        """The edge weights, or ``None`` when the view is unweighted."""
        return self.graph.es["weight"] if self.weighted else None


def edge_weights(G, weight=None):
    """Yield ``(u, v, w)`` for every edge of `G` (each parallel edge once), checking `w`.

    Parameters
    ----------
    G : networkx graph
    weight : str or None
        Edge attribute; ``None`` means every edge weighs 1. A missing attribute counts 1.

    Raises
    ------
    ValueError
        A weight is not a finite number >= 0; the message names the edge.

    Examples
    --------
    >>> import networkx as nx
    >>> list(edge_weights(nx.Graph([(1, 2, {"w": 3})]), "w"))
    [(1, 2, 3)]
    """
    if weight is None:
        for u, v in G.edges():
            yield u, v, 1
        return
    for u, v, w in G.edges(data=weight, default=1):
        if not isinstance(w, numbers.Real) or isinstance(w, bool) or not math.isfinite(w) or w < 0:
            raise ValueError(
                f"edge ({u!r}, {v!r}) has {weight}={w!r}; weights must be finite numbers >= 0. "
                f"Fix: correct the edge's {weight!r} attribute, or pass weight=None."
            )
        yield u, v, w


def to_igraph(G, weight=None, *, combine="sum", loops=False):
    """Convert `G` to an :class:`IGraphView` (python-igraph graph plus node map).

    Parameters
    ----------
    G : networkx graph
        Directed or undirected, simple or multigraph.
    weight : str or None, optional (default=None)
        Edge attribute copied to igraph's ``"weight"``; ``None`` gives an unweighted graph.
    combine : {"sum", "min", None}, optional (default="sum")
        How parallel edges (same endpoints; for undirected graphs in either order) are merged.
        ``None`` keeps them all.
    loops : bool, optional (default=False)
        Keep self-loops.

    Returns
    -------
    IGraphView

    Raises
    ------
    ValueError
        A weight is negative or not finite, or `combine` is unknown.

    Examples
    --------
    >>> import networkx as nx
    >>> view = to_igraph(nx.MultiGraph([("a", "b"), ("b", "a"), ("b", "c")]))
    >>> view.graph.ecount(), view.nodes
    (2, ['a', 'b', 'c'])
    """
    if combine not in ("sum", "min", None):
        raise ValueError(f"combine={combine!r}; use 'sum', 'min' or None.")
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    directed = G.is_directed()
    edges, weights = [], []
    merged = {}
    for u, v, w in edge_weights(G, weight):
        if u == v and not loops:
            continue
        i, j = index[u], index[v]
        if combine is None:
            edges.append((i, j))
            weights.append(w)
            continue
        key = (i, j) if directed or i <= j else (j, i)
        if key in merged:
            merged[key] = merged[key] + w if combine == "sum" else min(merged[key], w)
        else:
            merged[key] = w
    if combine is not None:
        edges = list(merged)
        weights = list(merged.values())
    graph = ig.Graph(n=len(nodes), edges=edges, directed=directed)
    if weight is not None:
        graph.es["weight"] = [float(w) for w in weights]
    return IGraphView(graph=graph, nodes=nodes, index=index, weighted=weight is not None)


def check_nodes(G, nodes):
    """Return `nodes` as a list (all of `G` when ``None``), raising for a node not in `G`."""
    if nodes is None:
        return list(G)
    nodes = list(nodes)
    for node in nodes:
        if node not in G:
            raise nx.NodeNotFound(f"node {node!r} is not in the graph; drop it from `nodes`.")
    return nodes
