"""The import files of ``useit neo4j import`` (no server: ``tests/neo4j/test_bulk_import.py`` runs them).

The CSV is read back with Python's :mod:`csv` module, an independent RFC 4180 reader, and the
typed header is checked against the types Neo4j's import tool documents (``string``, ``long``,
``double``, ``boolean``, ``date``, ``string[]``; Operations Manual 5, "CSV header format").
"""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from useit_graph.store import neo4j as store
from useit_graph.store import neo4j_import as ni


def _rows(props_list, labels=("Charity", "Resource"), dataset="d"):
    nodes = [{"uri": p["uri"], "props": p} for p in props_list]
    return store.Rows(nodes={labels: nodes}, dataset=dataset)


def _read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_fields_read_back_with_an_rfc4180_reader(tmp_path):
    props = {"uri": "urn:a", "label": 'a "quoted", comma\nand break', "size": 12, "projected": True,
             "start": dt.date(2017, 4, 1), "value_gbp": 3500000.0, "alt_labels": ["x,y", 'q"']}
    files = ni.write_import_files(_rows([props, {"uri": "urn:b"}]), tmp_path)
    (labels, path, count), marker = files.nodes
    assert labels == ("Charity", "Resource") and count == 2 and marker[0] == ("UseitLoad",)
    header, a, b = _read(path)
    assert header == [":ID", "uri:string", "label:string", "size:long", "projected:boolean", "start:date",
                      "value_gbp:double", "alt_labels:string[]", "datasets:string[]"]
    assert a == ["0", "urn:a", props["label"], "12", "true", "2017-04-01", "3500000.0",
                 "x,y" + ni.ARRAY_DELIMITER + 'q"', "d"]
    assert b == ["1", "urn:b", "", "", "", "", "", "", "d"]
    assert files.multiline and "--multiline-fields=true" in files.arguments()


def test_a_property_with_two_types_gets_one_file_per_type(tmp_path):
    files = ni.write_import_files(_rows([{"uri": "urn:a", "created": dt.date(2016, 1, 1)},
                                         {"uri": "urn:b", "created": "sometime in 2016"}]), tmp_path)
    headers = sorted(_read(p)[0][2] for _, p, _ in files.nodes[:-1])
    assert headers == ["created:date", "created:string"]
    assert files.n_nodes == 3  # two nodes and the marker


@pytest.mark.parametrize("props, where", [
    ({"uri": "urn:a", "alt_labels": ["bad\x1fvalue"]}, "node 'urn:a', property 'alt_labels'"),
    ({"uri": "urn:a", "value_gbp": float("inf")}, "node 'urn:a', property 'value_gbp'"),
    ({"uri": "urn:a", "size": 2 ** 70}, "node 'urn:a', property 'size'"),
])
def test_values_the_csv_cannot_carry_are_refused_by_name(tmp_path, props, where):
    with pytest.raises(ni.ImportDataError, match=where):
        ni.write_import_files(_rows([props]), tmp_path)
    assert not list(tmp_path.glob("*.part"))


def test_relationships_join_nodes_by_integer_id(tmp_path):
    rows = store.Rows(nodes={("Charity", "Resource"): [{"uri": u, "props": {"uri": u}} for u in ("urn:a", "urn:b")]},
                      links={"PART_OF": [{"src": "urn:b", "dst": "urn:a"}]}, dataset="d")
    files = ni.write_import_files(rows, tmp_path)
    ids = {row[1]: row[0] for row in _read(files.nodes[0][1])[1:]}
    assert _read(files.relationships[0][1]) == [[":START_ID", ":END_ID", "datasets:string[]"],
                                                [ids["urn:b"], ids["urn:a"], "d"]]
    assert "--id-type=integer" in files.arguments()


def test_a_relationship_to_a_node_not_written_is_refused(tmp_path):
    rows = store.Rows(nodes={("Charity", "Resource"): [{"uri": "urn:a", "props": {"uri": "urn:a"}}]},
                      links={"PART_OF": [{"src": "urn:a", "dst": "urn:missing"}]}, dataset="d")
    with pytest.raises(ni.ImportDataError, match="PART_OF: 'urn:missing' is not among the nodes"):
        ni.write_import_files(rows, tmp_path)


def test_a_folder_with_csv_files_is_refused(tmp_path):
    (tmp_path / "old.csv").write_text("x\n")
    with pytest.raises(FileExistsError, match="already holds CSV files"):
        ni.write_import_files(_rows([{"uri": "urn:a"}]), tmp_path)


def test_seed_files_cover_every_row(tmp_path, seed_dataset, seed_graph):
    rows = store.build_rows(seed_dataset[0], dataset_id="seeds", graph=seed_graph)
    files = ni.write_import_files(rows, tmp_path)
    assert files.n_nodes == rows.n_nodes + 1
    assert files.n_relationships == rows.n_relationships
    for _, path, count in files.nodes + files.relationships:
        assert len(_read(path)) == count + 1
    argfile = files.write_argfile("neo4j", overwrite=True)
    lines = argfile.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '"neo4j"' and lines[-1] == '"--overwrite-destination=true"'
