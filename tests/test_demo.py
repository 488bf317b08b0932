"""`useit demo` (the README's main command) and the report's determinism across processes.

Where the expectations come from: the issue's CLI contract (the demo prints the headline measures
and writes the report and the map, printing their paths); the headline numbers are checked
against `useit outcomes --json` on the same seeds, a second command reading the same indicators;
determinism is byte equality of two `useit report` runs in separate Python processes with
different PYTHONHASHSEED values (set and dict order of strings differ between them).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # the demo validates and measures the whole seed graph (about a minute)
HEADLINES = (
    (1, "anchor_linking_ties", "linking_ties_to_micro", "anchors' linking ties to micro assets"),
    (2, "anchor_resource_flows", "gbp_macro_to_community", "GBP from macro assets (anchors, funders, developers) to community assets"),
    (3, "people_asset_connectedness", "share_connected", "share of people within 2 hops of an asset"),
    (4, "new_community_assets", "new_assets", "new community assets"),
    (5, "recognition_ties", "recognition_ties", "recognition ties to community assets"),
    (6, "anchor_community_reciprocity", "reciprocity", "reciprocity of anchor-community ties"),
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output


def _short(v):
    """The demo's number format (commands.measures._short), restated here."""
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    return str(v)


def test_demo_prints_the_headline_measures(demo):
    _out, text = demo
    lines = text.splitlines()
    assert re.search(r"^outcomes \(2016-11-01 -> 2019-12-31\):$", text, re.M)  # seeds' programme period
    r = CliRunner().invoke(main, ["outcomes", "--json"], catch_exceptions=False)
    rows = {(x["measured_by"], x["indicator"]): x for x in json.loads(r.stdout)}
    for n, name, key, label in HEADLINES:
        line = next((x for x in lines if x.strip().startswith(f"{n}. {label}: ")), None)
        assert line is not None, f"headline {n} not printed"
        row = rows[(name, key)]
        assert f": {_short(row['baseline'])} -> {_short(row['end'])}" in line, (line, row)
    assert any(x.strip().startswith("micro assets with a path to a macro asset: ") for x in lines)
    assert re.search(r"^graph: \d+ nodes, \d+ relationships, \d+ edges$", text, re.M)


def test_demo_writes_report_and_map_and_prints_their_paths(demo):
    out, text = demo
    reports = re.findall(r"^report: (.+)$", text, re.M)
    maps = re.findall(r"^map: (.+)$", text, re.M)
    assert sorted(Path(p).name for p in reports) == ["report.html", "report.md"]
    assert len(maps) == 1 and Path(maps[0]).name == "useit-map.html"
    for p in reports + maps:
        path = Path(p)
        assert path.is_file() and path.stat().st_size > 0
        assert path.resolve().parent == out.resolve()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Headline indicators" in html and 'src="data:image/png;base64,' in html
    assert (out / "figures" / "tie-composition.png").is_file()


def _report_in_subprocess(out: Path, hashseed: str) -> dict:
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    code = "import sys; from cli import main; sys.exit(main(['report', '-o', sys.argv[1]]))"
    proc = subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_report_bytes_do_not_depend_on_the_hash_seed(tmp_path):
    a = _report_in_subprocess(tmp_path / "a", "1")
    b = _report_in_subprocess(tmp_path / "b", "2024")
    assert "report.html" in a and "report.md" in a
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert not different, f"differ between PYTHONHASHSEED=1 and 2024: {different}"


def test_demo_map_names_the_work_packages(demo):
    # The work packages' names come from the seeds (rdfs:label of every uit:WorkPackage), read
    # here with rdflib; the projected graph holds only their IRIs, so a map built without the
    # labels shows "wp5" in its menu instead.
    from rdflib import RDF, RDFS, Graph, Namespace

    U = Namespace("https://w3id.org/useit-graph/ns#")
    g = Graph()
    for f in sorted((ROOT / "seeds").glob("*.ttl")):
        g.parse(f)
    names = {str(g.value(wp, RDFS.label)) for wp in g.subjects(RDF.type, U.WorkPackage)}
    assert names, "the seeds name no work package"
    out, _ = demo
    text = (out / "useit-map.html").read_text(encoding="utf-8")
    for name in names:
        assert json.dumps(name)[1:-1] in text or name in text, name
