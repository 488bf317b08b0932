"""Fixtures for the measure tests: the hand-built graph builder and the Turtle fixtures."""

import pytest

from measure_graphs import FIXTURES, make_graph


@pytest.fixture
def build():
    return make_graph


def load_fixture(*names, seeds=False):
    from useit_graph.load import load_project
    from useit_graph.paths import get_paths

    ds, _index = load_project(get_paths(), extra=[FIXTURES / n for n in names], seeds=seeds)
    return ds


@pytest.fixture(scope="session")
def two_snapshots():
    """The rdflib Dataset of ontology + fixtures/two-snapshots.ttl."""
    return load_fixture("two-snapshots.ttl")
