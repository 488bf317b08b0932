"""Where the project's data folders are.

This module alone locates ``ontology/``, ``seeds/`` and ``queries/``. The root is, in order: an
explicit ``root`` argument (the CLI's ``--root``), the ``USEIT_ROOT`` environment variable, then the
folder this package was installed from (a source checkout). Never the current directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


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
        Overrides ``USEIT_ROOT`` and the package location.

    Returns
    -------
    Paths
    """
    if root is None:
        root = os.environ.get("USEIT_ROOT") or PACKAGE_ROOT
    return Paths(Path(root).resolve())
