"""Shared test fixtures.

The Neo4j fixture starts the project's own Neo4j server (``scripts/neo4j-server``, assembled from
Maven Central jars) once per session, or uses the server named by ``NEO4J_URI`` / ``NEO4J_USER`` /
``NEO4J_PASSWORD``. If the server cannot be fetched or started the dependent tests FAIL with the
reason; they are never skipped silently (in CI or anywhere else).
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["nx"] = nx


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def paths():
    from useit_graph.paths import get_paths

    return get_paths(ROOT)


@pytest.fixture(scope="session")
def ontology(paths):
    import rdflib

    return rdflib.Graph().parse(paths.ontology)


@pytest.fixture(scope="session")
def shapes(paths):
    from useit_graph.validate import load_shapes

    return load_shapes(paths.shapes)


@pytest.fixture(scope="session")
def seed_dataset(paths):
    """(Dataset, SourceIndex) of ontology + seeds."""
    from useit_graph.load import load_project

    return load_project(paths)


@pytest.fixture(scope="session")
def seed_graph(seed_dataset):
    """The projected MultiDiGraph of the seed data (do not mutate: copy first)."""
    from useit_graph.project import project_graph

    return project_graph(seed_dataset[0])


@pytest.fixture(scope="session")
def neo4j_server():
    """A running Neo4j: the user's (NEO4J_URI set) or one started by scripts/neo4j-server."""
    if os.environ.get("NEO4J_URI"):
        from types import SimpleNamespace

        yield SimpleNamespace(uri=os.environ["NEO4J_URI"], user=os.environ.get("NEO4J_USER", "neo4j"),
                              password=os.environ.get("NEO4J_PASSWORD", ""), external=True,
                              gds_available=os.environ.get("NEO4J_GDS", "") == "1")
        return
    from useit_graph.store import neo4j_server as server

    try:
        info = server.start()
    except Exception as exc:  # any failure to start must fail the tests loudly
        pytest.fail(f"Neo4j could not be started for the Neo4j tests: {exc}\n"
                    "Fix: run `scripts/neo4j-server fetch` (needs Maven Central) or set NEO4J_URI, "
                    "NEO4J_USER and NEO4J_PASSWORD to a server of your own.", pytrace=False)
    try:
        yield info
    finally:
        server.stop(info)
