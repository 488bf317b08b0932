"""Data exports: GEXF, GraphML, JSON-LD, Turtle, N-Triples and the importer's CSV tables.

Two kinds of input, one job each:

- **Graph formats** (GEXF for Gephi, GraphML for Cytoscape/yEd) take the projected
  ``networkx.MultiDiGraph``. Those formats hold scalars only, so list and dict attributes are
  flattened to strings (lists joined with ``" | "``, evidence as ``"section: quote"`` items), and
  ``None`` values are left out. Types, tiers, groups, tie types, dates, amounts and the metrics
  (degree, betweenness, closeness) are kept as attributes; GEXF also carries Gephi ``viz`` colours,
  sizes and the seeded positions of the HTML map.
- **RDF formats** (JSON-LD, Turtle, N-Triples) and the **CSV tables** take the RDF data (an rdflib
  Graph or Dataset, normally without the ontology). JSON-LD uses the context shipped with the
  project, ``ontology/context.jsonld``, embedded by default; nothing is ever fetched. (Its intended
  address ``https://w3id.org/useit-graph/context.jsonld`` is not registered yet: ``docs/maps.md``
  says how to host the file and point a w3id redirect at it.) Turtle and N-Triples are written by
  pyoxigraph (about 50x faster than rdflib's serialisers, FACTS.md), sorted for stable bytes.

CSV tables have exactly the columns ``useit import`` reads (``useit_graph.importer.ENTITY_COLUMNS`` and
``RELATIONSHIP_COLUMNS``), so staff can edit an export and import it again. Text that starts with
``=``, ``+``, ``-`` or ``@`` is written with a leading apostrophe (spreadsheet formula injection);
the importer strips it. The tables hold what those columns can say: other properties (and all but
one evidence item per row) are left out; use Turtle for a lossless copy.

Natural persons (``uit:personalData true``) are pseudonymised by default in every format
(``include_persons=True`` opts in), as in the HTML map, with the same numbers ("Person 3" is the
same person everywhere); the relationships they take part in are withheld but keep their values,
so the pseudonymised RDF still conforms to the shapes and the CSV re-imports (:func:`pseudonymise_rdf`).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from ..atomic import atomic_path, write_text_atomic
from ..errors import UsageError

__all__ = [
    "FORMATS",
    "flatten_graph",
    "write_gexf",
    "write_graphml",
    "write_jsonld",
    "write_turtle",
    "write_ntriples",
    "write_csv",
    "csv_paths",
    "pseudonymise_rdf",
    "load_context",
    "work_package_labels",
    "CONTEXT_URL",
    "SEP",
]

FORMATS = ("gexf", "graphml", "jsonld", "ttl", "nt", "csv")
CONTEXT_URL = "https://w3id.org/useit-graph/context.jsonld"
SEP = " | "
_WITHHELD_QUOTE = "(quote withheld: it concerns a person)"
U = "https://w3id.org/useit-graph/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"


# ------------------------------------------------------------------------------------------
# GEXF and GraphML
# ------------------------------------------------------------------------------------------

def _flat(value):
    """A scalar for GEXF/GraphML, or None to leave the attribute out."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)  # plain str: the writers reject str subclasses such as project.IRI
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        parts = []
        for x in items:
            if isinstance(x, dict) and ("section" in x or "quote" in x):
                parts.append(f"{x.get('section') or ''}: {x.get('quote') or ''}")
            else:
                parts.append(str(x) if not isinstance(x, dict) else json.dumps(x, sort_keys=True, ensure_ascii=False))
        return SEP.join(parts)
    return str(value)


