"""Validation at city scale: the SHACL shapes compiled to set-based SPARQL, run on Oxigraph.

pySHACL (``validate.py``) is the reference and gives full reports, but it validates focus node by
focus node in Python over an rdflib graph: about 28 s for 1,200 relationships here, so hours at
10^6. This module reads ``ontology/shapes.ttl`` and compiles each constraint into **one SPARQL
query over all focus nodes at once** (a set-based anti-join or aggregate), which Oxigraph runs in
Rust on the persistent store. It returns the same :class:`~useit_graph.validate.Finding` values
as ``validate_dataset`` (focus, path, value, severity, message, fix, shape); a test checks that
both find the same findings on broken fixtures.

Covered (every constraint of shapes.ttl today)
    ``sh:targetClass`` (with subclasses), property shapes with an IRI ``sh:path`` and
    ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype`` (including ill-formed
    literals), ``sh:or`` of datatypes, ``sh:in``, ``sh:hasValue``, ``sh:nodeKind``,
    ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:maxLength``, ``sh:lessThanOrEquals``;
    ``sh:node`` to shapes made of such property shapes; ``sh:sparql`` SELECT constraints
    (``$this`` bound to every target at once; ``?p rdfs:subPropertyOf* X`` patterns are
    pre-expanded from the ontology).
Not covered (listed by :func:`compile_shapes` in ``uncovered``)
    node-level ``sh:or``/``sh:and``/``sh:not``/``sh:xone``, complex paths, ``sh:closed``,
    ``sh:qualifiedValueShape``, ``sh:pattern``. Run pySHACL (``useit validate``) on a sample or on
    small data for those.
"""

from __future__ import annotations

import os

import re
from dataclasses import dataclass
from pathlib import Path

from .validate import Finding, _split_fix

__all__ = ["Check", "CompiledShapes", "compile_shapes", "validate_store", "validate_files"]

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
U = "https://w3id.org/useit-graph/ns#"
_CASTABLE = {XSD + t for t in ("date", "dateTime", "integer", "decimal", "boolean", "double", "float", "gYear")}


@dataclass(frozen=True)
class Check:
    """One compiled constraint.

    Attributes
    ----------
    shape : str
        IRI of the shape reported as the finding's ``shape`` (the node shape holding the property
        shape, or the shape named by ``sh:node``).
    path : str or None
        The property IRI.
    component : str
        SHACL constraint component local name, e.g. ``MinCountConstraintComponent``.
    severity : str
    message : str
        The ``sh:message`` (``{?value}`` filled in per finding).
    query : str
        SPARQL SELECT returning ``?this`` and optionally ``?value``.
    """

    shape: str
    path: str | None
    component: str
    severity: str
    message: str
    query: str
    targets: tuple = ()


@dataclass(frozen=True)
class CompiledShapes:
    checks: tuple
    uncovered: tuple


def _term(t) -> str:
    from rdflib import BNode, Literal, URIRef

    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        return t.n3()
    if isinstance(t, BNode):
        raise ValueError("blank node in a constraint value")
    return str(t)


def _closure(children: dict, root: str) -> list:
    out, todo = {root}, [root]
    while todo:
        c = todo.pop()
        for k in children.get(c, ()):
            if k not in out:
                out.add(k)
                todo.append(k)
    return sorted(out)


def _ontology_maps(triples) -> tuple[dict, dict]:
    sub_c, sub_p = {}, {}
    for s, p, o in triples:
        if p == RDFS + "subClassOf":
            sub_c.setdefault(o, set()).add(s)
        elif p == RDFS + "subPropertyOf":
            sub_p.setdefault(o, set()).add(s)
    return sub_c, sub_p


def _values(var: str, iris) -> str:
    return f"VALUES {var} {{ " + " ".join(f"<{i}>" for i in iris) + " }"


