r"""Legacy and broker dependence: do the micro-macro connections survive the programme's end?

The evaluation's central question about legacy is whether the links the programme built outlast
it. The report describes the programme team as having 'Played the role of interpreter and
connector between macro and micro partners as a way of helping to establish positive, ongoing
relationships' (section 8, How USE-IT has responded), and warns that 'Capturing the full impact
of the programme will require tracking beyond the life of the programme' (section 4,
Recommendations). A network can answer part of that question: if the connector is taken away,
which community assets are still linked to the institutions?

The test is a node-removal experiment in the spirit of broker dependence in structural-holes
theory: a broker whose contacts are connected only through it spans a structural hole [1]_, and
when the broker goes the hole reopens. Linking ties (across the micro / intermediary / macro
power gradient) are the social capital at stake [2]_.

:func:`broker_dependence` removes a set of nodes (by default the programme's own apparatus: nodes
of type ``ProgrammeTeam``, ``Programme`` and ``WorkPackage``; optionally every broker of a
``Brokerage`` relationship) and, optionally, every tie with an end date on or before the
programme's end, and reports

* the micro assets that had a path to a macro asset before and have none after;
* the number and share of linking ties, and the reach shares of :mod:`useit_graph.metrics.reach`,
  before and after.

Limitations: a tie with no end date is assumed to continue; the data record ties, not their
strength, so a surviving path may be weak; removing a node also removes ties that a successor
organisation may take over (the report names several legacy bodies, e.g. Social Enterprise City).

References
----------
.. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition*. Harvard
   University Press.
.. [2] Szreter, S., Woolcock, M. (2004). Health by association? Social capital, social theory,
   and the political economy of public health. *Int. J. Epidemiology* 33(4), 650-667.
.. [3] Gould, R. V., Fernandez, R. M. (1989). Structures of mediation. *Sociological
   Methodology* 19, 89-126.
"""

from __future__ import annotations

import datetime as _dt
import math

from useit_graph.errors import UsageError
from useit_graph.metrics.reach import micro_reach, reach_summary
from useit_graph.metrics.ties import tie_counts

__all__ = [
    "PROGRAMME_TYPES",
    "programme_nodes",
    "brokers",
    "without_nodes",
    "surviving_ties",
    "broker_dependence",
    "legacy_apparatus",
    "legacy_scenarios",
    "scenario_plan",
]

#: Node types that make up the programme's own apparatus.
PROGRAMME_TYPES = ("ProgrammeTeam", "Programme", "WorkPackage")


def _types(d):
    return {d.get("type")} | set(d.get("types") or ())


def brokers(G) -> set:
    """Every node that brokers a ``Brokerage`` relationship in `G`.

    A broker is the source of a directed ``Brokerage`` edge (``BROKERS``) or the ``broker``
    attribute of a tie among brokered parties (Gould & Fernandez 1989 [3]_ call the broker the
    middle node of a mediated 2-path). The ``INVOLVES_ASSET`` edges of a brokerage (``role``
    ``"asset"``: party -> the physical asset it concerns) do not make their source a broker.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("hub", "a", rel_type="Brokerage", directed=True)
    >>> _ = G.add_edge("a", "b", rel_type="Brokerage", directed=False, broker="hub")
    >>> _ = G.add_edge("a", "land", rel_type="Brokerage", directed=True, role="asset")
    >>> sorted(brokers(G))
    ['hub']
    """
    out = set()
    for u, _v, d in G.edges(data=True):
        if d.get("rel_type") != "Brokerage" or d.get("role") == "asset":
            continue
        if d.get("broker") is not None:
            out.add(d["broker"])
        elif d.get("directed", True):
            out.add(u)
    return {b for b in out if b in G}


def programme_nodes(G, include_brokers: bool = False) -> set:
    """The programme's teams and activities (types in :data:`PROGRAMME_TYPES`), optionally brokers.

    Parameters
    ----------
    G : networkx graph
        Nodes carry ``type`` / ``types``.
    include_brokers : bool, optional (default=False)
        Add every broker of a ``Brokerage`` relationship (:func:`brokers`), whatever its type.

    Returns
    -------
    set
    """
    out = {v for v, d in G.nodes(data=True) if _types(d) & set(PROGRAMME_TYPES)}
    if include_brokers:
        out |= brokers(G)
    return out


def without_nodes(G, nodes):
    """A copy of `G` without `nodes` (and their ties); nodes not in `G` are ignored."""
    H = G.copy()
    H.remove_nodes_from([v for v in nodes if v in H])
    return H


