"""Measure commands: metrics (node / network / tier / work-package tables), report, outcomes."""

from __future__ import annotations

import math
from pathlib import Path

import click

from ..errors import UsageError
from ._common import data_options, echo_err, emit, output_options

LEVELS = ("node", "network", "tier", "work-package")
PARTITIONS = ("tier", "group")
#: One headline indicator per outcome, for the demo.
HEADLINE = (
    (1, "anchor_linking_ties", "linking_ties_to_micro", "anchors' linking ties to micro assets"),
    (2, "anchor_resource_flows", "gbp_anchor_to_community", "GBP from anchors to community assets"),
    (3, "people_asset_connectedness", "share_connected", "share of people within 2 hops of an asset"),
    (4, "new_community_assets", "new_assets", "new community assets"),
    (5, "recognition_ties", "recognition_ties", "recognition ties to community assets"),
    (6, "anchor_community_reciprocity", "reciprocity", "reciprocity of anchor-community ties"),
)


def _filters(as_of=None, work_package=(), place=(), rel_type=()):
    out = {}
    if as_of:
        out["as_of"] = as_of
    if work_package:
        out["work_package"] = tuple(work_package)
    if place:
        out["place"] = tuple(place)
    if rel_type:
        out["rel_types"] = tuple(rel_type)
    return out


def _restricted(G, attr):
    """`G` restricted to nodes with `attr`; logs how many were left out."""
    keep = [v for v, x in G.nodes(data=attr) if x is not None]
    if len(keep) < G.number_of_nodes():
        echo_err(f"{G.number_of_nodes() - len(keep)} node(s) without {attr!r} left out of {attr}-based measures")
    return G.subgraph(keep).copy()


def _node_rows(G, partition):
    from ..metrics.brokerage import brokerage_digraph, brokerage_roles
    from ..metrics.centrality import betweenness
    from ..metrics.ei_index import bridging_share
    from ..metrics.reach import micro_reach
    from ..metrics.structural_holes import constraint, effective_size, efficiency
    from ..metrics.ties import node_tie_counts
    from ..project import simple_graph

    H = simple_graph(G)
    ties = node_tie_counts(G)
    btw = betweenness(H) if H.number_of_nodes() else {}
    es, ef, co = effective_size(H), efficiency(H), constraint(H)
    Hp = _restricted(H, partition)
    bridge = bridging_share(Hp, group=partition)
    Dp = brokerage_digraph(G).subgraph(list(Hp)).copy()
    roles = brokerage_roles(Dp, group=partition) if Dp.number_of_nodes() else {}
    reach = micro_reach(G)
    rows = []
    for v in sorted(G, key=str):
        d = G.nodes[v]
        t = ties[v]
        r = reach.get(v, {})
        rows.append({
            "node": v, "label": d.get("label"), "type": d.get("type"), "tier": d.get("tier"),
            "group": d.get("group"), "degree": H.degree(v), "ties": t["edges"],
            "bonding": t["bonding"], "bridging": t["bridging"], "linking": t["linking"],
            "unclassified": t["unclassified"], "share_linking": t["share_linking"],
            f"bridging_share_{partition}": bridge.get(v, math.nan),
            "betweenness": btw.get(v, math.nan), "effective_size": es.get(v, math.nan),
            "efficiency": ef.get(v, math.nan), "constraint": co.get(v, math.nan),
            f"brokerage_{partition}": roles[v]["t"] if v in roles else None,
            "to_anchor": r.get("to_anchor"), "to_macro": r.get("to_macro"),
        })
    return rows


def _network_row(G, partition):
    import networkx as nx

    from ..metrics.blocks import attribute_assortativity
    from ..metrics.ei_index import ei_index
    from ..metrics.reach import reach_summary
    from ..metrics.ties import tie_counts
    from ..project import simple_graph

    H = simple_graph(G)
    Hp = _restricted(H, partition)
    row = {"nodes": G.number_of_nodes(), "relationships": len({d.get("rel") for *_e, d in G.edges(data=True)}),
           "density": nx.density(H) if H.number_of_nodes() > 1 else math.nan,
           "components": nx.number_connected_components(H) if H.number_of_nodes() else 0}
    row.update(tie_counts(G))
    row[f"ei_index_{partition}"] = ei_index(Hp, group=partition) if Hp.number_of_edges() else math.nan
    try:
        row[f"assortativity_{partition}"] = (attribute_assortativity(Hp, group=partition)
                                             if Hp.number_of_edges() else math.nan)
    except (ValueError, ZeroDivisionError):
        row[f"assortativity_{partition}"] = math.nan
    row.update(reach_summary(G))
    return row


