"""Fast ingest: stream RDF straight into the projected graph, for city-scale data.

:func:`useit_graph.project.project_graph` is the reference. At 10^5 relationships (0.74M triples)
it spends about 3 s normalising pyoxigraph terms (a generic per-term function), 1.5 s indexing and
4.6 s projecting; on an on-disk Oxigraph store, reading the quads alone costs about 4 us each
(every string is looked up in RocksDB), against 0.75 us for parsing the same N-Triples file.

This module produces **the same graph** (a test compares node and edge sets and every attribute)
in one predicate-indexed pass with three changes:

1. :func:`iter_index` parses with ``pyoxigraph.parse`` and normalises each term with a type switch
   and caches (one :class:`~useit_graph.project.IRI` object per distinct IRI, one value per
   distinct typed literal), appending ``(s, o)`` straight to the predicate's list;
2. :func:`project_index` replaces per-relationship helper calls with per-role dictionaries built
   once, memoises everything that depends only on a node's set of classes or an edge's ends
   (most specific class, kind, tie classification), and shares evidence lists between edges
   that cite the same evidence;
3. :func:`ingest_files` goes file -> graph with no intermediate store or rdflib graph.

With filters (``as_of``, ``work_package``, ``place``, ``rel_types``) :func:`project_index` hands
the index to ``project_graph`` (still saving the slow normalisation), so behaviour never diverges.

Note: attribute lists (``evidence``, ``work_packages``) may be shared between edges; treat the
projected graph's attributes as read-only, as every stage here does.
"""

from __future__ import annotations

import gc
import os
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

import networkx as nx

from .project import (
    IRI,
    RDF_TYPE,
    RDFS,
    SKOS,
    U,
    XSD,
    _ACTIVITY_ROOTS,
    _NODE_ROOTS,
    _local,
    _most_specific,
    _py_literal,
    classify_tie,
    project_graph,
    read_schema,
)

__all__ = ["iter_index", "index_store", "project_index", "ingest_files", "project_store"]

