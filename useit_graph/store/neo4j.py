"""Load the knowledge graph into Neo4j, read it back, and run the Cypher twins of named queries.

Stage "store": ``Dataset -> Rows -> Neo4j`` and ``Neo4j -> networkx.MultiDiGraph``. The mapping
(documented in ``docs/neo4j.md``) follows the conventions of neosemantics (n10s): every resource
is a node with the key property ``uri`` and the shared label ``:Resource``; ``rdf:type`` and its
``uit:`` superclasses become labels; literals become typed properties. Qualified relationships
are nodes (``:Funding:Relationship:Resource``) with role edges to their participants
(``uit:funder`` -> ``[:FUNDER]``), and each edge of the networkx projection is also written as a
convenience direct edge typed by the class's ``uit:edgeLabel`` (``[:FUNDS]``), built from
:func:`useit_graph.project.project_graph`'s edges so that :func:`export` gives that graph back.

Writing follows Neo4j's guidance for bulk loads through Bolt: a uniqueness constraint on
``:Resource(uri)`` first, then batches of ``UNWIND $rows ... MERGE`` in managed transactions
(``session.execute_write``, which retries transient errors), one query shape per label set or
relationship type. Labels and relationship types cannot be parameters, so they are spliced into
the query text, but only names taken from the ontology and checked against
``^[A-Za-z][A-Za-z0-9_]*$``; every data value travels in ``$rows``.

Several datasets can live in one database and share IRIs: every node and relationship carries
``datasets``, the ids of the datasets that wrote it, so :func:`wipe` removes one id and deletes
only what no dataset holds any more. A ``(:UseitLoad {dataset})`` marker per dataset records
whether its last load completed (``rows_done`` commits with each batch), so a half load is
reported and a re-run completes it.
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import os
import re
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import networkx as nx

from ..errors import MissingQueryParameter, StoreUnavailable, UnknownQuery, UnknownTerm, UseitGraphError
from ..project import IRI, U, _index, _local, _most_specific, iter_triples, project_graph, read_schema

__all__ = [
    "Connection",
    "Rows",
    "connect",
    "build_rows",
    "load",
    "ensure_schema",
    "wipe",
    "LoadInterrupted",
    "load_states",
    "half_loaded",
    "write_metrics",
    "compute_metrics",
    "export",
    "run_cypher",
    "CypherQueryError",
    "counts",
    "server_status",
    "upper_snake",
    "check_uri",
    "DEFAULT_URI",
    "DEFAULT_DATABASE",
]

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"
RESOURCE = "Resource"
#: Label of the per-dataset load marker node (not a :Resource).
LOAD_LABEL = "UseitLoad"

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCTERMS = "http://purl.org/dc/terms/"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_FIX_START = "start it (`scripts/neo4j-server start`) or set NEO4J_URI"
#: URI schemes of the Bolt protocol the driver speaks (``http://`` is Neo4j's HTTP API, not Bolt).
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

#: Fixed relationship types of the mapping (besides role types and edge labels from the ontology).
EVIDENCE, SOURCE, WORK_PACKAGE, LOCATED_IN, PART_OF = (
    "EVIDENCE", "SOURCE", "WORK_PACKAGE", "LOCATED_IN", "PART_OF")


# ------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------

def upper_snake(name: str) -> str:
    """``brokeredParty`` -> ``BROKERED_PARTY`` (the Neo4j relationship type of a role property).

    Examples
    --------
    >>> upper_snake("brokeredParty"), upper_snake("funder"), upper_snake("referredTo")
    ('BROKERED_PARTY', 'FUNDER', 'REFERRED_TO')
    """
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def _checked(name: str, what: str) -> str:
    """Return `name` if it is safe to splice into Cypher as a label or type, else raise."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise UnknownTerm(
            f"{what} {name!r} cannot be a Neo4j label or relationship type",
            hint="ontology class, role property and uit:edgeLabel names must match "
                 "^[A-Za-z][A-Za-z0-9_]*$; rename the term in ontology/useit.ttl")
    return name


def _label_string(labels: Iterable[str]) -> str:
    return "".join(":" + _checked(x, "label") for x in labels)


# ------------------------------------------------------------------------------------------
# Connection and error mapping
# ------------------------------------------------------------------------------------------

@dataclass
class Connection:
    """An open driver plus the database to use (pass ``database_`` on every call).

    Attributes
    ----------
    driver : neo4j.Driver
    database : str
    uri, user : str
    """

    driver: object
    database: str = DEFAULT_DATABASE
    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    #: Opens a second driver with the same settings (used after Ctrl-C, when a pooled connection
    #: may be stuck mid-message); None for a Connection built by hand.
    reopen: Callable | None = field(default=None, repr=False, compare=False)

    def close(self) -> None:
        self.driver.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextmanager
def _quiet_driver_log() -> Iterator[None]:
    """Silence the driver's own log lines (``neo4j`` logger) while we raise one clear error instead.

    Without a handler, Python prints the driver's warnings ("Unable to retrieve routing
    information", "Transaction failed and will be retried") through its last-resort handler.
    """
    logger = logging.getLogger("neo4j")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _no_last_resort_output() -> None:
    """Give the ``neo4j`` logger a NullHandler, as libraries should, so that its warnings
    (server notifications such as "property key does not exist", retry notices) are not printed
    by Python's last-resort handler over our own messages; an application that configures
    logging still receives them."""
    logger = logging.getLogger("neo4j")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def check_uri(uri: str) -> str:
    """Return `uri` if its scheme is one the Bolt driver speaks, else raise :class:`StoreUnavailable`.

    Examples
    --------
    >>> check_uri("neo4j+s://example.databases.neo4j.io")
    'neo4j+s://example.databases.neo4j.io'
    >>> check_uri("http://127.0.0.1:7474")
    Traceback (most recent call last):
    ...
    useit_graph.errors.StoreUnavailable: 'http://127.0.0.1:7474' is not a Neo4j Bolt URI (scheme 'http')
      Fix: set NEO4J_URI to bolt://host:7687 or neo4j://host:7687 (TLS: bolt+s, bolt+ssc, neo4j+s, neo4j+ssc); port 7474 is the HTTP API, Bolt is usually 7687
    """
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in URI_SCHEMES:
        raise StoreUnavailable(
            f"{uri!r} is not a Neo4j Bolt URI ("
            + (f"scheme {scheme!r}" if scheme else "no scheme") + ")",
            hint="set NEO4J_URI to bolt://host:7687 or neo4j://host:7687 (TLS: bolt+s, bolt+ssc, "
                 "neo4j+s, neo4j+ssc); port 7474 is the HTTP API, Bolt is usually 7687")
    return uri


@contextmanager
def _mapped(uri: str, database: str, user: str = DEFAULT_USER) -> Iterator[None]:
    """Turn the driver's connection failures into :class:`StoreUnavailable` with the fix.

    Branches on exception classes and Neo4j status codes, never on message text.
    """
    from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired

    try:
        yield
    except AuthError as exc:
        raise StoreUnavailable(
            f"Neo4j at {uri} refused the credentials of user {user!r} ({exc.code})",
            hint="set NEO4J_PASSWORD (and NEO4J_USER) to this server's credentials") from exc
    except (ServiceUnavailable, SessionExpired) as exc:
        raise StoreUnavailable(f"cannot reach Neo4j at {uri} (server down or wrong address)",
                               hint=_FIX_START) from exc
    except ClientError as exc:
        if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
            raise StoreUnavailable(
                f"Neo4j at {uri} has no database {database!r}",
                hint="set NEO4J_DATABASE (Community has only 'neo4j')") from exc
        raise


