"""The ontology and shapes: parse with two independent parsers, documented terms, one shape per class."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS
from rdflib.compare import isomorphic

UIT = "https://w3id.org/useit-graph/ns#"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def _files(paths):
    return [paths.ontology, paths.shapes, *paths.seed_files()]


def _term(t):
    """A pyoxigraph term as the equal rdflib term (xsd:string and rdf:langString literals as rdflib writes them)."""
    if isinstance(t, pyoxigraph.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, pyoxigraph.BlankNode):
        return rdflib.BNode(t.value)
    if t.language:
        return rdflib.Literal(t.value, lang=t.language)
    if t.datatype.value == str(rdflib.XSD.string):
        return rdflib.Literal(t.value)
    return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))


def _oxigraph_graph(path) -> rdflib.Graph:
    """`path` read by pyoxigraph's own Turtle parser, term by term into an rdflib graph (no rdflib parsing)."""
    g = rdflib.Graph()
    for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
        g.add((_term(q.subject), _term(q.predicate), _term(q.object)))
    return g


def test_two_parsers_agree(paths):
    """rdflib and pyoxigraph (independent Turtle parsers) read the same graph from every file: compared as
    graphs (blank-node isomorphism, rdflib.compare), not just by triple count."""
    files = _files(paths)
    assert len(files) >= 3
    for f in files:
        ours = rdflib.Graph().parse(f, format="turtle")
        theirs = _oxigraph_graph(f)
        assert len(ours) == len(theirs) > 0, f
        assert isomorphic(ours, theirs), f


def test_two_parsers_check_detects_a_changed_literal(paths):
    """The comparison above can fail: one changed literal in the shapes graph breaks isomorphism."""
    ours = rdflib.Graph().parse(paths.shapes, format="turtle")
    theirs = _oxigraph_graph(paths.shapes)
    msg = next(iter(theirs.triples((None, SH.message, None))))
    theirs.remove(msg)
    theirs.add((msg[0], msg[1], rdflib.Literal(str(msg[2]) + " ")))
    assert len(ours) == len(theirs)
    assert not isomorphic(ours, theirs)


def _terms(ontology):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return sorted({s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(UIT)})


def test_every_term_is_documented(ontology):
    """Every uit: class and property has a label, a comment and rdfs:isDefinedBy (issue #2)."""
    terms = _terms(ontology)
    assert len(terms) > 80
    for t in terms:
        assert ontology.value(t, RDFS.label) is not None, t
        assert ontology.value(t, RDFS.comment) is not None, t
        assert ontology.value(t, RDFS.isDefinedBy) == rdflib.URIRef(UIT), t


MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)


@pytest.mark.parametrize("vocab", [
    "http://www.w3.org/ns/org#", "http://xmlns.com/foaf/0.1/", "https://schema.org/",
    "http://www.w3.org/ns/prov#", "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/",
    "http://purl.org/essglobal/",
])
def test_aligned_to_standard_vocabularies(ontology, vocab):
    """Each standard vocabulary named in issue #2 is used for subclass/subproperty or SKOS mapping alignment
    (rdfs:seeAlso does not count: it aligns nothing)."""
    preds = (RDFS.subClassOf, RDFS.subPropertyOf, *MATCHES)
    assert any(str(o).startswith(vocab) for p in preds for o in ontology.objects(None, p))


# ESSGLOBAL code lists, read from the ESSGLOBAL group's published SKOS files
# (github.com/essglobal-linked-open-data/map-sse, vocabs/standard/*.skos; xml:base as below).
ESSGLOBAL_CODES = {
    # activities.skos (2014): a01 "Agriculture and environment" ... a21 "International diplomacy and cooperation"
    "http://purl.org/essglobal/standard/activities/": {f"a{n:02d}" for n in range(1, 22)},
    # legal-form.skos (2014): L1 Informal Group, L2 Cooperative, L3 Company, L4 Non-Profit Organisation,
    # L5 Social Enterprise
    "http://purl.org/essglobal/standard/legal-form/": {f"L{n}" for n in range(1, 6)},
    # organisational-structure.skos ("Legal Form Modified", 2019): OS10 Community group ... OS160 Unincorporated
    "http://purl.org/essglobal/standard/organisational-structure/": {f"OS{n}" for n in range(10, 161, 10)},
}


