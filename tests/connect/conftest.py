"""Fixtures of the connector tests: the mini fixture as dataset and graph."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINI = "https://example.org/mini/"
BHAM = "https://w3id.org/useit-graph/id/birmingham/"


@pytest.fixture(scope="session")
def mini_dataset(paths):
    from useit_graph.load import load_files

    return load_files([paths.ontology, FIXTURES / "mini.ttl"], root=paths.root)[0]


@pytest.fixture(scope="session")
def mini_graph(mini_dataset):
    from useit_graph.project import project_graph

    return project_graph(mini_dataset)