def connect(uri: str | None = None, user: str | None = None, password: str | None = None,
            database: str | None = None, *, verify: bool = True,
            connection_timeout: float = 5.0, max_retry_time: float = 15.0) -> Connection:
    """Open a driver from arguments or the environment and check that the database answers.

    Parameters
    ----------
    uri, user, password, database : str, optional
        Default to ``NEO4J_URI`` (else ``bolt://127.0.0.1:7687``), ``NEO4J_USER`` (else
        ``neo4j``), ``NEO4J_PASSWORD`` (else empty) and ``NEO4J_DATABASE`` (else ``neo4j``).
        The CLI never takes the password from its arguments, only from the environment.
    verify : bool
        Check now, so a wrong address, password or database fails here with one clear message:
        ``driver.verify_connectivity()`` (one attempt, no retries, driver log silenced), then
        ``RETURN 1`` on `database`.
    connection_timeout : float
        Seconds to wait for a TCP connection.
    max_retry_time : float
        Seconds the driver keeps retrying a write transaction on transient errors (deadlocks, a
        leader switch, a dropped connection) before giving up.

    Returns
    -------
    Connection

    Raises
    ------
    StoreUnavailable
        The server is down, the credentials are wrong, the database does not exist, or the URI
        is not a Bolt URI; the message says which and how to fix it.
    """
    import neo4j

    uri = check_uri(uri or os.environ.get("NEO4J_URI") or DEFAULT_URI)
    _no_last_resort_output()
    user = user or os.environ.get("NEO4J_USER") or DEFAULT_USER
    password = password if password is not None else os.environ.get("NEO4J_PASSWORD", "")
    database = database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE
    with _mapped(uri, database, user):
        try:
            driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                                connection_timeout=connection_timeout,
                                                max_transaction_retry_time=max_retry_time)
        except ValueError as exc:  # malformed URI scheme
            raise StoreUnavailable(f"{uri!r} is not a Neo4j URI",
                                   hint="set NEO4J_URI to bolt://host:7687 or neo4j://host:7687") from exc
        def reopen():
            return neo4j.GraphDatabase.driver(uri, auth=(user, password), connection_timeout=2.0,
                                              max_transaction_retry_time=0.0)

        conn = Connection(driver, database, uri, user, reopen)
        if verify:
            try:
                with _quiet_driver_log():
                    driver.verify_connectivity()  # one attempt: no transaction retries
                driver.execute_query("RETURN 1", database_=database)
            except BaseException:
                driver.close()
                raise
    return conn


# ------------------------------------------------------------------------------------------
# Rows: the property graph as plain data (no database needed)
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rows:
    """What :func:`load` writes, grouped by query shape.

    Attributes
    ----------
    nodes : dict[tuple[str, ...], list[dict]]
        Label tuple (most specific first, ``Resource`` last) -> ``{"uri", "props"}`` rows.
    links : dict[str, list[dict]]
        Relationship type -> ``{"src", "dst"}`` rows: role edges from qualified relationships to
        their participants, ``EVIDENCE``, ``SOURCE``, ``WORK_PACKAGE``, ``LOCATED_IN`` and
        ``PART_OF``.
    edges : dict[str, list[dict]]
        ``uit:edgeLabel`` type -> ``{"src", "dst", "key", "props"}`` rows: the convenience direct
        edges, one per edge of the networkx projection.
    dataset : str
        The dataset id :func:`load` adds to the ``datasets`` list of every node and relationship
        it writes (``--wipe`` removes it again, deleting what no dataset holds any more).
    vocabulary : frozenset of str
        Every label the ontology can give (``uit:`` class local names): a re-load removes those
        of them a node no longer has, and never touches other labels.
    """

    nodes: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    edges: dict = field(default_factory=dict)
    dataset: str = "default"
    vocabulary: frozenset = frozenset()

    @property
    def n_nodes(self) -> int:
        return sum(len(v) for v in self.nodes.values())

    @property
    def n_links(self) -> int:
        return sum(len(v) for v in self.links.values())

    @property
    def n_edges(self) -> int:
        return sum(len(v) for v in self.edges.values())

    @property
    def n_relationships(self) -> int:
        """Neo4j relationships written: role/provenance links plus direct edges."""
        return self.n_links + self.n_edges

    def __len__(self) -> int:
        return self.n_nodes + self.n_links + self.n_edges


def _neo_value(v):
    """A projection value as a Neo4j property value: ISO dates -> date; None stays None."""
    if isinstance(v, str) and _ISO_DATE.match(v):
        try:
            return _dt.date.fromisoformat(v)
        except ValueError:
            return v
    if isinstance(v, IRI):
        return str(v)
    return v


def _props(d: dict) -> dict:
    """Drop absent values: None, and empty lists (no triple, no property, as in n10s; an offline
    import could not write an empty array anyway, and :func:`export` reads a missing list as [])."""
    return {k: v for k, v in d.items() if v is not None and not (isinstance(v, (list, tuple)) and not v)}


_NODE_KEYS = ("label", "alt_labels", "type", "types", "kind", "tier", "group", "created",
              "created_during", "personal_data", "size")
_EDGE_KEYS = ("rel", "rel_type", "role", "directed", "broker", "tie", "tie_reason", "weight",
              "start", "end", "value_gbp", "mechanism")


