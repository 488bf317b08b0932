"""useit-graph: community assets and brokering relationships as a knowledge graph.

The package is a pipeline of small stages over plain data (see ``docs/architecture.md``)::

    load      files -> rdflib Dataset + SourceIndex
    validate  Dataset + shapes -> list[Finding]
    project   Dataset -> networkx.MultiDiGraph
    metrics   graph -> dict / rows
    export    graph -> HTML, GEXF, GraphML, JSON-LD, CSV, Neo4j
"""

__version__ = "0.1.0"