def _iso(date):
    if date is None:
        return None
    if isinstance(date, (_dt.date, _dt.datetime)):
        return date.isoformat()[:10]
    text = str(date)
    try:
        return _dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError as exc:
        raise UsageError(f"not an ISO date: {text!r}", hint="write dates as YYYY-MM-DD") from exc


def surviving_ties(G, end):
    """A copy of `G` keeping only the ties still running after `end`.

    A tie survives when it has no end date or ends after `end`. This is the snapshot 'the day
    after the programme': ties that end with the programme (or before) are gone.

    Parameters
    ----------
    G : networkx multigraph
        Edges carry ``end`` (ISO date or ``None``).
    end : str or datetime.date
        The programme end date.

    Returns
    -------
    networkx multigraph
        Same nodes; fewer edges.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", end="2019-12-31"); _ = G.add_edge("a", "b", end=None)
    >>> _ = G.add_edge("b", "c", end="2020-06-30")
    >>> surviving_ties(G, "2019-12-31").number_of_edges()
    2
    """
    end = _iso(end)
    H = G.copy()
    gone = [(u, v, k) for u, v, k, e in G.edges(keys=True, data="end") if e is not None and _iso(e) <= end]
    H.remove_edges_from(gone)
    return H


def _capital(G) -> dict:
    t = tie_counts(G)
    s = reach_summary(G)
    return {
        "nodes": G.number_of_nodes(),
        "edges": t["edges"],
        "linking_ties": t["linking"],
        "share_linking": t["share_linking"],
        "micro_assets": s["micro_assets"],
        "reach_macro": s["reach_macro"],
        "share_reach_macro": s["share_reach_macro"],
        "reach_anchor": s["reach_anchor"],
        "share_reach_anchor": s["share_reach_anchor"],
    }


def broker_dependence(G, remove=None, *, include_brokers: bool = False, drop_brokered_ties: bool = False,
                      end=None) -> dict:
    """Remove the programme (or any node set) and report which micro assets lose the macro tier.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From ``project_graph`` (usually the end-of-programme snapshot or the full graph).
    remove : iterable, optional
        Nodes to remove. Default: :func:`programme_nodes` (``ProgrammeTeam``, ``Programme``,
        ``WorkPackage``; plus brokers when `include_brokers`).
    include_brokers : bool, optional (default=False)
        With the default `remove`, also remove every broker of a ``Brokerage`` relationship.
        With an explicit `remove`, add them to it.
    drop_brokered_ties : bool, optional (default=False)
        Also drop the ties among brokered parties whose broker (edge attribute ``broker``) is
        removed: the stricter reading that a brokered introduction does not outlive its broker.
        By default such a tie is a direct tie between the parties and survives.
    end : str or datetime.date, optional
        Also drop every tie that ends on or before this date (:func:`surviving_ties`).

    Returns
    -------
    dict
        ``removed`` (sorted node list), ``ties_ended`` (edges dropped by `end`),
        ``ties_brokered_dropped`` (edges dropped by `drop_brokered_ties`), ``before`` and
        ``after`` (``nodes``, ``edges``, ``linking_ties``, ``share_linking``, ``micro_assets``,
        ``reach_macro``, ``share_reach_macro``, ``reach_anchor``, ``share_reach_anchor``),
        ``delta`` (after minus before, numbers only), ``lost_macro`` and ``lost_anchor`` (sorted
        micro assets, not themselves removed, that had a path to a macro asset / an anchor
        before and none after), ``removed_micro`` (micro assets that were removed).

    Notes
    -----
    O(n + m): a copy, the removal and four breadth-first searches. A micro asset that is itself
    removed (a community organisation acting as broker) is reported in ``removed_micro``, not
    as lost. Structural-holes reading after Burt (1992) [1]_; linking ties after Szreter &
    Woolcock (2004) [2]_.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("m", tier="micro", kind="organisation")
    >>> G.add_node("t", tier="intermediary", kind="organisation", type="ProgrammeTeam")
    >>> G.add_node("a", tier="macro", kind="organisation", type="NHSTrust")
    >>> _ = G.add_edge("t", "m", tie="linking"); _ = G.add_edge("t", "a", tie="linking")
    >>> r = broker_dependence(G)
    >>> r["removed"], r["lost_macro"], r["before"]["linking_ties"], r["after"]["linking_ties"]
    (['t'], ['m'], 2, 0)
    """
    if remove is None:
        removed = programme_nodes(G, include_brokers=include_brokers)
    else:
        removed = {v for v in remove if v in G}
        if include_brokers:
            removed |= brokers(G)
    before = _capital(G)
    reach_before = micro_reach(G)
    H = without_nodes(G, removed)
    brokered = 0
    if drop_brokered_ties:
        gone = [(u, v, k) for u, v, k, b in H.edges(keys=True, data="broker") if b is not None and b in removed]
        H.remove_edges_from(gone)
        brokered = len(gone)
    ended = 0
    if end is not None:
        edges_before = H.number_of_edges()
        H = surviving_ties(H, end)
        ended = edges_before - H.number_of_edges()
    after = _capital(H)
    reach_after = micro_reach(H)

    def lost(key):
        return sorted(
            v for v, r in reach_before.items()
            if r[key] is not None and v in reach_after and reach_after[v][key] is None
        )

    delta = {}
    for k, b in before.items():
        a = after[k]
        delta[k] = a - b if not (isinstance(a, float) and math.isnan(a)) else math.nan
    return {
        "removed": sorted(removed, key=str),
        "ties_ended": ended,
        "ties_brokered_dropped": brokered,
        "before": before,
        "after": after,
        "delta": delta,
        "lost_macro": lost("to_macro"),
        "lost_anchor": lost("to_anchor"),
        "removed_micro": sorted((v for v in reach_before if v in removed), key=str),
    }


