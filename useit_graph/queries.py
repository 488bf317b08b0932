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

**The binding rule.** Values are bound with rdflib's ``initBindings`` (and ``$param`` in Cypher),
never formatted into the query text, so a value cannot change what the query does (SPARQL
injection; OWASP's query-parameterisation guidance [1]_).

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from rapidfuzz import process

from .errors import MissingQueryParameter, UnknownQuery, UnknownTerm, UseitGraphError
from .search import Record, normalise, resolve_record

__all__ = ["NamedQuery", "Param", "parse_header", "discover_queries", "list_queries", "get_query",
           "resolve_params", "run_sparql", "query_dirs", "KINDS"]

U = "https://w3id.org/useit-graph/ns#"
KINDS = ("entity", "place", "work_package", "relationship", "group", "class", "tie", "iri", "int",
         "date", "text")
TIES = ("bonding", "bridging", "linking", "unclassified")
_HEAD = re.compile(r"^\s*(?:#|//)\s*(title|description|params|returns)\s*:\s*(.*)$")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?::([a-z_]+))?(\?)?$")


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
        head_path = e.get("sparql") or e.get("cypher")
        head = parse_header(head_path.read_text(encoding="utf-8"), str(head_path))
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

_RECORDS_Q = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?s ?label ?alt ?cls WHERE {
  ?s a ?cls .
  FILTER EXISTS { ?cls rdfs:subClassOf* ?root }
  OPTIONAL { ?s rdfs:label ?label }
  OPTIONAL { ?s skos:altLabel|skos:notation ?alt }
}"""


def _select(dataset, text: str, bindings: Mapping) -> tuple[list[str], list]:
    """Evaluate a SELECT with ``initBindings``; (column names, solutions)."""
    with warnings.catch_warnings():
        # rdflib 7.6 warns on every triple lookup of a Dataset, from its own internals
        warnings.filterwarnings("ignore", message="Dataset.default_context is deprecated",
                                category=DeprecationWarning)
        result = dataset.query(text, initBindings=dict(bindings))
        return [str(v) for v in result.vars], list(result)


def _records(dataset, roots: tuple[str, ...]) -> list[Record]:
    from rdflib import URIRef

    recs: dict = {}
    for root in roots:
        for s, label, alt, cls in _select(dataset, _RECORDS_Q, {"root": URIRef(U + root)})[1]:
            if not isinstance(s, URIRef):
                continue
            cur = recs.setdefault(str(s), {"label": None, "alt": set(), "type": str(cls).rsplit("#", 1)[-1]})
            if label is not None and cur["label"] is None:
                cur["label"] = str(label)
            if alt is not None:
                cur["alt"].add(str(alt))
    return [Record(i, v["label"] or i.rsplit("/", 1)[-1], tuple(sorted(v["alt"])), v["type"])
            for i, v in sorted(recs.items())]


_ROOTS = {
    "entity": ("Agent", "PhysicalAsset", "Project", "Programme", "WorkPackage"),
    "place": ("Place",),
    "work_package": ("WorkPackage",),
    "relationship": ("Relationship",),
    "group": ("Group",),
}


def _class_term(dataset, value: str):
    from rdflib import OWL, RDF, URIRef

    classes = {str(c) for c in dataset.subjects(RDF.type, OWL.Class) if str(c).startswith(U)}
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
    dataset : rdflib.Dataset or Graph
        Ontology + data, used to resolve names.

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
                cache[roots] = _records(dataset, roots)
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
                raise UseitGraphError(f"parameter {name} must be an integer, not {value!r}") from None
        elif p.kind == "date":
            try:
                out[name] = Literal(_dt.date.fromisoformat(value).isoformat(), datatype=XSD.date)
            except ValueError:
                raise UseitGraphError(f"parameter {name} must be an ISO date (YYYY-MM-DD), not {value!r}") from None
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
    dataset : rdflib.Dataset or Graph
        Ontology and data in one dataset (``load_project``).
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
    """
    queries = discover_queries() if queries is None else queries
    q = get_query(name, queries)
    if q.sparql is None:
        raise UnknownQuery(f"named query {name!r} has no SPARQL file (only {q.cypher})",
                           hint=f"add queries/sparql/{name}.rq, or run it with --backend neo4j")
    init = dict(bindings) if bindings is not None else resolve_params(q, params or {}, dataset)
    text = q.sparql.read_text(encoding="utf-8")
    cols, solutions = _select(dataset, text, init)
    rows = [{c: _plain(row[i]) for i, c in enumerate(cols)} for row in solutions]
    rows.sort(key=_sort_key)
    return rows


def env_query_dirs() -> list[str]:
    """Folders named by ``USEIT_QUERIES`` (``os.pathsep``-separated), for the CLI's default."""
    raw = os.environ.get("USEIT_QUERIES", "")
    return [p for p in raw.split(os.pathsep) if p]


__all__.append("env_query_dirs")
