"""Persistent Oxigraph store: build/open round trip and clear errors."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from useit_graph.errors import StoreUnavailable
from useit_graph.paths import Paths, get_paths
from useit_graph.project import project_graph
from useit_graph.store.oxigraph import MANIFEST, build_store, open_store, store_info
from useit_graph.synth import write_synth


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    d = tmp_path_factory.mktemp("city")
    (path,) = write_synth(d / "city.ttl", 80, 500, seed=3)
    store = d / "store"
    build_store([path], store)
    return path, store


def test_round_trip_equals_rdflib_projection(city, snapshot):
    path, store = city
    p = get_paths()
    g = Graph().parse(p.ontology).parse(path)
    ref = project_graph(g)
    st = open_store(store, paths=p)
    assert snapshot(project_graph(st)) == snapshot(ref)
    assert ref.number_of_edges() > 500


def test_info(city):
    path, store = city
    info = store_info(store)
    assert [e["file"].rsplit("/", 1)[-1] for e in info["files"]] == ["useit.ttl", "city.ttl"]
    assert info["quads_now"] == info["triples"] == sum(e["triples"] for e in info["files"])


def test_missing_and_not_a_store(tmp_path):
    with pytest.raises(StoreUnavailable, match="no such store directory"):
        open_store(tmp_path / "nope")
    (tmp_path / "x").mkdir()
    with pytest.raises(StoreUnavailable, match="not a useit store"):
        open_store(tmp_path / "x")


def test_corrupt_manifest_and_missing_database(city, tmp_path):
    _, store = city
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / MANIFEST).write_text("{not json")
    with pytest.raises(StoreUnavailable, match="unreadable"):
        open_store(bad)
    (bad / MANIFEST).write_text(json.dumps({"files": []}))
    with pytest.raises(StoreUnavailable, match="database folder"):
        open_store(bad)


def test_refuses_to_overwrite_and_stale_ontology(city, tmp_path):
    path, store = city
    with pytest.raises(StoreUnavailable, match="not empty"):
        build_store([path], store)
    other = tmp_path / "root"
    (other / "ontology").mkdir(parents=True)
    (other / "ontology" / "useit.ttl").write_text(get_paths().ontology.read_text() + "\n# changed\n")
    with pytest.raises(StoreUnavailable, match="different ontology"):
        open_store(store, paths=Paths(other))


def test_bad_file_leaves_nothing(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle .")
    with pytest.raises(StoreUnavailable, match="not valid RDF"):
        build_store([bad], tmp_path / "store")
    assert not (tmp_path / "store").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.ttl"]
