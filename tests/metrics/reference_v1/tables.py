r"""Node-level, network-level and per-group tables of every measure, as rows of plain values.

``useit metrics`` prints these tables (JSON, CSV or a text table) and the report reads some of
them; the algorithms are in the other modules of :mod:`useit_graph.metrics` and their
definitions in ``docs/measures.md``. Each function takes the projected ``MultiDiGraph`` and the
options the CLI exposes:

* ``partition``: ``"tier"`` (micro / intermediary / macro) or ``"sector"`` (the node attribute
  ``group``: sector or community; ``"group"`` is accepted as its old name). It drives bridging
  share, E-I index, Blau/IQV, block densities, assortativity and Gould-Fernandez brokerage.
  Nodes without the attribute are left out of those measures (and counted in ``left_out``).
* ``holes``: ``"undirected"`` (default: the simple undirected view) or ``"directed"`` (the
  simple directed view, undirected ties as two arcs) for Burt's structural holes, and
  ``weighted`` (default False) to use the summed ``weight`` of merged edges (the number of
  relationships behind a tie) as tie strength.
* ``n_permutations``, ``seed``: the E-I permutation test (:func:`ei_permutation_table`).

Column names carry the partition (``bridging_share_tier``, ``ei_index_sector``...). Rows are
sorted (nodes by IRI), so output is deterministic.
"""

from __future__ import annotations

import math

from useit_graph.errors import UsageError

__all__ = [
    "PARTITIONS",
    "ROLE_NAMES",
    "partition_attribute",
    "node_table",
    "network_row",
    "group_table",
    "block_table",
    "community_table",
    "brokerage_table",
    "legacy_table",
]

#: Partition name on the command line -> node attribute.
PARTITIONS = {"tier": "tier", "sector": "group", "group": "group"}
#: sna role label -> Gould & Fernandez name, in sna order.
ROLE_NAMES = (("w_I", "coordinator"), ("w_O", "itinerant"), ("b_IO", "representative"),
              ("b_OI", "gatekeeper"), ("b_O", "liaison"), ("t", "total"))
HOLES = ("undirected", "directed")


def partition_attribute(name: str) -> str:
    """The node attribute a partition name stands for (``"sector"`` -> ``"group"``)."""
    try:
        return PARTITIONS[name]
    except KeyError:
        raise UsageError(f"unknown partition {name!r}", hint="use tier or sector") from None


def _restricted(G, attr):
    keep = [v for v, x in G.nodes(data=attr) if x is not None]
    return G.subgraph(keep).copy(), G.number_of_nodes() - len(keep)


def _holes_view(G, holes, weighted):
    from useit_graph.project import simple_digraph, simple_graph

    if holes not in HOLES:
        raise UsageError(f"unknown structural-holes view {holes!r}", hint="use undirected or directed")
    return (simple_digraph(G) if holes == "directed" else simple_graph(G)), ("weight" if weighted else None)


def _communities(G):
    """Louvain on the undirected weighted view without isolates: (communities, view)."""
    from useit_graph.metrics.communities import louvain_communities
    from useit_graph.project import simple_graph

    H = simple_graph(G)
    H = H.subgraph([v for v in H if H.degree(v) > 0]).copy()
    if H.number_of_edges() == 0:
        return [], H
    return louvain_communities(H, weight="weight", seed=0), H


def _brokerage(G, attr):
    """(Brokerage result or None, raw counts) on the brokerage digraph restricted to `attr`."""
    from useit_graph.metrics.brokerage import brokerage, brokerage_digraph, brokerage_roles

    D, _ = _restricted(brokerage_digraph(G), attr)
    if D.number_of_nodes() >= 3:
        res = brokerage(D, group=attr)
        return res, res.raw_nli
    return None, (brokerage_roles(D, group=attr) if D.number_of_nodes() else {})


