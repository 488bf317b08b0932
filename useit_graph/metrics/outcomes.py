r"""The six system-change outcomes of the USE-IT! evaluation framework as network indicators.

The evaluation framework (CLES, report section 3) names six system-change outcomes; section 8
groups them into 'top-down' changes in the behaviour of macro assets and 'bottom-up' changes in
the understanding and profile of micro assets. Each function here turns one outcome into
explicit, reproducible indicators on the projected graph. Function names are the
``uit:measuredBy`` values of ``bham:outcome-sc1`` .. ``sc6`` in the seeds.

===  ================================  =========================================================
no.  function                          outcome (report section 3, verbatim)
===  ================================  =========================================================
1    :func:`anchor_linking_ties`       Large local organisations (seek to) act as Anchor
                                       Institutions, leveraging their assets to build wealth in
                                       the local economy
2    :func:`anchor_resource_flows`     Anchor Institutions prioritise and resource engagement
                                       with community assets in their business activities
3    :func:`people_asset_connectedness` People are better connected to the assets and resources
                                       of the area
4    :func:`new_community_assets`      Opportunities exist and are taken by local people to
                                       create new community assets
5    :func:`recognition_ties`          Increased recognition amongst developers, local
                                       authority, health sector and higher education of
                                       community assets
6    :func:`anchor_community_reciprocity` More equitable relationships between Anchor
                                       Institutions and local people
===  ================================  =========================================================

Each function takes the projected ``MultiDiGraph`` and returns a plain dict of numbers plus a
``definition`` string. Shares lie in [0, 1] and are ``nan`` when their denominator is 0.
:func:`system_change` computes all of them on two snapshots (baseline and end, via
``project_graph(..., as_of=...)``) and returns one row per indicator with the delta.
``docs/outcomes.md`` gives the definitions, the report's wording and the limitations.

Node classes used (attributes from ``docs/graph-model.md``), each defined once:

* *anchor* = type ``AnchorInstitution`` or a subclass (:func:`useit_graph.metrics.reach.is_anchor`);
* *community asset* = *micro asset* = micro tier and kind organisation or cohort
  (:func:`useit_graph.metrics.reach.is_micro_asset`, the same test reach and legacy use): the
  community's own organisations and groups of people. Persons (individual residents) and
  physical assets (land, buildings, spaces) are micro-tier nodes but not community assets;
  where an outcome concerns them they are counted apart and named as such;
* *macro* = ``tier == "macro"`` (anchors and other large bodies: developers, contractors,
  funders); *intermediary* = ``tier == "intermediary"`` (support organisations, programme teams);
* *people* = kind cohort or person; *physical asset* = kind ``physical_asset``.

References
----------
.. [1] Szreter, S., Woolcock, M. (2004). Health by association? Social capital, social theory,
   and the political economy of public health. *Int. J. Epidemiology* 33(4), 650-667.
.. [2] Burt, R. S. (1992). *Structural Holes*. Harvard University Press.
.. [3] Wasserman, S., Faust, K. (1994). *Social Network Analysis*, ch. 13 (dyadic reciprocity).
   Cambridge University Press.
.. [4] Krackhardt, D., Stern, R. N. (1988). Informal networks and organizational crises.
   *Social Psychology Quarterly* 51(2), 123-140 (the (E - I) / (E + I) form of the GBP balance).
.. [5] CLES (2017). *Community wealth building through anchor institutions*.
"""

from __future__ import annotations

import datetime as _dt
import math

from useit_graph.errors import UsageError
from useit_graph.metrics.reach import is_anchor, is_micro_asset, multi_source_distances

__all__ = [
    "OUTCOMES",
    "RESOURCE_TYPES",
    "anchor_linking_ties",
    "anchor_resource_flows",
    "people_asset_connectedness",
    "new_community_assets",
    "recognition_ties",
    "anchor_community_reciprocity",
    "outcome_values",
    "outcome_rows",
    "prior_period_start",
    "programme_period",
    "outcome_metadata",
    "system_change",
]

