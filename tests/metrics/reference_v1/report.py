"""The evaluator's report: indicators with baseline -> end deltas, charts, methods, data coverage.

:func:`build_report` computes everything from two projected snapshots and returns a
:class:`Report` of plain values (tables of rows, PNG bytes). :func:`write_report` renders it to
``report.md`` (with ``figures/*.png`` beside it) and ``report.html``. The HTML is self-contained:
charts are base64 ``data:`` URIs, the CSS is inline and nothing is fetched. Both files are
deterministic: the same graphs give the same bytes (sorted tables, seeded community detection,
matplotlib's Agg renderer with its default style and ``metadata={'Software': None}``, no
timestamps). Every piece of data is passed through :func:`html.escape` before it enters the HTML.

Definitions of the measures are in ``docs/measures.md`` (algorithms) and ``docs/outcomes.md``
(the six system-change outcomes); the methods section repeats them in short.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from reference_v1.legacy import legacy_scenarios
from useit_graph.metrics.outcomes import OUTCOMES, outcome_rows
from reference_v1.reach import reach_summary
from useit_graph.metrics.ties import TIE_LABELS, tie_counts
from useit_graph.project import simple_graph

__all__ = ["Table", "Figure", "Section", "Report", "build_report", "write_report", "render_markdown",
           "render_html"]

TOP = 10
_TIE_COLOURS = {"bonding": "#1b9e77", "bridging": "#7570b3", "linking": "#d95f02", "unclassified": "#bbbbbb"}
_ROLE_NAMES = (("w_I", "coordinator"), ("w_O", "itinerant"), ("b_IO", "representative"),
               ("b_OI", "gatekeeper"), ("b_O", "liaison"))
_ROLE_COLOURS = ("#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854")


@dataclass(frozen=True)
class Table:
    """A titled table: column names and rows of plain values (already in display order)."""

    title: str
    columns: tuple
    rows: tuple
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """A chart: file stem, caption, alt text and the PNG bytes."""

    name: str
    title: str
    alt: str
    png: bytes = field(repr=False)


@dataclass(frozen=True)
class Section:
    """A report section: paragraphs of plain text, then tables, then figures."""

    id: str
    title: str
    paragraphs: tuple = ()
    tables: tuple = ()
    figures: tuple = ()


@dataclass(frozen=True)
class Report:
    """The whole report, as plain values."""

    title: str
    subtitle: str
    sections: tuple


# ------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------

def _fmt(v) -> str:
    """Deterministic display of a value (the same in Markdown and HTML)."""
    if v is None:
        return "n/a"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if math.isnan(v):
            return "n/a"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        if v == int(v) and abs(v) >= 1000:
            return f"{v:,.0f}"
        return f"{v:.3f}".rstrip("0").rstrip(".") if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _sub(a, b):
    if a is None or b is None:
        return None
    return a - b


def _name(G, v) -> str:
    """Display name; natural persons marked ``personal_data`` are pseudonymised."""
    d = G.nodes[v] if v in G else {}
    if d.get("personal_data"):
        return f"{d.get('type', 'Person')} {hashlib.sha256(str(v).encode()).hexdigest()[:8]}"
    return str(d.get("label") or v)


def _has(G, attr):
    return [v for v, x in G.nodes(data=attr) if x is not None]


# ------------------------------------------------------------------------------------------
# Charts (matplotlib, Agg, no pyplot state)
# ------------------------------------------------------------------------------------------

def _png(draw, size=(7.0, 3.6)) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    with matplotlib.rc_context(rc=dict(matplotlib.rcParamsDefault)):
        matplotlib.rcParams.update({"svg.hashsalt": "useit-graph", "font.size": 9, "path.simplify": True})
        fig = MplFigure(figsize=size, dpi=100)
        FigureCanvasAgg(fig)
        draw(fig)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _tie_chart(counts_b, counts_e, labels) -> bytes:
    def draw(fig):
        ax = fig.add_subplot(1, 1, 1)
        rows = [counts_b, counts_e]
        left = [0.0, 0.0]
        for t in TIE_LABELS:
            vals = [0.0 if math.isnan(r[f"share_{t}"]) else r[f"share_{t}"] for r in rows]
            ax.barh([0, 1], vals, left=left, color=_TIE_COLOURS[t], label=f"{t}")
            left = [a + b for a, b in zip(left, vals)]
        ax.set_yticks([0, 1], [f"{labels[0]}\n({counts_b['edges']} ties)", f"{labels[1]}\n({counts_e['edges']} ties)"])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of ties")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=4, frameon=False)
    return _png(draw, (7.0, 2.8))


def _roles_chart(rows, partition="tier") -> bytes:
    def draw(fig):
        ax = fig.add_subplot(1, 1, 1)
        names = [r[0] for r in rows]
        left = [0.0] * len(rows)
        for i, (_key, role) in enumerate(_ROLE_NAMES):
            vals = [float(r[2 + i]) for r in rows]
            ax.barh(range(len(rows)), vals, left=left, color=_ROLE_COLOURS[i], label=role)
            left = [a + b for a, b in zip(left, vals)]
        ax.set_yticks(range(len(rows)), [n[:40] for n in names])
        ax.invert_yaxis()
        ax.set_xlabel(f"brokered ordered pairs (Gould-Fernandez, partition by {partition})")
        ax.legend(loc="lower right", frameon=False)
    return _png(draw, (7.0, 0.9 + 0.32 * max(len(rows), 1)))


def _block_chart(matrices) -> bytes:
    def draw(fig):
        for i, (title, groups, mat) in enumerate(matrices):
            ax = fig.add_subplot(1, len(matrices), i + 1)
            data = [[0.0 if math.isnan(mat[a][b]) else mat[a][b] for b in groups] for a in groups]
            im = ax.imshow(data, cmap="Blues", vmin=0.0, vmax=max(1e-9, max(max(r) for r in data)) if data else 1.0)
            ax.set_xticks(range(len(groups)), groups, rotation=90)
            ax.set_yticks(range(len(groups)), groups)
            ax.set_title(title)
            if len(groups) <= 6:
                for y, row in enumerate(data):
                    for x, val in enumerate(row):
                        ax.text(x, y, f"{val:.2f}", ha="center", va="center", fontsize=8)
            fig.colorbar(im, ax=ax, shrink=0.7)
    return _png(draw, (10.0, 5.4))


# ------------------------------------------------------------------------------------------
# Sections
# ------------------------------------------------------------------------------------------

def _headline(G_b, G_e, since, labels, dates):
    rows = outcome_rows(G_b, G_e, since=since, labels=labels)
    tables = []
    for n, name, _fn in OUTCOMES:
        mine = [r for r in rows if r["outcome"] == n]
        title = f"Outcome {n}: {labels.get(n) or name}"
        notes = sorted({r["note"] for r in mine if r.get("note")})
        tables.append(Table(
            title=title,
            columns=("indicator", f"baseline ({dates[0]})", f"end ({dates[1]})", "delta"),
            rows=tuple((r["indicator"], r["baseline"], r["end"], r["delta"]) for r in mine),
            note=f"{name}: {mine[0]['definition'] if mine else ''}" + "".join(f" Note: {x}." for x in notes),
        ))
    paras = (
        "The six system-change outcomes of the evaluation framework (report section 3), each measured "
        "by explicit network indicators on two snapshots of the graph: the baseline and the end of the "
        "programme. Delta = end minus baseline. 'n/a' marks a share whose denominator is zero.",
        "Outcome 4 counts assets created in a period, and the programme period is empty on the "
        "baseline date, so its baseline column would be 0 by construction. It shows instead the "
        "assets created in the period of the same length before the baseline (dated assets only), "
        "so its delta compares the programme period with the one before it; its table note gives "
        "the dates.",
        "A snapshot keeps the relationships running on its date (start on or before it, no end before "
        "it) and the actors that existed then. Relationships without a start date are in every "
        "snapshot (see Data coverage).",
    )
    return Section("headline", "Headline indicators: baseline -> end", paras, tuple(tables)), rows


def _ties_section(G_b, G_e, dates):
    cb, ce = tie_counts(G_b), tie_counts(G_e)
    rows = []
    for t in TIE_LABELS:
        rows.append((t, cb[t], cb[f"share_{t}"], ce[t], ce[f"share_{t}"], _sub(ce[t], cb[t])))
    rows.append(("all", cb["edges"], 1.0 if cb["edges"] else math.nan, ce["edges"],
                 1.0 if ce["edges"] else math.nan, ce["edges"] - cb["edges"]))
    fig = Figure("tie-composition", "Tie-type composition, baseline and end",
                 "Stacked bars of the shares of bonding, bridging, linking and unclassified ties",
                 _tie_chart(cb, ce, dates))
    paras = ("Each projected tie is bonding (same tier, same group), bridging (same tier, different "
             "group) or linking (different tiers of the micro / intermediary / macro gradient), after "
             "Szreter & Woolcock (2004); unclassified when a tier or group is missing.",)
    table = Table("Ties by type", ("tie", f"baseline ({dates[0]})", "share", f"end ({dates[1]})", "share",
                                   "delta"), tuple(rows))
    return Section("ties", "Tie-type composition", paras, (table,), (fig,))


def _brokerage_section(G_e, partition="tier"):
    from useit_graph.metrics.brokerage import brokerage, brokerage_digraph
    from useit_graph.metrics.tables import partition_attribute

    attr = partition_attribute(partition)
    D = brokerage_digraph(G_e)
    keep = _has(D, attr)
    D = D.subgraph(keep).copy()
    paras = ["Gould & Fernandez (1989) roles on the end snapshot as a directed graph (undirected ties "
             f"as two arcs, parallel ties merged), partition by {partition}; counts, expectations and z-scores "
             "follow R sna::brokerage (see docs/measures.md). A node brokers the ordered pair (a, c) "
             "when a -> b -> c and there is no a -> c tie.",
             "Caveat on recorded brokerage: a Brokerage record (broker b brought a and c together) "
             "is counted as the 2-paths a -> b -> c and c -> b -> a, and the a - c tie derived from "
             "the record is left out, being the connection through b. A direct a - c tie from "
             "another relationship still closes the triad. So the counts credit recorded brokers for "
             "what the record says they did; they cannot tell whether a and c later dealt directly "
             "without the broker unless the data record that tie."]
    if D.number_of_nodes() < 3:
        paras.append(f"Fewer than three nodes with a {partition}: brokerage not computed.")
        return Section("brokerage", "Brokerage roles", tuple(paras))
    res = brokerage(D, group=attr)
    ranked = sorted(res.raw_nli, key=lambda v: (-res.raw_nli[v]["t"], _name(D, v), str(v)))
    ranked = [v for v in ranked if res.raw_nli[v]["t"] > 0][:TOP]
    rows = tuple(
        (_name(D, v), D.nodes[v].get(attr), *(res.raw_nli[v][k] for k, _r in _ROLE_NAMES),
         res.raw_nli[v]["t"], res.z_nli[v]["t"])
        for v in ranked)
    whole = tuple((role, res.raw_gli[k], res.exp_gli[k], res.z_gli[k]) for k, role in _ROLE_NAMES) + \
        (("total", res.raw_gli["t"], res.exp_gli["t"], res.z_gli["t"]),)
    tables = (
        Table(f"Top {TOP} brokers by total brokered pairs", ("node", partition) + tuple(r for _k, r in _ROLE_NAMES)
              + ("total", "z (total)"), rows),
        Table("Whole network: observed and expected role counts", ("role", "observed", "expected", "z"), whole,
              note=f"Density {_fmt(res.density)}; groups: "
                   + ", ".join(f"{g} ({n})" for g, n in sorted(res.sizes.items()))),
    )
    figs = (Figure("brokerage-roles", "Brokerage roles of the top brokers (end snapshot)",
                   "Stacked bars of coordinator, itinerant, representative, gatekeeper and liaison counts",
                   _roles_chart([(r[0], r[1], *r[2:7]) for r in rows], partition)),) if rows else ()
    if len(keep) < G_e.number_of_nodes():
        paras.append(f"{G_e.number_of_nodes() - len(keep)} node(s) without a {partition} are left out.")
    return Section("brokerage", "Brokerage roles", tuple(paras), tables, figs)


def _block_section(G_e):
    from useit_graph.metrics.blocks import attribute_assortativity, block_density

    H = simple_graph(G_e)
    mats, tables, paras = [], [], []
    paras.append("Block density (image) matrix of the end snapshot as an undirected simple graph: ties "
                 "between two blocks divided by the possible pairs (White, Boorman & Breiger 1976). "
                 "Newman's attribute assortativity summarises the same partition (-1 to 1).")
    for attr, title in (("tier", "by tier"), ("group", "by sector / group")):
        sub = H.subgraph(_has(H, attr)).copy()
        if sub.number_of_nodes() == 0:
            continue
        dens = block_density(sub, group=attr)
        order = sorted(dens, key=lambda g: ({"micro": 0, "intermediary": 1, "macro": 2}.get(g, 3), str(g)))
        mats.append((title, order, dens))
        try:
            assort = attribute_assortativity(sub, group=attr) if sub.number_of_edges() else math.nan
        except (ValueError, ZeroDivisionError):
            assort = math.nan
        tables.append(Table(f"Block densities {title}", ("block",) + tuple(order),
                            tuple((a, *(dens[a][b] for b in order)) for a in order),
                            note=f"assortativity {_fmt(assort)}; {sub.number_of_nodes()} nodes with a {attr}"))
    figs = (Figure("block-density", "Block density matrices (end snapshot)",
                   "Heat maps of tie density between tiers and between sectors", _block_chart(mats)),) if mats else ()
    return Section("blocks", "Block density matrices", tuple(paras), tuple(tables), figs)


def _holes_section(G_e, holes="undirected", weighted=False):
    from reference_v1.structural_holes import constraint, effective_size, efficiency, hierarchy
    from useit_graph.project import simple_digraph

    H = simple_graph(G_e)
    S = simple_digraph(G_e) if holes == "directed" else H
    w = "weight" if weighted else None
    view = ("a directed simple graph (undirected ties as two arcs)" if holes == "directed"
            else "an undirected simple graph")
    strength = ("weighted by the number of relationships behind each tie" if weighted else "unweighted")
    paras = (f"Burt's (1992) structural-holes measures on the end snapshot as {view} ({strength}): "
             "effective size (non-redundant contacts), efficiency (effective size / contacts), "
             "constraint (how much a node's contacts are tied to each other; lower means more "
             "brokerage opportunity) and hierarchy (how far the constraint is concentrated on one "
             "contact). Top nodes by effective size.",)
    if H.number_of_edges() == 0:
        return Section("holes", "Structural holes", paras)
    es, ef, co, hi = (f(S, weight=w) for f in (effective_size, efficiency, constraint, hierarchy))
    ranked = sorted((v for v in S if not math.isnan(es[v])), key=lambda v: (-es[v], co[v], _name(S, v), str(v)))
    rows = tuple((_name(S, v), S.nodes[v].get("type"), S.nodes[v].get("tier"), H.degree(v), es[v], ef[v], co[v],
                  hi[v]) for v in ranked[:TOP])
    return Section("holes", "Structural holes", paras, (Table(
        f"Top {TOP} nodes by effective size", ("node", "type", "tier", "contacts", "effective size",
                                                "efficiency", "constraint", "hierarchy"), rows),))


def _communities_section(G_e):
    from useit_graph.metrics.communities import bridging_edges, louvain_communities, modularity

    H = simple_graph(G_e)
    H = H.subgraph([v for v in H if H.degree(v) > 0]).copy()
    paras = ["Louvain communities (Blondel et al. 2008; python-igraph, seed 0) of the end snapshot as an "
             "undirected weighted graph, isolated nodes left out; bridging edges join two communities."]
    if H.number_of_edges() == 0:
        return Section("communities", "Communities", tuple(paras))
    comms = louvain_communities(H, weight="weight", seed=0)
    q = modularity(H, comms, weight="weight")
    bridges = bridging_edges(H, comms)
    paras.append(f"{len(comms)} communities, modularity {_fmt(q)}, {len(bridges)} of {H.number_of_edges()} "
                 "ties bridge two communities.")
    rows = []
    for i, c in enumerate(comms):
        members = sorted(c, key=lambda v: (-H.degree(v), _name(H, v), str(v)))
        tiers: dict = {}
        groups: dict = {}
        for v in c:
            t = H.nodes[v].get("tier") or "(none)"
            tiers[t] = tiers.get(t, 0) + 1
            g = H.nodes[v].get("group") or "(none)"
            groups[g] = groups.get(g, 0) + 1
        top_group = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        rows.append((i + 1, len(c), "; ".join(_name(H, v) for v in members[:3]),
                     ", ".join(f"{t} {n}" for t, n in sorted(tiers.items())), f"{top_group[0]} ({top_group[1]})",
                     sum(1 for b in bridges if i in (b[2], b[3]))))
    return Section("communities", "Communities", tuple(paras), (Table(
        "Communities, largest first", ("community", "size", "best-connected members", "tiers",
                                       "largest group", "bridging ties"), tuple(rows)),))


def _reach_section(G_b, G_e, dates, end_date):
    rb, re_ = reach_summary(G_b), reach_summary(G_e)
    keys = ("micro_assets", "reach_macro", "share_reach_macro", "mean_distance_macro", "direct_macro",
            "reach_anchor", "share_reach_anchor", "mean_distance_anchor")
    reach_rows = tuple((k, rb[k], re_[k], _sub(re_[k], rb[k])) for k in keys)
    rows, lost_rows, removed_notes = [], [], []
    for r in legacy_scenarios(G_e, end=end_date):
        i, b, a = r["scenario"], r["before"], r["after"]
        rows.append((i, r["description"], len(r["removed"]), r["ties_ended"] + r["ties_brokered_dropped"],
                     b["linking_ties"], a["linking_ties"], b["share_linking"], a["share_linking"],
                     b["share_reach_macro"], a["share_reach_macro"], len(r["lost_macro"])))
        lost_rows += sorted(((i, _name(G_e, v), G_e.nodes[v].get("type")) for v in r["lost_macro"]),
                            key=lambda x: (x[1], str(x[2])))
        if i <= 2:
            removed_notes.append(f"scenario {i} removes: " + "; ".join(sorted(_name(G_e, v) for v in r["removed"])))
    paras = (
        "Reach: hop distance, on the undirected graph, from each micro asset (micro-tier organisation or "
        "cohort) to the nearest macro asset and the nearest anchor institution (multi-source "
        "breadth-first search).",
        "Legacy: the report's central question is whether the connections survive the programme. It "
        "describes the programme team as having \"Played the role of interpreter and connector between "
        "macro and micro partners as a way of helping to establish positive, ongoing relationships\" "
        "(section 8) and notes that \"Capturing the full impact of the programme will require tracking "
        "beyond the life of the programme\" (section 4). Broker dependence removes the programme's "
        "apparatus from the end snapshot and reports the micro assets that lose every path to a macro "
        "asset, and the change in linking ties and reach.",
    )
    tables = [
        Table("Reach of micro assets", ("measure", f"baseline ({dates[0]})", f"end ({dates[1]})", "delta"), reach_rows),
        Table("Broker dependence (end snapshot)", ("no.", "scenario", "nodes removed", "other ties dropped",
                                                   "linking ties before", "after", "linking share before", "after",
                                                   "reach share before", "after", "micro assets cut off"),
              tuple(rows), note=". ".join(removed_notes)),
    ]
    tables.append(Table("Micro assets cut off from every macro asset", ("scenario no.", "micro asset", "type"),
                        tuple(lost_rows),
                        note="" if lost_rows else "None: every micro asset keeps a path in every scenario."))
    return Section("reach", "Reach and legacy (broker dependence)", paras, tuple(tables))


def _methods_section(partition="tier", holes="undirected", weighted=False):
    view = "directed" if holes == "directed" else "undirected"
    paras = (
        "Graph. Relationships in the knowledge graph are projected to a typed, dated multigraph "
        "(docs/graph-model.md); a snapshot keeps relationships running on its date.",
        "Tie types (Szreter & Woolcock 2004; Putnam 2000). Linking: ends in different tiers (micro, "
        "intermediary, macro); bonding: same tier and group; bridging: same tier, different groups.",
        "Community asset = micro asset: a micro-tier organisation or cohort (one test, used by every "
        "outcome, reach and legacy); persons and physical assets are micro-tier but not community "
        "assets; anchor institution: type AnchorInstitution or a subclass.",
        "Reach. Hop distance on the undirected view to the nearest anchor institution / macro asset; "
        "multi-source breadth-first search, O(n + m).",
        "Legacy. Node removal (programme teams, programme, work packages; optionally brokers) and "
        "removal of ties ending by the programme end date; micro assets losing every macro path.",
        f"Structural holes (Burt 1992; Borgatti 1997), on the {view} simple view, "
        + ("weighted by relationship counts" if weighted else "unweighted") + ". With a_ij the tie "
        "from i to j and p_ij = (a_ij + a_ji) / sum_k (a_ik + a_ki) the proportional tie strength: "
        "constraint c_i = sum_j (p_ij + sum_{q != i,j} p_iq p_qj)^2 over i's contacts j; effective "
        "size e_i = sum_j (1 - sum_{q != i,j} p_iq m_jq) with m_jq = (a_jq + a_qj) / max_k (a_jk + "
        "a_kj), which for an unweighted undirected graph is k_i - 2 t_i / k_i (k_i contacts, t_i ties "
        "among them); efficiency e_i / k_i; hierarchy h_i = sum_j r_ij ln r_ij / (k_i ln k_i) with "
        "r_ij = c_ij / (c_i / k_i), c_ij the summand of c_i (n/a below two contacts). Self-loops and "
        "zero-weight edges are no ties; parallel edges are summed.",
        "E-I index (Krackhardt & Stern 1988). EI = (E - I) / (E + I), E ties across groups and I "
        "ties within, for the network, for each group (E: ties with one end in it; I: both ends) and "
        "for each node's own ties; permutation test: labels shuffled over nodes with group sizes "
        "kept, p = (1 + #{permuted >= observed}) / (N + 1) and likewise for <= (Phipson & Smyth "
        "2010), two-sided p = min(1, 2 min). Bridging share = E_v / (E_v + I_v).",
        "Heterogeneity. Blau's index B = 1 - sum_c p_c^2 over the shares p_c of a node's distinct "
        "contacts in each category c (Blau 1977); IQV = B K / (K - 1), K the number of categories "
        "in the whole graph (Agresti & Agresti 1978).",
        f"Brokerage (Gould & Fernandez 1989), partition by {partition}. b brokers the ordered pair "
        "(a, c) when a -> b -> c, a != c and there is no arc a -> c. Roles by the groups g(.): "
        "coordinator w_I, g(a) = g(b) = g(c); itinerant w_O, g(a) = g(c) != g(b); representative "
        "b_IO, g(a) = g(b) != g(c); gatekeeper b_OI, g(a) != g(b) = g(c); liaison b_O, all "
        "different. z = (observed - E) / sd under R sna::brokerage's null, a random digraph of the "
        "observed density d = m / (n (n - 1)) with the group sizes n_g fixed; with q = d^2 (1 - d), "
        "a broker of group g has E[w_I] = q (n_g - 1)(n_g - 2), E[w_O] = q sum_{h != g} n_h (n_h - 1), "
        "E[b_IO] = E[b_OI] = q (n - n_g)(n_g - 1), E[t] = q (n - 1)(n - 2), variances with sna "
        "2.7-1's covariance terms; z is n/a for a role a group cannot have. Recorded brokerages are "
        "counted as the 2-paths party -> broker -> party, without the party tie they derived "
        "(see the brokerage section's caveat).",
        "Block densities (White, Boorman & Breiger 1976): ties between blocks A and B over the "
        "possible pairs (n_A n_B, or n_A (n_A - 1) / 2 within a block); attribute assortativity "
        "(Newman 2003).",
        "Communities. Louvain (Blondel et al. 2008), seeded; modularity (Newman 2006).",
        "System-change outcomes. Six indicator functions named after the uit:measuredBy values of the "
        "outcomes; definitions with each headline table and in docs/outcomes.md.",
        "Full definitions, conventions and peer checks (R sna, python-igraph, networkx, published "
        "values): docs/measures.md and docs/outcomes.md.",
        "References. Blondel, V. D. et al. (2008) J. Stat. Mech. P10008. Borgatti, S. P. (1997) "
        "Structural holes: unpacking Burt's redundancy measures, Connections 20(1). Burt, R. S. (1992) "
        "Structural Holes, Harvard UP. Gould, R. V., Fernandez, R. M. (1989) Structures of mediation, "
        "Sociological Methodology 19, 89-126. Krackhardt, D., Stern, R. N. (1988) Social Psychology "
        "Quarterly 51(2), 123-140. Agresti, A., Agresti, B. F. (1978) Sociological Methodology 9, "
        "204-237. Blau, P. M. (1977) Inequality and Heterogeneity. Phipson, B., Smyth, G. K. (2010) "
        "Stat. Appl. Genet. Mol. Biol. 9(1) 39. Newman, M. E. J. (2003) Phys. Rev. E 67, 026126; (2006) PNAS 103, "
        "8577-8582. Putnam, R. D. (2000) Bowling Alone. Szreter, S., Woolcock, M. (2004) Health by "
        "association?, Int. J. Epidemiology 33(4), 650-667. White, H. C., Boorman, S. A., Breiger, R. L. "
        "(1976) AJS 81(4), 730-780. CLES (2020) USE-IT! Impact Evaluation Report 2016-19.",
    )
    return Section("methods", "Methods and references", paras)


def _coverage_section(G_b, G_e):
    rows = []
    for name, G in (("baseline", G_b), ("end", G_e)):
        n, m = G.number_of_nodes(), G.number_of_edges()
        no_tier = sum(1 for _v, t in G.nodes(data="tier") if t is None)
        no_group = sum(1 for _v, g in G.nodes(data="group") if g is None)
        undated = sum(1 for *_e, s in G.edges(data="start") if s is None)
        unclassified = sum(1 for *_e, t in G.edges(data="tie") if t not in ("bonding", "bridging", "linking"))
        node_ev = sum(1 for _v, e in G.nodes(data="evidence") if e)
        edge_ev = sum(1 for *_e, ev in G.edges(data="evidence") if ev)
        money = [d for *_e, d in G.edges(data=True)
                 if d.get("rel_type") in ("Funding", "Procurement", "Commissioning", "Employment")]
        unvalued = sum(1 for d in money if d.get("value_gbp") is None)
        rows.append((name, n, m, no_tier, no_group, undated, unclassified,
                     node_ev / n if n else math.nan, edge_ev / m if m else math.nan, len(money), unvalued))
    missing = sorted({(_name(G_e, v), "tier" if d.get("tier") is None else "group")
                      for v, d in G_e.nodes(data=True) if d.get("tier") is None or d.get("group") is None})
    paras = (
        "What the numbers rest on. Nodes without a tier make their ties unclassified and drop out of "
        "tier-based measures; nodes without a group make same-tier ties unclassified and drop out of "
        "group-based measures. Relationships without a start date are treated as running throughout "
        "(they appear in every snapshot, the baseline included), which can understate change. Money "
        "flows without an amount count as flows but add no GBP. Evidence coverage is the share of nodes "
        "and ties citing at least one quotation from the source report.",
    )
    tables = (
        Table("Coverage by snapshot", ("snapshot", "nodes", "ties", "nodes without tier", "nodes without group",
                                       "ties without start date", "unclassified ties", "nodes with evidence",
                                       "ties with evidence", "money ties", "money ties without GBP"), tuple(rows)),
        Table("Nodes missing a tier or group (end snapshot)", ("node", "missing"), tuple(missing[:50]),
              note=f"{len(missing)} in all" + ("; first 50 shown" if len(missing) > 50 else "")),
    )
    return Section("coverage", "Data coverage and missing data", paras, tables)


# ------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------

def build_report(G_baseline, G_end, *, baseline=None, end=None, labels=None,
                 title="USE-IT! network evaluation: social capital and system change",
                 partition="tier", holes="undirected", weighted=False) -> Report:
    """Compute every section of the evaluator's report from two snapshots.

    Parameters
    ----------
    G_baseline, G_end : networkx.MultiDiGraph
        ``project_graph(..., as_of=baseline)`` and ``project_graph(..., as_of=end)``.
    baseline, end : str, optional
        Snapshot dates for the captions; default ``G.graph["as_of"]``.
    labels : dict, optional
        Outcome number -> label (``outcomes.outcome_metadata``); default: the function names.
    title : str, optional
    partition : {"tier", "sector"}, optional (default="tier")
        Partition of the brokerage roles (``metrics.tables.PARTITIONS``).
    holes : {"undirected", "directed"}, optional (default="undirected")
        View of the structural-holes measures.
    weighted : bool, optional (default=False)
        Weight structural holes by the number of relationships behind each tie.

    Returns
    -------
    Report
        Sections: headline indicators, tie types, brokerage roles, block densities, structural
        holes, communities, reach and legacy, methods, data coverage.

    Notes
    -----
    Tie types after Szreter & Woolcock (2004); structural holes after Burt (1992); brokerage
    after Gould & Fernandez (1989); E-I index after Krackhardt & Stern (1988).
    """
    baseline = baseline or G_baseline.graph.get("as_of") or "baseline"
    end = end or G_end.graph.get("as_of") or "end"
    dates = (str(baseline), str(end))
    labels = labels or {}
    since = G_baseline.graph.get("as_of") or (baseline if baseline != "baseline" else None)
    end_date = G_end.graph.get("as_of") or (end if end != "end" else None)
    headline, _rows = _headline(G_baseline, G_end, since, labels, dates)
    sections = (
        headline,
        _ties_section(G_baseline, G_end, dates),
        _brokerage_section(G_end, partition),
        _block_section(G_end),
        _holes_section(G_end, holes, weighted),
        _communities_section(G_end),
        _reach_section(G_baseline, G_end, dates, end_date),
        _methods_section(partition, holes, weighted),
        _coverage_section(G_baseline, G_end),
    )
    subtitle = (f"Baseline {dates[0]}, end {dates[1]}. {G_end.number_of_nodes()} nodes and "
                f"{G_end.number_of_edges()} ties at the end snapshot.")
    return Report(title, subtitle, sections)


def _md_cell(v) -> str:
    return _fmt(v).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report, figure_dir: str = "figures") -> str:
    """The report as Markdown; figures are referenced as ``{figure_dir}/{name}.png``."""
    out = [f"# {report.title}", "", report.subtitle, "", "## Contents", ""]
    out += [f"- [{s.title}](#{s.id})" for s in report.sections]
    for s in report.sections:
        out += ["", f'<a id="{s.id}"></a>', "", f"## {s.title}", ""]
        for p in s.paragraphs:
            out += [p, ""]
        for t in s.tables:
            out += [f"**{_md_cell(t.title)}**", ""]
            if t.rows:
                out.append("| " + " | ".join(_md_cell(c) for c in t.columns) + " |")
                out.append("|" + "|".join("---" for _ in t.columns) + "|")
                out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in t.rows]
            else:
                out.append("(no rows)")
            if t.note:
                out += ["", f"*{_md_cell(t.note)}*"]
            out.append("")
        for f in s.figures:
            out += [f"![{f.alt}]({figure_dir}/{f.name}.png)", "", f"*{f.title}*", ""]
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.3em 0}p.note{font-size:.85em;color:#555;margin-top:-.8em}
figure{margin:1em 0}figure img{max-width:100%}figcaption{font-size:.85em;color:#555}
nav ul{columns:2}
"""


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page (inline CSS, PNGs as data URIs, data escaped)."""
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{e(report.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           f"<h1>{e(report.title)}</h1>", f"<p>{e(report.subtitle)}</p>", "<nav><ul>"]
    out += [f'<li><a href="#{e(s.id)}">{e(s.title)}</a></li>' for s in report.sections]
    out.append("</ul></nav>")
    for s in report.sections:
        out.append(f'<section id="{e(s.id)}"><h2>{e(s.title)}</h2>')
        out += [f"<p>{e(p)}</p>" for p in s.paragraphs]
        for t in s.tables:
            out.append(f"<table><caption>{e(t.title)}</caption><thead><tr>"
                       + "".join(f"<th>{e(str(c))}</th>" for c in t.columns) + "</tr></thead><tbody>")
            for r in t.rows:
                cells = []
                for c in r:
                    cls = ' class="num"' if isinstance(c, (int, float)) and not isinstance(c, bool) else ""
                    cells.append(f"<td{cls}>{e(_fmt(c))}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            if not t.rows:
                out.append(f'<tr><td colspan="{len(t.columns)}">(no rows)</td></tr>')
            out.append("</tbody></table>")
            if t.note:
                out.append(f'<p class="note">{e(t.note)}</p>')
        for f in s.figures:
            data = base64.b64encode(f.png).decode("ascii")
            out.append(f'<figure><img alt="{e(f.alt)}" src="data:image/png;base64,{data}">'
                       f"<figcaption>{e(f.title)}</figcaption></figure>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def write_report(report: Report, out_dir) -> list:
    """Write ``report.md``, ``figures/<name>.png`` and ``report.html`` under `out_dir`.

    Parameters
    ----------
    report : Report
    out_dir : path-like
        Created if missing. Files are written atomically.

    Returns
    -------
    list of pathlib.Path
        The paths written, sorted.
    """
    from useit_graph.atomic import write_bytes_atomic, write_text_atomic

    out = Path(out_dir)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    written = []
    for s in report.sections:
        for f in s.figures:
            p = out / "figures" / f"{f.name}.png"
            write_bytes_atomic(p, f.png)
            written.append(p)
    for name, text in (("report.md", render_markdown(report)), ("report.html", render_html(report))):
        write_text_atomic(out / name, text)
        written.append(out / name)
    return sorted(written)


_ = nx
