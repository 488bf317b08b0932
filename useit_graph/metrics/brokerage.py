r"""Gould & Fernandez brokerage roles, with R ``sna::brokerage``'s null model and z-scores.

A node :math:`b` *brokers* an ordered pair :math:`(a, c)` when :math:`a \to b \to c`,
:math:`a \ne c` and there is no tie :math:`a \to c` [1]_. With groups :math:`g(\cdot)` the five
roles are (labels and column order of ``sna::brokerage`` [2]_, whose code this follows):

========  ==============  =====================================
label     role            groups
========  ==============  =====================================
``w_I``   coordinator     g(a) = g(b) = g(c)
``w_O``   itinerant       g(a) = g(c) != g(b)  (consultant)
``b_IO``  representative  g(a) = g(b) != g(c)
``b_OI``  gatekeeper      g(a) != g(b) = g(c)
``b_O``   liaison         g(a), g(b), g(c) all different
``t``     total           sum of the five
========  ==============  =====================================

(An older ``sna`` help page swaps the descriptions of ``b_IO`` and ``b_OI``; the code, and this
module, use the table above.)

Conventions: an undirected graph is read as a symmetric digraph (each edge two arcs, as ``sna``
does with a symmetric adjacency matrix); parallel arcs are one arc; self-loops are ignored,
also in the density (``sna`` 2.7-1 counts a self-loop as an arc in the density
:math:`d = m / (n(n-1))`, so on a graph with loops its expectations differ; without loops the two
agree, see ``docs/measures.md``).

Which digraph. On the projected knowledge graph, use :func:`brokerage_digraph`: a recorded
``uit:Brokerage`` (broker *b* brought parties *a* and *c* together) becomes the mediated 2-paths
a -> b -> c and c -> b -> a, and the a - c tie the projection derives from the record is left
out, since it is the tie *through* the broker, not a direct one. Without that, the broker would
get no credit for the brokerage it was recorded doing (the derived tie closes the triad).

References
----------
.. [1] Gould, R. V., Fernandez, R. M. (1989). Structures of mediation: A formal approach to
   brokerage in transaction networks. *Sociological Methodology* 19, 89-126.
.. [2] Butts, C. T. (2023). sna: Tools for Social Network Analysis. R package version 2.7-1,
   function ``brokerage``. https://CRAN.R-project.org/package=sna
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from useit_graph.metrics._igraph import check_nodes
from useit_graph.metrics.blocks import partition

__all__ = ["ROLES", "Brokerage", "brokerage", "brokerage_roles", "brokerage_method", "brokerage_digraph",
           "BrokerageArrays", "brokerage_arrays"]

#: Role labels in ``sna::brokerage`` order.
ROLES = ("w_I", "w_O", "b_IO", "b_OI", "b_O", "t")


@dataclass(frozen=True)
class Brokerage:
    """Result of :func:`brokerage`; field names follow ``sna::brokerage``.

    Attributes
    ----------
    raw_nli, exp_nli, sd_nli, z_nli : dict
        Node -> {role: value}: observed counts, expected counts, standard deviations, z-scores.
    raw_gli, exp_gli, sd_gli, z_gli : dict
        Role -> value for the whole graph.
    exp_grp, sd_grp : dict
        Group -> {role: value}: expectation and sd for a broker of that group.
    sizes : dict
        Group -> number of nodes, in order of first appearance.
    density : float
        Arcs / (n (n - 1)), self-loops excluded.
    """

    raw_nli: dict
    exp_nli: dict
    sd_nli: dict
    z_nli: dict
    raw_gli: dict
    exp_gli: dict
    sd_gli: dict
    z_gli: dict
    exp_grp: dict
    sd_grp: dict
    sizes: dict
    density: float


def brokerage_digraph(G):
    """The digraph Gould-Fernandez roles are counted on, from a projected ``MultiDiGraph``.

    The projection (``useit_graph.project.project_graph``) turns a ``uit:Brokerage`` record with
    broker *b* and brokered parties *a*, *c* into arcs b -> a, b -> c (``BROKERS``) plus an
    undirected a - c tie carrying ``broker=b``. Counted as they stand, there is no a -> b -> c
    path and the a - c tie closes the triad, so the recorded broker gets no credit. This view
    represents the record as the brokerage it describes [1]_:

    * a broker-party edge (``role="source-target"`` of a relationship whose among-ties name that
      broker, or labelled ``BROKERS``) becomes the two arcs b -> a and a -> b: the broker deals
      with each party, so a -> b -> c and c -> b -> a are mediated 2-paths;
    * an among-party tie with ``broker`` set is left out when the broker is in `G` (it is the
      connection through the broker, already represented by the two 2-paths); when the broker
      is not in `G` (filtered out) the tie is kept as two arcs;
    * every other edge is an arc u -> v when ``directed`` (default True), two arcs otherwise;
      self-loops are dropped and parallel edges merged.

    A direct tie between a and c recorded by *another* relationship (a partnership, a contract)
    stays and closes the triad, as it should: a and c then deal with each other directly.

    Parameters
    ----------
    G : networkx.MultiDiGraph or networkx graph
        Edges may carry ``directed``, ``role``, ``broker``, ``rel`` and ``label`` as
        ``project_graph`` writes them; graphs without them give the plain digraph of `G`.

    Returns
    -------
    networkx.DiGraph
        Same nodes (with their attributes) and graph attributes as `G`; arcs only.

    Notes
    -----
    O(n + m). The choice is ours, not ``sna``'s: it decides what the arcs mean before the
    ``sna`` conventions apply (``docs/measures.md``, "Which digraph").

    References
    ----------
    .. [1] Gould, R. V., Fernandez, R. M. (1989). Structures of mediation. *Sociological
       Methodology* 19, 89-126.

    Examples
    --------
    >>> import networkx as nx
    >>> M = nx.MultiDiGraph()
    >>> _ = M.add_edge("b", "a", rel="r", role="source-target", label="BROKERS", directed=True)
    >>> _ = M.add_edge("b", "c", rel="r", role="source-target", label="BROKERS", directed=True)
    >>> _ = M.add_edge("a", "c", rel="r", role="among", broker="b", directed=False)
    >>> sorted(brokerage_digraph(M).edges())
    [('a', 'b'), ('b', 'a'), ('b', 'c'), ('c', 'b')]
    """
    import networkx as nx

    D = nx.DiGraph()
    D.add_nodes_from(G.nodes(data=True))
    D.graph.update(G.graph)
    broker_of = {}
    for _u, _v, d in G.edges(data=True):
        if d.get("role") == "among" and d.get("broker") is not None:
            broker_of.setdefault(d.get("rel"), set()).add(d["broker"])
    directed_graph = G.is_directed()
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        b = d.get("broker")
        if d.get("role") == "among" and b is not None and b in G:
            continue
        party_arc = d.get("role") == "source-target" and (
            d.get("label") == "BROKERS" or u in broker_of.get(d.get("rel"), ()))
        if party_arc or not d.get("directed", True) or not directed_graph:
            D.add_edge(u, v)
            D.add_edge(v, u)
        else:
            D.add_edge(u, v)
    return D


def _adjacency(G):
    """Successor and predecessor sets (no self-loops, parallel arcs merged), and the arc count."""
    succ = {v: set() for v in G}
    pred = {v: set() for v in G}
    directed = G.is_directed()
    for u, v in G.edges():
        if u == v:
            continue
        succ[u].add(v)
        pred[v].add(u)
        if not directed:
            succ[v].add(u)
            pred[u].add(v)
    arcs = sum(len(s) for s in succ.values())
    return succ, pred, arcs


def _role(ga, gb, gc):
    if ga == gb:
        return "w_I" if gb == gc else "b_IO"
    if gb == gc:
        return "b_OI"
    return "w_O" if ga == gc else "b_O"


def _count_direct(succ, pred, labels, brokers):
    """Walk every 2-path through each broker: O(sum of in-degree x out-degree)."""
    out = {}
    for b in brokers:
        counts = dict.fromkeys(ROLES, 0)
        gb = labels[b]
        outs = succ[b]
        for a in pred[b]:
            ga = labels[a]
            sa = succ[a]
            for c in outs:
                if c != a and c not in sa:
                    counts[_role(ga, gb, labels[c])] += 1
        counts["t"] = sum(counts[r] for r in ROLES[:5])
        out[b] = counts
    return out


def _count_aggregate(succ, pred, labels, brokers):
    """Count 2-paths by group from degree tallies, then remove the closed ones.

    For broker b, the 2-paths a -> b -> c with given groups of a and c number
    in_g * out_h (minus a == c, the reciprocated neighbours); closed 2-paths (a -> c exists) are
    found once per arc a -> c as succ(a) & pred(c). O(m + sum over arcs of min(d_out(a), d_in(c))).
    """
    out = {}
    for b in brokers:
        gb = labels[b]
        tin, tout, recip = {}, {}, {}
        for a in pred[b]:
            tin[labels[a]] = tin.get(labels[a], 0) + 1
        for c in succ[b]:
            tout[labels[c]] = tout.get(labels[c], 0) + 1
        for a in pred[b] & succ[b]:
            recip[labels[a]] = recip.get(labels[a], 0) + 1
        n_in, n_out = len(pred[b]), len(succ[b])
        in_b, out_b = tin.get(gb, 0), tout.get(gb, 0)
        same_other = sum(
            tin[g] * tout.get(g, 0) - recip.get(g, 0) for g in tin if g != gb
        )
        counts = {
            "w_I": in_b * out_b - recip.get(gb, 0),
            "w_O": same_other,
            "b_IO": in_b * (n_out - out_b),
            "b_OI": (n_in - in_b) * out_b,
            "b_O": (n_in - in_b) * (n_out - out_b) - same_other - sum(
                recip.get(g, 0) for g in recip if g != gb
            ),
        }
        out[b] = counts
    # same_other already excluded a == c; b_O's product counted a == c pairs of other groups too,
    # and those were removed above. Now remove the closed 2-paths.
    for a, sa in succ.items():
        ga = labels[a]
        for c in sa:
            gc = labels[c]
            for b in sa & pred[c]:
                if b in out:
                    out[b][_role(ga, labels[b], gc)] -= 1
    for counts in out.values():
        counts["t"] = sum(counts[r] for r in ROLES[:5])
    return out


def brokerage_method(G, nodes=None):
    """The counting path :func:`brokerage_roles` takes: ``"aggregate"`` or ``"direct"``.

    ``"aggregate"`` (degree tallies minus closed 2-paths) when every node is a broker to count;
    ``"direct"`` (walk the 2-paths of the requested brokers) when `nodes` is given.

    Examples
    --------
    >>> import networkx as nx
    >>> brokerage_method(nx.DiGraph()), brokerage_method(nx.DiGraph(), nodes=[])
    ('aggregate', 'direct')
    """
    return "aggregate" if nodes is None else "direct"


def brokerage_roles(G, group="group", nodes=None, method="auto"):
    """Raw Gould-Fernandez brokerage counts per node (``raw.nli`` of ``sna::brokerage``).

    Parameters
    ----------
    G : networkx graph
        Directed (undirected = symmetric digraph).
    group : str, optional (default="group")
        Node attribute holding the group label.
    nodes : iterable, optional
        Brokers to count (default: all). Restricting avoids the whole-graph pass.
    method : {"auto", "aggregate", "direct"}, optional (default="auto")
        Counting path; ``"auto"`` picks :func:`brokerage_method`. Both give the same counts.

    Returns
    -------
    dict
        Node -> {role: int} with the roles of :data:`ROLES`.

    Raises
    ------
    MissingNodeAttribute
        A node lacks `group`.
    networkx.NodeNotFound
        A node of `nodes` is not in `G`.

    Notes
    -----
    ``"direct"``: O(sum over brokers of d_in * d_out) set lookups. ``"aggregate"``:
    O(m + sum over arcs a->c of min(d_out(a), d_in(c))), much less on sparse graphs.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": 1, "b": 1, "c": 2}, "group")
    >>> brokerage_roles(G)["b"]
    {'w_I': 0, 'w_O': 0, 'b_IO': 1, 'b_OI': 0, 'b_O': 0, 't': 1}
    """
    if method not in ("auto", "aggregate", "direct"):
        raise ValueError(f"method={method!r}; use 'auto', 'aggregate' or 'direct'.")
    labels = partition(G, group)
    brokers = check_nodes(G, nodes)
    succ, pred, _ = _adjacency(G)
    if method == "auto":
        method = brokerage_method(G, nodes)
    if method == "direct":
        counts = _count_direct(succ, pred, labels, brokers)
    else:
        counts = _count_aggregate(succ, pred, labels, brokers)
    return {b: {r: counts[b][r] for r in ROLES} for b in brokers}


def _ratio(x, y):
    """x / y with R's semantics: 0/0 = nan, x/0 = +-inf."""
    if y:
        return x / y
    if x == 0 or math.isnan(x):
        return math.nan
    return math.copysign(math.inf, x)


