"""Synthetic loader rows for the Neo4j tests and the bench (``useit_graph.synth`` -> build_rows)."""

from __future__ import annotations


def synth_triples(n_rels: int, orgs: int | None = None, seed: int = 1) -> list:
    """Ontology + a synthetic city of `n_rels` relationships, as normalised triples."""
    import pyoxigraph as ox

    from useit_graph.paths import get_paths
    from useit_graph.project import _normalise_ox
    from useit_graph.synth import generate, iter_ntriples

    orgs = orgs or max(10, n_rels // 5)
    out = []
    with open(get_paths().ontology, "rb") as f:
        for t in ox.parse(f, format=ox.RdfFormat.TURTLE):
            out.append((_normalise_ox(t.subject), t.predicate.value, _normalise_ox(t.object)))
    text = "".join(iter_ntriples(generate(orgs, n_rels, seed)))
    for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES):
        out.append((_normalise_ox(t.subject), t.predicate.value, _normalise_ox(t.object)))
    return out


def synth_rows(n_rels: int, dataset_id: str, seed: int = 1):
    from useit_graph.store.neo4j import build_rows

    return build_rows(synth_triples(n_rels, seed=seed), dataset_id=dataset_id)