def _ei(G, attr, n_permutations, seed):
    from reference_v1.ei_index import ei_permutation_table
    from useit_graph.project import simple_graph

    Hp, _ = _restricted(simple_graph(G), attr)
    if Hp.number_of_edges() == 0:
        return None, Hp
    return ei_permutation_table(Hp, group=attr, n_permutations=n_permutations, seed=seed), Hp


def node_table(G, partition="tier", holes="undirected", weighted=False, n_permutations=1000, seed=0) -> list:
    """One row per node: ties by type, centrality, structural holes, E-I, Blau/IQV, brokerage, reach.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From ``project_graph``.
    partition : {"tier", "sector"}, optional
    holes : {"undirected", "directed"}, optional
    weighted : bool, optional
    n_permutations, seed : int, optional
        E-I permutation test.

    Returns
    -------
    list of dict
        Keys ``node``, ``label``, ``type``, ``tier``, ``group``; ``degree`` (distinct
        neighbours) and ``ties`` (projected edges) with ``bonding``/``bridging``/``linking``/
        ``unclassified`` and ``share_linking``; ``bridging_share_<p>``, ``ei_index_<p>`` and its
        two-sided permutation ``ei_p_<p>``, ``blau_<p>``, ``iqv_<p>``; ``betweenness``,
        ``closeness``; ``effective_size``, ``efficiency``, ``constraint``, ``hierarchy``;
        ``community`` (Louvain, 1 = largest; None for isolated nodes); ``brokerage_<p>`` (total
        brokered pairs) and, per Gould-Fernandez role, the count (``coordinator`` ...
        ``liaison``) and z-score (``z_coordinator`` ... ``z_total``); ``to_anchor``,
        ``to_macro`` (hops); ``cut_off_in_scenario`` (micro assets: the first legacy scenario of
        :func:`useit_graph.metrics.legacy.legacy_scenarios` that cuts it off from every macro
        asset; None if none does).
    """
    from reference_v1.centrality import betweenness, closeness
    from reference_v1.ei_index import bridging_share
    from useit_graph.metrics.heterogeneity import blau_index, iqv
    from reference_v1.legacy import legacy_scenarios
    from reference_v1.reach import is_micro_asset, micro_reach
    from reference_v1.structural_holes import constraint, effective_size, efficiency, hierarchy
    from useit_graph.metrics.ties import node_tie_counts
    from useit_graph.project import simple_graph

    attr = partition_attribute(partition)
    p = partition
    H = simple_graph(G)
    ties = node_tie_counts(G)
    btw = betweenness(H) if H.number_of_nodes() else {}
    clo = closeness(H) if H.number_of_nodes() else {}
    S, w = _holes_view(G, holes, weighted)
    es, ef, co, hi = (f(S, weight=w) for f in (effective_size, efficiency, constraint, hierarchy))
    table, Hp = _ei(G, attr, n_permutations, seed)
    bridge = bridging_share(Hp, group=attr)
    blau, q = blau_index(Hp, group=attr), iqv(Hp, group=attr)
    comms, _ = _communities(G)
    community = {v: i + 1 for i, c in enumerate(comms) for v in c}
    res, raw = _brokerage(G, attr)
    reach = micro_reach(G)
    cut = {}
    for sc in legacy_scenarios(G, end=G.graph.get("as_of")):
        for v in sc["lost_macro"]:
            cut.setdefault(v, sc["scenario"])
    nan = math.nan
    rows = []
    for v in sorted(G, key=str):
        d = G.nodes[v]
        t = ties[v]
        r = reach.get(v, {})
        ei_row = table["nodes"].get(v) if table else None
        row = {
            "node": v, "label": d.get("label"), "type": d.get("type"), "tier": d.get("tier"),
            "group": d.get("group"), "degree": H.degree(v), "ties": t["edges"],
            "bonding": t["bonding"], "bridging": t["bridging"], "linking": t["linking"],
            "unclassified": t["unclassified"], "share_linking": t["share_linking"],
            f"bridging_share_{p}": bridge.get(v, nan),
            f"ei_index_{p}": ei_row["observed"] if ei_row else nan,
            f"ei_p_{p}": ei_row["p_value"] if ei_row else nan,
            f"blau_{p}": blau.get(v, nan), f"iqv_{p}": q.get(v, nan),
            "betweenness": btw.get(v, nan), "closeness": clo.get(v, nan),
            "effective_size": es.get(v, nan), "efficiency": ef.get(v, nan),
            "constraint": co.get(v, nan), "hierarchy": hi.get(v, nan),
            "community": community.get(v),
            f"brokerage_{p}": raw[v]["t"] if v in raw else None,
        }
        for key, name in ROLE_NAMES[:5]:
            row[name] = raw[v][key] if v in raw else None
        for key, name in ROLE_NAMES:
            row[f"z_{name}"] = res.z_nli[v][key] if res is not None and v in res.z_nli else nan
        row.update({"to_anchor": r.get("to_anchor"), "to_macro": r.get("to_macro"),
                    "cut_off_in_scenario": cut.get(v) if is_micro_asset(d) else None})
        rows.append(row)
    return rows


