"""Named queries: SPARQL files and their Cypher twins in ``queries/``, run with bound parameters.

A named query is a file ``queries/sparql/<name>.rq`` and its twin ``queries/cypher/<name>.cypher``
(the same stem). Users add their own by dropping files in a folder passed with ``--queries-dir``
or the ``USEIT_QUERIES`` environment variable (folders separated by ``os.pathsep``); a user file
with the name of a built-in one replaces it. Each file opens with a header of comment lines
(``#`` in SPARQL, ``//`` in Cypher)::

    # title: Neighbours of an entity, by tie type
    # description: Every entity tied to ENTITY ...
    # params: entity:entity, tie:tie?
    # returns: neighbour, neighbour_label, rel, rel_type, direction, tie

A parameter is ``name`` or ``name:kind``, with a trailing ``?`` when optional. Kinds say how a
value typed by a user becomes an RDF term: ``entity`` (a graph node: name, acronym, CURIE or IRI,
resolved as in :func:`useit_graph.search.resolve_entity`), ``place``, ``work_package``,
``relationship`` (resolved among the instances of those classes), ``group`` (a sector notation such
as ``health``), ``class`` (an ontology class), ``tie`` (bonding, bridging, linking, unclassified),
``iri``, ``int``, ``date`` and ``text`` (the default, a plain literal).

**The binding rule.** Values are bound with rdflib's ``initBindings`` (also over a persistent
Oxigraph store, :func:`rdflib_view`) and ``$param`` in Cypher, never formatted into the query
text, so a value cannot change what the query does (SPARQL injection; OWASP's
query-parameterisation guidance [1]_).

Headers are checked when the queries are discovered (a file without a title or description is
refused, naming the file and the field); a SPARQL syntax error is reported with the file and line
when the query first runs. Parsed queries and the name index used to resolve parameters are
cached per process.

References
----------
.. [1] OWASP. Query Parameterization Cheat Sheet.
   https://cheatsheetseries.owasp.org/cheatsheets/Query_Parameterization_Cheat_Sheet.html
.. [2] W3C (2013). SPARQL 1.1 Query Language, section 10.2.2 (VALUES) and 18.6 (evaluation).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from rapidfuzz import process

from .errors import MissingQueryParameter, UnknownQuery, UnknownTerm, UsageError, UseitGraphError
from .search import NameIndex, Record, normalise, resolve_record

__all__ = ["NamedQuery", "Param", "parse_header", "check_header", "discover_queries", "list_queries",
           "get_query", "resolve_params", "run_sparql", "query_dirs", "KINDS", "REQUIRED_FIELDS",
           "entity_records", "rdflib_view", "is_oxigraph"]

U = "https://w3id.org/useit-graph/ns#"
KINDS = ("entity", "place", "work_package", "relationship", "group", "class", "tie", "iri", "int",
         "date", "text")
TIES = ("bonding", "bridging", "linking", "unclassified")
_HEAD = re.compile(r"^\s*(?:#|//)\s*(title|description|params|returns)\s*:\s*(.*)$")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?::([a-z_]+))?(\?)?$")
#: Header fields every query file must give (``params`` and ``returns`` may be left out).
REQUIRED_FIELDS = ("title", "description")


@dataclass(frozen=True)
class Param:
    """A declared parameter: name, kind (see :data:`KINDS`) and whether it may be left out."""

    name: str
    kind: str = "text"
    optional: bool = False

    def __str__(self) -> str:
        return f"{self.name}{'' if self.kind == 'text' else ':' + self.kind}{'?' if self.optional else ''}"


@dataclass(frozen=True)
class NamedQuery:
    """A named query: its header and the paths of its SPARQL file and Cypher twin."""

    name: str
    title: str
    description: str
    params: tuple = ()
    returns: tuple = ()
    sparql: Path | None = None
    cypher: Path | None = None
    origin: str = "built-in"
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]


def parse_header(text: str, where: str = "<query>") -> dict:
    """Read the header comment lines of a query file.

    Parameters
    ----------
    text : str
        The file's text; the header is the run of ``#`` or ``//`` comment lines at the top.
    where : str
        File name for error messages.

    Returns
    -------
    dict
        ``title``, ``description`` (str), ``params`` (list of parameter names, in order),
        ``param_specs`` (list of :class:`Param`), ``returns`` (list of column names).

    Raises
    ------
    UseitGraphError
        A parameter declaration is malformed or names an unknown kind.

    Examples
    --------
    >>> h = parse_header("# title: T\\n# params: a:entity, tie:tie?\\nSELECT * {}")
    >>> h["params"], [str(p) for p in h["param_specs"]]
    (['a', 'tie'], ['a:entity', 'tie:tie?'])
    """
    out = {"title": "", "description": "", "params": [], "param_specs": [], "returns": []}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _HEAD.match(line)
        if m is None:
            if line.lstrip().startswith(("#", "//")):
                continue
            break
        key, value = m.group(1), m.group(2).strip()
        if key in ("title", "description"):
            out[key] = value
        elif key == "returns":
            out["returns"] = [c.strip() for c in value.split(",") if c.strip()]
        else:
            specs = []
            for raw in (p.strip() for p in value.split(",") if p.strip()):
                pm = _PARAM.match(raw)
                if pm is None or (pm.group(2) and pm.group(2) not in KINDS):
                    raise UseitGraphError(
                        f"{where}: bad parameter declaration {raw!r}",
                        hint="write `name`, `name:kind` or `name:kind?` with kind one of " + ", ".join(KINDS))
                specs.append(Param(pm.group(1), pm.group(2) or "text", bool(pm.group(3))))
            out["param_specs"] = specs
            out["params"] = [p.name for p in specs]
    return out


def check_header(head: dict, where: str) -> None:
    """Refuse a query header that lacks a required field (:data:`REQUIRED_FIELDS`).

    Parameters
    ----------
    head : dict
        From :func:`parse_header`.
    where : str
        The file, for the message.

    Raises
    ------
    UseitGraphError
        Names the file and every missing field, and shows the header line to add.

    Examples
    --------
    >>> check_header(parse_header("# title: T\\nSELECT * {}"), "q.rq")
    Traceback (most recent call last):
    ...
    useit_graph.errors.UseitGraphError: q.rq: the query header has no description
      Fix: add the header line `# description: What the query answers.` (docs/queries.md)
    """
    missing = [f for f in REQUIRED_FIELDS if not head.get(f)]
    if missing:
        comment = "//" if where.endswith(".cypher") else "#"
        raise UseitGraphError(
            f"{where}: the query header has no {' and no '.join(missing)}",
            hint=f"add the header line{'s' if len(missing) > 1 else ''} "
                 + " and ".join(f"`{comment} {f}: {_EXAMPLE[f]}`" for f in missing) + " (docs/queries.md)")


_EXAMPLE = {"title": "One line naming the query", "description": "What the query answers."}


def query_dirs(root=None, extra: Iterable = ()) -> list[Path]:
    """Folders searched for named queries: ``<root>/queries`` then each extra folder, in order."""
    from .paths import get_paths

    return [get_paths(root).queries] + [Path(p) for p in extra if str(p)]


def _files(folder: Path):
    for sub, suffix in (("sparql", ".rq"), ("cypher", ".cypher")):
        for base in (folder / sub, folder):
            if base.is_dir():
                for f in sorted(base.glob("*" + suffix)):
                    yield f.stem, suffix, f


def discover_queries(root=None, extra_dirs: Iterable = ()) -> dict[str, NamedQuery]:
    """Find every named query under ``<root>/queries/`` and the extra folders.

    A folder may hold ``sparql/*.rq`` and ``cypher/*.cypher``, or the files directly. Later folders
    override earlier ones query by query (SPARQL and Cypher separately).

    Returns
    -------
    dict
        Name -> :class:`NamedQuery`, sorted by name. The header comes from the SPARQL file, else
        from the Cypher file.

    Raises
    ------
    UseitGraphError
        An extra folder does not exist, or a file's header is malformed or lacks a title or a
        description (:func:`check_header`; the message names the file).
    """
    found: dict = {}
    dirs = query_dirs(root, extra_dirs)
    for i, folder in enumerate(dirs):
        if i > 0 and not folder.is_dir():
            raise UseitGraphError(f"query folder {folder} does not exist",
                                  hint="fix --queries-dir / USEIT_QUERIES")
        for stem, suffix, path in _files(folder):
            entry = found.setdefault(stem, {"origin": "built-in" if i == 0 else str(folder)})
            entry["sparql" if suffix == ".rq" else "cypher"] = path
            if i > 0:
                entry["origin"] = str(folder)
    out = {}
    for name in sorted(found):
        e = found[name]
        heads = {}
        for kind in ("sparql", "cypher"):
            if kind in e:
                heads[kind] = parse_header(e[kind].read_text(encoding="utf-8"), str(e[kind]))
                check_header(heads[kind], str(e[kind]))
        head = heads.get("sparql") or heads["cypher"]
        out[name] = NamedQuery(name, head["title"], head["description"], tuple(head["param_specs"]),
                               tuple(head["returns"]), e.get("sparql"), e.get("cypher"), e["origin"])
    return out


def list_queries(root=None, extra_dirs: Iterable = ()) -> list[dict]:
    """Rows for ``useit queries``: name, title, params, SPARQL/Cypher availability, description."""
    return [{"name": q.name, "title": q.title, "params": ", ".join(str(p) for p in q.params),
             "sparql": q.sparql is not None, "cypher": q.cypher is not None, "origin": q.origin,
             "description": q.description}
            for q in discover_queries(root, extra_dirs).values()]


def get_query(name: str, queries: Mapping[str, NamedQuery]) -> NamedQuery:
    """The named query, or :class:`UnknownQuery` with "did you mean"."""
    if name in queries:
        return queries[name]
    close = [m[0] for m in process.extract(name, list(queries), limit=3, score_cutoff=50)]
    raise UnknownQuery(
        f"no named query {name!r}" + (f"; did you mean {', '.join(close)}?" if close else ""),
        hint="run `useit queries` for the list, or add queries/sparql/" + name + ".rq")


# ------------------------------------------------------------------------------------------
# Parameter values -> RDF terms
# ------------------------------------------------------------------------------------------

def is_oxigraph(source) -> bool:
    """Whether `source` is a ``pyoxigraph.Store`` (a persistent store), not an rdflib graph."""
    return type(source).__module__.split(".")[0] == "pyoxigraph"


def _select(dataset, text: str, bindings: Mapping, where: str = "<query>") -> tuple[list[str], list]:
    """Evaluate a SELECT with ``initBindings``; (column names, solutions)."""
    query = _prepared(text, where)
    with warnings.catch_warnings():
        # rdflib 7.6 warns on every triple lookup of a Dataset, from its own internals
        warnings.filterwarnings("ignore", message="Dataset.default_context is deprecated",
                                category=DeprecationWarning)
        result = dataset.query(query, initBindings=dict(bindings))
        return [str(v) for v in result.vars], list(result)


#: Parsed rdflib queries by (text, file); parsing the text is a third of a path query's time.
_PREPARED: OrderedDict = OrderedDict()


def _prepared(text: str, where: str):
    """The rdflib query object for `text` (cached), or :class:`UseitGraphError` naming file and line."""
    key = (text, where)
    if key in _PREPARED:
        _PREPARED.move_to_end(key)
        return _PREPARED[key]
    from rdflib.plugins.sparql import prepareQuery

    try:
        query = prepareQuery(text)
    except Exception as exc:  # pyparsing.ParseException, or rdflib's errors while translating
        raise _syntax_error(_oxigraph_parse_error(text) or exc, text, where) from None
    _PREPARED[key] = query
    while len(_PREPARED) > 64:
        _PREPARED.popitem(last=False)
    return query


def _oxigraph_parse_error(text: str):
    """Oxigraph's SyntaxError for `text` (it names the line, column and what was expected), or None."""
    try:
        import pyoxigraph as ox

        ox.Store().query(text)  # an empty store, and the solutions are never iterated: it only parses
    except SyntaxError as exc:
        return exc
    except Exception:
        return None
    return None


def _syntax_error(exc, text: str, where: str) -> UseitGraphError:
    """A SPARQL syntax error as a UseitGraphError with the file, line and the offending line."""
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "col", None)
    detail = getattr(exc, "msg", None) or str(exc).splitlines()[0]
    if line is None:  # pyoxigraph: "error at 3:14: expected ..."
        m = re.match(r"error at (\d+):(\d+):\s*(.*)", str(exc), re.S)
        if m:
            line, col, detail = int(m.group(1)), int(m.group(2)), m.group(3).splitlines()[0]
    lines = text.splitlines()
    shown = lines[line - 1].strip() if line and 0 < line <= len(lines) else ""
    at = f"{where}:{line}" + (f":{col}" if col else "") if line else where
    return UseitGraphError(
        f"{at}: SPARQL syntax error: {detail}" + (f"\n  {shown}" if shown else ""),
        hint="fix the query file (SPARQL 1.1: https://www.w3.org/TR/sparql11-query/); "
             "`useit queries` lists the queries it found")


#: Name index per data source: id -> (reference, size, {roots: records}); see :func:`entity_records`.
_RECORD_CACHE: OrderedDict = OrderedDict()


def _source_size(source):
    return None if is_oxigraph(source) else len(source)


def entity_records(source, roots: tuple[str, ...]) -> list[Record]:
    """The searchable records of ``source``'s entities under ``roots`` (see :func:`entity_index`)."""
    return entity_index(source, roots).records


def entity_index(source, roots: tuple[str, ...]) -> NameIndex:
    """Searchable records of the instances of ``uit:`` classes `roots` (and their subclasses).

    Parameters
    ----------
    source : rdflib.Dataset or Graph, or pyoxigraph.Store
        Ontology and data.
    roots : tuple of str
        Class local names (``("Place",)``); an instance of a subclass counts.

    Returns
    -------
    useit_graph.search.NameIndex
        Its ``records``: IRI, label (the first ``rdfs:label`` in order), alternative labels
        (``skos:altLabel`` and ``skos:notation``) and type (a most specific matching class),
        sorted by IRI; their names normalised once for resolution.

    Notes
    -----
    Read with direct triple lookups (rdflib) or one SPARQL query (Oxigraph), and cached for the
    source until its size changes: the records are what every entity-valued parameter is
    resolved against, and a SPARQL scan through rdflib took 1-3 s per call on the seeds.
    """
    size = _source_size(source)
    hit = _RECORD_CACHE.get(id(source))
    if hit is None or hit[0]() is not source or hit[1] != size:
        ref = _ref(source)
        hit = (ref, size, {})
        _RECORD_CACHE[id(source)] = hit
        while len(_RECORD_CACHE) > 4:
            _RECORD_CACHE.popitem(last=False)
    _RECORD_CACHE.move_to_end(id(source))
    if roots not in hit[2]:
        rows = _oxigraph_records(source, roots) if is_oxigraph(source) else _rdflib_records(source, roots)
        hit[2][roots] = NameIndex(rows)  # names normalised once per dataset, not per lookup
    return hit[2][roots]


def _ref(source):
    import weakref

    try:
        return weakref.ref(source)
    except TypeError:  # pyoxigraph.Store: keep it (read-only stores are few and small to hold)
        return lambda: source


def _record(iri: str, classes: set, labels: list, alts: set, parents: Mapping) -> Record:
    specific = sorted(c for c in classes if not any(c != d and c in parents.get(d, ()) for d in classes))
    cls = (specific or sorted(classes))[0]
    return Record(iri, sorted(labels)[0] if labels else iri.rsplit("/", 1)[-1], tuple(sorted(alts)),
                  cls.rsplit("#", 1)[-1])


def _rdflib_records(dataset, roots) -> list[Record]:
    from rdflib import RDF, RDFS, URIRef
    from rdflib.namespace import SKOS

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Dataset.default_context is deprecated",
                                category=DeprecationWarning)
        found: dict = {}
        for root in roots:
            for c in dataset.transitive_subjects(RDFS.subClassOf, URIRef(U + root)):
                for s in dataset.subjects(RDF.type, c):
                    if isinstance(s, URIRef):
                        found.setdefault(str(s), set()).add(str(c))
        classes = {c for cs in found.values() for c in cs}
        parents = {c: {str(x) for x in dataset.transitive_objects(URIRef(c), RDFS.subClassOf)} for c in classes}
        out = []
        for iri, cls in sorted(found.items()):
            s = URIRef(iri)
            labels = [str(o) for o in dataset.objects(s, RDFS.label)]
            alts = {str(o) for p in (SKOS.altLabel, SKOS.notation) for o in dataset.objects(s, p)}
            out.append(_record(iri, cls, labels, alts, parents))
    return out


_OX_RECORDS_Q = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?root ?s ?cls ?sup ?label ?alt WHERE {
  ?cls rdfs:subClassOf* ?root . ?s a ?cls . FILTER(isIRI(?s))
  OPTIONAL { ?cls rdfs:subClassOf* ?sup }
  OPTIONAL { ?s rdfs:label ?label }
  OPTIONAL { ?s skos:altLabel|skos:notation ?alt }
}"""


def _oxigraph_records(store, roots) -> list[Record]:
    import pyoxigraph as ox

    found: dict = {}
    parents: dict = {}
    for root in roots:
        for row in store.query(_OX_RECORDS_Q, substitutions={ox.Variable("root"): ox.NamedNode(U + root)},
                               use_default_graph_as_union=True):
            iri, cls = row["s"].value, row["cls"].value
            cur = found.setdefault(iri, (set(), set(), set()))
            cur[0].add(cls)
            if row["sup"] is not None:
                parents.setdefault(cls, set()).add(row["sup"].value)
            if row["label"] is not None:
                cur[1].add(row["label"].value)
            if row["alt"] is not None:
                cur[2].add(row["alt"].value)
    return [_record(iri, cls, list(labels), alts, parents) for iri, (cls, labels, alts) in sorted(found.items())]


_ROOTS = {
    "entity": ("Agent", "PhysicalAsset", "Project", "Programme", "WorkPackage"),
    "place": ("Place",),
    "work_package": ("WorkPackage",),
    "relationship": ("Relationship",),
    "group": ("Group",),
}


def _classes(source) -> set:
    from rdflib import OWL, RDF

    if is_oxigraph(source):
        return {r["c"].value for r in source.query(
            "SELECT DISTINCT ?c WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> }",
            use_default_graph_as_union=True) if r["c"].value.startswith(U)}
    return {str(c) for c in source.subjects(RDF.type, OWL.Class) if str(c).startswith(U)}


def _class_term(dataset, value: str):
    from rdflib import URIRef

    classes = _classes(dataset)
    key = normalise(value).replace(" ", "")
    for c in sorted(classes):
        local = c[len(U):]
        if c == value or local.lower() == key or ("uit:" + local) == value:
            return URIRef(c)
    from .connect import TYPE_ALIASES

    alias = TYPE_ALIASES.get(value.strip().lower().replace(" ", "-"))
    if alias and U + alias in classes:
        return URIRef(U + alias)
    raise UnknownTerm(f"{value!r} is not a class of the ontology",
                      hint="use a class local name such as Developer or AnchorInstitution")


def resolve_params(query: NamedQuery, params: Mapping[str, str], dataset) -> dict:
    """Turn user values into RDF terms for ``initBindings``.

    Parameters
    ----------
    query : NamedQuery
    params : mapping of str to str
        Values as typed by the user (``-p entity="Warm Earth"``).
    dataset : rdflib.Dataset or Graph, or pyoxigraph.Store
        Ontology + data, used to resolve names (through the cached :func:`entity_records`).

    Returns
    -------
    dict
        Parameter name -> ``URIRef`` or ``Literal``; optional parameters not given are left out
        (unbound in the query).

    Raises
    ------
    MissingQueryParameter
        A required parameter has no value (the message names it and lists the query's params).
    UseitGraphError
        A parameter the query does not declare.
    UnknownEntity, AmbiguousEntity, UnknownTerm
        A value names nothing, or several things equally well.
    """
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    declared = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise UseitGraphError(
            f"query {query.name!r} has no parameter {', '.join(unknown)}",
            hint=f"its parameters are: {', '.join(str(p) for p in query.params) or '(none)'}")
    missing = [p.name for p in query.params if not p.optional and params.get(p.name) in (None, "")]
    if missing:
        raise MissingQueryParameter(
            f"query {query.name!r} needs parameter {', '.join(missing)} "
            f"(its parameters: {', '.join(str(p) for p in query.params)})",
            hint=" ".join(f"-p {m}=VALUE" for m in missing))
    out = {}
    cache: dict = {}
    for name, p in declared.items():
        value = params.get(name)
        if value in (None, ""):
            continue
        value = str(value)
        if p.kind in _ROOTS:
            roots = _ROOTS[p.kind]
            if roots not in cache:
                cache[roots] = entity_index(dataset, roots)
            out[name] = URIRef(resolve_record(cache[roots], value, p.kind.replace("_", " ")))
        elif p.kind == "class":
            out[name] = _class_term(dataset, value)
        elif p.kind == "tie":
            if value.lower() not in TIES:
                raise UnknownTerm(f"{value!r} is not a tie type", hint="use one of " + ", ".join(TIES))
            out[name] = Literal(value.lower())
        elif p.kind == "iri":
            out[name] = URIRef(value)
        elif p.kind == "int":
            try:
                out[name] = Literal(int(value))
            except ValueError:
                raise UsageError(f"parameter {name} must be an integer, not {value!r}",
                                 hint=f"-p {name}=12") from None
        elif p.kind == "date":
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                    raise ValueError(value)
                out[name] = Literal(_dt.date.fromisoformat(value.strip()).isoformat(), datatype=XSD.date)
            except ValueError:
                raise UsageError(f"parameter {name} must be a date (YYYY-MM-DD), not {value!r}",
                                 hint=f"-p {name}=2018-06-30") from None
        else:
            out[name] = Literal(value)
    return out


def _plain(term):
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return "_:" + str(term)
    if isinstance(term, Literal):
        v = term.toPython()
        if isinstance(v, (_dt.date, _dt.datetime)):
            return v.isoformat()
        if isinstance(v, (str, int, float, bool)):
            return v
        return str(term)
    return str(term)


def _sort_key(row: dict):
    return tuple((v is None, str(v) if not isinstance(v, (int, float)) else f"{v:020.6f}")
                 for v in row.values())


def run_sparql(name: str, params: Mapping[str, str] | None, dataset, *, queries=None,
               bindings: Mapping | None = None) -> list[dict]:
    """Run a named SPARQL query with bound parameters.

    Parameters
    ----------
    name : str
        Query name (file stem).
    params : mapping of str to str
        User values, resolved by :func:`resolve_params` (names -> IRIs, strings -> literals).
    dataset : rdflib.Dataset or Graph, or pyoxigraph.Store
        Ontology and data in one dataset (``load_project``), or a persistent Oxigraph store
        (``useit_graph.store.oxigraph.open_store``), queried through :func:`rdflib_view`.
    queries : dict, optional
        From :func:`discover_queries` (default: the built-in ones).
    bindings : mapping, optional
        Already-resolved RDF terms, used as given (tests; callers that resolved names themselves).

    Returns
    -------
    list of dict
        One dict per solution, keys in the query's SELECT order, values as plain Python (IRIs and
        strings as str, numbers as int/float, dates as ISO strings, unbound as None), sorted by
        the values in column order.

    Raises
    ------
    UnknownQuery, MissingQueryParameter, UnknownEntity, AmbiguousEntity, UnknownTerm
    UseitGraphError
        The file is not valid SPARQL (the message names the file, line and column).
    """
    queries = discover_queries() if queries is None else queries
    q = get_query(name, queries)
    if q.sparql is None:
        raise UnknownQuery(f"named query {name!r} has no SPARQL file (only {q.cypher})",
                           hint=f"add queries/sparql/{name}.rq, or run it with --backend neo4j")
    init = dict(bindings) if bindings is not None else resolve_params(q, params or {}, dataset)
    text = q.sparql.read_text(encoding="utf-8")
    cols, solutions = _select(rdflib_view(dataset) if is_oxigraph(dataset) else dataset, text, init,
                              str(q.sparql))
    rows = [{c: _plain(row[i]) for i, c in enumerate(cols)} for row in solutions]
    rows.sort(key=_sort_key)
    return rows


def rdflib_view(store):
    """An rdflib ``Dataset`` reading a pyoxigraph store (oxrdflib), the union of its graphs.

    The named queries run on it with rdflib's evaluator and ``initBindings``: Oxigraph's own
    ``substitutions`` only bind variables of the top-level SELECT, which the parameters of most
    queries are not. Lookups go to the store's indexes, so nothing is copied.
    """
    from oxrdflib import OxigraphStore
    from rdflib import Dataset

    return Dataset(store=OxigraphStore(store=store), default_union=True)


def env_query_dirs() -> list[str]:
    """Folders named by ``USEIT_QUERIES`` (``os.pathsep``-separated), for the CLI's default."""
    raw = os.environ.get("USEIT_QUERIES", "")
    return [p for p in raw.split(os.pathsep) if p]


__all__.append("env_query_dirs")