def compile_shapes(shapes, ontology_triples) -> CompiledShapes:
    """Compile SHACL shapes into set-based SPARQL checks.

    Parameters
    ----------
    shapes : rdflib.Graph or path-like
        ``ontology/shapes.ttl``.
    ontology_triples : iterable of (str, str, str)
        ``rdfs:subClassOf`` and ``rdfs:subPropertyOf`` triples (IRIs as strings), to expand
        targets, ``sh:class`` and ``rdfs:subPropertyOf*`` patterns.

    Returns
    -------
    CompiledShapes
        ``checks`` and the ``uncovered`` constraints as readable strings.
    """
    from rdflib import RDF, Graph, Literal, URIRef
    from rdflib.collection import Collection

    if not isinstance(shapes, Graph):
        shapes = Graph().parse(str(shapes), format="turtle")
    sub_c, sub_p = _ontology_maps(ontology_triples)
    S = lambda x: URIRef(SH + x)  # noqa: E731
    checks, uncovered = [], []

    def severity_of(node):
        sev = shapes.value(node, S("severity"))
        return str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation"

    def message_of(*nodes):
        for n in nodes:
            m = shapes.value(n, S("message"))
            if m is not None:
                return str(m)
        return "does not conform"

    def property_checks(node_shape, report_shape, target, members):
        sev_default = severity_of(node_shape)
        for ps in shapes.objects(node_shape, S("property")):
            path = shapes.value(ps, S("path"))
            if not isinstance(path, URIRef):
                uncovered.append(f"{report_shape}: property shape with a complex path")
                continue
            P = f"<{path}>"
            sev = severity_of(ps) if shapes.value(ps, S("severity")) is not None else sev_default
            msg = message_of(ps, node_shape)

            def add(component, body, value=True):
                sel = "?this ?value" if value else "?this"
                checks.append(Check(str(report_shape), str(path), component, sev, msg,
                                    f"SELECT DISTINCT {sel} WHERE {{ {target} {body} }}", members))

            for p, o in shapes.predicate_objects(ps):
                name = str(p)[len(SH):] if str(p).startswith(SH) else None
                if name in (None, "path", "message", "severity", "name", "description", "order", "group"):
                    continue
                if name == "minCount":
                    n = int(o)
                    if n == 1:
                        add("MinCountConstraintComponent", f"FILTER NOT EXISTS {{ ?this {P} ?v }}", value=False)
                    else:
                        checks.append(Check(str(report_shape), str(path), "MinCountConstraintComponent", sev, msg,
                                            f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {P} ?v }} }} "
                                            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})", members))
                elif name == "maxCount":
                    checks.append(Check(str(report_shape), str(path), "MaxCountConstraintComponent", sev, msg,
                                        f"SELECT ?this WHERE {{ {target} ?this {P} ?v }} "
                                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(o)})", members))
                elif name == "class":
                    add("ClassConstraintComponent",
                        f"?this {P} ?value . FILTER NOT EXISTS {{ {_values('?t', _closure(sub_c, str(o)))} ?value a ?t }}")
                elif name == "datatype":
                    add("DatatypeConstraintComponent", f"?this {P} ?value . FILTER ({_bad_datatype([str(o)])})")
                elif name == "or":
                    alts = list(Collection(shapes, o))
                    dts = [shapes.value(a, S("datatype")) for a in alts]
                    if all(d is not None for d in dts) and all(len(list(shapes.predicate_objects(a))) == 1 for a in alts):
                        add("OrConstraintComponent", f"?this {P} ?value . FILTER ({_bad_datatype([str(d) for d in dts])})")
                    else:
                        uncovered.append(f"{report_shape} {path}: sh:or other than datatypes")
                elif name == "in":
                    allowed = [_term(x) for x in Collection(shapes, o)]
                    cond = " || ".join(f"sameTerm(?value, {a})" for a in allowed) or "false"
                    add("InConstraintComponent", f"?this {P} ?value . FILTER (!({cond}))")
                elif name == "hasValue":
                    add("HasValueConstraintComponent", f"FILTER NOT EXISTS {{ ?this {P} {_term(o)} }}", value=False)
                elif name == "nodeKind":
                    kind = str(o)[len(SH):]
                    test = {"Literal": "isLiteral(?value)", "IRI": "isIRI(?value)", "BlankNode": "isBlank(?value)",
                            "BlankNodeOrIRI": "(isBlank(?value) || isIRI(?value))"}.get(kind)
                    if test is None:
                        uncovered.append(f"{report_shape} {path}: sh:nodeKind {kind}")
                    else:
                        add("NodeKindConstraintComponent", f"?this {P} ?value . FILTER (!{test})")
                elif name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
                    op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}[name]
                    add(name[0].upper() + name[1:] + "ConstraintComponent",
                        f"?this {P} ?value . FILTER (!COALESCE(?value {op} {_term(o)}, false))")
                elif name == "maxLength":
                    add("MaxLengthConstraintComponent",
                        f"?this {P} ?value . FILTER (isBlank(?value) || STRLEN(STR(?value)) > {int(o)})")
                elif name == "minLength":
                    add("MinLengthConstraintComponent",
                        f"?this {P} ?value . FILTER (isBlank(?value) || STRLEN(STR(?value)) < {int(o)})")
                elif name == "lessThanOrEquals":
                    add("LessThanOrEqualsConstraintComponent",
                        f"?this {P} ?value . ?this <{o}> ?other . FILTER (!COALESCE(?value <= ?other, false))")
                elif name == "lessThan":
                    add("LessThanConstraintComponent",
                        f"?this {P} ?value . ?this <{o}> ?other . FILTER (!COALESCE(?value < ?other, false))")
                else:
                    uncovered.append(f"{report_shape} {path}: sh:{name}")

    def sparql_checks(node_shape, target, members):
        sev_default = severity_of(node_shape)
        for c in shapes.objects(node_shape, S("sparql")):
            select = str(shapes.value(c, S("select")))
            prefixes = _prefixes(shapes, shapes.value(c, S("prefixes")))
            body = select.replace("$this", "?this")
            body = _expand_paths(body, prefixes, sub_c, sub_p)
            m = re.search(r"WHERE\s*\{", body, re.IGNORECASE)
            if not m:
                uncovered.append(f"{node_shape}: sh:sparql without WHERE")
                continue
            body = body[: m.end()] + " " + target + " " + body[m.end():]
            body = re.sub(r"SELECT\s+", "SELECT DISTINCT ", body, count=1, flags=re.IGNORECASE)
            head = "".join(f"PREFIX {k}: <{v}>\n" for k, v in sorted(prefixes.items()))
            sev = severity_of(c) if shapes.value(c, S("severity")) is not None else sev_default
            checks.append(Check(str(node_shape), None, "SPARQLConstraintComponent", sev,
                                message_of(c, node_shape), head + body, members))

    for node_shape in sorted(set(shapes.subjects(RDF.type, S("NodeShape")))):
        classes = sorted(str(c) for c in shapes.objects(node_shape, S("targetClass")))
        if not classes:
            continue
        members = tuple(sorted({k for c in classes for k in _closure(sub_c, c)}))
        target = f"{_values('?cls', members)} ?this a ?cls ."
        property_checks(node_shape, node_shape, target, members)
        sparql_checks(node_shape, target, members)
        for nested in shapes.objects(node_shape, S("node")):
            property_checks(nested, nested, target, members)
        for kind in ("or", "and", "not", "xone", "closed", "qualifiedValueShape", "pattern"):
            if shapes.value(node_shape, S(kind)) is not None:
                uncovered.append(f"{node_shape}: node-level sh:{kind}")
    _ = Literal
    return CompiledShapes(tuple(checks), tuple(sorted(set(uncovered))))


