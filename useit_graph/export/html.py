"""The interactive relationship map: one self-contained, offline HTML file.

Stage 5 (export): ``networkx.MultiDiGraph`` from ``project_graph`` -> an HTML page built on pyvis
(its ``Network`` options, its ``generate_html()`` and its bundled vis-network 9.1.2), with the
scripts and styles inlined and nothing fetched at run time.

What this module adds to pyvis, and why
---------------------------------------
- **Offline.** pyvis's ``cdn_resources="in_line"`` still links Bootstrap from a CDN (pyvis issues
  #228, #229). We render pyvis's ``generate_html()`` through our own template, which inlines
  vis-network's JS and CSS from pyvis's package (minus the bundle's ``sourceMappingURL`` comment)
  and links nothing; :func:`check_offline` refuses any page with an external ``src``/``href``, and
  a Content-Security-Policy forbids network access.
- **No injection.** Every datum (labels, quotes, IRIs) goes into the page once, as JSON inside
  ``<script type="application/json">`` with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped. Tooltips
  are DOM elements built with ``textContent``; nothing is ever parsed as HTML.
- **Legend, filters, search.** pyvis has no legend (issue #50) and its ``filter_menu`` is broken
  (issue #193); the page has its own legend and small filters over the vis ``DataSet``. The date
  filter cuts the network as ``project_graph(as_of=...)`` does (:func:`born_dates`).
- **Whole-network metrics.** :func:`prepare_view` measures the snapshot before cutting a focus or
  path view, so tooltips, sizes and GEXF show each node's value in the whole network.
- **Stable layout.** Positions come from a seeded igraph Fruchterman-Reingold layout. Above
  ``physics_threshold`` nodes physics is off (vis physics does not settle at 1k nodes, FACTS.md);
  below it, physics refines the seeded layout and then stops.
- **Deterministic bytes.** Nodes and edges are sorted and given positional ids (``n0``, ``e0``);
  no timestamps, no Python ``hash``.
- **Privacy.** Natural persons (``personal_data=True``) become "Person 1", "Person 2"... unless
  ``include_persons=True`` (:func:`pseudonymise_persons`, shared by every graph export): the
  relationships they take part in are withheld on all of their edges, and their names are
  replaced in other entities' labels and quotes.

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
    "pseudonym_order",
    "withheld_relationships",
    "name_variants",
    "name_redactor",
    "born_dates",
    "public_key",
    "prepare_view",
    "view_metrics",
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

#: Legend text of the view highlights (the HTML map and the images share them).
FOCUS_LABEL = "Thick black border: the focus entity (centre of this view)"
PATH_LABEL = "Thick line, thick black border: on a highlighted connecting path"


# ------------------------------------------------------------------------------------------
# Views: privacy, snapshot, focus
# ------------------------------------------------------------------------------------------

#: Key of the BLAKE2b hash that orders pseudonyms. It is public (this is not a secret): it only
#: keeps "Person 1, Person 2..." from following the alphabetical order of names or IRIs.
PSEUDONYM_KEY = b"useit-graph pseudonym order v1"


def pseudonym_order(iris) -> list:
    """IRIs in a deterministic order that does not follow their spelling.

    Sorted by a keyed BLAKE2b hash of the IRI (:data:`PSEUDONYM_KEY`), so "Person 1" is not the
    alphabetically first name and neighbouring numbers say nothing about neighbouring names. The
    same IRIs give the same order in every process (no Python ``hash``).

    Examples
    --------
    >>> pseudonym_order(["urn:b", "urn:a"]) == pseudonym_order(["urn:a", "urn:b"])
    True
    """
    import hashlib

    return sorted({str(x) for x in iris},
                  key=lambda s: (hashlib.blake2b(s.encode("utf-8"), key=PSEUDONYM_KEY, digest_size=16).digest(), s))


def _namespace(iri) -> str:
    s = str(iri)
    return s[: len(s) - len(s.rsplit("/", 1)[-1].rsplit("#", 1)[-1])]


def _touches(G, persons, u, v, d) -> bool:
    return u in persons or v in persons or d.get("broker") in persons


def withheld_relationships(G) -> dict:
    """Relationship IRI -> its withheld IRI, for every relationship that involves a natural person.

    A relationship with three or more parties becomes several edges; once *any* of them touches a
    person (an end or the broker), the relationship's IRI and quotes are withheld on *all* of
    them, because the IRI (``rel-swbh-places-mohammed-city-hospital``) often spells the name.

    Returns
    -------
    dict
        ``{rel: namespace + "rel-withheld-N"}``, N in :func:`pseudonym_order`.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("ex:jane", personal_data=True)
    >>> _ = G.add_edge("ex:org", "ex:jane", rel="https://example.org/rel-org-introduces-jane")
    >>> _ = G.add_edge("ex:org", "ex:council", rel="https://example.org/rel-org-introduces-jane")
    >>> withheld_relationships(G)
    {'https://example.org/rel-org-introduces-jane': 'https://example.org/rel-withheld-1'}
    """
    persons = {n for n, d in G.nodes(data=True) if d.get("personal_data")}
    rels = {d["rel"] for u, v, d in G.edges(data=True) if d.get("rel") and _touches(G, persons, u, v, d)}
    return {r: f"{_namespace(r)}rel-withheld-{i}" for i, r in enumerate(pseudonym_order(rels), start=1)}


def name_variants(label, alt_labels=()) -> list:
    """The strings that name a person in free text: label, alternative labels and name parts.

    A label that looks like a personal name (two to four capitalised words, such as
    "Queeni Thomas") also contributes each word of three or more letters, so "Queeni" alone is
    caught too. Descriptive labels ("FUSE participant who ...") contribute only themselves.

    Examples
    --------
    >>> name_variants("Queeni Thomas", ["QT"])
    ['Queeni Thomas', 'Queeni', 'Thomas', 'QT']
    >>> name_variants("FUSE participant who co-created the space")
    ['FUSE participant who co-created the space']
    """
    out = []
    for text in [label, *(alt_labels or ())]:
        text = str(text or "").strip()
        if len(text) < 2:
            continue
        out.append(text)
        words = text.split()
        name_like = all(w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in words)
        if 2 <= len(words) <= 4 and name_like:
            out.extend(w for w in words if len(w) >= 3)
    seen = set()
    return [x for x in out if not (x in seen or seen.add(x))]


def name_redactor(names: dict, protect=()):
    """``text -> text`` that replaces each whole-word, case-sensitive name by its pseudonym.

    Parameters
    ----------
    names : dict
        Name -> pseudonym ("Queeni Thomas" -> "Person 3"). Longer names win over their parts.
    protect : iterable of str, optional
        Other entities' names (organisations, places, assets). Where one of them of two or more
        words contains a one-word name ("Thomas" in "St Thomas Community Hub"), that word is
        left alone inside it: the entity's own name is public and a surname or first name that
        is also part of it is not the person. Names of two or more words ("Queeni Thomas") are
        replaced inside protected names too.

    Examples
    --------
    >>> redact = name_redactor({"Sami": "Person 2", "Anne": "Person 1"})
    >>> redact("Sami left; Anne's English improved; Samira and planners stay.")
    "Person 2 left; Person 1's English improved; Samira and planners stay."
    >>> redact = name_redactor({"Queeni Thomas": "Person 3", "Queeni": "Person 3", "Thomas": "Person 3"},
    ...                        protect=["St Thomas Community Hub", "Friends of Queeni Thomas"])
    >>> redact("Thomas met St Thomas Community Hub and Friends of Queeni Thomas.")
    'Person 3 met St Thomas Community Hub and Friends of Person 3.'
    """
    if not names:
        return lambda text: text

    def alternation(words):
        ordered = sorted(words, key=lambda s: (-len(s), s))
        return r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])"

    pattern = re.compile(alternation(names))
    multi = {n: v for n, v in names.items() if len(n.split()) > 1}
    inside = re.compile(alternation(multi)) if multi else None
    shields = sorted({p for p in map(str, protect or ()) if len(p.split()) > 1 and p not in names
                      and any(len(m.group(0).split()) == 1 for m in pattern.finditer(p))})
    if shields:
        # a shield is tried before the names at each position, so "St Thomas ..." is taken whole
        pattern = re.compile("(" + alternation(shields) + ")|" + alternation(names))

    def sub(m):
        if shields and m.group(1) is not None:
            return inside.sub(lambda x: multi[x.group(0)], m.group(0)) if inside else m.group(0)
        return names[m.group(0)]

    def redact(text):
        if not isinstance(text, str) or not text:
            return text
        return pattern.sub(sub, text)

    return redact


def person_pseudonyms(G) -> dict:
    """Natural person (``personal_data=True``) -> its number N of "Person N", in :func:`pseudonym_order`."""
    persons = [n for n, d in G.nodes(data=True) if d.get("personal_data")]
    return {p: i for i, p in enumerate(pseudonym_order(persons), start=1)}


def pseudonymise_persons(G, include_persons: bool = False, *, base=None):
    """Replace natural persons' names by "Person 1", "Person 2", ... (unless opted in).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From ``project_graph``; nodes with ``personal_data=True`` are natural persons.
    include_persons : bool, optional (default=False)
        Keep persons as they are (the caller has a lawful basis to show them).
    base : networkx.MultiDiGraph, optional
        The whole graph ``G`` was cut from (a snapshot or focus view). Pseudonyms, withheld
        relationships and the names to redact are taken from it, so "Person 3" is the same
        person in every view, and a relationship that involves a person is withheld even where
        the view cut the person's own edge off. Default: ``G``.

    Returns
    -------
    networkx.MultiDiGraph
        A copy. Each person's ``label`` becomes "Person N" (numbered in :func:`pseudonym_order`,
        not alphabetically), its ``alt_labels``, ``evidence`` and ``places`` are emptied,
        ``pseudonym`` is True and ``public_id`` is ``person-N``. Every edge of a relationship that
        involves a person (:func:`withheld_relationships`) gets ``personal_data=True``, the
        withheld IRI as ``rel`` and as its key. The quotes of persons' evidence and of those
        relationships are withheld wherever they are cited (the section is kept). Persons' names
        (:func:`name_variants`) in other nodes' labels and in every remaining quote and section
        are replaced by their pseudonyms. Node keys stay the same (exports that print keys use
        ``public_id``). A graph that is already pseudonymised is copied unchanged.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("ex:jane", label="Jane Doe", personal_data=True, alt_labels=["JD"], evidence=[])
    >>> G.add_node("ex:org", label="Org", personal_data=False)
    >>> pseudonymise_persons(G).nodes["ex:jane"]["label"]
    'Person 1'
    """
    H = G.copy()
    if include_persons or G.graph.get("pseudonymised") is not None:
        return H
    B = G if base is None else base
    number = person_pseudonyms(B)
    for n in pseudonym_order(n for n, d in H.nodes(data=True) if d.get("personal_data") and n not in number):
        number[n] = len(number) + 1  # not in the base graph (should not happen): numbered after
    if not number:
        H.graph["pseudonymised"] = 0
        return H
    persons = set(number)
    withheld = withheld_relationships(B)
    for u, v, d in H.edges(data=True):  # relationships of this view that the base did not have
        r = d.get("rel")
        if r and r not in withheld and _touches(H, persons, u, v, d):
            withheld[r] = f"{_namespace(r)}rel-withheld-{len(withheld) + 1}"

    secret = set()  # (section, quote) of evidence about a person: withheld wherever it is cited
    names = {}
    for g in (B, H):
        for n in persons & set(g):
            d = g.nodes[n]
            secret.update((e.get("section"), e.get("quote")) for e in d.get("evidence") or ())
            for name in name_variants(d.get("label"), d.get("alt_labels")):
                names.setdefault(name, f"Person {number[n]}")
        for u, v, d in g.edges(data=True):
            if d.get("rel") in withheld or _touches(g, persons, u, v, d):
                secret.update((e.get("section"), e.get("quote")) for e in d.get("evidence") or ())
    others = {t for g in (B, H) for n, d in g.nodes(data=True) if n not in persons
              for t in [d.get("label"), *(d.get("alt_labels") or ())] if t}
    redact = name_redactor(names, protect=others)

    def scrub(evidence):
        return [{**e, "quote": _WITHHELD if (e.get("section"), e.get("quote")) in secret else redact(e.get("quote")),
                 "section": redact(e.get("section"))}
                for e in evidence or ()]

    for n, d in H.nodes(data=True):
        if n in persons and n in number and d.get("personal_data"):
            d.update(label=f"Person {number[n]}", alt_labels=[], evidence=[], places=[], pseudonym=True,
                     public_id=f"person-{number[n]}")
        else:
            d["label"] = redact(d.get("label"))
            if d.get("alt_labels"):
                d["alt_labels"] = [redact(a) for a in d["alt_labels"]]
            if d.get("evidence"):
                d["evidence"] = scrub(d["evidence"])
    personal = []
    for u, v, k, d in H.edges(keys=True, data=True):
        if d.get("evidence"):
            d["evidence"] = scrub(d["evidence"])
        if d.get("broker") in persons and d["broker"] not in H:  # the view cut the broker off
            d["broker"] = f"person-{number[d['broker']]}"
        if d.get("rel") in withheld or _touches(H, persons, u, v, d):
            personal.append((u, v, k))
    for u, v, k in sorted(personal, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        d = H.edges[u, v, k]
        H.remove_edge(u, v, k)
        new = withheld.get(d.get("rel"))
        d.update(personal_data=True, rel=new)
        key, i = new or "withheld", 2
        while H.has_edge(u, v, key):
            key, i = f"{new or 'withheld'}#{i}", i + 1
        H.add_edge(u, v, key=key, **d)
    H.graph["pseudonymised"] = sum(1 for n in H if n in persons)
    return H


def snapshot(G, as_of):
    """The part of a projected graph that existed on ``as_of`` (ISO date), as ``project_graph`` cuts it.

    Keeps edges with ``start <= as_of`` and no ``end`` before it; drops entities that did not
    exist yet (:func:`born_dates`: founded later, or an undated asset created during the programme
    whose first relationship starts later) and projects, programmes and other entities that exist
    only as a relationship's party when none of their relationships runs on that day. The result
    equals ``project_graph(..., as_of=as_of)`` (tested on the seeds); a graph that
    ``project_graph`` already cut on that date is returned as it is.

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
    if G.graph.get("as_of") == as_of:
        return G
    born = born_dates(G)
    gone_edges, running = [], set()
    for u, v, k, d in G.edges(keys=True, data=True):
        start, end = d.get("start"), d.get("end")
        if (start is not None and str(start) > as_of) or (end is not None and str(end) < as_of):
            gone_edges.append((u, v, k))
        else:
            running.update((u, v))
    H = G.copy()
    H.remove_edges_from(gone_edges)
    H.remove_nodes_from([n for n, d in G.nodes(data=True)
                         if (born[n] is not None and born[n] > as_of)
                         or (_exists_via_relationships(d) and n not in running)])
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


