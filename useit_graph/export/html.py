"""The interactive relationship map: one self-contained, offline HTML file.

Stage 5 (export): ``networkx.MultiDiGraph`` from ``project_graph`` -> an HTML page built on pyvis
(its ``Network`` options, its ``generate_html()`` and its bundled vis-network 9.1.2), with the
scripts and styles inlined and nothing fetched at run time.

What this module adds to pyvis, and why
---------------------------------------
- **Offline.** pyvis's ``cdn_resources="in_line"`` still links Bootstrap from a CDN (pyvis issues
  #228, #229). We render pyvis's ``generate_html()`` through our own template, which inlines
  vis-network's JS and CSS from pyvis's package and links nothing; :func:`check_offline` refuses any
  page with an external ``src``/``href``, and a Content-Security-Policy forbids network access.
- **No injection.** Every datum (labels, quotes, IRIs) goes into the page once, as JSON inside
  ``<script type="application/json">`` with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped. Tooltips
  are DOM elements built with ``textContent``; nothing is ever parsed as HTML.
- **Legend, filters, search.** pyvis has no legend (issue #50) and its ``filter_menu`` is broken
  (issue #193); the page has its own legend and small filters over the vis ``DataSet``.
- **Stable layout.** Positions come from a seeded igraph Fruchterman-Reingold layout. Above
  ``physics_threshold`` nodes physics is off (vis physics does not settle at 1k nodes, FACTS.md);
  below it, physics refines the seeded layout and then stops.
- **Deterministic bytes.** Nodes and edges are sorted and given positional ids (``n0``, ``e0``);
  no timestamps.
- **Privacy.** Natural persons (``personal_data=True``) become "Person 1", "Person 2"... unless
  ``include_persons=True``.

The browser exposes ``window.useitMap`` (``network``, ``nodes``, ``edges``, ``applyFilters``,
``ready``, ``readyMs`` since the script started, ``readyAt`` since navigation) for tests and
benchmarks.
"""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path

import networkx as nx

from ..atomic import write_text_atomic
from ..errors import UnknownEntity, UsageError

__all__ = [
    "write_html",
    "render_html",
    "check_offline",
    "pseudonymise_persons",
    "prepare_view",
    "snapshot",
    "seeded_layout",
    "node_metrics",
    "TIER_COLOURS",
    "TIE_COLOURS",
    "KIND_SHAPES",
    "SIZE_METRICS",
]

#: Node fill colour by tier (ColorBrewer "Paired"-derived, readable on white and in grey print).
TIER_COLOURS = {
    "micro": "#fdbf6f",
    "intermediary": "#ff7f00",
    "macro": "#b10026",
    None: "#cccccc",
}
TIER_LABELS = {"micro": "Micro (community)", "intermediary": "Intermediary", "macro": "Macro (institutions)",
               None: "Tier unknown"}

#: Edge colour by tie type (docs/graph-model.md, Szreter & Woolcock 2004).
TIE_COLOURS = {
    "bonding": "#1f78b4",
    "bridging": "#33a02c",
    "linking": "#6a3d9a",
    "unclassified": "#999999",
}
TIE_LABELS = {"bonding": "Bonding (same tier, same group)", "bridging": "Bridging (same tier, other group)",
              "linking": "Linking (across tiers)", "unclassified": "Unclassified (tier or group missing)"}

#: vis-network shape by node kind; images.py maps the same kinds to matplotlib markers.
KIND_SHAPES = {
    "organisation": "dot",
    "cohort": "triangle",
    "person": "diamond",
    "physical_asset": "square",
    "programme": "star",
    "place": "hexagon",
    "outcome": "triangleDown",
    "other": "box",
}
KIND_LABELS = {"organisation": "Organisation", "cohort": "Cohort", "person": "Person",
               "physical_asset": "Physical asset", "programme": "Programme / project / work package",
               "place": "Place", "outcome": "Outcome", "other": "Other"}

#: Metrics a map can size nodes by.
SIZE_METRICS = ("degree", "betweenness", "closeness", "uniform")

_MIN_SIZE, _MAX_SIZE = 8.0, 30.0
_EXACT_BETWEENNESS_MAX = 2000  # above this, betweenness is sampled (k pivots, seeded)
_PIVOTS = 256

_WITHHELD = "(quote withheld: it concerns a person)"


# ------------------------------------------------------------------------------------------
# Views: privacy, snapshot, focus
# ------------------------------------------------------------------------------------------

