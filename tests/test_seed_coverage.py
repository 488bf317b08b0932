"""Every ontology class has at least one example in the seeds (STYLE.md §7), so every shape is exercised."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, URIRef

UIT = "https://w3id.org/useit-graph/ns#"
# Abstract classes are exemplified through their subclasses; concept classes by the ontology's own schemes.
ABSTRACT = {"Agent", "Organisation", "MicroAsset", "MacroAsset", "Intermediary", "AnchorInstitution",
            "PhysicalAsset", "Relationship", "Cohort", "Outcome"}
IN_ONTOLOGY = {"Tier", "Group", "BrokerageMechanism", "TieType", "LegalForm"}  # legal forms used: test_seed_facts


def test_every_class_has_a_seed_example(seed_dataset, ontology):
    ds, _ = seed_dataset
    onto_subjects = set(ontology.subjects())
    missing = []
    for c in sorted(ontology.subjects(RDF.type, OWL.Class)):
        name = str(c)[len(UIT):]
        if not str(c).startswith(UIT) or name in ABSTRACT:
            continue
        instances = [s for s in ds.subjects(RDF.type, c) if s not in onto_subjects or name in IN_ONTOLOGY]
        if not instances:
            missing.append(name)
    assert missing == []


def test_abstract_classes_have_instances_via_subclasses(seed_dataset, ontology):
    ds, _ = seed_dataset
    for name in sorted(ABSTRACT):
        c = URIRef(UIT + name)
        subs = set(ontology.transitive_subjects(RDFS.subClassOf, c))
        assert any(True for s in subs for _ in ds.subjects(RDF.type, s)), name