#: Relationship types whose ``value_gbp`` is money flowing from edge source to edge target.
RESOURCE_TYPES = ("Funding", "Procurement", "Commissioning", "Employment")
#: Of those, the types paid in exchange for work or goods (the rest, Funding, are grants).
EARNED_TYPES = ("Procurement", "Commissioning", "Employment")
#: Relationship types whose edge target is the party providing a service or goods.
PROVIDER_TYPES = ("Procurement", "Commissioning")
PEOPLE_KINDS = frozenset({"cohort", "person"})
#: Outcome 5's recognising sectors: category -> (types, macro-tier groups) that qualify.
RECOGNISERS = {
    "developer": (("Developer",), ()),
    "local_authority": (("LocalAuthority",), ()),
    "health": (("NHSTrust",), ("health",)),
    "higher_education": (("University",), ("education",)),
}


def _share(x, n):
    return x / n if n else math.nan


def _types(d):
    return {d.get("type")} | set(d.get("types") or ())


#: The one test of a community asset: :func:`useit_graph.metrics.reach.is_micro_asset`.
is_community_asset = is_micro_asset


def _is_physical(d):
    return d.get("kind") == "physical_asset"


def _gbp_once(edges):
    """Sum ``value_gbp`` once per relationship (a relationship with k recipients yields k edges)."""
    seen = {}
    for d in edges:
        if d.get("value_gbp") is not None:
            seen.setdefault(d.get("rel"), float(d["value_gbp"]))
    return float(sum(seen.values()))


# ------------------------------------------------------------------------------------------
# The six outcomes
# ------------------------------------------------------------------------------------------

def anchor_linking_ties(G) -> dict:
    r"""Outcome 1: anchor institutions' linking ties to micro assets.

    A *linking* tie crosses tiers of the power gradient (Szreter & Woolcock 2004 [1]_; edge
    attribute ``tie``). Counted: every edge, either direction, with ``tie == "linking"`` between
    an anchor institution and a micro asset (community asset: micro-tier organisation or
    cohort, :func:`useit_graph.metrics.reach.is_micro_asset`). Ties to persons and physical
    assets do not count.

    Returns
    -------
    dict
        ``anchors``; ``linking_ties_to_micro`` (edges); ``anchors_linked`` (anchors with >= 1
        such tie) and ``share_anchors_linked`` (of anchors); ``mean_ties_per_anchor``
        (edges / anchors); ``micro_linked`` (distinct micro assets with such a tie);
        ``definition``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("u", tier="macro", types=["University", "AnchorInstitution"])
    >>> G.add_node("h", tier="macro", types=["NHSTrust", "AnchorInstitution"])
    >>> G.add_node("g", tier="micro", kind="organisation")
    >>> G.add_node("p", tier="micro", kind="person")
    >>> _ = G.add_edge("u", "g", tie="linking"); _ = G.add_edge("g", "u", tie="linking")
    >>> _ = G.add_edge("h", "p", tie="linking")  # a person is not a micro asset
    >>> r = anchor_linking_ties(G)
    >>> r["linking_ties_to_micro"], r["share_anchors_linked"], r["mean_ties_per_anchor"]
    (2, 0.5, 1.0)
    """
    anchors = {v for v, d in G.nodes(data=True) if is_anchor(d)}
    per_anchor = {a: 0 for a in anchors}
    micro = set()
    for u, v, d in G.edges(data=True):
        if d.get("tie") != "linking":
            continue
        for a, m in ((u, v), (v, u)):
            if a in anchors and is_micro_asset(G.nodes[m]):
                per_anchor[a] += 1
                micro.add(m)
                break
    ties = sum(per_anchor.values())
    linked = sum(1 for c in per_anchor.values() if c)
    return {
        "anchors": len(anchors),
        "linking_ties_to_micro": ties,
        "anchors_linked": linked,
        "share_anchors_linked": _share(linked, len(anchors)),
        "mean_ties_per_anchor": _share(ties, len(anchors)),
        "micro_linked": len(micro),
        "definition": "Edges (either direction) labelled linking between an anchor institution "
                      "(type AnchorInstitution or subclass) and a micro asset (micro-tier organisation "
                      "or cohort; not persons or physical assets); share of anchors with at least one; "
                      "edges per anchor; distinct micro assets reached.",
    }


