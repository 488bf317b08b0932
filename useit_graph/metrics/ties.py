r"""Bonding, bridging and linking ties: per-edge rule traces and counts by node, tier, work package.

The projection (:func:`useit_graph.project.project_graph`) labels every edge with ``tie`` and
``tie_reason`` using :func:`useit_graph.project.classify_tie`, our operationalisation of Szreter
& Woolcock (2004) [1]_: *linking* when the two ends lie in different tiers of the power gradient
(micro / intermediary / macro), otherwise *bonding* when they share a group (sector or community)
and *bridging* when they do not [2]_. A tie with a missing tier or group is ``unclassified``.

This module only tabulates those labels. Every count is of projected edges: one edge per
qualified relationship and pair of parties (a brokerage of three parties gives three ``BROKERS``
arcs and three ties among the parties), so parallel edges each count. Shares are of all counted
edges, ``unclassified`` included, so the four shares of a row sum to 1.

References
----------
.. [1] Szreter, S., Woolcock, M. (2004). Health by association? Social capital, social theory,
   and the political economy of public health. *Int. J. Epidemiology* 33(4), 650-667.
.. [2] Putnam, R. D. (2000). *Bowling Alone*. Simon & Schuster.
"""

from __future__ import annotations

import math

__all__ = [
    "TIE_LABELS",
    "tie_rows",
    "tie_counts",
    "node_tie_counts",
    "tier_tie_counts",
    "work_package_tie_counts",
]

#: Tie labels in display order (the projection's three types plus ``unclassified``).
TIE_LABELS = ("bonding", "bridging", "linking", "unclassified")

#: Key used for a node without a tier, or an edge without a work package.
NONE_KEY = "(none)"


def _tally(ties) -> dict:
    """Counts and shares of an iterable of tie labels (unknown labels count as unclassified)."""
    counts = {t: 0 for t in TIE_LABELS}
    for t in ties:
        counts[t if t in counts else "unclassified"] += 1
    total = sum(counts.values())
    row = {"edges": total}
    row.update(counts)
    for t in TIE_LABELS:
        row[f"share_{t}"] = counts[t] / total if total else math.nan
    return row


def tie_rows(G) -> list:
    """One row per edge with its tie type and the rule trace that produced it.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From ``project_graph`` (edges carry ``tie`` and ``tie_reason``).

    Returns
    -------
    list of dict
        Keys ``source``, ``target``, ``key``, ``rel_type``, ``directed``, ``source_tier``,
        ``target_tier``, ``source_group``, ``target_group``, ``tie``, ``tie_reason``; sorted by
        (source, target, key).

    Notes
    -----
    O(m log m) for the sort. The rule is that of :func:`useit_graph.project.classify_tie`
    (Szreter & Woolcock 2004).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", tier="micro", group="arts"); G.add_node("b", tier="macro", group="health")
    >>> _ = G.add_edge("b", "a", key="r1", rel_type="Funding", tie="linking",
    ...                tie_reason="tiers differ: macro -> micro")
    >>> [(r["source"], r["tie"], r["tie_reason"]) for r in tie_rows(G)]
    [('b', 'linking', 'tiers differ: macro -> micro')]
    """
    rows = []
    for u, v, k, d in G.edges(keys=True, data=True):
        du, dv = G.nodes[u], G.nodes[v]
        rows.append({
            "source": u, "target": v, "key": k, "rel_type": d.get("rel_type"),
            "directed": bool(d.get("directed", True)),
            "source_tier": du.get("tier"), "target_tier": dv.get("tier"),
            "source_group": du.get("group"), "target_group": dv.get("group"),
            "tie": d.get("tie") or "unclassified", "tie_reason": d.get("tie_reason") or "",
        })
    rows.sort(key=lambda r: (str(r["source"]), str(r["target"]), str(r["key"])))
    return rows


def tie_counts(G) -> dict:
    """Whole-network counts and shares of bonding, bridging, linking and unclassified edges.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From ``project_graph``.

    Returns
    -------
    dict
        ``edges`` (total), one count per label of :data:`TIE_LABELS` and ``share_<label>``
        (count / edges; ``nan`` for a graph without edges).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", tie="bonding"); _ = G.add_edge("b", "c", tie="linking")
    >>> c = tie_counts(G)
    >>> c["edges"], c["bonding"], c["share_linking"]
    (2, 1, 0.5)
    """
    return _tally(d for _u, _v, d in G.edges(data="tie"))


def node_tie_counts(G, nodes=None) -> dict:
    """Each node's edges by tie type (in and out together; a self-loop counts once).

    Parameters
    ----------
    G : networkx.MultiDiGraph
    nodes : iterable, optional
        Nodes to report (default: all).

    Returns
    -------
    dict
        Node -> the row of :func:`tie_counts` restricted to the node's incident edges; an
        isolated node has ``edges`` 0 and ``nan`` shares.

    Notes
    -----
    O(n + m).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", tie="bonding"); _ = G.add_edge("c", "b", tie="linking")
    >>> row = node_tie_counts(G)["b"]
    >>> row["edges"], row["bonding"], row["linking"], row["share_linking"]
    (2, 1, 1, 0.5)
    """
    wanted = list(G) if nodes is None else list(nodes)
    ties = {v: [] for v in wanted}
    for u, v, t in G.edges(data="tie"):
        if u in ties:
            ties[u].append(t)
        if v in ties and v != u:
            ties[v].append(t)
    return {v: _tally(ts) for v, ts in ties.items()}


def tier_tie_counts(G) -> dict:
    """Edges by tie type for the nodes of each tier.

    An edge counts once for every distinct tier among its two ends: a micro-macro linking tie
    counts for ``micro`` and for ``macro``, a micro-micro tie once for ``micro``.

    Parameters
    ----------
    G : networkx.MultiDiGraph

    Returns
    -------
    dict
        Tier (``micro``, ``intermediary``, ``macro``, or ``"(none)"`` for nodes without one)
        -> the row of :func:`tie_counts`; keys sorted.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", tier="micro"); G.add_node("b", tier="micro"); G.add_node("c", tier="macro")
    >>> _ = G.add_edge("a", "b", tie="bonding"); _ = G.add_edge("c", "a", tie="linking")
    >>> t = tier_tie_counts(G)
    >>> t["micro"]["edges"], t["macro"]["edges"], t["macro"]["share_linking"]
    (2, 1, 1.0)
    """
    ties: dict = {}
    for u, v, t in G.edges(data="tie"):
        for tier in {G.nodes[u].get("tier") or NONE_KEY, G.nodes[v].get("tier") or NONE_KEY}:
            ties.setdefault(tier, []).append(t)
    return {k: _tally(ties[k]) for k in sorted(ties)}


def work_package_tie_counts(G) -> dict:
    """Edges by tie type for each work package (edge attribute ``work_packages``).

    An edge of several work packages counts in each; an edge of none counts under ``"(none)"``.

    Parameters
    ----------
    G : networkx.MultiDiGraph

    Returns
    -------
    dict
        Work package IRI -> the row of :func:`tie_counts`; keys sorted.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", tie="bonding", work_packages=["wp5", "wp6"])
    >>> _ = G.add_edge("b", "c", tie="linking", work_packages=[])
    >>> {k: v["edges"] for k, v in work_package_tie_counts(G).items()}
    {'(none)': 1, 'wp5': 1, 'wp6': 1}
    """
    ties: dict = {}
    for _u, _v, d in G.edges(data=True):
        for wp in d.get("work_packages") or [NONE_KEY]:
            ties.setdefault(wp, []).append(d.get("tie"))
    return {k: _tally(ties[k]) for k in sorted(ties)}