_XSD_STRING = XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@contextmanager
def _no_gc():
    """Pause the cyclic garbage collector while building millions of acyclic containers.

    Each full collection walks every live container; during a bulk build they fire repeatedly and
    cost seconds at 10^6 edges. Nothing built here is cyclic, so nothing is leaked.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Normaliser:
    """pyoxigraph term -> the value ``project.normalise`` would give, with caches."""

    def __init__(self):
        import pyoxigraph as ox

        self.NN, self.BN, self.Lit = ox.NamedNode, ox.BlankNode, ox.Literal
        self.iris: dict = {}
        self.literals: dict = {}

    def index(self, quads, by_pred: dict, progress=None, every: int = 500_000) -> int:
        NN, BN = self.NN, self.BN
        iris, literals = self.iris, self.literals
        n = 0
        for q in quads:
            s, o = q.subject, q.object
            if type(s) is NN:
                sv = s.value
                si = iris.get(sv)
                if si is None:
                    si = iris[sv] = IRI(sv)
            elif type(s) is BN:
                si = IRI("_:" + s.value)
            else:  # RDF-star triple terms: not used by the ontology
                continue
            to = type(o)
            if to is NN:
                ov = o.value
                oi = iris.get(ov)
                if oi is None:
                    oi = iris[ov] = IRI(ov)
            elif to is BN:
                oi = IRI("_:" + o.value)
            else:
                dt = o.datatype.value
                if dt == _XSD_STRING or dt == _LANG_STRING:
                    oi = o.value
                else:
                    key = (o.value, dt)
                    oi = literals.get(key, literals)
                    if oi is literals:
                        oi = literals[key] = _py_literal(o.value, dt)
            by_pred[q.predicate.value].append((si, oi))
            n += 1
            if progress is not None and n % every == 0:
                progress(n)
        return n


def iter_index(files: Iterable[str | os.PathLike], by_pred: dict | None = None,
               progress: Callable[[int], None] | None = None) -> dict:
    """Parse RDF files with pyoxigraph into a predicate index ``{predicate: [(s, o), ...]}``.

    Parameters
    ----------
    files : iterable of path-like
        Any format pyoxigraph reads (guessed from the suffix).
    by_pred : dict, optional
        An index to extend (a ``defaultdict(list)``).
    progress : callable, optional
        ``progress(triples_so_far)`` every 500k triples.

    Returns
    -------
    dict
        Subjects and IRI objects are :class:`~useit_graph.project.IRI`; literals are plain Python
        values, exactly as ``project.iter_triples`` normalises them.

    Raises
    ------
    useit_graph.errors.SeedSyntaxError
        A file does not parse (the message names the file and pyoxigraph's position).
    """
    by_pred = by_pred if by_pred is not None else defaultdict(list)
    with _no_gc():
        return _index_files(files, by_pred, progress)


def _index_files(files, by_pred, progress):
    import pyoxigraph as ox

    from .errors import SeedSyntaxError

    norm = _Normaliser()
    done = 0
    for f in files:
        f = Path(f)
        try:
            done += norm.index(ox.parse(path=str(f)), by_pred,
                               (lambda n, base=done: progress(base + n)) if progress else None)
        except SyntaxError as exc:
            raise SeedSyntaxError(f"{f}: the file is not valid RDF ({str(exc).splitlines()[0][:300]})",
                                  hint="correct the syntax at that position") from exc
        except ValueError as exc:  # unknown format
            raise SeedSyntaxError(f"{f}: cannot parse ({exc})", hint="use .ttl, .nt, .nq, .trig, .rdf or .jsonld") from exc
    return by_pred


def index_store(store, progress: Callable[[int], None] | None = None) -> dict:
    """The predicate index of every quad in a ``pyoxigraph.Store`` (all graphs)."""
    by_pred: dict = defaultdict(list)
    with _no_gc():
        _Normaliser().index(store.quads_for_pattern(None, None, None, None), by_pred, progress)
    return by_pred


def _placeholder(x):
    return dict(label=_local(x), alt_labels=[], type="Thing", types=[], kind="other", tier=None, group=None,
                places=[], work_packages=[], created=None, created_during=None, personal_data=False,
                size=None, evidence=[])


def project_index(by_pred: dict, *, as_of=None, work_package=None, place=None, rel_types=None,
                  include_activities: bool = True) -> nx.MultiDiGraph:
    """Project a predicate index into the graph model; equal to ``project_graph`` on the same data.

    Parameters
    ----------
    by_pred : dict
        From :func:`iter_index` or :func:`index_store` (ontology included).
    as_of, work_package, place, rel_types, include_activities
        As :func:`useit_graph.project.project_graph`; any filter hands over to it.

    Returns
    -------
    networkx.MultiDiGraph
        The contract of ``docs/graph-model.md``.
    """
    if any(x is not None for x in (as_of, work_package, place, rel_types)) or not include_activities:
        triples = ((s, p, o) for p, pairs in by_pred.items() for s, o in pairs)
        return project_graph(triples, as_of=as_of, work_package=work_package, place=place,
                             rel_types=rel_types, include_activities=include_activities)
    with _no_gc():
        return _project_all(by_pred)


def _project_all(by_pred: dict) -> nx.MultiDiGraph:

    schema = read_schema(by_pred)
    notations = schema.notation
    get = by_pred.get

    types: dict = defaultdict(set)
    for s, o in get(RDF_TYPE, ()):
        types[s].add(o)

    def single(pred):
        out = {}
        for s, o in get(pred, ()):
            if s not in out:
                out[s] = o
        return out

    def multi(pred):
        out: dict = defaultdict(list)
        for s, o in get(pred, ()):
            out[s].append(o)
        return out

    labels = single(RDFS + "label")
    for s, o in get(SKOS + "prefLabel", ()):
        labels.setdefault(s, o)
    alt = multi(SKOS + "altLabel")
    tier_of, group_of = single(U + "tier"), single(U + "group")
    located, wps = multi(U + "locatedIn"), multi(U + "workPackage")
    founded, created_during = single(U + "foundedDate"), single(U + "createdDuring")
    personal, members = single(U + "personalData"), single(U + "memberCount")
    start_of, end_of, amount = single(U + "startDate"), single(U + "endDate"), single(U + "amountGBP")
    mechanism, evidence_of = single(U + "mechanism"), multi(U + "evidence")
    ev_section, ev_quote, ev_source = single(U + "section"), single(U + "quote"), single(U + "source")

    # --- memoised per set of classes ----------------------------------------------------------
    edges_spec = schema.edges
    type_memo: dict = {}

    def type_info(ts):
        key = frozenset(ts)
        info = type_memo.get(key)
        if info is None:
            spec_cls = _most_specific({t for t in ts if t in edges_spec}, schema)
            most = _most_specific(ts, schema)
            chain = schema.superclasses.get(most, (most,)) if most else ()
            node_ok = any(schema.is_a(t, r) for t in ts for r in _NODE_ROOTS)
            info = type_memo[key] = (
                spec_cls, node_ok,
                _local(most) if most else "Thing",
                tuple(_local(c) for c in chain if c.startswith(U) or c == most),
                schema.node_kind.get(most, "other") if most else "other",
                schema.default_tier.get(most),
            )
        return info

    ev_memo: dict = {}

    def evidence(s):
        evs = evidence_of.get(s)
        if not evs:
            return []
        key = tuple(sorted(evs))
        ev = ev_memo.get(key)
        if ev is None:
            ev = ev_memo[key] = [{"section": ev_section.get(e), "quote": ev_quote.get(e), "source": ev_source.get(e)}
                                 for e in key]
        return ev

    def node_attrs(s, ts):
        _spec, _ok, typ, chain, kind, default_tier = type_info(ts)
        tier_iri = tier_of.get(s)
        tier = notations.get(tier_iri, _local(tier_iri)) if tier_iri else default_tier
        group_iri = group_of.get(s)
        return {
            "label": str(labels.get(s, _local(s))),
            "alt_labels": sorted(str(a) for a in alt.get(s, ())),
            "type": typ,
            "types": list(chain),
            "kind": kind,
            "tier": tier,
            "group": notations.get(group_iri, _local(group_iri)) if group_iri else None,
            "places": sorted(located.get(s, ())),
            "work_packages": sorted(wps.get(s, ())),
            "created": founded.get(s),
            "created_during": created_during.get(s),
            "personal_data": bool(personal.get(s, False)),
            "size": members.get(s),
            "evidence": evidence(s),
        }

    G = nx.MultiDiGraph()
    G.graph.update({"as_of": None, "work_package": None, "place": None, "rel_types": None})
    rels = []
    node_rows = []
    for s in sorted(types):
        ts = types[s]
        info = type_info(ts)
        if info[0] is not None:
            rels.append((s, info[0]))
        if info[1]:
            node_rows.append((s, node_attrs(s, ts)))
    G.add_nodes_from(node_rows)
    del node_rows

    # --- role values: one dict per role property, built once -----------------------------------
    role_memo: dict = {}

    def role_index(prop):
        idx = role_memo.get(prop)
        if idx is None:
            idx = defaultdict(list)
            for q in schema.subproperties.get(prop, frozenset({prop})):
                for s, o in get(q, ()):
                    if isinstance(o, IRI):
                        idx[s].append(o)
            idx = role_memo[prop] = dict(idx)
        return idx

    def values(rel, prop):
        vals = role_index(prop).get(rel)
        if not vals:
            return []
        return vals[:] if len(vals) == 1 else sorted(set(vals))

    brokerage_memo: dict = {}
    tie_memo: dict = {}
    nodes = G._node  # read-only lookups of node attribute dicts
    edges = []
    for rel, cls in sorted(rels):
        spec = edges_spec[cls]
        srcs = [v for p in spec.source for v in values(rel, p)]
        tgts = [v for p in spec.target for v in values(rel, p)]
        pairs = [(u, v, True, None) for u in srcs for v in tgts if u != v]
        among = ()
        if spec.among:
            among = sorted({v for p in spec.among for v in values(rel, p)})
            is_brk = brokerage_memo.get(cls)
            if is_brk is None:
                is_brk = brokerage_memo[cls] = cls == U + "Brokerage" or schema.is_a(cls, U + "Brokerage")
            broker = srcs[0] if is_brk and srcs else None
            for i, u in enumerate(among):
                for v in among[i + 1:]:
                    if (u, v, True, None) not in pairs and (v, u, True, None) not in pairs:
                        pairs.append((u, v, False, broker))
        if spec.asset:
            assets = sorted({v for p in spec.asset for v in values(rel, p)})
            for x in sorted(set(srcs) | set(tgts) | set(among if spec.among else ())):
                for a in assets:
                    if x != a:
                        pairs.append((x, a, True, "asset"))
        if not pairs:
            continue
        mech = mechanism.get(rel)
        base = {
            "rel": rel, "rel_type": _local(cls), "label": spec.label,
            "start": start_of.get(rel), "end": end_of.get(rel),
            "value_gbp": float(amount[rel]) if rel in amount else None,
            "mechanism": notations.get(mech, None) if mech else None,
            "work_packages": sorted(wps.get(rel, ())),
            "evidence": evidence(rel), "weight": 1.0,
        }
        used = set()
        for u, v, directed, brk in pairs:
            for x in (u, v):
                if x not in nodes:
                    ts = types.get(x)
                    G.add_node(x, **(node_attrs(x, ts) if ts is not None else _placeholder(x)))
            du, dv = nodes[u], nodes[v]
            tkey = (du["tier"], du["group"], dv["tier"], dv["group"])
            tie = tie_memo.get(tkey)
            if tie is None:
                tie = tie_memo[tkey] = classify_tie(*tkey)
            key = rel
            n = 2
            while (u, v, key) in used:
                key = f"{rel}#{n}"
                n += 1
            used.add((u, v, key))
            d = base.copy()
            d["directed"] = directed
            if brk == "asset":  # the physical asset a relationship is about (uit:edgeAsset)
                d["label"] = "INVOLVES_ASSET"
                d["role"] = "asset"
                d["broker"] = None
            else:
                d["role"] = "source-target" if directed else "among"
                d["broker"] = brk
            d["tie"], d["tie_reason"] = tie
            edges.append((u, v, key, d))
    G.add_edges_from(edges)
    return G


def ingest_files(files: Iterable[str | os.PathLike], *, paths=None, include_ontology: bool = True,
                 progress: Callable[[int], None] | None = None, **filters) -> nx.MultiDiGraph:
    """RDF files -> projected graph in one streaming pass (pyoxigraph parse, no rdflib).

    Parameters
    ----------
    files : iterable of path-like
        Data files.
    paths : useit_graph.paths.Paths, optional
        Where the ontology is; loaded first unless `include_ontology` is false.
    progress : callable, optional
        ``progress(triples_so_far)``.
    **filters
        As :func:`project_index`.

    Returns
    -------
    networkx.MultiDiGraph
        Equal to ``project_graph`` of the same files parsed with rdflib.

    Examples
    --------
    >>> from useit_graph.paths import get_paths
    >>> G = ingest_files([get_paths().root / "tests" / "fixtures" / "mini.ttl"])
    >>> sorted(d["label"] for _, _, d in G.edges(data=True))
    ['BROKERS', 'BROKERS', 'BROKERS', 'FUNDS', 'PARTNERS_WITH']
    """
    from .paths import get_paths

    paths = paths or get_paths()
    todo = ([paths.ontology] if include_ontology else []) + [Path(f) for f in files]
    return project_index(iter_index(todo, progress=progress), **filters)


def project_store(store, progress: Callable[[int], None] | None = None, **filters) -> nx.MultiDiGraph:
    """``project_graph(store)``, faster: :func:`index_store` then :func:`project_index`.

    Reading an on-disk store costs about 4 us per quad (RocksDB string lookups), so for a
    one-off projection of a whole file :func:`ingest_files` is faster; the store pays off for
    queries and validation (:mod:`useit_graph.fast_validate`).
    """
    return project_index(index_store(store, progress), **filters)