def anchor_resource_flows(G) -> dict:
    r"""Outcome 2: money (GBP) from macro assets and anchors to community assets.

    Counted: directed edges of :data:`RESOURCE_TYPES` (Funding, Procurement, Commissioning,
    Employment; money flows from edge source to edge target) from a macro-tier node to a
    community asset (micro asset: micro-tier organisation or cohort). Money to intermediaries
    (support organisations, programme teams) is not money to the community: it is reported
    apart, as ``gbp_macro_to_intermediary``. Amounts are ``value_gbp``, each relationship
    counted once even when it has several recipients (its amount is not split between them).

    Returns
    -------
    dict
        ``flows`` (edges to community assets), ``flows_valued`` and ``share_flows_valued``
        (those with an amount), ``gbp_macro_to_community``, ``gbp_anchor_to_community`` (source
        an anchor institution), ``flows_anchor_to_community`` (edges),
        ``flows_macro_to_intermediary`` and ``gbp_macro_to_intermediary``, ``definition``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("c", tier="macro", types=["LocalAuthority", "AnchorInstitution"])
    >>> G.add_node("g", tier="micro", kind="organisation"); G.add_node("s", tier="intermediary")
    >>> G.add_node("k", tier="micro", kind="cohort")
    >>> _ = G.add_edge("c", "g", rel="r1", rel_type="Funding", value_gbp=1000.0, directed=True)
    >>> _ = G.add_edge("c", "k", rel="r2", rel_type="Employment", value_gbp=None, directed=True)
    >>> _ = G.add_edge("c", "s", rel="r3", rel_type="Procurement", value_gbp=400.0, directed=True)
    >>> r = anchor_resource_flows(G)
    >>> r["flows"], r["share_flows_valued"], r["gbp_macro_to_community"], r["gbp_macro_to_intermediary"]
    (2, 0.5, 1000.0, 400.0)
    """
    flows, to_intermediary = [], []
    for u, v, d in G.edges(data=True):
        if d.get("rel_type") not in RESOURCE_TYPES or not d.get("directed", True):
            continue
        if G.nodes[u].get("tier") != "macro":
            continue
        if is_community_asset(G.nodes[v]):
            flows.append((u, v, d))
        elif G.nodes[v].get("tier") == "intermediary":
            to_intermediary.append(d)
    valued = sum(1 for _u, _v, d in flows if d.get("value_gbp") is not None)
    return {
        "flows": len(flows),
        "flows_valued": valued,
        "share_flows_valued": _share(valued, len(flows)),
        "gbp_macro_to_community": _gbp_once(d for _u, _v, d in flows),
        "gbp_anchor_to_community": _gbp_once(d for u, _v, d in flows if is_anchor(G.nodes[u])),
        "flows_anchor_to_community": sum(1 for u, _v, _d in flows if is_anchor(G.nodes[u])),
        "flows_macro_to_intermediary": len(to_intermediary),
        "gbp_macro_to_intermediary": _gbp_once(to_intermediary),
        "definition": "Directed Funding/Procurement/Commissioning/Employment edges from a macro-tier "
                      "node to a community asset (micro-tier organisation or cohort); GBP = sum of "
                      "uit:amountGBP, each relationship once; unvalued edges count as flows but add no "
                      "GBP. Money to intermediaries is reported apart and is not community money.",
    }


def people_asset_connectedness(G, max_distance: int = 2) -> dict:
    r"""Outcome 3: how close people (cohorts, persons) are to physical assets and anchors.

    Hop distance on the undirected view from each cohort or person to the nearest physical
    asset or anchor institution (one multi-source breadth-first search, O(n + m)).

    Parameters
    ----------
    G : networkx.MultiDiGraph
    max_distance : int, optional (default=2)
        A person is *connected* within this many hops.

    Returns
    -------
    dict
        ``people``; ``connected`` and ``share_connected`` (distance <= `max_distance`);
        ``reachable`` and ``share_reachable`` (any path); ``mean_distance`` (over reachable
        people); ``definition``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph([("p", "org"), ("org", "land"), ("q", "x"), ("x", "y"), ("y", "land")])
    >>> nx.set_node_attributes(G, {"p": "cohort", "q": "person", "land": "physical_asset"}, "kind")
    >>> r = people_asset_connectedness(G)
    >>> r["people"], r["share_connected"], r["mean_distance"]
    (2, 0.5, 2.5)
    """
    people = [v for v, d in G.nodes(data=True) if d.get("kind") in PEOPLE_KINDS]
    targets = [v for v, d in G.nodes(data=True) if d.get("kind") == "physical_asset" or is_anchor(d)]
    dist = multi_source_distances(G, targets)
    ds = [dist[p][0] for p in people if p in dist]
    near = sum(1 for x in ds if x <= max_distance)
    return {
        "people": len(people),
        "connected": near,
        "share_connected": _share(near, len(people)),
        "reachable": len(ds),
        "share_reachable": _share(len(ds), len(people)),
        "mean_distance": _share(sum(ds), len(ds)),
        "definition": f"Cohorts and persons within {max_distance} hops (undirected) of a physical asset "
                      "or an anchor institution; share reachable at all; mean hop distance over "
                      "those reachable.",
    }


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


