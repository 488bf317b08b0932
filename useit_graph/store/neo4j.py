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
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import networkx as nx

from ..errors import MissingQueryParameter, StoreUnavailable, UnknownQuery, UnknownTerm
from ..project import IRI, U, _index, _local, _most_specific, iter_triples, project_graph, read_schema

__all__ = [
    "Connection",
    "Rows",
    "connect",
    "build_rows",
    "load",
    "wipe",
    "write_metrics",
    "compute_metrics",
    "export",
    "run_cypher",
    "counts",
    "server_status",
    "upper_snake",
    "DEFAULT_URI",
    "DEFAULT_DATABASE",
]

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"
RESOURCE = "Resource"

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCTERMS = "http://purl.org/dc/terms/"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_FIX_START = "start it (`scripts/neo4j-server start`) or set NEO4J_URI"

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

    def close(self) -> None:
        self.driver.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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
            connection_timeout: float = 5.0) -> Connection:
    """Open a driver from arguments or the environment and check that the database answers.

    Parameters
    ----------
    uri, user, password, database : str, optional
        Default to ``NEO4J_URI`` (else ``bolt://127.0.0.1:7687``), ``NEO4J_USER`` (else
        ``neo4j``), ``NEO4J_PASSWORD`` (else empty) and ``NEO4J_DATABASE`` (else ``neo4j``).
        The CLI never takes the password from its arguments, only from the environment.
    verify : bool
        Run ``RETURN 1`` on `database` now, so a wrong address, password or database fails here
        with one clear message.
    connection_timeout : float
        Seconds to wait for a TCP connection.

    Returns
    -------
    Connection

    Raises
    ------
    StoreUnavailable
        The server is down, the credentials are wrong, or the database does not exist; the
        message says which and how to fix it.
    """
    import neo4j

    uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
    user = user or os.environ.get("NEO4J_USER") or DEFAULT_USER
    password = password if password is not None else os.environ.get("NEO4J_PASSWORD", "")
    database = database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE
    with _mapped(uri, database, user):
        try:
            driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                                connection_timeout=connection_timeout,
                                                max_transaction_retry_time=15.0)
        except ValueError as exc:  # malformed URI scheme
            raise StoreUnavailable(f"{uri!r} is not a Neo4j URI",
                                   hint="set NEO4J_URI to bolt://host:7687 or neo4j://host:7687") from exc
        conn = Connection(driver, database, uri, user)
        if verify:
            try:
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
        The dataset id stamped on every node (``--wipe`` deletes by it).
    """

    nodes: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    edges: dict = field(default_factory=dict)
    dataset: str = "default"

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
    return {k: v for k, v in d.items() if v is not None}


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
        Stamped on every node as ``dataset``.
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
        props["dataset"] = dataset_id
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
    )


# ------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------

SCHEMA_QUERIES = (
    "CREATE CONSTRAINT resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE",
    "CREATE INDEX resource_dataset IF NOT EXISTS FOR (n:Resource) ON (n.dataset)",
)


def node_query(labels: tuple, create: bool = False) -> str:
    """The ``UNWIND $rows`` query for nodes with these labels (names checked).

    ``MERGE`` on ``uri`` by default; ``create=True`` gives the fast path for a dataset that is not
    in the database yet (the uniqueness constraint still refuses a second node with one ``uri``).

    Examples
    --------
    >>> print(node_query(("Funding", "Relationship", "Resource")))
    UNWIND $rows AS row
    MERGE (n:Resource {uri: row.uri})
    SET n = row.props
    SET n:Funding:Relationship:Resource
    >>> print(node_query(("Funding", "Relationship", "Resource"), create=True))
    UNWIND $rows AS row
    CREATE (n:Funding:Relationship:Resource)
    SET n = row.props
    """
    if create:
        return f"UNWIND $rows AS row\nCREATE (n{_label_string(labels)})\nSET n = row.props"
    return ("UNWIND $rows AS row\nMERGE (n:Resource {uri: row.uri})\nSET n = row.props\n"
            f"SET n{_label_string(labels)}")


_MATCH_ENDS = "UNWIND $rows AS row\nMATCH (a:Resource {uri: row.src})\nMATCH (b:Resource {uri: row.dst})\n"


def link_query(rel_type: str, create: bool = False) -> str:
    """The query for plain links (role, provenance) of one type; MERGE keeps them unique."""
    verb = "CREATE" if create else "MERGE"
    return _MATCH_ENDS + f"{verb} (a)-[:{_checked(rel_type, 'relationship type')}]->(b)"


def edge_query(rel_type: str, create: bool = False) -> str:
    """The query for direct edges of one type; MERGE on the projection's edge ``key``."""
    t = _checked(rel_type, "relationship type")
    if create:
        return _MATCH_ENDS + f"CREATE (a)-[r:{t}]->(b)\nSET r = row.props"
    return _MATCH_ENDS + f"MERGE (a)-[r:{t} {{key: row.key}}]->(b)\nSET r = row.props"