def _table(counts, key_name):
    return [{key_name: k, **v} for k, v in counts.items()]


@click.command()
@click.option("--level", type=click.Choice(LEVELS), default="network", show_default=True,
              help="One row per node, one for the whole network, or per tier / work package.")
@click.option("--as-of", help="Snapshot date (YYYY-MM-DD).")
@click.option("--partition", type=click.Choice(PARTITIONS), default="group", show_default=True,
              help="Node attribute for bridging share, E-I index, assortativity and brokerage.")
@click.option("--work-package", "work_package", multiple=True,
              help="Keep relationships of this work package (IRI, local name or notation). Repeatable.")
@click.option("--place", multiple=True, help="Keep relationships in this place (IRI or local name). Repeatable.")
@click.option("--rel-type", "rel_type", multiple=True,
              help="Keep relationships of this type or its subclasses (e.g. Funding). Repeatable.")
@output_options(default="table")
@data_options
def metrics(level, as_of, partition, work_package, place, rel_type, fmt, output, ctx_data):
    """Print social-capital measures: tie types, centrality, structural holes, brokerage, reach.

    Node level: ties by type, bridging share, betweenness, effective size, efficiency, constraint,
    brokerage (Gould-Fernandez total) and distances to the nearest anchor and macro asset. Network
    level: tie counts and shares, density, E-I index, assortativity, reach. Tier and work-package
    levels: tie counts and shares. Definitions: docs/measures.md.

    \b
    Examples:
      useit metrics
      useit metrics --level node --partition tier --csv -o nodes.csv
      useit metrics --level tier --as-of 2017-06-30
      useit metrics --level work-package --json
      useit metrics --level network --work-package WP5 --rel-type Funding
    """
    from ..metrics.ties import tier_tie_counts, work_package_tie_counts

    G = ctx_data.graph(**_filters(as_of, work_package, place, rel_type))
    if level == "node":
        rows = _node_rows(G, partition)
    elif level == "network":
        rows = [_network_row(G, partition)]
    elif level == "tier":
        rows = _table(tier_tie_counts(G), "tier")
    else:
        rows = _table(work_package_tie_counts(G), "work_package")
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
@click.option("--baseline", help="Baseline snapshot date (default: the programme's start date).")
@click.option("--end", help="End snapshot date (default: the programme's end date).")
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


def _build(ctx_data, baseline, end):
    from ..metrics.outcomes import outcome_metadata
    from ..report import build_report

    baseline, end = _period(ctx_data, baseline, end)
    labels = {n: m["label"] for n, m in outcome_metadata(ctx_data.source()).items()}
    G_b, G_e = ctx_data.graph(as_of=baseline), ctx_data.graph(as_of=end)
    return build_report(G_b, G_e, baseline=baseline, end=end, labels=labels), G_b, G_e


@click.command()
@click.option("-o", "--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write report.md, report.html and figures/ into.")
@click.option("--baseline", help="Baseline snapshot date (default: the programme's start date).")
@click.option("--end", help="End snapshot date (default: the programme's end date).")
@data_options
def report(out_dir, baseline, end, ctx_data):
    """Write the evaluator's report (Markdown and self-contained HTML) and print the paths written.

    Headline outcome indicators with baseline -> end deltas, tie-type, brokerage and block-density
    charts, structural holes, communities, reach and legacy, methods and a data-coverage note. The
    same data give the same bytes.

    \b
    Examples:
      useit report
      useit report -o /tmp/useit-report --baseline 2017-04-01 --end 2019-12-31
    """
    from ..report import write_report

    rep, _gb, _ge = _build(ctx_data, baseline, end)
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
