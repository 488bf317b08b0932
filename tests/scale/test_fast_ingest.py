"""fast_ingest gives the same graph as project_graph (the reference), attribute for attribute."""

from __future__ import annotations

import pytest
from rdflib import Graph

from useit_graph.fast_ingest import ingest_files, iter_index, project_index, project_store
from useit_graph.load import load_project
from useit_graph.paths import get_paths
from useit_graph.project import project_graph
from useit_graph.synth import write_synth

MINI = get_paths().root / "tests" / "fixtures" / "mini.ttl"


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    (path,) = write_synth(tmp_path_factory.mktemp("c") / "city.nt", 120, 900, seed=9)
    return path


@pytest.mark.parametrize("which", ["mini", "synth"])
def test_equal_to_reference(which, city, snapshot):
    path = MINI if which == "mini" else city
    ref = project_graph(Graph().parse(get_paths().ontology).parse(path))
    fast = ingest_files([path])
    assert snapshot(fast) == snapshot(ref)
    assert list(fast.nodes) == list(ref.nodes)


def test_equal_on_the_seeds(snapshot):
    paths = get_paths()
    if not paths.seed_files():
        pytest.skip("no seeds yet")
    ds, _ = load_project(paths)
    ref = project_graph(ds)
    fast = ingest_files(paths.seed_files(), paths=paths)
    assert snapshot(fast) == snapshot(ref)


@pytest.mark.parametrize("filters", [{"as_of": "2015-06-30"}, {"rel_types": ["Funding", "Brokerage"]}])
def test_filters_hand_over_to_project_graph(filters, city, snapshot):
    ref = project_graph(Graph().parse(get_paths().ontology).parse(city), **filters)
    fast = project_index(iter_index([get_paths().ontology, city]), **filters)
    assert snapshot(fast) == snapshot(ref)


def test_from_store(city, tmp_path, snapshot):
    from useit_graph.store.oxigraph import build_store, open_store

    build_store([city], tmp_path / "s")
    st = open_store(tmp_path / "s")
    assert snapshot(project_store(st)) == snapshot(project_graph(st))