def legacy_apparatus(G) -> set:
    """The programme's apparatus plus its brokers below the macro tier.

    :func:`programme_nodes` (teams, programme, work packages) and every broker of a recorded
    ``Brokerage`` (:func:`brokers`) whose tier is not ``macro``: removing an anchor that also
    brokers would test the anchor's absence, not the programme's.
    """
    return programme_nodes(G) | {b for b in brokers(G) if G.nodes[b].get("tier") != "macro"}


def legacy_scenarios(G, end=None) -> list:
    """The four broker-dependence scenarios of the report, each stricter than the one before.

    1. remove the programme's teams, programme and work packages (:func:`programme_nodes`);
    2. 1 and every broker below the macro tier (:func:`legacy_apparatus`);
    3. 2 and the ties among the parties those brokers brought together (``drop_brokered_ties``);
    4. 3 and every tie ending on or before `end` (only when `end` is given).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Usually the end-of-programme snapshot.
    end : str or datetime.date, optional
        The programme's end date, for scenario 4.

    Returns
    -------
    list of dict
        One per scenario: ``scenario`` (number), ``description``, and the result of
        :func:`broker_dependence` (``removed``, ``ties_ended``, ``ties_brokered_dropped``,
        ``before``, ``after``, ``delta``, ``lost_macro``, ``lost_anchor``, ``removed_micro``).

    Notes
    -----
    Computed on arrays (:meth:`useit_graph.metrics.suite.MetricContext.scenarios`: removals and
    dropped ties as masks on one edge list, reach by a vectorised multi-source breadth-first
    search), O(n + m) per scenario; equal to :func:`broker_dependence` scenario by scenario
    (``tests/metrics/test_suite.py`` compares them with the previous implementation).
    """
    from useit_graph.metrics.suite import MetricContext

    return MetricContext(G).scenarios(end)


def _legacy_scenarios_by_dependence(G, end=None) -> list:
    """:func:`legacy_scenarios` through :func:`broker_dependence` (graph copies; the definition)."""
    apparatus = legacy_apparatus(G)
    out = []
    for i, text, remove, drop, use_end in scenario_plan(end):
        kw = {} if remove == "programme" else {"remove": apparatus}
        if drop:
            kw["drop_brokered_ties"] = True
        if use_end:
            kw["end"] = end
        out.append({"scenario": i, "description": text, **broker_dependence(G, **kw)})
    return out


def scenario_plan(end=None) -> list:
    """What each scenario of :func:`legacy_scenarios` does, as plain data.

    Returns
    -------
    list of tuple
        ``(number, description, remove, drop_brokered_ties, use_end)`` with `remove` either
        ``"programme"`` (:func:`programme_nodes`) or ``"apparatus"`` (:func:`legacy_apparatus`);
        the fourth scenario only when `end` is given.

    Examples
    --------
    >>> [(i, remove, drop, use_end) for i, _text, remove, drop, use_end in scenario_plan("2019-12-31")]
    [(1, 'programme', False, False), (2, 'apparatus', False, False), (3, 'apparatus', True, False), (4, 'apparatus', True, True)]
    """
    plan = [
        (1, "remove programme teams, programme and work packages", "programme", False, False),
        (2, "1 and every broker of a Brokerage relationship below the macro tier", "apparatus", False, False),
        (3, "2 and the ties among parties those brokers brought together", "apparatus", True, False),
    ]
    if end is not None:
        plan.append((4, f"3 and every tie ending on or before {_iso(end)}", "apparatus", True, True))
    return plan