def build_rows(source, *, dataset_id: str = "default", graph: nx.MultiDiGraph | None = None) -> Rows:
    """Turn RDF (ontology + data) into the rows :func:`load` writes. Pure: no database.

    Parameters
    ----------
    source : rdflib.Dataset, rdflib.Graph, pyoxigraph.Store or sequence of triples
        Must hold the ontology and the data (``load_project`` gives both). A plain iterable of
        normalised triples must be re-iterable (a list), since it is read twice.
    dataset_id : str
        The dataset id (:attr:`Rows.dataset`); :func:`load` adds it to each node's and
        relationship's ``datasets`` list.
    graph : networkx.MultiDiGraph, optional
        The projection of `source` if already computed (else ``project_graph(source)``).

    Returns
    -------
    Rows

    Raises
    ------
    UnknownTerm
        A class, role property or edge label has a name that cannot be a Neo4j label or type.

    Examples
    --------
    >>> from rdflib import Graph
    >>> from useit_graph.paths import get_paths
    >>> onto = Graph().parse(get_paths().ontology)
    >>> data = Graph().parse(format="turtle", data='''
    ... @prefix uit: <https://w3id.org/useit-graph/ns#> . @prefix ex: <urn:ex:> .
    ... ex:a a uit:SocialEnterprise . ex:b a uit:LocalAuthority .
    ... ex:r a uit:Funding ; uit:funder ex:b ; uit:recipient ex:a .
    ... ''')
    >>> rows = build_rows(onto + data, dataset_id="demo")
    >>> sorted(rows.links), sorted(rows.edges)
    (['FUNDER', 'RECIPIENT'], ['FUNDS'])
    >>> ("Funding", "Relationship", "Resource") in rows.nodes
    True
    """
    if isinstance(source, Iterator):
        raise TypeError("build_rows reads its source twice; pass a list of triples, not an iterator")
    by_pred = _index(source)
    schema = read_schema(by_pred)
    G = graph if graph is not None else project_graph(source)

    types: dict = defaultdict(set)
    for s, o in by_pred.get(_RDF_TYPE, ()):
        types[s].add(o)
    declared = set(schema.superclasses)

    def labels_of(iri) -> tuple:
        most = _most_specific({t for t in types.get(iri, ()) if t in declared}, schema)
        chain = schema.superclasses.get(most, ()) if most else ()
        return tuple(_checked(_local(c), "class") for c in chain if c.startswith(U)) + (RESOURCE,)

    def single(pred):
        out = {}
        for s, o in by_pred.get(pred, ()):
            out.setdefault(s, o)
        return out

    labels = single(_RDFS + "label")
    for s, o in by_pred.get(_SKOS + "prefLabel", ()):
        labels.setdefault(s, o)
    for s, o in by_pred.get(_DCTERMS + "title", ()):
        labels.setdefault(s, o)
    start_of, end_of = single(U + "startDate"), single(U + "endDate")
    amount, mechanism = single(U + "amountGBP"), single(U + "mechanism")
    section, quote = single(U + "section"), single(U + "quote")

    nodes: dict = {}          # uri -> (labels, props)
    links: dict = defaultdict(set)

    def add_node(uri, lbls, props):
        props = _props({k: _neo_value(v) for k, v in props.items()})
        props["uri"] = str(uri)
        nodes[str(uri)] = (lbls, props)

    def bare(uri, **extra):
        if str(uri) in nodes:
            return
        most = _most_specific({t for t in types.get(uri, ()) if t in declared}, schema)
        add_node(uri, labels_of(uri), {
            "label": str(labels.get(uri, _local(uri))), "type": _local(most) if most else None,
            "kind": schema.node_kind.get(most) if most else None, "projected": False, **extra})

    # 1. nodes of the projection
    for n, d in G.nodes(data=True):
        lbls = tuple(_checked(t, "class") for t in d.get("types", ())) + (RESOURCE,)
        add_node(n, lbls, {**{k: d.get(k) for k in _NODE_KEYS}, "projected": True})
        for p in d.get("places", ()):
            links[LOCATED_IN].add((str(n), str(p)))
        for w in d.get("work_packages", ()):
            links[WORK_PACKAGE].add((str(n), str(w)))
    for s, o in by_pred.get(U + "evidence", ()):
        if isinstance(o, IRI) and str(s) in nodes:
            links[EVIDENCE].add((str(s), str(o)))

    # 2. qualified relationships, with role edges to every participant
    rel_root = U + "Relationship"
    roles = set(schema.subproperties.get(U + "participant", ())) | {U + "asset"}
    rel_nodes = set()
    for s, ts in types.items():
        if any(rel_root in schema.superclasses.get(t, ()) for t in ts) and isinstance(s, IRI):
            rel_nodes.add(s)
            most = _most_specific({t for t in ts if t in declared}, schema)
            add_node(s, labels_of(s), {
                "label": labels.get(s), "type": _local(most), "rel_type": _local(most),
                "start": start_of.get(s), "end": end_of.get(s),
                "value_gbp": float(amount[s]) if s in amount else None,
                "mechanism": schema.notation.get(mechanism.get(s)) if s in mechanism else None,
                "projected": False})
    role_type = {p: _checked(upper_snake(_local(p)), "role property") for p in roles}
    for p in sorted(roles):
        for s, o in by_pred.get(p, ()):
            if s in rel_nodes and isinstance(o, IRI):
                links[role_type[p]].add((str(s), str(o)))
    for pred, typ in ((U + "evidence", EVIDENCE), (U + "workPackage", WORK_PACKAGE),
                      (U + "locatedIn", LOCATED_IN)):
        for s, o in by_pred.get(pred, ()):
            if s in rel_nodes and isinstance(o, IRI):
                links[typ].add((str(s), str(o)))

    # 3. evidence and source documents (provenance)
    evidence = {o for (_, o) in links.get(EVIDENCE, ())}
    evidence |= {s for s, ts in types.items() if U + "Evidence" in ts}
    for e in sorted(evidence):
        if e not in nodes:
            add_node(e, labels_of(IRI(e)), {"section": section.get(e), "quote": quote.get(e),
                                            "type": "Evidence", "projected": False})
    for s, o in by_pred.get(U + "source", ()):
        if str(s) in nodes and isinstance(o, IRI):
            links[SOURCE].add((str(s), str(o)))

    # 4. every other endpoint (places, work packages, documents, parties outside the projection),
    #    and uit:partOf from any node to its parent, up the chain (neighbourhood -> city)
    for typ, pairs in list(links.items()):
        for _, dst in pairs:
            if dst not in nodes:
                bare(IRI(dst))
    parents: dict = defaultdict(list)
    for s, o in by_pred.get(U + "partOf", ()):
        if isinstance(o, IRI):
            parents[str(s)].append(str(o))
    frontier = [u for u in nodes if u in parents]
    while frontier:
        nxt = []
        for u in frontier:
            for parent in parents[u]:
                links[PART_OF].add((u, parent))
                if parent not in nodes:
                    bare(IRI(parent))
                    if parent in parents:
                        nxt.append(parent)
        frontier = nxt

    # 5. direct edges from the projection
    edges: dict = defaultdict(list)
    for u, v, k, d in G.edges(keys=True, data=True):
        typ = _checked(d["label"], "uit:edgeLabel")
        props = _props({key: _neo_value(d.get(key)) for key in _EDGE_KEYS})
        props["key"] = str(k)
        edges[typ].append({"src": str(u), "dst": str(v), "key": str(k), "props": props})

    grouped: dict = defaultdict(list)
    for uri in sorted(nodes):
        lbls, props = nodes[uri]
        grouped[lbls].append({"uri": uri, "props": props})
    return Rows(
        nodes=dict(grouped),
        links={t: [{"src": a, "dst": b} for a, b in sorted(p)] for t, p in sorted(links.items())},
        edges=dict(sorted(edges.items())),
        dataset=dataset_id,
        vocabulary=frozenset(_local(c) for c in schema.superclasses
                             if c.startswith(U) and _NAME.match(_local(c))),
    )


# ------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------

SCHEMA_QUERIES = (
    "CREATE CONSTRAINT resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE",
    "CREATE CONSTRAINT useit_load_dataset IF NOT EXISTS FOR (l:UseitLoad) REQUIRE l.dataset IS UNIQUE",
)

#: ``$ds`` added once to the ``datasets`` list a node or relationship had before this write (`had`).
_ADD_DS = "CASE WHEN $ds IN had THEN had ELSE had + $ds END"


def ensure_schema(conn: "Connection") -> None:
    """Create the uniqueness constraints (and so the ``:Resource(uri)`` index) if missing.

    :func:`load` does this first; after an offline import (:mod:`.neo4j_import`) it is the one
    step left, since the import tool cannot create constraints on Community's record formats.
    Creating a constraint over existing data checks it: duplicate ``uri`` values fail here.
    """
    with _mapped(conn.uri, conn.database, conn.user):
        for q in SCHEMA_QUERIES:
            conn.driver.execute_query(q, database_=conn.database)


class LoadInterrupted(StoreUnavailable):
    """A load stopped part-way (Ctrl-C, or the server went away): what was committed, and the fix.

    Attributes
    ----------
    dataset : str
    done, total : int
        Rows committed (every committed batch), rows the load had to write.
    """

    def __init__(self, dataset: str, done: int, total: int, why: str, exit_code: int = 1):
        super().__init__(
            f"the load of dataset {dataset!r} was interrupted ({why}): {done} of {total} rows "
            "committed; the batch in flight was rolled back; re-run the same command to complete",
            hint="run the same `useit neo4j load` again (MERGE writes nothing twice); until then "
                 "`useit neo4j status` reports the dataset as half loaded")
        self.dataset, self.done, self.total = dataset, done, total
        self.exit_code = exit_code


