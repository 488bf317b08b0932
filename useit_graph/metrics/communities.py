"""Louvain communities, modularity, and the edges that bridge communities.

Communities are found on the *undirected weighted view* of `G`: self-loops dropped, parallel and
reciprocal edges merged with their weights summed (each edge weighs 1 when ``weight=None``).
Modularity is Newman's, on the same view.
"""

from __future__ import annotations

import random

import igraph as ig
import networkx as nx

from useit_graph.metrics._igraph import IGraphView, to_igraph

__all__ = ["louvain_communities", "modularity", "bridging_edges"]


def _undirected_view(G, weight):
    view = to_igraph(G, weight, combine="sum")
    if not G.is_directed():
        return view
    combine = {"weight": "sum"} if view.weighted else None
    graph = view.graph.as_undirected(mode="collapse", combine_edges=combine)
    return IGraphView(graph=graph, nodes=view.nodes, index=view.index, weighted=view.weighted)


def _ordered(view, membership):
    """Communities as node sets, largest first, ties broken by first node in ``G`` order."""
    groups = {}
    for i, c in enumerate(membership):
        groups.setdefault(c, []).append(i)
    ordered = sorted(groups.values(), key=lambda members: (-len(members), members[0]))
    return [{view.nodes[i] for i in members} for members in ordered]


def louvain_communities(G, weight="weight", resolution=1.0, seed=0):
    """Louvain communities with python-igraph's ``community_multilevel`` (the default backend).

    igraph's Louvain [1]_ visits vertices in a random order drawn from its random number
    generator; to make the result a function of `seed` only, ``random.Random(seed)`` is installed
    as igraph's generator for the call and the default (Python's ``random`` module) is restored
    afterwards. igraph was chosen over ``networkx.community.louvain_communities(seed=...)`` for
    speed (about 10x at 100k nodes; see ``bench/results/metrics.md``); both maximise the same
    modularity but may return different partitions.

    Parameters
    ----------
    G : networkx graph
        Directed graphs are symmetrised (see the module docstring).
    weight : str or None, optional (default="weight")
        Edge attribute holding weights (missing = 1); ``None`` ignores weights.
    resolution : float, optional (default=1.0)
    seed : int, optional (default=0)

    Returns
    -------
    list of set
        Communities, largest first (ties: the one whose first node comes first in ``G.nodes``).

    Notes
    -----
    Swapping igraph's generator is process-global for the duration of the call: do not call
    this concurrently from several threads.

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R., Lefebvre, E. (2008). Fast unfolding
       of communities in large networks. *J. Stat. Mech.* P10008.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.barbell_graph(4, 0)
    >>> louvain_communities(G, seed=1)
    [{0, 1, 2, 3}, {4, 5, 6, 7}]
    """
    view = _undirected_view(G, weight)
    ig.set_random_number_generator(random.Random(seed))
    try:
        clustering = view.graph.community_multilevel(weights=view.weights, resolution=resolution)
    finally:
        ig.set_random_number_generator(random)
    return _ordered(view, clustering.membership)


def modularity(G, communities, weight="weight", resolution=1.0):
    """Newman's modularity of a partition on the undirected weighted view of `G`.

    Computed with python-igraph's ``Graph.modularity``; equals
    :func:`networkx.community.modularity` on that view [1]_.

    Parameters
    ----------
    G : networkx graph
    communities : iterable of sets
        A partition of the nodes of `G`.
    weight : str or None, optional (default="weight")
    resolution : float, optional (default=1.0)

    Returns
    -------
    float

    Raises
    ------
    networkx.NetworkXError
        `communities` is not a partition of the nodes (a node missing or in two sets).

    References
    ----------
    .. [1] Newman, M. E. J. (2006). Modularity and community structure in networks. *PNAS*
       103(23), 8577-8582.

    Examples
    --------
    >>> import networkx as nx
    >>> round(modularity(nx.barbell_graph(3, 0), [{0, 1, 2}, {3, 4, 5}]), 4)
    0.3571
    """
    view = _undirected_view(G, weight)
    membership = [None] * len(view.nodes)
    for c, members in enumerate(communities):
        for node in members:
            i = view.index.get(node)
            if i is None or membership[i] is not None:
                raise nx.NetworkXError(
                    f"node {node!r} is not in the graph or is in two communities; "
                    "pass a partition of G's nodes."
                )
            membership[i] = c
    missing = [view.nodes[i] for i, c in enumerate(membership) if c is None]
    if missing:
        raise nx.NetworkXError(
            f"node {missing[0]!r} is in no community; pass a partition of G's nodes."
        )
    return float(view.graph.modularity(membership, weights=view.weights, resolution=resolution))


def bridging_edges(G, communities):
    """Edges of `G` whose ends lie in different communities, with the communities they join.

    Parameters
    ----------
    G : networkx graph
    communities : list of sets
        A partition of the nodes (e.g. from :func:`louvain_communities`).

    Returns
    -------
    list of tuple
        ``(u, v, cu, cv)`` in ``G.edges`` order, with ``cu``/``cv`` the positions of the
        communities of ``u``/``v`` in `communities`. Parallel edges each appear.

    Raises
    ------
    networkx.NetworkXError
        A node of `G` is in no community.

    Examples
    --------
    >>> import networkx as nx
    >>> bridging_edges(nx.barbell_graph(3, 0), [{0, 1, 2}, {3, 4, 5}])
    [(2, 3, 0, 1)]
    """
    where = {}
    for c, members in enumerate(communities):
        for node in members:
            where[node] = c
    out = []
    for u, v in G.edges():
        if u not in where or v not in where:
            node = u if u not in where else v
            raise nx.NetworkXError(f"node {node!r} is in no community; pass a partition of G.")
        if where[u] != where[v]:
            out.append((u, v, where[u], where[v]))
    return out