def _sqrt(x):
    return math.sqrt(x) if x >= 0 else math.nan


def _choose2(x):
    return x * (x - 1) / 2 if x >= 2 else 0.0


def _group_moments(n, N, d):
    """Per-broker-group expectations and variances (sna 2.7-1 ``ebr``/``vbr``)."""
    q = d**2 * (1 - d)
    c3 = d**3 * (1 - d) ** 3
    exp, var = [], []
    for i, ni in enumerate(n):
        others = np.delete(n, i)
        e = [
            q * (ni - 1) * (ni - 2),
            q * np.sum(others * (others - 1)),
            q * (N - ni) * (ni - 1),
            q * (N - ni) * (ni - 1),
            q * (np.sum(np.outer(others, others)) - np.sum(others**2)),
            q * (N - 1) * (N - 2),
        ]
        v = [
            e[0] * (1 - q) + 2 * (ni - 1) * (ni - 2) * (ni - 3) * c3,
            e[1] * (1 - q) + 2 * np.sum(others * (others - 1) * (others - 2)) * c3,
            e[2] * (1 - q) + 2 * ((ni - 1) * _choose2(N - ni) + (N - ni) * _choose2(ni - 1)) * c3,
        ]
        v.append(v[2])
        v.append(e[4] * (1 - q) + 4 * sum(nj * _choose2(N - nj - ni) for nj in others) * c3)
        v.append(e[5] * (1 - q) + 2 * (N - 1) * (N - 2) * (N - 3) * c3)
        exp.append([float(x) for x in e])
        var.append([float(x) for x in v])
    return exp, var


