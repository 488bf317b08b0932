r"""Heterogeneity of each node's contacts: Blau's index and the index of qualitative variation.

For a node whose :math:`k_v` distinct contacts fall into categories with shares :math:`p_c`,
Blau's index is :math:`B = 1 - \sum_c p_c^2` [1]_ and the IQV is
:math:`B \cdot K / (K - 1)` [2]_ [3]_, which rescales B to [0, 1].

Choice of :math:`K` (documented convention): the number of categories in the partition of the
*whole graph*, not of the ego network, so that IQVs of different nodes are on one scale.

Conventions: contacts are distinct neighbours (in- and out- for directed graphs), self excluded;
the ego's own group is not counted; parallel edges do not count twice.

References
----------
.. [1] Blau, P. M. (1977). *Inequality and Heterogeneity*. New York: Free Press.
.. [2] Agresti, A., Agresti, B. F. (1978). Statistical analysis of qualitative variation.
   *Sociological Methodology* 9, 204-237.
.. [3] Mueller, J. H., Schuessler, K. F. (1961). *Statistical Reasoning in Sociology*. Boston:
   Houghton Mifflin.
"""

from __future__ import annotations

import math

from useit_graph.metrics._igraph import check_nodes
from useit_graph.metrics.blocks import partition

__all__ = ["blau_index", "iqv"]


def _contacts(G, v):
    if G.is_directed():
        found = set(G.predecessors(v)) | set(G.successors(v))
    else:
        found = set(G.neighbors(v))
    found.discard(v)
    return found


def _blau(G, labels, v):
    contacts = _contacts(G, v)
    if not contacts:
        return math.nan
    tally = {}
    for u in contacts:
        tally[labels[u]] = tally.get(labels[u], 0) + 1
    k = len(contacts)
    return 1.0 - sum((c / k) ** 2 for c in tally.values())


def blau_index(G, group="group", nodes=None):
    r"""Blau's heterogeneity index of each node's contacts, :math:`1 - \sum_c p_c^2`.

    Parameters
    ----------
    G : networkx graph
    group : str, optional (default="group")
        Node attribute holding the category.
    nodes : iterable, optional
        Nodes to report (default: all).

    Returns
    -------
    dict
        Node -> float in [0, 1 - 1/K]; ``nan`` for a node without contacts.

    Raises
    ------
    MissingNodeAttribute
        A node lacks `group`.

    Notes
    -----
    O(sum of degrees of the reported nodes).

    References
    ----------
    .. [1] Blau, P. M. (1977). *Inequality and Heterogeneity*. Free Press.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.star_graph(4)
    >>> nx.set_node_attributes(G, {0: "x", 1: "a", 2: "a", 3: "b", 4: "c"}, "group")
    >>> blau_index(G)[0]
    0.625
    """
    labels = partition(G, group)
    return {v: _blau(G, labels, v) for v in check_nodes(G, nodes)}


def iqv(G, group="group", nodes=None):
    r"""Index of qualitative variation of each node's contacts, :math:`B \cdot K / (K - 1)`.

    Parameters
    ----------
    G : networkx graph
    group : str, optional (default="group")
    nodes : iterable, optional

    Returns
    -------
    dict
        Node -> float in [0, 1]; ``nan`` for a node without contacts and for every node when
        the graph has a single category (K = 1).

    Raises
    ------
    MissingNodeAttribute
        A node lacks `group`.

    Notes
    -----
    K is the number of distinct categories among *all* nodes of `G` (see the module docstring).

    References
    ----------
    .. [1] Agresti, A., Agresti, B. F. (1978). *Sociological Methodology* 9, 204-237.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.star_graph(4)
    >>> nx.set_node_attributes(G, {0: "x", 1: "a", 2: "a", 3: "b", 4: "c"}, "group")
    >>> iqv(G)[0]  # K = 4 categories in the graph
    0.8333333333333334
    """
    labels = partition(G, group)
    K = len(set(labels.values()))
    out = {}
    for v in check_nodes(G, nodes):
        b = _blau(G, labels, v)
        out[v] = b * K / (K - 1) if K > 1 else math.nan
    return out
