r"""Burt's structural-holes measures: constraint, effective size, efficiency, hierarchy.

All four are built on the *proportional tie strength* of Burt (1992, p. 51),

.. math::

   p_{ij} = \frac{a_{ij} + a_{ji}}{\sum_{k \ne i} (a_{ik} + a_{ki})},

where :math:`a_{ij}` is the weight of the tie from :math:`i` to :math:`j` (1 when unweighted).
This is the convention of networkx and igraph for directed graphs: a tie counts for both ends,
whichever way it points.

Conventions (the same for every function here; see ``docs/measures.md``):

* **Self-loops are ignored** (as igraph does; networkx counts them).
* **Parallel edges** of a multigraph are one tie whose weight is the **sum** of their weights
  (their **count** when ``weight=None``), as igraph and networkx's whole-graph code do.
* **Zero-weight edges** are no tie (python-igraph keeps a zero-weight neighbour as a contact, so it
  differs there; see :func:`constraint`). Negative or non-finite weights raise ``ValueError``.
* A node's **contacts** are its distinct neighbours, in- and out- (self excluded). A node that
  only *receives* ties therefore has contacts and gets a finite value, the same value igraph
  gives (networkx's ``nodes=`` path returns ``nan`` for it).
* A node with **no contacts** (isolated, or only self-loops) gets ``nan`` for every measure.

The two-step terms only involve common contacts, so they are summed over the graph's triangles
(listed by python-igraph, :func:`holes_from_pairs`): O(m + T) time and memory for m ties and T
triangles. No dense n x n matrix is built (networkx >= 3.5 builds one in ``effective_size`` and
asks for 74.5 GiB at 100k nodes), and hubs cost nothing extra (a two-path product costs the sum
of squared degrees: 101 s at 100k nodes on a synthetic city with 30k-contact anchors, against
about 2 s here; ``bench/results/metrics.md``).

References
----------
.. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition*. Cambridge,
   MA: Harvard University Press.
.. [2] Borgatti, S. P. (1997). Structural holes: Unpacking Burt's redundancy measures.
   *Connections* 20(1), 35-38.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from useit_graph.metrics._igraph import check_nodes, edge_weights, to_igraph

__all__ = ["constraint", "effective_size", "efficiency", "hierarchy", "effective_size_method"]

def _mutual_weights(G, weight):
    """Symmetric CSR matrix of mutual weights a_ij + a_ji (zero diagonal), and the node list."""
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    rows, cols, vals = [], [], []
    for u, v, w in edge_weights(G, weight):
        if u == v or w == 0:
            continue
        rows.append(index[u])
        cols.append(index[v])
        vals.append(float(w))
    n = len(nodes)
    A = sp.csr_array(
        (np.asarray(vals, dtype=float), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
        shape=(n, n),
    )
    M = (A + A.T).tocsr()
    M.eliminate_zeros()
    M.sort_indices()
    return nodes, index, M


def _upper_pairs(M):
    """The pairs i < j of a symmetric CSR matrix with their values, sorted by ``i * n + j``."""
    coo = sp.triu(M, k=1, format="coo")
    order = np.lexsort((coo.col, coo.row))
    return (coo.row[order].astype(np.int64), coo.col[order].astype(np.int64),
            np.asarray(coo.data[order], dtype=float))


def holes_from_pairs(n, ea, eb, mv, tri=None, ids=None, graph=None):
    r"""Contacts, constraint, hierarchy and (general-path) effective size from mutual tie weights.

    The array core of this module. Tie weights are given per unordered pair: ``mv[e]`` is
    :math:`a_{ij} + a_{ji}` for the pair ``(ea[e], eb[e])``; a pair with ``mv == 0`` is no tie.
    The two-step terms :math:`\sum_{q \ne i,j} p_{iq} p_{qj}` and
    :math:`\sum_q p_{iq} m_{jq}` are non-zero only for a common contact q of i and j, i.e. for a
    triangle i-j-q, so they are summed over the triangles of the graph: O(m + T) time and memory
    (T triangles), instead of the O(sum of squared degrees) of a two-path matrix product, which
    hubs make expensive (an anchor with 10^4 contacts alone costs 10^8).

    Parameters
    ----------
    n : int
    ea, eb : int64 arrays
        Sorted simple pairs (``ea < eb``), see :func:`useit_graph.metrics._arrays.simple_pairs`.
    mv : float array
        Mutual weight of each pair (>= 0).
    tri, ids : int64 arrays (T, 3), optional
        The triangles of the pairs and their side ids (:func:`useit_graph.metrics._arrays.triangles`);
        listed here when not given. Triangles with a zero-weight side are ignored.
    graph : igraph.Graph, optional
        The pairs as an igraph graph, to list triangles without a conversion.

    Returns
    -------
    dict of float arrays (length n)
        ``contacts`` (distinct contacts), ``constraint``, ``hierarchy``, ``effective_size``
        (the general formula), each ``nan`` where undefined (no contacts; hierarchy: fewer
        than two).
    """
    from useit_graph.metrics._arrays import triangles

    valid = mv > 0
    if tri is None:
        tri, ids = triangles(n, ea, eb, graph=graph)
    E = len(ea)
    strength = np.bincount(ea, weights=mv, minlength=n) + np.bincount(eb, weights=mv, minlength=n)
    contacts = (np.bincount(ea[valid], minlength=n) + np.bincount(eb[valid], minlength=n)).astype(float)
    strongest = np.zeros(n)
    np.maximum.at(strongest, ea, mv)
    np.maximum.at(strongest, eb, mv)
    T1 = np.zeros(E)  # sum over common contacts q of m_iq m_qj / s_q  (symmetric in i, j)
    T2 = np.zeros(E)  # sum over common contacts q of m_iq m_qj
    if len(tri):
        e_ab, e_bc, e_ac = ids[:, 0], ids[:, 1], ids[:, 2]
        keep = valid[e_ab] & valid[e_bc] & valid[e_ac]
        e_ab, e_bc, e_ac = e_ab[keep], e_bc[keep], e_ac[keep]
        a, b, c = tri[keep, 0], tri[keep, 1], tri[keep, 2]
        w_ab, w_bc, w_ac = mv[e_ab], mv[e_bc], mv[e_ac]
        for side, x, y, q in ((e_ab, w_ac, w_bc, c), (e_bc, w_ab, w_ac, a), (e_ac, w_ab, w_bc, b)):
            prod = x * y
            T2 += np.bincount(side, weights=prod, minlength=E)
            T1 += np.bincount(side, weights=prod / strength[q], minlength=E)
    va, vb = ea[valid], eb[valid]
    mvv, t1, t2 = mv[valid], T1[valid], T2[valid]
    with np.errstate(divide="ignore", invalid="ignore"):
        # local constraint c_ij = (p_ij + sum_q p_iq p_qj)^2 = ((a_ij + T1_ij) / s_i)^2, both directions
        c_fwd = ((mvv + t1) / strength[va]) ** 2
        c_bwd = ((mvv + t1) / strength[vb]) ** 2
        total = np.bincount(va, weights=c_fwd, minlength=n) + np.bincount(vb, weights=c_bwd, minlength=n)
        r_fwd = c_fwd * (contacts / total)[va]
        r_bwd = c_bwd * (contacts / total)[vb]
        terms = (np.bincount(va, weights=r_fwd * np.log(r_fwd), minlength=n)
                 + np.bincount(vb, weights=r_bwd * np.log(r_bwd), minlength=n))
        # redundancy of j for i: sum_q p_iq m_jq = T2_ij / (s_i max_k a_jk)
        red = (np.bincount(va, weights=t2 / (strength[va] * strongest[vb]), minlength=n)
               + np.bincount(vb, weights=t2 / (strength[vb] * strongest[va]), minlength=n))
        hier = np.maximum(0.0, terms / (contacts * np.log(contacts)))
    none = contacts == 0
    constraint_ = np.where(none, np.nan, total)
    hier = np.where(contacts >= 2, hier, np.nan)
    size = np.where(none, np.nan, contacts - red)
    return {"contacts": contacts, "constraint": constraint_, "hierarchy": hier, "effective_size": size}


def _holes(G, weight):
    """(node list, index, arrays of :func:`holes_from_pairs`) for a networkx graph."""
    nodes, index, M = _mutual_weights(G, weight)
    ea, eb, mv = _upper_pairs(M)
    return nodes, index, holes_from_pairs(len(nodes), ea, eb, mv)


def _pick(nodes, index, values, wanted):
    return {v: float(values[index[v]]) for v in wanted}


def constraint(G, nodes=None, weight=None):
    r"""Burt's constraint on each node.

    .. math::

       c_i = \sum_{j \in N(i)} \Bigl(p_{ij} + \sum_{q \ne i, j} p_{iq} p_{qj}\Bigr)^2

    with :math:`p_{ij}` the proportional tie strength defined in the module docstring [1]_.

    Parameters
    ----------
    G : networkx graph
        Directed or undirected, simple or multigraph.
    nodes : iterable, optional
        Nodes to compute (default: all); the cost is proportional to their ego networks only.
    weight : str or None, optional (default=None)
        Edge attribute holding tie strength; ``None`` counts each edge 1.

    Returns
    -------
    dict
        Node -> float; ``nan`` for a node with no contacts.

    Raises
    ------
    ValueError
        A weight is negative or not finite (the message names the edge).
    networkx.NodeNotFound
        A node of `nodes` is not in `G`.

    Notes
    -----
    Equals python-igraph's ``Graph.constraint(weights=...)`` including on directed graphs and
    multigraphs, on graphs without zero weights. A weight-0 edge is no tie here (its other end is
    no contact), while igraph 1.0 keeps that end as a contact and adds its indirect term (a
    node tied with weight 1 to j and weight 0 to q, with j - q tied, gets 1 from us and 1.25
    from igraph); with zero weights we equal igraph on the graph with those edges deleted.
    Differs from networkx when `G` has self-loops or parallel edges (networkx counts a
    self-loop as a contact) and for nodes that only receive ties (networkx's ``nodes=`` path
    returns ``nan``). Time O(m + T) for the whole graph (T triangles), whatever `nodes`.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes*, ch. 2. Harvard University Press.

    Examples
    --------
    >>> import networkx as nx
    >>> c = constraint(nx.star_graph(3))
    >>> round(c[0], 4), c[1]
    (0.3333, 1.0)
    """
    nodes = check_nodes(G, nodes)
    all_nodes, index, arrays = _holes(G, weight)
    return _pick(all_nodes, index, arrays["constraint"], nodes)


def hierarchy(G, nodes=None, weight=None):
    r"""Burt's hierarchy: how concentrated a node's constraint is on a few contacts.

    .. math::

       h_i = \frac{\sum_{j \in N(i)} r_{ij} \ln r_{ij}}{k_i \ln k_i},
       \qquad r_{ij} = \frac{c_{ij}}{c_i / k_i},

    where :math:`c_{ij}` is the local constraint of :math:`j` on :math:`i` (the summand of
    :func:`constraint`), :math:`c_i` their sum and :math:`k_i` the number of contacts [1]_.

    Parameters
    ----------
    G : networkx graph
    nodes : iterable, optional
        Nodes to compute (default: all).
    weight : str or None, optional (default=None)
        Edge attribute holding tie strength.

    Returns
    -------
    dict
        Node -> float in [0, 1]; ``nan`` for a node with fewer than two contacts (0/0: the
        measure compares contacts, and one contact cannot be compared with another).

    Raises
    ------
    ValueError
        A weight is negative or not finite.

    Notes
    -----
    Same conventions and cost as :func:`constraint`.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes*, pp. 70-71. Harvard University Press.

    Examples
    --------
    >>> import networkx as nx
    >>> hierarchy(nx.star_graph(3))[0]
    0.0
    """
    nodes = check_nodes(G, nodes)
    all_nodes, index, arrays = _holes(G, weight)
    return _pick(all_nodes, index, arrays["hierarchy"], nodes)


def effective_size_method(G, weight=None):
    """The code path :func:`effective_size` takes with ``method="auto"``.

    ``"closed-form"`` for an unweighted (``weight=None``), undirected, non-multigraph `G`, where
    Borgatti's simplification applies; ``"general"`` otherwise.

    Examples
    --------
    >>> import networkx as nx
    >>> effective_size_method(nx.path_graph(3)), effective_size_method(nx.DiGraph())
    ('closed-form', 'general')
    """
    if weight is None and not G.is_directed() and not G.is_multigraph():
        return "closed-form"
    return "general"


def _effective_size_closed_form(G, nodes):
    view = to_igraph(G, None)
    degree = view.graph.degree()
    clustering = view.graph.transitivity_local_undirected(mode="zero")
    out = {}
    for v in nodes:
        i = view.index[v]
        k = degree[i]
        out[v] = k - (k - 1) * clustering[i] if k else math.nan
    return out


def _effective_size_general(G, nodes, weight):
    all_nodes, index, arrays = _holes(G, weight)
    return _pick(all_nodes, index, arrays["effective_size"], nodes)


def effective_size(G, nodes=None, weight=None, method="auto"):
    r"""Burt's effective size of each node's ego network.

    .. math::

       e_i = \sum_{j \in N(i)} \Bigl(1 - \sum_{q \ne i, j} p_{iq} m_{jq}\Bigr),
       \qquad m_{jq} = \frac{a_{jq} + a_{qj}}{\max_k (a_{jk} + a_{kj})},

    the number of contacts minus their redundancy [1]_. For an unweighted undirected simple graph
    Borgatti's simplification [2]_ gives :math:`e_i = k_i - 2 t_i / k_i = k_i - (k_i - 1) C_i`,
    with :math:`t_i` the ties among the :math:`k_i` contacts and :math:`C_i` the local clustering
    coefficient; ``method="auto"`` uses it there (see :func:`effective_size_method`).

    Parameters
    ----------
    G : networkx graph
    nodes : iterable, optional
        Nodes to compute (default: all).
    weight : str or None, optional (default=None)
        Edge attribute holding tie strength.
    method : {"auto", "general", "closed-form"}, optional (default="auto")
        ``"closed-form"`` raises ``ValueError`` where it does not apply.

    Returns
    -------
    dict
        Node -> float; ``nan`` for a node with no contacts.

    Raises
    ------
    ValueError
        Bad weight, unknown `method`, or ``"closed-form"`` on a graph it does not fit.

    Notes
    -----
    networkx's whole-graph ``effective_size(G)`` (no ``nodes=``) normalises :math:`m_{jq}` by
    the wrong node's strongest tie on weighted or directed graphs and builds a dense n x n
    matrix; its ``nodes=`` path returns ``nan`` for nodes that only receive ties. Both are
    avoided here. Closed form: O(n + m) with igraph; general: as :func:`constraint`.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes*, pp. 51-55. Harvard University Press.
    .. [2] Borgatti, S. P. (1997). Structural holes: Unpacking Burt's redundancy measures.
       *Connections* 20(1), 35-38.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("A", "B"), ("A", "C"), ("B", "C"), ("A", "D")])
    >>> effective_size(G) == effective_size(G, method="general")
    True
    >>> round(effective_size(G)["A"], 4)
    2.3333
    """
    if method not in ("auto", "general", "closed-form"):
        raise ValueError(f"method={method!r}; use 'auto', 'general' or 'closed-form'.")
    nodes = check_nodes(G, nodes)
    fits = effective_size_method(G, weight) == "closed-form"
    if method == "closed-form" and not fits:
        raise ValueError(
            "method='closed-form' needs an unweighted (weight=None), undirected, simple graph; "
            "use method='general' or 'auto'."
        )
    if method == "closed-form" or (method == "auto" and fits):
        return _effective_size_closed_form(G, nodes)
    return _effective_size_general(G, nodes, weight)


def efficiency(G, nodes=None, weight=None):
    r"""Burt's efficiency: effective size divided by the number of contacts.

    :math:`\mathrm{eff}_i = e_i / k_i`, with :math:`k_i` the number of distinct contacts (in- or
    out-neighbours, self excluded), not the degree, so parallel edges and self-loops do not
    lower it [1]_.

    Parameters
    ----------
    G : networkx graph
    nodes : iterable, optional
    weight : str or None, optional (default=None)

    Returns
    -------
    dict
        Node -> float (at most 1); ``nan`` for a node with no contacts.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes*, p. 53. Harvard University Press.

    Examples
    --------
    >>> import networkx as nx
    >>> efficiency(nx.complete_graph(3))[0]
    0.5
    """
    nodes = check_nodes(G, nodes)
    size = effective_size(G, nodes, weight)
    _, index, M = _mutual_weights(G, weight)
    contacts = np.diff(M.indptr)
    out = {}
    for v in nodes:
        k = int(contacts[index[v]])
        out[v] = size[v] / k if k else math.nan
    return out
