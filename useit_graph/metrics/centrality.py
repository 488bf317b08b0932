"""Degree, betweenness and closeness, computed with python-igraph and equal to networkx's numbers.

Each function converts the graph once with :func:`useit_graph.metrics._igraph.to_igraph` and maps
the result back to node keys. Shortest paths ignore self-loops and, in a multigraph, use the
lightest of parallel edges (networkx's convention; unweighted parallel edges are one edge, so
they do not multiply the number of shortest paths).
"""

from __future__ import annotations

import math
import random

import numpy as np

from useit_graph.metrics._igraph import check_nodes, to_igraph

__all__ = [
    "degree",
    "degree_by_tie",
    "betweenness",
    "sampled_betweenness",
    "betweenness_error_bound",
    "closeness",
    "sampled_closeness",
    "closeness_error_bound",
]

TIE_TYPES = ("bonding", "bridging", "linking")


def degree(G, kind="total", weight=None):
    """Degree of each node: total, in or out (networkx's ``G.degree`` conventions).

    Parameters
    ----------
    G : networkx graph
    kind : {"total", "in", "out"}, optional (default="total")
        ``"in"`` and ``"out"`` need a directed graph.
    weight : str or None, optional (default=None)
        Edge attribute to sum (strength) instead of counting edges.

    Returns
    -------
    dict
        Node -> int (float when weighted). A self-loop counts twice in the total degree and
        parallel edges each count, as in networkx.

    Raises
    ------
    ValueError
        Unknown `kind`, or ``"in"``/``"out"`` on an undirected graph.

    Examples
    --------
    >>> import networkx as nx
    >>> degree(nx.DiGraph([(1, 2), (1, 3)]), "out")
    {1: 2, 2: 0, 3: 0}
    """
    if kind not in ("total", "in", "out"):
        raise ValueError(f"kind={kind!r}; use 'total', 'in' or 'out'.")
    if kind == "total":
        view = G.degree(weight=weight)
    elif not G.is_directed():
        raise ValueError(f"kind={kind!r} needs a directed graph; use kind='total'.")
    else:
        view = G.in_degree(weight=weight) if kind == "in" else G.out_degree(weight=weight)
    return dict(view)


def degree_by_tie(G, tie="tie", direction="all"):
    """Number of each node's ties of each tie type (bonding, bridging, linking, ...).

    Parameters
    ----------
    G : networkx graph
        Edges carry the tie type in attribute `tie` (see ``docs/graph-model.md``).
    tie : str, optional (default="tie")
        Edge attribute holding the tie type.
    direction : {"all", "in", "out"}, optional (default="all")
        For directed graphs, which incident edges to count.

    Returns
    -------
    dict
        Node -> {tie type: int}. Every node has the keys ``bonding``, ``bridging`` and
        ``linking`` (0 if none), plus any other value met (such as ``unclassified``). Each edge
        counts once per endpoint; a self-loop counts once. Parallel edges each count.

    Raises
    ------
    ValueError
        An edge lacks `tie` (the message names it), or `direction` is unknown.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", tie="bonding")
    >>> G.add_edge("b", "c", tie="linking")
    >>> degree_by_tie(G)["b"]
    {'bonding': 1, 'bridging': 0, 'linking': 1}
    """
    if direction not in ("all", "in", "out"):
        raise ValueError(f"direction={direction!r}; use 'all', 'in' or 'out'.")
    if direction != "all" and not G.is_directed():
        raise ValueError(f"direction={direction!r} needs a directed graph; use 'all'.")
    out = {v: {t: 0 for t in TIE_TYPES} for v in G}
    for u, v, kind in G.edges(data=tie):
        if kind is None:
            raise ValueError(
                f"edge ({u!r}, {v!r}) has no {tie!r} attribute; "
                "Fix: classify the tie (project_graph fills it) or pass another attribute name."
            )
        ends = {"all": (u, v), "out": (u,), "in": (v,)}[direction]
        for node in set(ends):
            out[node][kind] = out[node].get(kind, 0) + 1
    return out


def _pair_scale(n, directed, normalized):
    """Factor from igraph's betweenness to networkx's (endpoints excluded)."""
    if n <= 2:
        return 1.0
    if normalized:
        return (1.0 if directed else 2.0) / ((n - 1) * (n - 2))
    return 1.0