def flatten_graph(G, *, include_persons: bool = False, metrics: bool = True, seed: int = 42, viz: bool = False):
    """A copy of a projected graph with scalar attributes only, ready for GEXF/GraphML.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From ``project_graph``.
    include_persons : bool, optional
        Keep persons' names (default: pseudonymised, see ``html.pseudonymise_persons``).
    metrics : bool, optional
        Add ``degree``, ``betweenness`` and ``closeness`` node attributes.
    seed : int, optional
        Seed for the sampled betweenness of large graphs and for the ``viz`` positions.
    viz : bool, optional
        Add GEXF ``viz`` (colour by tier, size by degree, seeded position).

    Returns
    -------
    networkx.MultiDiGraph
        Lists become ``" | "``-joined strings, evidence ``"section: quote"`` items, ``None``
        attributes are dropped; graph attributes likewise (except private ``_`` ones). Metrics
        are the ones :func:`~useit_graph.export.html.prepare_view` measured on the whole snapshot
        when ``G`` is a view, else those of ``G``. Pseudonymised persons get the keys ``person-N``;
        every edge of a relationship that involves one has the key and ``rel``
        ``<namespace>rel-withheld-N`` (``html.withheld_relationships``).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", label="A", alt_labels=["x", "y"], tier=None)
    >>> flatten_graph(G, metrics=False).nodes["a"]
    {'alt_labels': 'x | y', 'label': 'A'}
    """
    import networkx as nx

    from .html import TIER_COLOURS, pseudonymise_persons, public_key, seeded_layout, view_metrics

    H = pseudonymise_persons(G, include_persons)
    # node keys are IRIs, which may spell a person's name: pseudonymised persons are keyed person-N
    # (and sorted by it); the edges of relationships that involve them were re-keyed rel-withheld-N
    name = {n: public_key(H, n) for n in H}
    F = nx.MultiDiGraph()
    F.graph.update({k: v for k, v in ((k, _flat(v)) for k, v in H.graph.items() if not str(k).startswith("_"))
                    if v is not None})
    found = view_metrics(H, seed=seed)[0] if metrics else {}
    pos = seeded_layout(H, seed=seed) if viz else {}
    for n in sorted(H, key=lambda x: name[x]):
        d = H.nodes[n]
        attrs = {k: v for k, v in ((k, _flat(v)) for k, v in sorted(d.items()) if k != "public_id") if v is not None}
        for m in sorted(found):
            v = found[m].get(n)
            if v is not None and math.isfinite(v):
                attrs[m] = float(v)
        if viz:
            colour = TIER_COLOURS.get(d.get("tier"), TIER_COLOURS[None])
            r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
            x, y = pos[n]
            attrs["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0},
                            "size": 5.0 + float(found.get("degree", {}).get(n, 0)),
                            "position": {"x": float(x), "y": float(-y), "z": 0.0}}
        F.add_node(name[n], **attrs)
    for u, v, k, d in sorted(H.edges(keys=True, data=True), key=lambda t: (name[t[0]], name[t[1]], str(t[2]))):
        attrs = {a: x for a, x in ((a, _flat(x)) for a, x in sorted(d.items())) if x is not None}
        if d.get("broker") in name:
            attrs["broker"] = name[d["broker"]]
        F.add_edge(name[u], name[v], key=str(k), **attrs)
    return F


def write_gexf(G, path, *, include_persons: bool = False, seed: int = 42) -> Path:
    """Write GEXF 1.2 for Gephi (node ``viz`` colours, sizes, positions; attributes flattened).

    See :func:`flatten_graph`. Written atomically with ``networkx.write_gexf``.
    """
    import networkx as nx

    F = flatten_graph(G, include_persons=include_persons, seed=seed, viz=True)
    with atomic_path(path) as tmp:
        nx.write_gexf(F, tmp, encoding="utf-8", prettyprint=True, version="1.2draft")
    return Path(path)


