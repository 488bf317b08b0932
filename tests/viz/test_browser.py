"""The HTML map in real headless Chromium (Debian's package), with the network cut off.

Each page is opened in a context that is offline and whose router aborts and records every
non-``file:`` request; the tests assert that the list stays empty.
"""

from __future__ import annotations

import pytest

from useit_graph.export.html import write_html

from .conftest import synthetic_graph
from .test_html import HOSTILE, hostile_graph

pytestmark = pytest.mark.browser


def shown_labels(page):
    return set(page.evaluate("useitMap.nodes.get({filter: n => !n.hidden}).map(n => n.label)"))


def set_dates(page, start, end):
    page.fill("#useit-date-from", start or "")
    page.fill("#useit-date-to", end or "")
    page.dispatch_event("#useit-date-to", "change")
    return page.evaluate("""() => ({nodes: useitMap.nodes.get({filter: n => !n.hidden}).map(n => n.useit.iri),
        edges: useitMap.edges.get({filter: e => !e.hidden}).length})""")


def counts(page):
    return page.evaluate("""() => ({
        nodes: useitMap.nodes.length, edges: useitMap.edges.length,
        drawnNodes: Object.keys(useitMap.network.getPositions()).length,
        hiddenNodes: useitMap.nodes.get({filter: n => n.hidden}).length,
        hiddenEdges: useitMap.edges.get({filter: e => e.hidden}).length,
    })""")


def test_mini_map_renders_offline(tmp_path, mini_graph, open_offline):
    path = write_html(mini_graph, tmp_path / "map.html")
    rec = open_offline(path)
    page = rec.page
    c = counts(page)
    assert (c["nodes"], c["edges"], c["drawnNodes"]) == (4, 5, 4)
    assert (c["hiddenNodes"], c["hiddenEdges"]) == (0, 0)
    legend = page.eval_on_selector_all("[data-legend]", "els => els.map(e => e.getAttribute('data-legend'))")
    assert {"tier:micro", "tier:intermediary", "tier:macro", "kind:organisation", "kind:cohort",
            "kind:physical_asset", "kind:programme", "tie:bonding", "tie:bridging", "tie:linking",
            "edge:brokerage", "edge:directed", "size:degree"} <= set(legend)
    assert page.inner_text('[data-legend="tier:macro"]') == "Macro (institutions)"
    assert page.title() == "USE-IT! relationship map"
    # the canvas actually has pixels that are not background
    assert page.evaluate("""() => {
        const c = document.querySelector('#mynetwork canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let ink = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i+1] < 250 || d[i+2] < 250) ink++;
        return ink; }""") > 1000
    assert rec.requests == [] and rec.page_errors == [] and rec.console_errors == []
    assert rec.csp_violations() == []


def test_csp_violations_are_recorded(tmp_path, mini_graph, open_offline):
    """Positive control: the listener sees what the page's CSP blocks (a remote image inserted by script)."""
    rec = open_offline(write_html(mini_graph, tmp_path / "map.html"))
    assert rec.csp_violations() == []
    rec.page.evaluate("""() => { const i = document.createElement('img');
        i.src = 'https://example.org/pixel.png'; document.body.appendChild(i); }""")
    rec.page.wait_for_timeout(300)
    assert rec.csp_violations() == ["img-src https://example.org/pixel.png"]


def test_filters_hide_and_restore(tmp_path, mini_graph, open_offline):
    rec = open_offline(write_html(mini_graph, tmp_path / "map.html"))
    page = rec.page
    page.uncheck('input[data-filter="tie"][value="linking"]')
    c = counts(page)
    # 4 of the 5 mini ties are linking; the bridging garden-cafe partnership stays, and the hub and the
    # council, left without a shown relationship, are hidden (the rule of every relationship filter)
    assert c["hiddenEdges"] == 4 and c["hiddenNodes"] == 2
    assert shown_labels(page) == {"Garden Group", "Café Crème"}
    assert "1 of 5 relationships" in page.inner_text("#useit-status")
    page.check('input[data-filter="tie"][value="linking"]')
    page.uncheck('input[data-filter="tier"][value="macro"]')
    c = counts(page)
    assert c["hiddenNodes"] == 1 and c["hiddenEdges"] == 3  # the council: its funding, the broker line to it, the brokered tie
    page.click("#useit-reset")
    assert counts(page)["hiddenEdges"] == 0
    page.fill("#useit-date-to", "2017-12-31")
    page.dispatch_event("#useit-date-to", "change")
    c = counts(page)
    assert c["hiddenEdges"] == 4 and c["hiddenNodes"] == 1  # only the 2017 funding; the cafe was founded in 2018
    rec.assert_clean()


