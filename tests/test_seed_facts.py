"""Facts from the USE-IT! impact report, checked against the seed graph.

Source: CLES, *Unlocking Social and Economic Innovation Together (USE-IT!): Impact report, 2016-19*
(the Markdown copy at ``shared/source/useit-impact-report-2016-19.md``; set ``USEIT_REPORT`` to
point elsewhere). Each test's docstring names the section, table or infographic panel its expected
values come from. The graph is loaded with rdflib directly from ``ontology/*.ttl`` and
``seeds/*.ttl``; one test also projects it with ``useit_graph.project.project_graph``.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

ROOT = Path(__file__).resolve().parent.parent
SEED_FILES = sorted((ROOT / "seeds").glob("*.ttl"))
UIT = Namespace("https://w3id.org/useit-graph/ns#")
BHAM = Namespace("https://w3id.org/useit-graph/id/birmingham/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PREFIXES = f"PREFIX uit: <{UIT}> PREFIX bham: <{BHAM}> PREFIX rdfs: <{RDFS}> PREFIX skos: <{SKOS}> "
PROGRAMME_START = "2016-11-01"
PROGRAMME_END = "2019-12-31"
REPORT_NAME = "useit-impact-report-2016-19.md"


def _report_path() -> Path | None:
    candidates = [os.environ.get("USEIT_REPORT")] if os.environ.get("USEIT_REPORT") else []
    # the project's workplace keeps the report in shared/source beside (or above) the checkout; a
    # clone elsewhere (CI, /tmp) finds the workplace copy at /work/shared
    candidates += [d / "shared" / "source" / REPORT_NAME for d in (ROOT, *ROOT.parents)]
    candidates += [ROOT / "source" / REPORT_NAME, Path("/work/shared/source") / REPORT_NAME]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def _normalise(text: str) -> str:
    """Straighten curly quotes and collapse whitespace (the report's table cells are tab-separated)."""
    text = text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def g() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")) + SEED_FILES:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def seeds() -> Graph:
    graph = Graph()
    for path in SEED_FILES:
        graph.parse(path, format="turtle")
    return graph


def _num(graph: Graph, s, p):
    value = graph.value(s, p)
    return None if value is None else Decimal(str(value.toPython()))


def _participants(graph: Graph, rel) -> set:
    q = PREFIXES + "SELECT DISTINCT ?x WHERE { ?p rdfs:subPropertyOf* uit:participant . ?rel ?p ?x . }"
    return {row.x for row in graph.query(q, initBindings={"rel": rel})}


def _relationships(graph: Graph) -> set:
    q = PREFIXES + "SELECT DISTINCT ?r WHERE { ?c rdfs:subClassOf* uit:Relationship . ?r a ?c . }"
    return {row.r for row in graph.query(q)}


def _instances(graph: Graph, cls) -> set:
    q = PREFIXES + "SELECT DISTINCT ?x WHERE { ?c rdfs:subClassOf* ?k . ?x a ?c . }"
    return {row.x for row in graph.query(q, initBindings={"k": cls})}


# ----------------------------------------------------------------------------------------------
# Files and provenance
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_rdflib_and_pyoxigraph_read_each_seed_file_alike(path):
    """Both parsers accept every seed file and read the same triples (counted and compared as graphs)."""
    ours = Graph().parse(path, format="turtle")
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(ours)
    nt = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()).decode("utf-8")
    theirs = Graph().parse(data=nt, format="nt")
    assert isomorphic(ours, theirs)


def test_seed_files_are_present():
    """The seed set is split as in seeds/README.md."""
    names = {p.name for p in SEED_FILES}
    assert {"programme.ttl", "actors.ttl", "assets.ttl", "relationships.ttl", "evidence.ttl"} <= names


def test_evidence_quotes_are_verbatim_from_the_report(seeds):
    """Every uit:quote is an exact substring of the report (whitespace and curly quotes normalised), at most 200 characters."""
    path = _report_path()
    if path is None:
        pytest.skip(f"the report {REPORT_NAME} was not found; set USEIT_REPORT to its path")
    report = _normalise(path.read_text(encoding="utf-8"))
    quotes = list(seeds.subject_objects(UIT.quote))
    assert len(quotes) > 200
    missing = [(str(ev), str(q)) for ev, q in quotes if _normalise(str(q)) not in report]
    too_long = [str(ev) for ev, q in quotes if len(str(q)) > 200]
    assert missing == []
    assert too_long == []


def test_every_evidence_resource_is_complete(seeds):
    """Each uit:Evidence names the report, a section and one quote (seeds/README.md, provenance)."""
    report = BHAM["useit-impact-report"]
    assert (report, RDF.type, UIT.SourceDocument) in seeds
    assert str(seeds.value(report, URIRef("http://purl.org/dc/terms/creator"))) == "CLES"
    for ev in seeds.subjects(RDF.type, UIT.Evidence):
        assert seeds.value(ev, UIT.source) == report, ev
        assert seeds.value(ev, UIT.section) is not None, ev
        assert len(list(seeds.objects(ev, UIT.quote))) == 1, ev


def test_every_claim_carries_evidence(g, seeds):
    """Every actor, asset, relationship, outcome, indicator, project and work package points at uit:Evidence."""
    kinds = [UIT.Agent, UIT.PhysicalAsset, UIT.Relationship, UIT.Outcome, UIT.Indicator, UIT.Project,
             UIT.Programme, UIT.WorkPackage]
    lacking = []
    for k in kinds:
        for x in _instances(g, k):
            if (x, None, None) not in seeds:
                continue
            evs = list(seeds.objects(x, UIT.evidence))
            if not evs or any((ev, RDF.type, UIT.Evidence) not in seeds for ev in evs):
                lacking.append(str(x))
    assert lacking == []


