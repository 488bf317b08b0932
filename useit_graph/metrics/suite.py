r"""The whole metric suite of ``useit metrics``, computed once from shared views (city scale).

:class:`MetricContext` holds a projected graph and the options of ``useit metrics`` and computes,
lazily and once each, the views every table needs: the node and edge arrays of the graph (one
pass over its edges), the undirected simple view as sorted pairs with summed weights, its
python-igraph twin, its triangles, the restriction to the nodes with a partition attribute, the
brokerage digraph, the reach distances and the legacy scenarios. The tables of
:mod:`useit_graph.metrics.tables` (``node_table``, ``network_row``, ``group_table``...) are thin
wrappers over one context, so asking for several tables (the report, :func:`metric_suite`, the
benchmark) computes each view once.

The numbers are those of the networkx-based implementations in the other modules of
:mod:`useit_graph.metrics` (the tests compare every column against them, and against frozen
copies of the previous implementation, on small directed, weighted and multigraph cases), with
one *scale policy*:

* up to ``exact_max_nodes`` nodes (default 5,000) betweenness and closeness are exact;
* above it betweenness is sampled from ``betweenness_k`` pivots (default 100;
  :func:`useit_graph.metrics.centrality.sampled_betweenness`, Brandes & Pich 2007) with the
  Hoeffding bound of :func:`~useit_graph.metrics.centrality.betweenness_error_bound`, and
  closeness is estimated from ``closeness_k`` pivots per component (default: ``betweenness_k``;
  :func:`~useit_graph.metrics.centrality.sampled_closeness`, Eppstein & Wang 2004) with the bound
  of :func:`~useit_graph.metrics.centrality.closeness_error_bound`, or skipped with
  ``closeness_k=0``.

The network row states what was done (``betweenness_method``, ``betweenness_k``,
``betweenness_error_bound``, ``closeness_method``, ``closeness_k``, ``closeness_error_bound``).
Pivots are drawn with ``random.Random(seed)``, the seed of the E-I permutations.

One deliberate difference from the old tables: the restriction to nodes with a partition
attribute and the Louvain view without isolates keep the nodes in ``G``'s order. networkx's
``subgraph`` iterates a Python set instead when fewer than half of the nodes are kept, so the
old tables' permutations and Louvain input then depended on the string hash seed.
"""

from __future__ import annotations

import itertools
import math
import operator
import random
import time

import numpy as np

from useit_graph.errors import UsageError
from useit_graph.metrics.tables import HOLES, ROLE_NAMES, partition_attribute

__all__ = ["MetricContext", "metric_suite", "DEFAULT_EXACT_MAX_NODES", "DEFAULT_BETWEENNESS_K", "DEFAULT_EI_WORK",
           "MIN_PERMUTATIONS", "SUITE_LEVELS"]

#: Largest graph (nodes) with exact betweenness and closeness by default.
DEFAULT_EXACT_MAX_NODES = 5_000
#: Pivots for sampled betweenness (and, by default, closeness) above that size.
DEFAULT_BETWEENNESS_K = 100
#: Most tie-permutations (ties x permutations) the E-I tests may cost by default; above it the
#: number of permutations is lowered to fit (never below :data:`MIN_PERMUTATIONS`).
DEFAULT_EI_WORK = 200_000_000
#: Fewest E-I permutations the work budget leaves.
MIN_PERMUTATIONS = 100
#: Tables :func:`metric_suite` computes, in order.
SUITE_LEVELS = ("node", "network", "group", "blocks", "communities", "brokerage", "legacy")

_TIE_CODE = {"bonding": 0, "bridging": 1, "linking": 2, "unclassified": 3}
_TIER_ORDER = {"micro": 0, "intermediary": 1, "macro": 2}
_ROLE_KEYS = tuple(k for k, _name in ROLE_NAMES)  # w_I, w_O, b_IO, b_OI, b_O, t