def _iri(curie_text: str, prefixes: dict) -> str:
    prefix, local = curie_text.split(":", 1)
    return prefixes.get(prefix, "") + local


def _in_list(var: str, iris) -> str:
    return f"FILTER ({var} IN (" + ", ".join(f"<{i}>" for i in iris) + "))"


def _expand_paths(body: str, prefixes: dict, sub_c: dict, sub_p: dict) -> str:
    """Replace ontology property paths by the closures they denote, as filters.

    ``?p rdfs:subPropertyOf* X .`` becomes ``FILTER (?p IN (X and its sub-properties))`` and
    ``?t rdfs:subClassOf* ?k . FILTER (?k IN (A, B))`` becomes ``FILTER (?t IN (A, B and their
    subclasses))``. Oxigraph then binds ``?p`` or ``?t`` from the data pattern and filters,
    instead of evaluating a property path (or a VALUES product) for every focus node.
    """
    def sub_prop(m):
        return _in_list(m.group(1), _closure(sub_p, _iri(m.group(2), prefixes))) + " "

    body = re.sub(r"(\?\w+)\s+rdfs:subPropertyOf\*\s+([\w-]*:[\w-]+)\s*\.", sub_prop, body)

    def sub_class(m):
        if m.group(2) != m.group(3):
            return m.group(0)
        roots = [x.strip() for x in m.group(4).split(",")]
        iris = sorted({k for r in roots for k in _closure(sub_c, _iri(r, prefixes) if ":" in r and not r.startswith("<")
                                                          else r.strip("<>"))})
        return _in_list(m.group(1), iris)

    return re.sub(r"(\?\w+)\s+rdfs:subClassOf\*\s+(\?\w+)\s*\.\s*FILTER\s*\(\s*(\?\w+)\s+IN\s*\(([^)]*)\)\s*\)",
                  sub_class, body)