def pseudonymise_persons(G, include_persons: bool = False):
    """Replace natural persons' names by "Person 1", "Person 2", ... (unless opted in).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From ``project_graph``; nodes with ``personal_data=True`` are natural persons.
    include_persons : bool, optional (default=False)
        Keep persons as they are (the caller has a lawful basis to show them).

    Returns
    -------
    networkx.MultiDiGraph
        A copy. Each person's ``label`` becomes "Person N" (numbered in IRI order), its
        ``alt_labels``, ``evidence`` and ``places`` are emptied and ``pseudonym`` is True; the
        quotes of the person's evidence and of the relationships that involve a person are
        withheld wherever they are cited (the section is kept), and those edges get
        ``personal_data=True``. Node
        keys stay the same (exports that print keys pseudonymise them; see :func:`_public_id`).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("ex:jane", label="Jane Doe", personal_data=True, alt_labels=["JD"], evidence=[])
    >>> G.add_node("ex:org", label="Org", personal_data=False)
    >>> pseudonymise_persons(G).nodes["ex:jane"]["label"]
    'Person 1'
    """
    H = G.copy()
    if include_persons:
        return H
    persons = sorted(n for n, d in H.nodes(data=True) if d.get("personal_data"))
    person_set = set(persons)
    secret = set()  # (section, quote) of evidence about a person: withheld wherever it is cited
    for n in persons:
        secret.update((e.get("section"), e.get("quote")) for e in H.nodes[n].get("evidence") or ())
    for u, v, k, d in H.edges(keys=True, data=True):
        if u in person_set or v in person_set or d.get("broker") in person_set:
            secret.update((e.get("section"), e.get("quote")) for e in d.get("evidence") or ())
            d["personal_data"] = True

    def scrub(evidence):
        return [{**e, "quote": _WITHHELD} if (e.get("section"), e.get("quote")) in secret else e
                for e in evidence or ()]

    for i, n in enumerate(persons, start=1):
        H.nodes[n].update(label=f"Person {i}", alt_labels=[], evidence=[], places=[], pseudonym=True)
    if secret:
        for n, d in H.nodes(data=True):
            if d.get("evidence"):
                d["evidence"] = scrub(d["evidence"])
        for u, v, k, d in H.edges(keys=True, data=True):
            if d.get("evidence"):
                d["evidence"] = scrub(d["evidence"])
    H.graph["pseudonymised"] = len(persons)
    return H


def snapshot(G, as_of):
    """The part of a projected graph that existed on ``as_of`` (ISO date).

    Keeps edges with ``start <= as_of`` and no ``end`` before it, and drops nodes founded later
    (``created > as_of``). ``project_graph(..., as_of=...)`` does the same from RDF and also knows
    when assets created during the programme first appeared; prefer it when you have the dataset.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", start="2018-01-01", end=None)
    0
    >>> snapshot(G, "2017-12-31").number_of_edges()
    0
    """
    if as_of is None:
        return G
    as_of = str(as_of)[:10]
    H = G.copy()
    H.remove_edges_from([(u, v, k) for u, v, k, d in G.edges(keys=True, data=True)
                         if (d.get("start") is not None and str(d["start"]) > as_of)
                         or (d.get("end") is not None and str(d["end"]) < as_of)])
    H.remove_nodes_from([n for n, d in G.nodes(data=True)
                         if d.get("created") is not None and str(d["created"]) > as_of])
    H.graph["as_of"] = as_of
    return H


def _path_list(path_nodes):
    """Normalise ``path_nodes``: one path (list of nodes) or several -> list of lists."""
    if path_nodes is None:
        return []
    items = list(path_nodes)
    if not items:
        return []
    if all(isinstance(p, str) for p in items):
        return [items]
    return [list(p) for p in items]


def prepare_view(G, *, focus=None, depth=1, path_nodes=None, as_of=None, include_persons=False):
    """Snapshot, focus (ego graph) and pseudonymise a projected graph, in that order.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    focus : str, optional
        Node key (IRI) at the centre of an ego map.
    depth : int, optional (default=1)
        Ego radius, in hops, ignoring direction.
    path_nodes : list of str or list of list of str, optional
        Paths to keep (in a focus view) and highlight.
    as_of : str, optional
        ISO date of a snapshot (see :func:`snapshot`).
    include_persons : bool, optional

    Returns
    -------
    networkx.MultiDiGraph

    Raises
    ------
    UnknownEntity
        ``focus`` or a path node is not in the graph.
    UsageError
        ``depth`` is negative.
    """
    H = snapshot(G, as_of)
    paths = _path_list(path_nodes)
    for n in [focus] * (focus is not None) + [x for p in paths for x in p]:
        if n not in H:
            raise UnknownEntity(
                f"{n} is not in the map" + (f" on {as_of}" if as_of else ""),
                hint="check the name with `useit search`, or drop --as-of")
    if focus is not None:
        if depth < 0:
            raise UsageError(f"--depth must be 0 or more, got {depth}")
        keep = set(nx.ego_graph(H.to_undirected(as_view=True), focus, radius=depth))
        keep.update(x for p in paths for x in p)
        H = H.subgraph(sorted(keep)).copy()
    return pseudonymise_persons(H, include_persons)


# ------------------------------------------------------------------------------------------
# Layout and metrics
# ------------------------------------------------------------------------------------------

def seeded_layout(G, seed: int = 42, scale: float | None = None) -> dict:
    """Positions from igraph's grid Fruchterman-Reingold layout, with a private seeded RNG.

    igraph draws from a global random generator; it is swapped for ``random.Random(seed)`` for
    the call and restored afterwards, so the same graph and seed give the same positions.
    Above 300 nodes it uses the grid variant: about 0.07 s at 1k nodes and 0.4 s at 5k (networkx
    ``spring_layout``: 4.7 s and 30 s on the same machine).

    Parameters
    ----------
    G : networkx graph
    seed : int
    scale : float, optional
        Half-width of the drawing; default ``60 * sqrt(n)`` (vis-network pixels).

    Returns
    -------
    dict
        Node -> (x, y) centred on 0, rounded to 0.1 (to 1e-4 when ``scale < 10``).

    Examples
    --------
    >>> pos = seeded_layout(nx.path_graph(3), seed=1)
    >>> pos == seeded_layout(nx.path_graph(3), seed=1)
    True
    """
    import igraph as ig

    nodes = sorted(G, key=str)
    n = len(nodes)
    if n == 0:
        return {}
    scale = scale if scale is not None else 60.0 * math.sqrt(n)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in G.edges() if u != v})
    g = ig.Graph(n=n, edges=pairs)
    ig.set_random_number_generator(random.Random(seed))
    try:
        coords = g.layout_fruchterman_reingold(grid=n > 300).coords
    finally:
        ig.set_random_number_generator(random)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2
    f = scale / half
    nd = 1 if scale >= 10 else 4  # 0.1 px on the HTML map; finer for unit-scale drawings
    return {v: (round((xs[i] - cx) * f, nd), round((ys[i] - cy) * f, nd)) for v, i in index.items()}