def prepare_view(G, *, focus=None, depth=1, path_nodes=None, as_of=None, include_persons=False, seed: int = 42,
                 metrics: bool = True):
    """Snapshot, measure, focus (ego graph) and pseudonymise a projected graph, in that order.

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
    seed : int, optional (default=42)
        Seed of the sampled betweenness of large graphs (see :func:`node_metrics`).
    metrics : bool, optional (default=True)
        Compute :func:`node_metrics` on the whole snapshot *before* the focus cut and keep them in
        ``graph["_metrics"]``, so a node's degree and betweenness in a focus or path view are
        its values in the whole network, not in the ego graph. Writers use them when present.

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
    if focus is not None and depth < 0:
        raise UsageError(f"--depth must be 0 or more, got {depth}")
    measured = node_metrics(H, seed=seed) if metrics else None
    if focus is not None:
        keep = set(nx.ego_graph(H.to_undirected(as_view=True), focus, radius=depth))
        keep.update(x for p in paths for x in p)
        H = H.subgraph(sorted(keep)).copy()
    out = pseudonymise_persons(H, include_persons, base=G)
    if measured is not None:
        out.graph["_metrics"] = measured
    return out


def view_metrics(H, seed: int = 42) -> tuple[dict, dict]:
    """The metrics :func:`prepare_view` measured on the whole snapshot, else :func:`node_metrics` of ``H``."""
    found = H.graph.get("_metrics")
    return found if found is not None else node_metrics(H, seed=seed)


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


def public_key(G, n) -> str:
    """What a node is sorted and named by in an export: ``person-N`` for a pseudonym, else its IRI.

    Sorting by the IRI would put "Person 3" between its alphabetical neighbours and so hint at
    the name; ``person-N`` sorts by the pseudonym instead.
    """
    return str(G.nodes[n].get("public_id") or n)


def _exists_via_relationships(d) -> bool:
    """True for nodes the projection adds only as a relationship's party (projects, untyped ends)."""
    types = set(d.get("types") or ()) | {d.get("type")}
    return not ({"Agent", "PhysicalAsset"} & types) and d.get("kind") not in ("organisation", "cohort", "person",
                                                                              "physical_asset")


