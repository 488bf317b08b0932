"""Synthetic city generator: determinism, calibration, structure, formats, SHACL conformance."""

from __future__ import annotations

import logging
from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef

from useit_graph.paths import get_paths
from useit_graph.synth import ROLES, csv_paths, generate, load_calibration, write_synth

UIT = Namespace("https://w3id.org/useit-graph/ns#")


@pytest.mark.parametrize("fmt", ["ttl", "nt", "csv"])
def test_same_seed_same_bytes(tmp_path, fmt):
    a = write_synth(tmp_path / f"a.{fmt}", 60, 300, seed=7)
    b = write_synth(tmp_path / f"b.{fmt}", 60, 300, seed=7)
    c = write_synth(tmp_path / f"c.{fmt}", 60, 300, seed=8)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]


def test_roles_match_the_ontology():
    onto = Graph().parse(get_paths().ontology)
    for cls, (src, tgt) in ROLES.items():
        c = UIT[cls]
        if src is None:
            assert set(onto.objects(c, UIT.edgeAmong)) == {UIT[tgt]}
        else:
            assert set(onto.objects(c, UIT.edgeSource)) == {UIT[src]}
            assert set(onto.objects(c, UIT.edgeTarget)) == {UIT[tgt]}


def test_proportions_follow_the_calibration():
    cal = load_calibration()
    recs = list(generate(4000, 20000, seed=3))
    orgs = Counter(r.type for r in recs if r.kind == "org")
    rels = Counter(r.type for r in recs if r.kind == "rel")
    for cls, share in cal["classes"].items():
        assert orgs[cls] / 4000 == pytest.approx(share, abs=0.02), cls
    for typ, share in cal["relationships"].items():
        assert rels[typ] / 20000 == pytest.approx(share, abs=0.015), typ
    mech = Counter(r.fields["mechanism"] for r in recs if r.type == "Brokerage")
    total = sum(mech.values())
    for m, share in cal["mechanisms"].items():
        assert mech[m] / total == pytest.approx(share, abs=0.05), m


def test_brokerage_hubs_and_dates():
    recs = list(generate(1000, 8000, seed=2))
    degree = Counter()
    for r in recs:
        if r.kind != "rel":
            continue
        parties = [p for _, ps in r.fields["roles"] for p in ps]
        assert len(set(parties)) == len(parties) >= 2
        if r.type == "Brokerage":
            (broker_role, brokers), (party_role, partied) = r.fields["roles"]
            assert broker_role == "broker" and len(brokers) == 1 and len(partied) >= 2
            assert r.fields["mechanism"]
        if "end" in r.fields:
            assert r.fields["start"] <= r.fields["end"]
        degree.update(parties)
    years = Counter(r.fields["start"][:4] for r in recs if r.kind == "rel")
    assert len(years) >= 15  # spread over years
    degrees = sorted(degree.values())
    mean = sum(degrees) / len(degrees)
    assert degrees[-1] > 10 * mean  # hubs: a heavy tail
    assert degrees[len(degrees) // 2] < mean  # most actors are small


def test_everything_is_marked_synthetic(tmp_path):
    (path,) = write_synth(tmp_path / "s.ttl", 20, 40, seed=1)
    text = path.read_text()
    assert text.startswith("# SYNTHETIC")
    assert "https://w3id.org/useit-graph/id/synth/" in text
    g = Graph().parse(path)
    quotes = list(g.objects(None, UIT.quote))
    assert quotes and all(str(q).startswith("SYNTHETIC") for q in quotes)


def test_turtle_and_ntriples_are_the_same_graph(tmp_path):
    (ttl,) = write_synth(tmp_path / "s.ttl", 80, 400, seed=4)
    (nt,) = write_synth(tmp_path / "s.nt", 80, 400, seed=4)
    a = {str(q.triple) for q in ox.parse(path=str(ttl))}
    b = {str(q.triple) for q in ox.parse(path=str(nt))}
    assert a == b
    assert len(Graph().parse(ttl)) == len(Graph().parse(nt)) == len(a)  # rdflib agrees


def test_csv_imports(tmp_path):
    from useit_graph.importer import import_tables

    ent, rel = write_synth(tmp_path / "city.csv", 40, 120, seed=5)
    assert (ent, rel) == csv_paths(tmp_path / "city.csv")
    g = import_tables(ent, rel, ontology=Graph().parse(get_paths().ontology))
    rels = {s for s, o in g.subject_objects(URIRef(str(Graph().namespace_manager.expand_curie("rdf:type"))))
            if str(o) in {str(UIT[t]) for t in ROLES}}
    assert len(rels) == 120


def test_small_synth_conforms_to_the_shapes(tmp_path):
    """pySHACL, the reference validator, finds no violation in a small synthetic city."""
    from useit_graph.load import load_files
    from useit_graph.validate import errors_only, load_shapes, validate_dataset

    logging.disable(logging.WARNING)
    (path,) = write_synth(tmp_path / "s.ttl", 60, 200, seed=1)
    p = get_paths()
    ds, index = load_files([p.ontology, path])
    findings = validate_dataset(ds, load_shapes(p.shapes), index=index)
    assert errors_only(findings) == [], [str(f) for f in findings[:5]]
