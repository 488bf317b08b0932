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


# --- the projection snapshot (store/oxigraph.py, "Projection snapshot") ---------------------------

def test_projection_snapshot_equals_rdflib_projection(city, snapshot):
    # reference: project_graph over rdflib's parse of the same files (not the code that wrote it)
    from useit_graph.store.oxigraph import load_projection, project_store_dir

    path, store = city
    p = get_paths()
    ref = project_graph(Graph().parse(p.ontology).parse(path))
    manifest = json.loads((store / MANIFEST).read_text())
    assert manifest["projection"]["edges"] == ref.number_of_edges()
    G = load_projection(store, p)
    assert G is not None and snapshot(G) == snapshot(ref)
    assert snapshot(project_store_dir(store, p)) == snapshot(ref)


def test_filtered_projection_reads_the_quads(city, snapshot):
    from useit_graph.store.oxigraph import project_store_dir

    path, store = city
    p = get_paths()
    ref = project_graph(Graph().parse(p.ontology).parse(path), as_of="2012-01-01")
    got = project_store_dir(store, p, as_of="2012-01-01")
    assert snapshot(got) == snapshot(ref)
    assert got.number_of_edges() < project_store_dir(store, p).number_of_edges()


def test_stale_snapshot_is_ignored_not_trusted(city, tmp_path, snapshot, monkeypatch):
    import useit_graph.store.oxigraph as ox_store

    path, store = city
    ref = snapshot(project_graph(open_store(store)))
    # other projection code wrote the snapshot: not loaded, and the store still projects
    monkeypatch.setattr(ox_store, "projection_key", lambda: "written-by-other-code")
    assert ox_store.load_projection(store) is None
    assert snapshot(ox_store.project_store_dir(store)) == ref


def test_edited_snapshot_is_refused(city, tmp_path):
    import shutil

    from useit_graph.store.oxigraph import PROJECTION, load_projection

    path, store = city
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    with open(copy / PROJECTION, "r+b") as f:
        f.seek(100)
        f.write(b"\x00\x00\x00\x00")
    with pytest.raises(StoreUnavailable, match="SHA-256"):
        load_projection(copy)


def test_no_projection(tmp_path, city):
    from useit_graph.store.oxigraph import PROJECTION, load_projection

    path, _ = city
    store = tmp_path / "bare"
    manifest = build_store([path], store, projection=False)
    assert manifest["projection"] is None and not (store / PROJECTION).exists()
    assert load_projection(store) is None