def _batches(rows: list, size: int):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _write(tx, query, rows):
    tx.run(query, rows=rows).consume()


def plan(rows: Rows, create: bool = False) -> list[tuple[str, str, list]]:
    """The (kind, query, rows) triples :func:`load` runs, in order: nodes, links, direct edges."""
    out = [("nodes", node_query(lbls, create), r) for lbls, r in sorted(rows.nodes.items())]
    out += [("links", link_query(t, create), r) for t, r in sorted(rows.links.items())]
    out += [("edges", edge_query(t, create), r) for t, r in sorted(rows.edges.items())]
    return out


_CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed"


def _dataset_present(conn, dataset_id) -> bool:
    recs, _, _ = conn.driver.execute_query(
        "MATCH (n:Resource {dataset: $ds}) RETURN n.uri AS u LIMIT 1", ds=dataset_id,
        database_=conn.database)
    return bool(recs)


def load(conn: Connection, rows: Rows, *, batch_size: int = 10_000,
         progress: Callable[[int, int], None] | None = None, wipe: bool = False,
         mode: str = "auto") -> dict:
    """Write rows into Neo4j idempotently (``UNWIND $rows`` + ``MERGE`` on ``uri``).

    Each batch is one managed write transaction (``session.execute_write``), which the driver
    retries on transient errors (deadlocks, leader switches). A load that is killed leaves every
    committed batch and rolls back the one in flight; running it again completes it, and
    ``MERGE`` on ``uri`` (nodes) and on ``key`` (direct edges) means nothing is duplicated.

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
        First delete every node of this dataset id (and its relationships), nothing else.
    mode : {"auto", "merge", "create"}
        ``auto`` (default): when no node of this dataset is in the database yet (a first load, or
        after `wipe`), write with ``CREATE`` (about 2x faster, same result); otherwise ``MERGE``.
        A ``CREATE`` batch that meets a ``uri`` another dataset already loaded fails on the
        uniqueness constraint, is rolled back, and is redone with ``MERGE``, and so is every
        relationship batch after it. ``merge`` always merges; ``create`` skips the check.

    Returns
    -------
    dict
        ``{"nodes", "links", "edges"}`` (rows sent), ``batches``, ``wiped`` (nodes deleted) and
        ``mode`` (``create`` or ``merge``: how the load started).

    Raises
    ------
    StoreUnavailable
        The server went away, or credentials or database are wrong.
    """
    from neo4j.exceptions import ClientError

    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if mode not in ("auto", "merge", "create"):
        raise ValueError(f"mode={mode!r}; use 'auto', 'merge' or 'create'")
    total = len(rows)
    done = batches = wiped = 0
    with _mapped(conn.uri, conn.database, conn.user):
        for q in SCHEMA_QUERIES:
            conn.driver.execute_query(q, database_=conn.database)
        if wipe:
            wiped = _wipe(conn, rows.dataset, batch_size)
        create = mode == "create" or (mode == "auto" and not _dataset_present(conn, rows.dataset))
        started = "create" if create else "merge"
        merged_plan = plan(rows, create=False)
        with conn.driver.session(database=conn.database) as session:
            for i, (kind, query, all_rows) in enumerate(plan(rows, create=create)):
                for batch in _batches(all_rows, batch_size):
                    if create:
                        try:
                            session.execute_write(_write, query, batch)
                        except ClientError as exc:
                            if exc.code != _CONSTRAINT_FAILED or kind != "nodes":
                                raise
                            create = False  # a uri is shared with another dataset: merge from here on
                    if not create:
                        session.execute_write(_write, merged_plan[i][1], batch)
                    done += len(batch)
                    batches += 1
                    if progress is not None:
                        progress(done, total)
    return {"nodes": rows.n_nodes, "links": rows.n_links, "edges": rows.n_edges,
            "batches": batches, "wiped": wiped, "mode": started}


def _delete_batch(tx, dataset_id, size):
    rec = tx.run("MATCH (n:Resource {dataset: $ds}) WITH n LIMIT $size DETACH DELETE n "
                 "RETURN count(*) AS n", ds=dataset_id, size=size).single()
    return rec["n"]


_OUT_OF_TX_MEMORY = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"