# ----------------------------------------------------------------------------------------------
# Shape of the graph
# ----------------------------------------------------------------------------------------------

def test_coverage_counts(g):
    """Coverage target: well over 60 named entities and 100 relationships from the whole report."""
    entities = set()
    for k in (UIT.Agent, UIT.PhysicalAsset, UIT.Place, UIT.Project, UIT.Programme, UIT.WorkPackage):
        entities |= _instances(g, k)
    assert len(entities) >= 60
    assert len(_relationships(g)) >= 100


def test_every_relationship_has_two_parties_a_start_date_and_evidence(g):
    """Each qualified relationship has at least two distinct participants, one xsd:date start and evidence."""
    bad = []
    for r in _relationships(g):
        starts = list(g.objects(r, UIT.startDate))
        ok = (len(_participants(g, r)) >= 2 and len(starts) == 1 and starts[0].datatype == XSD.date
              and any(True for _ in g.objects(r, UIT.evidence)) and g.value(r, RDFS.label) is not None)
        if not ok:
            bad.append(str(r))
    assert bad == []


def test_every_participant_is_typed(g):
    """Every IRI used in a participant role has an rdf:type under Agent, PhysicalAsset, Project, Programme or WorkPackage."""
    allowed = set()
    for k in (UIT.Agent, UIT.PhysicalAsset, UIT.Project, UIT.Programme, UIT.WorkPackage):
        allowed |= _instances(g, k)
    q = PREFIXES + "SELECT DISTINCT ?x WHERE { ?p rdfs:subPropertyOf* uit:participant . ?r ?p ?x . }"
    untyped = [str(row.x) for row in g.query(q) if row.x not in allowed]
    assert untyped == []


def test_dates_fall_in_the_report_period(g):
    """No relationship ends before it starts, and nothing is dated after the programme's end (December 2019, section 1)."""
    for r in _relationships(g):
        start = str(g.value(r, UIT.startDate))
        end = g.value(r, UIT.endDate)
        assert start <= PROGRAMME_END, r
        if end is not None:
            assert start <= str(end) <= PROGRAMME_END, r


def test_programme_dates():
    """Section 1: a three-year programme whose final year ran January to December 2019; title 'Impact report, 2016-19'."""
    graph = Graph()
    graph.parse(ROOT / "seeds" / "programme.ttl", format="turtle")
    prog = BHAM["useit-programme"]
    assert str(graph.value(prog, UIT.startDate)) == PROGRAMME_START
    assert str(graph.value(prog, UIT.endDate)) == PROGRAMME_END


def test_ties_created_by_the_programme_start_after_it_and_baseline_ties_before(g):
    """Dating rule (seeds/README.md): ties to assets created during USE-IT! start after the programme start;
    ties the report says existed before it start earlier (section 5 SC1: Brushstrokes 'were already involved in a
    Sandwell MBC employment support project'; section 7: Birmingham Settlement 'the landowner')."""
    created = set(g.subjects(UIT.createdDuring, BHAM["useit-programme"]))
    for r in _relationships(g):
        if _participants(g, r) & created:
            assert str(g.value(r, UIT.startDate)) > PROGRAMME_START, r
    for slug in ("rel-sandwell-mbc-brushstrokes-employment-support",
                 "rel-birmingham-settlement-owns-edgbaston-reservoir-playing-field",
                 "rel-swbh-runs-learning-works"):
        assert str(g.value(BHAM[slug], UIT.startDate)) < PROGRAMME_START, slug
    for r in g.subjects(RDF.type, UIT.Brokerage):
        assert str(g.value(r, UIT.startDate)) > PROGRAMME_START, r


# ----------------------------------------------------------------------------------------------
# Work Package 5: Brushstrokes, the Learning Works and the Trust
# ----------------------------------------------------------------------------------------------

def test_learning_works_is_a_component_of_swbh(g):
    """Section 5 Context: 'the Learning Works (a component of the Sandwell and West Birmingham NHS Trust)'."""
    lw, swbh = BHAM["learning-works"], BHAM["swbh-nhs-trust"]
    assert (lw, RDF.type, UIT.ProgrammeTeam) in g
    assert (lw, UIT.partOf, swbh) in g
    assert (swbh, RDF.type, UIT.NHSTrust) in g
    assert "SWBH" in {str(a) for a in g.objects(swbh, SKOS.altLabel)}


def test_brushstrokes_reaches_swbh_through_the_learning_works(g):
    """Section 5 (Outcome 5, SC2, SC3, Legacy recommendation 2): a strong partnership and two-way referral between
    Brushstrokes and the Learning Works; the Learning Works, a component of SWBH, brokers Brushstrokes into
    'real localised provision' with the Trust."""
    q = PREFIXES + """
    ASK {
      ?r1 ?p1 bham:brushstrokes ; ?p2 bham:learning-works .
      ?p1 rdfs:subPropertyOf* uit:participant . ?p2 rdfs:subPropertyOf* uit:participant .
      ?r2 ?p3 bham:learning-works ; ?p4 bham:swbh-nhs-trust .
      ?p3 rdfs:subPropertyOf* uit:participant . ?p4 rdfs:subPropertyOf* uit:participant .
      ?b a uit:Brokerage ; uit:broker bham:learning-works ;
         uit:brokeredParty bham:brushstrokes, bham:swbh-nhs-trust .
      ?ref a uit:Referral ; uit:referrer bham:learning-works ; uit:referredTo bham:brushstrokes .
      ?back a uit:Referral ; uit:referrer bham:brushstrokes ; uit:referredTo bham:learning-works .
    }"""
    assert g.query(q).askAnswer


