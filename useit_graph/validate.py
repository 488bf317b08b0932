"""Validate data against the SHACL shapes and the ontology's vocabulary.

Stage 2: ``Dataset + ontology/shapes.ttl -> list[Finding]``. Findings are data (after pySHACL's
validation report): every finding is returned, the function never stops at the first and never
raises on non-conformance; the caller decides (the CLI exits 1, ``require_conformance`` raises
:class:`~useit_graph.errors.SeedsDoNotConform`).

Three checks run:

1. *Vocabulary*: every ``uit:`` class and property the data uses is defined in the ontology
   (SHACL alone would accept a typo such as ``uit:SocialEnterprize``: no shape targets it).
2. *Literals*: every typed literal is a valid value of its datatype (``"2018-13-01"^^xsd:date`` is
   not a date; ``"INF"^^xsd:decimal`` is not a decimal [3]_). The shape result for such a value is
   replaced by this finding, which says what is wrong with the value itself.
3. *Shapes*: pySHACL [1]_ over the union of the ontology and the data, so ``rdfs:subClassOf`` and
   ``rdfs:subPropertyOf`` are honoured, with no extra inference (RDFS inference would infer the very
   types the shapes check, and hide errors).

References
----------
.. [1] Sommer, A., Car, N. (2022). pySHACL. https://github.com/RDFLib/pySHACL
.. [2] W3C (2017). Shapes Constraint Language (SHACL). https://www.w3.org/TR/shacl/
.. [3] W3C (2012). XML Schema Definition Language 1.1 Part 2: Datatypes, sections 3.3.3 (decimal)
   and 3.3.9 (date). https://www.w3.org/TR/xmlschema11-2/
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, XSD

from .errors import SeedsDoNotConform
from .load import SourceIndex, dataset_graph, quiet_literal_warnings
from .namespaces import UIT, curie

__all__ = ["Finding", "validate_dataset", "vocabulary_findings", "literal_findings", "require_conformance",
           "load_shapes"]

SH = Namespace("http://www.w3.org/ns/shacl#")
_UIT = str(UIT._NS)


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result, as plain data.

    Attributes
    ----------
    file, line : where the focus resource was written (None when unknown)
    focus : the resource as a CURIE
    path : the property (CURIE) or None
    value : the offending value, or None
    severity : "Violation", "Warning" or "Info"
    message : what is wrong, in words
    fix : how to fix it
    shape : the shape (CURIE) that found it
    """

    file: str | None
    line: int | None
    focus: str
    path: str | None
    value: str | None
    severity: str
    message: str
    fix: str
    shape: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file else ""
        text = f"{where}{self.focus} {self.message}"
        if self.path:
            text += f" [{self.path}]"
        if self.fix:
            text += f"\n  Fix: {self.fix}"
        return text


def load_shapes(path: str | Path) -> Graph:
    """Parse the shapes file."""
    return Graph().parse(str(path), format="turtle")


def _split_fix(message: str) -> tuple[str, str]:
    if "Fix:" in message:
        msg, fix = message.split("Fix:", 1)
        return msg.strip().rstrip("."), fix.strip()
    return message.strip(), ""


def _where(index: SourceIndex | None, focus) -> tuple[str | None, int | None]:
    if index is None:
        return None, None
    loc = index.locations.get(str(focus))
    return (loc[0], loc[1]) if loc else (None, None)


