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
@pytest.mark.parametrize("workers", [1, 4])
def test_same_findings_as_pyshacl(path, workers):
    # one thread, or the checks in parallel threads (pyoxigraph releases the GIL in queries)
    ref = {_key(f) for f in _reference(path)}
    found = validate_files([path], workers=workers)
    fast = {_key(f) for f in found}
    assert fast == ref
    assert len(found) == len(fast)  # no finding reported twice by overlapping jobs
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


def test_vocabulary_check_binds_data_iris(tmp_path):
    """Undefined classes and properties from the data are bound as query terms, never formatted into
    the SPARQL text (the rule of docs/queries.md); the findings name them as pySHACL's path does."""
    import pyoxigraph as ox

    from useit_graph.fast_validate import validate_store

    data = tmp_path / "odd.ttl"
    data.write_text("@prefix uit: <https://w3id.org/useit-graph/ns#> .\n"
                    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    "<https://example.org/odd/thing> a uit:Spaceshipz ; rdfs:label \"Thing\" ; uit:wingspanz 3 .\n",
                    encoding="utf-8")
    store = ox.Store()
    for f in (get_paths().ontology, data):
        store.load(path=str(f), to_graph=ox.NamedNode(Path(f).resolve().as_uri()))

    class Recording:
        def __init__(self, inner):
            self.inner, self.texts = inner, []

        def query(self, text, **kwargs):
            self.texts.append(text)
            return self.inner.query(text, **kwargs)

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def __iter__(self):
            return iter(self.inner)

        def __len__(self):
            return len(self.inner)

    rec = Recording(store)
    found = [f for f in validate_store(rec) if f.shape == "uit:VocabularyCheck"]
    assert sorted((f.path, f.value) for f in found) == [("rdf:type", "uit:Spaceshipz"), ("uit:wingspanz", None)]
    assert all("example.org/odd/thing" in str(f.focus) for f in found)
    assert rec.texts and not [t for t in rec.texts if "Spaceshipz" in t or "wingspanz" in t]


def test_cli_validate_store_reports_what_pyshacl_reports(tmp_path):
    """``useit validate --store`` (SPARQL checks) against ``useit validate FILE`` (pySHACL) on the
    same broken fixture: the same findings, less file and line, and the same exit code."""
    import json

    from click.testing import CliRunner

    from cli import main

    bad = FIXTURES[0]
    runner = CliRunner()
    built = runner.invoke(main, ["store", "build", str(tmp_path / "s"), str(bad), "--no-projection"])
    assert built.exit_code == 0, built.output
    ref = runner.invoke(main, ["validate", str(bad), "--format", "json"])
    got = runner.invoke(main, ["validate", "--store", str(tmp_path / "s"), "--format", "json"])
    assert ref.exit_code == got.exit_code == 1, got.output

    def strip(text):
        rows = json.loads(text[text.index("["):])
        return sorted(json.dumps({k: v for k, v in r.items() if k not in ("file", "line")}, sort_keys=True)
                      for r in rows)

    assert strip(got.output) == strip(ref.output) and strip(ref.output)
    both = runner.invoke(main, ["validate", "--store", str(tmp_path / "s"), str(bad)])
    assert both.exit_code == 2 and "--store validates what the store holds" in both.output


def test_cli_validate_store_of_a_synthetic_city_conforms(tmp_path):
    from click.testing import CliRunner

    from cli import main

    (path,) = write_synth(tmp_path / "s.nt", 100, 800, seed=3)
    runner = CliRunner()
    assert runner.invoke(main, ["store", "build", str(tmp_path / "st"), str(path)]).exit_code == 0
    r = runner.invoke(main, ["validate", "--store", str(tmp_path / "st"), "--no-warnings"])
    assert r.exit_code == 0, r.output