def write_graphml(G, path, *, include_persons: bool = False, seed: int = 42) -> Path:
    """Write GraphML (attributes flattened, see :func:`flatten_graph`) with ``networkx.write_graphml``."""
    import networkx as nx

    F = flatten_graph(G, include_persons=include_persons, seed=seed)
    with atomic_path(path) as tmp:
        nx.write_graphml(F, tmp, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return Path(path)


# ------------------------------------------------------------------------------------------
# RDF: privacy, JSON-LD, Turtle, N-Triples
# ------------------------------------------------------------------------------------------

def _as_graph(source):
    """rdflib Graph with every triple of a Graph or Dataset."""
    from rdflib import Graph

    if hasattr(source, "quads") and hasattr(source, "default_union"):
        g = Graph()
        for prefix, ns in source.namespace_manager.namespaces():
            g.bind(prefix, ns, override=False)
        for s, p, o, _ in source.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return source


def _persons(g):
    from rdflib import Literal, URIRef

    return sorted({s for s in g.subjects(URIRef(U + "personalData"), None)
                   if any(isinstance(o, Literal) and o.toPython() is True for o in g.objects(s, URIRef(U + "personalData")))},
                  key=str)


def _is_text(o) -> bool:
    """A literal that is free text (plain, ``xsd:string`` or language-tagged), not a date or number."""
    from rdflib import Literal

    return isinstance(o, Literal) and (o.language is not None or o.datatype is None
                                       or str(o.datatype) == XSD + "string")


def pseudonymise_rdf(source, include_persons: bool = False):
    """Pseudonymise natural persons in RDF data (unless opted in), keeping it valid and importable.

    - Each resource with ``uit:personalData true`` gets a new IRI (its namespace + ``person-N``, N
      in ``html.pseudonym_order``, the same numbers as the map's "Person N") and the label
      "Person N"; its other literal values (alt labels, comments, names, dates) are dropped. Its
      types, tier, group, ``personalData``, member count and links to other resources are kept.
    - Every relationship that names a person (``rel-swbh-places-mohammed-...``) gets a new IRI
      (``rel-withheld-N``) and the label "(label withheld: it concerns a person)", and loses its
      comments; its dates, amount, mechanism, work packages, places and evidence links are kept,
      so the export still conforms to ``ontology/shapes.ttl`` and re-imports.
    - The evidence of persons and of those relationships is renamed ``ev-withheld-N``; its quote
      becomes "(quote withheld: it concerns a person)"; its type, source and section are kept.
    - In every other free-text literal (labels, comments, quotes of other resources) the
      persons' names (``html.name_variants``: label, alternative labels, name parts) are
      replaced by their pseudonyms: "started by Queeni Thomas" -> "started by Person 3".

    Parameters
    ----------
    source : rdflib.Graph or rdflib.Dataset
    include_persons : bool, optional

    Returns
    -------
    rdflib.Graph
        A new graph (the input is not changed).
    """
    from rdflib import Graph, Literal, URIRef

    from .html import _namespace, name_redactor, name_variants, pseudonym_order

    g = _as_graph(source)
    out = Graph()
    for prefix, ns in g.namespace_manager.namespaces():
        out.bind(prefix, ns, override=False)
    persons = [] if include_persons else _persons(g)
    if not persons:
        for t in g:
            out.add(t)
        return out
    label, alt = URIRef(RDFS + "label"), URIRef(SKOS + "altLabel")
    comment, quote = URIRef(RDFS + "comment"), URIRef(U + "quote")
    evidence = URIRef(U + "evidence")
    keep_literal = {URIRef(U + "personalData"), URIRef(U + "memberCount")}
    person_set = set(persons)
    number = {p: i for i, p in enumerate(pseudonym_order(persons), start=1)}
    rename = {p: URIRef(f"{_namespace(p)}person-{number[str(p)]}") for p in persons}
    person_rels = {s for p in persons for s, _ in g.subject_predicates(p)
                   if (s, URIRef(RDF_TYPE), None) in g and s not in person_set}
    for j, rel in enumerate(pseudonym_order(person_rels), start=1):  # their IRIs and labels may spell the name
        rename[URIRef(rel)] = URIRef(f"{_namespace(rel)}rel-withheld-{j}")
    withheld_ev = {e for x in person_set | person_rels for e in g.objects(x, evidence) if isinstance(e, URIRef)}
    for j, ev in enumerate(pseudonym_order(withheld_ev), start=1):
        rename[URIRef(ev)] = URIRef(f"{_namespace(ev)}ev-withheld-{j}")
    names = {}
    for p in persons:
        found = [o for o in g.objects(p, label)] + [o for o in g.objects(p, URIRef(SKOS + "prefLabel"))]
        alts = sorted(str(o) for o in g.objects(p, alt))
        for name in name_variants(sorted(map(str, found))[0] if found else None, alts):
            names.setdefault(name, f"Person {number[str(p)]}")
    # other entities' names shield a one-word name part inside them ("Thomas" in "St Thomas ...");
    # only resources that something points at (actors, assets, places), never a relationship's
    # own label, which may describe the person ("Amazon employs Sami")
    referenced = {o for _, p_, o in g if isinstance(o, URIRef) and p_ != URIRef(RDF_TYPE)}
    others = {str(o) for pred in (label, alt, URIRef(SKOS + "prefLabel"))
              for s, o in g.subject_objects(pred)
              if s in referenced and s not in person_set and s not in person_rels and isinstance(o, Literal)}
    redact = name_redactor(names, protect=others)

    def text(o):
        return Literal(redact(str(o)), lang=o.language, datatype=o.datatype) if _is_text(o) else o

    for s, p, o in g:
        if s in person_set:
            if isinstance(o, Literal) and p not in keep_literal:
                continue
        elif s in person_rels:
            if p == label:
                o = Literal("(label withheld: it concerns a person)")
            elif p == comment:
                continue
            else:
                o = text(o)
        elif s in withheld_ev:
            if p == quote:
                o = Literal(_WITHHELD_QUOTE)
            elif p in (label, comment):
                continue
            else:
                o = text(o)
        else:
            o = text(o)
        out.add((rename.get(s, s), p, rename.get(o, o) if isinstance(o, URIRef) else o))
    for p in persons:
        out.add((rename[p], label, Literal(f"Person {number[str(p)]}")))
    return out


def work_package_labels(source) -> dict:
    """Work package IRI -> its name (``rdfs:label``, else ``skos:prefLabel``), read from RDF.

    For the map's work-package menu and tooltips (``html.write_html(work_package_labels=...)``);
    the projected graph only holds the IRIs (``wp5``).

    Parameters
    ----------
    source : rdflib.Graph, rdflib.Dataset or pyoxigraph.Store

    Returns
    -------
    dict
        ``{"https://.../wp5": "Work Package 5: Routes to Employment", ...}``; the smallest label
        when there are several.
    """
    wp, names = U + "WorkPackage", {}
    try:
        import pyoxigraph as ox
    except ImportError:  # pragma: no cover - pyoxigraph is a dependency
        ox = None
    if ox is not None and isinstance(source, ox.Store):
        def objects(s, p):
            return [q.object.value for q in source.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None)
                    if isinstance(q.object, ox.Literal)]

        subjects = {q.subject.value for q in source.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(wp))
                    if isinstance(q.subject, ox.NamedNode)}
    else:
        from rdflib import Literal, URIRef

        if hasattr(source, "quads") and hasattr(source, "default_union"):  # a Dataset: every named graph
            def match(s, p, o):
                return [(t[0], t[2]) for t in source.quads((s, p, o, None))]
        else:
            def match(s, p, o):
                return [(t[0], t[2]) for t in source.triples((s, p, o))]

        def objects(s, p):
            return [str(o) for _, o in match(URIRef(s), URIRef(p), None) if isinstance(o, Literal)]

        subjects = {str(x) for x, _ in match(None, URIRef(RDF_TYPE), URIRef(wp)) if isinstance(x, URIRef)}
    for s in sorted(subjects):
        found = objects(s, RDFS + "label") or objects(s, SKOS + "prefLabel")
        if found:
            names[s] = sorted(found)[0]
    return names