def network_row(G, partition="tier", holes="undirected", weighted=False, n_permutations=1000, seed=0) -> dict:
    """One row for the whole network.

    Returns
    -------
    dict
        ``nodes``, ``relationships``, ``density`` (undirected simple view), ``components``; the
        tie counts and shares of :func:`useit_graph.metrics.ties.tie_counts`; ``ei_index_<p>``
        with its permutation ``ei_expected_<p>`` (mean), ``ei_p_greater_<p>``,
        ``ei_p_less_<p>``, ``ei_p_<p>`` (two-sided); ``assortativity_<p>``; ``mean_blau_<p>``,
        ``mean_iqv_<p>`` (over nodes with contacts); ``mean_constraint``,
        ``mean_effective_size``, ``mean_hierarchy`` (over defined values, in the chosen
        structural-holes view); ``communities``, ``modularity``, ``community_bridging_ties``;
        ``brokerage_<p>`` (observed total), ``brokerage_expected_<p>``, ``brokerage_z_<p>``;
        the reach summary; ``legacy_lost_macro_<i>`` (micro assets cut off in legacy scenario
        i); ``left_out_<p>`` (nodes without the partition attribute).
    """
    import networkx as nx

    from useit_graph.metrics.blocks import attribute_assortativity
    from useit_graph.metrics.communities import bridging_edges, modularity
    from useit_graph.metrics.heterogeneity import blau_index, iqv
    from reference_v1.legacy import legacy_scenarios
    from reference_v1.reach import reach_summary
    from reference_v1.structural_holes import constraint, effective_size, hierarchy
    from useit_graph.metrics.ties import tie_counts
    from useit_graph.project import simple_graph

    attr = partition_attribute(partition)
    p = partition
    H = simple_graph(G)
    Hp, left_out = _restricted(H, attr)
    row = {"nodes": G.number_of_nodes(), "relationships": len({d.get("rel") for *_e, d in G.edges(data=True)}),
           "density": nx.density(H) if H.number_of_nodes() > 1 else math.nan,
           "components": nx.number_connected_components(H) if H.number_of_nodes() else 0}
    row.update(tie_counts(G))
    table, _ = _ei(G, attr, n_permutations, seed)
    net = table["network"] if table else {}
    row[f"ei_index_{p}"] = net.get("observed", math.nan)
    row[f"ei_expected_{p}"] = net.get("mean", math.nan)
    row[f"ei_p_greater_{p}"] = net.get("p_greater", math.nan)
    row[f"ei_p_less_{p}"] = net.get("p_less", math.nan)
    row[f"ei_p_{p}"] = net.get("p_value", math.nan)
    try:
        row[f"assortativity_{p}"] = attribute_assortativity(Hp, group=attr) if Hp.number_of_edges() else math.nan
    except (ValueError, ZeroDivisionError):
        row[f"assortativity_{p}"] = math.nan
    row[f"mean_blau_{p}"] = _mean(blau_index(Hp, group=attr).values())
    row[f"mean_iqv_{p}"] = _mean(iqv(Hp, group=attr).values())
    S, w = _holes_view(G, holes, weighted)
    for name, f in (("constraint", constraint), ("effective_size", effective_size), ("hierarchy", hierarchy)):
        row[f"mean_{name}"] = _mean(f(S, weight=w).values())
    comms, C = _communities(G)
    row["communities"] = len(comms)
    row["modularity"] = modularity(C, comms, weight="weight") if comms else math.nan
    row["community_bridging_ties"] = len(bridging_edges(C, comms)) if comms else 0
    res, _raw = _brokerage(G, attr)
    row[f"brokerage_{p}"] = res.raw_gli["t"] if res else None
    row[f"brokerage_expected_{p}"] = res.exp_gli["t"] if res else math.nan
    row[f"brokerage_z_{p}"] = res.z_gli["t"] if res else math.nan
    row.update(reach_summary(G))
    for sc in legacy_scenarios(G, end=G.graph.get("as_of")):
        row[f"legacy_lost_macro_{sc['scenario']}"] = len(sc["lost_macro"])
    row[f"left_out_{p}"] = left_out
    return row