def _bad_datatype(datatypes) -> str:
    ok = []
    for d in datatypes:
        cond = f"datatype(?value) = <{d}>"
        if d in _CASTABLE:  # ill-formed lexical forms (e.g. "2018-13-45"^^xsd:date) violate sh:datatype
            cond += f' && COALESCE(STR(<{d}>(STR(?value))), "!") != "!"'
        ok.append(f"({cond})")
    return f"!isLiteral(?value) || !({' || '.join(ok)})"


def _prefixes(shapes, node) -> dict:
    from rdflib import URIRef

    out = {"rdfs": RDFS, "uit": U, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "xsd": XSD}
    if node is None:
        return out
    for decl in shapes.objects(node, URIRef(SH + "declare")):
        p, ns = shapes.value(decl, URIRef(SH + "prefix")), shapes.value(decl, URIRef(SH + "namespace"))
        if p is not None and ns is not None:
            out[str(p)] = str(ns)
    return out


def _ontology_triples(store):
    import pyoxigraph as ox

    for pred in (RDFS + "subClassOf", RDFS + "subPropertyOf"):
        for q in store.quads_for_pattern(None, ox.NamedNode(pred), None, None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                yield q.subject.value, pred, q.object.value


def validate_store(store, shapes=None, *, index=None, include_ontology_terms: bool = False,
                   compiled: CompiledShapes | None = None, timings: dict | None = None,
                   workers: int | None = None) -> list[Finding]:
    """Validate everything in a ``pyoxigraph.Store`` (ontology included) against the shapes.

    Parameters
    ----------
    store : pyoxigraph.Store
        E.g. from :func:`useit_graph.store.oxigraph.open_store`; all named graphs are read as one.
    shapes : rdflib.Graph or path-like, optional
        Default ``ontology/shapes.ttl``.
    index : useit_graph.load.SourceIndex, optional
        Adds file and line to findings.
    include_ontology_terms : bool
        Also report findings about ``uit:`` terms (off, as in ``validate_dataset``).
    compiled : CompiledShapes, optional
        Reuse a compilation.
    timings : dict, optional
        Filled with seconds per check (``shape path component`` -> s); with several workers the
        checks overlap in time, so the parts add up to more than the wall time.
    workers : int, optional
        Checks run in this many threads at once (default: the machine's CPUs, at most 4).
        pyoxigraph evaluates a query without holding the GIL, and a Store may be queried from
        several threads, so independent checks run in parallel; the findings do not depend on
        the number (they are collected, then sorted).

    Returns
    -------
    list of Finding
        Sorted as ``validate_dataset`` sorts them; empty when the data conforms.

    Notes
    -----
    The vocabulary check of ``validate_dataset`` (undefined ``uit:`` classes and properties) is
    included: one scan for the predicates and classes in use.
    """
    import time

    import pyoxigraph as ox

    from .namespaces import curie
    from .paths import get_paths

    shapes = shapes if shapes is not None else get_paths().shapes
    compiled = compiled or compile_shapes(shapes, _ontology_triples(store))
    findings = set()
    t0 = time.perf_counter()
    # classes with instances: checks on classes nobody instantiates are skipped (one scan of rdf:type)
    used = {r["c"].value for r in store.query("SELECT DISTINCT ?c WHERE { ?s a ?c }", use_default_graph_as_union=True)
            if isinstance(r["c"], ox.NamedNode)}
    if timings is not None:
        timings["classes in use"] = time.perf_counter() - t0

    def where(focus):
        if index is None:
            return None, None
        loc = index.locations.get(focus)
        return (loc[0], loc[1]) if loc else (None, None)

    def show(term):
        if term is None:
            return None
        if isinstance(term, ox.Literal):
            return term.value
        if isinstance(term, ox.BlankNode):
            return "_:" + term.value
        return curie(term.value)

    def run_check(chk):
        t0 = time.perf_counter()
        out = []
        for row in store.query(chk.query, use_default_graph_as_union=True):
            focus = row["this"]
            if focus is None or (not include_ontology_terms and isinstance(focus, ox.NamedNode)
                                 and focus.value.startswith(U)):
                continue
            value = row["value"] if "?value" in chk.query.split("WHERE", 1)[0] else None
            if chk.component == "SPARQLConstraintComponent" and value is None:
                value = focus
            message, fix = _split_fix(chk.message)
            message = message.replace("{?value}", show(value) or "")
            fv = focus.value if not isinstance(focus, ox.BlankNode) else "_:" + focus.value
            file, line = where(fv)
            out.append(Finding(file, line, show(focus), curie(chk.path) if chk.path else None, show(value),
                               chk.severity, message, fix, curie(chk.shape)))
        key = f"{curie(chk.shape)} {curie(chk.path) if chk.path else '-'} {chk.component}"
        return key, out, time.perf_counter() - t0

    def timed(key, fn):
        def job():
            t0 = time.perf_counter()
            return key, fn(), time.perf_counter() - t0
        return job

    # the two whole-store scans first (the longest jobs start early), then the shape checks
    literal_job = timed("literals", lambda: _literals(store, index, show))
    jobs = [literal_job, timed("vocabulary", lambda: _vocabulary(store, index, show, used))]
    jobs += [(lambda chk=chk: run_check(chk)) for chk in compiled.checks
             if not (chk.targets and not used.intersection(chk.targets))]
    n = workers if workers is not None else min(4, os.cpu_count() or 1)
    if n > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=n, thread_name_prefix="useit-validate") as pool:
            results = [f.result() for f in [pool.submit(job) for job in jobs]]
    else:
        results = [job() for job in jobs]
    literal = set()
    for key, out, seconds in results:
        if key == "literals":
            literal = out
        else:
            findings.update(out)
        if timings is not None:
            timings[key] = timings.get(key, 0.0) + seconds
    # as validate_dataset: a shape result whose value is an ill-typed literal is reported once,
    # by the literal check ("is not a valid date"), not again by the shape
    bad_values = {(f.focus, f.path, f.value) for f in literal}
    findings = {f for f in findings if (f.focus, f.path, f.value) not in bad_values}
    findings.update(literal)
    return sorted(findings, key=lambda f: (f.file or "~", f.line or 0, f.focus, f.path or "", f.message))


