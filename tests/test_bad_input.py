"""Bad input gets a clear error and nothing is half-written.

Each file in ``tests/fixtures/bad/`` is a hand-made broken input; ``expected.json`` names the
problems (column and message) the loader or importer must report. The expectations were written
from the rules in docs/import.md, not from the code's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from useit_graph.errors import ImportFileError, SeedSyntaxError
from useit_graph.importer import import_tables
from useit_graph.load import load_files

BAD = Path(__file__).parent / "fixtures" / "bad"
CASES = {k: v for k, v in json.loads((BAD / "expected.json").read_text()).items() if not k.startswith("_")}


def test_corpus_is_complete():
    """Every file in the corpus has an expectation and vice versa (11 cases)."""
    files = {p.name for p in BAD.iterdir() if p.name != "expected.json" and p.name != "entities-ok.csv"}
    assert files == set(CASES)
    assert len(CASES) == 11


@pytest.mark.parametrize("name", sorted(k for k, v in CASES.items() if v["kind"] == "rdf"))
def test_bad_rdf(name, paths):
    case = CASES[name]
    with pytest.raises(SeedSyntaxError) as info:
        load_files([BAD / name], root=BAD)
    for text in case["contains"]:
        assert text in str(info.value)
    assert "Fix:" in str(info.value)


@pytest.mark.parametrize("name", sorted(k for k, v in CASES.items() if v["kind"] == "import"))
def test_bad_import(name, ontology):
    case = CASES[name]
    if "entities" in case:
        args = (BAD / case["entities"], BAD / name)
    else:
        args = (BAD / name, None)
    with pytest.raises(ImportFileError) as info:
        import_tables(*args, ontology=ontology)
    err = info.value
    text = str(err)
    for needle in case.get("error_contains", []):
        assert needle in text
    for column, message in case.get("problems", []):
        assert any(p.column == column and message in p.message for p in err.problems), (column, message, err.problems)
        assert all(p.fix for p in err.problems)
    for needle in case.get("absent", []):
        assert needle not in text
    if "count" in case:
        assert len(err.problems) == case["count"]


def test_formula_cells_with_apostrophe_are_text(ontology, tmp_path):
    """The CSV export guards formula-like text with a leading apostrophe; the importer reads it back."""
    f = tmp_path / "e.csv"
    f.write_text("ID,Label,Type,Group\ng1,'=Garden,CommunityGroup,community\n", encoding="utf-8")
    g = import_tables(f, None, ontology=ontology)
    from rdflib import RDFS

    assert "=Garden" in {str(o) for o in g.objects(None, RDFS.label)}


def test_negative_numbers_are_not_formulas(ontology, tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("ID,Label,Type,Group,Member count\ng1,Group,CommunityResearcherCohort,education,-3\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as info:
        import_tables(f, None, ontology=ontology)
    assert [p.column for p in info.value.problems] == ["Member count"]


@pytest.mark.parametrize("name", ["entities-duplicate-id.csv", "relationships-bad-values.csv"])
def test_cli_import_writes_nothing_on_error(name, tmp_path):
    out = tmp_path / "out.ttl"
    out.write_text("previous content", encoding="utf-8")
    case = CASES[name]
    args = ["import", str(BAD / case.get("entities", name))]
    if "entities" in case:
        args.append(str(BAD / name))
    r = CliRunner().invoke(main, args + ["-o", str(out)])
    assert r.exit_code == 1, r.output
    assert out.read_text(encoding="utf-8") == "previous content"
    assert "nothing was written" in r.output
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_cli_validate_malformed_exit_1():
    r = CliRunner().invoke(main, ["validate", str(BAD / "malformed.ttl")])
    assert r.exit_code == 1
    assert "malformed.ttl:5" in r.output


def test_cli_usage_error_exit_2():
    r = CliRunner().invoke(main, ["validate", "--format", "yaml"])
    assert r.exit_code == 2