def _global_moments(n, N, d):
    """Whole-graph expectations and variances (sna 2.7-1 ``egbr``/``vgbr``)."""
    q = d**2 * (1 - d)
    c3, c4, c5 = d**3 * (1 - d) ** 3, d**4 * (1 - d) ** 2, d**5 * (1 - d)
    x, y = np.meshgrid(n, n, indexing="ij")
    e = [0.0] * 6
    v = [0.0] * 6
    e[0] = q * np.sum(n * (n - 1) * (n - 2))
    v[0] = e[0] * (1 - q) + np.sum(
        n * (n - 1) * (n - 2) * ((4 * n - 10) * c3 - 4 * (n - 3) * c4 + (n - 3) * c5)
    )
    e[1] = q * np.sum(n * (N - n) * (n - 1))
    v[1] = e[1] * (1 - q) + (
        np.sum(x * y * (x - 1) * ((2 * x + 2 * y - 6) * c3 + (N - x - 1) * c5))
        - np.sum(n * n * (n - 1) * ((4 * n - 6) * c3 + (N - n - 1) * c5))
    )
    e[2] = q * np.sum(n * (N - n) * (n - 1))
    v[2] = e[2] * (1 - q) + np.sum(n * (N - n) * (n - 1) * ((N - 3) * c3 + (n - 2) * c5))
    e[3], v[3] = e[2], v[2]
    e[4] = q * (np.sum(x * y * (N - x - y)) - np.sum(n * n * (N - 2 * n)))
    v[4] = e[4] * (1 - q)
    g = len(n)
    for j in range(g):
        # sum over ordered triples (i, j, k) of distinct groups, vectorised over i and k
        ni, nk = np.meshgrid(n, n, indexing="ij")
        keep = np.ones((g, g), dtype=bool)
        keep[j, :] = keep[:, j] = False
        np.fill_diagonal(keep, False)
        nj = n[j]
        term = ni * nj * nk * (
            (4 * (N - nj) - 2 * (ni + nk + 1)) * c3
            - (4 * (N - nk) - 2 * (ni + nj + 1)) * c4
            + (N - (ni + nk + 1)) * c5
        )
        v[4] += np.sum(term[keep])
    e[5] = q * N * (N - 1) * (N - 2)
    v[5] = e[5] * (1 - q) + N * (N - 1) * (N - 2) * (
        (4 * N - 10) * c3 - 4 * (N - 3) * c4 + (N - 3) * c5
    )
    return [float(a) for a in e], [float(b) for b in v]


