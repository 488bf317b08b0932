"""Array helpers shared by the vectorised measures: edge keys, CSR adjacency, triangles, BFS.

Graphs here are plain numpy arrays: ``n`` vertices ``0 .. n-1`` and an undirected *simple* edge
list ``(ea, eb)`` with ``ea < eb``, sorted by the key ``ea * n + eb`` and without duplicates
(:func:`simple_pairs` builds one from any list of ends). Nothing here knows about networkx.
"""

from __future__ import annotations

import igraph as ig
import numpy as np

__all__ = ["simple_pairs", "lookup", "pair_ids", "half_edges", "triangles", "bfs_distances", "igraph_graph",
           "unique_sorted"]


def unique_sorted(x):
    """The distinct values of an integer array, sorted (a sort, not numpy 2's slower hash path).

    Examples
    --------
    >>> unique_sorted(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    x = np.sort(np.asarray(x))
    if len(x) < 2:
        return x
    keep = np.empty(len(x), dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def simple_pairs(n, src, dst, weights=None):
    """Distinct undirected pairs of a list of ends, loops dropped.

    Parameters
    ----------
    n : int
    src, dst : array of int
        Edge ends (any order, duplicates and loops allowed).
    weights : array of float, optional
        Summed per pair, in input order (``numpy.bincount``), so the sums equal a sequential
        Python sum over the edges in the same order.

    Returns
    -------
    ea, eb : int64 arrays
        Pair ends, ``ea < eb``, sorted by ``ea * n + eb``.
    summed : float array or None
        Per-pair sums of `weights`.
    inverse : int64 array
        For each non-loop input edge (in input order), the index of its pair; ``-1`` for loops.

    Examples
    --------
    >>> ea, eb, w, inv = simple_pairs(3, np.array([0, 1, 2, 2]), np.array([1, 0, 2, 1]), np.ones(4))
    >>> ea.tolist(), eb.tolist(), w.tolist(), inv.tolist()
    ([0, 1], [1, 2], [2.0, 1.0], [0, 0, -1, 1])
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    keep = src != dst
    lo = np.minimum(src[keep], dst[keep])
    hi = np.maximum(src[keep], dst[keep])
    keys, inv = np.unique(lo * n + hi, return_inverse=True)
    inverse = np.full(len(src), -1, dtype=np.int64)
    inverse[keep] = inv
    summed = None
    if weights is not None:
        summed = np.bincount(inv, weights=np.asarray(weights, dtype=float)[keep], minlength=len(keys))
    return keys // n if n else keys, keys % n if n else keys, summed, inverse


def lookup(keys, q):
    """Position of each ``q[i]`` in the sorted array `keys`, or -1 where it is absent.

    The queries are sorted first when there are many: a binary search per query in random order
    misses the cache at every step (measured: 3.1 s for 3.6M queries into 1.4M keys), in sorted
    order it does not (0.25 s, 0.8 s with the sort and the scatter back).
    """
    q = np.asarray(q)
    if len(keys) == 0:
        return np.full(len(q), -1, dtype=np.int64)
    if len(q) > 10_000:
        order = np.argsort(q, kind="stable")
        pos = np.empty(len(q), dtype=np.int64)
        pos[order] = np.searchsorted(keys, q[order])
    else:
        pos = np.searchsorted(keys, q)
    pos = np.minimum(pos, len(keys) - 1)
    return np.where(keys[pos] == q, pos, -1)


def pair_ids(n, ea, eb, a, b):
    """Index into the sorted pair list ``(ea, eb)`` of each pair ``{a[i], b[i]}``; -1 if absent."""
    return lookup(ea * n + eb, np.minimum(a, b) * n + np.maximum(a, b))


