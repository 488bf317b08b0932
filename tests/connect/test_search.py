"""Entity search and resolution.

Expected values: the names and acronyms come from the seeds (seeds/actors.ttl: ``bham:swbh-nhs-trust``
has the altLabel "SWBH", ``bham:ise`` is labelled "iSE"), which take them from the CLES impact report;
"Café Crème" is the hand-made mini fixture (tests/fixtures/mini.ttl).
"""

import networkx as nx
import pytest

from useit_graph.errors import AmbiguousEntity, UnknownEntity
from useit_graph.search import find_entities, normalise, resolve_entity

from .conftest import BHAM, MINI


def test_accents_and_case_are_ignored(mini_graph):
    rows = find_entities(mini_graph, "cafe creme")
    assert rows[0]["iri"] == MINI + "cafe"
    assert rows[0]["score"] == 100.0 and rows[0]["why"] == "exact label"
    assert resolve_entity(mini_graph, "CAFÉ crème") == MINI + "cafe"


def test_alt_label_and_curie_and_iri(mini_graph):
    assert resolve_entity(mini_graph, "gg") == MINI + "garden"
    assert resolve_entity(mini_graph, "<" + MINI + "hub>") == MINI + "hub"
    assert resolve_entity(mini_graph, MINI + "hub") == MINI + "hub"


@pytest.mark.parametrize("text, expected", [
    ("SWBH", "swbh-nhs-trust"), ("iSE", "ise"), ("ise", "ise"), ("ISE", "ise"),
    ("Brushstrokes", "brushstrokes"), ("brushstrokes", "brushstrokes"),
    ("bham:warm-earth", "warm-earth"), ("Learning Works", "learning-works"),
])
def test_seed_names_resolve(seed_graph, text, expected):
    assert find_entities(seed_graph, text)[0]["iri"] == BHAM + expected
    assert resolve_entity(seed_graph, text) == BHAM + expected


def test_exact_beats_fuzzy_and_ranking_is_explained(seed_graph):
    rows = find_entities(seed_graph, "ise", limit=5)
    assert rows[0]["score"] > rows[1]["score"]
    assert all(r["why"] for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_unknown_entity_offers_did_you_mean(seed_graph):
    with pytest.raises(UnknownEntity) as e:
        resolve_entity(seed_graph, "Brushstroke Community Projekt Xyz")
    assert "did you mean" in str(e.value)
    with pytest.raises(UnknownEntity) as e:
        resolve_entity(seed_graph, "bham:brushstroke")
    assert "bham:brushstrokes" in e.value.candidates


def test_ambiguous_entity():
    G = nx.MultiDiGraph()
    G.add_node("urn:x:1", label="Hub North", alt_labels=["HUB"])
    G.add_node("urn:x:2", label="Hub South", alt_labels=["HUB"])
    with pytest.raises(AmbiguousEntity) as e:
        resolve_entity(G, "hub")
    assert set(e.value.candidates) == {"urn:x:1", "urn:x:2"}


def test_normalise():
    assert normalise("  Sandwell & West-Birmingham ") == "sandwell west birmingham"