def brokerage(G, group="group"):
    r"""Gould-Fernandez brokerage with expected values, sds and z-scores, as ``sna::brokerage``.

    Counts are those of :func:`brokerage_roles`. Expectations and variances are those of a
    Bernoulli random digraph with the observed density :math:`d = m / (n(n-1))` and the observed
    group sizes :math:`n_g` [1]_ [2]_; for a broker of group :math:`g`, for instance,
    :math:`E[w_I] = d^2(1-d)(n_g-1)(n_g-2)` and :math:`E[b_{IO}] = E[b_{OI}] = d^2(1-d)(n-n_g)(n_g-1)`.
    The variances include the covariance terms of ``sna`` 2.7-1 (see ``docs/measures.md``).

    Parameters
    ----------
    G : networkx graph
        Directed (undirected = symmetric digraph); parallel arcs merged, self-loops ignored.
    group : str, optional (default="group")
        Node attribute holding the group label.

    Returns
    -------
    Brokerage
        Frozen dataclass; ``z = (raw - exp) / sd``, ``nan`` where a role is impossible
        (sd = 0 and raw = 0, e.g. ``w_I`` or ``b_IO`` for a broker alone in its group).

    Raises
    ------
    MissingNodeAttribute
        A node lacks `group`.
    ValueError
        `G` has fewer than 3 nodes (the null model needs n >= 3).

    Notes
    -----
    Counting: see :func:`brokerage_roles` (aggregate path). Moments: O(g^3) for g groups.

    References
    ----------
    .. [1] Gould, R. V., Fernandez, R. M. (1989). Structures of mediation. *Sociological
       Methodology* 19, 89-126.
    .. [2] Butts, C. T. (2023). sna: Tools for Social Network Analysis, version 2.7-1.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> nx.set_node_attributes(G, {"a": 1, "b": 1, "c": 2, "d": 2}, "group")
    >>> result = brokerage(G)
    >>> result.raw_nli["b"]["b_IO"], result.raw_nli["c"]["b_OI"], result.raw_gli["t"]
    (1, 1, 2)
    >>> import math; math.isnan(result.z_nli["a"]["w_I"])
    True
    """
    labels = partition(G, group)
    N = len(labels)
    if N < 3:
        raise ValueError(f"brokerage needs at least 3 nodes, the graph has {N}; add nodes.")
    succ, pred, arcs = _adjacency(G)
    raw = _count_aggregate(succ, pred, labels, list(G))
    sizes = {}
    for label in labels.values():
        sizes[label] = sizes.get(label, 0) + 1
    n = np.array(list(sizes.values()), dtype=float)
    d = arcs / (N * (N - 1))
    gexp, gvar = _group_moments(n, float(N), d)
    exp_grp = {g: dict(zip(ROLES, gexp[i])) for i, g in enumerate(sizes)}
    sd_grp = {g: {r: _sqrt(x) for r, x in zip(ROLES, gvar[i])} for i, g in enumerate(sizes)}
    raw_nli, exp_nli, sd_nli, z_nli = {}, {}, {}, {}
    for v in G:
        g = labels[v]
        raw_nli[v] = {r: raw[v][r] for r in ROLES}
        exp_nli[v] = dict(exp_grp[g])
        sd_nli[v] = dict(sd_grp[g])
        z_nli[v] = {r: _ratio(raw[v][r] - exp_grp[g][r], sd_grp[g][r]) for r in ROLES}
    raw_gli = {r: sum(raw_nli[v][r] for v in raw_nli) for r in ROLES}
    eall, vall = _global_moments(n, float(N), d)
    exp_gli = dict(zip(ROLES, eall))
    sd_gli = {r: _sqrt(x) for r, x in zip(ROLES, vall)}
    z_gli = {r: _ratio(raw_gli[r] - exp_gli[r], sd_gli[r]) for r in ROLES}
    return Brokerage(
        raw_nli=raw_nli,
        exp_nli=exp_nli,
        sd_nli=sd_nli,
        z_nli=z_nli,
        raw_gli=raw_gli,
        exp_gli=exp_gli,
        sd_gli=sd_gli,
        z_gli=z_gli,
        exp_grp=exp_grp,
        sd_grp=sd_grp,
        sizes=sizes,
        density=d,
    )


