r"""Connector questions over the projected graph: who links to whom, through whom, on what evidence.

* :func:`links` - the shortest ways A and B are connected, up to a length, with every hop explained.
* :func:`introduce` - ranked, explained introduction paths from A to entities of a type (or to B).
* :func:`neighbours` and :func:`brokers` - one entity's ties; the go-betweens of two entities.
* :func:`micro_assets_of`, :func:`work_package_relationships`, :func:`evidence_for`,
  :func:`entities_in_place`, :func:`sector_bridges` - the networkx twins of the named queries in
  ``queries/`` (the parity tests compare them with SPARQL).

All functions read the ``networkx.MultiDiGraph`` of :func:`useit_graph.project.project_graph`
(attributes in ``docs/graph-model.md``) and treat ties as undirected for reachability, reporting the
direction of each relationship per hop. They return lists of plain dicts.

Path search
-----------
:func:`links` does not enumerate all simple paths (on a hub that is exponential in the length).
It grows two breadth-first balls, from A and from B, always expanding the side whose frontier has
the smaller total degree (bidirectional search [1]_), until they meet (then d(A, B) is the sum of
the radii) or the radii add up to ``max_len``. Then it enumerates simple paths of each length
ell = d(A, B), ..., max_len by depth-first search from A, the balls grown to radii adding up to ell,
pruning any step to a node whose distance to B (known exactly inside B's ball, and greater than its
radius outside) exceeds the remaining budget; inside B's ball that filter is one vectorised
comparison of the neighbour ids' distances. The work is proportional to the paths explored
(capped by ``max_candidates``) plus the two balls. The result equals
``nx.all_simple_paths(H, a, b, cutoff=max_len)`` on the filtered undirected view H when fewer
than ``max_candidates`` paths exist, and otherwise holds the first ``max_candidates`` of them,
shortest first, then in node order (tested).

Both searches run over :class:`LinkIndex`, a CSR adjacency of integer node ids (numpy arrays)
built from networkx's adjacency dictionaries without reading relationship attributes; those are
read from the graph only for the hops that are ranked or described.

References
----------
.. [1] Pohl, I. (1971). Bi-directional search. *Machine Intelligence* 6, 127-140.
.. [2] Yen, J. Y. (1971). Finding the k shortest loopless paths in a network. *Management Science*
   17(11), 712-716 (the algorithm behind ``nx.shortest_simple_paths``, used as the peer in bench/).
.. [3] Gould, R. V., Fernandez, R. M. (1989). Structures of mediation: a formal approach to brokerage
   in transaction networks. *Sociological Methodology* 19, 89-126.
.. [4] Burt, R. S. (2005). *Brokerage and Closure*. Oxford University Press.
"""

from __future__ import annotations

import datetime as _dt
from itertools import chain

import numpy as np

from .errors import UnknownEntity, UnknownTerm, UsageError
from .namespaces import curie

__all__ = ["LinkIndex", "links", "introduce", "why_no_introduction", "neighbours", "brokers", "resolve_type",
           "TYPE_ALIASES", "as_of_date",
           "micro_assets_of", "work_package_relationships", "evidence_for", "entities_in_place",
           "sector_bridges", "SCORE_WEIGHTS"]

#: Friendly names for ``introduce(to_type=...)``; any class local name works too.
TYPE_ALIASES = {
    "anchor": "AnchorInstitution", "anchors": "AnchorInstitution", "developer": "Developer",
    "council": "LocalAuthority", "nhs": "NHSTrust", "hospital": "NHSTrust", "university": "University",
    "funder": "Funder", "contractor": "Contractor", "social-enterprise": "SocialEnterprise",
    "housing": "HousingAssociation", "intermediary": "Intermediary", "micro": "MicroAsset",
    "macro": "MacroAsset", "community-group": "CommunityGroup", "business": "Business",
}

#: Weights of the introduction score (see :func:`introduce`).
SCORE_WEIGHTS = {"length": 0.4, "recency": 0.2, "evidence": 0.2, "track_record": 0.2}


# ------------------------------------------------------------------------------------------
# The index: an undirected adjacency of the ties that pass the filters
# ------------------------------------------------------------------------------------------