def load_context(root=None) -> dict:
    """The JSON-LD context shipped in ``ontology/context.jsonld``, read from disk, never fetched."""
    from ..paths import get_paths

    path = get_paths(root).root / "ontology" / "context.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))


def write_jsonld(source, path, *, include_persons: bool = False, embed_context: bool = True, root=None) -> Path:
    """Write JSON-LD compacted with the useit-graph context.

    Parameters
    ----------
    source : rdflib.Graph or rdflib.Dataset
        RDF data (normally without the ontology).
    path : path-like
    include_persons : bool, optional
    embed_context : bool, optional (default=True)
        Embed the context object, so the file parses offline. ``False`` writes
        ``"@context": "https://w3id.org/useit-graph/context.jsonld"`` instead (smaller; that
        address is not registered yet, so readers must supply ``ontology/context.jsonld``
        themselves, or you host it as ``docs/maps.md`` describes).
    root : path-like, optional
        Project root holding ``ontology/context.jsonld``.
    """
    g = pseudonymise_rdf(source, include_persons)
    ctx = load_context(root)["@context"]
    text = g.serialize(format="json-ld", context=ctx, sort_keys=True, indent=1, auto_compact=True)
    doc = json.loads(text)
    doc["@context"] = ctx if embed_context else CONTEXT_URL
    if "@graph" in doc:
        doc["@graph"] = sorted(doc["@graph"], key=lambda x: str(x.get("@id", "")))
    return write_text_atomic(path, json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n")


def _ox_quads(g):
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    def term(t):
        if isinstance(t, URIRef):
            return ox.NamedNode(str(t))
        if isinstance(t, BNode):
            return ox.BlankNode(str(t))
        if isinstance(t, Literal):
            if t.language:
                return ox.Literal(str(t), language=t.language)
            if t.datatype:
                return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
            return ox.Literal(str(t))
        raise TypeError(type(t))

    return [ox.Triple(term(s), term(p), term(o)) for s, p, o in g]


def _serialize_ox(g, fmt) -> bytes:
    import pyoxigraph as ox

    triples = sorted(_ox_quads(g), key=str)
    prefixes = {p: str(ns) for p, ns in sorted(g.namespace_manager.namespaces()) if p} if fmt == "ttl" else None
    out = io.BytesIO()
    kwargs = {"prefixes": prefixes} if prefixes else {}
    ox.serialize(triples, out, ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.N_TRIPLES, **kwargs)
    return out.getvalue()


def write_turtle(source, path, *, include_persons: bool = False) -> Path:
    """Write Turtle (pyoxigraph, triples sorted, the source's prefixes)."""
    from ..atomic import write_bytes_atomic

    return write_bytes_atomic(path, _serialize_ox(pseudonymise_rdf(source, include_persons), "ttl"))


def write_ntriples(source, path, *, include_persons: bool = False) -> Path:
    """Write N-Triples (pyoxigraph, one triple per line, sorted)."""
    from ..atomic import write_bytes_atomic

    return write_bytes_atomic(path, _serialize_ox(pseudonymise_rdf(source, include_persons), "nt"))


# ------------------------------------------------------------------------------------------
# CSV in the importer's columns
# ------------------------------------------------------------------------------------------

def csv_paths(path) -> tuple[Path, Path]:
    """``map.csv`` -> (``map-entities.csv``, ``map-relationships.csv``) beside it."""
    p = Path(path)
    stem = p.stem if p.suffix.lower() == ".csv" else p.name
    return p.with_name(f"{stem}-entities.csv"), p.with_name(f"{stem}-relationships.csv")


def _guard(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    Examples
    --------
    >>> _guard("=HYPERLINK(1)"), _guard("-5 people"), _guard("plain")
    ("'=HYPERLINK(1)", "'-5 people", 'plain')
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _write_table(path: Path, columns, rows) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_guard(str(row.get(c) or "")) for c in columns])
    write_text_atomic(path, buf.getvalue())