def _is_new(d, since, until, count_created_during):
    created = _iso(d.get("created"))
    if created is not None:
        return (since is None or created > since) and (until is None or created <= until), True
    new = count_created_during and bool(d.get("created_during")) and (
        since is None or until is None or until > since)
    return new, False


def new_community_assets(G, since=None, *, count_created_during: bool = True) -> dict:
    r"""Outcome 4: community assets created in the period.

    A community asset (micro asset: micro-tier organisation or cohort) is *new* when its
    ``created`` date lies in (`since`, snapshot date], the snapshot date being
    ``G.graph["as_of"]`` (no upper bound for an undated projection). An asset with no date but
    ``created_during`` (created during the programme) counts as new once the snapshot date is
    after `since`: the projection already drops it until its first relationship starts.
    Physical assets (land, buildings, spaces) created in the period are counted apart, by the
    same rule, as ``new_physical_assets``; they are not community assets (see the module
    docstring) and are not in ``new_assets``.

    On the baseline snapshot with `since` = the baseline date the period is empty, so every count
    is 0 by construction. :func:`outcome_rows` therefore puts, in the baseline column, the
    assets created in the *matching earlier period* (the same length, ending at the baseline),
    with ``count_created_during=False``: ``uit:createdDuring`` names the programme, which had
    not started then.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    since : str or datetime.date, optional
        Start of the period (the baseline). ``None``: no lower bound.
    count_created_during : bool, optional (default=True)
        Count undated assets marked ``created_during`` as new.

    Returns
    -------
    dict
        ``community_assets``; ``new_assets`` and ``share_new``; ``new_dated`` (with a
        ``created`` date) and ``new_created_during`` (undated); ``new_organisations``,
        ``new_cohorts``; ``new_physical_assets``; ``definition``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(as_of="2019-12-31")
    >>> G.add_node("old", tier="micro", kind="organisation", created="2010-01-01")
    >>> G.add_node("se", tier="micro", kind="organisation", created="2018-05-01")
    >>> G.add_node("co", tier="micro", kind="cohort", created=None, created_during="p")
    >>> G.add_node("hub", tier="micro", kind="physical_asset", created=None, created_during="p")
    >>> r = new_community_assets(G, since="2016-11-01")
    >>> r["new_assets"], r["new_physical_assets"], r["share_new"]
    (2, 1, 0.6666666666666666)
    """
    since = _iso(since)
    until = _iso(G.graph.get("as_of"))
    assets = [(v, d) for v, d in G.nodes(data=True) if is_community_asset(d)]
    dated, during, orgs, cohorts = 0, 0, 0, 0
    for _v, d in assets:
        new, has_date = _is_new(d, since, until, count_created_during)
        if has_date:
            dated += new
        else:
            during += new
        if new:
            orgs += d.get("kind") == "organisation"
            cohorts += d.get("kind") == "cohort"
    physical = sum(1 for _v, d in G.nodes(data=True)
                   if _is_physical(d) and _is_new(d, since, until, count_created_during)[0])
    n_new = dated + during
    return {
        "community_assets": len(assets),
        "new_assets": n_new,
        "share_new": _share(n_new, len(assets)),
        "new_dated": dated,
        "new_created_during": during,
        "new_organisations": orgs,
        "new_cohorts": cohorts,
        "new_physical_assets": physical,
        "definition": "Community assets (micro-tier organisations and cohorts) created after the period "
                      "start and by the snapshot date (uit:foundedDate), or marked uit:createdDuring "
                      "with no date and present in a snapshot after the period start; physical assets "
                      "created are counted apart (new_physical_assets).",
    }