def node_metrics(G, seed: int = 42) -> tuple[dict, dict]:
    """Degree, betweenness and closeness for the map's tooltips and sizes.

    Betweenness and closeness are computed on the undirected simple view (``simple_graph``) with
    ``useit_graph.metrics.centrality`` (igraph, equal to networkx). Above 2,000 nodes betweenness
    is the seeded 256-pivot estimate (``sampled_betweenness``).

    Returns
    -------
    (dict, dict)
        ``{metric: {node: value}}`` and ``{metric: description}``.
    """
    from ..metrics.centrality import betweenness, closeness, degree, sampled_betweenness
    from ..project import simple_graph

    S = simple_graph(G)
    out = {"degree": {n: int(d) for n, d in degree(G).items()}}
    notes = {"degree": "number of relationships (each tie counted once per end)"}
    if S.number_of_nodes() > _EXACT_BETWEENNESS_MAX:
        out["betweenness"] = sampled_betweenness(S, k=min(_PIVOTS, S.number_of_nodes()), seed=seed)
        notes["betweenness"] = f"normalised betweenness, estimated from {_PIVOTS} seeded pivots"
    else:
        out["betweenness"] = betweenness(S)
        notes["betweenness"] = "normalised shortest-path betweenness (undirected)"
    out["closeness"] = closeness(S) if S.number_of_nodes() else {}
    notes["closeness"] = "closeness (Wasserman-Faust, undirected)"
    return out, notes


def _sizes(values: dict, nodes) -> dict:
    """Metric -> node size, area-proportional between 8 and 30 pixels (radius)."""
    clean = {n: (v if isinstance(v, (int, float)) and math.isfinite(v) and v > 0 else 0.0)
             for n, v in ((n, values.get(n)) for n in nodes)}
    top = max(clean.values(), default=0.0)
    if top <= 0:
        return {n: _MIN_SIZE for n in nodes}
    return {n: round(_MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * math.sqrt(v / top), 2) for n, v in clean.items()}


# ------------------------------------------------------------------------------------------
# JSON for the page
# ------------------------------------------------------------------------------------------

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def _clean(v):
    if isinstance(v, float):
        return round(v, 6) if math.isfinite(v) else None
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [_clean(x) for x in v]
    return v