def test_work_package_filter(tmp_path, open_offline):
    G = synthetic_graph(60)
    rec = open_offline(write_html(G, tmp_path / "map.html"))
    page = rec.page
    options = page.eval_on_selector_all("#useit-filter-wp option", "os => os.map(o => o.value)")
    assert options == ["", "urn:x:wp0", "urn:x:wp1", "urn:x:wp2"]
    page.select_option("#useit-filter-wp", "urn:x:wp1")
    c = counts(page)
    wp1 = sum(1 for *_, d in G.edges(data=True) if d["work_packages"] == ["urn:x:wp1"])
    assert c["edges"] - c["hiddenEdges"] == wp1
    assert rec.requests == []


def test_search_selects_and_focuses(tmp_path, mini_graph, open_offline):
    page = open_offline(write_html(mini_graph, tmp_path / "map.html")).page
    page.fill("#useit-search", "cc")  # an alt label of City Council
    page.press("#useit-search", "Enter")
    assert page.evaluate("useitMap.network.getSelectedNodes().map(id => useitMap.nodes.get(id).label)") == ["City Council"]
    assert "City Council" in page.inner_text("#useit-details")
    assert page.evaluate("useitMap.search('zzz')") == []
    assert page.inner_text("#useit-search-result") == "No match."


def hover(page, node_id):
    x, y = page.evaluate(f"""() => {{
        const p = useitMap.network.getPositions(['{node_id}'])['{node_id}'];
        const d = useitMap.network.canvasToDOM(p);
        const r = document.getElementById('mynetwork').getBoundingClientRect();
        return [r.left + d.x, r.top + d.y]; }}""")
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=4)
    page.wait_for_timeout(400)


def test_hostile_labels_do_not_execute(tmp_path, open_offline):
    rec = open_offline(write_html(hostile_graph(), tmp_path / "map.html", title=HOSTILE[1]))
    page = rec.page
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() == HOSTILE[1]
    labels = page.evaluate("useitMap.nodes.get().map(n => n.label)")
    assert sorted(labels) == sorted(HOSTILE)
    shown_tooltips = []
    for i in range(len(HOSTILE)):
        hover(page, f"n{i}")
        tip = page.query_selector("div.vis-tooltip")
        if tip and tip.is_visible():
            shown_tooltips.append(tip.inner_text())
        page.evaluate(f"useitMap.showNode('n{i}')")
        details = page.inner_text("#useit-details")
        assert HOSTILE[i] in details  # shown literally, as text
        page.evaluate(f"useitMap.showEdge('e{i}')")
        assert page.evaluate("typeof window.__pwned") == "undefined"
    assert shown_tooltips, "no tooltip appeared on hover"
    assert any(h in t for t in shown_tooltips for h in HOSTILE)
    page.click("#mynetwork", position={"x": 10, "y": 10})
    page.fill("#useit-search", HOSTILE[3])
    page.press("#useit-search", "Enter")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert rec.requests == [] and rec.page_errors == []


def test_large_map_uses_precomputed_layout(tmp_path, open_offline):
    G = synthetic_graph(1000)
    rec = open_offline(write_html(G, tmp_path / "big.html"), timeout_ms=60_000)
    page = rec.page
    c = counts(page)
    assert (c["nodes"], c["edges"], c["drawnNodes"]) == (1000, G.number_of_edges(), 1000)
    assert page.evaluate("useitMap.network.physics.physicsEnabled") is False
    assert page.evaluate("useitMap.readyMs") < 30_000
    assert rec.requests == []


def test_seed_map_renders_offline(tmp_path, open_offline):
    """The USE-IT! seed map (the demo's map) draws every node and edge, offline, without errors."""
    from useit_graph.load import load_project
    from useit_graph.paths import get_paths
    from useit_graph.project import project_graph

    G = project_graph(load_project(get_paths())[0])
    rec = open_offline(write_html(G, tmp_path / "useit.html"))
    c = counts(rec.page)
    assert (c["nodes"], c["edges"], c["drawnNodes"]) == (G.number_of_nodes(), G.number_of_edges(), G.number_of_nodes())
    assert rec.requests == [] and rec.page_errors == [] and rec.console_errors == []


@pytest.fixture(scope="module")
def seed_map(tmp_path_factory):
    from useit_graph.commands._common import ProjectContext
    from useit_graph.export.files import work_package_labels

    ctx = ProjectContext()
    path = write_html(ctx.graph(), tmp_path_factory.mktemp("seedmap") / "useit.html",
                      work_package_labels=work_package_labels(ctx.source()))
    return ctx, path


