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
the smaller total degree (bidirectional search [1]_), until the radii add up to ``max_len``. Then it
enumerates simple paths of each length ell = d(A, B), ..., max_len by depth-first search from A,
pruning any step to a node whose distance to B (known exactly inside B's ball, and greater than its
radius outside) exceeds the remaining budget; steps into B's ball intersect the smaller of the
node's neighbour list and the ball level. Every explored partial path can therefore be completed,
so the work is proportional to the number of paths reported (capped by ``max_candidates``) plus
the two balls. The result equals ``nx.all_simple_paths(H, a, b, cutoff=max_len)`` on the filtered
undirected view H when fewer than ``max_candidates`` paths exist (tested).

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
from collections import defaultdict
from dataclasses import dataclass, field

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


@dataclass
class LinkIndex:
    """Undirected adjacency of a projected graph after the tie-type and date filters.

    Build it once with :meth:`from_graph` and pass it to :func:`links` / :func:`introduce` to answer
    many questions on one graph (the benchmark does); otherwise each call builds its own.

    Attributes
    ----------
    adj : dict
        Node -> sorted list of neighbours (either direction).
    adjset : dict
        Node -> frozenset of neighbours.
    pairs : dict
        ``(u, v)`` with ``u < v`` -> list of ``(source, target, key, data)`` of the kept edges.
    broker_count : dict
        Node -> number of distinct BROKERS relationships it is the broker of.
    newest : str or None
        Latest ``start`` of a kept edge (the reference date for recency).
    """

    G: object
    tie_types: frozenset | None = None
    as_of: str | None = None
    adj: dict = field(default_factory=dict)
    adjset: dict = field(default_factory=dict)
    pairs: dict = field(default_factory=dict)
    broker_count: dict = field(default_factory=dict)
    newest: str | None = None

    @classmethod
    def from_graph(cls, G, tie_types=None, as_of=None) -> "LinkIndex":
        """Index ``G``'s edges that pass the filters.

        Parameters
        ----------
        G : networkx.MultiDiGraph
            Projected graph.
        tie_types : iterable of str, optional
            Keep edges whose ``tie`` is one of these (``bonding``, ``bridging``, ``linking``).
        as_of : str or datetime.date, optional
            Keep edges with ``start <= as_of`` and no ``end`` before it (ISO dates).

        Raises
        ------
        UsageError
            `as_of` is not a date (:func:`as_of_date`).
        """
        as_of = as_of_date(as_of)
        tie_types = frozenset([tie_types] if isinstance(tie_types, str) else tie_types) if tie_types else None
        nbrs: dict = defaultdict(set)
        pairs: dict = defaultdict(list)
        brokered: dict = defaultdict(set)
        newest = None
        for u, v, key, d in G.edges(keys=True, data=True):
            if u == v or not _edge_ok(d, tie_types, as_of):
                continue
            nbrs[u].add(v)
            nbrs[v].add(u)
            pairs[(u, v) if u < v else (v, u)].append((u, v, key, d))
            if d.get("label") == "BROKERS" and d.get("directed", True):
                brokered[u].add(d.get("rel"))
            s = d.get("start")
            if s is not None and (newest is None or str(s) > newest):
                newest = str(s)
        adj = {n: sorted(nbrs.get(n, ())) for n in G.nodes}
        return cls(G, tie_types, as_of, adj, {n: frozenset(s) for n, s in nbrs.items()}, dict(pairs),
                   {n: len(r) for n, r in brokered.items()}, newest)

    def neighbours_of(self, n):
        return self.adj.get(n, ())

    def edges_between(self, u, v):
        return self.pairs.get((u, v) if u < v else (v, u), [])

    def pair_stats(self, u, v):
        """(frozenset of (section, quote), latest start) of the relationships between u and v (cached)."""
        key = (u, v) if u < v else (v, u)
        cache = self.__dict__.setdefault("_stats", {})
        if key not in cache:
            quotes, latest = set(), None
            for _, _, _, d in self.pairs.get(key, ()):
                quotes.update((e.get("section"), e.get("quote")) for e in d.get("evidence") or ())
                st = d.get("start")
                if st is not None and (latest is None or str(st) > latest):
                    latest = str(st)
            cache[key] = (frozenset(quotes), latest)
        return cache[key]


def _index_for(G, index, tie_types, as_of):
    if index is None:
        return LinkIndex.from_graph(G, tie_types, as_of)
    if tie_types is not None or as_of is not None:
        raise UsageError("pass tie_types/as_of to LinkIndex.from_graph, not with a prebuilt index")
    return index


def _check_nodes(G, *nodes):
    for n in nodes:
        if n not in G:
            raise UnknownEntity(f"{curie(n)} is not a node of the graph",
                                hint="resolve names first with useit_graph.search.resolve_entity")


# ------------------------------------------------------------------------------------------
# Bounded path enumeration
# ------------------------------------------------------------------------------------------

def _balls(idx: LinkIndex, a, b, max_len, banned):
    """Bidirectional BFS: levels from a and from b whose radii add up to max_len."""
    da, db = {a: 0}, {b: 0}
    fa, fb = [a], [b]
    ra = rb = 0
    adj = idx.adj
    while ra + rb < max_len and (fa or fb):
        cost_a = sum(len(adj.get(x, ())) for x in fa) if fa else None
        cost_b = sum(len(adj.get(x, ())) for x in fb) if fb else None
        grow_a = cost_b is None or (cost_a is not None and cost_a <= cost_b)
        dist, front = (da, fa) if grow_a else (db, fb)
        nxt = []
        level = (ra if grow_a else rb) + 1
        for x in front:
            for y in adj.get(x, ()):
                if y not in dist and y not in banned:
                    dist[y] = level
                    nxt.append(y)
        if grow_a:
            fa, ra = nxt, level
        else:
            fb, rb = nxt, level
    return da, db, ra, rb