def test_brushstrokes_learning_works_swbh_path_in_the_projection(g):
    """The same path survives projection to networkx: Brushstrokes - Learning Works - SWBH edges exist."""
    project = pytest.importorskip("useit_graph.project")
    G = project.project_graph(g)
    b, lw, swbh = (str(BHAM[x]) for x in ("brushstrokes", "learning-works", "swbh-nhs-trust"))
    assert G.has_edge(b, lw) or G.has_edge(lw, b)
    assert G.has_edge(lw, swbh) or G.has_edge(swbh, lw)
    tiers = {n: G.nodes[n]["tier"] for n in (b, lw, swbh)}
    assert tiers == {b: "micro", lw: "intermediary", swbh: "macro"}


WP5_FIGURES = {  # section 5, Summary of activity and outputs, 'as of 26th September 2019'
    "ind-wp5-overseas-nationals-engaged": (60, 235),
    "ind-wp5-invited-ielts-oet": (None, 169),
    "ind-wp5-started-ielts-oet": (None, 104),
    "ind-wp5-passed-ielts": (None, 16),
    "ind-wp5-nhs-placements": (None, 19),
    "ind-wp5-paid-work": (None, 52),
    "ind-wp5-professional-registration": (None, 5),
}


@pytest.mark.parametrize("slug", sorted(WP5_FIGURES))
def test_wp5_engagement_figures(g, slug):
    """Section 5, Summary of activity and outputs: target 60; 235 engaged, 169 invited, 104 started, 16 passed
    IELTS, 19 NHS placements, 52 paid work, 5 registered, as of 26 September 2019."""
    target, delivered = WP5_FIGURES[slug]
    ind = BHAM[slug]
    assert _num(g, ind, UIT.deliveredValue) == delivered
    assert _num(g, ind, UIT.targetValue) == (None if target is None else Decimal(target))
    assert str(g.value(ind, UIT.asOf)) == "2019-09-26"
    assert g.value(ind, UIT.workPackage) == BHAM["wp5"]


def test_wp5_cohort_size(g):
    """Section 5 and infographic: '235 highly skilled overseas nationals have engaged with the Learning Works'."""
    assert g.value(BHAM["wp5-participants"], UIT.memberCount).toPython() == 235


TABLE1 = {  # section 5, Table 1: Anticipated salaries of Work Package 5 participants (salary K, count, total)
    "doctors": (61, 44, 2_684_000), "eye-surgeons": (77, 1, 77_000), "anaesthetists": (50, 3, 150_000),
    "nurses": (25, 71, 1_775_000), "psychologists": (35, 3, 105_000), "physiotherapists": (30, 4, 120_000),
    "biomedical-scientists": (35, 28, 980_000), "pharmacists": (38, 14, 532_000), "dentists": (70, 15, 1_050_000),
}
TABLE1_PRINTED = {  # the profession as printed in the report's first column
    "Doctor": "doctors", "Eye surgeon": "eye-surgeons", "Anaesthetist": "anaesthetists", "Nurse": "nurses",
    "Psychologist": "psychologists", "Physiotherapist": "physiotherapists", "Bio Medical Scientist": "biomedical-scientists",
    "Pharmacist": "pharmacists", "Dentist": "dentists",
}


def test_table1_in_the_report_is_what_the_test_expects():
    """Section 5, Table 1 read from the report itself: each row 'Doctor<TAB>61K<TAB>44<TAB>£2,684,000' and the
    total '£7,473,000'. Guards the TABLE1 constant against transcription errors."""
    path = _report_path()
    if path is None:
        pytest.skip(f"the report {REPORT_NAME} was not found; set USEIT_REPORT to its path")
    text = path.read_text(encoding="utf-8")
    table = text[text.index("Table 1: Anticipated salaries of Work Package 5 participants"):]
    table = table[:table.index("## System change outcomes")]
    rows = {}
    for m in re.finditer(r"^([A-Za-z ]+)\t(\d+)K\t(\d+)\t£([\d,]+)\s*$", table, flags=re.M):
        rows[TABLE1_PRINTED[m.group(1)]] = (int(m.group(2)), int(m.group(3)), int(m.group(4).replace(",", "")))
    assert rows == TABLE1
    assert "£7,473,000" in table and "Salary (estimate)" in table


@pytest.mark.parametrize("profession", sorted(TABLE1))
def test_table1_rows_are_estimates_with_a_salary_per_person(g, profession):
    """Section 5, Table 1 'Anticipated salaries', whose caption says the Learning Works 'estimates the potential
    salary benefit if every individual engaged with Work Package 5 moved into employment in the NHS': each row is
    a uit:EstimatedIndicator whose uit:estimatedValue is the row's overall total, with the salary estimate in GBP
    (uit:valuePerPersonGBP, e.g. 61K = 61000 for doctors), the participant count, the assumption, and no
    uit:deliveredValue (nothing was delivered)."""
    salary_k, count, total = TABLE1[profession]
    ind = BHAM[f"ind-wp5-anticipated-salaries-{profession}"]
    assert (ind, RDF.type, UIT.EstimatedIndicator) in g
    assert _num(g, ind, UIT.estimatedValue) == total == salary_k * 1000 * count
    assert _num(g, ind, UIT.valuePerPersonGBP) == salary_k * 1000
    assert g.value(ind, UIT.memberCount).toPython() == count
    assert g.value(ind, UIT.deliveredValue) is None and g.value(ind, UIT.targetValue) is None
    assert "moved into employment in the NHS" in str(g.value(ind, UIT.assumption))
    assert str(g.value(ind, UIT.unit)) == "GBP per year"