def node_query(labels: tuple, create: bool = False) -> str:
    """The ``UNWIND $rows`` query for nodes with these labels (names checked).

    ``MERGE`` on ``uri`` by default: the node's properties are replaced by the row's and ``$ds``
    joins its ``datasets`` list (a node two datasets share keeps both ids). ``create=True`` gives
    the fast path for nodes not in the database yet (the uniqueness constraint still refuses a
    second node with one ``uri``).

    Examples
    --------
    >>> print(node_query(("Funding", "Relationship", "Resource")))
    UNWIND $rows AS row
    MERGE (n:Resource {uri: row.uri})
    WITH n, row, coalesce(n.datasets, []) AS had
    SET n = row.props
    SET n.datasets = CASE WHEN $ds IN had THEN had ELSE had + $ds END
    SET n:Funding:Relationship:Resource
    >>> print(node_query(("Funding", "Relationship", "Resource"), create=True))
    UNWIND $rows AS row
    CREATE (n:Funding:Relationship:Resource)
    SET n = row.props
    SET n.datasets = [$ds]
    """
    if create:
        return (f"UNWIND $rows AS row\nCREATE (n{_label_string(labels)})\nSET n = row.props\n"
                "SET n.datasets = [$ds]")
    return ("UNWIND $rows AS row\nMERGE (n:Resource {uri: row.uri})\n"
            "WITH n, row, coalesce(n.datasets, []) AS had\nSET n = row.props\n"
            f"SET n.datasets = {_ADD_DS}\nSET n{_label_string(labels)}")


_MATCH_ENDS = "UNWIND $rows AS row\nMATCH (a:Resource {uri: row.src})\nMATCH (b:Resource {uri: row.dst})\n"


def link_query(rel_type: str, create: bool = False) -> str:
    """The query for plain links (role, provenance) of one type; MERGE keeps them unique.

    Each link carries ``datasets``, the ids of the datasets that hold it.
    """
    t = _checked(rel_type, "relationship type")
    if create:
        return _MATCH_ENDS + f"CREATE (a)-[r:{t}]->(b)\nSET r.datasets = [$ds]"
    return (_MATCH_ENDS + f"MERGE (a)-[r:{t}]->(b)\nWITH r, coalesce(r.datasets, []) AS had\n"
            f"SET r.datasets = {_ADD_DS}")


def edge_query(rel_type: str, create: bool = False) -> str:
    """The query for direct edges of one type; MERGE on the projection's edge ``key``."""
    t = _checked(rel_type, "relationship type")
    if create:
        return _MATCH_ENDS + f"CREATE (a)-[r:{t}]->(b)\nSET r = row.props\nSET r.datasets = [$ds]"
    return (_MATCH_ENDS + f"MERGE (a)-[r:{t} {{key: row.key}}]->(b)\n"
            "WITH r, row, coalesce(r.datasets, []) AS had\nSET r = row.props\n"
            f"SET r.datasets = {_ADD_DS}")


def _batches(rows: list, size: int):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


_MARK_DONE = "MATCH (l:UseitLoad {dataset: $ds}) SET l.rows_done = $done"


def _write(tx, query, rows, ds, done):
    """One batch and the load marker's ``rows_done``, in one transaction (both or neither)."""
    tx.run(query, rows=rows, ds=ds).consume()
    tx.run(_MARK_DONE, ds=ds, done=done).consume()


def plan(rows: Rows, create: bool = False) -> list[tuple[str, str, list]]:
    """The (kind, query, rows) triples :func:`load` runs, in order: nodes, links, direct edges."""
    out = [("nodes", node_query(lbls, create), r) for lbls, r in sorted(rows.nodes.items())]
    out += [("links", link_query(t, create), r) for t, r in sorted(rows.links.items())]
    out += [("edges", edge_query(t, create), r) for t, r in sorted(rows.edges.items())]
    return out


_CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed"


def _dataset_present(conn, dataset_id) -> bool:
    recs, _, _ = conn.driver.execute_query(
        "OPTIONAL MATCH (l:UseitLoad {dataset: $ds}) "
        "RETURN l IS NOT NULL OR EXISTS { MATCH (n:Resource) WHERE $ds IN n.datasets } AS present",
        ds=dataset_id, database_=conn.database)
    return bool(recs[0]["present"])


# ------------------------------------------------------------------------------------------
# The load marker: (:UseitLoad {dataset, state, rows_done, rows_total, started, finished})
# ------------------------------------------------------------------------------------------

_MARK_BEGIN = """
MERGE (l:UseitLoad {dataset: $ds})
SET l.state = 'running', l.rows_done = 0, l.rows_total = $total, l.batch_size = $batch_size,
    l.started = datetime(), l.finished = null
"""
_MARK_COMPLETE = """
MATCH (l:UseitLoad {dataset: $ds})
SET l.state = 'complete', l.rows_done = $total, l.finished = datetime()
"""


def load_states(conn: Connection, dataset_id: str | None = None) -> list[dict]:
    """The load markers: one dict per dataset loaded into this database, by dataset id.

    Each is ``{"dataset", "state", "rows_done", "rows_total", "started", "finished"}``;
    ``state`` is ``running`` while a load runs and stays so if it was interrupted (half loaded),
    ``complete`` once every row is committed. Times are ISO strings (UTC, from the server).
    """
    with _mapped(conn.uri, conn.database, conn.user):
        recs, _, _ = conn.driver.execute_query(
            "MATCH (l:UseitLoad) WHERE $ds IS NULL OR l.dataset = $ds "
            "RETURN l.dataset AS dataset, l.state AS state, l.rows_done AS rows_done, "
            "l.rows_total AS rows_total, l.started AS started, l.finished AS finished "
            "ORDER BY dataset", ds=dataset_id, database_=conn.database)
    return [{k: _py(r[k]) for k in ("dataset", "state", "rows_done", "rows_total", "started", "finished")}
            for r in recs]


def half_loaded(conn: Connection, dataset_id: str | None = None) -> list[dict]:
    """The load markers still ``running``: datasets whose load was interrupted (or runs now)."""
    return [s for s in load_states(conn, dataset_id) if s["state"] != "complete"]


def half_loaded_message(state: dict) -> str:
    """One line for a half-loaded dataset, with the fix.

    Examples
    --------
    >>> print(half_loaded_message({"dataset": "seeds", "rows_done": 200, "rows_total": 900,
    ...                            "started": "2026-01-02T03:04:05Z"}))
    dataset 'seeds' is half loaded: 200 of 900 rows committed (load started 2026-01-02T03:04:05Z and did not finish, or is still running); re-run the same `useit neo4j load` to complete it
    """
    return (f"dataset {state['dataset']!r} is half loaded: {state['rows_done']} of "
            f"{state['rows_total']} rows committed (load started {state['started']} and did not "
            "finish, or is still running); re-run the same `useit neo4j load` to complete it")