class MetricContext:
    """A projected graph plus the options of ``useit metrics``, with every view computed once.

    Parameters
    ----------
    G : networkx graph
        Usually the ``MultiDiGraph`` of ``project_graph``; not modified. Do not modify it while
        the context is in use: views are cached.
    partition : {"tier", "sector"}, optional
    holes : {"undirected", "directed"}, optional
    weighted : bool, optional
    n_permutations, seed : int, optional
        E-I permutation test; `seed` also seeds the betweenness and closeness pivots.
    exact_max_nodes : int or None, optional
        Exact betweenness and closeness up to this many nodes; ``None``: always exact.
    betweenness_k : int, optional
        Pivots for sampled betweenness above `exact_max_nodes`.
    closeness_k : int or None, optional
        Pivots per component for sampled closeness; default `betweenness_k`; 0 skips
        closeness above `exact_max_nodes` (``None`` values, the reason in the network row).
    ei_work : int or None, optional
        Most ties x permutations for the E-I tests (default :data:`DEFAULT_EI_WORK`, 2e8); with
        more ties, ``n_permutations`` is lowered to ``max(100, ei_work // ties)``. ``None``: no
        limit. The number used is the network row's ``ei_permutations``.
    timings : dict, optional
        Filled with the seconds spent in each part (exclusive of the parts it used).

    Examples
    --------
    >>> from useit_graph.metrics.tables import network_row, node_table
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", tier="micro", kind="organisation"); G.add_node("b", tier="macro")
    >>> _ = G.add_edge("a", "b", tie="linking")
    >>> ctx = MetricContext(G, n_permutations=9)
    >>> rows, row = node_table(G, context=ctx), network_row(G, context=ctx)  # views built once
    >>> row["linking"], row["betweenness_method"], rows[0]["to_macro"]
    (1, 'exact', 1)
    """

    def __init__(self, G, partition="tier", holes="undirected", weighted=False, n_permutations=1000, seed=0,
                 exact_max_nodes=DEFAULT_EXACT_MAX_NODES, betweenness_k=DEFAULT_BETWEENNESS_K, closeness_k=None,
                 ei_work=DEFAULT_EI_WORK, timings=None):
        if holes not in HOLES:
            raise UsageError(f"unknown structural-holes view {holes!r}", hint="use undirected or directed")
        if n_permutations < 1:
            raise UsageError(f"n_permutations={n_permutations}", hint="use at least 1 permutation")
        if betweenness_k is None or betweenness_k < 2:
            raise UsageError(f"betweenness_k={betweenness_k}", hint="use at least 2 pivots")
        if closeness_k is not None and closeness_k < 0:
            raise UsageError(f"closeness_k={closeness_k}", hint="use 0 (skip) or more pivots")
        self.G = G
        self.partition = partition
        self.attr = partition_attribute(partition)
        self.holes = holes
        self.weighted = bool(weighted)
        self.n_permutations = int(n_permutations)
        self.seed = seed
        self.exact_max_nodes = exact_max_nodes
        self.betweenness_k = int(betweenness_k)
        self.closeness_k = self.betweenness_k if closeness_k is None else int(closeness_k)
        self.ei_work = ei_work
        self.timings = timings if timings is not None else {}
        self._cache: dict = {}
        self._stack: list = []

    # --------------------------------------------------------------------------------------
    # caching with exclusive timings
    # --------------------------------------------------------------------------------------

    def _part(self, key, label, fn):
        import gc

        if key in self._cache:
            return self._cache[key]
        outermost = not self._stack
        # The cyclic collector rescans every live object (a city graph holds tens of millions)
        # each time enough containers are allocated; the parts allocate many and free them
        # without cycles, so it is paused while the outermost part runs.
        paused = outermost and gc.isenabled()
        if paused:
            gc.disable()
        self._stack.append(0.0)
        start = time.perf_counter()
        try:
            value = fn()
        finally:
            elapsed = time.perf_counter() - start
            inner = self._stack.pop()
            if self._stack:
                self._stack[-1] += elapsed
            self.timings[label] = self.timings.get(label, 0.0) + elapsed - inner
            if paused:
                gc.enable()
        self._cache[key] = value
        return value

    # --------------------------------------------------------------------------------------
    # views
    # --------------------------------------------------------------------------------------

    @property
    def base(self):
        """Node list, index, node data and the edges as arrays (one pass over ``G.edges``)."""
        return self._part("base", "graph arrays", self._base)

    def _base(self):
        G = self.G
        nodes = list(G)
        index = {v: i for i, v in enumerate(nodes)}
        data = [d for _v, d in G.nodes(data=True)]
        src, dst, edata = _edge_lists(G, nodes, index)
        return _Base(nodes, index, data, edata, src, dst, G.is_directed())

    @property
    def simple(self):
        """The undirected simple view: sorted pairs, summed ``weight``, CSR adjacency, degree."""
        return self._part("simple", "simple graph view", self._simple)

    def _simple(self):
        from useit_graph.metrics._arrays import half_edges, simple_pairs

        b = self.base
        weights = np.fromiter(b.column("weight", 1.0), dtype=float, count=b.m)
        ea, eb, w, inverse = simple_pairs(b.n, b.src, b.dst, weights)
        indptr, indices, pid = half_edges(b.n, ea, eb)
        degree = np.diff(indptr)
        return _Simple(ea, eb, w, inverse, indptr, indices, pid, degree)

    @property
    def igraph(self):
        """The undirected simple view as a python-igraph graph (vertex i = ``base.nodes[i]``)."""
        from useit_graph.metrics._arrays import igraph_graph

        return self._part("igraph", "igraph conversion", lambda: igraph_graph(self.base.n, self.simple.ea,
                                                                               self.simple.eb))

    @property
    def triangles(self):
        """Triangles of the simple view and the pair ids of their sides."""
        from useit_graph.metrics._arrays import triangles

        s = self.simple
        return self._part("triangles", "triangles", lambda: triangles(self.base.n, s.ea, s.eb, graph=self.igraph))

    def restricted(self, attr=None):
        """The nodes with the partition attribute and the simple pairs among them."""
        attr = attr or self.attr
        return self._part(("restricted", attr), "partition views", lambda: self._restricted(attr))

    def _restricted(self, attr):
        b, s = self.base, self.simple
        values = [d.get(attr) for d in b.data]
        keep = np.fromiter((x is not None for x in values), dtype=bool, count=b.n)
        kept = np.flatnonzero(keep)
        codes: dict = {}
        coded = np.asarray([codes.setdefault(values[i], len(codes)) for i in kept.tolist()], dtype=np.int64)
        local = np.full(b.n, -1, dtype=np.int64)
        local[kept] = np.arange(len(kept))
        pairs = np.flatnonzero(keep[s.ea] & keep[s.eb])
        return _Part(attr, keep, kept, local, coded, list(codes), pairs, b.n - len(kept))

    # --------------------------------------------------------------------------------------
    # measures
    # --------------------------------------------------------------------------------------

    def tie_counts(self):
        """Per-node and whole-network tie counts by type (``ties.node_tie_counts`` / ``tie_counts``)."""
        return self._part("ties", "tie counts", self._tie_counts)

    def _tie_counts(self):
        b = self.base
        code = np.fromiter(map(_TIE_CODE.get, b.column("tie"), itertools.repeat(3)), dtype=np.int64, count=b.m)
        loop = b.src == b.dst
        per_node = (np.bincount(b.src * 4 + code, minlength=4 * b.n)
                    + np.bincount(b.dst[~loop] * 4 + code[~loop], minlength=4 * b.n)).reshape(b.n, 4)
        whole = np.bincount(code, minlength=4)
        return code, per_node, whole

    def centrality(self):
        """Betweenness and closeness of the simple view under the scale policy.

        Returns ``(betweenness, closeness, info)``: node -> value dicts (closeness ``None`` when
        skipped) and the network row's scale-policy fields.
        """
        return self._part("centrality", "betweenness and closeness", self._centrality)

    def _centrality(self):
        from useit_graph.metrics._igraph import IGraphView
        from useit_graph.metrics.centrality import (
            _betweenness_view,
            _closeness_view,
            _sampled_betweenness_view,
            _sampled_closeness_view,
            betweenness_error_bound,
        )

        b = self.base
        n = b.n
        info = {"betweenness_method": "exact", "betweenness_k": None, "betweenness_error_bound": 0.0,
                "closeness_method": "exact", "closeness_k": None, "closeness_error_bound": 0.0}
        if n == 0:
            return {}, {}, info
        view = IGraphView(graph=self.igraph, nodes=b.nodes, index=b.index, weighted=False)
        exact = self.exact_max_nodes is None or n <= self.exact_max_nodes or n < 3
        if exact:
            btw = self._timed("betweenness", lambda: _betweenness_view(view, False))
            clo = self._timed("closeness", lambda: _closeness_view(view, False))
            return btw, clo, info
        k = min(self.betweenness_k, n)
        btw = self._timed("betweenness", lambda: _sampled_betweenness_view(view, False, k, self.seed))
        info.update(betweenness_method="sampled", betweenness_k=k,
                    betweenness_error_bound=betweenness_error_bound(n, k))
        if self.closeness_k == 0:
            info.update(closeness_method=(f"skipped: {n} nodes > exact_max_nodes={self.exact_max_nodes} and "
                                          "closeness_k=0 (exact closeness is O(n m))"),
                        closeness_error_bound=None)
            return btw, None, info
        clo, details = self._timed("closeness", lambda: _sampled_closeness_view(view, self.closeness_k, self.seed))
        info.update(closeness_method="sampled" if details["sampled_components"] else "exact",
                    closeness_k=self.closeness_k, closeness_error_bound=details["error_bound"])
        return btw, clo, info

    def _timed(self, label, fn):
        start = time.perf_counter()
        try:
            return fn()
        finally:
            elapsed = time.perf_counter() - start
            self.timings[label] = self.timings.get(label, 0.0) + elapsed
            if self._stack:
                self._stack[-1] += elapsed

    def holes_arrays(self):
        """Constraint, effective size, efficiency and hierarchy in the chosen view (arrays)."""
        return self._part(("holes", self.holes, self.weighted), "structural holes", self._holes)

    def _holes(self):
        from useit_graph.metrics.structural_holes import holes_from_pairs

        b, s = self.base, self.simple
        tri, ids = self.triangles
        E = len(s.ea)
        if self.holes == "undirected":
            mv = s.w.copy() if self.weighted else np.ones(E)
            if self.weighted:
                _check_weights(b, s, mv)
        else:
            mv = self._directed_mutual(b, s)
        out = holes_from_pairs(b.n, s.ea, s.eb, mv, tri, ids)
        if self.holes == "undirected" and not self.weighted:
            # effective_size(method="auto") takes Borgatti's closed form on a simple undirected
            # unweighted graph: k - (k - 1) * local clustering (igraph), as structural_holes does.
            k = s.degree.astype(float)
            clustering = np.asarray(self.igraph.transitivity_local_undirected(mode="zero"), dtype=float)
            out["effective_size"] = np.where(k > 0, k - (k - 1) * clustering, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["efficiency"] = np.where(out["contacts"] > 0, out["effective_size"] / out["contacts"], np.nan)
        return out

    def _directed_mutual(self, b, s):
        """Mutual weights a_ij + a_ji of the simple directed view (undirected ties as two arcs)."""
        directed = b.directed_flags()
        keep = b.src != b.dst
        w = np.fromiter(b.column("weight", 1.0), dtype=float, count=b.m) if self.weighted else None
        u, v = b.src[keep], b.dst[keep]
        both = ~directed[keep]
        arc_u = np.concatenate([u, v[both]])
        arc_v = np.concatenate([v, u[both]])
        keys, inv = np.unique(arc_u * b.n + arc_v, return_inverse=True)
        if self.weighted:
            ww = w[keep]
            arc_w = np.bincount(inv, weights=np.concatenate([ww, ww[both]]), minlength=len(keys))
            bad = ~np.isfinite(arc_w) | (arc_w < 0)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueError(f"edge ({b.nodes[keys[i] // b.n]!r}, {b.nodes[keys[i] % b.n]!r}) has weight="
                                 f"{arc_w[i]!r}; weights must be finite numbers >= 0. Fix: correct the edge's "
                                 "'weight' attribute, or run without --weighted.")
        else:
            arc_w = np.ones(len(keys))
        from useit_graph.metrics._arrays import pair_ids

        pid = pair_ids(b.n, s.ea, s.eb, keys // b.n, keys % b.n)
        return np.bincount(pid, weights=arc_w, minlength=len(s.ea))

    def ei(self, attr=None):
        """E-I permutation table of the restricted simple view: (network, groups, nodes) columns."""
        part = self.restricted(attr)
        return self._part(("ei", part.attr), "E-I permutations", lambda: self._ei(part))

    def _ei(self, part):
        from useit_graph.metrics.ei_index import ei_table_arrays

        if len(part.pairs) == 0:
            return None
        s = self.simple
        src, dst = part.local[s.ea[part.pairs]], part.local[s.eb[part.pairs]]
        return ei_table_arrays(len(part.kept), src, dst, part.coded, self.permutations(part), self.seed)

    def permutations(self, part=None):
        """The number of E-I permutations run: ``n_permutations``, lowered by the work budget."""
        part = part or self.restricted()
        ties = len(part.pairs)
        if self.ei_work is None or ties * self.n_permutations <= self.ei_work:
            return self.n_permutations
        return min(self.n_permutations, max(MIN_PERMUTATIONS, int(self.ei_work // max(ties, 1))))

    def heterogeneity(self, attr=None):
        """Bridging share, Blau and IQV of each kept node's contacts (arrays over kept nodes)."""
        part = self.restricted(attr)
        return self._part(("heterogeneity", part.attr), "bridging share, Blau, IQV", lambda: self._hetero(part))

    def _hetero(self, part):
        s = self.simple
        nk, K = len(part.kept), len(part.labels)
        a, c = part.local[s.ea[part.pairs]], part.local[s.eb[part.pairs]]
        ga, gc = part.coded[a], part.coded[c]
        ext = ga != gc
        deg = np.bincount(a, minlength=nk) + np.bincount(c, minlength=nk)
        e = np.bincount(a[ext], minlength=nk) + np.bincount(c[ext], minlength=nk)
        counts = (np.bincount(a * K + gc, minlength=nk * K) + np.bincount(c * K + ga, minlength=nk * K)).reshape(nk, K)
        with np.errstate(invalid="ignore", divide="ignore"):
            bridge = np.where(deg > 0, e / deg, np.nan)
            shares = counts / deg[:, None]
            blau = np.where(deg > 0, 1.0 - (shares ** 2).sum(axis=1), np.nan)
        iqv = blau * K / (K - 1) if K > 1 else np.full(nk, np.nan)
        return bridge, blau, iqv

    def communities(self):
        """Louvain on the weighted simple view without isolates (python-igraph, seed 0)."""
        return self._part("communities", "communities (Louvain)", self._communities)

    def _communities(self):
        import igraph as ig

        b, s = self.base, self.simple
        members = np.flatnonzero(s.degree > 0)
        if len(s.ea) == 0:
            return _Communities([], np.full(b.n, -1, dtype=np.int64), math.nan, np.zeros(0, dtype=bool))
        g = self.igraph.copy()
        if len(members) < b.n:  # drop isolates; vertices keep their order, edges theirs
            g.delete_vertices(np.flatnonzero(s.degree == 0).tolist())
        weights = s.w.tolist()
        g.es["weight"] = weights
        ig.set_random_number_generator(random.Random(0))
        try:
            membership = g.community_multilevel(weights=weights, resolution=1.0).membership
        finally:
            ig.set_random_number_generator(random)
        membership = np.asarray(membership, dtype=np.int64)
        order = np.argsort(membership, kind="stable")
        groups = np.split(order, np.flatnonzero(np.diff(membership[order])) + 1)
        groups.sort(key=lambda x: (-len(x), int(x[0])))
        comms = [members[x] for x in groups]
        renumbered = np.empty(len(members), dtype=np.int64)
        for i, x in enumerate(groups):
            renumbered[x] = i
        q = float(g.modularity(renumbered.tolist(), weights=weights, resolution=1.0))
        of = np.full(b.n, -1, dtype=np.int64)
        of[members] = renumbered
        bridges = of[s.ea] != of[s.eb]
        return _Communities(comms, of, q, bridges)

    def brokerage(self, attr=None):
        """Gould-Fernandez counts, expectations and z on the restricted brokerage digraph."""
        part = self.restricted(attr)
        return self._part(("brokerage", part.attr), "brokerage", lambda: self._brokerage(part))

    def _brokerage(self, part):
        from useit_graph.metrics._arrays import pair_ids
        from useit_graph.metrics.brokerage import BrokerageArrays, _closed_counts, _finish, _open_counts

        b, s = self.base, self.simple
        arcs_u, arcs_v = self._brokerage_arcs()
        keep = part.keep[arcs_u] & part.keep[arcs_v]
        arcs_u, arcs_v = arcs_u[keep], arcs_v[keep]
        N = len(part.kept)
        if N < 3:
            return BrokerageArrays(np.zeros((N, 6), dtype=np.int64), None, None, None)
        u, v = part.local[arcs_u], part.local[arcs_v]
        keys = u * N + v  # sorted: arcs are sorted by (u, v) and local ids keep the order
        raw = _open_counts(N, u, v, part.coded, keys)
        if len(keys):
            # every arc joins a pair of the simple view: one bit per direction and pair
            pid = pair_ids(b.n, s.ea, s.eb, arcs_u, arcs_v)
            fwd = np.zeros(len(s.ea), dtype=bool)
            bwd = np.zeros(len(s.ea), dtype=bool)
            fwd[pid[arcs_u < arcs_v]] = True
            bwd[pid[arcs_u > arcs_v]] = True
            tri, ids = self.triangles
            inside = part.keep[tri].all(axis=1)
            tri, ids = tri[inside], ids[inside]
            side = {(0, 1): 0, (1, 2): 1, (0, 2): 2}
            has = {}
            for i in range(3):
                for j in range(3):
                    if i != j:
                        e = ids[:, side[(min(i, j), max(i, j))]]
                        up = tri[:, i] < tri[:, j]
                        has[(i, j)] = np.where(up, fwd[e], bwd[e])
            raw[:, :5] -= _closed_counts(N, part.coded, part.local[tri], has)
        return _finish(raw, part.coded, N, len(keys))

    def _brokerage_arcs(self):
        return self._part("brokerage arcs", "brokerage digraph", self._arcs)

    def _arcs(self):
        """The arcs of :func:`useit_graph.metrics.brokerage.brokerage_digraph`, distinct, no loops."""
        from useit_graph.metrics._arrays import unique_sorted

        b = self.base
        n = b.n
        roles = b.column("role")
        among = _equals(roles, "among")
        broker_idx = b.broker_index()
        broker_in = broker_idx >= 0
        source_target = _equals(roles, "source-target")
        label_brokers = _equals(b.column("label"), "BROKERS")
        # broker_of[rel]: the brokers of the rel's among-ties (only brokers in G can equal a source)
        rels = b.column("rel")
        broker_of: dict = {}
        for i, x in zip(np.flatnonzero(among & broker_in).tolist(), broker_idx[among & broker_in].tolist()):
            broker_of.setdefault(rels[i], set()).add(x)
        src_is_broker = np.zeros(b.m, dtype=bool)
        ask = np.flatnonzero(source_target & ~label_brokers)
        if broker_of and len(ask):
            none = ()
            src = b.src.tolist()
            src_is_broker[ask] = np.fromiter((src[i] in broker_of.get(rels[i], none) for i in ask.tolist()),
                                             dtype=bool, count=len(ask))
        party_arc = source_target & (label_brokers | src_is_broker)
        skip = (among & broker_in) | (b.src == b.dst)
        two = party_arc | ~b.directed_flags() | (not b.graph_directed)
        keep = ~skip
        u, v, two = b.src[keep], b.dst[keep], two[keep]
        au = np.concatenate([u, v[two]])
        av = np.concatenate([v, u[two]])
        keys = unique_sorted(au * n + av)
        return keys // n if n else keys, keys % n if n else keys

    def reach(self):
        """Hop distances from every node to the nearest anchor and macro asset (-1: no path)."""
        return self._part("reach", "reach", self._reach)

    def _reach(self):
        from useit_graph.metrics._arrays import bfs_distances

        b, s = self.base, self.simple
        kinds = b.kinds()
        to_anchor = bfs_distances(s.indptr, s.indices, kinds["anchor"])
        to_macro = bfs_distances(s.indptr, s.indices, kinds["macro"])
        return to_anchor, to_macro

    def legacy(self, end=None):
        """The legacy scenarios with the programme end `end`, default ``G.graph["as_of"]``."""
        return self.scenarios(end or self.G.graph.get("as_of"))

    def scenarios(self, end):
        """:func:`useit_graph.metrics.legacy.legacy_scenarios` ``(G, end)``, vectorised (same dicts)."""
        return self._part(("legacy", end), "legacy scenarios", lambda: self._legacy(end))

    def _legacy(self, end):
        from useit_graph.metrics._arrays import bfs_distances
        from useit_graph.metrics.legacy import _iso, scenario_plan

        b = self.base
        kinds = b.kinds()
        code, _per_node, whole = self.tie_counts()
        to_anchor, to_macro = self.reach()
        before = _capital(b.n, b.m, int(whole[2]), kinds["micro"], to_macro, to_anchor)
        broker_idx = b.broker_index()
        programme, apparatus = self._apparatus(broker_idx)
        ends = None
        out = []
        for number, text, which, drop_brokered, use_end in scenario_plan(end):
            removed = programme if which == "programme" else apparatus
            removed_set = [b.nodes[i] for i in np.flatnonzero(removed).tolist()]
            alive = ~removed[b.src] & ~removed[b.dst]
            brokered = 0
            if drop_brokered:
                gone = alive & (broker_idx >= 0) & removed[np.maximum(broker_idx, 0)]
                brokered = int(gone.sum())
                alive &= ~gone
            ended = 0
            if use_end:
                if ends is None:
                    ends = _end_dates(b)
                limit = _iso(end)
                idx = np.flatnonzero(alive & ends.has)
                done = np.zeros(len(idx), dtype=bool)
                for j, i in enumerate(idx.tolist()):
                    done[j] = ends.iso(i) <= limit
                ended = int(done.sum())
                alive[idx[done]] = False
            indptr, indices = self._surviving_adjacency(alive)
            a_macro = bfs_distances(indptr, indices, kinds["macro"] & ~removed, blocked=removed)
            a_anchor = bfs_distances(indptr, indices, kinds["anchor"] & ~removed, blocked=removed)
            micro = kinds["micro"]
            after = _capital(b.n - int(removed.sum()), int(alive.sum()), int((code[alive] == 2).sum()),
                             micro & ~removed, a_macro, a_anchor)
            delta = {}
            for key, x in before.items():
                y = after[key]
                delta[key] = y - x if not (isinstance(y, float) and math.isnan(y)) else math.nan

            def lost(dist_before, dist_after):
                hit = np.flatnonzero(micro & ~removed & (dist_before >= 0) & (dist_after < 0))
                return sorted(b.nodes[i] for i in hit.tolist())

            out.append({
                "scenario": number, "description": text,
                "removed": sorted(removed_set, key=str), "ties_ended": ended, "ties_brokered_dropped": brokered,
                "before": dict(before), "after": after, "delta": delta,
                "lost_macro": lost(to_macro, a_macro), "lost_anchor": lost(to_anchor, a_anchor),
                "removed_micro": sorted((b.nodes[i] for i in np.flatnonzero(micro & removed).tolist()), key=str),
            })
        return out

    def _surviving_adjacency(self, alive):
        """CSR adjacency of the simple view keeping the pairs that still have an edge in `alive`."""
        s = self.simple
        pair_alive = np.zeros(len(s.ea), dtype=bool)
        inv = s.inverse[alive]
        pair_alive[inv[inv >= 0]] = True
        entry = pair_alive[s.pid]
        if s.row_of is None:
            s.row_of = np.repeat(np.arange(len(s.degree)), s.degree)
        counts = np.bincount(s.row_of[entry], minlength=len(s.degree))
        indptr = np.zeros(len(s.degree) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return indptr, s.indices[entry]

    def _apparatus(self, broker_idx):
        """Masks of :func:`~useit_graph.metrics.legacy.programme_nodes` and ``legacy_apparatus``."""
        from useit_graph.metrics.legacy import PROGRAMME_TYPES

        b = self.base
        wanted = set(PROGRAMME_TYPES)
        programme = np.fromiter((bool(({d.get("type")} | set(d.get("types") or ())) & wanted) for d in b.data),
                                dtype=bool, count=b.n)
        kind = _equals(b.column("rel_type"), "Brokerage") & ~_equals(b.column("role"), "asset")
        has_broker = np.fromiter((x is not None for x in b.column("broker")), dtype=bool, count=b.m)
        is_broker = np.zeros(b.n, dtype=bool)
        named = kind & has_broker & (broker_idx >= 0)
        is_broker[broker_idx[named]] = True
        is_broker[b.src[kind & ~has_broker & b.directed_flags()]] = True
        macro = np.fromiter((d.get("tier") == "macro" for d in b.data), dtype=bool, count=b.n)
        return programme, programme | (is_broker & ~macro)

    # --------------------------------------------------------------------------------------
    # tables
    # --------------------------------------------------------------------------------------

    def node_table(self) -> list:
        """The rows of :func:`useit_graph.metrics.tables.node_table`."""
        return self._part("node table", "node table rows", self._node_table)

    def _node_table(self):
        from useit_graph.metrics.reach import is_micro_asset

        b, s, p = self.base, self.simple, self.partition
        _code, ties, _whole = self.tie_counts()
        btw, clo, _info = self.centrality()
        holes = self.holes_arrays()
        part = self.restricted()
        table = self.ei()
        bridge, blau, q = self.heterogeneity()
        comms = self.communities()
        res = self.brokerage()
        to_anchor, to_macro = self.reach()
        cut = {}
        for sc in self.legacy():
            for v in sc["lost_macro"]:
                cut.setdefault(v, sc["scenario"])
        nan = math.nan
        local = part.local.tolist()
        node_cols = table[2] if table is not None else None
        observed = node_cols[0].tolist() if node_cols is not None else None
        p_two = node_cols[5].tolist() if node_cols is not None else None
        bridge_l, blau_l, q_l = bridge.tolist(), blau.tolist(), q.tolist()
        es, ef, co, hi = (holes[k].tolist() for k in ("effective_size", "efficiency", "constraint", "hierarchy"))
        deg = s.degree.tolist()
        ties_l = ties.tolist()
        of = comms.of.tolist()
        raw = res.raw.tolist() if res is not None else None
        z = res.z.tolist() if res is not None and res.z is not None else None
        ta, tm = to_anchor.tolist(), to_macro.tolist()
        rows = []
        for i in sorted(range(b.n), key=lambda j: str(b.nodes[j])):
            v, d = b.nodes[i], b.data[i]
            t = ties_l[i]
            total = sum(t)
            li = local[i]
            row = {
                "node": v, "label": d.get("label"), "type": d.get("type"), "tier": d.get("tier"),
                "group": d.get("group"), "degree": deg[i], "ties": total,
                "bonding": t[0], "bridging": t[1], "linking": t[2],
                "unclassified": t[3], "share_linking": t[2] / total if total else nan,
                f"bridging_share_{p}": bridge_l[li] if li >= 0 else nan,
                f"ei_index_{p}": observed[li] if li >= 0 and observed is not None else nan,
                f"ei_p_{p}": p_two[li] if li >= 0 and p_two is not None else nan,
                f"blau_{p}": blau_l[li] if li >= 0 else nan, f"iqv_{p}": q_l[li] if li >= 0 else nan,
                "betweenness": btw.get(v, nan), "closeness": clo.get(v, nan) if clo is not None else None,
                "effective_size": es[i], "efficiency": ef[i], "constraint": co[i], "hierarchy": hi[i],
                "community": of[i] + 1 if of[i] >= 0 else None,
                f"brokerage_{p}": raw[li][5] if raw is not None and li >= 0 else None,
            }
            for j, (_key, name) in enumerate(ROLE_NAMES[:5]):
                row[name] = raw[li][j] if raw is not None and li >= 0 else None
            for j, (_key, name) in enumerate(ROLE_NAMES):
                row[f"z_{name}"] = z[li][j] if z is not None and li >= 0 else nan
            micro = is_micro_asset(d)
            row.update({"to_anchor": ta[i] if micro and ta[i] >= 0 else None,
                        "to_macro": tm[i] if micro and tm[i] >= 0 else None,
                        "cut_off_in_scenario": cut.get(v) if micro else None})
            rows.append(row)
        return rows

    def network_row(self) -> dict:
        """The row of :func:`useit_graph.metrics.tables.network_row`."""
        return self._part("network row", "network row", self._network_row)

    def _network_row(self):
        from useit_graph.metrics.ties import TIE_LABELS

        b, s, p = self.base, self.simple, self.partition
        part = self.restricted()
        n = b.n
        E = len(s.ea)
        rels = len(set(b.column("rel")))
        row = {"nodes": n, "relationships": rels,
               "density": E / (n * (n - 1)) * 2 if n > 1 else math.nan,
               "components": _components(n, s.ea, s.eb)}
        _code, _per_node, whole = self.tie_counts()
        total = int(whole.sum())
        row["edges"] = total
        for j, t in enumerate(TIE_LABELS):
            row[t] = int(whole[j])
        for j, t in enumerate(TIE_LABELS):
            row[f"share_{t}"] = int(whole[j]) / total if total else math.nan
        table = self.ei()
        if table is not None:
            net = dict(zip(("observed", "mean", "sd", "p_greater", "p_less", "p_value"), table[0]))
        else:
            net = {}
        row[f"ei_index_{p}"] = float(net.get("observed", math.nan))
        row[f"ei_expected_{p}"] = float(net.get("mean", math.nan))
        row[f"ei_p_greater_{p}"] = float(net.get("p_greater", math.nan))
        row[f"ei_p_less_{p}"] = float(net.get("p_less", math.nan))
        row[f"ei_p_{p}"] = float(net.get("p_value", math.nan))
        row[f"assortativity_{p}"] = self.assortativity()
        bridge, blau, q = self.heterogeneity()
        row[f"mean_blau_{p}"] = _mean(blau.tolist())
        row[f"mean_iqv_{p}"] = _mean(q.tolist())
        holes = self.holes_arrays()
        for name in ("constraint", "effective_size", "hierarchy"):
            row[f"mean_{name}"] = _mean(holes[name].tolist())
        comms = self.communities()
        row["communities"] = len(comms.members)
        row["modularity"] = comms.modularity if comms.members else math.nan
        row["community_bridging_ties"] = int(comms.bridges.sum()) if comms.members else 0
        res = self.brokerage()
        has = res is not None and res.gli is not None
        row[f"brokerage_{p}"] = res.gli["raw"]["t"] if has else None
        row[f"brokerage_expected_{p}"] = res.gli["exp"]["t"] if has else math.nan
        row[f"brokerage_z_{p}"] = res.gli["z"]["t"] if has else math.nan
        row.update(self.reach_summary())
        for sc in self.legacy():
            row[f"legacy_lost_macro_{sc['scenario']}"] = len(sc["lost_macro"])
        row[f"left_out_{p}"] = part.left_out
        _btw, _clo, info = self.centrality()
        row.update(info)
        row["ei_permutations"] = self.permutations(part) if len(part.pairs) else None
        return row

    def assortativity(self, attr=None):
        """Newman's attribute assortativity of the restricted simple view (networkx's formula)."""
        part = self.restricted(attr)
        if len(part.pairs) == 0:
            return math.nan
        s = self.simple
        K = len(part.labels)
        a = part.coded[part.local[s.ea[part.pairs]]]
        c = part.coded[part.local[s.eb[part.pairs]]]
        # networkx's mixing matrix counts each undirected edge in both directions
        M = (np.bincount(a * K + c, minlength=K * K) + np.bincount(c * K + a, minlength=K * K)).reshape(K, K)
        M = M / M.sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.trace(M)
            sq = (M @ M).sum()
            return float((t - sq) / (1 - sq))

    def reach_summary(self) -> dict:
        """:func:`useit_graph.metrics.reach.reach_summary` of the graph, from the reach distances."""
        b = self.base
        to_anchor, to_macro = self.reach()
        micro = b.kinds()["micro"]
        return _reach_summary(micro, to_macro, to_anchor)

    def group_table(self) -> list:
        """The rows of :func:`useit_graph.metrics.tables.group_table`."""
        s, p = self.simple, self.partition
        part = self.restricted()
        table = self.ei()
        K = len(part.labels)
        a = part.coded[part.local[s.ea[part.pairs]]]
        c = part.coded[part.local[s.eb[part.pairs]]]
        same = a == c
        sizes = np.bincount(part.coded, minlength=K)
        internal = np.bincount(a[same], minlength=K)
        external = np.bincount(a[~same], minlength=K) + np.bincount(c[~same], minlength=K)
        dens = self.block_density()
        cols = ("observed", "mean", "sd", "p_greater", "p_less", "p_value")
        rows = []
        for g in sorted(range(K), key=lambda j: str(part.labels[j])):
            label = part.labels[g]
            t = {key: float(col[g]) for key, col in zip(cols, table[1])} if table is not None else {}
            rows.append({p: label, "nodes": int(sizes[g]), "ties_internal": int(internal[g]),
                         "ties_external": int(external[g]), "density_within": dens[label][label],
                         "ei_index": t.get("observed", math.nan), "ei_expected": t.get("mean", math.nan),
                         "ei_p_greater": t.get("p_greater", math.nan), "ei_p_less": t.get("p_less", math.nan),
                         "ei_p": t.get("p_value", math.nan)})
        return rows

    def block_density(self, attr=None) -> dict:
        """:func:`useit_graph.metrics.blocks.block_density` of the restricted simple view."""
        part = self.restricted(attr)
        return self._part(("blocks", part.attr), "block densities", lambda: self._blocks(part))

    def _blocks(self, part):
        s = self.simple
        K = len(part.labels)
        a = part.coded[part.local[s.ea[part.pairs]]]
        c = part.coded[part.local[s.eb[part.pairs]]]
        ties = np.bincount(a * K + c, minlength=K * K).reshape(K, K).astype(float)
        ties = ties + ties.T - np.diag(np.diag(ties))
        sizes = np.bincount(part.coded, minlength=K)
        out = {}
        for i, ga in enumerate(part.labels):
            out[ga] = {}
            for j, gb in enumerate(part.labels):
                na, nb = int(sizes[i]), int(sizes[j])
                possible = na * (na - 1) / 2 if i == j else na * nb
                out[ga][gb] = float(ties[i, j]) / possible if possible else float("nan")
        return out

    def block_table(self) -> list:
        """The rows of :func:`useit_graph.metrics.tables.block_table`."""
        part = self.restricted()
        if len(part.kept) == 0:
            return []
        dens = self.block_density()
        order = sorted(dens, key=lambda g: (_TIER_ORDER.get(g, 3), str(g)))
        return [{"block": a, **{str(x): dens[a][x] for x in order}} for a in order]

    def community_table(self) -> list:
        """The rows of :func:`useit_graph.metrics.tables.community_table`."""
        b, s = self.base, self.simple
        comms = self.communities()
        if not comms.members:
            return []
        of = comms.of
        per = np.bincount(of[s.ea][comms.bridges], minlength=len(comms.members)) + \
            np.bincount(of[s.eb][comms.bridges], minlength=len(comms.members))
        deg = s.degree
        rows = []
        for i, c in enumerate(comms.members):
            idx = c.tolist()
            data = [b.data[j] for j in idx]
            members = sorted(range(len(idx)), key=lambda k: (-int(deg[idx[k]]),
                                                             str(data[k].get("label") or b.nodes[idx[k]]),
                                                             str(b.nodes[idx[k]])))
            tiers: dict = {}
            groups: dict = {}
            for d in data:
                t = d.get("tier") or "(none)"
                tiers[t] = tiers.get(t, 0) + 1
                g = d.get("group") or "(none)"
                groups[g] = groups.get(g, 0) + 1
            top = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            rows.append({"community": i + 1, "size": len(idx),
                         "members": "; ".join(str(data[k].get("label") or b.nodes[idx[k]]) for k in members[:3]),
                         "tiers": ", ".join(f"{t} {n}" for t, n in sorted(tiers.items())),
                         "largest_group": f"{top[0]} ({top[1]})",
                         "bridging_ties": int(per[i])})
        return rows

    def brokerage_table(self) -> list:
        """The rows of :func:`useit_graph.metrics.tables.brokerage_table`."""
        res = self.brokerage()
        if res is None or res.gli is None:
            return []
        g = res.gli
        return [{"role": key, "name": name, "observed": g["raw"][key], "expected": g["exp"][key],
                 "sd": g["sd"][key], "z": g["z"][key]} for key, name in ROLE_NAMES]

    def legacy_table(self, end=None) -> list:
        """The rows of :func:`useit_graph.metrics.tables.legacy_table`."""
        b = self.base
        rows = []
        for sc in self.legacy(end):
            before, after = sc["before"], sc["after"]
            rows.append({"scenario": sc["scenario"], "description": sc["description"], "removed": len(sc["removed"]),
                         "ties_dropped": sc["ties_ended"] + sc["ties_brokered_dropped"],
                         "linking_before": before["linking_ties"], "linking_after": after["linking_ties"],
                         "share_linking_before": before["share_linking"], "share_linking_after": after["share_linking"],
                         "share_reach_macro_before": before["share_reach_macro"],
                         "share_reach_macro_after": after["share_reach_macro"], "lost_macro": len(sc["lost_macro"]),
                         "lost": "; ".join(sorted(str(b.data[b.index[v]].get("label") or v)
                                                  for v in sc["lost_macro"]))})
        return rows

    def table(self, level):
        """One table by its ``useit metrics --level`` name (``network`` is a one-row list)."""
        if level == "node":
            return self.node_table()
        if level == "network":
            return [self.network_row()]
        if level == "group":
            return self.group_table()
        if level == "blocks":
            return self.block_table()
        if level == "communities":
            return self.community_table()
        if level == "brokerage":
            return self.brokerage_table()
        if level == "legacy":
            return self.legacy_table()
        raise UsageError(f"unknown level {level!r}", hint="use one of " + ", ".join(SUITE_LEVELS))


def metric_suite(G, partition="tier", holes="undirected", weighted=False, n_permutations=1000, seed=0,
                 exact_max_nodes=DEFAULT_EXACT_MAX_NODES, betweenness_k=DEFAULT_BETWEENNESS_K, closeness_k=None,
                 ei_work=DEFAULT_EI_WORK, levels=SUITE_LEVELS) -> dict:
    """Every table of ``useit metrics`` from one :class:`MetricContext`, with per-part timings.

    Parameters
    ----------
    G : networkx graph
        Usually ``project_graph`` / ``fast_ingest.ingest_files`` output.
    partition, holes, weighted, n_permutations, seed, exact_max_nodes, betweenness_k, closeness_k, ei_work
        As :class:`MetricContext` (the defaults are ``useit metrics``'s).
    levels : iterable of str, optional
        Tables to compute (default: all of :data:`SUITE_LEVELS`).

    Returns
    -------
    dict
        ``{level: rows}`` (``"network"``: the one row as a dict), plus ``"timings"``: part ->
        seconds (exclusive; they sum to about the whole run) and ``"seconds"``: the whole run.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", tier="micro"); G.add_node("b", tier="macro")
    >>> _ = G.add_edge("a", "b", tie="linking")
    >>> out = metric_suite(G, n_permutations=9)
    >>> sorted(k for k in out if k not in ("timings", "seconds"))
    ['blocks', 'brokerage', 'communities', 'group', 'legacy', 'network', 'node']
    """
    timings: dict = {}
    ctx = MetricContext(G, partition=partition, holes=holes, weighted=weighted, n_permutations=n_permutations,
                        seed=seed, exact_max_nodes=exact_max_nodes, betweenness_k=betweenness_k,
                        closeness_k=closeness_k, ei_work=ei_work, timings=timings)
    import gc

    start = time.perf_counter()
    out = {}
    paused = gc.isenabled()
    gc.disable()  # see MetricContext._part
    try:
        for level in levels:
            rows = ctx.table(level)
            out[level] = rows[0] if level == "network" else rows
    finally:
        if paused:
            gc.enable()
    out["seconds"] = time.perf_counter() - start
    out["timings"] = timings
    return out


# ------------------------------------------------------------------------------------------
# plain data holders and helpers
# ------------------------------------------------------------------------------------------

class _Base:
    """Nodes (list, index, data dicts) and edges (ends as arrays, data dicts) of a graph."""

    def __init__(self, nodes, index, data, edata, src, dst, graph_directed):
        self.nodes, self.index, self.data, self.edata = nodes, index, data, edata
        self.src, self.dst = src, dst
        self.n, self.m = len(nodes), len(edata)
        self.graph_directed = graph_directed
        self._flags = None
        self._kinds = None
        self._brokers = None
        self._columns = {}

    def column(self, key, default=None):
        """``[d.get(key, default) for d in edges]``, computed once."""
        got = self._columns.get((key, default))
        if got is None:
            try:  # projected edges all carry the key: itemgetter runs in C
                got = list(map(operator.itemgetter(key), self.edata))
            except KeyError:
                got = [d.get(key, default) for d in self.edata]
            self._columns[(key, default)] = got
        return got

    def broker_index(self):
        """Index of each edge's ``broker`` node; -1 when it has none or it is not in the graph."""
        if self._brokers is None:
            index = self.index
            values = self.column("broker")
            try:
                found = [index.get(x, -1) if x is not None else -1 for x in values]
            except TypeError:  # an unhashable broker value is no node (as ``x in G`` says)
                found = [index.get(x, -1) if x is not None and _hashable(x) else -1 for x in values]
            self._brokers = np.asarray(found, dtype=np.int64).reshape(-1)
        return self._brokers

    def directed_flags(self):
        """``bool(d.get("directed", True))`` per edge."""
        if self._flags is None:
            self._flags = np.fromiter(map(bool, self.column("directed", True)), dtype=bool, count=self.m)
        return self._flags

    def kinds(self):
        """Masks: ``micro`` (micro assets), ``anchor``, ``macro`` (as :mod:`useit_graph.metrics.reach`)."""
        if self._kinds is None:
            from useit_graph.metrics.reach import is_anchor, is_macro, is_micro_asset

            self._kinds = {name: np.fromiter((f(d) for d in self.data), dtype=bool, count=self.n)
                           for name, f in (("micro", is_micro_asset), ("anchor", is_anchor), ("macro", is_macro))}
        return self._kinds


class _Simple:
    def __init__(self, ea, eb, w, inverse, indptr, indices, pid, degree):
        self.ea, self.eb, self.w, self.inverse = ea, eb, w, inverse
        self.indptr, self.indices, self.pid, self.degree = indptr, indices, pid, degree
        self.row_of = None


class _Part:
    def __init__(self, attr, keep, kept, local, coded, labels, pairs, left_out):
        self.attr, self.keep, self.kept, self.local = attr, keep, kept, local
        self.coded, self.labels, self.pairs, self.left_out = coded, labels, pairs, left_out


class _Communities:
    def __init__(self, members, of, modularity, bridges):
        self.members, self.of, self.modularity, self.bridges = members, of, modularity, bridges


class _EndDates:
    def __init__(self, raw):
        self.raw = raw
        self.has = np.fromiter((x is not None for x in raw), dtype=bool, count=len(raw))
        self._iso = {}

    def iso(self, i):
        from useit_graph.metrics.legacy import _iso

        if i not in self._iso:
            self._iso[i] = _iso(self.raw[i])
        return self._iso[i]


def _end_dates(b):
    return _EndDates(b.column("end"))


def _edge_lists(G, nodes, index):
    """Edge ends (int64 arrays of node indices) and data dicts, in ``G.edges`` order.

    Directed graphs are read from the successor dicts (each edge once, in ``G.edges`` order:
    nodes in order, then successors, then keys) with list comprehensions; undirected graphs
    through ``G.edges``, which reports each edge once.
    """
    if G.is_directed():
        adj = G._adj
        if list(adj) != nodes:  # pragma: no cover - networkx keeps both in insertion order
            raise RuntimeError("internal error: adjacency and node order differ")
        chain = itertools.chain.from_iterable
        out_pairs = np.fromiter(map(len, adj.values()), dtype=np.int64, count=len(nodes))
        heads = np.fromiter(map(index.__getitem__, chain(adj.values())), dtype=np.int64,
                            count=int(out_pairs.sum()))
        tails = np.repeat(np.arange(len(nodes), dtype=np.int64), out_pairs)
        if G.is_multigraph():
            keyed = list(chain(map(dict.values, adj.values())))
            per_pair = np.fromiter(map(len, keyed), dtype=np.int64, count=len(heads))
            edata = list(chain(map(dict.values, keyed)))
            return np.repeat(tails, per_pair), np.repeat(heads, per_pair), edata
        edata = list(chain(map(dict.values, adj.values())))
        return tails, heads, edata
    src, dst, edata = [], [], []
    for u, v, d in G.edges(data=True):
        src.append(index[u])
        dst.append(index[v])
        edata.append(d)
    return np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64), edata


def _equals(values, text):
    """``values[i] == text`` as a bool array (``==``, so None and other types compare False)."""
    return np.fromiter(map(operator.eq, values, itertools.repeat(text)), dtype=bool, count=len(values))


def _hashable(x):
    try:
        hash(x)
    except TypeError:
        return False
    return True


def _check_weights(b, s, w):
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"edge ({b.nodes[s.ea[i]]!r}, {b.nodes[s.eb[i]]!r}) has weight={w[i]!r}; weights must be "
                         "finite numbers >= 0. Fix: correct the edge's 'weight' attribute, or run without --weighted.")


def _components(n, ea, eb):
    if n == 0:
        return 0
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    A = sp.csr_array((np.ones(len(ea)), (ea, eb)), shape=(n, n))
    return int(connected_components(A, directed=False)[0])


def _mean(values):
    vals = [x for x in values if not (isinstance(x, float) and math.isnan(x))]
    return sum(vals) / len(vals) if vals else math.nan


def _reach_summary(micro, to_macro, to_anchor) -> dict:
    n = int(micro.sum())
    macro = to_macro[micro]
    macro = macro[macro >= 0].tolist()
    anchor = to_anchor[micro]
    anchor = anchor[anchor >= 0].tolist()
    return {
        "micro_assets": n,
        "reach_macro": len(macro),
        "share_reach_macro": len(macro) / n if n else math.nan,
        "mean_distance_macro": sum(macro) / len(macro) if macro else math.nan,
        "direct_macro": sum(1 for d in macro if d == 1),
        "reach_anchor": len(anchor),
        "share_reach_anchor": len(anchor) / n if n else math.nan,
        "mean_distance_anchor": sum(anchor) / len(anchor) if anchor else math.nan,
    }


def _capital(nodes, edges, linking, micro, to_macro, to_anchor) -> dict:
    s = _reach_summary(micro, to_macro, to_anchor)
    return {
        "nodes": nodes,
        "edges": edges,
        "linking_ties": linking,
        "share_linking": linking / edges if edges else math.nan,
        "micro_assets": s["micro_assets"],
        "reach_macro": s["reach_macro"],
        "share_reach_macro": s["share_reach_macro"],
        "reach_anchor": s["reach_anchor"],
        "share_reach_anchor": s["share_reach_anchor"],
    }