def _mean(values):
    vals = [x for x in values if not (isinstance(x, float) and math.isnan(x))]
    return sum(vals) / len(vals) if vals else math.nan


def group_table(G, partition="tier", n_permutations=1000, seed=0) -> list:
    """One row per group of the partition: size, internal and external ties, E-I with its test.

    Returns
    -------
    list of dict
        ``<p>`` (the group), ``nodes``, ``ties_internal``, ``ties_external`` (undirected simple
        view), ``density_within``, ``ei_index``, ``ei_expected``, ``ei_p_greater``,
        ``ei_p_less``, ``ei_p``; groups sorted by name.
    """
    from useit_graph.metrics.blocks import block_density

    attr = partition_attribute(partition)
    table, Hp = _ei(G, attr, n_permutations, seed)
    labels = dict(Hp.nodes(data=attr))
    sizes, internal, external = {}, {}, {}
    for g in labels.values():
        sizes[g] = sizes.get(g, 0) + 1
    for u, v in Hp.edges():
        if labels[u] == labels[v]:
            internal[labels[u]] = internal.get(labels[u], 0) + 1
        else:
            for g in (labels[u], labels[v]):
                external[g] = external.get(g, 0) + 1
    dens = block_density(Hp, group=attr) if Hp.number_of_nodes() else {}
    rows = []
    for g in sorted(sizes, key=str):
        t = table["groups"][g] if table else {}
        rows.append({partition: g, "nodes": sizes[g], "ties_internal": internal.get(g, 0),
                     "ties_external": external.get(g, 0), "density_within": dens[g][g],
                     "ei_index": t.get("observed", math.nan), "ei_expected": t.get("mean", math.nan),
                     "ei_p_greater": t.get("p_greater", math.nan), "ei_p_less": t.get("p_less", math.nan),
                     "ei_p": t.get("p_value", math.nan)})
    return rows


_TIER_ORDER = {"micro": 0, "intermediary": 1, "macro": 2}


def block_table(G, partition="tier") -> list:
    """The block density (image) matrix of the undirected simple view, one row per block.

    Returns
    -------
    list of dict
        ``block`` then one key per group (tiers in gradient order, sectors by name): the density
        of ties between the row's group and the column's (see
        :func:`useit_graph.metrics.blocks.block_density`).
    """
    from useit_graph.metrics.blocks import block_density
    from useit_graph.project import simple_graph

    attr = partition_attribute(partition)
    Hp, _ = _restricted(simple_graph(G), attr)
    if Hp.number_of_nodes() == 0:
        return []
    dens = block_density(Hp, group=attr)
    order = sorted(dens, key=lambda g: (_TIER_ORDER.get(g, 3), str(g)))
    return [{"block": a, **{str(b): dens[a][b] for b in order}} for a in order]