def _vocabulary(store, index, show, used_classes) -> list[Finding]:
    """Undefined uit: classes and properties, as ``validate.vocabulary_findings`` reports them."""
    import difflib

    import pyoxigraph as ox

    from .namespaces import curie

    # one scan for the predicates in use; classes in use come from the caller's rdf:type scan.
    # "Defined" (as validate.vocabulary_findings: any uit: IRI that is a subject somewhere) is
    # then asked only of the few uit: terms in use, each an indexed subject lookup.
    used_p = {r["p"].value for r in store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
                                                use_default_graph_as_union=True)
              if isinstance(r["p"], ox.NamedNode) and r["p"].value.startswith(U)}
    used_c = {c for c in used_classes if c.startswith(U)}
    classes = {r["c"].value for r in store.query(
        "SELECT DISTINCT ?c WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> }", use_default_graph_as_union=True)}

    def is_subject(iri):
        return next(iter(store.quads_for_pattern(ox.NamedNode(iri), None, None, None)), None) is not None

    defined = {t for t in used_p | used_c if is_subject(t)}
    out = []

    def closest(name, options):
        m = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        return f" (did you mean uit:{m[0]}?)" if m else ""

    def loc(s):
        if index is None:
            return None, None
        x = index.locations.get(s)
        return (x[0], x[1]) if x else (None, None)

    for c in sorted(used_c - classes):
        sugg = closest(c[len(U):], [k[len(U):] for k in classes if k.startswith(U)])
        # the data's class is bound (SEP-0007 substitution; Oxigraph binds only projected variables)
        for r in store.query("SELECT DISTINCT ?s ?c WHERE { ?s a ?c }",
                             substitutions={ox.Variable("c"): ox.NamedNode(c)}, use_default_graph_as_union=True):
            s = r["s"]
            out.append(Finding(*loc(s.value), show(s), "rdf:type", curie(c), "Violation",
                               f"has type {curie(c)}, which the ontology does not define",
                               f"use a class from ontology/useit.ttl{sugg}", "uit:VocabularyCheck"))
    undefined_p = sorted(used_p - defined)
    if undefined_p:  # suggestions come from every uit: subject: one scan, only when needed
        every = {r["s"].value for r in store.query(
            f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{U}")) }}',
            use_default_graph_as_union=True)}
        props = [k[len(U):] for k in every if k[len(U):][:1].islower()]
    for p in undefined_p:
        sugg = closest(p[len(U):], props)
        for r in store.query("SELECT DISTINCT ?s ?p WHERE { ?s ?p ?o }",
                             substitutions={ox.Variable("p"): ox.NamedNode(p)}, use_default_graph_as_union=True):
            s = r["s"]
            out.append(Finding(*loc(s.value), show(s), curie(p), None, "Violation",
                               f"uses property {curie(p)}, which the ontology does not define",
                               f"use a property from ontology/useit.ttl{sugg}", "uit:VocabularyCheck"))
    _ = ox
    return out


