"""Shared test fixtures.

The Neo4j fixture starts the project's own Neo4j server (``scripts/neo4j-server``, assembled from
Maven Central jars) once per session, or uses the server named by ``NEO4J_URI`` / ``NEO4J_USER`` /
``NEO4J_PASSWORD``. If the server cannot be fetched or started the dependent tests FAIL with the
reason; they are never skipped silently (in CI or anywhere else).

Skips: a ``neo4j``-marked test may skip only on a user's own server (``NEO4J_URI`` set) outside CI,
e.g. when that server has no Graph Data Science. In CI (``CI`` set to anything but ``0``/``false``)
or on the project's own server, :func:`pytest_runtest_makereport` turns any skip of a ``neo4j``
test into a failure, so the session fails instead of passing without Neo4j.
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


def in_ci() -> bool:
    """True when the ``CI`` environment variable is set (GitHub Actions, GitLab and others set ``true``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def neo4j_skips_allowed() -> bool:
    """A ``neo4j`` test may skip only on the user's own server (``NEO4J_URI`` set), outside CI."""
    return bool(os.environ.get("NEO4J_URI")) and not in_ci()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Fail, rather than skip, a ``neo4j`` test in CI or on the project's own server."""
    outcome = yield
    report = outcome.get_result()
    if (report.skipped and not hasattr(report, "wasxfail") and item.get_closest_marker("neo4j")
            and not neo4j_skips_allowed()):
        lr = report.longrepr
        reason = lr[2] if isinstance(lr, tuple) and len(lr) == 3 else str(lr)
        reason = reason.removeprefix("Skipped: ")
        where = "in CI" if in_ci() else "on the project's own Neo4j server"
        report.outcome = "failed"
        report.longrepr = (f"a neo4j test may not skip {where}, and this one did: {reason}\n"
                           "Fix: make the server provide what the test needs (scripts/neo4j-server "
                           "fetch --refresh for the plugins), or fix the test.")


def _gds_answers(uri: str, user: str, password: str) -> bool:
    """Whether ``gds.version()`` runs on the server (GDS installed and allowed)."""
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as drv:
        try:
            drv.execute_query("RETURN gds.version() AS v",
                              database_=os.environ.get("NEO4J_DATABASE") or "neo4j")
        except neo4j.exceptions.ClientError:  # Neo.ClientError.Statement.SyntaxError: unknown function
            return False
    return True


@pytest.fixture(scope="session")
def neo4j_server():
    """A running Neo4j: the user's (NEO4J_URI set) or one started by scripts/neo4j-server."""
    if os.environ.get("NEO4J_URI"):
        from types import SimpleNamespace

        uri, user = os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j")
        password = os.environ.get("NEO4J_PASSWORD", "")
        try:
            gds = _gds_answers(uri, user, password)
        except Exception as exc:  # a server named by NEO4J_URI that does not answer fails the tests
            pytest.fail(f"the Neo4j server at NEO4J_URI={uri} does not answer: {exc}\n"
                        "Fix: start it, fix NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD, or unset NEO4J_URI "
                        "to use the project's own server.", pytrace=False)
        yield SimpleNamespace(uri=uri, user=user, password=password, external=True, gds_available=gds)
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


@pytest.fixture(scope="session")
def neo4j_skip(neo4j_server):
    """``neo4j_skip(reason)``: skip on the user's own server outside CI, else fail with the reason."""
    def skip(reason: str):
        if neo4j_skips_allowed():
            pytest.skip(reason)
        pytest.fail(reason + " (a neo4j test may not skip in CI or on the project's own server)",
                    pytrace=False)
    return skip