def _wipe(conn, dataset_id, batch_size):
    """Delete in batches; halve the batch when a transaction outgrows the server's memory pool."""
    from neo4j.exceptions import TransientError

    total = 0
    with conn.driver.session(database=conn.database) as session:
        while True:
            try:
                n = session.execute_write(_delete_batch, dataset_id, batch_size)
            except TransientError as exc:
                if exc.code != _OUT_OF_TX_MEMORY or batch_size == 1:
                    raise
                batch_size = max(1, batch_size // 2)
                continue
            total += n
            if n == 0:
                return total


def wipe(conn: Connection, dataset_id: str, batch_size: int = 10_000) -> int:
    """Delete the nodes (and their relationships) that dataset `dataset_id` loaded; return how many."""
    with _mapped(conn.uri, conn.database, conn.user):
        return _wipe(conn, dataset_id, batch_size)


def counts(conn: Connection, dataset_id: str | None = None) -> dict:
    """Numbers of nodes, relationships, node properties and distinct ``uri`` values.

    With `dataset_id`, only nodes of that dataset and relationships that start at one.
    """
    where = "WHERE n.dataset = $ds" if dataset_id is not None else ""
    q = ("MATCH (n:Resource) " + where + " WITH count(n) AS nodes, count(DISTINCT n.uri) AS uris, "
         "sum(size(keys(n))) AS props, sum(COUNT { (n)-->() }) AS rels RETURN nodes, uris, props, rels")
    with _mapped(conn.uri, conn.database, conn.user):
        recs, _, _ = conn.driver.execute_query(q, ds=dataset_id, database_=conn.database)
        rec = recs[0]
        rprops, _, _ = conn.driver.execute_query(
            f"MATCH (n:Resource)-[r]->() {where} RETURN sum(size(keys(r))) AS p",
            ds=dataset_id, database_=conn.database)
    return {"nodes": rec["nodes"], "uris": rec["uris"], "node_properties": rec["props"] or 0,
            "relationships": rec["rels"] or 0, "relationship_properties": rprops[0]["p"] or 0}


# ------------------------------------------------------------------------------------------
# Metrics as node properties
# ------------------------------------------------------------------------------------------

def compute_metrics(G: nx.MultiDiGraph, seed: int = 0) -> dict:
    """Node -> {metric: value} for ``--with-metrics``.

    ``degree`` (edges of the projection, parallel ones counted), ``betweenness`` (exact,
    unnormalised, on :func:`useit_graph.project.simple_graph`), ``constraint`` (Burt, same view)
    and ``community`` (index of the seeded igraph Louvain community, largest first).
    """
    from ..metrics.centrality import betweenness, degree
    from ..metrics.communities import louvain_communities
    from ..metrics.structural_holes import constraint
    from ..project import simple_graph

    H = simple_graph(G)
    deg = degree(G)
    btw = betweenness(H, normalized=False)
    con = constraint(H)
    comm = {}
    for i, members in enumerate(louvain_communities(H, seed=seed)):
        for v in members:
            comm[v] = i
    return {v: {"degree": deg.get(v), "betweenness": btw.get(v), "constraint": con.get(v),
                "community": comm.get(v)} for v in G}


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


_EXPORT_NODES = """
MATCH (n:Resource {projected: true}) WHERE $ds IS NULL OR n.dataset = $ds
RETURN n.uri AS uri, properties(n) AS p,
       [(n)-[:LOCATED_IN]->(x) | x.uri] AS places,
       [(n)-[:WORK_PACKAGE]->(x) | x.uri] AS wps,
       [(n)-[:EVIDENCE]->(e) | {uri: e.uri, section: e.section, quote: e.quote,
                               source: head([(e)-[:SOURCE]->(d) | d.uri])}] AS ev
"""

_EXPORT_EDGES = """
MATCH (a:Resource {projected: true})-[r]->(b:Resource {projected: true})
WHERE r.key IS NOT NULL AND ($ds IS NULL OR a.dataset = $ds)
RETURN a.uri AS u, b.uri AS v, type(r) AS t, properties(r) AS p
"""

_EXPORT_RELS = """
MATCH (r:Relationship:Resource) WHERE $ds IS NULL OR r.dataset = $ds
RETURN r.uri AS uri,
       [(r)-[:WORK_PACKAGE]->(x) | x.uri] AS wps,
       [(r)-[:EVIDENCE]->(e) | {uri: e.uri, section: e.section, quote: e.quote,
                               source: head([(e)-[:SOURCE]->(d) | d.uri])}] AS ev
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
        Only this dataset's nodes (and edges that start at them).

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
    try:
        from ..queries import parse_header
    except ImportError:  # the named-query module is optional for the loader
        return _header(text)["params"], []
    head = parse_header(text, where)
    specs = head.get("param_specs") or []
    if not specs:
        return list(head.get("params", [])), []
    return [p.name for p in specs if not p.optional], [p.name for p in specs if p.optional]


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


def run_cypher(name: str | Path, params: dict | None, conn: Connection, root=None) -> list[dict]:
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
    conn : Connection
    root : path-like, optional
        Project root (default: ``USEIT_ROOT`` / the checkout).

    Returns
    -------
    list of dict
        One dict per record; dates as ISO strings, nodes as their ``uri``.

    Raises
    ------
    UnknownQuery, MissingQueryParameter, StoreUnavailable
    """
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
    with _mapped(conn.uri, conn.database, conn.user):
        records, _, keys = conn.driver.execute_query(text, params, database_=conn.database)
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
