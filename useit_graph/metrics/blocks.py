"""Partitions of a graph: the partition a node attribute defines, block densities, assortativity.

The other modules of :mod:`useit_graph.metrics` that take a ``group`` attribute read it through
:func:`partition`, so they all fail the same way when a node lacks it.
"""

from __future__ import annotations

import networkx as nx

from useit_graph.errors import MissingNodeAttribute

__all__ = ["partition", "block_density", "attribute_assortativity"]


def partition(G, group="group"):
    """The partition of the nodes of `G` held in a node attribute.

    Parameters
    ----------
    G : networkx graph
        Any graph.
    group : str, optional (default="group")
        Node attribute holding the group label (any hashable value except ``None``).

    Returns
    -------
    dict
        Node -> group label, in the order of ``G.nodes``.

    Raises
    ------
    MissingNodeAttribute
        A node lacks `group` or has ``None`` there; the message names the node.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.path_graph(3)
    >>> nx.set_node_attributes(G, {0: "a", 1: "a", 2: "b"}, "group")
    >>> partition(G)
    {0: 'a', 1: 'a', 2: 'b'}
    """
    labels = {}
    for node, label in G.nodes(data=group):
        if label is None:
            raise MissingNodeAttribute(
                f"node {node!r} has no {group!r} attribute (or it is None); "
                "every node needs a group label for this measure.",
                hint=f"set G.nodes[{node!r}][{group!r}], or remove the node "
                "(e.g. G.subgraph(n for n, g in G.nodes(data=group) if g is not None)).",
            )
        labels[node] = label
    return labels


def block_density(G, group="group", weight=None):
    r"""Block density (image) matrix of `G` by the partition in a node attribute.

    For groups :math:`A` and :math:`B` with :math:`n_A`, :math:`n_B` nodes the density of block
    :math:`(A, B)` is the number (or total weight) of ties from :math:`A` to :math:`B` divided by
    the number of possible ties [1]_ [2]_:

    * directed, :math:`A \ne B`: :math:`n_A n_B` ordered pairs;
    * directed, :math:`A = B`: :math:`n_A (n_A - 1)` ordered pairs (no self-pairs);
    * undirected, :math:`A \ne B`: :math:`n_A n_B` pairs, and the matrix is symmetric;
    * undirected, :math:`A = B`: :math:`n_A (n_A - 1) / 2` pairs.

    Parameters
    ----------
    G : networkx graph
        Directed or undirected. Self-loops are ignored. In a multigraph each parallel edge counts
        (so a density can exceed 1); pass a simple graph for densities in [0, 1].
    group : str, optional (default="group")
        Node attribute holding the group label.
    weight : str or None, optional (default=None)
        Edge attribute summed instead of counting ties (missing values count 1).

    Returns
    -------
    dict
        ``{A: {B: density}}`` for every ordered pair of groups; a block with no possible pair
        (a diagonal block of a one-node group) maps to ``nan``.

    Raises
    ------
    MissingNodeAttribute
        A node lacks `group`.

    Notes
    -----
    O(n + m). Groups are listed in order of first appearance in ``G.nodes``.

    References
    ----------
    .. [1] White, H. C., Boorman, S. A., Breiger, R. L. (1976). Social structure from multiple
       networks. I. Blockmodels of roles and positions. *American Journal of Sociology* 81(4),
       730-780.
    .. [2] Wasserman, S., Faust, K. (1994). *Social Network Analysis: Methods and Applications*,
       ch. 10. Cambridge University Press.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(0, 1), (1, 2), (2, 3)])
    >>> nx.set_node_attributes(G, {0: "a", 1: "a", 2: "b", 3: "b"}, "group")
    >>> block_density(G)
    {'a': {'a': 1.0, 'b': 0.25}, 'b': {'a': 0.25, 'b': 1.0}}
    """
    labels = partition(G, group)
    sizes = {}
    for label in labels.values():
        sizes[label] = sizes.get(label, 0) + 1
    ties = {a: {b: 0.0 for b in sizes} for a in sizes}
    directed = G.is_directed()
    for u, v, w in G.edges(data=weight, default=1):
        if u == v:
            continue
        w = 1 if weight is None else w
        a, b = labels[u], labels[v]
        ties[a][b] += w
        if not directed and a != b:
            ties[b][a] += w
    out = {}
    for a, na in sizes.items():
        out[a] = {}
        for b, nb in sizes.items():
            if a == b:
                possible = na * (na - 1) if directed else na * (na - 1) / 2
            else:
                possible = na * nb
            out[a][b] = ties[a][b] / possible if possible else float("nan")
    return out


def attribute_assortativity(G, group="group"):
    """Newman's attribute assortativity of the partition in a node attribute.

    A thin wrapper of :func:`networkx.attribute_assortativity_coefficient` [1]_ that first checks
    that every node has the attribute (networkx raises a bare ``KeyError``).

    Parameters
    ----------
    G : networkx graph
        Directed or undirected.
    group : str, optional (default="group")
        Node attribute holding the group label.

    Returns
    -------
    float
        In [-1, 1]; ``nan`` when it is undefined (one group only).

    Raises
    ------
    MissingNodeAttribute
        A node lacks `group`.

    References
    ----------
    .. [1] Newman, M. E. J. (2003). Mixing patterns in networks. *Physical Review E* 67, 026126.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(0, 1), (2, 3)])
    >>> nx.set_node_attributes(G, {0: "a", 1: "a", 2: "b", 3: "b"}, "group")
    >>> attribute_assortativity(G)
    1.0
    """
    partition(G, group)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = nx.attribute_assortativity_coefficient(G, group)
    return float(value)
