"""The evaluator's report: determinism, self-containment, escaping, sections.

Inputs: the two snapshots of ``fixtures/two-snapshots.ttl`` and a hand-built graph whose labels
hold HTML. Determinism is checked byte for byte on two independent builds and writes.
"""

import re

import pytest

from useit_graph.project import project_graph
from useit_graph.report import build_report, render_html, render_markdown, write_report


@pytest.fixture(scope="module")
def snapshots(two_snapshots):
    return project_graph(two_snapshots, as_of="2017-01-01"), project_graph(two_snapshots, as_of="2019-12-31")


def _files(d):
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_same_input_same_bytes(snapshots, tmp_path):
    a = write_report(build_report(*snapshots), tmp_path / "a")
    b = write_report(build_report(*snapshots), tmp_path / "b")
    fa, fb = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(fa) == ["figures/block-density.png", "figures/brokerage-roles.png",
                          "figures/tie-composition.png", "report.html", "report.md"]
    assert fa == fb
    assert [p.name for p in a] == [p.name for p in b]


def test_html_is_self_contained(snapshots):
    text = render_html(build_report(*snapshots))
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert "<script" not in text.lower() and "@import" not in text and "url(" not in text
    assert text.count('src="data:image/png;base64,') == 3
    assert "<style>" in text


def test_sections_and_headline_numbers(snapshots):
    rep = build_report(*snapshots, labels={1: "Anchors link to micro assets"})
    ids = [s.id for s in rep.sections]
    assert ids == ["headline", "ties", "brokerage", "blocks", "holes", "communities", "reach", "methods",
                   "coverage"]
    md = render_markdown(rep)
    # outcome 1, linking ties to micro assets: 3 at baseline, 8 at end (hand count, test_system_change)
    assert "| linking_ties_to_micro | 3 | 8 | 5 |" in md
    assert "Outcome 1: Anchors link to micro assets" in md
    assert "Szreter" in md and "Gould" in md and "Burt" in md and "Krackhardt" in md
    assert "docs/measures.md" in md and "docs/outcomes.md" in md
    assert "beyond the life of the programme" in md


def test_coverage_counts(snapshots):
    rep = build_report(*snapshots)
    cov = next(s for s in rep.sections if s.id == "coverage")
    rows = {r[0]: r for r in cov.tables[0].rows}
    # end snapshot: 13 nodes, 13 edges (r1-r7, r9-r14), no start date missing, no evidence in the fixture
    assert rows["end"][1:3] == (13, 13)
    assert rows["end"][5] == 0 and rows["end"][7] == 0.0


def test_data_are_escaped(build):
    evil = '<img src=x onerror="alert(1)">&'
    G = build({"a": ("CommunityGroup", "community", {"label": evil}),
               "u": ("University", "education", {"label": "Uni <b>"}),
               "b": ("CommunityGroup", "<script>x</script>")},
              [("u", "a", "Funding"), ("a", "b", "Partnership", {"directed": False}), ("u", "b", "Support")],
              as_of="2019-12-31")
    text = render_html(build_report(G, G, baseline="2019-01-01", end="2019-12-31"))
    assert evil not in text and "<script>x" not in text and "Uni <b>" not in text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;" in text


def test_pseudonymised_persons(build):
    G = build({"p": ("Person", "community", {"label": "Leila Example", "personal_data": True}),
               "u": ("University", "education")}, [("u", "p", "Training")], as_of="2019-12-31")
    rep = build_report(G, G)
    assert "Leila Example" not in render_html(rep) and "Leila Example" not in render_markdown(rep)


def test_report_partition_and_holes_options(snapshots):
    """--partition sector puts brokerage by sector; --holes directed --weighted changes the
    structural-holes view and says so (two-snapshots fixture, end snapshot)."""
    rep = build_report(*snapshots, partition="sector", holes="directed", weighted=True)
    sections = {s.id: s for s in rep.sections}
    top = sections["brokerage"].tables[0]
    assert top.columns[:2] == ("node", "sector")
    assert "partition by sector" in sections["brokerage"].paragraphs[0]
    assert "directed simple graph" in sections["holes"].paragraphs[0] and "weighted by" in sections["holes"].paragraphs[0]
    assert "hierarchy" in sections["holes"].tables[0].columns
    default = {s.id: s for s in build_report(*snapshots).sections}
    assert default["brokerage"].tables[0].columns[:2] == ("node", "tier")
    assert "undirected simple graph (unweighted)" in default["holes"].paragraphs[0]


def test_methods_state_the_formulas(snapshots):
    """The methods section must state each definition, not only point at docs/measures.md."""
    methods = next(s for s in build_report(*snapshots).sections if s.id == "methods")
    text = " ".join(methods.paragraphs)
    for formula in ("p_ij = (a_ij + a_ji) / sum_k (a_ik + a_ki)",          # proportional tie strength
                    "c_i = sum_j (p_ij + sum_{q != i,j} p_iq p_qj)^2",      # constraint
                    "e_i = sum_j (1 - sum_{q != i,j} p_iq m_jq)",            # effective size
                    "efficiency e_i / k_i",
                    "h_i = sum_j r_ij ln r_ij / (k_i ln k_i)",              # hierarchy
                    "EI = (E - I) / (E + I)",
                    "B = 1 - sum_c p_c^2", "IQV = B K / (K - 1)",
                    "coordinator w_I, g(a) = g(b) = g(c)", "gatekeeper b_OI, g(a) != g(b) = g(c)",
                    "z = (observed - E) / sd", "E[w_I] = q (n_g - 1)(n_g - 2)"):
        assert formula in text, formula
