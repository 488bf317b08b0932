"""Page-load-to-stable time of the HTML map in headless Chromium, at 1k and 5k nodes.

    .venv/bin/python bench/bench_html.py > bench/results/html.md

For each size: build a synthetic projected graph (Barabasi-Albert, m=3, so about 3n edges; tiers,
kinds, groups, dates and work packages as the projection fills them), time ``render_html``
(layout, metrics, JSON, template), write it, and open it in Debian's headless Chromium with the
network cut off (context offline, every non-file request aborted and counted). "Stable" is the
moment the page sets ``useitMap.ready``: the first frame drawn with physics off (our maps above
``physics_threshold`` = 500 nodes ship a precomputed, seeded igraph layout).

For comparison, in the same run: pyvis 0.3.2's own page for the 1k graph with its default physics
(``Network.generate_html()``, ``cdn_resources="in_line"``; node and edge lists set in bulk), timed to
vis-network's ``stabilized`` state, capped at ``CAP_S`` seconds.
"""

from __future__ import annotations

import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

from useit_graph.export.html import render_html  # noqa: E402
from useit_graph.project import classify_tie  # noqa: E402

CAP_S = 60
SIZES = (1000, 5000)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def synthetic(n: int, seed: int = 7) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 3, seed=seed)
    tiers, kinds = ["micro", "intermediary", "macro"], ["organisation", "cohort", "physical_asset", "programme"]
    groups = ["health", "arts", "environment", "community"]
    G = nx.MultiDiGraph()
    for v in base:
        G.add_node(f"urn:x:n{v:05d}", label=f"Node {v}", alt_labels=[], type="CommunityGroup", kind=kinds[v % 4],
                   tier=tiers[rng.randrange(3)], group=groups[rng.randrange(4)], work_packages=[f"urn:x:wp{v % 3}"],
                   created=None, personal_data=False, size=None, evidence=[])
    for i, (a, b) in enumerate(sorted(base.edges())):
        u, v = f"urn:x:n{a:05d}", f"urn:x:n{b:05d}"
        tie, why = classify_tie(G.nodes[u]["tier"], G.nodes[u]["group"], G.nodes[v]["tier"], G.nodes[v]["group"])
        G.add_edge(u, v, key=f"urn:x:r{i}", rel=f"urn:x:r{i}", rel_type="Support" if i % 5 else "Brokerage",
                   label="SUPPORTS", directed=bool(i % 2), start=f"{2015 + i % 6}-01-01", end=None,
                   work_packages=[f"urn:x:wp{i % 3}"], evidence=[{"section": "1", "quote": "q"}], tie=tie,
                   tie_reason=why)
    return G


def pyvis_default(G, path: Path) -> float:
    from pyvis.network import Network

    t = time.perf_counter()
    net = Network(directed=True, cdn_resources="in_line")
    ids = {n: i for i, n in enumerate(sorted(G))}
    net.nodes = [{"id": ids[n], "label": d["label"], "shape": "dot", "color": "#97c2fc", "size": 10}
                 for n, d in sorted(G.nodes(data=True))]
    net.node_ids = [n["id"] for n in net.nodes]
    net.node_map = {n["id"]: n for n in net.nodes}
    net.edges = [{"from": ids[u], "to": ids[v], "arrows": "to"} for u, v in G.edges()]
    html = net.generate_html(name="pyvis.html")
    path.write_text(html, encoding="utf-8")
    return time.perf_counter() - t


def open_page(browser, path: Path):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_offline(True)
    blocked = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    return ctx, page, blocked


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("USEIT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    out = Path(tempfile.mkdtemp(prefix="useit-bench-"))
    rows = []
    t = time.perf_counter()
    render_html(synthetic(50))  # imports (pyvis, igraph, jinja2) and first-call setup
    cold = time.perf_counter() - t
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        version = browser.version
        for n in SIZES:
            G = synthetic(n)
            t = time.perf_counter()
            html = render_html(G)
            gen = time.perf_counter() - t
            f = out / f"map-{n}.html"
            f.write_text(html, encoding="utf-8")
            ctx, page, blocked = open_page(browser, f)
            t = time.perf_counter()
            page.goto(f.as_uri(), wait_until="commit")
            page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=CAP_S * 1000)
            wall = time.perf_counter() - t
            ready_at = page.evaluate("useitMap.readyAt")
            drawn = page.evaluate("Object.keys(useitMap.network.getPositions()).length")
            rows.append((f"useit map, precomputed layout, physics off", n, G.number_of_edges(), gen,
                         len(html.encode()) / 1e6, f"{ready_at / 1000:.2f} s (wall {wall:.2f} s, {drawn} nodes drawn)",
                         len(blocked)))
            ctx.close()
        G = synthetic(1000)
        f = out / "pyvis-1000.html"
        gen = pyvis_default(G, f)
        ctx, page, blocked = open_page(browser, f)
        t = time.perf_counter()
        page.goto(f.as_uri(), wait_until="commit")
        try:
            page.wait_for_function("() => typeof network !== 'undefined' && network && network.physics"
                                   " && network.physics.stabilized === true", timeout=CAP_S * 1000, polling=500)
            result = f"{time.perf_counter() - t:.1f} s"
        except Exception as exc:  # playwright TimeoutError
            if type(exc).__name__ != "TimeoutError":
                raise
            result = f"not stable within {CAP_S} s"
        rows.append(("pyvis 0.3.2 default page, default physics", 1000, G.number_of_edges(), gen,
                     f.stat().st_size / 1e6, result, len(blocked)))
        ctx.close()
        browser.close()
    print("# HTML map: generation time, size and page-load-to-stable in headless Chromium\n")
    print(f"Measured with `bench/bench_html.py` on {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, Chromium {version} (Debian, headless, `--disable-gpu`), network off.\n")
    print("| page | nodes | edges | generation (s) | HTML (MB) | load to stable | blocked requests |")
    print("|---|---:|---:|---:|---:|---|---:|")
    for name, n, m, gen, size, stable, blocked in rows:
        print(f"| {name} | {n} | {m} | {gen:.2f} | {size:.2f} | {stable} | {blocked} |")
    print("\n'load to stable' for our maps is `performance.now()` when the first frame with the final layout is "
          "drawn (`useitMap.readyAt`, from navigation start). For pyvis it is the wall time from navigation to "
          "vis-network's `physics.stabilized`, polled every 0.5 s, capped at "
          f"{CAP_S} s. pyvis's page also tries to load Bootstrap from cdn.jsdelivr.net (counted as blocked requests).")
    print(f"\nGeneration times are warm; the first map in a process also pays {cold:.2f} s of imports and setup "
          "(measured on a 50-node graph).")


if __name__ == "__main__":
    main()