@dataclass(frozen=True)
class BrokerageArrays:
    """Result of :func:`brokerage_arrays`: :class:`Brokerage` as arrays over nodes ``0 .. n-1``.

    Attributes
    ----------
    raw : int64 array, shape (n, 6)
        Counts per role, columns in :data:`ROLES` order (``raw_nli``).
    z : float array, shape (n, 6), or None
        z-scores (``z_nli``); ``None`` with fewer than 3 nodes.
    gli : dict or None
        ``{"raw": {role: int}, "exp": {...}, "sd": {...}, "z": {...}}`` for the whole graph.
    density : float or None
    """

    raw: np.ndarray
    z: np.ndarray | None
    gli: dict | None
    density: float | None


def _role_codes(ga, gb, gc):
    """Index in :data:`ROLES` of the role of 2-paths a -> b -> c with groups ga, gb, gc (arrays)."""
    return np.where(ga == gb, np.where(gb == gc, 0, 2), np.where(gb == gc, 3, np.where(ga == gc, 1, 4)))


def _r_ratio(x, y):
    """x / y elementwise with R's semantics: 0/0 = nan, x/0 = +-inf (see :func:`_ratio`)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = x / np.where(y != 0, y, 1.0)
    return np.where(y != 0, q, np.where((x == 0) | np.isnan(x), np.nan, np.copysign(np.inf, x)))


def _open_counts(n, u, v, coded, keys):
    """Role counts of all 2-paths a -> b -> c (a != c) per broker b, closed ones included."""
    from useit_graph.metrics._arrays import lookup

    K = int(coded.max()) + 1
    arcs = len(keys)
    gu, gv = coded[u], coded[v]
    tin = np.bincount(v * K + gu, minlength=n * K).reshape(n, K)
    tout = np.bincount(u * K + gv, minlength=n * K).reshape(n, K)
    rec = lookup(keys, v * n + u) >= 0
    recip = np.bincount(v[rec] * K + gu[rec], minlength=n * K).reshape(n, K)
    rows = np.arange(n)
    n_in, n_out = tin.sum(axis=1), tout.sum(axis=1)
    in_b, out_b, rec_b = tin[rows, coded], tout[rows, coded], recip[rows, coded]
    same_other = (tin * tout - recip).sum(axis=1) - (in_b * out_b - rec_b)
    raw = np.zeros((n, 6), dtype=np.int64)
    raw[:, 0] = in_b * out_b - rec_b
    raw[:, 1] = same_other
    raw[:, 2] = in_b * (n_out - out_b)
    raw[:, 3] = (n_in - in_b) * out_b
    raw[:, 4] = (n_in - in_b) * (n_out - out_b) - same_other - (recip.sum(axis=1) - rec_b)
    return raw


_ORIENTATIONS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


def _closed_counts(n, coded, tri, has):
    """Closed 2-paths a -> b -> c with a -> c, per broker b and role, from undirected triangles.

    `has[(i, j)]` says, per triangle, whether the arc from its i-th to its j-th vertex exists.
    """
    closed = np.zeros(n * 5, dtype=np.int64)
    for ia, ib, ic in _ORIENTATIONS:
        hit = has[(ia, ib)] & has[(ib, ic)] & has[(ia, ic)]
        if hit.any():
            a, b, c = tri[hit, ia], tri[hit, ib], tri[hit, ic]
            closed += np.bincount(b * 5 + _role_codes(coded[a], coded[b], coded[c]), minlength=n * 5)
    return closed.reshape(n, 5)


def _finish(raw, coded, n, arcs):
    """Totals, sna's expectations and z-scores for counts `raw` (columns w_I .. b_O filled)."""
    raw[:, 5] = raw[:, :5].sum(axis=1)
    K = int(coded.max()) + 1
    sizes = np.bincount(coded, minlength=K).astype(float)
    d = arcs / (n * (n - 1))
    gexp, gvar = _group_moments(sizes, float(n), d)
    exp_grp = np.asarray(gexp, dtype=float)
    sd_grp = np.sqrt(np.where(np.asarray(gvar) >= 0, gvar, np.nan))
    z = _r_ratio(raw - exp_grp[coded], sd_grp[coded])
    raw_gli = {r: int(raw[:, j].sum()) for j, r in enumerate(ROLES)}
    eall, vall = _global_moments(sizes, float(n), d)
    exp_gli = dict(zip(ROLES, eall))
    sd_gli = {r: _sqrt(x) for r, x in zip(ROLES, vall)}
    z_gli = {r: _ratio(raw_gli[r] - exp_gli[r], sd_gli[r]) for r in ROLES}
    return BrokerageArrays(raw, z, {"raw": raw_gli, "exp": exp_gli, "sd": sd_gli, "z": z_gli}, d)