def test_table1_rows_add_up_to_the_printed_total(g):
    """Section 5, Table 1: the printed total is £7,473,000 and the nine rows add up to it exactly (183 participants)."""
    tot = BHAM["ind-wp5-anticipated-salaries-total"]
    assert (tot, RDF.type, UIT.EstimatedIndicator) in g and g.value(tot, UIT.deliveredValue) is None
    total = _num(g, tot, UIT.estimatedValue)
    rows = sum(_num(g, BHAM[f"ind-wp5-anticipated-salaries-{p}"], UIT.estimatedValue) for p in TABLE1)
    assert total == rows == 7_473_000
    assert sum(c for _, c, _ in TABLE1.values()) == 183 == g.value(tot, UIT.memberCount).toPython()


def test_no_estimate_is_stored_as_a_delivered_value(g):
    """Only results the report says were reached are uit:deliveredValue: no indicator whose label or unit calls it
    anticipated, estimated or potential carries one (the Table 1 salaries did, before the audit of issue #2)."""
    for ind in _instances(g, UIT.Indicator):
        words = (str(g.value(ind, RDFS.label)) + " " + str(g.value(ind, UIT.unit))).lower()
        if any(w in words for w in ("anticipated", "estimate", "potential")):
            assert g.value(ind, UIT.deliveredValue) is None, ind
            assert (ind, RDF.type, UIT.EstimatedIndicator) in g, ind


# ----------------------------------------------------------------------------------------------
# Work Package 4: community research
# ----------------------------------------------------------------------------------------------

def test_eighty_community_researchers(g):
    """Section 4, Outputs delivered: '80 people have engaged with the community researcher training'; infographic: 80 deployed."""
    crs = BHAM["community-researchers"]
    assert (crs, RDF.type, UIT.CommunityResearcherCohort) in g
    assert g.value(crs, UIT.memberCount).toPython() == 80
    assert _num(g, BHAM["ind-wp4-researchers-trained"], UIT.deliveredValue) == 80
    q = PREFIXES + "ASK { ?t a uit:Training ; uit:trainer bham:university-of-birmingham ; uit:trainee bham:community-researchers . }"
    assert g.query(q).askAnswer


def test_sixteen_commissioned_projects_and_the_councils_300000_grant(g):
    """Section 4, Outputs delivered: 16 research projects commissioned with clients; £300,000 secured by
    Birmingham City Council to tackle childhood obesity partly on commissioned research evidence; infographic:
    16 organisations have commissioned research."""
    assert _num(g, BHAM["ind-wp4-commissioned-research-projects"], UIT.deliveredValue) == 16
    assert _num(g, BHAM["ind-wp4-commissioning-organisations"], UIT.deliveredValue) == 16
    assert g.value(BHAM["research-clients"], UIT.memberCount).toPython() == 16
    q = PREFIXES + """SELECT ?amount WHERE { ?f a uit:Funding ; uit:recipient bham:birmingham-city-council ;
                                               uit:amountGBP ?amount . }"""
    amounts = {Decimal(str(row.amount.toPython())) for row in g.query(q)}
    assert Decimal(300000) in amounts
    q = PREFIXES + """ASK { ?c a uit:Commissioning ; uit:commissioner bham:research-clients ;
                               uit:provider bham:community-researchers, bham:university-of-birmingham . }"""
    assert g.query(q).askAnswer


def test_iris_framework_and_bvsc_support(g):
    """Section 4, Outcome 4: training 'based on a framework developed by ... (IRiS) at the University';
    Outcome 1: 'USE-IT! has partnered with BVSC which will provide support' to the researchers' social enterprise."""
    assert (BHAM["iris"], UIT.partOf, BHAM["university-of-birmingham"]) in g
    q = PREFIXES + """ASK { ?t a uit:Training ; uit:trainer bham:iris ; uit:trainee bham:community-researchers .
                           ?s a uit:Support ; uit:supporter bham:bvsc ;
                              uit:supported bham:community-research-social-enterprise . }"""
    assert g.query(q).askAnswer


# ----------------------------------------------------------------------------------------------
# Work Package 6: social enterprise
# ----------------------------------------------------------------------------------------------

TABLE2 = {  # section 6, Table 2: Summary of Outputs (application form target, delivered)
    "network-members": (80, 86), "products-services": (30, 32), "pop-up-markets": (18, 19),
    "consortia": (5, 5), "consortium-services": (10, 10), "start-ups": (30, 49), "propeller": (60, 56),
    "start-up-grants": (15, 15), "work-experience-packs": (2, 2), "schools": (15, 12),
    "work-experience-providers": (20, 21), "work-experience-places": (20, 7), "jobs": (10, 5),
    "mentors": (36, 36), "mentored-social-enterprises": (36, 25), "supply-chain-opportunities": (10, 5),
}


@pytest.mark.parametrize("row", sorted(TABLE2))
def test_table2_rows(g, row):
    """Section 6, Table 2: every row's target (application form) and delivered value, e.g. 49 start-ups against 30."""
    target, delivered = TABLE2[row]
    ind = BHAM[f"ind-wp6-t2-{row}"]
    assert (ind, RDF.type, UIT.Indicator) in g
    assert _num(g, ind, UIT.targetValue) == target
    assert _num(g, ind, UIT.deliveredValue) == delivered
    assert g.value(ind, UIT.workPackage) == BHAM["wp6"]


def test_table2_has_sixteen_rows(g):
    """Section 6, Table 2 has sixteen output rows, all modelled."""
    rows = {s for s in g.subjects(RDF.type, UIT.Indicator) if str(s).startswith(str(BHAM["ind-wp6-t2-"]))}
    assert len(rows) == len(TABLE2) == 16