def community_table(G) -> list:
    """Louvain communities of the undirected weighted view (isolates left out), largest first.

    Returns
    -------
    list of dict
        ``community`` (1 = largest), ``size``, ``members`` (the three with most ties, by label),
        ``tiers`` (counts), ``largest_group``, ``bridging_ties`` (ties to other communities).
    """
    from useit_graph.metrics.communities import bridging_edges

    comms, H = _communities(G)
    bridges = bridging_edges(H, comms) if comms else []
    rows = []
    for i, c in enumerate(comms):
        members = sorted(c, key=lambda v: (-H.degree(v), str(H.nodes[v].get("label") or v), str(v)))
        tiers: dict = {}
        groups: dict = {}
        for v in c:
            tiers[H.nodes[v].get("tier") or "(none)"] = tiers.get(H.nodes[v].get("tier") or "(none)", 0) + 1
            groups[H.nodes[v].get("group") or "(none)"] = groups.get(H.nodes[v].get("group") or "(none)", 0) + 1
        top = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        rows.append({"community": i + 1, "size": len(c),
                     "members": "; ".join(str(H.nodes[v].get("label") or v) for v in members[:3]),
                     "tiers": ", ".join(f"{t} {n}" for t, n in sorted(tiers.items())),
                     "largest_group": f"{top[0]} ({top[1]})",
                     "bridging_ties": sum(1 for b in bridges if i in (b[2], b[3]))})
    return rows


def brokerage_table(G, partition="tier") -> list:
    """Whole-network Gould-Fernandez role counts with ``sna::brokerage``'s expectations and z.

    Returns
    -------
    list of dict
        One per role (coordinator, itinerant, representative, gatekeeper, liaison, total):
        ``role`` (sna label), ``name``, ``observed``, ``expected``, ``sd``, ``z``, on
        :func:`useit_graph.metrics.brokerage.brokerage_digraph` restricted to nodes with the
        partition attribute; empty with fewer than three such nodes.
    """
    attr = partition_attribute(partition)
    res, _raw = _brokerage(G, attr)
    if res is None:
        return []
    return [{"role": key, "name": name, "observed": res.raw_gli[key], "expected": res.exp_gli[key],
             "sd": res.sd_gli[key], "z": res.z_gli[key]} for key, name in ROLE_NAMES]


def legacy_table(G, end=None) -> list:
    """The legacy (broker-dependence) scenarios as rows.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    end : str, optional
        Programme end for scenario 4; default ``G.graph["as_of"]``.

    Returns
    -------
    list of dict
        ``scenario``, ``description``, ``removed`` (nodes), ``ties_dropped``, ``linking_before``,
        ``linking_after``, ``share_linking_before``, ``share_linking_after``,
        ``share_reach_macro_before``, ``share_reach_macro_after``, ``lost_macro`` (count) and
        ``lost`` (their labels, ``; ``-separated).
    """
    from reference_v1.legacy import legacy_scenarios

    rows = []
    for sc in legacy_scenarios(G, end=end or G.graph.get("as_of")):
        b, a = sc["before"], sc["after"]
        rows.append({"scenario": sc["scenario"], "description": sc["description"], "removed": len(sc["removed"]),
                     "ties_dropped": sc["ties_ended"] + sc["ties_brokered_dropped"],
                     "linking_before": b["linking_ties"], "linking_after": a["linking_ties"],
                     "share_linking_before": b["share_linking"], "share_linking_after": a["share_linking"],
                     "share_reach_macro_before": b["share_reach_macro"],
                     "share_reach_macro_after": a["share_reach_macro"], "lost_macro": len(sc["lost_macro"]),
                     "lost": "; ".join(sorted(str(G.nodes[v].get("label") or v) for v in sc["lost_macro"]))})
    return rows
