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

Every function here is a thin wrapper over :class:`useit_graph.metrics.suite.MetricContext`,
which builds each view of the graph once (arrays of the edges, the simple view, its igraph twin,
its triangles, the partition restriction, the brokerage digraph) and computes every table from
them. Pass ``context=`` (a ``MetricContext`` of the same graph) to share those views between
tables; its options are then used and the other keyword arguments are ignored. The scale policy
(``exact_max_nodes``, ``betweenness_k``, ``closeness_k``: exact betweenness and closeness up to
5,000 nodes, sampled with stated error bounds above) is documented in
:mod:`useit_graph.metrics.suite` and ``docs/measures.md``.
"""

from __future__ import annotations

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
    "metric_suite",
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


def _context(G, context, **options):
    from useit_graph.metrics.suite import MetricContext

    if context is not None:
        if context.G is not G:
            raise UsageError("the context was built for another graph",
                             hint="pass the graph the MetricContext was made with, or no context")
        return context
    return MetricContext(G, **options)


def node_table(G, partition="tier", holes="undirected", weighted=False, n_permutations=1000, seed=0, *,
               context=None, **scale) -> list:
    """One row per node: ties by type, centrality, structural holes, E-I, Blau/IQV, brokerage, reach.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From ``project_graph``.
    partition : {"tier", "sector"}, optional
    holes : {"undirected", "directed"}, optional
    weighted : bool, optional
    n_permutations, seed : int, optional
        E-I permutation test (`seed` also seeds the centrality pivots at scale).
    context : MetricContext, optional
        Shared views (see the module docstring).
    **scale
        ``exact_max_nodes``, ``betweenness_k``, ``closeness_k`` of
        :class:`~useit_graph.metrics.suite.MetricContext`.

    Returns
    -------
    list of dict
        Keys ``node``, ``label``, ``type``, ``tier``, ``group``; ``degree`` (distinct
        neighbours) and ``ties`` (projected edges) with ``bonding``/``bridging``/``linking``/
        ``unclassified`` and ``share_linking``; ``bridging_share_<p>``, ``ei_index_<p>`` and its
        two-sided permutation ``ei_p_<p>``, ``blau_<p>``, ``iqv_<p>``; ``betweenness``,
        ``closeness`` (sampled above the scale threshold, ``None`` if skipped); ``effective_size``,
        ``efficiency``, ``constraint``, ``hierarchy``;
        ``community`` (Louvain, 1 = largest; None for isolated nodes); ``brokerage_<p>`` (total
        brokered pairs) and, per Gould-Fernandez role, the count (``coordinator`` ...
        ``liaison``) and z-score (``z_coordinator`` ... ``z_total``); ``to_anchor``,
        ``to_macro`` (hops); ``cut_off_in_scenario`` (micro assets: the first legacy scenario of
        :func:`useit_graph.metrics.legacy.legacy_scenarios` that cuts it off from every macro
        asset; None if none does).
    """
    return _context(G, context, partition=partition, holes=holes, weighted=weighted,
                    n_permutations=n_permutations, seed=seed, **scale).node_table()


def network_row(G, partition="tier", holes="undirected", weighted=False, n_permutations=1000, seed=0, *,
                context=None, **scale) -> dict:
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
        i); ``left_out_<p>`` (nodes without the partition attribute); the scale policy applied:
        ``betweenness_method`` (``exact`` or ``sampled``), ``betweenness_k`` (pivots, None when
        exact), ``betweenness_error_bound`` (Hoeffding bound on the normalised values, 0.0 when
        exact), ``closeness_method`` (``exact``, ``sampled`` or ``skipped: <reason>``),
        ``closeness_k``, ``closeness_error_bound`` (hops, on each node's mean distance; None
        when skipped).
    """
    return _context(G, context, partition=partition, holes=holes, weighted=weighted,
                    n_permutations=n_permutations, seed=seed, **scale).network_row()


def group_table(G, partition="tier", n_permutations=1000, seed=0, *, context=None) -> list:
    """One row per group of the partition: size, internal and external ties, E-I with its test.

    Returns
    -------
    list of dict
        ``<p>`` (the group), ``nodes``, ``ties_internal``, ``ties_external`` (undirected simple
        view), ``density_within``, ``ei_index``, ``ei_expected``, ``ei_p_greater``,
        ``ei_p_less``, ``ei_p``; groups sorted by name.
    """
    return _context(G, context, partition=partition, n_permutations=n_permutations, seed=seed).group_table()


def block_table(G, partition="tier", *, context=None) -> list:
    """The block density (image) matrix of the undirected simple view, one row per block.

    Returns
    -------
    list of dict
        ``block`` then one key per group (tiers in gradient order, sectors by name): the density
        of ties between the row's group and the column's (see
        :func:`useit_graph.metrics.blocks.block_density`).
    """
    return _context(G, context, partition=partition).block_table()


def community_table(G, *, context=None) -> list:
    """Louvain communities of the undirected weighted view (isolates left out), largest first.

    Returns
    -------
    list of dict
        ``community`` (1 = largest), ``size``, ``members`` (the three with most ties, by label),
        ``tiers`` (counts), ``largest_group``, ``bridging_ties`` (ties to other communities).
    """
    return _context(G, context).community_table()


def brokerage_table(G, partition="tier", *, context=None) -> list:
    """Whole-network Gould-Fernandez role counts with ``sna::brokerage``'s expectations and z.

    Returns
    -------
    list of dict
        One per role (coordinator, itinerant, representative, gatekeeper, liaison, total):
        ``role`` (sna label), ``name``, ``observed``, ``expected``, ``sd``, ``z``, on
        :func:`useit_graph.metrics.brokerage.brokerage_digraph` restricted to nodes with the
        partition attribute; empty with fewer than three such nodes.
    """
    return _context(G, context, partition=partition).brokerage_table()


def legacy_table(G, end=None, *, context=None) -> list:
    """The legacy (broker-dependence) scenarios as rows.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    end : str, optional
        Programme end for scenario 4; default ``G.graph["as_of"]``.
    context : MetricContext, optional

    Returns
    -------
    list of dict
        ``scenario``, ``description``, ``removed`` (nodes), ``ties_dropped``, ``linking_before``,
        ``linking_after``, ``share_linking_before``, ``share_linking_after``,
        ``share_reach_macro_before``, ``share_reach_macro_after``, ``lost_macro`` (count) and
        ``lost`` (their labels, ``; ``-separated).
    """
    return _context(G, context).legacy_table(end)


def metric_suite(G, **options) -> dict:
    """Every table at once; see :func:`useit_graph.metrics.suite.metric_suite`."""
    from useit_graph.metrics.suite import metric_suite as run

    return run(G, **options)