def _categories(d):
    types = _types(d)
    out = []
    for cat, (cat_types, groups) in RECOGNISERS.items():
        if types & set(cat_types) or (d.get("tier") == "macro" and d.get("group") in groups):
            out.append(cat)
    return out


def recognition_ties(G) -> dict:
    r"""Outcome 5: recognition of community assets by developers, local authority, health, HE.

    Recognisers: nodes of type ``Developer``, ``LocalAuthority``, ``NHSTrust`` (or macro tier
    in group ``health``) or ``University`` (or macro tier in group ``education``). Counted:
    edges from a recogniser to a community asset (micro-tier organisation or cohort,
    :func:`useit_graph.metrics.reach.is_micro_asset`; directed edges with the recogniser as source,
    and undirected ties such as partnerships). ``Recognition`` edges are the explicit
    recognition relationships; the rest are other ties from the same institutions.

    Returns
    -------
    dict
        ``recognisers``; ``recognition_ties``; ``other_ties``; ``assets_recognised`` (distinct
        community assets with a recognition tie) and ``share_assets_recognised`` (of community
        assets); ``assets_tied`` (with any tie from a recogniser); ``recognition_ties_all``
        (every Recognition edge, any recogniser or target); per sector
        ``recognition_ties_<sector>`` and ``ties_<sector>`` for developer, local_authority,
        health, higher_education; ``definition``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("bcc", tier="macro", types=["LocalAuthority"])
    >>> G.add_node("dev", tier="macro", types=["Developer"])
    >>> G.add_node("g", tier="micro", kind="organisation")
    >>> _ = G.add_edge("bcc", "g", rel_type="Recognition", directed=True)
    >>> _ = G.add_edge("g", "dev", rel_type="Partnership", directed=False)
    >>> r = recognition_ties(G)
    >>> r["recognition_ties"], r["other_ties"], r["ties_developer"], r["share_assets_recognised"]
    (1, 1, 1, 1.0)
    """
    cats = {v: _categories(d) for v, d in G.nodes(data=True)}
    cats = {v: c for v, c in cats.items() if c}
    assets = {v for v, d in G.nodes(data=True) if is_community_asset(d)}
    rec, other = 0, 0
    by_cat = {c: [0, 0] for c in RECOGNISERS}
    recognised, tied = set(), set()
    rec_all = 0
    for u, v, d in G.edges(data=True):
        is_rec = d.get("rel_type") == "Recognition"
        rec_all += is_rec
        pairs = [(u, v)] if d.get("directed", True) else [(u, v), (v, u)]
        for r, a in pairs:
            if r in cats and a in assets:
                if is_rec:
                    rec += 1
                    recognised.add(a)
                else:
                    other += 1
                tied.add(a)
                for c in cats[r]:
                    by_cat[c][0 if is_rec else 1] += 1
                break
    out = {
        "recognisers": len(cats),
        "recognition_ties": rec,
        "other_ties": other,
        "assets_recognised": len(recognised),
        "share_assets_recognised": _share(len(recognised), len(assets)),
        "assets_tied": len(tied),
        "share_assets_tied": _share(len(tied), len(assets)),
        "recognition_ties_all": rec_all,
    }
    for c, (r, o) in by_cat.items():
        out[f"recognition_ties_{c}"] = r
        out[f"ties_{c}"] = r + o
    out["definition"] = (
        "Edges from a developer, local authority, NHS trust / health-sector macro body or university / "
        "education-sector macro body to a community asset (micro-tier organisation or cohort; directed "
        "from the institution, or undirected); "
        "Recognition relationships counted apart from other ties; ties_<sector> counts both.")
    return out


