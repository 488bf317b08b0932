"""Hand-built graphs shaped like ``project_graph``'s output, for the measure tests."""

from pathlib import Path

import networkx as nx

from useit_graph.project import classify_tie

FIXTURES = Path(__file__).parent / "fixtures"

# type -> (types chain as the projection writes it, kind, default tier)
TYPES = {
    "University": (["University", "AnchorInstitution", "MacroAsset", "Organisation", "Agent"], "organisation", "macro"),
    "NHSTrust": (["NHSTrust", "AnchorInstitution", "MacroAsset", "Organisation", "Agent"], "organisation", "macro"),
    "LocalAuthority": (["LocalAuthority", "AnchorInstitution", "MacroAsset", "Organisation", "Agent"],
                       "organisation", "macro"),
    "Developer": (["Developer", "MacroAsset", "Organisation", "Agent"], "organisation", "macro"),
    "Funder": (["Funder", "MacroAsset", "Organisation", "Agent"], "organisation", "macro"),
    "SupportOrganisation": (["SupportOrganisation", "Intermediary", "Organisation", "Agent"], "organisation",
                            "intermediary"),
    "ProgrammeTeam": (["ProgrammeTeam", "Intermediary", "Organisation", "Agent"], "organisation", "intermediary"),
    "WorkPackage": (["WorkPackage"], "programme", "intermediary"),
    "CommunityGroup": (["CommunityGroup", "MicroAsset", "Organisation", "Agent"], "organisation", "micro"),
    "SocialEnterprise": (["SocialEnterprise", "MicroAsset", "Organisation", "Agent"], "organisation", "micro"),
    "CommunityAnchorOrganisation": (["CommunityAnchorOrganisation", "MicroAsset", "Organisation", "Agent"],
                                    "organisation", "micro"),
    "ParticipantCohort": (["ParticipantCohort", "Cohort", "Agent"], "cohort", "micro"),
    "Person": (["Person", "Agent"], "person", "micro"),
    "Building": (["Building", "PhysicalAsset"], "physical_asset", "micro"),
}


def make_graph(nodes, edges, as_of=None):
    """A MultiDiGraph shaped like ``project_graph``'s output.

    nodes: {name: (type, group)} or {name: (type, group, extra attrs dict)}.
    edges: (u, v, rel_type) or (u, v, rel_type, extra attrs dict); ``directed`` defaults to True.
    The tie of each edge comes from ``classify_tie``, as in the projection.
    """
    G = nx.MultiDiGraph(as_of=as_of)
    for name, spec in nodes.items():
        typ, group = spec[0], spec[1]
        extra = dict(spec[2]) if len(spec) > 2 else {}
        types, kind, tier = TYPES[typ]
        attrs = {"label": name, "type": typ, "types": list(types), "kind": kind, "tier": tier, "group": group,
                 "created": None, "created_during": None, "personal_data": False, "evidence": [],
                 "work_packages": []}
        attrs.update(extra)
        G.add_node(name, **attrs)
    for i, e in enumerate(edges):
        u, v, rel_type = e[:3]
        extra = dict(e[3]) if len(e) > 3 else {}
        du, dv = G.nodes[u], G.nodes[v]
        tie, why = classify_tie(du["tier"], du["group"], dv["tier"], dv["group"])
        attrs = {"rel": f"r{i}", "rel_type": rel_type, "directed": True, "broker": None, "start": None,
                 "end": None, "value_gbp": None, "work_packages": [], "evidence": [], "weight": 1.0,
                 "tie": tie, "tie_reason": why}
        attrs.update(extra)
        G.add_edge(u, v, key=attrs["rel"], **attrs)
    return G


def relabel_shuffled(G, mapping, rng):
    """A new graph of `G`'s class: node v becomes ``mapping[v]``; node, edge and end order shuffled.

    ``nx.relabel_nodes`` keeps insertion order, so an order-dependent measure would pass a
    relabelling test by accident; this changes names and order (and, for undirected graphs,
    which end of each edge comes first). Same as ``tests/metrics/shuffled.py``.
    """
    H = G.__class__()
    H.graph.update(G.graph)
    nodes = list(G.nodes(data=True))
    rng.shuffle(nodes)
    for v, d in nodes:
        H.add_node(mapping[v], **d)
    edges = list(G.edges(keys=True, data=True)) if G.is_multigraph() else list(G.edges(data=True))
    rng.shuffle(edges)
    for e in edges:
        u, v = e[0], e[1]
        if not G.is_directed() and rng.random() < 0.5:
            u, v = v, u
        if G.is_multigraph():
            H.add_edge(mapping[u], mapping[v], key=e[2], **e[3])
        else:
            H.add_edge(mapping[u], mapping[v], **e[2])
    return H
