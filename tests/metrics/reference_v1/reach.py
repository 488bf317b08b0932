r"""Reach: how far each micro asset is from the anchor institutions and the macro tier.

The USE-IT! model links 'micro' community assets to 'macro' assets, above all the anchor
institutions whose spending, employment and land shape the local economy. A path from a micro
asset to a macro asset is the network form of *linking* social capital, 'norms of respect and
networks of trusting relationships between people who are interacting across explicit, formal or
institutionalized power or authority gradients in society' (Szreter & Woolcock 2004, p. 655) [1]_.

Distances are hop counts on the undirected view of the projected graph (direction, parallel
edges and weights are ignored; any node, programme nodes included, can lie on a path). They come
from one multi-source breadth-first search per target set, O(n + m) in all, so the measures run
at 10^5 nodes in well under a second.

Definitions (node attributes from ``docs/graph-model.md``):

* **micro asset** (= community asset, everywhere in :mod:`useit_graph.metrics`): ``tier == "micro"``
  and ``kind`` in ``{"organisation", "cohort"}``;
* **anchor institution**: ``"AnchorInstitution"`` is the node's ``type`` or in its ``types``;
* **macro asset**: ``tier == "macro"``.

References
----------
.. [1] Szreter, S., Woolcock, M. (2004). Health by association? Social capital, social theory,
   and the political economy of public health. *Int. J. Epidemiology* 33(4), 650-667.
.. [2] Woolcock, M. (2001). The place of social capital in understanding social and economic
   outcomes. *Isuma* 2(1), 11-17.
"""

from __future__ import annotations

import math
from collections import deque

__all__ = [
    "MICRO_KINDS",
    "is_micro_asset",
    "is_anchor",
    "is_macro",
    "micro_assets",
    "multi_source_distances",
    "micro_reach",
    "reach_summary",
]

#: Node kinds that count as micro *assets* (people and physical assets do not).
MICRO_KINDS = frozenset({"organisation", "cohort"})


def is_micro_asset(data: dict) -> bool:
    """Node data -> whether the node is a micro asset (micro tier, organisation or cohort).

    The one test of a *community asset* too: the outcome indicators
    (:mod:`useit_graph.metrics.outcomes`), reach and legacy all use it, so persons and physical
    assets (micro tier, other kinds) and intermediaries are never counted as community assets.

    Examples
    --------
    >>> is_micro_asset({"tier": "micro", "kind": "cohort"}), is_micro_asset({"tier": "micro", "kind": "person"})
    (True, False)
    """
    return data.get("tier") == "micro" and data.get("kind") in MICRO_KINDS


def is_anchor(data: dict) -> bool:
    """Node data -> whether the node is an anchor institution (by ``type`` or ``types``)."""
    return data.get("type") == "AnchorInstitution" or "AnchorInstitution" in (data.get("types") or ())


def is_macro(data: dict) -> bool:
    """Node data -> whether the node is in the macro tier."""
    return data.get("tier") == "macro"


def micro_assets(G) -> list:
    """The micro assets of `G`, in ``G.nodes`` order."""
    return [v for v, d in G.nodes(data=True) if is_micro_asset(d)]


def _neighbours(G, v):
    if G.is_directed():
        seen = set(G._succ[v])
        yield from G._succ[v]
        for u in G._pred[v]:
            if u not in seen:
                yield u
    else:
        yield from G._adj[v]


def multi_source_distances(G, sources) -> dict:
    """Hop distance from every reachable node to the nearest of `sources`, on the undirected view.

    Parameters
    ----------
    G : networkx graph
        Any graph; a directed graph is read as undirected (a tie either way is a step).
    sources : iterable
        Start nodes (distance 0). Nodes not in `G` are ignored.

    Returns
    -------
    dict
        Node -> (distance, nearest source) for reachable nodes only. Among equally near
        sources the one reached first wins, with sources visited in the order given.

    Notes
    -----
    One breadth-first search seeded with every source at once: O(n + m) time and O(n) memory.

    Examples
    --------
    >>> import networkx as nx
    >>> d = multi_source_distances(nx.path_graph(5), [0, 4])
    >>> d[1], d[2], d[3]
    ((1, 0), (2, 0), (1, 4))
    """
    out: dict = {}
    queue = deque()
    for s in sources:
        if s in G and s not in out:
            out[s] = (0, s)
            queue.append(s)
    while queue:
        v = queue.popleft()
        dist, origin = out[v]
        for u in _neighbours(G, v):
            if u not in out:
                out[u] = (dist + 1, origin)
                queue.append(u)
    return out