def _committed(conn, dataset_id, fallback: int) -> int:
    """Rows the marker says are committed (it commits with each batch); `fallback` if unreadable.

    Read through a fresh driver where possible: after Ctrl-C, a pooled connection can be left
    mid-message (the server still sees its transaction open until the connection closes).
    """
    driver = None
    try:
        driver = conn.reopen() if conn.reopen is not None else conn.driver
        with _quiet_driver_log():
            recs, _, _ = driver.execute_query(
                "MATCH (l:UseitLoad {dataset: $ds}) RETURN l.rows_done AS n", ds=dataset_id,
                database_=conn.database)
        return int(recs[0]["n"]) if recs and recs[0]["n"] is not None else fallback
    except Exception:  # the server is gone: what the client saw committed
        return fallback
    finally:
        if driver is not None and driver is not conn.driver:
            driver.close()


def _by_ctrl_c(exc: BaseException) -> bool:
    """True if `exc` is a KeyboardInterrupt or was raised while handling one.

    Ctrl-C can land inside the driver's socket code; the driver's cleanup on the way out (a
    rollback, a connection reset) then sometimes fails with an error of its own (a protocol
    ``ClientError``, a ``BufferError``) that carries the KeyboardInterrupt as its context.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


@contextmanager
def _write_session(conn) -> Iterator:
    """A session whose close cannot hide why the load stopped.

    On Ctrl-C the driver's own ``__exit__`` tries to roll back over a connection that may be
    mid-message and raises a protocol ``ClientError`` in place of the ``KeyboardInterrupt``; here
    that close error is dropped (the server rolls the open transaction back when the connection
    goes) and the original exception propagates.
    """
    session = conn.driver.session(database=conn.database)
    try:
        yield session
    except BaseException:
        with _quiet_driver_log():
            try:
                session.close()
            except Exception:
                pass
        raise
    else:
        session.close()


# ------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------

def load(conn: Connection, rows: Rows, *, batch_size: int = 10_000,
         progress: Callable[[int, int], None] | None = None, wipe: bool = False,
         mode: str = "auto", prune: bool = True) -> dict:
    """Write rows into Neo4j idempotently (``UNWIND $rows`` + ``MERGE`` on ``uri``).

    Each batch is one managed write transaction (``session.execute_write``), which the driver
    retries on transient errors (deadlocks, leader switches). A load that is killed leaves every
    committed batch and rolls back the one in flight; running it again completes it, and
    ``MERGE`` on ``uri`` (nodes) and on ``key`` (direct edges) means nothing is duplicated.

    Every node and relationship written gets ``rows.dataset`` in its ``datasets`` list, so two
    datasets can share IRIs: :func:`wipe` removes one id and deletes only what no dataset holds.
    A marker node ``(:UseitLoad {dataset})`` records the load: ``state`` is ``running`` until the
    last batch commits (then ``complete``), and ``rows_done`` commits with every batch.

    Parameters
    ----------
    conn : Connection
    rows : Rows
        From :func:`build_rows`; ``rows.dataset`` is the dataset id.
    batch_size : int
        Rows per transaction (Neo4j recommends 1k-10k).
    progress : callable, optional
        ``progress(done_rows, total_rows)`` after each committed batch.
    wipe : bool
        First remove this dataset (see :func:`wipe`): other datasets' nodes are left alone.
    mode : {"auto", "merge", "create"}
        ``auto`` (default): when nothing of this dataset is in the database yet (a first load, or
        after `wipe`), write with ``CREATE`` (about 2x faster, same result); otherwise ``MERGE``.
        A ``CREATE`` batch that meets a ``uri`` another dataset already loaded fails on the
        uniqueness constraint, is rolled back, and is redone with ``MERGE``, and so is every
        relationship batch after it. ``merge`` always merges; ``create`` skips the check.
    prune : bool
        After a re-load (the dataset was there before), take this dataset off the nodes and
        relationships it no longer has (deleting those no dataset holds any more) and remove
        the ontology labels its nodes lost. Default true, so a re-load after data changes leaves
        exactly the new data.

    Returns
    -------
    dict
        ``{"nodes", "links", "edges"}`` (rows sent), ``batches``, ``wiped`` (nodes deleted by
        `wipe`), ``mode`` (``create`` or ``merge``: how the load started), ``resumed`` (the load
        marker of an interrupted load was found, or None) and ``pruned`` (what `prune` removed).

    Raises
    ------
    LoadInterrupted
        Ctrl-C, or the server went away mid-load: the message says how many rows were committed.
    StoreUnavailable
        The server cannot be reached, or credentials or database are wrong, before any write.
    """
    from neo4j.exceptions import ClientError

    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if mode not in ("auto", "merge", "create"):
        raise ValueError(f"mode={mode!r}; use 'auto', 'merge' or 'create'")
    ds = rows.dataset
    total = len(rows)
    done = batches = wiped = 0
    began = False
    try:
        with _mapped(conn.uri, conn.database, conn.user):
            for q in SCHEMA_QUERIES:
                conn.driver.execute_query(q, database_=conn.database)
            resumed = None if wipe else next(iter(half_loaded(conn, ds)), None)
            if wipe:
                wiped = _wipe(conn, ds, batch_size)["deleted_nodes"]
            present = _dataset_present(conn, ds)
            create = mode == "create" or (mode == "auto" and not present)
            started = "create" if create else "merge"
            conn.driver.execute_query(_MARK_BEGIN, ds=ds, total=total, batch_size=batch_size,
                                      database_=conn.database)
            began = True
            merged_plan = plan(rows, create=False)
            with _write_session(conn) as session:
                for i, (kind, query, all_rows) in enumerate(plan(rows, create=create)):
                    for batch in _batches(all_rows, batch_size):
                        now = done + len(batch)
                        if create:
                            try:
                                session.execute_write(_write, query, batch, ds, now)
                            except ClientError as exc:
                                if exc.code != _CONSTRAINT_FAILED or kind != "nodes":
                                    raise
                                create = False  # a uri is shared with another dataset: merge from here on
                        if not create:
                            session.execute_write(_write, merged_plan[i][1], batch, ds, now)
                        done = now
                        batches += 1
                        if progress is not None:
                            progress(done, total)
            pruned = _prune(conn, rows, batch_size) if (prune and present) else None
            conn.driver.execute_query(_MARK_COMPLETE, ds=ds, total=total, database_=conn.database)
    except BaseException as exc:
        if not began:
            raise
        if _by_ctrl_c(exc):  # also when the driver, unwinding, replaced the KeyboardInterrupt
            raise LoadInterrupted(ds, _committed(conn, ds, done), total, "Ctrl-C", exit_code=130) from None
        if isinstance(exc, StoreUnavailable):
            raise LoadInterrupted(ds, _committed(conn, ds, done), total,
                                  f"lost the connection to Neo4j at {conn.uri}") from exc
        raise
    return {"nodes": rows.n_nodes, "links": rows.n_links, "edges": rows.n_edges,
            "batches": batches, "wiped": wiped, "mode": started, "resumed": resumed,
            "pruned": pruned}


# ------------------------------------------------------------------------------------------
# Re-load: what this dataset no longer has
# ------------------------------------------------------------------------------------------

_OWN_NODES = "MATCH (n:Resource) WHERE $ds IN n.datasets RETURN n.uri AS uri, labels(n) AS labels"
_OWN_RELS = ("MATCH (a:Resource)-[r]->(b:Resource) WHERE $ds IN r.datasets "
             "RETURN elementId(r) AS id, a.uri AS a, type(r) AS t, b.uri AS b, r.key AS k")
_RELEASE_NODES = """
UNWIND $uris AS u
MATCH (n:Resource {uri: u}) WHERE $ds IN n.datasets
SET n.datasets = [x IN n.datasets WHERE x <> $ds]
WITH n, size(n.datasets) = 0 AS orphan
FOREACH (_ IN CASE WHEN orphan THEN [1] ELSE [] END | DETACH DELETE n)
RETURN count(*) AS touched, sum(CASE WHEN orphan THEN 1 ELSE 0 END) AS deleted
"""
_RELEASE_RELS = """
UNWIND $ids AS id
MATCH ()-[r]->() WHERE elementId(r) = id AND $ds IN r.datasets
SET r.datasets = [x IN r.datasets WHERE x <> $ds]
WITH r, size(r.datasets) = 0 AS orphan
FOREACH (_ IN CASE WHEN orphan THEN [1] ELSE [] END | DELETE r)
RETURN count(*) AS touched, sum(CASE WHEN orphan THEN 1 ELSE 0 END) AS deleted
"""


def _run_counted(session, query, key, items, batch_size, **params) -> tuple[int, int]:
    touched = deleted = 0

    def work(tx, batch):
        rec = tx.run(query, {key: batch, **params}).single()
        return rec["touched"], rec["deleted"] or 0

    for batch in _batches(items, batch_size):
        t, d = session.execute_write(work, batch)
        touched, deleted = touched + t, deleted + d
    return touched, deleted


def _prune(conn, rows: Rows, batch_size: int) -> dict:
    """Take ``rows.dataset`` off what it no longer has; remove the ontology labels nodes lost.

    Compares the database with `rows` (one read of this dataset's node labels and relationship
    identities), then writes only the differences, in batches.
    """
    ds, db = rows.dataset, conn.database
    want_labels = {r["uri"]: set(lbls) for lbls, rs in rows.nodes.items() for r in rs}
    want_rels = {(r["src"], t, r["dst"], None) for t, rs in rows.links.items() for r in rs}
    want_rels |= {(r["src"], t, r["dst"], r["key"]) for t, rs in rows.edges.items() for r in rs}
    nodes, _, _ = conn.driver.execute_query(_OWN_NODES, ds=ds, database_=db)
    rels, _, _ = conn.driver.execute_query(_OWN_RELS, ds=ds, database_=db)
    stale_rels = [r["id"] for r in rels if (r["a"], r["t"], r["b"], r["k"]) not in want_rels]
    stale_nodes = sorted(r["uri"] for r in nodes if r["uri"] not in want_labels)
    lost: dict = defaultdict(list)  # labels to remove -> uris
    for r in nodes:
        want = want_labels.get(r["uri"])
        if want is not None:
            extra = (set(r["labels"]) & rows.vocabulary) - want
            if extra:
                lost[tuple(sorted(extra))].append(r["uri"])
    out = {"relationships_released": 0, "relationships_deleted": 0, "nodes_released": 0,
           "nodes_deleted": 0, "labels_removed": 0}
    with conn.driver.session(database=db) as session:
        t, d = _run_counted(session, _RELEASE_RELS, "ids", stale_rels, batch_size, ds=ds)
        out["relationships_released"], out["relationships_deleted"] = t, d
        t, d = _run_counted(session, _RELEASE_NODES, "uris", stale_nodes, batch_size, ds=ds)
        out["nodes_released"], out["nodes_deleted"] = t, d
        for labels, uris in sorted(lost.items()):
            q = ("UNWIND $uris AS u MATCH (n:Resource {uri: u}) "
                 f"REMOVE n{_label_string(labels)}")
            for batch in _batches(uris, batch_size):
                session.execute_write(lambda tx, b: tx.run(q, uris=b).consume(), batch)
            out["labels_removed"] += len(labels) * len(uris)
    return out


# ------------------------------------------------------------------------------------------
# Wipe: remove one dataset, delete only what no other dataset holds
# ------------------------------------------------------------------------------------------

_WIPE_RELS = """
MATCH (:Resource)-[r]->() WHERE $ds IN r.datasets
WITH r LIMIT $size
SET r.datasets = [x IN r.datasets WHERE x <> $ds]
WITH r, size(r.datasets) = 0 AS orphan
FOREACH (_ IN CASE WHEN orphan THEN [1] ELSE [] END | DELETE r)
RETURN count(*) AS touched, sum(CASE WHEN orphan THEN 1 ELSE 0 END) AS deleted
"""
_WIPE_NODES = """
MATCH (n:Resource) WHERE $ds IN n.datasets
WITH n LIMIT $size
SET n.datasets = [x IN n.datasets WHERE x <> $ds]
WITH n, size(n.datasets) = 0 AS orphan
FOREACH (_ IN CASE WHEN orphan THEN [1] ELSE [] END | DETACH DELETE n)
RETURN count(*) AS touched, sum(CASE WHEN orphan THEN 1 ELSE 0 END) AS deleted
"""

_OUT_OF_TX_MEMORY = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"


def _wipe(conn, dataset_id, batch_size) -> dict:
    """Relationships then nodes, in batches; halve the batch when a transaction outgrows memory."""
    from neo4j.exceptions import TransientError

    out = {}

    def work(tx, query, size):
        rec = tx.run(query, ds=dataset_id, size=size).single()
        return rec["touched"], rec["deleted"] or 0

    with conn.driver.session(database=conn.database) as session:
        for what, query in (("relationships", _WIPE_RELS), ("nodes", _WIPE_NODES)):
            touched = deleted = 0
            while True:
                try:
                    t, d = session.execute_write(work, query, batch_size)
                except TransientError as exc:
                    if exc.code != _OUT_OF_TX_MEMORY or batch_size == 1:
                        raise
                    batch_size = max(1, batch_size // 2)
                    continue
                touched, deleted = touched + t, deleted + d
                if t == 0:
                    break
            out[f"released_{what}"], out[f"deleted_{what}"] = touched, deleted
        session.execute_write(lambda tx: tx.run("MATCH (l:UseitLoad {dataset: $ds}) DELETE l",
                                                ds=dataset_id).consume())
    return out


def wipe(conn: Connection, dataset_id: str, batch_size: int = 10_000) -> int:
    """Remove dataset `dataset_id`: return how many nodes were deleted.

    Takes the id off the ``datasets`` list of every node and relationship that has it, deletes
    those left with no dataset, and deletes the dataset's load marker. Nodes and relationships
    another dataset also holds stay (with that dataset's id), so wiping one of two datasets that
    share IRIs leaves the other's graph whole. A shared node keeps the properties of the load
    that wrote it last: re-load the other dataset to restore its values where they differed.
    """
    with _mapped(conn.uri, conn.database, conn.user):
        return _wipe(conn, dataset_id, batch_size)["deleted_nodes"]


def counts(conn: Connection, dataset_id: str | None = None) -> dict:
    """Numbers of nodes, relationships, node properties and distinct ``uri`` values.

    With `dataset_id`, only the nodes and relationships whose ``datasets`` list holds it.
    """
    where_n = "WHERE $ds IS NULL OR $ds IN n.datasets"
    where_r = "WHERE $ds IS NULL OR $ds IN r.datasets"
    q = ("MATCH (n:Resource) " + where_n + " RETURN count(n) AS nodes, count(DISTINCT n.uri) AS uris, "
         "sum(size(keys(n))) AS props")
    with _mapped(conn.uri, conn.database, conn.user):
        recs, _, _ = conn.driver.execute_query(q, ds=dataset_id, database_=conn.database)
        rec = recs[0]
        rrecs, _, _ = conn.driver.execute_query(
            f"MATCH (:Resource)-[r]->() {where_r} RETURN count(r) AS n, sum(size(keys(r))) AS p",
            ds=dataset_id, database_=conn.database)
    return {"nodes": rec["nodes"], "uris": rec["uris"], "node_properties": rec["props"] or 0,
            "relationships": rrecs[0]["n"] or 0, "relationship_properties": rrecs[0]["p"] or 0}


# ------------------------------------------------------------------------------------------
# Metrics as node properties
# ------------------------------------------------------------------------------------------

#: Columns of ``useit metrics --level node`` that are the node's own attributes (already loaded).
_IDENTITY_COLUMNS = ("node", "label", "type", "tier", "group")


def _node_metric_rows(G: nx.MultiDiGraph) -> list[dict]:
    """The rows ``useit metrics --level node`` prints, from the function that command uses.

    That is :func:`useit_graph.metrics.tables.node_table` with its defaults (the command's
    defaults); older trees had ``useit_graph.commands.measures._node_rows(G, "group")``.
    """
    try:
        from ..metrics.tables import node_table
    except ImportError:
        from ..commands.measures import _node_rows
        return _node_rows(G, "group")
    return node_table(G)


def compute_metrics(G: nx.MultiDiGraph, seed: int = 0) -> dict:
    """Node -> {metric: value} for ``--with-metrics``: the columns of ``useit metrics --level node``.

    The values are the rows of ``useit metrics --level node`` (default options), computed by the
    same function, so Neo4j holds exactly the numbers that command prints (``degree`` = distinct
    neighbours, ``ties``, ``betweenness`` as that command normalises it, ``constraint``, ...;
    see ``docs/measures.md``). The node's own attributes (``label``, ``type``, ``tier``,
    ``group``) are not repeated. Where the table has no ``community`` column, one is added: the
    index of the node's seeded Louvain community (largest first). NaN values are left out.
    """
    out = {}
    for row in _node_metric_rows(G):
        out[row["node"]] = {k: x for k, x in row.items() if k not in _IDENTITY_COLUMNS}
    if out and "community" not in next(iter(out.values())):
        from ..metrics.communities import louvain_communities
        from ..project import simple_graph

        for i, members in enumerate(louvain_communities(simple_graph(G), seed=seed)):
            for v in members:
                if v in out:
                    out[v]["community"] = i
    return out


def _metric_value(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None  # SET n += {x: null} removes the property
    return v


def write_metrics(conn: Connection, metrics: dict, *, batch_size: int = 10_000) -> int:
    """Write ``{node_uri: {metric: value}}`` as node properties (NaN removes the property).

    Metric names become property names through ``$rows`` maps, never through the query text.
    Returns the number of nodes matched.
    """
    rows = [{"uri": str(u), "props": {str(k): _metric_value(x) for k, x in m.items()}}
            for u, m in sorted(metrics.items())]
    q = "UNWIND $rows AS row MATCH (n:Resource {uri: row.uri}) SET n += row.props RETURN count(n) AS n"

    def work(tx, batch):
        return tx.run(q, rows=batch).single()["n"]

    matched = 0
    with _mapped(conn.uri, conn.database, conn.user):
        with conn.driver.session(database=conn.database) as session:
            for batch in _batches(rows, batch_size):
                matched += session.execute_write(work, batch)
    return matched


# ------------------------------------------------------------------------------------------
# Reading back
# ------------------------------------------------------------------------------------------

def _py(v):
    """A Neo4j value as a projection value (dates -> ISO strings, lists recursively)."""
    if hasattr(v, "iso_format") and not isinstance(v, str):
        return v.iso_format()
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return [_py(x) for x in v]
    return v


#: ``$ds`` (null = every dataset) holds the relationship or node bound to `x`.
def _in_ds(x: str) -> str:
    return f"($ds IS NULL OR $ds IN {x}.datasets)"


_EVIDENCE_OF = (f"[(_)-[l:EVIDENCE]->(e) WHERE {_in_ds('l')} | {{uri: e.uri, section: e.section, "
                f"quote: e.quote, source: head([(e)-[s:SOURCE]->(d) WHERE {_in_ds('s')} | d.uri])}}]")

_EXPORT_NODES = f"""
MATCH (n:Resource {{projected: true}}) WHERE {_in_ds('n')}
RETURN n.uri AS uri, properties(n) AS p,
       [(n)-[l:LOCATED_IN]->(x) WHERE {_in_ds('l')} | x.uri] AS places,
       [(n)-[l:WORK_PACKAGE]->(x) WHERE {_in_ds('l')} | x.uri] AS wps,
       {_EVIDENCE_OF.replace('(_)', '(n)')} AS ev
