"""Measure commands: metrics (node / network / tier / work-package tables), report, outcomes."""

from __future__ import annotations

import math
from pathlib import Path

import click

from ..errors import UsageError
from ._common import ISO_DATE, data_options, echo_err, emit, output_options

LEVELS = ("node", "network", "tier", "work-package", "group", "blocks", "communities", "brokerage", "legacy")
PARTITIONS = ("tier", "sector", "group")
#: One headline indicator per outcome, for the demo.
HEADLINE = (
    (1, "anchor_linking_ties", "linking_ties_to_micro", "anchors' linking ties to micro assets"),
    (2, "anchor_resource_flows", "gbp_macro_to_community", "GBP from macro assets (anchors, funders, developers) to community assets"),
    (3, "people_asset_connectedness", "share_connected", "share of people within 2 hops of an asset"),
    (4, "new_community_assets", "new_assets", "new community assets"),
    (5, "recognition_ties", "recognition_ties", "recognition ties to community assets"),
    (6, "anchor_community_reciprocity", "reciprocity", "reciprocity of anchor-community ties"),
)


def _iso(ctx, param, value):
    """A checked date option (:data:`ISO_DATE`: a bad date is a usage error, exit 2) as its ISO text."""
    return value.isoformat() if value is not None else None


def _filters(as_of=None, work_package=(), place=(), rel_type=(), keep_isolates=False):
    out = {}
    if as_of:
        out["as_of"] = as_of
    if work_package:
        out["work_package"] = tuple(work_package)
    if place:
        out["place"] = tuple(place)
    if rel_type:
        out["rel_types"] = tuple(rel_type)
    if keep_isolates:
        out["keep_isolates"] = True
    return out


def _left_out(G, partition):
    from ..metrics.tables import partition_attribute

    attr = partition_attribute(partition)
    n = sum(1 for _v, x in G.nodes(data=attr) if x is None)
    if n:
        echo_err(f"{n} node(s) without {attr!r} left out of {partition}-based measures")


def _table(counts, key_name):
    return [{key_name: k, **v} for k, v in counts.items()]


@click.command()
@click.option("--level", type=click.Choice(LEVELS), default="network", show_default=True,
              help="node: one row per node; network: one row; tier / work-package: tie counts; group: E-I "
                   "per group of the partition; blocks: block density matrix; communities: Louvain; "
                   "brokerage: role counts, expectations and z; legacy: broker-dependence scenarios.")
@click.option("--as-of", type=ISO_DATE, callback=_iso, help="Snapshot date (YYYY-MM-DD).")
@click.option("--partition", type=click.Choice(PARTITIONS), default="tier", show_default=True,
              help="Partition for bridging share, E-I, Blau/IQV, blocks, assortativity and brokerage: tier "
                   "(micro/intermediary/macro) or sector (the group attribute; 'group' is the old name).")
@click.option("--holes", type=click.Choice(("undirected", "directed")), default="undirected", show_default=True,
              help="Structural holes on the undirected or the directed simple view.")
@click.option("--weighted/--unweighted", default=False, show_default=True,
              help="Structural holes weighted by the number of relationships behind each tie.")
@click.option("--permutations", type=click.IntRange(1), default=1000, show_default=True,
              help="Label permutations for the E-I tests.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the E-I permutations and, above --exact-max-nodes, of the centrality pivots.")
@click.option("--exact-max-nodes", type=click.IntRange(0), default=5000, show_default=True,
              help="Exact betweenness and closeness up to this many nodes; above it both are sampled from "
                   "pivots, with error bounds in the network row (docs/measures.md, scale policy).")
@click.option("--betweenness-k", type=click.IntRange(2), default=100, show_default=True,
              help="Pivots for sampled betweenness above --exact-max-nodes.")
@click.option("--closeness-k", type=click.IntRange(0), default=None,
              help="Pivots per component for sampled closeness above --exact-max-nodes (default: "
                   "--betweenness-k; 0 skips closeness there).")
@click.option("--exact", is_flag=True,
              help="No sampling at any size: exact betweenness and closeness, and every requested E-I "
                   "permutation (at 10^5 nodes exact betweenness takes hours).")
@click.option("--work-package", "work_package", multiple=True,
              help="Keep relationships of this work package (IRI, local name or notation). Repeatable.")
