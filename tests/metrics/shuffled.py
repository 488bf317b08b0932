"""Rebuild a graph under new names with its nodes and edges inserted in a shuffled order.

Relabelling with ``nx.relabel_nodes`` keeps the insertion order, so a measure that depends on the
order of ``G.nodes`` or ``G.edges`` (partition order, the igraph vertex ids, tie-breaking) would
pass a relabelling test by accident. This helper changes names *and* order (and, for undirected
graphs, which end of each edge comes first). A copy lives in ``tests/measures/measure_graphs.py``.
"""


def relabel_shuffled(G, mapping, rng):
    """A new graph of `G`'s class: node v becomes ``mapping[v]``; node, edge and end order shuffled.

    Parameters
    ----------
    G : networkx graph
    mapping : dict
        Old node -> new node (a bijection).
    rng : random.Random
        Source of the shuffles.
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
