"""Packaging: a regular (non-editable) install finds ontology/, seeds/ and queries/.

A wheel cannot carry top-level folders as package data, so pyproject.toml installs them as
data files under ``<prefix>/share/useit-graph`` and ``useit_graph.paths.default_root`` looks there
when the package does not sit in a source checkout. These tests check both halves: that the
data-files globs cover every file the library reads, and that the lookup order is right.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from useit_graph import paths

ROOT = Path(__file__).resolve().parent.parent


def _data_files() -> dict[str, list[str]]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]


def test_data_files_cover_every_data_file():
    covered = set()
    for target, patterns in _data_files().items():
        assert target.startswith("share/useit-graph/"), target
        for pattern in patterns:
            matches = list(ROOT.glob(pattern))
            assert matches, f"pyproject data-files pattern {pattern!r} matches nothing"
            for m in matches:
                # the file lands in <target>/<name>: its folder must mirror the checkout's
                assert target == "share/useit-graph/" + str(m.parent.relative_to(ROOT)), (target, m)
                covered.add(m.relative_to(ROOT))
    needed = {p.relative_to(ROOT) for d in ("ontology", "seeds", "queries") for p in (ROOT / d).rglob("*")
              if p.is_file() and p.suffix in {".ttl", ".jsonld", ".rq", ".cypher"}}
    assert needed <= covered, f"not installed by a regular pip install: {sorted(map(str, needed - covered))}"


def test_default_root_prefers_checkout_then_installed_copy(tmp_path, monkeypatch):
    checkout = tmp_path / "site-packages"          # what PACKAGE_ROOT is after a regular install
    checkout.mkdir()
    prefix = tmp_path / "prefix"
    share = prefix / paths.SHARE_SUBDIR
    for name in ("useit.ttl", "shapes.ttl"):
        (share / "ontology").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "ontology" / name, share / "ontology" / name)
    monkeypatch.delenv("USEIT_ROOT", raising=False)
    monkeypatch.setattr(paths, "PACKAGE_ROOT", checkout)
    monkeypatch.setattr(paths, "_installed_roots", lambda: [tmp_path / "nothing-here", share])
    assert paths.get_paths().root == share.resolve()
    # a checkout with the ontology wins over the installed copy
    (checkout / "ontology").mkdir()
    (checkout / "ontology" / "useit.ttl").write_text("")
    assert paths.get_paths().root == checkout.resolve()
    # USEIT_ROOT wins over both
    monkeypatch.setenv("USEIT_ROOT", str(tmp_path))
    assert paths.get_paths().root == tmp_path.resolve()


def test_source_checkout_is_the_default_here(monkeypatch):
    monkeypatch.delenv("USEIT_ROOT", raising=False)
    assert paths.get_paths().root == ROOT
    assert paths.get_paths().ontology.is_file()
