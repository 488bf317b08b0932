"""The ontology and shapes: parse with two independent parsers, documented terms, one shape per class."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS

UIT = "https://w3id.org/useit-graph/ns#"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def _files(paths):
    return [paths.ontology, paths.shapes, *paths.seed_files()]


def test_two_parsers_agree(paths):
    """rdflib and pyoxigraph (independent Turtle parsers) read the same number of triples from every file."""
    files = _files(paths)
    assert len(files) >= 3
    for f in files:
        n_rdflib = len(rdflib.Graph().parse(f, format="turtle"))
        n_ox = len(set(pyoxigraph.parse(path=str(f), format=pyoxigraph.RdfFormat.TURTLE)))
        assert n_rdflib == n_ox > 0, f


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


@pytest.mark.parametrize("vocab", [
    "http://www.w3.org/ns/org#", "http://xmlns.com/foaf/0.1/", "https://schema.org/",
    "http://www.w3.org/ns/prov#", "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/",
    "http://purl.org/essglobal/",
])
def test_aligned_to_standard_vocabularies(ontology, vocab):
    """Each standard vocabulary named in issue #2 is used for subclass/subproperty/match alignment."""
    preds = (RDFS.subClassOf, RDFS.subPropertyOf, rdflib.SKOS.closeMatch, RDFS.seeAlso)
    assert any(str(o).startswith(vocab) for p in preds for o in ontology.objects(None, p))


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
    """The bonding/bridging/linking rule and its source are stated in the ontology itself."""
    text = " ".join(str(o) for o in ontology.objects(None, RDFS.comment))
    assert "linking" in text and "bridging" in text and "bonding" in text
    assert "Szreter" in str(ontology.value(rdflib.URIRef(UIT), rdflib.DCTERMS.bibliographicCitation))


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