def test_wp6_headline_figures(g):
    """Infographic 'Social enterprise iSE': 44 new social enterprises launched, 25 new products and services,
    5 supply chain opportunities, 5 jobs created, £248,000 brought into the local economy (section 6, Outcome Three:
    leveraged by 12 social enterprises)."""
    assert _num(g, BHAM["ind-wp6-social-enterprises-launched"], UIT.deliveredValue) == 44
    assert _num(g, BHAM["ind-wp6-new-products-services-infographic"], UIT.deliveredValue) == 25
    assert _num(g, BHAM["ind-wp6-t2-supply-chain-opportunities"], UIT.deliveredValue) == 5
    assert _num(g, BHAM["ind-wp6-t2-jobs"], UIT.deliveredValue) == 5
    assert _num(g, BHAM["ind-wp6-money-leveraged"], UIT.deliveredValue) == 248_000
    assert _num(g, BHAM["ind-wp6-social-enterprises-leveraging-money"], UIT.deliveredValue) == 12


def test_start_ups_by_sector_add_up_to_44(g):
    """Section 6, Summary of activity and outputs: the 44 start-ups by sector (7 health, 6 food, ... 7 other)."""
    slugs = ["health", "food", "community-business-development", "support-coaching", "retail-gifts-crafts",
             "tourism", "zero-waste", "sport", "built-environment", "other"]
    assert sum(_num(g, BHAM[f"ind-wp6-start-ups-{s}"], UIT.deliveredValue) for s in slugs) == 44


def test_ise_bridging_staff_post(g):
    """Section 6, Commonwealth Games: iSE contracted a member of staff 'to act as a bridging contact between
    developers and social enterprises', possible only with USE-IT! funding."""
    q = PREFIXES + """ASK { ?b a uit:Brokerage ; uit:broker bham:ise ; uit:mechanism uit:mechanism-staff-post ;
                              uit:brokeredParty bham:games-developers, bham:wp6-start-up-social-entrepreneurs .
                           ?f a uit:Funding ; uit:funder bham:uia ; uit:recipient bham:ise . }"""
    assert g.query(q).askAnswer


def test_developers_commit_3_5m_to_social_enterprises(g):
    """Section 6 (three developers, 'their collective £3.5 million') and section 7 ('commitments from developers
    to spend at least £3.5m with Birmingham based social enterprises')."""
    q = PREFIXES + """SELECT ?a WHERE { ?p a uit:Procurement ; uit:buyer bham:games-developers ; uit:amountGBP ?a . }"""
    assert [Decimal(str(r.a.toPython())) for r in g.query(q)] == [Decimal(3_500_000)]
    assert _num(g, BHAM["ind-wp6-developer-commitment"], UIT.targetValue) == 3_500_000


def test_dcms_links_ise_with_the_games_organising_committee(g):
    """Section 6, Commonwealth Games: DCMS work 'to link iSE with key strategic players, including procurement at
    the Common Games Organising Committee'."""
    q = PREFIXES + """ASK { ?b a uit:Brokerage ; uit:broker bham:dcms ;
                              uit:brokeredParty bham:ise, bham:commonwealth-games-organising-committee . }"""
    assert g.query(q).askAnswer


def test_third_sector_working_group(g):
    """Section 6, Commonwealth Games: iSE's Third Sector Working Group 'includes representatives from BSSEC and the
    Heart of England Community Foundation'."""
    members = set(g.query(PREFIXES + """SELECT ?m WHERE { ?r a uit:Membership ; uit:member ?m ;
                                                           uit:memberOf bham:third-sector-working-group . }"""))
    assert {row.m for row in members} == {BHAM["bssec"], BHAM["heart-of-england-community-foundation"]}


def test_holy_trinity_coworking_space_with_smethwick_can(g):
    """Section 6, Outcome Five: a FUSE participant 'worked with Smethwick CAN ... to create a six desk co-working
    space ... in Holy Trinity Church' with 15 members; infographic: Holy Trinity Smethwick 'ChangeSpaces'."""
    space = BHAM["holy-trinity-coworking-space"]
    assert (space, RDF.type, UIT.Space) in g
    assert (space, UIT.createdDuring, BHAM["useit-programme"]) in g
    assert (space, UIT.locatedIn, BHAM["smethwick"]) in g
    q = PREFIXES + """ASK { ?o a uit:Ownership ; uit:owner bham:smethwick-can ; uit:owned bham:holy-trinity-coworking-space .
                           ?a a uit:AssetProvision ; uit:assetProvider bham:smethwick-can ;
                              uit:asset bham:holy-trinity-coworking-space . }"""
    assert g.query(q).askAnswer
    assert _num(g, BHAM["ind-wp6-coworking-members"], UIT.deliveredValue) == 15


# ----------------------------------------------------------------------------------------------
# Work Package 7 and system change
# ----------------------------------------------------------------------------------------------

def test_edgbaston_reservoir_playing_field_brokerage(g):
    """Section 8, Bottom-up: 'the brokering of relationships between Birmingham Settlement (the landowner), local
    resident groups and the City Council in relation the playing field adjacent to the Edgbaston Reservoir'
    (section 7: 'connections have been built between the landowner ... and the City Council planning department')."""
    q = PREFIXES + """SELECT ?b ?m WHERE { ?b a uit:Brokerage ; uit:broker bham:useit-team ;
                                                uit:asset bham:edgbaston-reservoir-playing-field ; uit:mechanism ?m . }"""
    rows = list(g.query(q))
    assert len(rows) == 1
    parties = set(g.objects(rows[0].b, UIT.brokeredParty))
    assert parties == {BHAM["birmingham-settlement"], BHAM["summerfield-alliance"], BHAM["birmingham-city-council"]}
    assert (BHAM["useit-team"], RDF.type, UIT.ProgrammeTeam) in g
    assert (BHAM["edgbaston-reservoir-playing-field"], RDF.type, UIT.Land) in g
    q = PREFIXES + """ASK { ?o a uit:Ownership ; uit:owner bham:birmingham-settlement ;
                                uit:owned bham:edgbaston-reservoir-playing-field . }"""
    assert g.query(q).askAnswer