def _essglobal_targets(ontology):
    return [(s, p, o) for p in MATCHES for s, o in ontology.subject_objects(p) if "essglobal" in str(o)]


def test_essglobal_mappings_name_real_codes_under_declared_prefixes(paths, ontology):
    """Every SKOS mapping into ESSGLOBAL points at a code that exists in the ESSGLOBAL code list, written with
    the namespace the ontology declares for that list (the old `.../activities/#A17` IRIs were neither)."""
    declared = {str(ns) for _, ns in rdflib.Graph().parse(paths.ontology).namespaces()}
    targets = _essglobal_targets(ontology)
    assert len(targets) >= 20
    for s, p, o in targets:
        base, code = str(o).rsplit("/", 1)[0] + "/", str(o).rsplit("/", 1)[1]
        assert base in ESSGLOBAL_CODES and code in ESSGLOBAL_CODES[base], (s, p, o)
        assert base in declared, (s, base)


def test_legal_forms_are_a_concept_scheme_aligned_to_essglobal(ontology):
    """uit:legalForm takes uit:LegalForm concepts (not strings), is a sub-property of essglobal:legalForm, and
    every legal form has an exact, close, broad or narrow match in an ESSGLOBAL legal-form list, except where
    ESSGLOBAL has none (the docs say which)."""
    lf = rdflib.URIRef(UIT + "legalForm")
    assert (lf, RDF.type, OWL.ObjectProperty) in ontology
    assert (lf, RDFS.range, rdflib.URIRef(UIT + "LegalForm")) in ontology
    assert (lf, RDFS.subPropertyOf, rdflib.URIRef("http://purl.org/essglobal/vocab/legalForm")) in ontology
    forms = set(ontology.subjects(RDF.type, rdflib.URIRef(UIT + "LegalForm")))
    assert len(forms) >= 8
    for f in forms:
        assert ontology.value(f, SKOS.inScheme) == rdflib.URIRef(UIT + "LegalFormScheme"), f
        assert ontology.value(f, SKOS.notation) is not None, f
        targets = [o for p in MATCHES for o in ontology.objects(f, p)]
        assert any("essglobal/standard/" in str(o) for o in targets), f
    # the two ESSGLOBAL codes for a co-operative and a CIC (legal-form.skos L2, organisational-structure.skos OS120)
    coop, cic = rdflib.URIRef(UIT + "legal-form-cooperative"), rdflib.URIRef(UIT + "legal-form-community-interest-company")
    assert (coop, SKOS.exactMatch, rdflib.URIRef("http://purl.org/essglobal/standard/legal-form/L2")) in ontology
    assert (cic, SKOS.exactMatch, rdflib.URIRef("http://purl.org/essglobal/standard/organisational-structure/OS120")) in ontology


def test_seeds_use_the_essglobal_aligned_terms(seed_dataset, ontology):
    """The alignment is used, not just declared: seed organisations state legal forms through uit:legalForm,
    and every uit:group and uit:legalForm value the seeds use is a concept of the ontology (so it carries the
    ontology's ESSGLOBAL mapping where one exists)."""
    ds, _ = seed_dataset
    lf, grp = rdflib.URIRef(UIT + "legalForm"), rdflib.URIRef(UIT + "group")
    used_forms = {o for s, o in ds.subject_objects(lf) if (s, None, None) not in ontology}
    assert len(used_forms) >= 3
    for o in used_forms:
        assert (o, RDF.type, rdflib.URIRef(UIT + "LegalForm")) in ontology, o
    used_groups = {o for s, o in ds.subject_objects(grp) if (s, None, None) not in ontology}
    mapped = {g for g in used_groups if any("essglobal/standard/activities/" in str(o)
                                             for p in MATCHES for o in ontology.objects(g, p))}
    assert used_groups and all((g, RDF.type, rdflib.URIRef(UIT + "Group")) in ontology for g in used_groups)
    assert len(mapped) >= len(used_groups) - 1  # only sector-social-economy has no ESSGLOBAL activity