def json_for_script(obj) -> str:
    """JSON text that is safe inside ``<script type="application/json">`` (and in JS source).

    ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\uXXXX`` escapes, so no value can close
    the script element, open a comment or break a JS string; keys are sorted; NaN becomes null.

    Examples
    --------
    >>> json_for_script({"label": "</script><b>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(_clean(obj), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def _local(iri) -> str:
    s = str(iri)
    return s.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _public_iri(G, n):
    return None if G.nodes[n].get("pseudonym") else str(n)


def _build_items(H, *, size_by, focus, paths, seed, physics):
    nodes = sorted(H, key=str)
    ids = {n: f"n{i}" for i, n in enumerate(nodes)}
    metrics, notes = node_metrics(H, seed=seed)
    if size_by == "uniform":
        sizes = {n: 16.0 for n in nodes}
    else:
        sizes = _sizes(metrics[size_by], nodes)
    pos = seeded_layout(H, seed=seed)
    path_nodes = {x for p in paths for x in p}
    path_pairs = {frozenset((p[i], p[i + 1])) for p in paths for i in range(len(p) - 1)}

    def label_of(n):
        return str(H.nodes[n].get("label") or _local(n)) if n in H else _local(n)

    vis_nodes = []
    for n in nodes:
        d = H.nodes[n]
        tier, kind = d.get("tier"), d.get("kind") or "other"
        tier_key = tier if tier in TIER_COLOURS else None
        x, y = pos[n]
        on_path, is_focus = n in path_nodes, n == focus
        item = {
            "id": ids[n],
            "label": label_of(n),
            "shape": KIND_SHAPES.get(kind, KIND_SHAPES["other"]),
            "color": {"background": TIER_COLOURS[tier_key], "border": "#000000" if (on_path or is_focus) else "#555555"},
            "borderWidth": 4 if (on_path or is_focus) else 1,
            "size": sizes[n],
            "x": x, "y": y,
            "useit": {
                "iri": _public_iri(H, n),
                "type": d.get("type"), "kind": kind, "tier": tier, "group": d.get("group"),
                "alt": list(d.get("alt_labels") or []),
                "wps": sorted(str(w) for w in d.get("work_packages") or ()),
                "created": d.get("created"),
                "members": d.get("size"),
                "metrics": {m: metrics[m].get(n) for m in sorted(metrics)},
                "evidence": [[e.get("section"), e.get("quote")] for e in d.get("evidence") or ()],
                "focus": is_focus, "path": on_path, "person": bool(d.get("pseudonym")),
            },
        }
        if not physics:
            item["physics"] = False
        vis_nodes.append(item)

    vis_edges = []
    rows = sorted(H.edges(keys=True, data=True), key=lambda t: (ids[t[0]], ids[t[1]], str(t[2])))
    for i, (u, v, k, d) in enumerate(rows):
        tie = d.get("tie") if d.get("tie") in TIE_COLOURS else "unclassified"
        brokerage = d.get("rel_type") == "Brokerage" or d.get("broker") is not None
        on_path = frozenset((u, v)) in path_pairs
        personal = bool(d.get("personal_data"))
        item = {
            "id": f"e{i}",
            "from": ids[u], "to": ids[v],
            "color": {"color": TIE_COLOURS[tie], "highlight": "#000000", "hover": "#000000"},
            "dashes": [8, 6] if brokerage else False,
            "width": 5 if on_path else 1.5,
            "arrows": {"to": {"enabled": bool(d.get("directed", True)), "scaleFactor": 0.5}},
            "useit": {
                "rel": None if personal else (str(d["rel"]) if d.get("rel") else None),
                "type": d.get("rel_type"), "verb": d.get("label"), "tie": tie,
                "tie_reason": d.get("tie_reason"),
                "directed": bool(d.get("directed", True)),
                "broker": label_of(d["broker"]) if d.get("broker") else None,
                "mechanism": d.get("mechanism"),
                "start": d.get("start"), "end": d.get("end"), "gbp": d.get("value_gbp"),
                "wps": sorted(str(w) for w in d.get("work_packages") or ()),
                "evidence": [[e.get("section"), e.get("quote")] for e in d.get("evidence") or ()],
                "brokerage": brokerage, "path": on_path,
            },
        }
        vis_edges.append(item)
    return vis_nodes, vis_edges, notes


def _legend(H, vis_nodes, vis_edges, size_by, notes, paths):
    tiers_present = {n["useit"]["tier"] if n["useit"]["tier"] in TIER_COLOURS else None for n in vis_nodes}
    kinds_present = {n["useit"]["kind"] for n in vis_nodes}
    ties_present = {e["useit"]["tie"] for e in vis_edges}
    legend = {
        "tiers": [{"key": t or "none", "label": TIER_LABELS[t], "colour": TIER_COLOURS[t]}
                  for t in ("micro", "intermediary", "macro", None) if t is not None or None in tiers_present],
        "kinds": [{"key": k, "label": KIND_LABELS[k], "shape": KIND_SHAPES[k]}
                  for k in KIND_SHAPES if k in kinds_present or k in ("organisation", "cohort", "physical_asset", "programme")],
        "ties": [{"key": t, "label": TIE_LABELS[t], "colour": TIE_COLOURS[t]}
                 for t in TIE_COLOURS if t != "unclassified" or t in ties_present],
        "edges": [{"key": "brokerage", "label": "Dashed: brokerage (broker to party, and the tie it created)"},
                  {"key": "directed", "label": "Arrow: directed relationship (funds, commissions, ...)"}],
        "size": {"metric": size_by, "label": ("Size: " + notes.get(size_by, size_by)) if size_by != "uniform"
                 else "Size: all nodes the same"},
    }
    if paths:
        legend["edges"].append({"key": "path", "label": "Thick line, black border: on the highlighted path"})
    return legend


# ------------------------------------------------------------------------------------------
# The page
# ------------------------------------------------------------------------------------------

_TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="useit-graph (pyvis {{ pyvis_version }}, vis-network 9.1.2)">
<title>{{ heading }}</title>
<style>{% include 'lib/vis-9.1.2/vis-network.css' %}</style>
<style>{% raw %}
html, body { margin: 0; height: 100%; font: 14px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #222; }
#useit-app { display: flex; height: 100vh; }
#useit-side { width: 320px; min-width: 260px; overflow-y: auto; padding: 10px 12px; border-right: 1px solid #ddd; box-sizing: border-box; background: #fafafa; }
#useit-main { flex: 1; position: relative; }
#mynetwork { position: absolute; inset: 0; background: #ffffff; }
#useit-side h1 { font-size: 17px; margin: 0 0 6px; }
#useit-side h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: #555; margin: 14px 0 4px; }
#useit-side label { display: block; margin: 2px 0; cursor: pointer; }
#useit-side .row { display: flex; gap: 6px; align-items: center; margin: 3px 0; }
#useit-side input[type=date], #useit-side select, #useit-side input[type=search] { width: 100%; box-sizing: border-box; }
.useit-legend-item { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.useit-legend-item svg { flex: none; }
#useit-status, #useit-meta { color: #555; font-size: 12px; margin: 4px 0; }
#useit-details { white-space: normal; font-size: 12.5px; background: #fff; border: 1px solid #ddd; padding: 6px; min-height: 2em; }
.useit-tip { max-width: 420px; white-space: normal; font-size: 12.5px; }
.useit-tip .k { font-weight: 600; }
.useit-tip .q { font-style: italic; margin-left: 8px; }
div.vis-tooltip { white-space: normal; max-width: 440px; }
button { cursor: pointer; }
{% endraw %}</style>
</head>
<body>
<div id="useit-app">
  <aside id="useit-side">
    <h1 id="useit-title"></h1>
    <div id="useit-meta"></div>
    <h2>Search</h2>
    <div class="row"><input type="search" id="useit-search" placeholder="Find an organisation, asset..." list="useit-names"><button type="button" id="useit-search-go">Find</button></div>
    <datalist id="useit-names"></datalist>
    <div id="useit-search-result" role="status"></div>
    <h2>Filters</h2>
    <div id="useit-filter-ties"></div>
    <div id="useit-filter-tiers"></div>
    <label for="useit-filter-wp">Work package</label>
    <select id="useit-filter-wp"><option value="">All work packages</option></select>
    <div class="row"><label for="useit-date-from">From</label><input type="date" id="useit-date-from"></div>
    <div class="row"><label for="useit-date-to">To</label><input type="date" id="useit-date-to"></div>
    <div class="row"><button type="button" id="useit-reset">Reset filters</button></div>
    <div id="useit-status" role="status"></div>
    <h2>Legend</h2>
    <div id="useit-legend"></div>
    <h2>Details</h2>
    <div id="useit-details">Click a node or a line.</div>
  </aside>
  <main id="useit-main"><div id="mynetwork"></div></main>
</div>
<script type="application/json" id="useit-nodes">{{ nodes|json_script }}</script>
<script type="application/json" id="useit-edges">{{ edges|json_script }}</script>
<script type="application/json" id="useit-options">{{ options|json_text }}</script>
<script type="application/json" id="useit-meta-data">{{ useit_meta|json_script }}</script>
<script>{% include 'lib/vis-9.1.2/vis-network.min.js' %}</script>
<script>{% raw %}
(function () {
  "use strict";
  var t0 = performance.now();
  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  var NODES = readJSON("useit-nodes"), EDGES = readJSON("useit-edges");
  var OPTIONS = readJSON("useit-options"), META = readJSON("useit-meta-data");
  var byId = {};
  NODES.forEach(function (n) { byId[n.id] = n; });
  var wpLabel = {};
  META.work_packages.forEach(function (w) { wpLabel[w.iri] = w.label; });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function fmt(v) {
    if (v === null || v === undefined || v === "") { return null; }
    if (typeof v === "number") { return Number.isInteger(v) ? String(v) : v.toPrecision(3); }
    if (Array.isArray(v)) { return v.length ? v.join(", ") : null; }
    return String(v);
  }
  function rows(container, pairs) {
    pairs.forEach(function (p) {
      var v = fmt(p[1]);
      if (v === null) { return; }
      var r = el("div");
      r.appendChild(el("span", "k", p[0] + ": "));
      r.appendChild(document.createTextNode(v));
      container.appendChild(r);
    });
  }
  function evidence(container, ev) {
    ev.forEach(function (e) {
      var r = el("div");
      r.appendChild(el("span", "k", "Evidence: "));
      r.appendChild(document.createTextNode(e[0] || "(no section)"));
      if (e[1]) { r.appendChild(el("div", "q", "\u201c" + e[1] + "\u201d")); }
      container.appendChild(r);
    });
  }
  function nodeCard(n) {
    var u = n.useit, d = el("div", "useit-tip");
    d.appendChild(el("div", "k", n.label));
    var m = u.metrics || {};
    rows(d, [["Type", u.type], ["Kind", u.kind], ["Tier", u.tier || "unknown"], ["Group", u.group],
             ["Also known as", u.alt], ["Founded", u.created], ["Members", u.members],
             ["Work packages", u.wps.map(function (w) { return wpLabel[w] || w; })],
             ["Degree", m.degree], ["Betweenness", m.betweenness], ["Closeness", m.closeness],
             ["IRI", u.iri]]);
    if (u.person) { rows(d, [["Note", "pseudonymised person (personal data)"]]); }
    evidence(d, u.evidence);
    return d;
  }
  function edgeCard(e) {
    var u = e.useit, d = el("div", "useit-tip");
    var a = byId[e.from], b = byId[e.to];
    d.appendChild(el("div", "k", (a ? a.label : e.from) + (u.directed ? " \u2192 " : " \u2014 ") + (b ? b.label : e.to)));
    rows(d, [["Relationship", u.type + (u.verb ? " (" + u.verb + ")" : "")], ["Tie", u.tie],
             ["Why", u.tie_reason], ["Broker", u.broker], ["Mechanism", u.mechanism],
             ["Start", u.start], ["End", u.end || (u.start ? "ongoing" : null)],
             ["Amount", u.gbp === null || u.gbp === undefined ? null : "\u00a3" + Number(u.gbp).toLocaleString("en-GB")],
             ["Work packages", u.wps.map(function (w) { return wpLabel[w] || w; })], ["IRI", u.rel]]);
    evidence(d, u.evidence);
    return d;
  }
  var nodeItems = NODES.map(function (n) {
    var o = {}; Object.keys(n).forEach(function (k) { o[k] = n[k]; });
    o.title = nodeCard(n);
    return o;
  });
  var edgeItems = EDGES.map(function (e) {
    var o = {}; Object.keys(e).forEach(function (k) { o[k] = e[k]; });
    o.title = edgeCard(e);
    return o;
  });
  var nodes = new vis.DataSet(nodeItems), edges = new vis.DataSet(edgeItems);
  var container = document.getElementById("mynetwork");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, OPTIONS);
  var api = {network: network, nodes: nodes, edges: edges, ready: false, readyMs: null, meta: META,
             applyFilters: null, search: null};
  window.useitMap = api;
  function markReady() {
    if (api.ready) { return; }
    api.ready = true; api.readyAt = performance.now(); api.readyMs = api.readyAt - t0;
    document.body.setAttribute("data-ready", "1");
  }
  if (OPTIONS.physics && OPTIONS.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
  }

  // ---- title, meta
  document.getElementById("useit-title").textContent = META.title;
  document.title = META.title;
  var metaBits = [NODES.length + " nodes, " + EDGES.length + " relationships"];
  if (META.as_of) { metaBits.push("as of " + META.as_of); }
  if (META.focus) { metaBits.push("around " + META.focus + " (depth " + META.depth + ")"); }
  if (META.pseudonymised) { metaBits.push(META.pseudonymised + " person(s) pseudonymised"); }
  document.getElementById("useit-meta").textContent = metaBits.join(" \u00b7 ");

  // ---- legend (inline SVG symbols, no external assets)
  var SVG = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function shapeSymbol(shape, fill) {
    var s = svgEl("svg", {width: 18, height: 18, viewBox: "0 0 18 18"});
    var st = {fill: fill, stroke: "#555", "stroke-width": 1};
    var p;
    function poly(pts) { var a = {points: pts}; Object.keys(st).forEach(function (k) { a[k] = st[k]; }); return svgEl("polygon", a); }
    if (shape === "dot") { p = svgEl("circle", {cx: 9, cy: 9, r: 7, fill: fill, stroke: "#555"}); }
    else if (shape === "square") { p = svgEl("rect", {x: 3, y: 3, width: 12, height: 12, fill: fill, stroke: "#555"}); }
    else if (shape === "box") { p = svgEl("rect", {x: 1, y: 5, width: 16, height: 9, rx: 3, fill: fill, stroke: "#555"}); }
    else if (shape === "triangle") { p = poly("9,2 16,15 2,15"); }
    else if (shape === "triangleDown") { p = poly("2,3 16,3 9,16"); }
    else if (shape === "diamond") { p = poly("9,1 17,9 9,17 1,9"); }
    else if (shape === "hexagon") { p = poly("5,2 13,2 17,9 13,16 5,16 1,9"); }
    else if (shape === "star") { p = poly("9,1 11,7 17,7 12,11 14,17 9,13 4,17 6,11 1,7 7,7"); }
    else { p = svgEl("circle", {cx: 9, cy: 9, r: 7, fill: fill, stroke: "#555"}); }
    s.appendChild(p);
    return s;
  }
  function lineSymbol(colour, dashed, width, arrow) {
    var s = svgEl("svg", {width: 30, height: 12, viewBox: "0 0 30 12"});
    var a = {x1: 1, y1: 6, x2: arrow ? 22 : 29, y2: 6, stroke: colour, "stroke-width": width || 2};
    if (dashed) { a["stroke-dasharray"] = "5,3"; }
    s.appendChild(svgEl("line", a));
    if (arrow) { s.appendChild(svgEl("polygon", {points: "22,2 29,6 22,10", fill: colour})); }
    return s;
  }
  var legend = document.getElementById("useit-legend");
  function legendItem(key, symbol, text) {
    var d = el("div", "useit-legend-item");
    d.setAttribute("data-legend", key);
    d.appendChild(symbol);
    d.appendChild(el("span", null, text));
    legend.appendChild(d);
  }
  legend.appendChild(el("div", "k", "Colour = tier"));
  META.legend.tiers.forEach(function (t) { legendItem("tier:" + t.key, shapeSymbol("dot", t.colour), t.label); });
  legend.appendChild(el("div", "k", "Shape = kind"));
  META.legend.kinds.forEach(function (k) { legendItem("kind:" + k.key, shapeSymbol(k.shape, "#dddddd"), k.label); });
  legend.appendChild(el("div", "k", "Line colour = tie type"));
  META.legend.ties.forEach(function (t) { legendItem("tie:" + t.key, lineSymbol(t.colour, false), t.label); });
  META.legend.edges.forEach(function (t) {
    legendItem("edge:" + t.key, lineSymbol("#444", t.key === "brokerage", t.key === "path" ? 5 : 2, t.key === "directed"), t.label);
  });
  legendItem("size:" + META.legend.size.metric, shapeSymbol("dot", "#ffffff"), META.legend.size.label);

  // ---- filters
  function checkboxes(containerId, group, items) {
    var c = document.getElementById(containerId);
    c.appendChild(el("div", "k", group === "tie" ? "Tie types" : "Tiers"));
    items.forEach(function (it) {
      var lab = el("label");
      var box = el("input");
      box.type = "checkbox"; box.checked = true; box.value = it.key;
      box.setAttribute("data-filter", group);
      box.addEventListener("change", applyFilters);
      lab.appendChild(box);
      lab.appendChild(document.createTextNode(" " + it.label));
      c.appendChild(lab);
    });
  }
  checkboxes("useit-filter-ties", "tie", META.legend.ties);
  checkboxes("useit-filter-tiers", "tier", META.legend.tiers);
  var wpSelect = document.getElementById("useit-filter-wp");
  META.work_packages.forEach(function (w) {
    var o = el("option", null, w.label); o.value = w.iri; wpSelect.appendChild(o);
  });
  wpSelect.addEventListener("change", applyFilters);
  var dFrom = document.getElementById("useit-date-from"), dTo = document.getElementById("useit-date-to");
  if (META.dates.min) { dFrom.min = dTo.min = META.dates.min; }
  if (META.dates.max) { dFrom.max = dTo.max = META.dates.max; }
  dFrom.addEventListener("change", applyFilters);
  dTo.addEventListener("change", applyFilters);
  function checked(group) {
    var s = {};
    document.querySelectorAll('input[data-filter="' + group + '"]').forEach(function (b) { s[b.value] = b.checked; });
    return s;
  }
  function applyFilters() {
    var ties = checked("tie"), tiers = checked("tier");
    var wp = wpSelect.value, from = dFrom.value || null, to = dTo.value || null;
    var nodeOk = {}, hasEdge = {};
    NODES.forEach(function (n) {
      var u = n.useit, tk = u.tier || "none";
      var ok = tiers[tk] !== false;
      if (ok && to && u.created && u.created > to) { ok = false; }
      nodeOk[n.id] = ok;
    });
    var edgeUpd = [], shownEdges = 0;
    EDGES.forEach(function (e) {
      var u = e.useit;
      var ok = ties[u.tie] !== false && nodeOk[e.from] && nodeOk[e.to];
      if (ok && wp && u.wps.indexOf(wp) < 0) { ok = false; }
      if (ok && to && u.start && u.start > to) { ok = false; }
      if (ok && from && u.end && u.end < from) { ok = false; }
      if (ok) { hasEdge[e.from] = hasEdge[e.to] = true; shownEdges++; }
      edgeUpd.push({id: e.id, hidden: !ok});
    });
    var nodeUpd = [], shownNodes = 0;
    NODES.forEach(function (n) {
      var ok = nodeOk[n.id];
      if (ok && wp && !hasEdge[n.id] && n.useit.wps.indexOf(wp) < 0 && n.useit.iri !== wp) { ok = false; }
      if (ok) { shownNodes++; }
      nodeUpd.push({id: n.id, hidden: !ok});
    });
    nodes.update(nodeUpd);
    edges.update(edgeUpd);
    document.getElementById("useit-status").textContent =
      "Showing " + shownNodes + " of " + NODES.length + " nodes and " + shownEdges + " of " + EDGES.length + " relationships.";
    return {nodes: shownNodes, edges: shownEdges};
  }
  api.applyFilters = applyFilters;
  document.getElementById("useit-reset").addEventListener("click", function () {
    document.querySelectorAll("input[data-filter]").forEach(function (b) { b.checked = true; });
    wpSelect.value = ""; dFrom.value = ""; dTo.value = "";
    applyFilters();
  });

  // ---- search
  var names = document.getElementById("useit-names");
  NODES.slice().sort(function (a, b) { return a.label < b.label ? -1 : a.label > b.label ? 1 : 0; })
    .forEach(function (n) { var o = el("option"); o.value = n.label; names.appendChild(o); });
  function search(text) {
    var q = String(text || "").trim().toLowerCase();
    var hits = [];
    if (q) {
      NODES.forEach(function (n) {
        var hay = [n.label].concat(n.useit.alt).map(function (s) { return String(s).toLowerCase(); });
        var exact = hay.some(function (s) { return s === q; });
        if (exact || hay.some(function (s) { return s.indexOf(q) >= 0; })) { hits.push({id: n.id, exact: exact}); }
      });
      var exactHits = hits.filter(function (h) { return h.exact; });
      if (exactHits.length) { hits = exactHits; }
    }
    var ids = hits.map(function (h) { return h.id; });
    network.selectNodes(ids);
    var out = document.getElementById("useit-search-result");
    if (!q) { out.textContent = ""; }
    else if (!ids.length) { out.textContent = "No match."; }
    else {
      out.textContent = ids.length === 1 ? "Found: " + byId[ids[0]].label : ids.length + " matches (selected).";
      if (ids.length === 1) { network.focus(ids[0], {scale: 1.2, animation: false}); showDetails(nodeCard(byId[ids[0]])); }
      else { network.fit({nodes: ids, animation: false}); }
    }
    return ids;
  }
  api.search = search;
  var box = document.getElementById("useit-search");
  document.getElementById("useit-search-go").addEventListener("click", function () { search(box.value); });
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { search(box.value); } });

  // ---- details panel
  function showDetails(card) {
    var d = document.getElementById("useit-details");
    d.textContent = "";
    d.appendChild(card);
  }
  network.on("click", function (p) {
    if (p.nodes.length) { showDetails(nodeCard(byId[p.nodes[0]])); }
    else if (p.edges.length) {
      var e = EDGES.filter(function (x) { return x.id === p.edges[0]; })[0];
      if (e) { showDetails(edgeCard(e)); }
    }
  });
  api.showNode = function (id) { showDetails(nodeCard(byId[id])); };
  api.showEdge = function (id) { showDetails(edgeCard(EDGES.filter(function (x) { return x.id === id; })[0])); };
  applyFilters();
})();
{% endraw %}</script>
</body>
</html>
"""