def test_warm_earth_created_by_summerfield_residents_association(g):
    """Infographic: Warm Earth, 'Project created by Summerfield Residents Association ... (winner of the USE-IT!
    Challenge Award)'; section 7: a resident gardening group developed it into a social enterprise."""
    we = BHAM["warm-earth"]
    assert (we, RDF.type, UIT.SocialEnterprise) in g
    assert (we, UIT.createdDuring, BHAM["useit-programme"]) in g
    q = PREFIXES + """ASK { ?o a uit:Ownership ; uit:owner bham:summerfield-residents-association ; uit:owned bham:warm-earth .
                           ?r a uit:Recognition ; uit:recognised bham:warm-earth . }"""
    assert g.query(q).askAnswer


def test_port_loop_neighbourhood_lab_negotiated_with_the_developer(g):
    """Infographic 'Port Loop': 'Civic Square' moved to the area 'by negotiating a space for their Neighbourhood Lab
    with the local housing developer' (an unnamed developer)."""
    q = PREFIXES + """ASK { ?b a uit:Brokerage ; uit:mechanism uit:mechanism-negotiation ;
                              uit:brokeredParty bham:civic-square, bham:port-loop-developer ;
                              uit:asset bham:civic-square-neighbourhood-lab .
                           bham:port-loop-developer a uit:Developer . }"""
    assert g.query(q).askAnswer


def test_ladywood_job_club_jobs(g):
    """Infographic: '14 local people were employed thanks to USE-IT! Job Club's work with local employers' at Ladywood
    Leisure Centre & Roundhouse; section 7: seven previously unemployed people at Ladywood Leisure Centre."""
    assert g.value(BHAM["job-club-recruits"], UIT.memberCount).toPython() == 14
    assert _num(g, BHAM["ind-wp7-ladywood-leisure-centre-jobs"], UIT.deliveredValue) == 7
    q = PREFIXES + """SELECT DISTINCT ?asset WHERE { ?r a uit:Referral ; uit:referrer bham:useit-job-club ; uit:asset ?asset . }"""
    assert {row.asset for row in g.query(q)} == {BHAM["ladywood-leisure-centre"], BHAM["birmingham-roundhouse"]}


def test_balfour_beatty_labour_agreement(g):
    """Section 5, SC2: the Learning Works and Balfour Beatty, building the new Midlands Metropole Hospital, agreed
    that 10% of the labour used will be people furthest from the labour market, realised 'through referrals'."""
    q = PREFIXES + """ASK { ?r a uit:Referral ; uit:referrer bham:learning-works ; uit:referredTo bham:balfour-beatty ;
                              uit:asset bham:midland-metropolitan-hospital . }"""
    assert g.query(q).askAnswer


def test_social_enterprise_city_steering_group(g):
    """Section 7: 'Built a Steering Group of 5 local anchor institutions, 2 social enterprise organisations and the
    Greater Birmingham and Solihull LEP'; section 6: accreditation awarded by Social Enterprise UK."""
    sec = BHAM["social-enterprise-city"]
    assert g.value(sec, UIT.memberCount).toPython() == 8
    members = {row.m for row in g.query(PREFIXES + "SELECT ?m WHERE { ?r a uit:Membership ; uit:member ?m ; uit:memberOf ?sec . }",
                                          initBindings={"sec": sec})}
    assert members == {BHAM["gbslep"], BHAM["sec-anchor-institutions"], BHAM["sec-social-enterprise-organisations"]}
    assert _num(g, BHAM["ind-sec-steering-group-anchor-institutions"], UIT.deliveredValue) == 5
    assert _num(g, BHAM["ind-sec-steering-group-social-enterprise-organisations"], UIT.deliveredValue) == 2
    q = PREFIXES + """ASK { ?b a uit:Brokerage ; uit:mechanism uit:mechanism-steering-group ; uit:broker bham:useit-team ;
                              uit:brokeredParty bham:gbslep .
                           ?a a uit:Recognition ; uit:recogniser bham:social-enterprise-uk ; uit:recognised ?sec . }"""
    assert g.query(q, initBindings={"sec": sec}).askAnswer


def test_system_change_outcomes(g):
    """Section 3 (framework table, 'System change') and section 8: six system-change outcomes, in order, each
    measured by its network indicator."""
    expected = {1: "anchor_linking_ties", 2: "anchor_resource_flows", 3: "people_asset_connectedness",
                4: "new_community_assets", 5: "recognition_ties", 6: "anchor_community_reciprocity"}
    for n, name in expected.items():
        o = BHAM[f"outcome-sc{n}"]
        assert (o, RDF.type, UIT.SystemChangeOutcome) in g
        assert g.value(o, UIT.outcomeNumber).toPython() == n
        assert str(g.value(o, UIT.measuredBy)) == name
    assert len(set(g.subjects(RDF.type, UIT.SystemChangeOutcome))) == 6


def test_new_community_assets_created_during_the_programme(g):
    """Infographic, sections 4, 6 and 7: Golden Sparkle, Warm Earth, SOHO Network, Summerfield Alliance, Eat Make Play,
    the Smethwick food co-operative, the community researcher social enterprise, the Holy Trinity co-working space."""
    created = set(g.subjects(UIT.createdDuring, BHAM["useit-programme"]))
    for slug in ("golden-sparkle", "warm-earth", "soho-network", "summerfield-alliance", "eat-make-play",
                 "smethwick-food-cooperative", "community-research-social-enterprise", "holy-trinity-coworking-space"):
        assert BHAM[slug] in created, slug
    q = PREFIXES + "ASK { ?o a uit:Ownership ; uit:owner bham:queeni-thomas ; uit:owned bham:golden-sparkle . }"
    assert g.query(q).askAnswer