"""

_EXPORT_EDGES = f"""
MATCH (a:Resource {{projected: true}})-[r]->(b:Resource {{projected: true}})
WHERE r.key IS NOT NULL AND {_in_ds('r')}
RETURN a.uri AS u, b.uri AS v, type(r) AS t, properties(r) AS p
"""

_EXPORT_RELS = f"""
MATCH (r:Relationship:Resource) WHERE {_in_ds('r')}
RETURN r.uri AS uri,
       [(r)-[l:WORK_PACKAGE]->(x) WHERE {_in_ds('l')} | x.uri] AS wps,
       {_EVIDENCE_OF.replace('(_)', '(r)')} AS ev
"""


def _evidence(ev):
    return [{"section": e["section"], "quote": e["quote"], "source": e["source"]}
            for e in sorted(ev, key=lambda e: e["uri"])]


def export(conn: Connection, dataset_id: str | None = None) -> nx.MultiDiGraph:
    """Read the graph back into the model of :func:`useit_graph.project.project_graph`.

    Nodes are the ``projected: true`` resources; edges are the direct edges (those with a
    ``key``), with ``label`` = relationship type and ``work_packages``/``evidence`` read from the
    qualified relationship node. Dates come back as ISO strings, lists sorted as the projection
    sorts them, so ``export(load(build_rows(ds)))`` equals ``project_graph(ds)``.

    Parameters
    ----------
    conn : Connection
    dataset_id : str, optional
        Only the nodes and relationships whose ``datasets`` list holds this id (default: all).

    Returns
    -------
    networkx.MultiDiGraph
    """
    G = nx.MultiDiGraph()
    G.graph.update({"as_of": None, "work_package": None, "place": None, "rel_types": None})
    with _mapped(conn.uri, conn.database, conn.user):
        drv, db = conn.driver, conn.database
        nodes, _, _ = drv.execute_query(_EXPORT_NODES, ds=dataset_id, database_=db)
        edges, _, _ = drv.execute_query(_EXPORT_EDGES, ds=dataset_id, database_=db)
        rels, _, _ = drv.execute_query(_EXPORT_RELS, ds=dataset_id, database_=db)
    for rec in sorted(nodes, key=lambda r: r["uri"]):
        p = rec["p"]
        attrs = {k: _py(p.get(k)) for k in _NODE_KEYS}
        attrs["alt_labels"] = list(attrs["alt_labels"] or [])
        attrs["types"] = list(attrs["types"] or [])
        attrs["personal_data"] = bool(attrs["personal_data"])
        attrs["places"] = sorted(rec["places"])
        attrs["work_packages"] = sorted(rec["wps"])
        attrs["evidence"] = _evidence(rec["ev"])
        G.add_node(rec["uri"], **attrs)
    rel_info = {r["uri"]: (sorted(r["wps"]), _evidence(r["ev"])) for r in rels}
    for rec in sorted(edges, key=lambda r: (r["u"], r["v"], r["p"]["key"])):
        p = rec["p"]
        attrs = {k: _py(p.get(k)) for k in _EDGE_KEYS}
        attrs["label"] = rec["t"]
        wps, ev = rel_info.get(attrs["rel"], ([], []))
        attrs["work_packages"], attrs["evidence"] = list(wps), [dict(e) for e in ev]
        G.add_edge(rec["u"], rec["v"], key=p["key"], **attrs)
    return G


# ------------------------------------------------------------------------------------------
# Named Cypher queries
# ------------------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(?://|#)\s*(title|description|params)\s*:\s*(.*)$")


def _header(text: str) -> dict:
    """``title``/``description``/``params`` from a query file's leading comment lines."""
    out = {"title": "", "description": "", "params": []}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _HEADER.match(line)
        if m is None:
            if line.lstrip().startswith(("//", "#")):
                continue
            break
        key, value = m.group(1), m.group(2).strip()
        out[key] = [p.strip() for p in value.split(",") if p.strip()] if key == "params" else value
    return out


