"""SHACL shape cases: each ``tests/fixtures/shapes/<case>-data.ttl`` has a hand-written
``<case>-expected.json`` listing the findings (focus, path, shape, severity) the shapes must give.

Expectations were written from the constraint each case breaks, before running the validator.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from useit_graph.load import load_files
from useit_graph.namespaces import curie
from useit_graph.validate import validate_dataset

CASES = sorted(p.name[: -len("-data.ttl")] for p in (Path(__file__).parent / "fixtures" / "shapes").glob("*-data.ttl"))


def test_number_of_cases():
    assert len(CASES) == 18


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