def brokerage_arrays(n, u, v, coded, triangles=None):
    r"""Gould-Fernandez brokerage on arcs given as arrays: the numbers of :func:`brokerage`.

    Parameters
    ----------
    n : int
        Number of nodes.
    u, v : int arrays
        Arcs u -> v (loops and repeats are dropped).
    coded : int array
        Group code of each node, ``0 .. K-1``, numbered in order of first appearance (the order
        of :class:`Brokerage`'s ``sizes``).
    triangles : int array (T, 3), optional
        Triangles of the undirected graph underlying the arcs, or a superset (triangles of a
        larger graph on the same nodes are fine: those with a missing side are ignored). Listed
        with python-igraph when not given.

    Returns
    -------
    BrokerageArrays

    Notes
    -----
    The counts follow :func:`brokerage_roles`' ``"aggregate"`` path with arrays: per broker b,
    in- and out-neighbours tallied by group (``numpy.bincount``) give every 2-path a -> b -> c
    by role, minus a == c; the closed 2-paths (a -> c exists) are the directed triangles, found
    from the undirected triangles (6 orientations each). O(m + T). Expectations, variances and
    z-scores are sna's, from the same ``_group_moments`` and ``_global_moments``.
    """
    from useit_graph.metrics._arrays import lookup, simple_pairs, unique_sorted
    from useit_graph.metrics._arrays import triangles as list_triangles

    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    coded = np.asarray(coded, dtype=np.int64)
    keep = u != v
    keys = unique_sorted(u[keep] * n + v[keep])
    u, v = (keys // n, keys % n) if n else (keys, keys)
    arcs = len(keys)
    if n < 3:
        return BrokerageArrays(np.zeros((n, 6), dtype=np.int64), None, None, None)
    raw = _open_counts(n, u, v, coded, keys)
    if arcs:
        if triangles is None:
            ea, eb, _w, _inv = simple_pairs(n, u, v)
            triangles, _ids = list_triangles(n, ea, eb)
        tri = np.asarray(triangles, dtype=np.int64).reshape(-1, 3)
        if len(tri):
            def arc(i, j):
                return lookup(keys, tri[:, i] * n + tri[:, j]) >= 0

            has = {(i, j): arc(i, j) for i in range(3) for j in range(3) if i != j}
            raw[:, :5] -= _closed_counts(n, coded, tri, has)
    return _finish(raw, coded, n, arcs)