def betweenness(G, weight=None, normalized=True):
    r"""Exact shortest-path betweenness, equal to :func:`networkx.betweenness_centrality`.

    :math:`b(v) = \sum_{s \ne v \ne t} \sigma_{st}(v) / \sigma_{st}` (Freeman 1977 [1]_), computed
    with Brandes' algorithm [2]_ in python-igraph. Endpoints are excluded; ``normalized=True``
    divides by :math:`(n-1)(n-2)` for directed and :math:`(n-1)(n-2)/2` for undirected graphs.

    Parameters
    ----------
    G : networkx graph
    weight : str or None, optional (default=None)
        Edge attribute holding path *length* (cost); ``None`` counts hops.
    normalized : bool, optional (default=True)

    Returns
    -------
    dict
        Node -> float.

    Raises
    ------
    ValueError
        A weight is negative or not finite.

    Notes
    -----
    O(nm) unweighted, O(nm + n^2 log n) weighted. For large graphs use
    :func:`sampled_betweenness`. With non-integer weights, paths whose lengths differ only by
    rounding may count as ties in igraph (which compares with a tolerance) and not in networkx.

    References
    ----------
    .. [1] Freeman, L. C. (1977). A set of measures of centrality based on betweenness.
       *Sociometry* 40(1), 35-41.
    .. [2] Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of
       Mathematical Sociology* 25(2), 163-177.

    Examples
    --------
    >>> import networkx as nx
    >>> betweenness(nx.path_graph(3))
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    return _betweenness_view(to_igraph(G, weight, combine="min"), G.is_directed(), normalized)


def _betweenness_view(view, directed, normalized=True):
    """:func:`betweenness` on an already converted graph (an ``IGraphView``)."""
    raw = view.graph.betweenness(directed=directed, weights=view.weights)
    scale = _pair_scale(len(view.nodes), directed, normalized)
    return view.as_dict(x * scale for x in raw)


def sampled_betweenness(G, k, seed=None, weight=None, normalized=True):
    r"""Betweenness estimated from `k` pivot sources (Brandes & Pich 2007 [1]_).

    Pivots are ``random.Random(seed).sample(list(G), k)``, which is the sample
    ``networkx.betweenness_centrality(G, k=k, seed=seed)`` draws for an integer seed, and the
    estimate is scaled exactly as networkx scales it, so the two return the same numbers. For a
    node that is not a pivot the estimate is the mean of :math:`\delta_s(v) / (n-2)` over the
    pivots :math:`s`; for a pivot, over the other :math:`k-1` pivots.

    Parameters
    ----------
    G : networkx graph
    k : int
        Number of pivots, 2 <= k <= n.
    seed : int or None, optional
        Seed of ``random.Random``.
    weight : str or None, optional (default=None)
        Edge attribute holding path length.
    normalized : bool, optional (default=True)

    Returns
    -------
    dict
        Node -> float; with ``normalized=True`` the error bound of
        :func:`betweenness_error_bound` holds.

    Raises
    ------
    ValueError
        `k` outside [2, n] or a bad weight.

    Notes
    -----
    O(k m) unweighted. See :func:`betweenness_error_bound` for the guarantee.

    References
    ----------
    .. [1] Brandes, U., Pich, C. (2007). Centrality estimation in large networks.
       *International Journal of Bifurcation and Chaos* 17(7), 2303-2318.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.path_graph(5)
    >>> sampled_betweenness(G, k=5, seed=1) == betweenness(G)
    True
    """
    n = len(G)
    if not 2 <= k <= n:
        raise ValueError(f"k={k}; the number of pivots must be between 2 and n={n}.")
    return _sampled_betweenness_view(to_igraph(G, weight, combine="min"), G.is_directed(), k, seed, normalized)


def _sampled_betweenness_view(view, directed, k, seed=None, normalized=True):
    """:func:`sampled_betweenness` on an already converted graph (same pivots, same numbers)."""
    n = len(view.nodes)
    pivots = random.Random(seed).sample(view.nodes, k)
    sources = [view.index[p] for p in pivots]
    raw = view.graph.betweenness(directed=directed, weights=view.weights, sources=sources)
    # igraph sums pair dependencies over (source, target); for undirected graphs it halves them.
    ordered = [x * (1.0 if directed else 2.0) for x in raw]
    if n <= 2:
        return view.as_dict(ordered)
    N = n - 1
    correction = 1 if directed else 2
    if normalized:
        source_scale = 1 / ((k - 1) * (N - 1))
        other_scale = 1 / (k * (N - 1))
    else:
        source_scale = N / ((k - 1) * correction)
        other_scale = N / (k * correction)
    is_pivot = set(sources)
    return view.as_dict(
        x * (source_scale if i in is_pivot else other_scale) for i, x in enumerate(ordered)
    )


def betweenness_error_bound(n, k, delta=0.05, union=True):
    r"""Additive error bound for normalised :func:`sampled_betweenness`.

    For a node :math:`v` the normalised betweenness is the mean, over the :math:`n-1` sources
    :math:`s \ne v`, of :math:`Y_s = \delta_s(v)/(n-2) \in [0, 1]`, and the estimate is the mean
    of :math:`Y_s` over :math:`k' \ge k - 1` of them drawn without replacement. Hoeffding's
    inequality (which holds for sampling without replacement, Hoeffding 1963 §6 [1]_; used for
    pivots by Brandes & Pich 2007 [2]_) gives
    :math:`P(|\hat b(v) - b(v)| \ge \varepsilon) \le 2 e^{-2 k' \varepsilon^2}`. Hence, with
    probability at least :math:`1 - \delta`,

    .. math::

       |\hat b(v) - b(v)| \le \sqrt{\frac{\ln(2 n / \delta)}{2 (k - 1)}}
       \quad \text{for every node at once (union bound)},

    or :math:`\sqrt{\ln(2/\delta) / (2(k-1))}` for one given node (``union=False``).

    Parameters
    ----------
    n : int
        Number of nodes.
    k : int
        Number of pivots (>= 2).
    delta : float, optional (default=0.05)
        Failure probability.
    union : bool, optional (default=True)
        Bound all nodes simultaneously.

    Returns
    -------
    float
        :math:`\varepsilon`, on the normalised scale (values in [0, 1]).

    Notes
    -----
    Assumes pivots drawn uniformly without replacement (as :func:`sampled_betweenness` does)
    and normalised betweenness. The bound is worst-case and loose; Riondato & Kornaropoulos
    (2016) [3]_ give sharper, VC-dimension based sample sizes for a different (path-sampling)
    estimator.

    References
    ----------
    .. [1] Hoeffding, W. (1963). Probability inequalities for sums of bounded random variables.
       *Journal of the American Statistical Association* 58(301), 13-30.
    .. [2] Brandes, U., Pich, C. (2007). Centrality estimation in large networks.
       *International Journal of Bifurcation and Chaos* 17(7), 2303-2318.
    .. [3] Riondato, M., Kornaropoulos, E. M. (2016). Fast approximation of betweenness
       centrality through sampling. *Data Mining and Knowledge Discovery* 30(2), 438-475.

    Examples
    --------
    >>> round(betweenness_error_bound(10_000, 1000), 4)
    0.0803
    """
    if k < 2 or not 0 < delta < 1:
        raise ValueError(f"need k >= 2 and 0 < delta < 1, got k={k}, delta={delta}.")
    events = 2 * n if union else 2
    return math.sqrt(math.log(events / delta) / (2 * (k - 1)))


def closeness(G, distance=None, nodes=None):
    r"""Closeness centrality with networkx's Wasserman-Faust correction for disconnected graphs.

    .. math::

       C(u) = \frac{r(u) - 1}{n - 1} \cdot \frac{r(u) - 1}{\sum_{v \rightsquigarrow u} d(v, u)}

    where :math:`r(u)` counts the nodes that can reach :math:`u` (itself included) [1]_, as
    :func:`networkx.closeness_centrality` with ``wf_improved=True``. For directed graphs the
    distances are *to* :math:`u` (incoming paths), as in networkx.

    Parameters
    ----------
    G : networkx graph
    distance : str or None, optional (default=None)
        Edge attribute holding edge length; ``None`` counts hops.
    nodes : iterable, optional
        Nodes to report (all are computed).

    Returns
    -------
    dict
        Node -> float in [0, 1]; 0 for a node nobody reaches.

    Raises
    ------
    ValueError
        A distance is negative or not finite.

    Notes
    -----
    O(nm) unweighted. igraph's own closeness averages over reachable nodes only; the factor
    :math:`(r-1)^2/(n-1)` converts its raw value to networkx's.

    References
    ----------
    .. [1] Wasserman, S., Faust, K. (1994). *Social Network Analysis*, p. 201. Cambridge
       University Press.

    Examples
    --------
    >>> import networkx as nx
    >>> closeness(nx.path_graph(3))
    {0: 0.6666666666666666, 1: 1.0, 2: 0.6666666666666666}
    """
    nodes = check_nodes(G, nodes)
    return _closeness_view(to_igraph(G, distance, combine="min"), G.is_directed(), nodes)


def _closeness_view(view, directed, nodes=None):
    """:func:`closeness` on an already converted graph; `nodes` default: all."""
    g = view.graph
    n = g.vcount()
    nodes = view.nodes if nodes is None else nodes
    raw = g.closeness(mode="in", weights=view.weights, normalized=False)
    if directed:
        reach = g.neighborhood_size(order=n, mode="in")
    else:
        membership = g.connected_components().membership
        sizes = {}
        for c in membership:
            sizes[c] = sizes.get(c, 0) + 1
        reach = [sizes[c] for c in membership]
    out = {}
    for v in nodes:
        i = view.index[v]
        r = reach[i]
        value = raw[i]
        if r <= 1 or n <= 1 or value is None or math.isnan(value):
            out[v] = 0.0
        else:
            out[v] = value * (r - 1) ** 2 / (n - 1)
    return out


def closeness_error_bound(n, k, diameter, delta=0.05, union=True):
    r"""Additive error bound on the mean distance behind :func:`sampled_closeness`.

    For a node :math:`u` of a component :math:`C` with :math:`r` nodes, let
    :math:`\mu(u) = \frac{1}{r}\sum_{v \in C} d(v, u)` (its mean distance, itself included at 0),
    so that closeness is :math:`(r-1)^2 / ((n-1)\, r\, \mu(u))`. The estimate
    :math:`\hat\mu(u)` averages :math:`d(s, u) \in [0, \Delta]` over :math:`k` pivots drawn
    without replacement from :math:`C` (:math:`\Delta` the diameter of :math:`C`). Hoeffding's
    inequality, which holds for sampling without replacement (Hoeffding 1963 §6 [1]_), gives,
    as in Eppstein & Wang (2004) [2]_, with probability at least :math:`1 - \delta`

    .. math::

       |\hat\mu(u) - \mu(u)| \le \Delta \sqrt{\frac{\ln(2 n / \delta)}{2 k}}
       \quad \text{for every node at once (union bound)},

    or :math:`\Delta\sqrt{\ln(2/\delta)/(2k)}` for one node (``union=False``).

    Parameters
    ----------
    n : int
        Number of nodes (events of the union bound).
    k : int
        Pivots per sampled component (>= 1).
    diameter : float
        An upper bound on the component's diameter; :func:`sampled_closeness` uses twice the
        smallest eccentricity of its pivots (the diameter is at most twice any node's
        eccentricity).
    delta : float, optional (default=0.05)
    union : bool, optional (default=True)

    Returns
    -------
    float
        The bound, in hops (the scale of :math:`\mu`, the reciprocal side of closeness).

    Notes
    -----
    Worst-case and loose, like :func:`betweenness_error_bound`: the spread of distances is
    usually far below the diameter.

    References
    ----------
    .. [1] Hoeffding, W. (1963). Probability inequalities for sums of bounded random variables.
       *Journal of the American Statistical Association* 58(301), 13-30.
    .. [2] Eppstein, D., Wang, J. (2004). Fast approximation of centrality. *Journal of Graph
       Algorithms and Applications* 8(1), 39-45.

    Examples
    --------
    >>> round(closeness_error_bound(100_000, 100, 10), 3)
    2.757
    """
    if k < 1 or not 0 < delta < 1:
        raise ValueError(f"need k >= 1 and 0 < delta < 1, got k={k}, delta={delta}.")
    events = 2 * n if union else 2
    return float(diameter) * math.sqrt(math.log(events / delta) / (2 * k))


def sampled_closeness(G, k, seed=None, info=None):
    r"""Closeness estimated from `k` pivot sources per component (Eppstein & Wang 2004 [1]_).

    Each connected component with at most `k` nodes is computed exactly (as :func:`closeness`).
    In a larger component :math:`C` (:math:`r` nodes), `k` pivots are drawn without replacement
    (``random.Random(seed).sample``, components in order of their first node in ``G``) and the
    sum of distances to a node :math:`u` is estimated as
    :math:`\hat S(u) = \frac{r}{k}\sum_{i=1}^{k} d(s_i, u)`, which is unbiased; closeness is then
    networkx's Wasserman-Faust value with :math:`\hat S` for :math:`S`:
    :math:`(r-1)^2 / ((n-1) \hat S(u))`. See :func:`closeness_error_bound` for the guarantee.

    Parameters
    ----------
    G : networkx graph
        Undirected; hop distances (weights are ignored).
    k : int
        Pivots per component (>= 1).
    seed : int or None, optional
    info : dict, optional
        If given, filled with ``k``, ``sampled_components``, ``diameter_bound`` (twice the
        smallest pivot eccentricity, the largest over sampled components; 0 if none) and
        ``error_bound`` (:func:`closeness_error_bound` with delta = 0.05, union bound; 0.0 when
        every component was computed exactly).

    Returns
    -------
    dict
        Node -> float; equals :func:`closeness` when no component has more than `k` nodes.

    Raises
    ------
    ValueError
        `G` is directed, or `k` < 1.

    Notes
    -----
    O(k m): k breadth-first searches per sampled component.

    References
    ----------
    .. [1] Eppstein, D., Wang, J. (2004). Fast approximation of centrality. *Journal of Graph
       Algorithms and Applications* 8(1), 39-45.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.path_graph(6)
    >>> sampled_closeness(G, k=6) == closeness(G)
    True
    """
    if G.is_directed():
        raise ValueError("sampled_closeness needs an undirected graph; use closeness() for digraphs.")
    if k < 1:
        raise ValueError(f"k={k}; use at least one pivot.")
    values, details = _sampled_closeness_view(to_igraph(G, None, combine="min"), k, seed)
    if info is not None:
        info.update(details)
    return values


_CHUNK = 8  # pivots per igraph distances() call: k x n Python lists are built chunk by chunk


def _sampled_closeness_view(view, k, seed=None):
    """:func:`sampled_closeness` on an undirected ``IGraphView``: (values dict, info dict)."""
    g = view.graph
    n = g.vcount()
    out = np.zeros(n)
    info = {"k": k, "sampled_components": 0, "diameter_bound": 0, "error_bound": 0.0}
    if n == 0:
        return {}, info
    membership = np.asarray(g.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(membership)
    size_of = sizes[membership]
    exact = np.flatnonzero((size_of <= k) & (size_of > 1))
    if len(exact):
        raw = np.asarray(g.closeness(vertices=exact.tolist(), mode="all", normalized=False), dtype=float)
        r = size_of[exact]
        out[exact] = np.where(np.isnan(raw), 0.0, raw * (r - 1) ** 2 / (n - 1))
    big = [c for c in np.unique(membership[np.argsort(membership, kind="stable")]) if sizes[c] > k]
    first = {c: int(np.flatnonzero(membership == c)[0]) for c in big}
    rng = random.Random(seed)
    for c in sorted(big, key=first.get):
        members = np.flatnonzero(membership == c)
        r = len(members)
        pivots = rng.sample(members.tolist(), k)
        sums = np.zeros(r)
        ecc = math.inf
        targets = members.tolist()
        for i in range(0, k, _CHUNK):
            D = np.asarray(g.distances(source=pivots[i:i + _CHUNK], target=targets), dtype=float)
            sums += D.sum(axis=0)
            ecc = min(ecc, float(D.max(axis=1).min()))
        with np.errstate(divide="ignore"):
            value = 1.0 / (sums * (r / k))
        out[members] = value * (r - 1) ** 2 / (n - 1)
        info["sampled_components"] += 1
        info["diameter_bound"] = max(info["diameter_bound"], int(2 * ecc))
    if info["sampled_components"]:
        info["error_bound"] = closeness_error_bound(n, k, info["diameter_bound"])
    return view.as_dict(out), info