def micro_reach(G, nodes=None) -> dict:
    """Distance from each micro asset to the nearest anchor institution and macro asset.

    Parameters
    ----------
    G : networkx graph
        Usually the projected ``MultiDiGraph``; read as undirected.
    nodes : iterable, optional
        Nodes to report (default: the micro assets of `G`).

    Returns
    -------
    dict
        Node -> ``{"to_anchor": int or None, "nearest_anchor": node or None,
        "to_macro": int or None, "nearest_macro": node or None}``; ``None`` where no path exists.

    Notes
    -----
    Two multi-source breadth-first searches, O(n + m) in all (Szreter & Woolcock 2004 for the
    reading of a micro-to-macro path as linking social capital).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("m", "i"), ("i", "a")])
    >>> G.add_node("m", tier="micro", kind="organisation")
    >>> G.add_node("i", tier="intermediary", kind="organisation")
    >>> G.add_node("a", tier="macro", kind="organisation", types=["NHSTrust", "AnchorInstitution"])
    >>> micro_reach(G)["m"]
    {'to_anchor': 2, 'nearest_anchor': 'a', 'to_macro': 2, 'nearest_macro': 'a'}
    """
    anchors = [v for v, d in G.nodes(data=True) if is_anchor(d)]
    macros = [v for v, d in G.nodes(data=True) if is_macro(d)]
    to_anchor = multi_source_distances(G, anchors)
    to_macro = multi_source_distances(G, macros)
    wanted = micro_assets(G) if nodes is None else list(nodes)
    out = {}
    for v in wanted:
        a = to_anchor.get(v, (None, None))
        m = to_macro.get(v, (None, None))
        out[v] = {"to_anchor": a[0], "nearest_anchor": a[1], "to_macro": m[0], "nearest_macro": m[1]}
    return out


def _mean(values):
    values = list(values)
    return sum(values) / len(values) if values else math.nan


def reach_summary(G) -> dict:
    """Share of micro assets with any path to a macro asset (and to an anchor), and mean distances.

    Parameters
    ----------
    G : networkx graph
        Usually the projected ``MultiDiGraph``; read as undirected.

    Returns
    -------
    dict
        ``micro_assets`` (count), ``reach_macro`` / ``reach_anchor`` (micro assets with a path),
        ``share_reach_macro`` / ``share_reach_anchor`` (in [0, 1], ``nan`` with no micro assets),
        ``mean_distance_macro`` / ``mean_distance_anchor`` (over the micro assets that have a
        path; ``nan`` when none has), ``direct_macro`` (micro assets adjacent to a macro asset).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("m1", "a")]); G.add_node("m2")
    >>> nx.set_node_attributes(G, {"m1": "micro", "m2": "micro", "a": "macro"}, "tier")
    >>> nx.set_node_attributes(G, "organisation", "kind")
    >>> s = reach_summary(G)
    >>> s["micro_assets"], s["reach_macro"], s["share_reach_macro"], s["reach_anchor"]
    (2, 1, 0.5, 0)
    """
    r = micro_reach(G)
    n = len(r)
    macro = [x["to_macro"] for x in r.values() if x["to_macro"] is not None]
    anchor = [x["to_anchor"] for x in r.values() if x["to_anchor"] is not None]
    return {
        "micro_assets": n,
        "reach_macro": len(macro),
        "share_reach_macro": len(macro) / n if n else math.nan,
        "mean_distance_macro": _mean(macro),
        "direct_macro": sum(1 for d in macro if d == 1),
        "reach_anchor": len(anchor),
        "share_reach_anchor": len(anchor) / n if n else math.nan,
        "mean_distance_anchor": _mean(anchor),
    }