def _query_params(text: str, where: str) -> tuple[list[str], list[str]]:
    """(required, optional) parameter names from the header, with the named-query module's parser."""
    specs = _param_specs(text, where)
    return [n for n, _, opt in specs if not opt], [n for n, _, opt in specs if opt]


def _param_specs(text: str, where: str) -> list[tuple[str, str, bool]]:
    """``(name, kind, optional)`` for each declared parameter (kind ``text`` when not given)."""
    try:
        from ..queries import parse_header
    except ImportError:  # the named-query module is optional for the loader
        return [(n, "text", False) for n in _header(text)["params"]]
    head = parse_header(text, where)
    specs = head.get("param_specs") or []
    if not specs:
        return [(n, "text", False) for n in head.get("params", [])]
    return [(p.name, p.kind, p.optional) for p in specs]


def _date_param(name: str, value, where: str):
    """A ``date`` parameter as a :class:`datetime.date` (the driver sends a Neo4j ``Date``)."""
    if value is None or isinstance(value, _dt.date):
        return value.date() if isinstance(value, _dt.datetime) else value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise UseitGraphError(f"{where}: parameter {name} must be an ISO date (YYYY-MM-DD), not {value!r}",
                              hint=f"-p {name}=2018-06-30") from None


class CypherQueryError(UseitGraphError):
    """Neo4j refused a Cypher query file (syntax, semantics, types): the file and the server's words."""