def test_case_study_people_are_personal_data(g):
    """Section 5 footnotes 3 and 4: 'For confidentiality reasons, names have been changed' (Leila, Sami); every
    person is marked as personal data."""
    for p in _instances(g, UIT.Person):
        assert g.value(p, UIT.personalData).toPython() is True, p
    for slug in ("leila", "sami"):
        assert g.value(BHAM[slug], UIT.pseudonymised).toPython() is True


NAMED = [  # organisations named in the report (label or alternative label), with where they appear
    "Urban Innovative Actions",            # section 1, About the programme
    "Centre for Local Economic Strategies",  # section 1
    "Birmingham City Council", "University of Birmingham", "Birmingham City University",
    "University Hospital Birmingham",      # section 8, largest programme partners
    "Sandwell and West Birmingham NHS Trust", "Learning Works", "Brushstrokes", "Sandwell MBC",  # section 5
    "Balfour Beatty",                      # section 5, SC2
    "iSE", "Smethwick CAN", "Co-operative Futures", "Localise West Midlands",  # section 6
    "School of Social Entrepreneurs", "Lloyds Bank", "Social Enterprise UK", "DCMS",
    "Common Games Organising Committee", "BSSEC", "Heart of England Community Foundation", "Chamber of Commerce",
    "BVSC", "IRiS", "Centre for Urban and Regional Studies",  # section 4
    "Birmingham Settlement", "Summerfield Alliance", "Summerfield Residents Association",  # sections 7, 8
    "Greater Birmingham and Solihull LEP", "Pioneer Housing Group", "Civic Square", "Golden Sparkle", "Warm Earth",
    "SOHO Network", "Eat, Make, Play", "Local Trust", "Manchester City Council", "University of Manchester", "Amazon",
]


@pytest.mark.parametrize("name", NAMED)
def test_named_organisations_are_in_the_graph(g, name):
    """Every organisation the report names is an agent, found by its label or an alternative label."""
    agents = _instances(g, UIT.Agent)
    hits = {s for s in g.subjects(RDFS.label, Literal(name))} | {s for s in g.subjects(SKOS.altLabel, Literal(name))}
    assert hits & agents, name


# ----------------------------------------------------------------------------------------------
# Projects and their leads are connected by qualified relationships (audit of issue #2)
# ----------------------------------------------------------------------------------------------

# Projects for which the report names no party, so no qualified relationship can be supported:
UNCONNECTED_PROJECTS = {
    "athletes-village": "section 6: partners 'are looking to take ownership' of a building in it after the Games (planned)",
    "commonwealth-games-swimming-pool": "section 6: one of 'two major developments', no developer or operator named",
    "hs2": "section 6: named only as a macro opportunity",
    "north-birmingham-housing-development": "section 8: a clause 'to be considered' for its procurement (planned)",
}


def _projects_in_relationships(g) -> set:
    q = PREFIXES + """SELECT DISTINCT ?x WHERE { ?p rdfs:subPropertyOf* uit:participant . ?r ?p ?x .
                                                   ?c rdfs:subClassOf* uit:Relationship . ?r a ?c . ?x a uit:Project . }"""
    return {row.x for row in g.query(q)}


def test_every_project_takes_part_in_a_qualified_relationship(g, seeds):
    """A bare uit:lead or uit:workPackage triple never becomes a graph edge, so every project the report ties to a
    party is a participant of some qualified relationship. The four exceptions are listed with the reason."""
    projects = set(seeds.subjects(RDF.type, UIT.Project))
    assert len(projects) == 30
    unconnected = {str(p).rsplit("/", 1)[1] for p in projects - _projects_in_relationships(g)}
    assert unconnected == set(UNCONNECTED_PROJECTS)


def test_every_project_lead_is_also_an_ownership(g, seeds):
    """Each uit:lead of a project has a uit:Ownership with the lead as uit:owner and the project as uit:owned,
    so the lead is an edge of the projection (seeds/README.md)."""
    missing = []
    for proj, lead in seeds.subject_objects(UIT.lead):
        if (proj, RDF.type, UIT.Project) not in seeds:
            continue
        q = PREFIXES + "ASK { ?o a uit:Ownership ; uit:owner ?lead ; uit:owned ?proj . }"
        if not g.query(q, initBindings={"lead": lead, "proj": proj}).askAnswer:
            missing.append((str(proj), str(lead)))
    assert missing == []
    assert len(list(seeds.subject_objects(UIT.lead))) >= 10


def _owners(g, project_slug) -> set:
    q = PREFIXES + "SELECT ?o WHERE { ?r a uit:Ownership ; uit:owned ?p ; uit:owner ?o . }"
    return {row.o for row in g.query(q, initBindings={"p": BHAM[project_slug]})}