def write_csv(source, path, *, ontology, include_persons: bool = False) -> tuple[Path, Path]:
    """Write ``<stem>-entities.csv`` and ``<stem>-relationships.csv`` in the importer's columns.

    Parameters
    ----------
    source : rdflib.Graph or rdflib.Dataset
        RDF data (the ontology may be included; it is not exported).
    path : path-like
        ``map.csv`` (or ``map``): the stem of the two files.
    ontology : rdflib.Graph
        ``ontology/useit.ttl``: entity and relationship classes, roles, notations.
    include_persons : bool, optional


    Returns
    -------
    (Path, Path)
        The entities and relationships files.

    Notes
    -----
    Entity rows: every resource typed with a subclass of ``uit:Agent``, ``uit:PhysicalAsset`` or
    ``uit:Project``. Relationship rows: every resource typed with a subclass of
    ``uit:Relationship``; ``From`` holds the class's source role (funder, broker...) and ``To`` its
    target role; for a pairwise type (Partnership) the first partner is in ``From`` and the others
    in ``To``. Places and work packages are written by label (the importer mints them from the
    names). Only the first evidence item (by IRI) of each row is written. ``ID`` is the IRI's local
    name and ``From``/``To`` hold IDs, so import the tables with ``base=`` the data's namespace to
    get the same IRIs back.
    """
    from rdflib import Literal, URIRef

    from ..project import _index, iter_triples, read_schema

    g = pseudonymise_rdf(source, include_persons)
    schema = read_schema(_index(list(iter_triples(ontology))))
    entity_roots = (U + "Agent", U + "PhysicalAsset", U + "Project")
    rel_root = U + "Relationship"

    def label_of(x):
        for p in (RDFS + "label", SKOS + "prefLabel"):
            for o in sorted(g.objects(x, URIRef(p)), key=str):
                return str(o)
        return None

    def notation(x):
        for o in sorted(ontology.objects(x, URIRef(SKOS + "notation")), key=str):
            return str(o)
        for o in sorted(g.objects(x, URIRef(SKOS + "notation")), key=str):
            return str(o)
        return str(x).rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def one(s, p):
        vals = sorted(g.objects(s, URIRef(U + p)), key=str)
        return vals[0] if vals else None

    def lexical(v):
        return None if v is None else str(v)

    def evidence(s):
        evs = sorted(g.objects(s, URIRef(U + "evidence")), key=str)
        if not evs:
            return None, None
        return lexical(one(evs[0], "section")), lexical(one(evs[0], "quote"))

    def most_specific(types, root):
        cands = [t for t in types if str(t).startswith(U) and schema.is_a(str(t), root)]
        anc = {a for t in cands for a in schema.superclasses.get(str(t), ())[1:]}
        leaves = sorted(str(t) for t in cands if str(t) not in anc)
        return leaves[0] if leaves else None

    types: dict = {}
    for s, o in g.subject_objects(URIRef(RDF_TYPE)):
        types.setdefault(s, set()).add(o)
    entities, rels = {}, {}
    for s, ts in types.items():
        r = most_specific(ts, rel_root)
        if r and r in schema.edges:
            rels[s] = r
            continue
        for root in entity_roots:
            e = most_specific(ts, root)
            if e:
                entities[s] = e
                break

    def local(x):
        return str(x).rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def ident(x):
        return local(x)

    def names(s, prop):
        return SEP.join(sorted(label_of(x) or local(x) for x in g.objects(s, URIRef(U + prop))))

    ent_rows = []
    for s in sorted(entities, key=str):
        tier = one(s, "tier")
        group = one(s, "group")
        founded = one(s, "foundedDate")
        pd = one(s, "personalData")
        members = one(s, "memberCount")
        section, quote = evidence(s)
        ent_rows.append({
            "ID": ident(s), "Label": label_of(s) or local(s), "Type": local(entities[s]),
            "Tier": notation(tier) if tier is not None else None,
            "Group": notation(group) if group is not None else None,
            "Alt labels": SEP.join(sorted(str(a) for a in g.objects(s, URIRef(SKOS + "altLabel")))),
            "Place": names(s, "locatedIn"), "Work package": names(s, "workPackage"),
            "Founded": lexical(founded),
            "Description": lexical(next(iter(sorted(g.objects(s, URIRef(RDFS + "comment")), key=str)), None)),
            "Personal data": "yes" if isinstance(pd, Literal) and pd.toPython() is True else None,
            "Member count": lexical(members),
            "Evidence section": section, "Evidence quote": quote,
        })
    rel_rows = []
    for s in sorted(rels, key=str):
        spec = schema.edges[rels[s]]

        def role(props):
            vals = set()
            for prop in props:
                for q in schema.subproperties.get(prop, frozenset({prop})):
                    vals.update(g.objects(s, URIRef(q)))
            return sorted((v for v in vals if isinstance(v, URIRef)), key=str)

        if spec.source:
            frm, to = role(spec.source), role(spec.target or spec.among)
        else:
            parties = role(spec.among)
            frm, to = parties[:1], parties[1:]
        mech = one(s, "mechanism")
        section, quote = evidence(s)
        rel_rows.append({
            "ID": ident(s), "From": SEP.join(ident(x) for x in frm), "To": SEP.join(ident(x) for x in to),
            "Type": local(rels[s]), "Label": label_of(s),
            "Start": lexical(one(s, "startDate")), "End": lexical(one(s, "endDate")),
            "Amount GBP": lexical(one(s, "amountGBP")),
            "Mechanism": notation(mech) if mech is not None else None,
            "Work package": names(s, "workPackage"), "Place": names(s, "locatedIn"),
            "Evidence section": section, "Evidence quote": quote,
        })
    from ..importer import ENTITY_COLUMNS, RELATIONSHIP_COLUMNS

    ent_path, rel_path = csv_paths(path)
    _write_table(ent_path, ENTITY_COLUMNS, ent_rows)
    _write_table(rel_path, RELATIONSHIP_COLUMNS, rel_rows)
    return ent_path, rel_path


def check_format(fmt: str) -> str:
    """Normalise a format name (``turtle`` -> ``ttl``...) or raise :class:`UsageError`."""
    aliases = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld", "xml": "graphml"}
    f = aliases.get(fmt.lower(), fmt.lower())
    if f not in FORMATS + ("png", "svg"):
        raise UsageError(f"unknown export format {fmt!r}", hint="use one of png, svg, " + ", ".join(FORMATS))
    return f
