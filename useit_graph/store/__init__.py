"""Stores: the embedded Oxigraph store and the Neo4j server and loader."""