def anchor_community_reciprocity(G) -> dict:
    r"""Outcome 6: reciprocity and equity of anchor-community ties.

    On directed edges between an anchor institution (:func:`useit_graph.metrics.reach.is_anchor`)
    and a community asset (micro-tier organisation or cohort,
    :func:`useit_graph.metrics.reach.is_micro_asset`). Other macro bodies (developers,
    contractors, funders, businesses) are not anchors, and persons and physical assets are not
    community assets, so their ties do not count here:

    * dyadic reciprocity [3]_: of the anchor-community pairs joined by a directed tie, the share
      joined both ways;
    * the share of those edges whose community end is the source (the community side acts),
      and the share where it is the source or the *provider* (target of Procurement or
      Commissioning: it sells to or works for the institution);
    * GBP balance on the same edges, (up - down) / (up + down) with up = community -> anchor,
      down = anchor -> community, in [-1, 1] (the E-I form of Krackhardt & Stern 1988 [4]_), and
      the share of the downward GBP that is earned (Procurement, Commissioning, Employment)
      rather than granted (Funding).

    Undirected anchor-community ties (partnerships, brokered introductions) are mutual by
    construction; ``share_pairs_mutual_or_partner`` counts a pair as mutual if it has one.

    Returns
    -------
    dict
        ``pairs``, ``mutual_pairs``, ``reciprocity``; ``ties``, ``community_source``,
        ``share_community_source``, ``share_community_source_or_provider``; ``pairs_any``
        (pairs with any tie) and ``share_pairs_mutual_or_partner``; ``gbp_down``, ``gbp_up``,
        ``gbp_balance``, ``share_gbp_down_earned``; ``definition``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", tier="macro", types=["NHSTrust", "AnchorInstitution"])
    >>> G.add_node("dev", tier="macro", types=["Developer"])
    >>> for v in ("m", "n"):
    ...     G.add_node(v, tier="micro", kind="organisation")
    >>> _ = G.add_edge("a", "m", rel="r1", rel_type="Funding", directed=True, value_gbp=300.0)
    >>> _ = G.add_edge("m", "a", rel="r2", rel_type="Support", directed=True, value_gbp=None)
    >>> _ = G.add_edge("a", "n", rel="r3", rel_type="Procurement", directed=True, value_gbp=100.0)
    >>> _ = G.add_edge("dev", "n", rel="r4", rel_type="Funding", directed=True, value_gbp=50.0)
    >>> r = anchor_community_reciprocity(G)
    >>> r["reciprocity"], r["share_community_source"], r["share_community_source_or_provider"]
    (0.5, 0.3333333333333333, 0.6666666666666666)
    >>> r["gbp_balance"], r["share_gbp_down_earned"]
    (-1.0, 0.25)
    """
    pairs: dict = {}
    undirected_pairs = set()
    ties, up_src, provider = 0, 0, 0
    down, up = [], []
    for u, v, d in G.edges(data=True):
        du, dv = G.nodes[u], G.nodes[v]
        if is_anchor(du) and is_micro_asset(dv):
            anchor, community = u, v
        elif is_anchor(dv) and is_micro_asset(du):
            anchor, community = v, u
        else:
            continue
        if not d.get("directed", True):
            undirected_pairs.add((anchor, community))
            continue
        ties += 1
        flags = pairs.setdefault((anchor, community), [False, False])
        if u == community:
            flags[1] = True
            up_src += 1
            up.append(d)
        else:
            flags[0] = True
            provider += d.get("rel_type") in PROVIDER_TYPES
            down.append(d)
    mutual = sum(1 for a, b in pairs.values() if a and b)
    any_pairs = set(pairs) | undirected_pairs
    mutual_any = sum(1 for p in any_pairs if p in undirected_pairs or all(pairs[p]))
    gbp_down = _gbp_once(d for d in down if d.get("rel_type") in RESOURCE_TYPES)
    gbp_up = _gbp_once(d for d in up if d.get("rel_type") in RESOURCE_TYPES)
    earned = _gbp_once(d for d in down if d.get("rel_type") in EARNED_TYPES)
    return {
        "pairs": len(pairs),
        "mutual_pairs": mutual,
        "reciprocity": _share(mutual, len(pairs)),
        "ties": ties,
        "community_source": up_src,
        "share_community_source": _share(up_src, ties),
        "share_community_source_or_provider": _share(up_src + provider, ties),
        "pairs_any": len(any_pairs),
        "share_pairs_mutual_or_partner": _share(mutual_any, len(any_pairs)),
        "gbp_down": gbp_down,
        "gbp_up": gbp_up,
        "gbp_balance": _share(gbp_up - gbp_down, gbp_up + gbp_down),
        "share_gbp_down_earned": _share(earned, gbp_down),
        "definition": "Directed edges between an anchor institution and a community asset (micro-tier "
                      "organisation or cohort): share of connected pairs tied both ways; share of edges "
                      "sent by the community side (or with it as supplier/provider in "
                      "Procurement/Commissioning); GBP balance (up - down)/(up + down) over "
                      "Funding/Procurement/Commissioning/Employment; earned share of downward GBP.",
    }