@click.option("--place", multiple=True, help="Keep relationships in this place (IRI or local name). Repeatable.")
@click.option("--rel-type", "rel_type", multiple=True,
              help="Keep relationships of this type or its subclasses (e.g. Funding). Repeatable.")
@click.option("--keep-isolates", is_flag=True,
              help="With a filter, keep actors that have no kept tie (dropped by default).")
@output_options(default="table")
@data_options
def metrics(level, as_of, partition, holes, weighted, permutations, seed, exact_max_nodes, betweenness_k,
            closeness_k, exact, work_package, place, rel_type, keep_isolates, fmt, output, ctx_data):
    """Print social-capital measures: tie types, centrality, structural holes, E-I, brokerage, reach.

    Node level: ties by type, bridging share, E-I index with its permutation p, Blau and IQV,
    betweenness, closeness, effective size, efficiency, constraint, hierarchy, community,
    Gould-Fernandez role counts and z-scores, distances to the nearest anchor and macro asset,
    and the first legacy scenario that cuts a micro asset off. Network level: tie counts and
    shares, density, E-I with permutation test, assortativity, mean Blau/IQV and structural
    holes, communities and modularity, brokerage total with z, reach and legacy counts. Filtered
    views (--work-package, --place, --rel-type) drop actors with no kept tie unless
    --keep-isolates. Definitions: docs/measures.md.

    Scale policy: above --exact-max-nodes nodes betweenness and closeness are sampled from pivots,
    and above 2e8 ties x permutations the E-I tests run fewer permutations (at least 100); the
    network row says what was done (betweenness_method, closeness_method, their k and error
    bounds, ei_permutations). --exact turns the policy off.

    \b
    Examples:
      useit metrics
      useit metrics --level node --partition sector --csv -o nodes.csv
      useit metrics --level node --holes directed --weighted --json
      useit metrics --level group --partition sector --permutations 5000
      useit metrics --level brokerage --partition tier
      useit metrics --level blocks --partition sector
      useit metrics --level tier --as-of 2017-06-30
      useit metrics --level network --work-package WP5 --rel-type Funding
      useit metrics --level node --betweenness-k 500 --closeness-k 0
    """
    from ..metrics.suite import MetricContext
    from ..metrics.ties import tier_tie_counts, work_package_tie_counts

    G = ctx_data.graph(**_filters(as_of, work_package, place, rel_type, keep_isolates))
    if level in ("node", "network", "group", "blocks", "brokerage"):
        _left_out(G, partition)
    if level == "tier":
        rows = _table(tier_tie_counts(G), "tier")
    elif level == "work-package":
        rows = _table(work_package_tie_counts(G), "work_package")
    else:
        scale = dict(exact_max_nodes=None, ei_work=None) if exact else dict(exact_max_nodes=exact_max_nodes)
        context = MetricContext(G, partition=partition, holes=holes, weighted=weighted, n_permutations=permutations,
                                seed=seed, betweenness_k=betweenness_k, closeness_k=closeness_k, **scale)
        rows = context.table(level)
    emit(rows, fmt, output)


def _period(ctx_data, baseline, end):
    from ..metrics.outcomes import programme_period

    if baseline is None or end is None:
        start, stop = programme_period(ctx_data.source())
        baseline, end = baseline or start, end or stop
    if baseline is None or end is None:
        raise UsageError("no baseline or end date: the data name no programme with uit:startDate and uit:endDate",
                         hint="pass --baseline YYYY-MM-DD and --end YYYY-MM-DD")
    return baseline, end


@click.command()
@click.option("--baseline", type=ISO_DATE, callback=_iso, help="Baseline snapshot date (default: the programme's start date).")
@click.option("--end", type=ISO_DATE, callback=_iso, help="End snapshot date (default: the programme's end date).")
@output_options(default="table")
@data_options
def outcomes(baseline, end, fmt, output, ctx_data):
    """Print the six system-change outcomes as network indicators, at baseline and end, with deltas.

    Each outcome of the evaluation framework is measured by the function named in its
    uit:measuredBy (docs/outcomes.md). Dates default to the programme's uit:startDate/uit:endDate.

    \b
    Examples:
      useit outcomes
      useit outcomes --baseline 2017-04-01 --end 2019-12-31 --csv
    """
    from ..metrics.outcomes import system_change

    baseline, end = _period(ctx_data, baseline, end)
    rows = system_change(ctx_data.source(), baseline=baseline, end=end)
    cols = ["outcome", "measured_by", "indicator", "baseline", "end", "delta"]
    if fmt in ("json", "nl", "csv"):
        cols += ["baseline_date", "end_date", "label", "definition", "note"]
    else:
        for note in sorted({(r["outcome"], r["note"]) for r in rows if r["note"]}):
            echo_err(f"note, outcome {note[0]}: {note[1]}")
    emit([{c: r[c] for c in cols} for r in rows], fmt, output, cols)