_OFFLINE_RE = re.compile(
    r"""<(?:script|link|img|iframe|source|audio|video|embed|object|image|use)\b[^>]*?\b(?:src|href|data|srcset|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE,
)
_CSS_URL_RE = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//|@import\s""", re.IGNORECASE)


def check_offline(html: str) -> None:
    """Raise ``UseitGraphError`` when the page would fetch anything from the network.

    Looks for ``src``/``href``/``data`` attributes pointing at ``http(s)://`` or ``//`` on script,
    link, img and media tags, and for remote ``url()`` / ``@import`` in CSS.

    Examples
    --------
    >>> check_offline('<script>var a = "https://example.org";</script>')
    >>> check_offline('<script src="https://cdn.example/x.js"></script>')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    useit_graph.errors.UseitGraphError: the map would load a remote resource: <script src="https://...
    """
    from ..errors import UseitGraphError

    m = _OFFLINE_RE.search(html) or _CSS_URL_RE.search(html)
    if m:
        raise UseitGraphError(f"the map would load a remote resource: {html[m.start():m.end()]}...",
                              hint="this is a bug in useit_graph/export/html.py; please report it")


def _pyvis_templates() -> str:
    import pyvis

    return str(Path(pyvis.__file__).resolve().parent / "templates")


def _environment(meta: dict):
    from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
    from markupsafe import Markup

    env = Environment(loader=ChoiceLoader([DictLoader({"useit-map.html": _TEMPLATE}),
                                           FileSystemLoader(_pyvis_templates())]),
                      autoescape=True, keep_trailing_newline=True)
    env.filters["json_script"] = lambda v: Markup(json_for_script(v))
    env.filters["json_text"] = lambda s: Markup(json_for_script(json.loads(s)))
    env.globals["useit_meta"] = meta
    import pyvis

    env.globals["pyvis_version"] = getattr(pyvis, "__version__", "")
    return env