def _literal_query() -> str:
    """One scan for typed literals that are not values of their datatype (``validate.ill_typed``).

    A literal is ill-typed when Oxigraph cannot cast its lexical form to its datatype, or, for
    xsd:decimal and xsd:integer, when the form is outside XSD's lexical space although a cast
    would accept it (``validate._LEXICAL``: no exponent, INF or NaN). Only datatype IRIs from this
    module are written into the text; no data is.
    """
    from .validate import _LEXICAL

    conds = []
    for d in sorted(_CASTABLE):
        cond = f'(datatype(?value) = <{d}> && (COALESCE(STR(<{d}>(STR(?value))), "!") = "!"'
        pattern = _LEXICAL.get(d)  # rdflib URIRef keys compare equal to the IRI string
        if pattern is not None:
            cond += f' || !REGEX(STR(?value), "^(?:{pattern.pattern})$")'
        conds.append(cond + "))")
    return ("SELECT ?this ?p ?value WHERE { ?this ?p ?value . FILTER (isLiteral(?value) && ("
            + " || ".join(conds) + ")) }")


def _literals(store, index, show) -> set:
    """Ill-typed literals, as ``validate.literal_findings`` reports them (ontology terms included)."""
    import pyoxigraph as ox

    from .namespaces import curie
    from .validate import _EXAMPLES

    examples = {str(k): v for k, v in _EXAMPLES.items()}
    out = set()
    for r in store.query(_literal_query(), use_default_graph_as_union=True):
        s, p, o = r["this"], r["p"], r["value"]
        dt = o.datatype.value
        what, fix = examples.get(dt, (f"a valid {curie(dt)}", f"write a valid {curie(dt)}"))
        sv = s.value if not isinstance(s, ox.BlankNode) else "_:" + s.value
        loc = index.locate_literal(sv, o.value) if index is not None else None
        out.add(Finding(loc[0] if loc else None, loc[1] if loc else None, show(s), curie(p.value), o.value,
                        "Violation", f"{o.value!r} is not {what} ({curie(dt)})", fix, "uit:LiteralCheck"))
    return out


def validate_files(files, *, paths=None, **kwargs) -> list[Finding]:
    """Load the ontology and `files` into an in-memory Oxigraph store and validate (small data).

    Examples
    --------
    >>> from useit_graph.paths import get_paths
    >>> validate_files([get_paths().root / "tests" / "fixtures" / "mini.ttl"])
    []
    """
    import pyoxigraph as ox

    from .paths import get_paths

    paths = paths or get_paths()
    store = ox.Store()
    for f in [paths.ontology, *files]:
        store.load(path=str(f), to_graph=ox.NamedNode(Path(f).resolve().as_uri()))
    return validate_store(store, paths.shapes, **kwargs)
