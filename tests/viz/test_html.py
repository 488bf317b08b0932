"""The HTML map without a browser: offline markup, escaping, determinism, privacy and focus views."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from useit_graph.errors import UnknownEntity, UsageError, UseitGraphError
from useit_graph.export.html import (check_offline, json_for_script, prepare_view, pseudonymise_persons,
                                     render_html, seeded_layout, write_html)

from .conftest import synthetic_graph

HOSTILE = [
    "<script>window.__pwned=1</script>",
    "</script><script>window.__pwned=2</script>",
    '" onmouseover="window.__pwned=3',
    "<img src=x onerror=window.__pwned=4>",
]


def hostile_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for i, label in enumerate(HOSTILE):
        G.add_node(f"urn:h:{i}", label=label, alt_labels=[label], type="CommunityGroup", kind="organisation",
                   tier="micro", group="arts", work_packages=[], created=None, personal_data=False,
                   evidence=[{"section": label, "quote": label, "source": None}])
    for i in range(len(HOSTILE)):
        j = (i + 1) % len(HOSTILE)
        G.add_edge(f"urn:h:{i}", f"urn:h:{j}", key=f"urn:h:r{i}", rel=f"urn:h:r{i}", rel_type=HOSTILE[i],
                   label=HOSTILE[j], tie="bonding", tie_reason=HOSTILE[i], directed=True, start="2018-01-01",
                   end=None, mechanism=HOSTILE[j], work_packages=[HOSTILE[i]],
                   evidence=[{"section": HOSTILE[i], "quote": HOSTILE[j], "source": None}])
    return G


def data_blocks(html: str) -> dict:
    blocks = dict(re.findall(r'<script type="application/json" id="([\w-]+)">(.*?)</script>', html, re.S))
    return {k: json.loads(v) for k, v in blocks.items()}


def test_json_for_script_escapes_markup_and_line_separators():
    text = json_for_script({"a": "</script><!-- & \u2028\u2029 >"})
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 >"}


def test_page_is_self_contained(mini_graph):
    html = render_html(mini_graph)
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html, re.I)
    assert tags and not [t for t in tags if re.search(r"\b(?:src|href)\s*=", t, re.I)]
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.I)
    assert "bootstrap" not in html.lower() and "cdnjs" not in html and "jsdelivr" not in html
    assert "vis-network" in html and "Content-Security-Policy" in html
    check_offline(html)


def test_check_offline_refuses_cdn_links():
    with pytest.raises(UseitGraphError, match="remote resource"):
        check_offline('<link rel="stylesheet" href="https://cdn.jsdelivr.net/x.css">')
    with pytest.raises(UseitGraphError):
        check_offline("<style>@import url(//evil.example/x.css)</style>")


def test_hostile_labels_only_appear_escaped(tmp_path):
    html = render_html(hostile_graph(), title=HOSTILE[1])
    for label in HOSTILE:
        if label.startswith("<") or "</" in label:
            assert label not in html
    # the only <script> elements are ours: 4 JSON blocks, vis-network and our code
    # (vis-network's bundle itself holds one '"<script>"+t' string: core-js's IE fallback)
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script type="application/json" id="useit-nodes">', '<script type="application/json" id="useit-edges">',
        '<script type="application/json" id="useit-options">', '<script type="application/json" id="useit-meta-data">',
        "<script>", "<script>", "<script>"]
    blocks = data_blocks(html)
    assert {n["label"] for n in blocks["useit-nodes"]} == set(HOSTILE)
    assert blocks["useit-meta-data"]["title"] == HOSTILE[1]
    assert "<title>&lt;/script&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;</title>" in html


def test_same_input_same_bytes(tmp_path):
    G = synthetic_graph(300)
    a = write_html(G, tmp_path / "a.html").read_bytes()
    b = write_html(G.copy(), tmp_path / "b.html").read_bytes()
    assert a == b
    H = nx.MultiDiGraph()  # insertion order must not matter
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(keys=True, data=True))))
    assert write_html(H, tmp_path / "c.html").read_bytes() == a
    assert write_html(G, tmp_path / "d.html", seed=1).read_bytes() != a


def test_no_random_ids_or_timestamps(mini_graph):
    html = render_html(mini_graph)
    ours = html.replace(re.search(r"<script>/\*\*\n \* vis-network.*?</script>", html, re.S).group(0), "")
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", ours)
    assert not re.search(r"20[2-9]\d-\d\d-\d\dT\d\d:", ours)
    edges = data_blocks(html)["useit-edges"]
    assert [e["id"] for e in edges] == [f"e{i}" for i in range(len(edges))]


def test_encodings(mini_graph):
    blocks = data_blocks(render_html(mini_graph))
    nodes = {n["label"]: n for n in blocks["useit-nodes"]}
    assert nodes["City Council"]["color"]["background"] == "#b10026"  # macro
    assert nodes["Hub"]["color"]["background"] == "#ff7f00"  # intermediary
    assert nodes["Garden Group"]["shape"] == "dot"  # organisation
    dashed = [e for e in blocks["useit-edges"] if e["dashes"]]
    assert {e["useit"]["type"] for e in dashed} == {"Brokerage"} and len(dashed) == 3
    ties = {e["useit"]["tie"]: e["color"]["color"] for e in blocks["useit-edges"]}
    assert ties["linking"] == "#6a3d9a" and ties["bridging"] == "#33a02c"
    legend = blocks["useit-meta-data"]["legend"]
    assert [t["key"] for t in legend["tiers"]] == ["micro", "intermediary", "macro"]
    assert {k["key"] for k in legend["kinds"]} >= {"organisation", "cohort", "physical_asset", "programme"}
    funding = [e for e in blocks["useit-edges"] if e["useit"]["type"] == "Funding"][0]
    assert funding["useit"]["evidence"] == [["1 Intro", "The garden grew."]]
    assert funding["useit"]["gbp"] == 1000.0


@pytest.mark.parametrize("metric", ["degree", "betweenness", "closeness", "uniform"])
def test_size_by(mini_graph, metric):
    nodes = data_blocks(render_html(mini_graph, size_by=metric))["useit-nodes"]
    sizes = {n["label"]: n["size"] for n in nodes}
    assert all(8 <= s <= 30 for s in sizes.values())
    if metric == "uniform":
        assert len(set(sizes.values())) == 1
    else:
        top = max(nodes, key=lambda n: n["useit"]["metrics"][metric])
        assert top["size"] == max(sizes.values())


def test_unknown_size_metric(mini_graph):
    with pytest.raises(UsageError, match="cannot size nodes by"):
        render_html(mini_graph, size_by="pagerank")


def test_physics_threshold_switches_to_precomputed_layout():
    G = synthetic_graph(60)
    small = data_blocks(render_html(G, physics_threshold=100))
    big = data_blocks(render_html(G, physics_threshold=50))
    assert small["useit-options"]["physics"]["enabled"] is True
    assert big["useit-options"]["physics"]["enabled"] is False
    assert all(n["physics"] is False and "x" in n for n in big["useit-nodes"])


def test_seeded_layout_is_deterministic_and_restores_igraph_rng():
    import random

    import igraph as ig

    G = synthetic_graph(200)
    assert seeded_layout(G, seed=3) == seeded_layout(G, seed=3)
    assert seeded_layout(G, seed=3) != seeded_layout(G, seed=4)
    g = ig.Graph.Ring(5)
    random.seed(123)
    a = g.layout_random().coords
    seeded_layout(G)
    random.seed(123)
    assert g.layout_random().coords == a


def person_graph():
    G = nx.MultiDiGraph()
    G.add_node("urn:p:jane-smith", label="Jane Smith", alt_labels=["JS"], kind="person", tier="micro",
               group="community", personal_data=True, evidence=[{"section": "2", "quote": "Jane said", "source": None}])
    G.add_node("urn:p:org", label="Org", alt_labels=[], kind="organisation", tier="micro", group="community",
               personal_data=False, evidence=[])
    G.add_edge("urn:p:org", "urn:p:jane-smith", key="urn:p:r1", rel="urn:p:r1", rel_type="Employment",
               tie="bonding", start="2018-01-01", evidence=[{"section": "3", "quote": "Org hired Jane Smith", "source": None}])
    return G


def test_persons_are_pseudonymised_by_default():
    html = render_html(person_graph())
    assert "Jane" not in html and "jane-smith" not in html and "JS" not in json.dumps(data_blocks(html)["useit-nodes"])
    nodes = {n["label"]: n for n in data_blocks(html)["useit-nodes"]}
    assert nodes["Person 1"]["useit"]["iri"] is None and nodes["Person 1"]["useit"]["person"]
    edge = data_blocks(html)["useit-edges"][0]
    assert edge["useit"]["evidence"][0][0] == "3" and "withheld" in edge["useit"]["evidence"][0][1]
    assert data_blocks(html)["useit-meta-data"]["pseudonymised"] == 1


def test_include_persons_opts_in():
    html = render_html(person_graph(), include_persons=True)
    assert "Jane Smith" in html and "Org hired Jane Smith" in html


def test_pseudonymise_does_not_touch_input():
    G = person_graph()
    pseudonymise_persons(G)
    assert G.nodes["urn:p:jane-smith"]["label"] == "Jane Smith"


def test_focus_depth_and_path(mini_graph):
    hub = "https://example.org/mini/hub"
    garden = "https://example.org/mini/garden"
    ego0 = prepare_view(mini_graph, focus=hub, depth=0)
    assert list(ego0) == [hub]
    ego1 = prepare_view(mini_graph, focus=hub, depth=1)
    assert garden not in ego1 and len(ego1) == 3
    path = [hub, "https://example.org/mini/cafe", garden]
    blocks = data_blocks(render_html(mini_graph, focus=hub, depth=1, path_nodes=path))
    on_path = {n["label"] for n in blocks["useit-nodes"] if n["useit"]["path"]}
    assert on_path == {"Hub", "Café Crème", "Garden Group"}
    thick = [e for e in blocks["useit-edges"] if e["useit"]["path"]]
    assert len(thick) >= 2 and all(e["width"] == 5 for e in thick)
    assert blocks["useit-meta-data"]["focus"] == "Hub"
    assert any(item["key"] == "path" for item in blocks["useit-meta-data"]["legend"]["edges"])


def test_focus_unknown_entity(mini_graph):
    with pytest.raises(UnknownEntity, match="not in the map"):
        render_html(mini_graph, focus="https://example.org/mini/nobody")


def test_as_of_snapshot(mini_graph):
    blocks = data_blocks(render_html(mini_graph, as_of="2018-01-01"))
    assert len(blocks["useit-edges"]) == 1  # only the 2017 funding
    assert "Café Crème" not in {n["label"] for n in blocks["useit-nodes"]}  # founded 2018-03
    assert blocks["useit-meta-data"]["as_of"] == "2018-01-01"


def test_write_is_atomic_on_error(tmp_path, mini_graph):
    out = tmp_path / "map.html"
    out.write_text("old")
    with pytest.raises(UsageError):
        write_html(mini_graph, out, size_by="nope")
    assert out.read_text() == "old" and list(tmp_path.iterdir()) == [out]


def test_no_source_map_comment(mini_graph):
    """The inlined vis-network bundle ships a ``//# sourceMappingURL=`` line pointing at a .map
    file that is not there; developer tools would try to fetch it."""
    from pathlib import Path

    import pyvis

    bundle = (Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text()
    assert "sourceMappingURL=vis-network.min.js.map" in bundle  # the upstream file has it
    html = render_html(mini_graph)
    assert "sourceMappingURL" not in html and "vis-network" in html


def test_legend_explains_focus_and_path(mini_graph):
    from useit_graph.export.html import FOCUS_LABEL, PATH_LABEL

    hub = "https://example.org/mini/hub"
    keys = lambda **kw: [e["key"] for e in data_blocks(render_html(mini_graph, **kw))["useit-meta-data"]["legend"]["edges"]]  # noqa: E731
    assert "focus" in keys(focus=hub, depth=1) and "path" not in keys(focus=hub, depth=1)
    assert {"focus", "path"} <= set(keys(focus=hub, depth=1, path_nodes=[hub, "https://example.org/mini/cafe"]))
    assert "focus" not in keys()
    assert FOCUS_LABEL.startswith("Thick black border") and "path" in PATH_LABEL


def test_unknown_tiers_share_the_none_key():
    G = synthetic_graph(20)
    a, b = sorted(G)[:2]
    G.nodes[a]["tier"], G.nodes[b]["tier"] = None, "regional"
    blocks = data_blocks(render_html(G))
    keys = {n["useit"]["iri"]: n["useit"]["tier_key"] for n in blocks["useit-nodes"]}
    assert keys[a] == keys[b] == "none"
    assert "none" in [t["key"] for t in blocks["useit-meta-data"]["legend"]["tiers"]]


def test_work_package_labels_are_used(mini_graph):
    G = synthetic_graph(30)
    blocks = data_blocks(render_html(G, work_package_labels={"urn:x:wp1": "Work Package 1: Test"}))
    labels = {w["iri"]: w["label"] for w in blocks["useit-meta-data"]["work_packages"]}
    assert labels == {"urn:x:wp0": "urn:x:wp0", "urn:x:wp1": "Work Package 1: Test", "urn:x:wp2": "urn:x:wp2"}


def test_person_node_order_does_not_follow_the_name():
    """Node ids are positions; a person's position must not fall between its IRI's alphabetical neighbours."""
    G = nx.MultiDiGraph()
    for name in ("urn:p:alice", "urn:p:bob-person", "urn:p:carl"):
        G.add_node(name, label=name[6:], personal_data=name.endswith("person"), kind="organisation", tier="micro")
    nodes = data_blocks(render_html(G))["useit-nodes"]
    # by IRI, bob-person would be n1, between alice and carl; it is sorted by its pseudonym key "person-1"
    assert [n["label"] for n in nodes] == ["Person 1", "alice", "carl"]


@pytest.mark.parametrize("day", ["2016-11-01", "2018-06-30"])
def test_snapshot_equals_projection_as_of(day):
    """snapshot(G, day) of the whole seed graph == project_graph(..., as_of=day) (the peer)."""
    from useit_graph.load import load_project
    from useit_graph.paths import get_paths
    from useit_graph.project import project_graph

    from useit_graph.export.html import snapshot

    ds = load_project(get_paths())[0]
    G, peer = project_graph(ds), project_graph(ds, as_of=day)
    S = snapshot(G, day)
    assert set(S) == set(peer) and sorted(map(str, S.edges(keys=True))) == sorted(map(str, peer.edges(keys=True)))
    assert len(S) < len(G)  # the day is inside the programme: something did not exist yet
