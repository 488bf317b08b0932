"""Static pictures of the map for reports: PNG and SVG via matplotlib.

Same encodings as the HTML map (``html.TIER_COLOURS``, ``html.TIE_COLOURS``, the kinds' shapes as
matplotlib markers, dashed brokerage, arrows on directed ties, thick black borders on the focus
entity and the path), the same seeded layout, a legend that explains each of them, the same
whole-network metrics in a focus view, and the same privacy default. Each node group and arrow has
an SVG ``id`` (``useit-nodes-<kind>``, ``useit-arrow-N``), so tests and scripts can count them.
SVG output is byte-for-byte stable: ``svg.hashsalt`` is fixed and the ``Date`` metadata is
left out; PNG has no ``Software``/date text chunks.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..atomic import atomic_path
from ..errors import UsageError

__all__ = ["write_image", "KIND_MARKERS"]

#: matplotlib marker for each node kind (the HTML map's vis shapes, as close as matplotlib has).
KIND_MARKERS = {
    "organisation": "o",
    "cohort": "^",
    "person": "D",
    "physical_asset": "s",
    "programme": "*",
    "place": "h",
    "outcome": "v",
    "other": "p",
}


def write_image(G, path, *, fmt: str | None = None, size_by: str = "degree", focus=None, depth: int = 1,
                path_nodes=None, as_of=None, include_persons: bool = False, title: str = "USE-IT! relationship map",
                seed: int = 42, labels: int | None = None, dpi: int = 150) -> Path:
    """Draw the whole map or a focus view to PNG or SVG.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From ``project_graph``.
    path : path-like
        Output file; the format comes from ``fmt`` or the suffix (``.png``, ``.svg``).
    fmt : {"png", "svg"}, optional
    size_by, focus, depth, path_nodes, as_of, include_persons, title, seed
        As for :func:`useit_graph.export.html.write_html`.
    labels : int, optional
        Label this many of the largest nodes (default: all when there are at most 60 nodes, else 30).
    dpi : int, optional (default=150)
        PNG resolution.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    UsageError
        Unknown format or metric.
    UnknownEntity
        ``focus`` or a path node is not in the graph.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from matplotlib.patches import FancyArrowPatch

    from .html import (FOCUS_LABEL, KIND_LABELS, PATH_LABEL, SIZE_METRICS, TIE_COLOURS, TIE_LABELS, TIER_COLOURS,
                       TIER_LABELS, _path_list, prepare_view, public_key, seeded_layout, view_metrics)

    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("png", "svg"):
        raise UsageError(f"cannot draw a {fmt!r} image", hint="use png or svg")
    if size_by not in SIZE_METRICS:
        raise UsageError(f"cannot size nodes by {size_by!r}", hint="use one of " + ", ".join(SIZE_METRICS))
    H = prepare_view(G, focus=focus, depth=depth, path_nodes=path_nodes, as_of=as_of, include_persons=include_persons,
                     seed=seed)
    paths = _path_list(path_nodes)
    on_path = {x for p in paths for x in p}
    path_pairs = {frozenset((p[i], p[i + 1])) for p in paths for i in range(len(p) - 1)}
    nodes = sorted(H, key=lambda n: public_key(H, n))
    pos = seeded_layout(H, seed=seed, scale=1.0)
    metrics = view_metrics(H, seed=seed)[0] if H.number_of_nodes() else {}  # whole-snapshot values
    vals = metrics.get(size_by, {}) if size_by != "uniform" else {}
    top = max((v for v in vals.values() if v and math.isfinite(v)), default=0.0)

    def area(n):
        v = vals.get(n) or 0.0
        return 40.0 + (360.0 * (v / top) if top > 0 else 0.0)

    with matplotlib.rc_context({"svg.hashsalt": "useit-graph", "svg.fonttype": "none", "path.simplify": True}):
        fig, ax = plt.subplots(figsize=(12, 9))
        try:
            ax.set_title(title, loc="left", fontsize=13)
            ax.set_axis_off()
            edges = sorted(H.edges(keys=True, data=True),
                           key=lambda t: (public_key(H, t[0]), public_key(H, t[1]), str(t[2])))
            n_arrows = 0
            for i, (u, v, k, d) in enumerate(edges):
                if u == v:
                    continue
                (x1, y1), (x2, y2) = pos[u], pos[v]
                tie = d.get("tie") if d.get("tie") in TIE_COLOURS else "unclassified"
                brokerage = d.get("rel_type") == "Brokerage" or d.get("broker") is not None
                thick = frozenset((u, v)) in path_pairs
                style = dict(color=TIE_COLOURS[tie], linewidth=3.0 if thick else 0.8,
                             linestyle=(0, (4, 3)) if brokerage else "-", alpha=0.9 if thick else 0.6, zorder=1)
                if d.get("directed", True):
                    # an arrow head at the target, stopping at the marker's rim (area -> radius in points)
                    n_arrows += 1
                    ax.add_patch(FancyArrowPatch((x1, y1), (x2, y2), arrowstyle="-|>", mutation_scale=8,
                                                 shrinkA=0, shrinkB=math.sqrt(area(v)) / 2 + 1,
                                                 gid=f"useit-arrow-{n_arrows}", **style))
                else:
                    ax.plot([x1, x2], [y1, y2], gid=f"useit-tie-{i}", **style)
            for kind, marker in KIND_MARKERS.items():
                group = [n for n in nodes if (H.nodes[n].get("kind") or "other") == kind]
                if not group:
                    continue
                ax.scatter([pos[n][0] for n in group], [pos[n][1] for n in group], s=[area(n) for n in group],
                           c=[TIER_COLOURS.get(H.nodes[n].get("tier"), TIER_COLOURS[None]) for n in group],
                           marker=marker, edgecolors=["#000000" if (n in on_path or n == focus) else "#555555" for n in group],
                           linewidths=[2.0 if (n in on_path or n == focus) else 0.5 for n in group], zorder=2,
                           gid=f"useit-nodes-{kind}")
            n_labels = labels if labels is not None else (len(nodes) if len(nodes) <= 60 else 30)
            ranked = sorted(nodes, key=lambda n: (-(vals.get(n) or 0.0), str(n)))[:n_labels]
            for n in sorted(set(ranked) | on_path | ({focus} if focus in H else set()), key=str):
                x, y = pos[n]
                ax.annotate(str(H.nodes[n].get("label") or n), (x, y), xytext=(0, -11), textcoords="offset points",
                            ha="center", va="top", fontsize=7, zorder=3)
            handles = []
            tiers = [t for t in ("micro", "intermediary", "macro", None)
                     if t is not None or any(H.nodes[n].get("tier") not in TIER_COLOURS for n in nodes)]
            for t in tiers:
                handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=TIER_COLOURS[t],
                                      markeredgecolor="#555555", markersize=8, label=TIER_LABELS[t]))
            kinds = sorted({H.nodes[n].get("kind") or "other" for n in nodes} | {"organisation", "cohort",
                           "physical_asset", "programme"}, key=list(KIND_MARKERS).index)
            for k in kinds:
                handles.append(Line2D([], [], marker=KIND_MARKERS[k], linestyle="", markerfacecolor="#dddddd",
                                      markeredgecolor="#555555", markersize=8, label=KIND_LABELS[k]))
            ties = [t for t in TIE_COLOURS if t != "unclassified"
                    or any(d.get("tie") not in ("bonding", "bridging", "linking") for *_, d in H.edges(data=True))]
            for t in ties:
                handles.append(Line2D([], [], color=TIE_COLOURS[t], linewidth=2, label=TIE_LABELS[t]))
            handles.append(Line2D([], [], color="#444444", linewidth=1.5, linestyle=(0, (4, 3)), label="Brokerage"))
            if n_arrows:
                handles.append(Line2D([], [], color="#444444", linewidth=1.2, marker=">", markevery=[-1],
                                      markersize=6, label="Arrow: directed relationship (funds, commissions, ...)"))
            if focus is not None and focus in H:
                handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="#ffffff",
                                      markeredgecolor="#000000", markeredgewidth=2.0, markersize=9, label=FOCUS_LABEL))
            if paths:
                handles.append(Line2D([], [], color="#444444", linewidth=3.0, label=PATH_LABEL))
            if size_by != "uniform":
                handles.append(Line2D([], [], linestyle="", label=f"Size: {size_by}"))
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
            fig.tight_layout()
            metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
            with atomic_path(path, suffix="." + fmt) as tmp:
                fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata, bbox_inches="tight")
        finally:
            plt.close(fig)
    return path