def half_edges(n, ea, eb):
    """CSR adjacency of the undirected pairs: ``indptr``, ``indices`` and the pair id of each entry.

    Rows are sorted by neighbour id. Every pair appears twice (once per end).
    """
    # (eb, ea) first: a stable sort by row then leaves each row's columns ascending, because the
    # pairs are sorted by (ea, eb): the entries with row = eb have cols ea < eb in order, and
    # those with row = ea follow with cols eb > ea in order.
    rows = np.concatenate([eb, ea])
    cols = np.concatenate([ea, eb])
    pid = np.concatenate([np.arange(len(ea)), np.arange(len(ea))])
    order = np.argsort(rows, kind="stable")
    counts = np.bincount(rows, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr, cols[order], pid[order]


def igraph_graph(n, ea, eb, directed=False):
    """A python-igraph graph with vertices ``0 .. n-1`` and the given edges (fast list build)."""
    return ig.Graph(n=int(n), edges=list(zip(np.asarray(ea).tolist(), np.asarray(eb).tolist())),
                    directed=directed)


def triangles(n, ea, eb, graph=None):
    """Every triangle of the simple undirected graph ``(ea, eb)``, with the ids of its three pairs.

    Parameters
    ----------
    n : int
    ea, eb : int64 arrays
        Sorted simple pairs (:func:`simple_pairs`).
    graph : igraph.Graph, optional
        The same graph already built (vertex i = i, these edges); saves a conversion.

    Returns
    -------
    tri : int64 array, shape (T, 3)
        Vertices ``(a, b, c)`` of each triangle, each triangle once.
    ids : int64 array, shape (T, 3)
        Pair ids of the sides ``a-b``, ``b-c`` and ``a-c``.

    Notes
    -----
    Listed by python-igraph's ``Graph.list_triangles`` (C); O(m sqrt(m)) worst case, and the
    cost does not grow with the square of hub degrees as a two-path product does.

    Examples
    --------
    >>> tri, ids = triangles(4, np.array([0, 0, 1, 1, 2]), np.array([1, 2, 2, 3, 3]))
    >>> sorted(map(sorted, tri.tolist()))
    [[0, 1, 2], [1, 2, 3]]
    """
    if len(ea) == 0:
        empty = np.zeros((0, 3), dtype=np.int64)
        return empty, empty.copy()
    g = graph if graph is not None else igraph_graph(n, ea, eb)
    listed = g.list_triangles()
    tri = np.array(listed, dtype=np.int64).reshape(-1, 3)
    if not len(tri):
        return tri, tri.copy()
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    ids = np.column_stack([pair_ids(n, ea, eb, a, b), pair_ids(n, ea, eb, b, c), pair_ids(n, ea, eb, a, c)])
    if (ids < 0).any():  # pragma: no cover - guarded invariant
        raise RuntimeError("internal error: a triangle side is not an edge")
    return tri, ids


def bfs_distances(indptr, indices, sources, blocked=None):
    """Hop distance from every vertex to the nearest source (multi-source BFS); -1 if unreachable.

    Parameters
    ----------
    indptr, indices : arrays
        CSR adjacency (:func:`half_edges`).
    sources : array of int or bool mask
        Start vertices (distance 0).
    blocked : bool array, optional
        Vertices that are neither sources nor stepped through (removed nodes).

    Returns
    -------
    int64 array
        Distances; ``-1`` where no path exists.

    Notes
    -----
    Level-synchronous: each level gathers the neighbours of the frontier with numpy, O(n + m) in
    all plus O(n) per level (the diameter is small in these graphs). Distances are unique, so they
    equal any breadth-first search's.

    Examples
    --------
    >>> ip, ix, _ = half_edges(5, np.array([0, 1, 2, 3]), np.array([1, 2, 3, 4]))
    >>> bfs_distances(ip, ix, np.array([0, 4])).tolist()
    [0, 1, 2, 1, 0]
    """
    n = len(indptr) - 1
    dist = np.full(n, -1, dtype=np.int64)
    src = np.asarray(sources)
    if src.dtype == bool:
        src = np.flatnonzero(src)
    if blocked is not None:
        dist[blocked] = -2
        src = src[dist[src] == -1]
    dist[src] = 0
    frontier = np.unique(src)
    level = 0
    while len(frontier):
        starts = indptr[frontier]
        lens = indptr[frontier + 1] - starts
        total = int(lens.sum())
        if total == 0:
            break
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
        nb = indices[offsets + np.arange(total)]
        nb = nb[dist[nb] == -1]
        if not len(nb):
            break
        level += 1
        dist[nb] = level
        frontier = np.flatnonzero(dist == level)  # O(n) per level, no sort
    if blocked is not None:
        dist[dist == -2] = -1
    return dist