def _build(ctx_data, baseline, end, **options):
    from ..metrics.outcomes import outcome_metadata
    from ..report import build_report

    baseline, end = _period(ctx_data, baseline, end)
    labels = {n: m["label"] for n, m in outcome_metadata(ctx_data.source()).items()}
    G_b, G_e = ctx_data.graph(as_of=baseline), ctx_data.graph(as_of=end)
    return build_report(G_b, G_e, baseline=baseline, end=end, labels=labels, **options), G_b, G_e


@click.command()
@click.option("-o", "--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write report.md, report.html and figures/ into.")
@click.option("--baseline", type=ISO_DATE, callback=_iso, help="Baseline snapshot date (default: the programme's start date).")
@click.option("--end", type=ISO_DATE, callback=_iso, help="End snapshot date (default: the programme's end date).")
@click.option("--partition", type=click.Choice(("tier", "sector")), default="tier", show_default=True,
              help="Partition of the brokerage roles: tier (micro/intermediary/macro) or sector.")
@click.option("--holes", type=click.Choice(("undirected", "directed")), default="undirected", show_default=True,
              help="Structural holes on the undirected or the directed simple view.")
@click.option("--weighted/--unweighted", default=False, show_default=True,
              help="Structural holes weighted by the number of relationships behind each tie.")
@data_options
def report(out_dir, baseline, end, partition, holes, weighted, ctx_data):
    """Write the evaluator's report (Markdown and self-contained HTML) and print the paths written.

    Headline outcome indicators with baseline -> end deltas, tie-type, brokerage and block-density
    charts, structural holes, communities, reach and legacy, methods and a data-coverage note. The
    same data give the same bytes.

    \b
    Examples:
      useit report
      useit report -o /tmp/useit-report --baseline 2017-04-01 --end 2019-12-31
      useit report --partition sector --holes directed --weighted
    """
    from ..report import write_report

    rep, _gb, _ge = _build(ctx_data, baseline, end, partition=partition, holes=holes, weighted=weighted)
    for p in write_report(rep, out_dir):
        click.echo(str(p))


def demo_measures(ctx_data, out_dir) -> list:
    """Headline measures and the report for ``useit demo``: returns the lines to print."""
    from ..metrics.outcomes import outcome_rows
    from ..metrics.reach import reach_summary
    from ..report import write_report

    try:
        rep, G_b, G_e = _build(ctx_data, None, None)
    except UsageError as exc:
        return [f"measures: skipped ({exc.message})"]
    rows = {(r["measured_by"], r["indicator"]): r for r in outcome_rows(G_b, G_e, since=G_b.graph.get("as_of"))}
    lines = [f"outcomes ({G_b.graph.get('as_of')} -> {G_e.graph.get('as_of')}):"]
    for n, name, key, text in HEADLINE:
        r = rows[(name, key)]
        lines.append(f"  {n}. {text}: {_short(r['baseline'])} -> {_short(r['end'])}"
                     + (" (baseline: the matching earlier period)" if r["note"] and "earlier" in r["note"] else ""))
    rb, re_ = reach_summary(G_b), reach_summary(G_e)
    lines.append(f"  micro assets with a path to a macro asset: {_short(rb['share_reach_macro'])} -> "
                 f"{_short(re_['share_reach_macro'])}")
    paths = write_report(rep, Path(out_dir))
    lines += [f"report: {p}" for p in paths if p.suffix in (".md", ".html")]
    return lines


def _short(v):
    if isinstance(v, float):
        return "n/a" if math.isnan(v) else (f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}")
    return str(v)


COMMANDS = [metrics, report, outcomes]
