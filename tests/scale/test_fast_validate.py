"""fast_validate (SPARQL on Oxigraph) finds exactly what pySHACL (validate.py) finds.

Fixtures: tests/scale/fixtures/*.ttl, each a small dataset broken on purpose (comments say how).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from useit_graph.fast_validate import compile_shapes, validate_files
from useit_graph.load import load_files
from useit_graph.paths import get_paths
from useit_graph.synth import write_synth
from useit_graph.validate import load_shapes, validate_dataset

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.ttl"))
MINI = get_paths().root / "tests" / "fixtures" / "mini.ttl"


def _key(f):
    return (f.file is None, f.focus, f.path, f.value, f.severity, f.shape, f.message, f.fix)


def _reference(path):
    logging.disable(logging.CRITICAL)  # rdflib logs ill-formed literals on purpose-broken data
    try:
        p = get_paths()
        ds, _ = load_files([p.ontology, path])
        return validate_dataset(ds, load_shapes(p.shapes))
    finally:
        logging.disable(logging.NOTSET)


def test_fixture_count():
    assert len(FIXTURES) == 5


@pytest.mark.parametrize("path", FIXTURES + [MINI], ids=lambda p: p.name)
def test_same_findings_as_pyshacl(path):
    ref = {_key(f) for f in _reference(path)}
    fast = {_key(f) for f in validate_files([path])}
    assert fast == ref
    if path in FIXTURES:
        assert any(k[4] == "Violation" for k in fast)


def test_synthetic_city_conforms(tmp_path):
    (path,) = write_synth(tmp_path / "s.nt", 200, 1500, seed=2)
    assert [f for f in validate_files([path]) if f.severity == "Violation"] == []


def test_every_constraint_is_covered_or_listed():
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(get_paths().ontology))
    from useit_graph.fast_validate import _ontology_triples

    compiled = compile_shapes(get_paths().shapes, _ontology_triples(store))
    assert len(compiled.checks) > 100
    assert all("sh:" in u for u in compiled.uncovered)
