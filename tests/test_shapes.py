"""SHACL shape cases: each ``tests/fixtures/shapes/<case>-data.ttl`` has a hand-written
``<case>-expected.json`` listing the findings (focus, path, shape, severity) the shapes must give.

Expectations were written from the constraint each case breaks, before running the validator.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import RDFS, Namespace, URIRef

from useit_graph.load import load_files
from useit_graph.namespaces import curie
from useit_graph.validate import validate_dataset

CASES = sorted(p.name[: -len("-data.ttl")] for p in (Path(__file__).parent / "fixtures" / "shapes").glob("*-data.ttl"))


def test_number_of_cases():
    assert len(CASES) == 22


@pytest.mark.parametrize("case", CASES)
def test_shape_case(case, paths, shapes):
    folder = Path(__file__).parent / "fixtures" / "shapes"
    ds, index = load_files([paths.ontology, folder / f"{case}-data.ttl"], root=folder)
    findings = validate_dataset(ds, shapes, index=index)
    got = sorted(((f.focus, f.path, f.shape, f.severity) for f in findings), key=str)
    want = sorted(((curie(e["focus"]), e["path"], e["shape"], e["severity"])
                   for e in json.loads((folder / f"{case}-expected.json").read_text())), key=str)
    assert got == want
    for f in findings:
        assert f.file == f"{case}-data.ttl" and f.line, f  # findings name file and line
        assert f.message and f.fix, f


def test_seeds_conform(seed_dataset, shapes):
    """The USE-IT! seed data has no violations (warnings allowed)."""
    ds, index = seed_dataset
    bad = [f for f in validate_dataset(ds, shapes, index=index) if f.severity == "Violation"]
    assert bad == [], "\n".join(str(f) for f in bad[:20])


SH = Namespace("http://www.w3.org/ns/shacl#")
UIT = "https://w3id.org/useit-graph/ns#"
FOLDER = Path(__file__).parent / "fixtures" / "shapes"


def _findings(case, paths, shapes):
    ds, index = load_files([paths.ontology, FOLDER / f"{case}-data.ttl"], root=FOLDER)
    return validate_dataset(ds, shapes, index=index)


def test_no_broker_and_two_brokers_get_different_correct_messages(paths, shapes):
    """A brokerage has exactly one broker. Missing it and naming two are different mistakes with different
    fixes, so they get different messages (one said 'with no uit:broker' for both)."""
    (none,) = [f for f in _findings("brokerage-no-broker", paths, shapes) if f.path == "uit:broker"]
    (two,) = [f for f in _findings("brokerage-two-brokers", paths, shapes) if f.path == "uit:broker"]
    assert "no broker" in none.message and "more than one" not in none.message
    assert "more than one broker" in two.message and "no broker" not in two.message
    assert none.fix.startswith("name the broker") and "keep" in two.fix


def _property_shapes(shapes):
    for node in set(shapes.subjects(SH.targetClass, None)) | set(shapes.subjects(SH.property, None)):
        for ps in shapes.objects(node, SH.property):
            yield node, ps


def test_messages_name_the_property_and_give_a_fix(shapes):
    """Every constraint message says, in words, what is wrong, names the property a person has to edit (so a
    non-expert can find it) and ends with a 'Fix:' sentence."""
    checked = 0
    for node, ps in _property_shapes(shapes):
        path = shapes.value(ps, SH.path)
        msg = str(shapes.value(ps, SH.message))
        assert "Fix: " in msg and msg.endswith("."), (node, msg)
        if isinstance(path, URIRef):
            short = shapes.namespace_manager.normalizeUri(path)
            assert short in msg, (node, short, msg)
            checked += 1
    assert checked > 90


def test_role_messages_read_as_sentences(shapes, ontology):
    """The role constraints of relationship shapes (audit of issue #2): no 'exactly one for brokers' on roles
    that are not the broker, no 'name the member of' / 'name the owned' / 'name the referred to' fragments,
    and each message says what the role is for in the role's own words (its rdfs:label or comment)."""
    rel = URIRef(UIT + "Relationship")
    rel_classes = set(ontology.transitive_subjects(RDFS.subClassOf, rel)) - {rel}
    bad = re.compile(r"for brokers|Fix: name the (member of|owned|referred to|recognised|supported|trainee|"
                     r"recipient|provider|employee|supplier|asset user)\b")
    seen = 0
    for shape in shapes.subjects(SH.targetClass, None):
        if shapes.value(shape, SH.targetClass) not in rel_classes:
            continue
        for ps in shapes.objects(shape, SH.property):
            path, msg = shapes.value(ps, SH.path), str(shapes.value(ps, SH.message))
            assert not bad.search(msg), msg
            if shapes.value(ps, SH.minCount) is not None:
                seen += 1
                assert shapes.namespace_manager.normalizeUri(path) in msg, msg
                assert msg.startswith("is a") and "does not say" in msg or "fewer than two" in msg or \
                    "no broker" in msg or "no mechanism" in msg or "how the broker" in msg, msg
    assert seen >= 24  # two roles for 11 directed types, broker and parties, partners
