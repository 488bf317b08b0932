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

The computations are sparse (``scipy.sparse``): O(n + m) memory plus a bounded work buffer, and
O(sum over nodes of d_i * d_j over ties i-j) time, done in row blocks so that no dense n x n matrix
is ever built (networkx >= 3.5 builds one in ``effective_size`` and asks for 74.5 GiB at 100k
nodes).

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

#: Most stored entries a row block of an intermediate product may hold (memory bound).
_BLOCK_WORK = 4_000_000


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


def _row_scale(M, factors):
    """Return diag(factors) @ M for a CSR matrix without densifying."""
    out = M.copy()
    out.data = out.data * np.repeat(factors, np.diff(M.indptr))
    return out


def _blocks(M, rows):
    """Split `rows` into consecutive blocks whose two-path work is about ``_BLOCK_WORK``."""
    degree = np.diff(M.indptr)
    pattern = M.copy()
    pattern.data = np.ones_like(pattern.data)
    work = (pattern @ degree.astype(float))[rows] + 1
    cum = np.cumsum(work)
    start = 0
    while start < len(rows):
        offset = cum[start - 1] if start else 0.0
        stop = int(np.searchsorted(cum, offset + _BLOCK_WORK, side="right"))
        stop = max(stop, start + 1)
        yield rows[start:stop]
        start = stop


def _masked_product(X, Y, rows):
    """For each block of `rows`: (X[rows], (X[rows] @ Y) restricted to the pattern of X[rows]).

    Both returned matrices have exactly the pattern of ``X[rows]`` (sorted indices), so their
    ``data`` arrays are aligned entry by entry. Requires X >= 0 and Y >= 0 with X's stored
    entries > 0, so that adding the masked product cannot cancel an entry.
    """
    for block in _blocks(X, rows):
        Xb = X[block]
        Xb.sort_indices()
        pattern = Xb.copy()
        pattern.data = np.ones_like(pattern.data)
        masked = (Xb @ Y).multiply(pattern).tocsr()
        both = (Xb + masked).tocsr()
        both.sort_indices()
        if not np.array_equal(both.indices, Xb.indices):  # pragma: no cover - guarded invariant
            raise RuntimeError("internal error: masked product changed the sparsity pattern")
        yield block, Xb, both.data - Xb.data


def _proportional(M):
    strength = np.asarray(M.sum(axis=1)).ravel()
    with np.errstate(divide="ignore"):
        inv = np.where(strength > 0, 1.0 / np.where(strength > 0, strength, 1.0), 0.0)
    return _row_scale(M, inv)


def _local_constraints(G, nodes, weight):
    """Yield (row indices, CSR of local constraints c_ij restricted to those rows, node list)."""
    all_nodes, index, M = _mutual_weights(G, weight)
    P = _proportional(M)
    rows = np.array([index[v] for v in nodes], dtype=np.int64)
    for block, Pb, indirect in _masked_product(P, P, rows):
        local = Pb.copy()
        local.data = (Pb.data + indirect) ** 2
        yield block, local, all_nodes


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
    returns ``nan``). Time O(sum over ties i-j of d_j) for the requested rows.

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
    out = {v: math.nan for v in nodes}
    for block, local, all_nodes in _local_constraints(G, nodes, weight):
        totals = np.asarray(local.sum(axis=1)).ravel()
        counts = np.diff(local.indptr)
        for i, total, k in zip(block.tolist(), totals.tolist(), counts.tolist()):
            if k:
                out[all_nodes[i]] = total
    return out


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
    out = {v: math.nan for v in nodes}
    for block, local, all_nodes in _local_constraints(G, nodes, weight):
        counts = np.diff(local.indptr)
        totals = np.asarray(local.sum(axis=1)).ravel()
        row_of = np.repeat(np.arange(len(block)), counts)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = local.data * (counts / totals)[row_of]
            terms = np.bincount(row_of, weights=ratio * np.log(ratio), minlength=len(block))
        for pos, i in enumerate(block.tolist()):
            k = int(counts[pos])
            if k >= 2:
                out[all_nodes[i]] = max(0.0, float(terms[pos]) / (k * math.log(k)))
    return out


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
    all_nodes, index, M = _mutual_weights(G, weight)
    P = _proportional(M)
    strongest = np.asarray(M.max(axis=1).todense()).ravel()
    with np.errstate(divide="ignore"):
        inv_max = np.where(strongest > 0, 1.0 / np.where(strongest > 0, strongest, 1.0), 0.0)
    # Mt[q, j] = m_jq = M[j, q] / max_k M[j, k]; M is symmetric, so scale its columns.
    Mt = (M @ sp.diags_array(inv_max)).tocsr()
    out = {v: math.nan for v in nodes}
    rows = np.array([index[v] for v in nodes], dtype=np.int64)
    for block, Pb, redundancy in _masked_product(P, Mt, rows):
        counts = np.diff(Pb.indptr)
        row_of = np.repeat(np.arange(len(block)), counts)
        total = np.bincount(row_of, weights=redundancy, minlength=len(block))
        for pos, i in enumerate(block.tolist()):
            if counts[pos]:
                out[all_nodes[i]] = float(counts[pos] - total[pos])
    return out


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