def born_dates(G) -> dict:
    """Node -> the date it starts to exist, as ``project_graph(as_of=...)`` decides it.

    ``created`` (``uit:foundedDate``) when known; for an undated asset created during the
    programme (``created_during``), the start of its first relationship; else None (always there).
    """
    first = {}
    for u, v, d in G.edges(data=True):
        s = d.get("start")
        if s is None:
            continue
        for x in (u, v):
            if x not in first or str(s) < first[x]:
                first[x] = str(s)
    out = {}
    for n, d in G.nodes(data=True):
        born = d.get("created")
        if born is None and d.get("created_during"):
            born = first.get(n)
        out[n] = str(born)[:10] if born is not None else None
    return out


def _build_items(H, *, size_by, focus, paths, seed, physics, born=None):
    nodes = sorted(H, key=lambda n: public_key(H, n))
    ids = {n: f"n{i}" for i, n in enumerate(nodes)}
    metrics, notes = view_metrics(H, seed=seed)
    born = born if born is not None else born_dates(H)
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
                "born": born.get(n, d.get("created")),
                "via_rel": _exists_via_relationships(d),
                "tier_key": tier_key or "none",
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
                "rel": str(d["rel"]) if d.get("rel") else None,
                "personal": personal,
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


def _legend(H, vis_nodes, vis_edges, size_by, notes, paths, focus=None):
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
    if focus is not None:
        legend["edges"].append({"key": "focus", "label": FOCUS_LABEL})
    if paths:
        legend["edges"].append({"key": "path", "label": PATH_LABEL})
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
<script>{{ vis_network_js }}</script>
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
    if (u.personal) { rows(d, [["Note", "involves a pseudonymised person: its IRI and quotes are withheld"]]); }
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
  function shapeSymbol(shape, fill, strokeWidth, stroke) {
    var s = svgEl("svg", {width: 18, height: 18, viewBox: "0 0 18 18"});
    var st = {fill: fill, stroke: stroke || "#555", "stroke-width": strokeWidth || 1};
    var p;
    function poly(pts) { var a = {points: pts}; Object.keys(st).forEach(function (k) { a[k] = st[k]; }); return svgEl("polygon", a); }
    if (shape === "dot") { p = svgEl("circle", {cx: 9, cy: 9, r: 7, fill: fill, stroke: st.stroke, "stroke-width": st["stroke-width"]}); }
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
    if (t.key === "focus") { legendItem("edge:focus", shapeSymbol("dot", "#ffffff", 3, "#000"), t.label); return; }
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
  // One rule for every filter (docs/maps.md, "Filters and search"):
  // 1. dates: a relationship is shown when it runs at some time in [From, To]; "To" alone means
  //    From = To, the network as it stood on that day, exactly as --as-of (project_graph) cuts it:
  //    start <= To, no end before From; an entity is there once it exists (founded, or for an undated
  //    asset created during the programme its first relationship); projects, programmes and other
  //    entities that only exist as a relationship's party need a running relationship.
  // 2. tiers hide entities; a relationship is shown only when both its ends are.
  // 3. tie types and the work package hide relationships, and then every entity left with no shown
  //    relationship (except the chosen work package itself and its members).
  function applyFilters() {
    var ties = checked("tie"), tiers = checked("tier");
    var wp = wpSelect.value, to = dTo.value || null, from = dFrom.value || to;
    var dated = !!(from || to);
    var running = {}, runs = {};
    EDGES.forEach(function (e) {
      var u = e.useit;
      var ok = !(to && u.start && u.start > to) && !(from && u.end && u.end < from);
      running[e.id] = ok;
      if (ok) { runs[e.from] = runs[e.to] = true; }
    });
    var nodeOk = {};
    NODES.forEach(function (n) {
      var u = n.useit;
      var ok = tiers[u.tier_key] !== false;
      if (ok && to && u.born && u.born > to) { ok = false; }
      if (ok && dated && u.via_rel && !runs[n.id]) { ok = false; }
      nodeOk[n.id] = ok;
    });
    var relFilter = !!wp || Object.keys(ties).some(function (k) { return ties[k] === false; });
    var edgeUpd = [], shownEdges = 0, hasEdge = {};
    EDGES.forEach(function (e) {
      var u = e.useit;
      var ok = running[e.id] && ties[u.tie] !== false && nodeOk[e.from] && nodeOk[e.to];
      if (ok && wp && u.wps.indexOf(wp) < 0) { ok = false; }
      if (ok) { hasEdge[e.from] = hasEdge[e.to] = true; shownEdges++; }
      edgeUpd.push({id: e.id, hidden: !ok});
    });
    var nodeUpd = [], shownNodes = 0;
    NODES.forEach(function (n) {
      var ok = nodeOk[n.id];
      if (ok && relFilter && !hasEdge[n.id] && !(wp && (n.useit.wps.indexOf(wp) >= 0 || n.useit.iri === wp))) { ok = false; }
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


_SOURCE_MAP_RE = re.compile(r"^\s*(?://[#@]\s*sourceMappingURL=[^\n]*|/\*[#@]\s*sourceMappingURL=[^\n]*?\*/)\s*$",
                            re.MULTILINE)


def vis_network_js() -> str:
    """pyvis's bundled vis-network 9.1.2, minus its ``//# sourceMappingURL=`` comment.

    The comment names a ``.map`` file that is not shipped; developer tools would try to fetch it
    (a request from an offline page, and a 404 in the console).
    """
    text = (Path(_pyvis_templates()) / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")
    return _SOURCE_MAP_RE.sub("", text)


def _environment(meta: dict):
    from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
    from markupsafe import Markup

    env = Environment(loader=ChoiceLoader([DictLoader({"useit-map.html": _TEMPLATE}),
                                           FileSystemLoader(_pyvis_templates())]),
                      autoescape=True, keep_trailing_newline=True)
    env.filters["json_script"] = lambda v: Markup(json_for_script(v))
    env.filters["json_text"] = lambda s: Markup(json_for_script(json.loads(s)))
    env.globals["useit_meta"] = meta
    env.globals["vis_network_js"] = Markup(vis_network_js())
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
                physics_threshold: int = 500, work_package_labels: dict | None = None) -> str:
    """The map as HTML text (see :func:`write_html` for the parameters)."""
    from pyvis.network import Network

    if size_by not in SIZE_METRICS:
        raise UsageError(f"cannot size nodes by {size_by!r}", hint="use one of " + ", ".join(SIZE_METRICS))
    H = prepare_view(G, focus=focus, depth=depth, path_nodes=path_nodes, as_of=as_of,
                     include_persons=include_persons, seed=seed)
    paths = _path_list(path_nodes)
    physics = H.number_of_nodes() <= physics_threshold
    vis_nodes, vis_edges, notes = _build_items(H, size_by=size_by, focus=focus, paths=paths, seed=seed,
                                               physics=physics, born=born_dates(G))
    wp_names = dict(G.graph.get("work_package_labels") or {})
    wp_names.update(work_package_labels or {})
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
        "work_packages": [{"iri": w, "label": _wp_label(G, w, wp_names)} for w in wps],
        "dates": {"min": dates[0] if dates else None, "max": dates[-1] if dates else None},
        "legend": _legend(H, vis_nodes, vis_edges, size_by, notes, paths, focus),
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


def _wp_label(G, w, names) -> str:
    """A work package's name: ``names`` (from the RDF), its node label, else its IRI's local name."""
    if names.get(w):
        return str(names[w])
    if w in G and G.nodes[w].get("label"):
        return str(G.nodes[w]["label"])
    return _local(w)


def write_html(G, path, *, size_by: str = "degree", focus=None, depth: int = 1, path_nodes=None, as_of=None,
               include_persons: bool = False, title: str = "USE-IT! relationship map", seed: int = 42,
               physics_threshold: int = 500, work_package_labels: dict | None = None) -> Path:
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
    work_package_labels : dict, optional
        Work package IRI -> name ("Work Package 5: Routes to Employment") for the filter menu and
        the tooltips; ``G.graph["work_package_labels"]`` is used too. Read them from the RDF with
        ``useit_graph.export.files.work_package_labels``. Default: the node's label, else the
        IRI's local name (``wp5``).

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
                       physics_threshold=physics_threshold, work_package_labels=work_package_labels)
    return write_text_atomic(Path(path), html)