def test_every_class_has_a_shape(ontology, shapes):
    classes = {s for s in ontology.subjects(RDF.type, OWL.Class) if str(s).startswith(UIT)}
    targeted = set(shapes.objects(None, SH.targetClass))
    assert classes - targeted == set()


def test_every_shape_constraint_has_a_message(shapes):
    """Every property shape and SPARQL constraint carries a sh:message that a person understands."""
    constraints = list(shapes.objects(None, SH.property)) + list(shapes.objects(None, SH.sparql))
    assert len(constraints) > 60
    for c in constraints:
        msg = shapes.value(c, SH.message)
        assert msg is not None and len(str(msg)) > 20, c


def test_relationship_classes_name_their_edges(ontology):
    """Every concrete relationship type states (or inherits) how it projects to edges."""
    rel = rdflib.URIRef(UIT + "Relationship")
    for c in ontology.transitive_subjects(RDFS.subClassOf, rel):
        chain = list(ontology.transitive_objects(c, RDFS.subClassOf))
        assert any(ontology.value(a, rdflib.URIRef(UIT + p)) is not None for a in chain
                   for p in ("edgeSource", "edgeAmong")), c
        assert any(ontology.value(a, rdflib.URIRef(UIT + "edgeLabel")) is not None for a in chain), c


def test_operationalisation_is_written_down(ontology):
    """The bonding/bridging/linking rule and its source are stated in the ontology itself, in triples that
    survive parsing (the owl:Ontology's rdfs:comment and each tie type's skos:definition), not only in a
    Turtle comment."""
    onto = rdflib.URIRef(UIT)
    assert (onto, RDF.type, OWL.Ontology) in ontology
    text = " ".join(str(o) for o in ontology.objects(onto, RDFS.comment))
    for phrase in ("linking", "bridging", "bonding", "tier", "group", "Szreter"):
        assert phrase in text, phrase
    assert "Szreter" in str(ontology.value(onto, rdflib.DCTERMS.bibliographicCitation))
    defs = {k: str(ontology.value(rdflib.URIRef(UIT + "tie-" + k), SKOS.definition)) for k in
            ("bonding", "bridging", "linking")}
    assert "different tiers" in defs["linking"]
    assert "same tier" in defs["bonding"] and "same group" in defs["bonding"]
    assert "same tier" in defs["bridging"] and "different groups" in defs["bridging"]


def test_tie_type_terms_name_what_the_projection_computes(ontology):
    """The tie-type concepts' notations are the values useit_graph.project.classify_tie returns, one per rule."""
    from useit_graph.project import classify_tie

    tie_type = rdflib.URIRef(UIT + "TieType")
    notations = {str(ontology.value(c, SKOS.notation)) for c in ontology.subjects(RDF.type, tie_type)}
    computed = {classify_tie("micro", "a", "macro", "a")[0], classify_tie("micro", "a", "micro", "a")[0],
                classify_tie("micro", "a", "micro", "b")[0]}
    assert notations == computed == {"linking", "bonding", "bridging"}


def test_namespaces_module_in_sync(root, tmp_path):
    """useit_graph/namespaces.py is what scripts/gen-namespaces makes from the ontology."""
    before = (root / "useit_graph" / "namespaces.py").read_text()
    import shutil

    work = tmp_path / "copy"
    shutil.copytree(root / "ontology", work / "ontology")
    shutil.copytree(root / "scripts", work / "scripts")
    (work / "useit_graph").mkdir()
    subprocess.run(["bash", str(work / "scripts" / "gen-namespaces")], check=True,
                   env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"})
    assert (work / "useit_graph" / "namespaces.py").read_text() == before


def test_unknown_namespace_term_fails():
    from useit_graph.namespaces import UIT as NS

    with pytest.raises(AttributeError):
        NS.Brokrage
    assert str(NS.Brokerage) == UIT + "Brokerage"