#: (outcome number, uit:measuredBy name, function), in outcome order.
OUTCOMES = (
    (1, "anchor_linking_ties", anchor_linking_ties),
    (2, "anchor_resource_flows", anchor_resource_flows),
    (3, "people_asset_connectedness", people_asset_connectedness),
    (4, "new_community_assets", new_community_assets),
    (5, "recognition_ties", recognition_ties),
    (6, "anchor_community_reciprocity", anchor_community_reciprocity),
)


def outcome_values(G, since=None) -> dict:
    """All six outcome dicts for one snapshot: ``{measured_by name: dict}``.

    `since` is passed to :func:`new_community_assets` (the period start).
    """
    out = {}
    for _n, name, fn in OUTCOMES:
        out[name] = fn(G, since=since) if fn is new_community_assets else fn(G)
    return out


def _delta(b, e):
    if b is None or e is None:
        return None
    return e - b


def prior_period_start(since, end):
    """Start of the period as long as (`since`, `end`] that ends at `since` (ISO dates).

    Examples
    --------
    >>> prior_period_start("2017-01-01", "2019-12-31")
    '2014-01-03'
    """
    a, b = _dt.date.fromisoformat(_iso(since)), _dt.date.fromisoformat(_iso(end))
    return (a - (b - a)).isoformat()


def outcome_rows(G_baseline, G_end, since=None, labels=None) -> list:
    """One row per outcome indicator with its baseline and end values and the delta.

    Outcome 4 (new community assets) counts what was created *in a period*; on the baseline
    snapshot the programme period (`since`, baseline] is empty, so its baseline column would be
    0 by construction. When both snapshot dates are known the baseline column holds instead the
    assets created in the matching earlier period, (`since` - (end - `since`), `since`], with
    dated assets only (``uit:createdDuring`` names the programme, which had not started), and
    the row's ``note`` says so; the delta then compares the programme period with the one before
    it. Without the dates the baseline column stays 0 and the ``note`` says it is 0 by
    construction.

    Parameters
    ----------
    G_baseline, G_end : networkx.MultiDiGraph
        The two snapshots (``project_graph(..., as_of=...)``).
    since : str or datetime.date, optional
        Period start for :func:`new_community_assets` (normally the baseline date).
    labels : dict, optional
        Outcome number -> label (e.g. from :func:`outcome_metadata`).

    Returns
    -------
    list of dict
        Keys ``outcome``, ``label``, ``measured_by``, ``indicator``, ``baseline``, ``end``,
        ``delta`` (end - baseline; ``nan`` propagates), ``definition``, ``note`` (how the baseline
        column of outcome 4 is defined; empty for the others); in outcome order, then the
        indicator order of each function.
    """
    labels = labels or {}
    b_vals, e_vals = outcome_values(G_baseline, since), outcome_values(G_end, since)
    since_iso, base_iso, end_iso = _iso(since), _iso(G_baseline.graph.get("as_of")), _iso(G_end.graph.get("as_of"))
    if since_iso and base_iso and end_iso and since_iso < end_iso:
        prior = prior_period_start(since_iso, end_iso)
        b_vals["new_community_assets"] = new_community_assets(G_baseline, since=prior, count_created_during=False)
        note4 = (f"baseline column: assets created in the matching earlier period ({prior}, {since_iso}], "
                 f"dated assets only (uit:foundedDate); end column: created in ({since_iso}, {end_iso}], "
                 "dated or uit:createdDuring; delta = programme period minus the period before it")
    else:
        note4 = "baseline column is 0 by construction: the period starts at the baseline"
    rows = []
    for n, name, _fn in OUTCOMES:
        b, e = b_vals[name], e_vals[name]
        for key in b:
            if key == "definition":
                continue
            rows.append({
                "outcome": n, "label": labels.get(n, ""), "measured_by": name, "indicator": key,
                "baseline": b[key], "end": e[key], "delta": _delta(b[key], e[key]),
                "definition": e["definition"],
                "note": note4 if name == "new_community_assets" else "",
            })
    return rows


