"""Fixtures for the map and export tests: small graphs and an offline headless Chromium.

The browser is Debian's ``chromium`` package (``/usr/bin/chromium``, or ``$USEIT_CHROMIUM``) driven by
the playwright Python package; no browser is downloaded. Every page runs in a context that is set
offline and whose router aborts *and records* every request that is not a ``file:`` URL, so a test
can assert that nothing tried to reach the network. A request that the page's Content-Security-Policy
blocks never reaches the network layer, so the page also records every ``securitypolicyviolation``
event (``OfflinePage.csp_violations()``); a clean page has none of either.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini.ttl"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    return os.environ.get("USEIT_CHROMIUM") or shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.fixture(scope="session")
def mini_graph():
    """The projected graph of tests/fixtures/mini.ttl (4 organisations, 5 edges)."""
    from useit_graph.load import load_project
    from useit_graph.paths import get_paths
    from useit_graph.project import project_graph

    ds, _ = load_project(get_paths(), extra=[MINI], seeds=False)
    return project_graph(ds)


@pytest.fixture(scope="session")
def mini_dataset():
    from useit_graph.load import load_project
    from useit_graph.paths import get_paths

    return load_project(get_paths(), extra=[MINI], seeds=False)[0]


def synthetic_graph(n: int, m_per_node: int = 3, seed: int = 7) -> nx.MultiDiGraph:
    """A projected-looking MultiDiGraph with n nodes (tiers, kinds, groups, ties, dates, WPs)."""
    import random

    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, m_per_node, seed=seed)
    tiers = ["micro", "intermediary", "macro"]
    kinds = ["organisation", "cohort", "physical_asset", "programme"]
    groups = ["health", "arts", "environment", "community"]
    G = nx.MultiDiGraph()
    for v in base:
        G.add_node(f"urn:x:n{v:05d}", label=f"Node {v}", alt_labels=[], type="CommunityGroup", types=[],
                   kind=kinds[v % 4], tier=tiers[rng.randrange(3)], group=groups[rng.randrange(4)],
                   places=[], work_packages=[f"urn:x:wp{v % 3}"], created=None, personal_data=False,
                   size=None, evidence=[])
    from useit_graph.project import classify_tie

    for i, (a, b) in enumerate(sorted(base.edges())):
        u, v = f"urn:x:n{a:05d}", f"urn:x:n{b:05d}"
        du, dv = G.nodes[u], G.nodes[v]
        tie, why = classify_tie(du["tier"], du["group"], dv["tier"], dv["group"])
        year = 2015 + i % 6
        G.add_edge(u, v, key=f"urn:x:r{i}", rel=f"urn:x:r{i}", rel_type="Support" if i % 5 else "Brokerage",
                   label="SUPPORTS", directed=bool(i % 2), role="source-target", broker=None, mechanism=None,
                   start=f"{year}-01-01", end=None, value_gbp=None, work_packages=[f"urn:x:wp{i % 3}"],
                   evidence=[{"section": "1", "quote": "q", "source": None}], tie=tie, tie_reason=why, weight=1.0)
    return G


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium (playwright); fails, never skips, when it is missing."""
    path = chromium_path()
    assert path, "Debian's chromium is needed: apt-get install -y chromium (or set USEIT_CHROMIUM)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


# installed before any page script (through the DevTools protocol, so the page's CSP does not apply)
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
}, true);
"""


@dataclass
class OfflinePage:
    page: object
    requests: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)

    def csp_violations(self) -> list:
        """What the page's Content-Security-Policy blocked (``directive blocked-URI``)."""
        return self.page.evaluate("window.__cspViolations")

    def assert_clean(self) -> None:
        """No request left the page, nothing was blocked by the CSP, no script error."""
        assert self.requests == [], self.requests
        assert self.csp_violations() == []
        assert self.page_errors == [], self.page_errors


@pytest.fixture
def open_offline(browser):
    """``open_offline(path) -> OfflinePage``: load a local HTML file with the network cut off."""
    contexts = []

    def _open(path: Path, wait_ready: bool = True, timeout_ms: int = 60_000) -> OfflinePage:
        ctx = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(ctx)
        ctx.set_offline(True)
        rec = OfflinePage(page=None)

        def route(r):
            if not r.request.url.startswith("file:"):
                rec.requests.append(r.request.url)
                r.abort()
            else:
                r.continue_()

        ctx.route("**/*", route)
        ctx.add_init_script(CSP_LISTENER)
        page = ctx.new_page()
        rec.page = page
        page.on("console", lambda m: rec.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: rec.page_errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else rec.requests.append(r.url))
        page.goto(Path(path).resolve().as_uri())
        if wait_ready:
            # a selector wait, not wait_for_function: the page's CSP forbids eval, which that uses
            page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=timeout_ms)
        return rec

    yield _open
    for ctx in contexts:
        ctx.close()