def cypher_path(name: str, root=None) -> Path:
    """The file of the Cypher twin of named query `name` (``queries/cypher/<name>.cypher``)."""
    from ..paths import get_paths

    folder = get_paths(root).queries / "cypher"
    if not _NAME.match(name.replace("-", "_")):
        raise UnknownQuery(f"{name!r} is not a query name", hint="run `useit queries` for the list")
    try:  # user query folders (--queries-dir / USEIT_QUERIES) come from the named-query module
        from ..queries import discover_queries, env_query_dirs
    except ImportError:
        pass
    else:
        found = discover_queries(root, env_query_dirs()).get(name)
        if found is not None and found.cypher is not None:
            return Path(found.cypher)
    path = folder / f"{name}.cypher"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.cypher"))
        raise UnknownQuery(f"no Cypher query named {name!r} in {folder}",
                           hint="use one of: " + (", ".join(known) or "(none yet)"))
    return path


def _query_file(name, root=None) -> Path:
    """`name` as a query file: a path to a ``.cypher`` file is used as is, else :func:`cypher_path`."""
    if isinstance(name, Path) or str(name).endswith(".cypher"):
        path = Path(name)
        if not path.is_file():
            raise UnknownQuery(f"Cypher query file {path} does not exist",
                               hint="pass an existing .cypher file, or a query name from `useit queries`")
        return path
    return cypher_path(name, root)


def _plain(v):
    v = _py(v)
    if hasattr(v, "element_id") and hasattr(v, "items"):  # Node / Relationship
        d = dict(v.items())
        return d.get("uri", d)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def run_cypher(name: str | Path, params: dict | None, conn: Connection, root=None, *,
               dataset: str | None = None) -> list[dict]:
    """Run the Cypher twin of a named query with ``$params``; return rows of plain values.

    Parameters
    ----------
    name : str or path-like
        Query name (file stem in ``queries/cypher`` or a user query folder), or the path of a
        ``.cypher`` file (a :class:`~pathlib.Path`, or a string ending in ``.cypher``).
    params : dict
        Values for the parameters the file declares (``// params: a, b:entity, c?``); bound as
        ``$a``, never formatted into the text. Entities are given as IRIs (strings); optional
        parameters left out are bound to null. Extra keys are passed through.
        Parameters of kind ``date`` are sent as Neo4j dates (an ISO string is converted), so
        they compare with the loaded ``start``/``end``/``created`` dates.
    conn : Connection
    root : path-like, optional
        Project root (default: ``USEIT_ROOT`` / the checkout).
    dataset : str, optional
        Bound as ``$dataset``: the built-in twins then keep only what that dataset loaded (its
        id in the ``datasets`` lists); None (default) uses every dataset in the database.

    Returns
    -------
    list of dict
        One dict per record; dates as ISO strings, nodes as their ``uri``.

    Raises
    ------
    UnknownQuery, MissingQueryParameter, StoreUnavailable
    CypherQueryError
        Neo4j refused the query (a syntax error, an unknown function, a type error): the message
        names the file and quotes the server (which gives the line and column in that file).
    """
    from neo4j.exceptions import ClientError

    path = _query_file(name, root)
    text = path.read_text(encoding="utf-8")
    params = dict(params or {})
    required, optional = _query_params(text, str(path))
    missing = [p for p in required if params.get(p) is None]
    if missing:
        raise MissingQueryParameter(f"query {name!r} needs parameter(s) {', '.join(missing)}",
                                    hint=" ".join(f"-p {p}=VALUE" for p in missing))
    for p in optional:  # an optional parameter left out is bound to null, as SPARQL leaves it unbound
        params.setdefault(p, None)
    for p, kind, _ in _param_specs(text, str(path)):
        if kind == "date" and p in params:
            params[p] = _date_param(p, params[p], str(path))
    params.setdefault("dataset", dataset)
    with _mapped(conn.uri, conn.database, conn.user):
        try:
            records, _, keys = conn.driver.execute_query(text, params, database_=conn.database)
        except ClientError as exc:
            if not (exc.code or "").startswith("Neo.ClientError.Statement."):
                raise
            raise CypherQueryError(
                f"{path}: Neo4j refused the query ({exc.code}): {(exc.message or '').strip()}",
                hint=f"fix the Cypher in {path}; line and column count from the top of the file, "
                     "header comments included") from None
    return [{k: _plain(r[k]) for k in keys} for r in records]


def server_status(conn: Connection) -> dict:
    """Server version and edition, the database, and whether GDS and APOC are installed."""
    with _mapped(conn.uri, conn.database, conn.user):
        comp, _, _ = conn.driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition",
            database_=conn.database)
        procs, _, _ = conn.driver.execute_query(
            "SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'gds.' OR name STARTS WITH 'apoc.' "
            "RETURN name", database_=conn.database)
    names = [r["name"] for r in procs]
    c = comp[0]
    return {"uri": conn.uri, "database": conn.database, "server": c["name"],
            "version": c["versions"][0], "edition": c["edition"],
            "gds": any(n.startswith("gds.") for n in names),
            "apoc": any(n.startswith("apoc.") for n in names)}
