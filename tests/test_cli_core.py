"""CLI: help for every command, README coverage, and the core commands on the seeds and examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(main.commands)


def _all_commands():
    out = []
    for name, cmd in sorted(main.commands.items()):
        out.append([name])
        for sub in sorted(getattr(cmd, "commands", {}) or {}):
            out.append([name, sub])
    return out


def test_core_commands_registered():
    assert {"validate", "summary", "import", "demo"} <= set(COMMANDS)


@pytest.mark.parametrize("argv", _all_commands(), ids=" ".join)
def test_help(argv):
    for flag in ("--help", "-h"):
        r = CliRunner().invoke(main, argv + [flag])
        assert r.exit_code == 0, r.output
        assert "Usage:" in r.output


@pytest.mark.parametrize("argv", _all_commands(), ids=" ".join)
def test_help_has_examples(argv):
    r = CliRunner().invoke(main, argv + ["--help"])
    if len(argv) == 1 and getattr(main.commands[argv[0]], "commands", None):
        return  # a group: its subcommands carry the examples
    assert "useit " in r.output.split("Options:")[0], f"no example in `useit {' '.join(argv)} --help`"


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"useit {name}" in readme, name


def test_readme_cli_section_is_current():
    """The README's CLI reference is generated from --help with cog; it must be up to date."""
    r = subprocess.run([sys.executable, "-m", "cogapp", "--check", "README.md"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr + "\nFix: run `.venv/bin/cog -r README.md`"


def test_validate_seeds_exit_0():
    r = CliRunner().invoke(main, ["validate", "--no-warnings", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == []


def test_validate_json_findings_exit_1():
    bad = ROOT / "tests" / "fixtures" / "shapes" / "brokerage-no-broker-data.ttl"
    r = CliRunner().invoke(main, ["validate", str(bad), "--json"])
    assert r.exit_code == 1
    rows = json.loads(r.stdout)
    assert [(x["path"], x["line"], x["file"].endswith("brokerage-no-broker-data.ttl")) for x in rows] == \
        [("uit:broker", 13, True)]
    assert rows[0]["fix"].startswith("name the broker")


def test_summary_json_on_seeds():
    r = CliRunner().invoke(main, ["summary", "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["nodes"] > 60 and s["relationships"] > 100
    assert set(s["edges_by_tie"]) <= {"bonding", "bridging", "linking", "unclassified"}


def test_import_examples_then_validate(tmp_path):
    out = tmp_path / "ex.ttl"
    ex = ROOT / "examples" / "import"
    r = CliRunner().invoke(main, ["import", str(ex / "entities.csv"), str(ex / "relationships.csv"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["validate", str(out), "--no-warnings", "--json"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["summary", "--no-seeds", "--data", str(out), "--json"])
    s = json.loads(r.stdout)
    # by hand from examples/import/*.csv: 5 entities, 4 relationships; the brokerage yields
    # 2 BROKERS arcs + 1 tie between its parties, so 6 edges
    assert (s["nodes"], s["relationships"], s["edges"]) == (5, 4, 6)


def test_import_xlsx_workbook(tmp_path):
    from openpyxl import Workbook

    import csv

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, fname in (("Entities", "entities.csv"), ("Relationships", "relationships.csv")):
        ws = wb.create_sheet(sheet)
        with open(ROOT / "examples" / "import" / fname, encoding="utf-8") as fh:
            for row in csv.reader(fh):
                ws.append(row)
    book = tmp_path / "map.xlsx"
    wb.save(book)
    out = tmp_path / "x.ttl"
    r = CliRunner().invoke(main, ["import", str(book), "-o", str(out)])
    assert r.exit_code == 0, r.output
    import rdflib
    from rdflib.compare import isomorphic

    r2 = CliRunner().invoke(main, ["import", str(ROOT / "examples/import/entities.csv"),
                                   str(ROOT / "examples/import/relationships.csv"), "-o", str(tmp_path / "y.ttl"),
                                   "--base", "https://w3id.org/useit-graph/id/map/", "--title", "map.xlsx"])
    assert r2.exit_code == 0, r2.output
    a = rdflib.Graph().parse(out)
    b = rdflib.Graph().parse(tmp_path / "y.ttl")
    # same content apart from the evidence section names (sheet vs file) of rows without evidence
    strip = lambda g: {t for t in g if "section" not in str(t[1])}  # noqa: E731
    assert isomorphic(_g(strip(a)), _g(strip(b)))


def _g(triples):
    import rdflib

    g = rdflib.Graph()
    for t in triples:
        g.add(t)
    return g


def test_python_cli_py_works():
    r = subprocess.run([sys.executable, "cli.py", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and "useit" in r.stdout


def test_import_xlsx_with_named_sheets(tmp_path):
    """--entity-sheet/--relationship-sheet read other sheet names (the missing-sheet error points to them)."""
    import csv

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, fname in (("Orgs", "entities.csv"), ("Links", "relationships.csv")):
        ws = wb.create_sheet(sheet)
        with open(ROOT / "examples" / "import" / fname, encoding="utf-8") as fh:
            for row in csv.reader(fh):
                ws.append(row)
    book = tmp_path / "map.xlsx"
    wb.save(book)
    out = tmp_path / "x.ttl"
    r = CliRunner().invoke(main, ["import", str(book), "-o", str(out)])
    assert r.exit_code == 1 and "no sheet named 'Entities' (the workbook has: Orgs, Links)" in r.output, r.output
    assert not out.exists()
    r = CliRunner().invoke(main, ["import", str(book), "--entity-sheet", "Orgs", "--relationship-sheet", "Links",
                                  "-o", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["summary", "--no-seeds", "--data", str(out), "--json"])
    s = json.loads(r.stdout)
    assert (s["nodes"], s["relationships"]) == (5, 4)  # examples/import: 5 entities, 4 relationships


def test_validate_table_names_the_cause_of_a_parse_error():
    bad = ROOT / "tests" / "fixtures" / "bad" / "malformed.ttl"
    r = CliRunner().invoke(main, ["validate", str(bad)])
    assert r.exit_code == 1
    assert 'Prefix "rdfs:" not bound' in r.output and "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in r.output


@pytest.mark.parametrize("bad", ["yesterday", "2017-13-01", "2017-02-30"])
def test_summary_as_of_must_be_a_date(bad):
    # ISO 8601 calendar dates only (date.fromisoformat): a word or an impossible date is a usage error
    r = CliRunner().invoke(main, ["summary", "--as-of", bad])
    assert r.exit_code == 2, r.output
    assert "--as-of" in r.output


@pytest.mark.parametrize("args", [["metrics", "--as-of", "yesterday"], ["outcomes", "--baseline", "2017-13-01"],
                                  ["outcomes", "--end", "2019-02-30"], ["report", "--baseline", "20170401"],
                                  ["report", "--end", "end of 2019"]])
def test_evaluator_date_options_must_be_dates(args, tmp_path):
    # a string date compared as text would silently give a wrong snapshot: refused before any work
    r = CliRunner().invoke(main, args + (["-o", str(tmp_path / "r")] if args[0] == "report" else []))
    assert r.exit_code == 2, r.output
    assert args[1] in r.output and "is not a date" in r.output
    assert not (tmp_path / "r").exists()