@pytest.mark.parametrize("day", ["2016-11-01", "2017-06-30", "2018-06-30", "2019-12-31"])
def test_date_filter_matches_as_of(seed_map, open_offline, day):
    """"To" alone shows the network of ``project_graph(as_of=day)`` (peer): the same entities and ties.

    2016-11-01 is the programme's start (the baseline, seeds/programme.ttl), 2019-12-31 its end.
    """
    ctx, path = seed_map
    rec = open_offline(path)
    shown = set_dates(rec.page, None, day)
    snap = ctx.graph(as_of=day)
    persons = {n for n, d in snap.nodes(data=True) if d.get("personal_data")}  # their IRIs are not in the page
    assert shown["edges"] == snap.number_of_edges()
    assert len(shown["nodes"]) == snap.number_of_nodes()
    assert {n for n in shown["nodes"] if n} == {str(n) for n in snap if n not in persons}
    # From = To is the same snapshot; an earlier From widens it to the ties that ran at some time since
    assert set_dates(rec.page, day, day) == shown
    assert set_dates(rec.page, "2016-01-01", day)["edges"] >= shown["edges"]
    rec.assert_clean()


def test_date_filter_hides_assets_not_yet_created(seed_map, open_offline):
    """An undated asset created during the programme appears with its first relationship (as --as-of)."""
    ctx, path = seed_map
    G = ctx.graph()
    undated = sorted((n for n, d in G.nodes(data=True) if d.get("created_during") and d.get("created") is None), key=str)
    assert undated, "the seeds have assets created during the programme without a founding date"
    first = {n: min(str(d["start"]) for u, v, d in G.edges(n, data=True) if d.get("start")) for n in undated
             if any(d.get("start") for u, v, d in G.edges(n, data=True))}
    x, day = min(first.items(), key=lambda t: (t[1], t[0]))
    rec = open_offline(path)
    before = set_dates(rec.page, None, "2016-10-31")  # before the programme: none of them yet
    assert not set(before["nodes"]) & set(first)
    assert str(x) in set_dates(rec.page, None, day)["nodes"]
    rec.assert_clean()


def test_unknown_tier_is_filterable(tmp_path, open_offline):
    G = synthetic_graph(40)
    odd = sorted(G)[:5]
    for i, n in enumerate(odd):
        G.nodes[n]["tier"] = None if i % 2 else "regional"  # missing, and a value the map does not know
    rec = open_offline(write_html(G, tmp_path / "map.html"))
    page = rec.page
    boxes = page.eval_on_selector_all('input[data-filter="tier"]', "bs => bs.map(b => b.value)")
    assert boxes == ["micro", "intermediary", "macro", "none"]
    page.uncheck('input[data-filter="tier"][value="none"]')
    hidden = page.evaluate("useitMap.nodes.get({filter: n => n.hidden}).map(n => n.useit.iri)")
    assert sorted(hidden) == sorted(odd)
    rec.assert_clean()


def test_focus_legend_explains_the_border(tmp_path, mini_graph, open_offline):
    from useit_graph.export.html import FOCUS_LABEL

    rec = open_offline(write_html(mini_graph, tmp_path / "f.html", focus="https://example.org/mini/hub", depth=1))
    assert rec.page.inner_text('[data-legend="edge:focus"]') == FOCUS_LABEL
    border = rec.page.evaluate("useitMap.nodes.get({filter: n => n.useit.focus}).map(n => n.borderWidth)")
    assert border == [4]
    rec.assert_clean()
    plain = open_offline(write_html(mini_graph, tmp_path / "m.html"))
    assert plain.page.query_selector('[data-legend="edge:focus"]') is None


def test_seed_map_work_package_menu(seed_map, open_offline):
    ctx, path = seed_map
    rec = open_offline(path)
    names = rec.page.eval_on_selector_all("#useit-filter-wp option", "os => os.map(o => o.textContent)")
    assert "Work Package 5: Routes to Employment" in names  # rdfs:label of bham:wp5, seeds/programme.ttl
    rec.page.select_option("#useit-filter-wp", "https://w3id.org/useit-graph/id/birmingham/wp5")
    wp5 = sum(1 for *_, d in ctx.graph().edges(data=True)
              if "https://w3id.org/useit-graph/id/birmingham/wp5" in d["work_packages"])
    c = counts(rec.page)
    assert c["edges"] - c["hiddenEdges"] == wp5
    rec.assert_clean()
