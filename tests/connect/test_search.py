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


def test_resolution_shortcut_gives_the_full_rankings_top():
    # resolve_record skips the fuzzy pass when an exact, whole-word or initials match scores above
    # FUZZY_MAX (WRatio 100 x 0.89): the top of the ranking must be the same as with every fuzzy
    # match included. Checked on every seed name, acronym and a few typos.
    from useit_graph.project import project_graph
    from useit_graph.load import load_project
    from useit_graph.paths import get_paths
    from useit_graph.search import FUZZY_MAX, name_index, normalise

    ds, _ = load_project(get_paths())
    G = project_graph(ds)
    index = name_index(G)
    assert name_index(G) is index  # built once per graph
    texts = sorted({n for _, n, _f in index.owners} | {"SWBH", "iSE", "Brushstroke", "Warm Eart", "councl"})
    for text in texts:
        full = index.rank(text, None)
        quick = index.rank(text, None, fuzzy=None)
        top = lambda rows: {r["iri"] for r in rows if rows and r["score"] == rows[0]["score"]}  # noqa: E731
        assert top(quick) == top(full), text
        if full and full[0]["score"] > FUZZY_MAX:
            assert quick[0]["score"] == full[0]["score"], text
        assert normalise(text) or not full