def vocabulary_findings(data: Graph, ontology: Graph, index: SourceIndex | None = None) -> list[Finding]:
    """Findings for ``uit:`` classes and properties that the ontology does not define.

    Examples
    --------
    >>> from rdflib import Graph
    >>> onto = Graph().parse(data='@prefix uit: <https://w3id.org/useit-graph/ns#> . '
    ...     '@prefix owl: <http://www.w3.org/2002/07/owl#> . uit:SocialEnterprise a owl:Class .',
    ...     format="turtle")
    >>> data = Graph().parse(data='@prefix uit: <https://w3id.org/useit-graph/ns#> . '
    ...     '<urn:x> a uit:SocialEnterprize .', format="turtle")
    >>> [f.message for f in vocabulary_findings(data, onto)]
    ['has type uit:SocialEnterprize, which the ontology does not define']
    """
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(_UIT)}
    classes = {s for s in ontology.subjects(RDF.type, OWL.Class)}
    findings = []
    seen = set()
    for s, o in data.subject_objects(RDF.type):
        if isinstance(o, URIRef) and str(o).startswith(_UIT) and o not in classes and (s, o) not in seen:
            seen.add((s, o))
            file, line = _where(index, s)
            suggestion = _closest(str(o)[len(_UIT):], [str(c)[len(_UIT):] for c in classes])
            findings.append(Finding(file, line, curie(s), "rdf:type", curie(o), "Violation",
                                    f"has type {curie(o)}, which the ontology does not define",
                                    f"use a class from ontology/useit.ttl{suggestion}", "uit:VocabularyCheck"))
    for s, p, o in data:
        if str(p).startswith(_UIT) and p not in defined and (s, p) not in seen:
            seen.add((s, p))
            file, line = _where(index, s)
            props = [str(x)[len(_UIT):] for x in defined if str(x)[len(_UIT):][:1].islower()]
            suggestion = _closest(str(p)[len(_UIT):], props)
            findings.append(Finding(file, line, curie(s), curie(p), None, "Violation",
                                    f"uses property {curie(p)}, which the ontology does not define",
                                    f"use a property from ontology/useit.ttl{suggestion}", "uit:VocabularyCheck"))
    return findings


#: Lexical forms that rdflib accepts but XSD does not (XSD 1.1 Part 2, 3.3.3 and 3.3.13):
#: an xsd:decimal has no exponent and no INF/NaN; an xsd:integer has no fraction.
_LEXICAL = {
    XSD.decimal: re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    XSD.integer: re.compile(r"[+-]?\d+"),
}
_EXAMPLES = {
    XSD.date: ("a valid date", 'write a real calendar date as YYYY-MM-DD, e.g. "2018-12-01"^^xsd:date'),
    XSD.dateTime: ("a valid date-time", 'write e.g. "2018-12-01T09:30:00"^^xsd:dateTime'),
    XSD.gYear: ("a valid year", 'write four digits, e.g. "2018"^^xsd:gYear'),
    XSD.decimal: ("a valid decimal number", "write a plain number without exponent, INF or NaN, e.g. 300000 or 1500.50"),
    XSD.integer: ("a valid whole number", "write digits only, e.g. 80"),
    XSD.boolean: ("true or false", "write true or false"),
}


def ill_typed(lit) -> bool:
    """True when a typed literal's lexical form is not a value of its datatype.

    Examples
    --------
    >>> from rdflib import Literal, XSD
    >>> ill_typed(Literal("2018-13-01", datatype=XSD.date)), ill_typed(Literal("INF", datatype=XSD.decimal))
    (True, True)
    >>> ill_typed(Literal("2018-12-01", datatype=XSD.date)), ill_typed(Literal("1500.50", datatype=XSD.decimal))
    (False, False)
    """
    if not isinstance(lit, Literal) or lit.datatype is None:
        return False
    if getattr(lit, "ill_typed", False):
        return True
    pattern = _LEXICAL.get(lit.datatype)
    return bool(pattern) and not pattern.fullmatch(str(lit).strip())


def literal_findings(data: Graph, index: SourceIndex | None = None) -> list[Finding]:
    """Findings for typed literals whose value is not valid for their datatype.

    rdflib keeps such a literal (``Literal.ill_typed``) and pySHACL then reports only that the
    property is missing or of the wrong type; this finding names the value, its line and the fix.

    Examples
    --------
    >>> from rdflib import Graph
    >>> with quiet_literal_warnings():
    ...     g = Graph().parse(data='<urn:r> <https://w3id.org/useit-graph/ns#startDate> '
    ...         '"2018-13-01"^^<http://www.w3.org/2001/XMLSchema#date> .', format="turtle")
    >>> [f.message for f in literal_findings(g)]
    ["'2018-13-01' is not a valid date (xsd:date)"]
    """
    findings = []
    for s, p, o in data:
        if not ill_typed(o):
            continue
        loc = index.locate_literal(s, str(o)) if index is not None else None
        what, fix = _EXAMPLES.get(o.datatype, (f"a valid {curie(o.datatype)}", f"write a valid {curie(o.datatype)}"))
        findings.append(Finding(loc[0] if loc else None, loc[1] if loc else None, curie(s), curie(p), str(o),
                                "Violation", f"{str(o)!r} is not {what} ({curie(o.datatype)})", fix,
                                "uit:LiteralCheck"))
    return findings