def as_of_date(value) -> str | None:
    """An as-of date as ISO ``YYYY-MM-DD`` text, from a ``datetime.date`` or a string.

    Raises
    ------
    UsageError
        The value is not a calendar date (``"yesterday"``, ``"2030-13-45"``), instead of being
        compared with the data's dates as a string.

    Examples
    --------
    >>> as_of_date("2018-06-30"), as_of_date(None)
    ('2018-06-30', None)
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        if len(str(value)) != 10:
            raise ValueError
        return _dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise UsageError(f"as-of date {value!r} is not a date",
                         hint="write it YYYY-MM-DD, e.g. 2018-06-30") from None


def _edge_ok(d, tie_types, as_of) -> bool:
    if tie_types is not None and d.get("tie") not in tie_types:
        return False
    if as_of is not None:  # ISO dates: the first 10 characters order like the dates
        start, end = d.get("start"), d.get("end")
        if start is not None and str(start)[:10] > as_of:
            return False
        if end is not None and str(end)[:10] < as_of:
            return False
    return True


_UNSEEN = 2 ** 30  # distance of a node no search reached (larger than any budget)
_BANNED = _UNSEEN + 1  # distance of an excluded node: never entered, never a candidate


class LinkIndex:
    """Undirected adjacency of a projected graph after the tie-type and date filters, as arrays.

    Nodes get integer ids in their sorted order (``nodes[i]``, ``ids[node]``), so ascending ids
    list neighbours in the order of their sorted IRIs. The adjacency is CSR: the neighbours of
    node ``i`` are ``indices[indptr[i]:indptr[i + 1]]``, ascending, one entry per neighbour
    whatever the number of relationships, no self-loops. Relationship data is not copied:
    :meth:`edges_between` reads the graph's edges between two nodes (and applies the filters)
    when a hop is described, so building the index is one pass over the adjacency dictionaries
    with no per-edge Python objects.

    Build it once with :meth:`from_graph` and pass it to :func:`links` / :func:`introduce` to answer
    many questions on one graph (the benchmark does); otherwise each call builds its own. The
    graph must not change while the index is in use.

    Attributes
    ----------
    G : networkx.MultiDiGraph or networkx.MultiGraph
        The indexed graph.
    tie_types : frozenset or None
        The tie-type filter.
    as_of : str or None
        The date filter (ISO).
    nodes : list
        Id -> node, sorted.
    ids : dict
        Node -> id.
    indptr : numpy.ndarray
        int64, ``len(nodes) + 1`` row offsets.
    indices : numpy.ndarray
        int32 neighbour ids.
    degree : numpy.ndarray
        Distinct neighbours per node id.
    broker_count : mapping
        Node -> number of distinct BROKERS relationships (kept edges) it is the broker of,
        counted per node on first use (``.get(node, 0)`` or ``[node]``).
    newest : str or None
        Latest ``start`` of a kept edge (the reference date for recency), computed on first use.
    """

    def __init__(self, G, tie_types, as_of, nodes, ids, indptr, indices, order_rank):
        self.G, self.tie_types, self.as_of = G, tie_types, as_of
        self.nodes, self.ids, self.indptr, self.indices = nodes, ids, indptr, indices
        self.degree = np.diff(indptr)
        self._ptr = indptr.tolist()  # Python ints: slicing with them is faster than with numpy scalars
        self._rank = order_rank  # id -> position in G's adjacency (the order G.edges() reports edges in)
        self._stats: dict = {}
        self._directed = G.is_directed()
        self._newest = None
        self._newest_done = False
        self.broker_count = _BrokerCounts(self)

    @classmethod
    def from_graph(cls, G, tie_types=None, as_of=None) -> "LinkIndex":
        """Index ``G``'s edges that pass the filters.

        Parameters
        ----------
        G : networkx.MultiDiGraph
            Projected graph (a ``MultiGraph`` works too).
        tie_types : iterable of str, optional
            Keep edges whose ``tie`` is one of these (``bonding``, ``bridging``, ``linking``).
        as_of : str or datetime.date, optional
            Keep edges with ``start <= as_of`` and no ``end`` before it (ISO dates).

        Raises
        ------
        UsageError
            `as_of` is not a date (:func:`as_of_date`), or `G` is not a networkx multigraph.

        Notes
        -----
        Without filters the adjacency is read with C-level iteration over networkx's adjacency
        dictionaries (about 1 s for 1.5M edges here); with filters each edge's attributes are
        checked in Python (a few seconds at that size). Pairs are symmetrised and deduplicated
        with one ``numpy.unique`` over ``u * n + v`` codes.
        """
        as_of = as_of_date(as_of)
        tie_types = frozenset([tie_types] if isinstance(tie_types, str) else tie_types) if tie_types else None
        if not getattr(G, "is_multigraph", lambda: False)():
            raise UsageError(f"LinkIndex needs a networkx MultiDiGraph, got {type(G).__name__}",
                             hint="project the data with useit_graph.project.project_graph")
        adj = G._adj  # networkx's adjacency dicts (what G.edges() iterates), read without view objects
        try:
            nodes = sorted(adj)
        except TypeError:  # mixed node types: still a fixed order
            nodes = sorted(adj, key=lambda x: (type(x).__name__, str(x)))
        n = len(nodes)
        ids = dict(zip(nodes, range(n)))
        get = ids.__getitem__
        by_order = np.fromiter(map(get, adj), np.int64, n)
        if tie_types is None and as_of is None:
            counts = np.fromiter(map(len, adj.values()), np.int64, n)
            src = np.repeat(by_order, counts)
            dst = np.fromiter(map(get, chain.from_iterable(adj.values())), np.int64, int(counts.sum()))
        else:
            src_l, dst_l = [], []
            for u, nbrs in adj.items():
                iu = get(u)
                for v, kd in nbrs.items():
                    for d in kd.values():
                        if _edge_ok(d, tie_types, as_of):
                            src_l.append(iu)
                            dst_l.append(get(v))
                            break
            src, dst = np.array(src_l, np.int64), np.array(dst_l, np.int64)
        keep = src != dst
        src, dst = src[keep], dst[keep]
        code = _sorted_unique(np.concatenate([src * n + dst, dst * n + src]))
        rows = code // n
        indices = (code - rows * n).astype(np.int32)
        indptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        rank = np.empty(n, np.int64)
        rank[by_order] = np.arange(n)
        return cls(G, tie_types, as_of, nodes, ids, indptr, indices, rank)

    def _nbr(self, i):
        return self.indices[self._ptr[i]:self._ptr[i + 1]]

    def neighbours_of(self, n) -> list:
        """Neighbours of node ``n`` (either direction, kept ties), sorted; [] for an unknown node."""
        i = self.ids.get(n)
        return [] if i is None else [self.nodes[j] for j in self._nbr(i).tolist()]

    def has_tie(self, u, v) -> bool:
        """Whether a kept edge joins ``u`` and ``v`` (either direction)."""
        iu, iv = self.ids.get(u), self.ids.get(v)
        if iu is None or iv is None:
            return False
        row = self._nbr(iu)
        k = int(np.searchsorted(row, iv))
        return k < len(row) and int(row[k]) == iv

    def edges_between(self, u, v) -> list:
        """``(source, target, key, data)`` of the kept edges between ``u`` and ``v``.

        In the order ``G.edges(keys=True, data=True)`` reports them (the edges leaving whichever
        of the two comes first in ``G``, then the others).
        """
        adj = self.G._adj
        if u == v or u not in adj or v not in adj:
            return []
        first, second = (u, v) if self._rank[self.ids[u]] < self._rank[self.ids[v]] else (v, u)
        out = [(first, second, k, d) for k, d in adj[first].get(second, {}).items()]
        if self.G.is_directed():
            out += [(second, first, k, d) for k, d in adj[second].get(first, {}).items()]
        if self.tie_types is not None or self.as_of is not None:
            out = [e for e in out if _edge_ok(e[3], self.tie_types, self.as_of)]
        return out

    def pair_stats(self, u, v):
        """(frozenset of (section, quote), latest start) of the relationships between u and v (cached)."""
        return self._pair_stats(self.ids[u], self.ids[v])

    def _pair_stats(self, iu, iv):
        key = (iu, iv) if iu < iv else (iv, iu)
        hit = self._stats.get(key)
        if hit is not None:
            return hit
        # edges_between without its order and tuples: this runs for every candidate hop
        u, v = self.nodes[iu], self.nodes[iv]
        adj, tie_types, as_of = self.G._adj, self.tie_types, self.as_of
        filtered = tie_types is not None or as_of is not None
        quotes, latest = set(), None
        for kd in ((adj[u].get(v), adj[v].get(u)) if self._directed else (adj[u].get(v),)):
            if not kd:
                continue
            for d in kd.values():
                if filtered and not _edge_ok(d, tie_types, as_of):
                    continue
                for e in d.get("evidence") or ():
                    quotes.add((e.get("section"), e.get("quote")))
                st = d.get("start")
                if st is not None:
                    st = str(st)
                    if latest is None or st > latest:
                        latest = st
        hit = self._stats[key] = (frozenset(quotes), latest)
        return hit

    @property
    def newest(self) -> str | None:
        if not self._newest_done:
            newest = None
            for u, nbrs in self.G._adj.items():
                for v, kd in nbrs.items():
                    if u == v:
                        continue
                    for d in kd.values():
                        s = d.get("start")
                        if s is not None and (newest is None or str(s) > newest) \
                                and _edge_ok(d, self.tie_types, self.as_of):
                            newest = str(s)
            self._newest, self._newest_done = newest, True
        return self._newest

    def _gather(self, front):
        """Neighbour ids of every id in ``front`` (with repeats)."""
        if len(front) == 1:
            i = int(front[0])
            return self.indices[self._ptr[i]:self._ptr[i + 1]]
        starts = self.indptr[front]
        lens = self.indptr[front + 1] - starts
        total = int(lens.sum())
        if total == 0:
            return self.indices[:0]
        offs = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
        return self.indices[offs]


def _sorted_unique(x):
    """``np.unique(x)`` for int arrays by sort and mask (numpy 2.4's ``unique`` took 50x longer here)."""
    x = np.sort(x)
    if x.size:
        x = x[np.concatenate(([True], x[1:] != x[:-1]))]
    return x


class _BrokerCounts:
    """Node -> distinct BROKERS relationships (kept edges) it brokers, counted on first use."""

    def __init__(self, idx):
        self._idx, self._cache = idx, {}

    def get(self, n, default=0):
        if n not in self._cache:
            idx = self._idx
            adj = idx.G._adj
            if n not in adj:
                return default
            rels = set()
            directed = idx.G.is_directed()
            for v, kd in adj[n].items():
                if v == n or (not directed and idx._rank[idx.ids[n]] > idx._rank[idx.ids[v]]):
                    continue  # an undirected edge counts for the end G.edges() reports first
                for d in kd.values():
                    if d.get("label") == "BROKERS" and d.get("directed", True) \
                            and _edge_ok(d, idx.tie_types, idx.as_of):
                        rels.add(d.get("rel"))
            self._cache[n] = len(rels)
        return self._cache[n] or default

    def __getitem__(self, n):
        return self.get(n, 0)


def _index_for(G, index, tie_types, as_of):
    if index is None:
        return LinkIndex.from_graph(G, tie_types, as_of)
    if tie_types is not None or as_of is not None:
        raise UsageError("pass tie_types/as_of to LinkIndex.from_graph, not with a prebuilt index")
    if index.G is not G:
        raise UsageError("the LinkIndex was built for another graph", hint="build it with LinkIndex.from_graph(G)")
    return index


def _check_nodes(G, *nodes):
    for n in nodes:
        if n not in G:
            raise UnknownEntity(f"{curie(n)} is not a node of the graph",
                                hint="resolve names first with useit_graph.search.resolve_entity")


# ------------------------------------------------------------------------------------------
# Bounded path enumeration
# ------------------------------------------------------------------------------------------

def _bfs(idx: LinkIndex, src: int, limit=None, banned=None):
    """Distances (int32 array, ``_UNSEEN`` beyond ``limit``) from node id ``src``."""
    dist = np.full(len(idx.nodes), _UNSEEN, np.int32)
    if banned is not None and len(banned):
        dist[banned] = _BANNED
    dist[src] = 0
    front, level = np.array([src], np.int64), 0
    while front.size and (limit is None or level < limit):
        level += 1
        nb = idx._gather(front)
        nb = _sorted_unique(nb[dist[nb] == _UNSEEN])
        dist[nb] = level
        front = nb
    return dist


class _Balls:
    """Bidirectional BFS from node ids a and b (Pohl [1]_), grown one level at a time on demand.

    :meth:`grow` expands the side whose frontier has the smaller total degree (ties: a's side).
    ``da``/``db`` hold exact distances inside each ball (radius ``ra``/``rb``), ``_UNSEEN``
    beyond and ``_BANNED`` for excluded nodes; ``d`` is d(a, b) once the balls meet (then
    ``d == ra + rb`` at that moment), else None.
    """

    def __init__(self, idx: LinkIndex, a, b, banned):
        n = len(idx.nodes)
        self.idx = idx
        self.da, self.db = np.full(n, _UNSEEN, np.int32), np.full(n, _UNSEEN, np.int32)
        if len(banned):
            ban = np.fromiter(banned, np.int64, len(banned))
            self.da[ban] = self.db[ban] = _BANNED
        self.da[a], self.db[b] = 0, 0
        self.fa, self.fb = np.array([a], np.int64), np.array([b], np.int64)
        self.ra = self.rb = 0
        self.d = 0 if a == b else None

    def grow(self) -> bool:
        """Grow one level; False when neither side can grow."""
        fa, fb, deg = self.fa, self.fb, self.idx.degree
        if not (fa.size or fb.size):
            return False
        cost_a = int(deg[fa].sum()) if fa.size else None
        cost_b = int(deg[fb].sum()) if fb.size else None
        grow_a = cost_b is None or (cost_a is not None and cost_a <= cost_b)
        dist, other, front = (self.da, self.db, fa) if grow_a else (self.db, self.da, fb)
        level = (self.ra if grow_a else self.rb) + 1
        nb = self.idx._gather(front)
        nb = _sorted_unique(nb[dist[nb] == _UNSEEN])
        dist[nb] = level
        if grow_a:
            self.fa, self.ra = nb, level
        else:
            self.fb, self.rb = nb, level
        if self.d is None:  # the balls were disjoint: they first meet at radius sum ra + rb
            hit = other[nb]
            hit = hit[hit < _UNSEEN]
            if hit.size:
                self.d = level + int(hit.min())
        return True

    def grow_to(self, total):
        while self.ra + self.rb < total and self.grow():
            pass


def _enumerate(idx: LinkIndex, a, b, max_len, min_len=1, exclude=(), max_candidates=1000, stop_after=None):
    """Simple a-b paths of length min_len..max_len, shortest first, as tuples of node ids.

    Stops after the first length at which at least ``stop_after`` paths were found, or when
    ``max_candidates`` paths were found. Within a length, paths come in depth-first order with
    neighbours ascending, i.e. sorted by their node ids (= sorted by node IRIs).
    """
    ids = idx.ids
    ia, ib = ids[a], ids[b]
    banned = {ids[x] for x in exclude if x in ids} - {ia, ib}
    balls = _Balls(idx, ia, ib, banned)
    while balls.d is None and balls.ra + balls.rb < max_len and balls.grow():
        pass
    if balls.d is None or balls.d > max_len:
        return []
    indices, ptr = idx.indices, idx._ptr
    out: list = []

    for ell in range(max(balls.d, min_len), max_len + 1):
        # the balls only prune (the paths and their order do not depend on the radii): grown to
        # ell, every step past A's ball is checked against an exact distance to B
        balls.grow_to(ell)
        db, rb = balls.db, balls.rb
        found_before = len(out)
        path = [ia]
        on_path = {ia}

        def step(v, i):  # path has length i, ends at v
            if len(out) >= max_candidates:
                return
            budget = ell - i - 1  # max allowed dist(w, b) for the next node w
            if budget < 0:
                return
            nb = indices[ptr[v]:ptr[v + 1]]
            if budget > rb:  # outside b's ball every node is at least rb + 1 <= budget away: no pruning
                cand = nb.tolist()
            elif budget == 1 and rb >= 1:  # next: a neighbour of b (db exact inside the ball), then b
                for w in nb[db[nb] == 1].tolist():
                    if w in on_path or w in banned:
                        continue
                    out.append((*path, w, ib))
                    if len(out) >= max_candidates:
                        return
                return
            else:
                cand = nb[db[nb] <= budget].tolist()
            for w in cand:
                if w in on_path or w in banned:
                    continue
                if w == ib:
                    if i + 1 == ell:
                        out.append((*path, ib))
                        if len(out) >= max_candidates:
                            return
                    continue
                path.append(w)
                on_path.add(w)
                step(w, i + 1)
                path.pop()
                on_path.discard(w)

        step(ia, 0)
        if len(out) >= max_candidates or (stop_after is not None and len(out) >= stop_after and len(out) > found_before):
            break
    return out


# ------------------------------------------------------------------------------------------
# Hop and path descriptions
# ------------------------------------------------------------------------------------------

def _label(G, n):
    return G.nodes[n].get("label", n) if n in G else n


def _hop(idx: LinkIndex, u, v) -> dict:
    G = idx.G
    rels = []
    for s, t, key, d in idx.edges_between(u, v):
        if not d.get("directed", True):
            direction = "--"
        else:
            direction = "->" if (s, t) == (u, v) else "<-"
        brk = d.get("broker")
        rels.append({
            "rel": d.get("rel"), "rel_type": d.get("rel_type"), "edge": d.get("label"),
            "direction": direction, "broker": brk, "broker_label": _label(G, brk) if brk else None,
            "mechanism": d.get("mechanism"), "start": d.get("start"), "end": d.get("end"),
            "tie": d.get("tie"),
            "evidence": [{"section": e.get("section"), "quote": e.get("quote")} for e in d.get("evidence") or ()],
        })
    rels.sort(key=lambda r: (-len(r["evidence"]), -_date_num(r["start"]), str(r["rel"]), r["direction"]))
    return {"from": u, "from_label": _label(G, u), "to": v, "to_label": _label(G, v), "relationships": rels}


def _date_num(s) -> int:
    if not s:
        return 0
    try:
        return _dt.date.fromisoformat(str(s)[:10]).toordinal()
    except ValueError:
        return 0


def _path_facts(idx: LinkIndex, nodes) -> dict:
    hops = [_hop(idx, u, v) for u, v in zip(nodes, nodes[1:])]
    quotes = {(e["section"], e["quote"]) for h in hops for r in h["relationships"] for e in r["evidence"]}
    starts = [r["start"] for h in hops for r in h["relationships"] if r["start"]]
    return {"nodes": list(nodes), "labels": [_label(idx.G, n) for n in nodes], "length": len(nodes) - 1,
            "evidence": len(quotes), "latest_start": max(map(str, starts)) if starts else None, "hops": hops}


def links(G, a, b, k=5, max_len=4, tie_types=None, as_of=None, exclude=(), *, index=None,
          max_candidates=1000) -> list[dict]:
    """The shortest ways two entities are connected, and the best alternatives.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Projected graph; ties are followed in either direction.
    a, b : str
        Node IRIs (resolve names with :func:`useit_graph.search.resolve_entity`).
    k : int or None, optional (default=5)
        Most paths to return (the first is a shortest path); None returns every path found.
    max_len : int, optional (default=4)
        Longest path, in hops.
    tie_types : iterable of str, optional
        Follow only ties of these types (``bonding``, ``bridging``, ``linking``).
    as_of : str or datetime.date, optional
        Follow only relationships running on that date (``start <= as_of <= end``); a string
        must be an ISO date (``YYYY-MM-DD``), else :class:`UsageError`.
    exclude : iterable of str, optional
        Node IRIs the paths must avoid (e.g. the programme team, to test what survives it).
    index : LinkIndex, optional
        A prebuilt index (then leave ``tie_types`` and ``as_of`` unset).
    max_candidates : int, optional (default=1000)
        Most paths enumerated before ranking (bounds the work on hubs): when reached, the paths
        ranked are the first ones, shortest first, then in order of their node IRIs.

    Returns
    -------
    list of dict
        One dict per path, best first: ``rank``, ``length``, ``nodes``, ``labels``, ``evidence``
        (distinct quotes on the path), ``latest_start``, ``why`` and ``hops``; each hop has
        ``from``, ``to`` (and labels) and ``relationships`` (``rel``, ``rel_type``, ``edge``,
        ``direction`` ``->``/``<-``/``--``, ``broker``, ``mechanism``, ``start``, ``end``, ``tie``,
        ``evidence`` as ``{section, quote}``). Paths are ranked by length, then evidence (more
        first), then latest start (newer first), then the node IRIs.

    Raises
    ------
    UnknownEntity
        ``a`` or ``b`` is not a node.

    Notes
    -----
    Work is bounded by the two search balls and the paths reported (module docstring), never by
    all simple paths of the graph.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "x", key="r1", rel="r1", rel_type="Funding", label="FUNDS", directed=True, tie="linking")
    'r1'
    >>> G.add_edge("x", "b", key="r2", rel="r2", rel_type="Support", label="SUPPORTS", directed=True, tie="linking")
    'r2'
    >>> [p["nodes"] for p in links(G, "a", "b")]
    [['a', 'x', 'b']]
    """
    _check_nodes(G, a, b)
    if a == b:
        raise UsageError("links needs two different entities")
    idx = _index_for(G, index, tie_types, as_of)
    paths = _enumerate(idx, a, b, max_len, 1, exclude, max_candidates, stop_after=k)

    stats, pair_stats, day = idx._stats, idx._pair_stats, {}

    def rank_key(p):  # the same order as the facts' (length, evidence, recency, nodes), computed cheaply
        quotes, latest = set(), None
        for u, v in zip(p, p[1:]):
            q, st = stats.get((u, v) if u < v else (v, u)) or pair_stats(u, v)
            quotes |= q
            if st is not None and (latest is None or st > latest):
                latest = st
        if latest not in day:
            day[latest] = _date_num(latest)
        return (len(p) - 1, -len(quotes), -day[latest], p)  # ids sort like the nodes

    paths.sort(key=rank_key)
    if k is not None:
        paths = paths[:k]
    nodes = idx.nodes
    facts = [_path_facts(idx, [nodes[i] for i in p]) for p in paths]
    for i, f in enumerate(facts, 1):
        f["rank"] = i
        f["why"] = (f"{f['length']} hop{'s' if f['length'] != 1 else ''}, {f['evidence']} evidence quote"
                    f"{'s' if f['evidence'] != 1 else ''}, latest tie {f['latest_start'] or 'undated'}")
    return facts


# ------------------------------------------------------------------------------------------
# Introductions
# ------------------------------------------------------------------------------------------

def resolve_type(G, name: str) -> str:
    """A class local name from a friendly name (``developer``, ``anchor``, ``NHSTrust``).

    Raises
    ------
    UnknownTerm
        No node of the graph has that type; the message lists the known ones.
    """
    known = sorted({t for _, d in G.nodes(data=True) for t in (d.get("types") or [d.get("type")]) if t})
    key = str(name).strip()
    alias = TYPE_ALIASES.get(key.lower().replace(" ", "-").replace("_", "-"))
    if alias:
        return alias

    def squash(s):
        return s.lower().replace(" ", "").replace("-", "").replace("_", "")

    for t in known:
        if squash(t) == squash(key) or squash(t) == squash(key).rstrip("s"):
            return t
    raise UnknownTerm(f"no entity in the graph has type {name!r}",
                      hint="use a class name such as " + ", ".join(known[:12])
                      + " or an alias: " + ", ".join(sorted(TYPE_ALIASES)))


def _years_between(old: str | None, new: str | None) -> float | None:
    if not old or not new:
        return None
    return max(0.0, (_date_num(new) - _date_num(old)) / 365.25)


def introduce(G, a, to_type=None, to=None, k=10, max_len=4, *, index=None) -> list[dict]:
    r"""Ranked, explained introduction paths from A to entities of a type, or to one entity.

    An introduction needs a go-between, so paths have at least two hops; entities A is already
    tied to are left out. For each target the best of its shortest paths is kept.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Projected graph.
    a : str
        IRI of the entity seeking an introduction.
    to_type : str, optional
        Target class, by local name (``Developer``, ``AnchorInstitution``) or alias
        (:data:`TYPE_ALIASES`: ``developer``, ``anchor``...); subclasses count (node ``types``).
    to : str, optional
        IRI of one target entity instead.
    k : int, optional (default=10)
        Most results.
    max_len : int, optional (default=4)
        Longest path.

    Returns
    -------
    list of dict
        ``rank``, ``target``, ``target_label``, ``target_type``, ``score``, ``components``,
        ``introducer`` (first go-between), ``why`` and the path fields of :func:`links`.

    Notes
    -----
    Score, in [0, 1], with the weights of :data:`SCORE_WEIGHTS`:

    .. math:: S = 0.4\,\frac{1}{\ell - 1} + 0.2\,\frac{1}{1 + \Delta} + 0.2\,\frac{q}{q + 1}
              + 0.2\,\frac{c}{c + 1}

    with path length :math:`\ell` (hops), :math:`\Delta` the years between the latest start date on
    the path and the newest tie in the graph (recency; 0 when undated), :math:`q` the distinct
    evidence quotes on the path (evidence strength) and :math:`c` the Brokerage relationships the
    introducer has brokered (track record, after Burt [4]_ on brokers' reputations). Ties in score
    are broken by length, then target label.
    """
    if (to_type is None) == (to is None):
        raise UsageError("give exactly one of to_type or to")
    _check_nodes(G, a)
    idx = _index_for(G, index, None, None)
    if to is not None:
        _check_nodes(G, to)
        targets = {to}
    else:
        cls = resolve_type(G, to_type)
        targets = {n for n, d in G.nodes(data=True) if cls in (d.get("types") or [d.get("type")])}
    targets.discard(a)
    ia = idx.ids[a]
    # BFS from a; the parents of y on the shortest-path DAG are its neighbours one level closer
    dist = _bfs(idx, ia, max_len)
    results = []
    for t in sorted(targets):
        it = idx.ids[t]
        if dist[it] >= _UNSEEN or dist[it] < 2:  # distance 1: already tied, no introduction needed
            continue
        cands = [_score(idx, [idx.nodes[i] for i in p]) for p in _dag_paths(idx, dist, ia, it, cap=50)]
        best = min(cands, key=lambda f: (-f["score"], f["nodes"])) if cands else None
        if best:
            best.update({"target": t, "target_label": _label(G, t), "target_type": G.nodes[t].get("type")})
            results.append(best)
    results.sort(key=lambda f: (-f["score"], f["length"], str(f["target_label"]), f["target"]))
    results = results[:k]
    for i, f in enumerate(results, 1):
        f["rank"] = i
    return results


def why_no_introduction(G, a, to_type=None, to=None, max_len=4) -> str:
    """Why :func:`introduce` found nothing, as one sentence for the user.

    Parameters
    ----------
    G, a, to_type, to, max_len
        As given to :func:`introduce`.

    Returns
    -------
    str
        "already directly tied via ..." (naming the relationships) when the target is a
        neighbour of A; "no path within max length N; the shortest is M hops: try
        --max-len M" when it lies further; "no path at any length" when it is unreachable.
        For a type, the same facts about its entities.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="r1", rel="r1", rel_type="Funding")
    'r1'
    >>> why_no_introduction(G, "a", to="b")
    'already directly tied via Funding (r1): no introduction needed'
    """
    _check_nodes(G, a)
    idx = LinkIndex.from_graph(G)
    ids = idx.ids
    levels = _bfs(idx, ids[a])  # unbounded, for the distance to suggest
    dist = {t: int(levels[ids[t]]) for t in G if levels[ids[t]] < _UNSEEN}

    def via(t):
        rels = sorted({(str(d.get("rel_type")), curie(str(d.get("rel")))) for _, _, _, d in idx.edges_between(a, t)})
        return ", ".join(f"{rt} ({r})" for rt, r in rels[:4]) + (f" and {len(rels) - 4} more" if len(rels) > 4 else "")

    def further(d):
        return (f"the shortest is {d} hops: try --max-len {d}" if d <= 6
                else f"the shortest is {d} hops, beyond the longest search (--max-len 6)")

    if to is not None:
        _check_nodes(G, to)
        if to == a:
            return "the target is the entity itself"
        if idx.has_tie(a, to):
            return f"already directly tied via {via(to)}: no introduction needed"
        if to not in dist:
            return f"no path at any length between {_label(G, a)} and {_label(G, to)} (not connected)"
        return f"no path within max length {max_len}; {further(dist[to])}"
    cls = resolve_type(G, to_type)
    targets = sorted(n for n, d in G.nodes(data=True) if n != a and cls in (d.get("types") or [d.get("type")]))
    direct = [t for t in targets if dist.get(t) == 1]
    rest = [t for t in targets if dist.get(t, 0) > 1]
    parts = []
    if direct:
        names = ", ".join(f"{_label(G, t)} via {via(t)}" for t in direct[:3])
        parts.append(f"already directly tied to {len(direct)} {cls} ({names}"
                     f"{', ...' if len(direct) > 3 else ''}): no introduction needed")
    if rest:
        parts.append(f"no other {cls} within max length {max_len}; {further(min(dist[t] for t in rest))}")
    elif len(direct) < len(targets):
        parts.append(f"no other {cls} is connected to {_label(G, a)} at any length")
    return "; ".join(parts) or f"no entity of type {cls} besides {_label(G, a)}"


def _dag_paths(idx: LinkIndex, dist, a, t, cap=50):
    """Up to ``cap`` shortest a-t paths (node ids), walking back from t through ascending parents."""
    out = []

    def back(v, acc):
        if len(out) >= cap:
            return
        if v == a:
            out.append(tuple(reversed(acc)))
            return
        nb = idx._nbr(v)
        for p in nb[dist[nb] == dist[v] - 1].tolist():
            back(p, acc + [p])

    back(t, [t])
    return out


def _score(idx: LinkIndex, nodes) -> dict:
    f = _path_facts(idx, nodes)
    w = SCORE_WEIGHTS
    ell, q = f["length"], f["evidence"]
    introducer = nodes[1]
    c = idx.broker_count.get(introducer, 0)
    years = _years_between(f["latest_start"], idx.newest)
    comp = {
        "length": 1.0 / (ell - 1),
        "recency": 0.0 if years is None else 1.0 / (1.0 + years),
        "evidence": q / (q + 1.0),
        "track_record": c / (c + 1.0),
    }
    score = sum(w[x] * comp[x] for x in w)
    f.update({"score": round(score, 4), "components": {x: round(v, 4) for x, v in comp.items()},
              "introducer": introducer, "introducer_label": _label(idx.G, introducer)})
    recency = (f"latest tie {f['latest_start']} ({years:.1f} y before the newest)" if years is not None
               else "undated ties")
    f["why"] = (f"{ell} hops via {f['introducer_label']} (broker of {c} brokerage"
                f"{'s' if c != 1 else ''}); {recency}; {q} evidence quote{'s' if q != 1 else ''}; "
                f"score = 0.4*{comp['length']:.2f} + 0.2*{comp['recency']:.2f} + 0.2*{comp['evidence']:.2f}"
                f" + 0.2*{comp['track_record']:.2f} = {score:.2f}")
    return f


# ------------------------------------------------------------------------------------------
# Neighbours and brokers
# ------------------------------------------------------------------------------------------

def neighbours(G, x, tie_types=None, rel_types=None) -> list[dict]:
    """Every tie of ``x``: one row per (neighbour, relationship).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Projected graph.
    x : str
        Node IRI.
    tie_types : iterable of str, optional
        Keep ties of these types.
    rel_types : iterable of str, optional
        Keep relationships whose ``rel_type`` (class local name) or edge label is one of these
        (case-insensitive).

    Returns
    -------
    list of dict
        ``neighbour``, ``neighbour_label``, ``type``, ``tier``, ``group``, ``rel``, ``rel_type``,
        ``edge``, ``direction`` (``out`` x is the edge source, ``in``, or ``among`` for undirected
        ties), ``tie``, ``start``, ``end``, ``broker``, ``evidence`` (every quote, as
        ``{section, quote, source}``), ``evidence_count``, and ``section`` and ``quote`` of the first
        one (None without evidence); sorted by neighbour label, IRI and relationship. The twin of
        ``queries/sparql/find_neighbours.rq``.
    """
    _check_nodes(G, x)
    tie_types = {tie_types} if isinstance(tie_types, str) else (set(tie_types) if tie_types else None)
    rel_types = ({rel_types.lower()} if isinstance(rel_types, str)
                 else ({r.lower() for r in rel_types} if rel_types else None))
    seen, rows = set(), []
    for u, v, d in list(G.out_edges(x, data=True)) + list(G.in_edges(x, data=True)):
        if u == v:
            continue
        y = v if u == x else u
        if tie_types is not None and d.get("tie") not in tie_types:
            continue
        if rel_types is not None and str(d.get("rel_type", "")).lower() not in rel_types \
                and str(d.get("label", "")).lower() not in rel_types:
            continue
        direction = "among" if not d.get("directed", True) else ("out" if u == x else "in")
        key = (y, d.get("rel"), direction)
        if key in seen:
            continue
        seen.add(key)
        nd = G.nodes[y]
        rows.append({"neighbour": y, "neighbour_label": nd.get("label", y), "type": nd.get("type"),
                     "tier": nd.get("tier"), "group": nd.get("group"), "rel": d.get("rel"),
                     "rel_type": d.get("rel_type"), "edge": d.get("label"), "direction": direction,
                     "tie": d.get("tie"), "start": d.get("start"), "end": d.get("end"),
                     "broker": d.get("broker"), **_evidence_fields(d)})
    rows.sort(key=lambda r: (str(r["neighbour_label"]).lower(), r["neighbour"], str(r["rel"]), r["direction"]))
    return rows


def _evidence_fields(d) -> dict:
    ev = [{"section": e.get("section"), "quote": e.get("quote"), "source": e.get("source")}
          for e in d.get("evidence") or ()]
    first = ev[0] if ev else {}
    return {"section": first.get("section"), "quote": first.get("quote"), "evidence_count": len(ev),
            "evidence": ev}


def _gf_role(ga, gx, gb):
    """Gould-Fernandez role of x on the flow a -> x -> b, from the three groups [3]_."""
    if ga is None or gx is None or gb is None:
        return None
    if ga == gx == gb:
        return "coordinator"
    if ga == gb:
        return "itinerant"
    if gx == ga:
        return "representative"
    if gx == gb:
        return "gatekeeper"
    return "liaison"


def brokers(G, a, b) -> list[dict]:
    """Go-betweens of two entities: formal brokers and intermediaries on 2-paths.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Projected graph.
    a, b : str
        Node IRIs.

    Returns
    -------
    list of dict
        One row per common neighbour x of a and b (ties in either direction): ``broker``,
        ``broker_label``, ``type``, ``group``, ``role`` (``broker`` when x is the broker of a
        Brokerage whose brokered parties include both a and b, else ``intermediary``),
        ``brokerages`` (those relationships), ``gf_role`` (Gould-Fernandez role [3]_ of x on the
        flow a -> x -> b from the three groups: coordinator, itinerant, representative,
        gatekeeper, liaison; None when a group is missing) and ``track_record`` (brokerages x has
        brokered in all). Brokers first, then by label. The twin of ``find_brokers.rq``.
    """
    _check_nodes(G, a, b)
    idx = LinkIndex.from_graph(G)
    ia, ib = idx.ids[a], idx.ids[b]
    common = set(np.intersect1d(idx._nbr(ia), idx._nbr(ib)).tolist()) - {ia, ib}
    rows = []
    for x in map(idx.nodes.__getitem__, common):
        to_a = {d.get("rel") for s, t, _, d in idx.edges_between(x, a)
                if s == x and d.get("label") == "BROKERS" and d.get("directed", True)}
        to_b = {d.get("rel") for s, t, _, d in idx.edges_between(x, b)
                if s == x and d.get("label") == "BROKERS" and d.get("directed", True)}
        formal = sorted(to_a & to_b)
        nd = G.nodes[x]
        rows.append({"broker": x, "broker_label": nd.get("label", x), "type": nd.get("type"),
                     "group": nd.get("group"), "role": "broker" if formal else "intermediary",
                     "brokerages": formal,
                     "gf_role": _gf_role(G.nodes[a].get("group"), nd.get("group"), G.nodes[b].get("group")),
                     "track_record": idx.broker_count.get(x, 0)})
    rows.sort(key=lambda r: (r["role"] != "broker", str(r["broker_label"]).lower(), r["broker"]))
    return rows


# ------------------------------------------------------------------------------------------
# Twins of the named queries
# ------------------------------------------------------------------------------------------

def micro_assets_of(G, anchor) -> list[dict]:
    """Micro-tier nodes with a direct tie to ``anchor`` (twin of ``find_micro_assets_of_anchor``).

    Returns
    -------
    list of dict
        ``asset``, ``asset_label``, ``rel``, ``rel_type``; sorted by asset then relationship.
    """
    _check_nodes(G, anchor)
    rows = {(r["neighbour"], r["neighbour_label"], r["rel"], r["rel_type"])
            for r in neighbours(G, anchor) if r["tier"] == "micro"}
    return [dict(zip(("asset", "asset_label", "rel", "rel_type"), t)) for t in sorted(rows)]


def work_package_relationships(G, work_package) -> list[dict]:
    """Relationships of a work package that project to edges (twin of ``list_work_package_relationships``)."""
    rels = {}
    for _, _, d in G.edges(data=True):
        if work_package in (d.get("work_packages") or ()):
            rels[d["rel"]] = {"rel": d["rel"], "rel_type": d.get("rel_type"), "start": d.get("start"),
                              "end": d.get("end"), "value_gbp": d.get("value_gbp")}
    return sorted(rels.values(), key=lambda r: (str(r["start"]), r["rel"]))


def evidence_for(G, rel) -> list[dict]:
    """Evidence of a relationship, from its edges (twin of ``show_evidence``)."""
    out = set()
    for _, _, d in G.edges(data=True):
        if d.get("rel") == rel:
            for e in d.get("evidence") or ():
                out.add((e.get("section"), e.get("quote"), e.get("source")))
    return [dict(zip(("section", "quote", "source"), t)) for t in sorted(out, key=lambda t: tuple(map(str, t)))]


def entities_in_place(G, places) -> list[dict]:
    """Agents and physical assets located in any of ``places`` (twin of ``list_entities_in_place``).

    Parameters
    ----------
    places : str or iterable of str
        Place IRIs. The named query also follows ``uit:partOf``; pass the closure, e.g.
        ``project_graph(ds, place=p).graph["place"]``.
    """
    places = {places} if isinstance(places, str) else set(places)
    rows = []
    for n, d in G.nodes(data=True):
        types = d.get("types") or ()
        if "Agent" not in types and "PhysicalAsset" not in types:
            continue
        for p in d.get("places") or ():
            if p in places:
                rows.append({"entity": n, "entity_label": d.get("label", n), "located_in": p})
    return sorted(rows, key=lambda r: (r["entity"], r["located_in"]))


def sector_bridges(G, sector_a, sector_b) -> list[dict]:
    """Organisations reaching two sectors, by membership or a direct tie (twin of ``find_sector_bridges``).

    Parameters
    ----------
    sector_a, sector_b : str
        Group notations as in node ``group`` (``health``, ``community``...).
    """
    if sector_a == sector_b:
        return []
    idx = LinkIndex.from_graph(G)
    group = [G.nodes[x].get("group") for x in idx.nodes]
    owner = np.repeat(np.arange(len(group)), idx.degree)  # row of each CSR entry

    def reaches(sector):  # own group, or a neighbour's
        own = np.fromiter((g == sector for g in group), bool, len(group))
        return own | (np.bincount(owner, weights=own[idx.indices], minlength=len(group)) > 0)

    both = reaches(sector_a) & reaches(sector_b)
    rows = []
    for i in np.flatnonzero(both).tolist():
        n = idx.nodes[i]
        d = G.nodes[n]
        if "Organisation" in (d.get("types") or ()):
            rows.append({"organisation": n, "organisation_label": d.get("label", n), "group": d.get("group")})
    return sorted(rows, key=lambda r: r["organisation"])