def test_community_research_projects_are_run_by_the_researchers(g):
    """Section 4, Outcome 4: 'the Connecting Canals and Local Communities project saw the researchers engage members
    of the public' and 'the Wild Neighbourhood project has seen the community researchers engaging with key
    environmental and wildlife organisations'; section 4: commissioned research 'has seen the community researchers
    work with University academics to deliver research for clients', e.g. the type 2 diabetes and skills
    recognition projects (Outcome 5) and the project behind the £300,000 grant."""
    crs, uob = BHAM["community-researchers"], BHAM["university-of-birmingham"]
    assert crs in _owners(g, "connecting-canals-project")
    assert crs in _owners(g, "wild-neighbourhood-project")
    for slug in ("diabetes-research-project", "skills-recognition-project", "childhood-obesity-research-project"):
        assert _owners(g, slug) == {crs, uob}, slug
    q = PREFIXES + """ASK { ?s a uit:Support ; uit:supporter bham:childhood-obesity-research-project ;
                               uit:supported bham:birmingham-city-council . }"""
    assert g.query(q).askAnswer


def test_wp7_outputs_are_tied_to_the_joint_leads(g):
    """Section 7: Work Package 7 'has been led jointly by iSE and Birmingham City Council'; its outputs include
    'Three Community Economic Development Plans ... for Soho, Smethwick and the Summerfield Reservoir' and 'A Roadmap
    for legacy'."""
    leads = {BHAM["ise"], BHAM["birmingham-city-council"]}
    for slug in ("ced-plan-soho", "ced-plan-smethwick", "ced-plan-summerfield-reservoir", "useit-legacy-roadmap"):
        assert _owners(g, slug) == leads, slug


def test_technical_advice_through_ise_and_cooperative_futures(g):
    """Section 7, Impact assessment: organisations benefited from 'technical advice and expertise (through iSE and
    Cooperative Futures)' ... 'In some cases this support has enabled informal groups to grow and commercialise
    their activities, for example, a resident gardening group has developed a social enterprise'."""
    q = PREFIXES + "SELECT ?r WHERE { ?r a uit:Support ; uit:supporter bham:co-operative-futures . }"
    (row,) = list(g.query(q))
    assert set(g.objects(row.r, UIT.supporter)) == {BHAM["ise"], BHAM["co-operative-futures"]}
    assert set(g.objects(row.r, UIT.supported)) == {BHAM["warm-earth-gardening-group"]}
    assert BHAM["ev-wp7-technical-advice"] in set(g.objects(row.r, UIT.evidence))


def test_social_enterprise_world_forum_visit_is_brokered(g):
    """Section 8 (and 7): USE-IT! 'Married practical support with affirmation and profile for community activists
    and organisations, linking them to peer networks locally, nationally and internationally'; one respondent's
    'visits he'd been on as part of USE-IT (to the Social Enterprise World Forum ...)'."""
    q = PREFIXES + """SELECT ?b WHERE { ?b a uit:Brokerage ; uit:broker bham:useit-team ;
                                              uit:brokeredParty bham:social-enterprise-world-forum ;
                                              uit:mechanism uit:mechanism-event . }"""
    (row,) = list(g.query(q))
    (visitor,) = set(g.objects(row.b, UIT.brokeredParty)) - {BHAM["social-enterprise-world-forum"]}
    assert (visitor, RDF.type, UIT.Person) in g and g.value(visitor, UIT.personalData).toPython() is True


def test_new_project_ties_follow_the_dating_rule(g):
    """seeds/README.md 'Dates (the rule)': undated ties the programme created start on 2017-04-01, commissioned
    research on 2018-06-01 ('particularly from the summer of 2018 onwards'), legacy activity on 2019-01-01, the Open
    Day on its day ('6th November', taken as 2019), and ties that framed the programme from its inception or are
    comparators on 2016-10-31 (baseline)."""
    expected = {
        "rel-community-researchers-carry-out-connecting-canals": "2017-04-01",
        "rel-ise-birmingham-city-council-ced-plan-soho": "2017-04-01",
        "rel-community-researchers-university-deliver-diabetes-research": "2018-06-01",
        "rel-ise-birmingham-city-council-legacy-roadmap": "2019-01-01",
        "rel-university-of-birmingham-runs-cr-open-day": "2019-11-06",
        "rel-port-loop-developer-leads-port-loop-development": "2016-10-31",
        "rel-commonwealth-games-organising-committee-runs-the-games": "2016-10-31",
        "rel-school-for-social-entrepreneurs-runs-lloyds-bank-start-up-programme": "2016-10-31",
    }
    for slug, date in expected.items():
        assert str(g.value(BHAM[slug], UIT.startDate)) == date, slug
    for slug, date in expected.items():  # a baseline date is always explained
        if date < PROGRAMME_START:
            assert g.value(BHAM[slug], RDFS.comment) is not None, slug


# ----------------------------------------------------------------------------------------------
# Legal forms (ESSGLOBAL-aligned concepts, used where the report states them)
# ----------------------------------------------------------------------------------------------

LEGAL_FORMS = {  # organisation -> legal form concept, with what the report says
    "smethwick-food-cooperative": "cooperative",          # section 7: 'a Food Cooperative in Smethwick'
    "warm-earth-gardening-group": "informal-group",       # section 7: 'informal community activity', 'informal groups'
    "warm-earth": "social-enterprise",                    # section 7: 'has developed a social enterprise'
    "community-research-social-enterprise": "social-enterprise",  # section 4: 'the social enterprise or community interest company'
}


def test_legal_forms_stated_in_the_report(g, seeds):
    """The legal forms the report states (sections 4 and 7) are recorded as uit:LegalForm concepts, and only those:
    the report gives no legal form for any other organisation. The co-operative maps to ESSGLOBAL's 'Cooperative'
    (legal-form L2)."""
    got = {str(s).rsplit("/", 1)[1]: str(o).rsplit("legal-form-", 1)[1] for s, o in seeds.subject_objects(UIT.legalForm)}
    assert got == LEGAL_FORMS
    coop = UIT["legal-form-cooperative"]
    assert (coop, SKOS.exactMatch, URIRef("http://purl.org/essglobal/standard/legal-form/L2")) in g