def _closest(name: str, options: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" (did you mean uit:{match[0]}?)" if match else ""


def validate_dataset(dataset, shapes: Graph, ontology: Graph | None = None,
                     index: SourceIndex | None = None, include_ontology_terms: bool = False) -> list[Finding]:
    """Validate a dataset; return every finding, sorted by file and line.

    Parameters
    ----------
    dataset : rdflib.Dataset or rdflib.Graph
        The data. If it already contains the ontology, ``ontology`` may be omitted.
    shapes : rdflib.Graph
        The SHACL shapes (``ontology/shapes.ttl``).
    ontology : rdflib.Graph, optional
        The ontology, mixed into the data graph for validation.
    index : SourceIndex, optional
        Adds file and line to each finding.
    include_ontology_terms : bool
        Also report findings whose focus is an ontology term (tiers, sectors); off by default.

    Returns
    -------
    list of Finding
        Empty when the data conforms.
    """
    from pyshacl import validate

    data = dataset_graph(dataset) if hasattr(dataset, "quads") else dataset
    data_graph = Graph()
    for t in data:
        data_graph.add(t)
    if ontology is not None:
        for t in ontology:
            data_graph.add(t)
    onto_view = ontology if ontology is not None else data_graph
    findings = vocabulary_findings(data, onto_view, index)
    findings += literal_findings(data, index)

    with quiet_literal_warnings():
        conforms, report, _text = validate(
            data_graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
            abort_on_first=False, meta_shacl=False,
        )
    for result in _leaf_results(report):
        focus = report.value(result, SH.focusNode)
        if not include_ontology_terms and str(focus).startswith(_UIT):
            continue
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        if ill_typed(value):
            continue  # reported by literal_findings as "is not a valid date", with its own line
        severity = report.value(result, SH.resultSeverity)
        shape = report.value(result, SH.sourceShape)
        # the message of the property shape, else the node shape, else pySHACL's own text
        msg = None
        if shape is not None:
            msg = shapes.value(shape, SH.message)
        if msg is None:
            msg = report.value(result, SH.resultMessage)
        source_shape = _owning_shape(shapes, shape)
        message, fix = _split_fix(str(msg or "does not conform"))
        message = message.replace("{?value}", curie(value) if value is not None else "")
        file, line = _where(index, focus)
        findings.append(Finding(
            file, line, curie(focus),
            curie(path) if isinstance(path, URIRef) else (None if path is None else "(path)"),
            None if value is None else (str(value) if isinstance(value, Literal) else curie(value)),
            str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            message, fix, curie(source_shape) if source_shape is not None else "",
        ))
    return sorted(set(findings), key=lambda f: (f.file or "~", f.line or 0, f.focus, f.path or "", f.message))


def _leaf_results(report: Graph):
    """Validation results, with sh:node wrappers replaced by their sh:detail results (which carry our messages)."""
    top = [r for r in report.subjects(RDF.type, SH.ValidationResult) if (None, SH.detail, r) not in report]
    out, stack = [], list(top)
    while stack:
        r = stack.pop()
        details = list(report.objects(r, SH.detail))
        if details:
            stack.extend(details)
        else:
            out.append(r)
    return out


def _owning_shape(shapes: Graph, shape):
    """The named NodeShape that holds a (blank) property shape or constraint."""
    if shape is None or isinstance(shape, URIRef):
        return shape
    for pred in (SH.property, SH.sparql):
        owner = shapes.value(predicate=pred, object=shape)
        if owner is not None:
            return owner
    return shape


def errors_only(findings: list[Finding]) -> list[Finding]:
    """The findings with severity Violation."""
    return [f for f in findings if f.severity == "Violation"]


def require_conformance(findings: list[Finding], what: str = "the data") -> None:
    """Raise :class:`SeedsDoNotConform` if any finding is a Violation."""
    bad = errors_only(findings)
    if bad:
        first = "\n".join(str(f) for f in bad[:5])
        more = f"\n  ... and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise SeedsDoNotConform(
            f"{what} does not conform to the shapes: {len(bad)} violation(s)\n{first}{more}",
            findings=bad,
            hint="run `useit validate` for the full list, correct each resource and re-run.",
        )


__all__ += ["errors_only", "ill_typed"]
_ = RDFS
