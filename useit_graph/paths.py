"""Where the project's data folders are.

This module alone locates ``ontology/``, ``seeds/`` and ``queries/``. The root is, in order: an
explicit ``root`` argument (the CLI's ``--root``), the ``USEIT_ROOT`` environment variable, the
folder this package was installed from (a source checkout or an editable install), then the copy a
regular ``pip install`` puts under ``<prefix>/share/useit-graph`` (``[tool.setuptools.data-files]``
in ``pyproject.toml``). Never the current directory.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

#: The folder above the package: a source checkout's root (also for editable installs).
PACKAGE_ROOT = Path(__file__).resolve().parent.parent

#: Where a regular (non-editable) install puts the data folders.
SHARE_SUBDIR = Path("share") / "useit-graph"


def _installed_roots() -> list[Path]:
    prefixes = [sysconfig.get_path("data"), sys.prefix, sys.base_prefix]
    out: list[Path] = []
    for prefix in prefixes:
        if prefix and (Path(prefix) / SHARE_SUBDIR) not in out:
            out.append(Path(prefix) / SHARE_SUBDIR)
    return out


def default_root() -> Path:
    """The root used when neither ``root`` nor ``USEIT_ROOT`` is given.

    The source checkout the package lives in if it holds ``ontology/useit.ttl``, else the first
    installed data folder that does, else the checkout path (so that errors name it).
    """
    for candidate in [PACKAGE_ROOT, *_installed_roots()]:
        if (candidate / "ontology" / "useit.ttl").is_file():
            return candidate
    return PACKAGE_ROOT


@dataclass(frozen=True)
class Paths:
    """The data folders under one root."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "useit.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    def seed_files(self) -> list[Path]:
        """The seed Turtle files, sorted by name."""
        return sorted(self.seeds.glob("*.ttl"))


def get_paths(root: str | os.PathLike | None = None) -> Paths:
    """Resolve the project root.

    Parameters
    ----------
    root : path-like, optional
        Overrides ``USEIT_ROOT`` and the package location (see :func:`default_root`).

    Returns
    -------
    Paths
    """
    if root is None:
        root = os.environ.get("USEIT_ROOT") or default_root()
    return Paths(Path(root).resolve())