def _enumerate(idx: LinkIndex, a, b, max_len, min_len=1, exclude=(), max_candidates=1000, stop_after=None):
    """Simple a-b paths of length min_len..max_len, shortest first, as node tuples.

    Stops after the first length at which at least ``stop_after`` paths were found, or when
    ``max_candidates`` paths were found.
    """
    banned = set(exclude) - {a, b}
    da, db, ra, rb = _balls(idx, a, b, max_len, banned)
    # shortest distance: a node seen from both sides
    small, large = (da, db) if len(da) <= len(db) else (db, da)
    d = min((small[x] + large[x] for x in small if x in large), default=None)
    if d is None or d > max_len:
        return []
    by_level: dict = defaultdict(list)
    for x, lv in db.items():
        by_level[lv].append(x)
    ball_upto = {}
    acc: list = []
    for lv in range(rb + 1):
        acc = acc + by_level.get(lv, [])
        ball_upto[lv] = acc
    adj, adjset = idx.adj, idx.adjset
    out: list = []

    def lower(w):  # lower bound on dist(w, b)
        return db.get(w, rb + 1)

    for ell in range(max(d, min_len), max_len + 1):
        found_before = len(out)
        path = [a]
        on_path = {a}

        def step(v, i):  # path has length i, ends at v
            if len(out) >= max_candidates:
                return
            budget = ell - i - 1  # max allowed dist(w, b) for the next node w
            if budget < 0:
                return
            if budget <= rb:
                pool = ball_upto[budget]
                cand = ([w for w in pool if w in adjset.get(v, ())] if len(pool) < len(adj.get(v, ()))
                        else [w for w in adj.get(v, ()) if db.get(w, rb + 1) <= budget])
                if len(pool) < len(adj.get(v, ())):
                    cand.sort()
            else:
                cand = adj.get(v, ())
            for w in cand:
                if w in on_path or w in banned:
                    continue
                if w == b:
                    if i + 1 == ell:
                        out.append(tuple(path) + (b,))
                        if len(out) >= max_candidates:
                            return
                    continue
                if lower(w) > budget:
                    continue
                path.append(w)
                on_path.add(w)
                step(w, i + 1)
                path.pop()
                on_path.discard(w)

        step(a, 0)
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
        Most paths enumerated before ranking (bounds the work on hubs).

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

    def rank_key(p):  # the same order as the facts' (length, evidence, recency, nodes), computed cheaply
        quotes, latest = set(), None
        for u, v in zip(p, p[1:]):
            q, st = idx.pair_stats(u, v)
            quotes |= q
            if st is not None and (latest is None or st > latest):
                latest = st
        return (len(p) - 1, -len(quotes), -_date_num(latest), list(p))

    paths.sort(key=rank_key)
    if k is not None:
        paths = paths[:k]
    facts = [_path_facts(idx, p) for p in paths]
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
    direct = idx.adjset.get(a, frozenset())
    # BFS from a: distance and parents (shortest-path DAG)
    dist, parents, frontier = {a: 0}, defaultdict(list), [a]
    for level in range(1, max_len + 1):
        nxt = []
        for x in frontier:
            for y in idx.adj.get(x, ()):
                if y not in dist:
                    dist[y] = level
                    nxt.append(y)
                if dist.get(y) == level:
                    parents[y].append(x)
        frontier = nxt
    results = []
    for t in sorted(targets):
        if t in direct or t not in dist or dist[t] < 2:
            continue
        cands = [_score(idx, p) for p in _dag_paths(parents, a, t, cap=50)]
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
    dist = {a: 0}
    frontier = [a]
    while frontier:  # unbounded BFS, for the distance to suggest
        nxt = []
        for x in frontier:
            for y in idx.adj.get(x, ()):
                if y not in dist:
                    dist[y] = dist[x] + 1
                    nxt.append(y)
        frontier = nxt

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
        if to in idx.adjset.get(a, ()):
            return f"already directly tied via {via(to)}: no introduction needed"
        if to not in dist:
            return f"no path at any length between {_label(G, a)} and {_label(G, to)} (not connected)"
        return f"no path within max length {max_len}; {further(dist[to])}"
    cls = resolve_type(G, to_type)
    targets = sorted(n for n, d in G.nodes(data=True) if n != a and cls in (d.get("types") or [d.get("type")]))
    direct = [t for t in targets if t in idx.adjset.get(a, ())]
    rest = [t for t in targets if t not in idx.adjset.get(a, ()) and t in dist]
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


def _dag_paths(parents, a, t, cap=50):
    out = []

    def back(v, acc):
        if len(out) >= cap:
            return
        if v == a:
            out.append(tuple(reversed(acc)))
            return
        for p in sorted(parents.get(v, ())):
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
    common = (idx.adjset.get(a, frozenset()) & idx.adjset.get(b, frozenset())) - {a, b}
    rows = []
    for x in common:
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
    rows = []
    for n, d in G.nodes(data=True):
        if "Organisation" not in (d.get("types") or ()):
            continue
        reach = {d.get("group")} | {G.nodes[y].get("group") for y in idx.adjset.get(n, ())}
        if sector_a in reach and sector_b in reach:
            rows.append({"organisation": n, "organisation_label": d.get("label", n), "group": d.get("group")})
    return sorted(rows, key=lambda r: r["organisation"])