# ------------------------------------------------------------------------------------------
# Reading the programme period and the outcomes from the data
# ------------------------------------------------------------------------------------------

_U = "https://w3id.org/useit-graph/ns#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


def _scan(source):
    from useit_graph.project import iter_triples

    wanted = {_RDF_TYPE, _U + "startDate", _U + "endDate", _U + "outcomeNumber", _U + "measuredBy",
              _LABEL, _PREF}
    by: dict = {}
    for s, p, o in iter_triples(source):
        if p in wanted:
            by.setdefault(p, []).append((s, o))
    return by


def programme_period(source, programme=None) -> tuple:
    """(start, end) ISO dates of the programme, read from ``uit:startDate`` / ``uit:endDate``.

    Parameters
    ----------
    source : rdflib Dataset or Graph, pyoxigraph Store or iterable of triples
    programme : str, optional
        The programme's IRI. Default: the ``uit:Programme`` whose IRI ends in ``useit-programme``,
        else the only ``uit:Programme``.

    Returns
    -------
    tuple
        ``(start, end)``; either may be ``None`` when the data do not say.
    """
    by = _scan(source)
    progs = sorted(str(s) for s, o in by.get(_RDF_TYPE, ()) if str(o) == _U + "Programme")
    if programme is None:
        pick = [p for p in progs if p.endswith("useit-programme")] or (progs if len(progs) == 1 else [])
        if not pick:
            return None, None
        programme = pick[0]
    start = next((o for s, o in by.get(_U + "startDate", ()) if str(s) == programme), None)
    end = next((o for s, o in by.get(_U + "endDate", ()) if str(s) == programme), None)
    return _iso(start), _iso(end)


def outcome_metadata(source) -> dict:
    """Outcome number -> ``{"iri", "label", "measured_by"}`` for each ``uit:SystemChangeOutcome``."""
    by = _scan(source)
    outcomes = {str(s) for s, o in by.get(_RDF_TYPE, ()) if str(o) == _U + "SystemChangeOutcome"}
    number = {str(s): o for s, o in by.get(_U + "outcomeNumber", ()) if str(s) in outcomes}
    measured = {}
    for s, o in by.get(_U + "measuredBy", ()):
        if str(s) in outcomes:
            measured.setdefault(str(s), []).append(str(o))
    label = {}
    for s, o in by.get(_PREF, ()) + by.get(_LABEL, ()):
        if str(s) in outcomes:
            label.setdefault(str(s), str(o))
    out = {}
    for iri in sorted(outcomes):
        if iri in number:
            out[int(number[iri])] = {"iri": iri, "label": label.get(iri, ""),
                                     "measured_by": sorted(measured.get(iri, []))}
    return out


def system_change(source, baseline=None, end=None) -> list:
    """Every outcome indicator on the baseline and end snapshots, with deltas.

    Parameters
    ----------
    source : rdflib Dataset or Graph, pyoxigraph Store or iterable of triples
        Ontology plus data (what ``project_graph`` reads).
    baseline, end : str or datetime.date, optional
        Snapshot dates. Default: the programme's ``uit:startDate`` and ``uit:endDate``
        (:func:`programme_period`).

    Returns
    -------
    list of dict
        The rows of :func:`outcome_rows`, plus ``baseline_date`` and ``end_date`` on each row.

    Raises
    ------
    UsageError
        A date is missing and the data give no programme period, or `baseline` is after `end`.
    """
    from useit_graph.project import project_graph

    if baseline is None or end is None:
        start, stop = programme_period(source)
        baseline = baseline if baseline is not None else start
        end = end if end is not None else stop
    baseline, end = _iso(baseline), _iso(end)
    if baseline is None or end is None:
        raise UsageError("no baseline or end date: the data name no programme with uit:startDate and "
                         "uit:endDate", hint="pass baseline= and end= (CLI: --baseline, --end)")
    if baseline > end:
        raise UsageError(f"baseline {baseline} is after end {end}", hint="swap the two dates")
    meta = outcome_metadata(source)
    labels = {n: m["label"] for n, m in meta.items()}
    G_b = project_graph(source, as_of=baseline)
    G_e = project_graph(source, as_of=end)
    rows = outcome_rows(G_b, G_e, since=baseline, labels=labels)
    for r in rows:
        r["baseline_date"], r["end_date"] = baseline, end
    return rows
