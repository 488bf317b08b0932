"""useit synth / store / bench commands (CliRunner)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import main
from useit_graph.commands.scale import bench, store, synth


@pytest.mark.parametrize("cmd, args", [(synth, []), (store, []), (store, ["build"]), (store, ["info"]), (bench, [])])
def test_help(cmd, args):
    r = CliRunner().invoke(cmd, args + ["--help"])
    assert r.exit_code == 0, r.output
    assert "Examples" in r.output or "Usage" in r.output


@pytest.mark.parametrize("cmd", [synth, bench])
def test_short_help_survives_a_standalone_invocation(cmd):
    # click caches a command's help option on first use; invoking the bare command first used to
    # freeze it at "--help" only, so a later `useit <cmd> -h` failed with "No such option '-h'".
    assert CliRunner().invoke(cmd, ["--help"]).exit_code == 0
    r = CliRunner().invoke(main, [cmd.name, "-h"])
    assert r.exit_code == 0, r.output


def test_synth_store_build_info(tmp_path):
    runner = CliRunner()
    out = tmp_path / "c.nt"
    r = runner.invoke(synth, ["--orgs", "30", "--relationships", "100", "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 0
    r = runner.invoke(store, ["build", str(tmp_path / "st"), str(out), "--json"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(store, ["info", str(tmp_path / "st"), "--json"])
    assert r.exit_code == 0, r.output
    assert '"triples"' in r.output


def test_synth_needs_output():
    r = CliRunner().invoke(synth, ["--orgs", "10"])
    assert r.exit_code == 2
    assert "-o" in r.output
