"""Frozen copies of the metric implementations before the city-scale rewrite (issue 7).

Each module here is the file of the same name in ``useit_graph/metrics/`` as it was at commit
``80b1454`` (before the rewrite), with only its imports pointed at this package where it used a
module that has changed since. The tests compare the rewritten, vectorised code against these on
small graphs: the old code was itself checked against published values, R ``sna``, python-igraph
and networkx (see the docstrings of ``tests/metrics/test_*.py``), so equality here carries those
checks over to the new code. Nothing in the package is imported by ``useit_graph``.
"""