def _options(physics: bool, seed: int, n_edges: int) -> dict:
    opts = {
        "autoResize": True,
        "layout": {"randomSeed": seed, "improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False,
                        "hideEdgesOnDrag": n_edges > 2000, "multiselect": True},
        "nodes": {"font": {"size": 13, "face": "arial"}, "scaling": {"label": {"enabled": False}}},
        "edges": {"smooth": {"enabled": True, "type": "continuous", "roundness": 0.3} if n_edges <= 2000 else False,
                  "selectionWidth": 2},
    }
    if physics:
        opts["physics"] = {"enabled": True, "solver": "barnesHut",
                           "barnesHut": {"gravitationalConstant": -3000, "springLength": 120, "avoidOverlap": 0.2},
                           "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50, "fit": True}}
    else:
        opts["physics"] = {"enabled": False, "stabilization": {"enabled": False}}
    return opts


def render_html(G, *, size_by: str = "degree", focus=None, depth: int = 1, path_nodes=None, as_of=None,
                include_persons: bool = False, title: str = "USE-IT! relationship map", seed: int = 42,
                physics_threshold: int = 500) -> str:
    """The map as HTML text (see :func:`write_html` for the parameters)."""
    from pyvis.network import Network

    if size_by not in SIZE_METRICS:
        raise UsageError(f"cannot size nodes by {size_by!r}", hint="use one of " + ", ".join(SIZE_METRICS))
    H = prepare_view(G, focus=focus, depth=depth, path_nodes=path_nodes, as_of=as_of,
                     include_persons=include_persons)
    paths = _path_list(path_nodes)
    physics = H.number_of_nodes() <= physics_threshold
    vis_nodes, vis_edges, notes = _build_items(H, size_by=size_by, focus=focus, paths=paths, seed=seed,
                                               physics=physics)
    wps = sorted({w for n in vis_nodes for w in n["useit"]["wps"]} | {w for e in vis_edges for w in e["useit"]["wps"]})
    dates = sorted({d for e in vis_edges for d in (e["useit"]["start"], e["useit"]["end"]) if d}
                   | {n["useit"]["created"] for n in vis_nodes if n["useit"]["created"]})
    meta = {
        "title": title,
        "as_of": str(as_of)[:10] if as_of else None,
        "focus": (H.nodes[focus].get("label") if focus in H else None) if focus is not None else None,
        "depth": depth if focus is not None else None,
        "size_by": size_by,
        "pseudonymised": H.graph.get("pseudonymised", 0),
        "physics": physics,
        "work_packages": [{"iri": w, "label": str(G.nodes[w].get("label")) if w in G else _local(w)} for w in wps],
        "dates": {"min": dates[0] if dates else None, "max": dates[-1] if dates else None},
        "legend": _legend(H, vis_nodes, vis_edges, size_by, notes, paths),
        "metric_notes": notes,
    }
    net = Network(height="100%", width="100%", directed=True, heading=title, cdn_resources="in_line")
    # bulk: Network.add_edge scans every edge per call (O(n^2), FACTS.md)
    net.nodes = vis_nodes
    net.edges = vis_edges
    net.node_ids = [n["id"] for n in vis_nodes]
    net.node_map = {n["id"]: n for n in vis_nodes}
    net.options = _options(physics, seed, len(vis_edges))
    net.templateEnv = _environment(meta)
    net.path = "useit-map.html"
    html = net.generate_html(name="map.html")
    check_offline(html)
    return html


def write_html(G, path, *, size_by: str = "degree", focus=None, depth: int = 1, path_nodes=None, as_of=None,
               include_persons: bool = False, title: str = "USE-IT! relationship map", seed: int = 42,
               physics_threshold: int = 500) -> Path:
    """Write the interactive map as one self-contained, offline HTML file.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From ``project_graph`` (attributes in ``docs/graph-model.md``).
    path : path-like
        The file to write (atomically: a failed run leaves any old file in place).
    size_by : {"degree", "betweenness", "closeness", "uniform"}, optional (default="degree")
        Node size, area-proportional to the metric.
    focus : str, optional
        IRI of the node at the centre of an ego map (resolve names with ``search.resolve_entity``).
    depth : int, optional (default=1)
        Radius of the ego map, in hops.
    path_nodes : list of str, or list of lists, optional
        One or more paths (e.g. from ``connect.links``) to keep and highlight.
    as_of : str or datetime.date, optional
        Snapshot date (see :func:`snapshot`).
    include_persons : bool, optional (default=False)
        Show natural persons' names; by default they are pseudonymised.
    title : str, optional
        Page title and heading.
    seed : int, optional (default=42)
        Layout seed: the same graph and seed give the same bytes.
    physics_threshold : int, optional (default=500)
        Above this many nodes the page draws the precomputed layout with physics off.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    UnknownEntity
        ``focus`` or a path node is not in the (snapshot) graph.
    UsageError
        Unknown ``size_by`` or negative ``depth``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:a", label="A", kind="organisation", tier="micro", group="arts")
    >>> G.add_node("urn:b", label="B", kind="cohort", tier="micro", group="arts")
    >>> _ = G.add_edge("urn:a", "urn:b", rel="urn:r", rel_type="Support", tie="bonding", start="2018-01-01")
    >>> out = write_html(G, pathlib.Path(tempfile.mkdtemp()) / "map.html")
    >>> "cdn.jsdelivr" in out.read_text(encoding="utf-8")
    False
    """
    html = render_html(G, size_by=size_by, focus=focus, depth=depth, path_nodes=path_nodes, as_of=as_of,
                       include_persons=include_persons, title=title, seed=seed,
                       physics_threshold=physics_threshold)
    return write_text_atomic(Path(path), html)
