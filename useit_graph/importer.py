"""Import entities and relationships from spreadsheets (CSV or XLSX) into validated RDF.

Staff keep their maps in spreadsheets, usually in Kumu's two-sheet layout (one sheet of elements,
one of connections with ``From``/``To``/``Type``). ``import_tables`` reads such a pair, checks every
row, and only when *nothing* is wrong returns an rdflib Graph; ``useit import`` then validates it
against the SHACL shapes and writes Turtle atomically. Bad input raises :class:`ImportFileError`
listing every problem with its file, sheet, row and column and the fix; nothing is half-written.

Templates: ``docs/import.md`` and ``examples/import/``.

Columns
-------
Entities (``ID`` optional, ``Label`` and ``Type`` required)::

    ID, Label, Type, Tier, Group, Alt labels, Place, Work package, Founded, Description,
    Personal data, Member count, Evidence section, Evidence quote

Relationships (``From``, ``To`` and ``Type`` required)::

    ID, From, To, Type, Label, Start, End, Amount GBP, Mechanism, Work package, Place,
    Evidence section, Evidence quote

Multi-valued cells (``Alt labels``, ``To`` of a brokerage) separate values with ``|``. ``From`` and
``To`` hold entity IDs or labels. ``From`` fills the relationship class's source role (funder,
broker, ...) and ``To`` its target role; for undirected types (Partnership) both are partners.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from .errors import ImportFileError
from .namespaces import DATA, UIT

__all__ = ["ENTITY_COLUMNS", "RELATIONSHIP_COLUMNS", "Problem", "import_tables", "read_table", "slugify"]

ENTITY_COLUMNS = ["ID", "Label", "Type", "Tier", "Group", "Alt labels", "Place", "Work package", "Founded",
                  "Description", "Personal data", "Member count", "Evidence section", "Evidence quote"]
RELATIONSHIP_COLUMNS = ["ID", "From", "To", "Type", "Label", "Start", "End", "Amount GBP", "Mechanism",
                        "Work package", "Place", "Evidence section", "Evidence quote"]
_REQUIRED = {"entities": ["Label", "Type"], "relationships": ["From", "To", "Type"]}
_ALIASES = {  # Kumu and common spellings -> our column
    "name": "Label", "label": "Label", "element type": "Type", "type": "Type", "id": "ID",
    "sector": "Group", "group": "Group", "tier": "Tier", "alt labels": "Alt labels", "aliases": "Alt labels",
    "acronyms": "Alt labels", "place": "Place", "location": "Place", "work package": "Work package",
    "founded": "Founded", "description": "Description", "personal data": "Personal data",
    "member count": "Member count", "members": "Member count", "evidence section": "Evidence section",
    "evidence quote": "Evidence quote", "from": "From", "to": "To", "connection type": "Type",
    "start": "Start", "start date": "Start", "end": "End", "end date": "End", "amount gbp": "Amount GBP",
    "amount": "Amount GBP", "value (gbp)": "Amount GBP", "mechanism": "Mechanism",
}
SEP = "|"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input table, as data."""

    file: str
    sheet: str
    row: int          # 1-based spreadsheet row (the header is row 1)
    column: str
    message: str
    fix: str

    def __str__(self) -> str:
        sheet = f"[{self.sheet}]" if self.sheet else ""
        col = f" column {self.column!r}" if self.column else ""
        return f"{self.file}{sheet} row {self.row}{col}: {self.message}\n  Fix: {self.fix}"


def slugify(text: str) -> str:
    """A stable IRI-safe local name from a label.

    Examples
    --------
    >>> slugify("Café Crème (Smethwick) Ltd.")
    'cafe-creme-smethwick-ltd'
    """
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# ------------------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------------------

def read_table(path: str | Path, sheet: str | None = None) -> tuple[list[str], list[list[str]], str]:
    """Read a CSV file or one sheet of an XLSX workbook as (header, rows, sheet name).

    CSV must be UTF-8 (a BOM is accepted); the delimiter (``,`` ``;`` or tab) is sniffed.

    Raises
    ------
    ImportFileError
        Unreadable file, wrong encoding (with the row of the first bad byte), missing sheet.
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"{path.name}: row {row}: the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            problems=[Problem(path.name, "", row, "", "not UTF-8", "save the file as 'CSV UTF-8'")],
            hint="save the sheet as 'CSV UTF-8 (comma delimited)' (Excel) or re-encode it "
                 "(`iconv -f cp1252 -t utf-8 in.csv > out.csv`).",
        ) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise ImportFileError(f"{path.name}: the file is empty", hint="add a header row and data rows")
    return [h.strip() for h in rows[0]], rows[1:], ""


def _read_xlsx(path: Path, sheet: str | None):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for bad files
        raise ImportFileError(f"{path.name}: not a readable XLSX workbook ({exc})",
                              hint="open it in a spreadsheet program and save as .xlsx") from exc
    names = {n.lower(): n for n in wb.sheetnames}
    if sheet is None:
        name = wb.sheetnames[0]
    elif sheet.lower() in names:
        name = names[sheet.lower()]
    else:
        raise ImportFileError(f"{path.name}: no sheet named {sheet!r} (sheets: {', '.join(wb.sheetnames)})",
                              hint=f"name the sheets 'Entities' and 'Relationships', or pass the sheet name")
    ws = wb[name]
    rows = []
    for r in ws.iter_rows(values_only=True):
        rows.append(["" if v is None else (v.isoformat()[:10] if isinstance(v, (_dt.date, _dt.datetime)) else str(v))
                     for v in r])
    wb.close()
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError(f"{path.name}[{name}]: the sheet is empty", hint="add a header row and data rows")
    return [h.strip() for h in rows[0]], rows[1:], name


# ------------------------------------------------------------------------------------------
# Checking cells
# ------------------------------------------------------------------------------------------

_FORMULA = re.compile(r"^[=+\-@\t\r]")


def _cell_value(raw: str, where: tuple, problems: list) -> str:
    """Strip, reject formula-looking cells, and unescape a leading apostrophe."""
    value = raw.strip()
    if value.startswith("'") and len(value) > 1 and value[1] in "=+-@":
        return value[1:]  # our CSV export's injection guard
    if _FORMULA.match(value) and not re.fullmatch(r"-\d[\d,.]*", value):
        problems.append(Problem(*where, f"the cell starts with {value[0]!r} and looks like a spreadsheet formula "
                                f"({value[:40]!r})",
                                "formulas are not imported: type the value itself, or prefix the text with an "
                                "apostrophe (') if it really starts with that character"))
        return ""
    return value


def _parse_date(value: str, where, problems):
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value[:10]) if len(value) >= 10 else _dt.date(int(value), 1, 1) if re.fullmatch(r"\d{4}", value) else _dt.date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(*where, f"{value!r} is not a date", "write dates as YYYY-MM-DD, e.g. 2018-06-01 "
                                "(a bare year such as 2018 means 1 January)"))
        return None


def _parse_amount(value: str, where, problems):
    if not value:
        return None
    cleaned = value.replace("£", "").replace(",", "").replace("GBP", "").strip()
    mult = 1
    if cleaned[-1:].lower() in ("k", "m"):
        mult = 1000 if cleaned[-1].lower() == "k" else 1_000_000
        cleaned = cleaned[:-1]
    try:
        amount = Decimal(cleaned) * mult
    except InvalidOperation:
        problems.append(Problem(*where, f"{value!r} is not an amount of money",
                                "write a plain number of pounds, e.g. 3500000, £3.5m or 300k"))
        return None
    if amount < 0:
        problems.append(Problem(*where, f"{value!r} is negative", "amounts are non-negative pounds"))
        return None
    return amount


# ------------------------------------------------------------------------------------------
# The vocabulary the tables may use
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Vocab:
    classes: dict          # lowercased local name / label -> class IRI
    rel_classes: dict      # subset: relationship classes
    edge: dict             # rel class -> (source props, target props, among props)
    tiers: dict
    groups: dict
    mechanisms: dict

    @classmethod
    def from_ontology(cls, onto: Graph) -> "_Vocab":
        ns = str(UIT._NS)
        classes, rel_classes, edge = {}, {}, {}
        supers = {}
        for c in onto.subjects(RDF.type, OWL.Class):
            if not str(c).startswith(ns):
                continue
            chain, frontier = [c], [c]
            while frontier:
                nxt = [p for f in frontier for p in onto.objects(f, RDFS.subClassOf) if p not in chain]
                chain += nxt
                frontier = nxt
            supers[c] = chain
        for c, chain in supers.items():
            keys = {str(c)[len(ns):].lower(), str(onto.value(c, RDFS.label) or "").lower()}
            for k in keys - {""}:
                classes[k] = c
            if UIT.Relationship in chain:
                for k in keys - {""}:
                    rel_classes[k] = c
                for anc in chain:
                    src = sorted(onto.objects(anc, UIT.edgeSource))
                    tgt = sorted(onto.objects(anc, UIT.edgeTarget))
                    among = sorted(onto.objects(anc, UIT.edgeAmong))
                    if src or tgt or among:
                        edge[c] = (src, tgt, among)
                        break

        def scheme(cls_iri):
            out = {}
            for s in onto.subjects(RDF.type, cls_iri):
                for lit in list(onto.objects(s, SKOS.notation)) + list(onto.objects(s, RDFS.label)):
                    out[str(lit).lower()] = s
                out[str(s)[len(ns):].lower()] = s
            return out

        return cls(classes, rel_classes, edge, scheme(UIT.Tier), scheme(UIT.Group), scheme(UIT.BrokerageMechanism))


def _columns(header, kind, fname, sheet, problems):
    mapping = {}
    for i, h in enumerate(header):
        key = _ALIASES.get(h.strip().lower())
        if key is None:
            if h.strip():
                allowed = ENTITY_COLUMNS if kind == "entities" else RELATIONSHIP_COLUMNS
                import difflib

                close = difflib.get_close_matches(h, allowed, n=1)
                problems.append(Problem(fname, sheet, 1, h, f"unknown column {h!r}",
                                        (f"did you mean {close[0]!r}? " if close else "")
                                        + "allowed columns: " + ", ".join(allowed)))
            continue
        if key in mapping:
            problems.append(Problem(fname, sheet, 1, h, f"column {key!r} appears twice", "keep one of them"))
        mapping[key] = i
    for req in _REQUIRED[kind]:
        if req not in mapping:
            problems.append(Problem(fname, sheet, 1, req, f"required column {req!r} is missing",
                                    f"add a {req!r} column (see docs/import.md for the template)"))
    return mapping


# ------------------------------------------------------------------------------------------
# The import
# ------------------------------------------------------------------------------------------

def import_tables(entities: str | Path, relationships: str | Path | None = None, *, ontology: Graph,
                  base: str | None = None, source_title: str | None = None,
                  entity_sheet: str | None = None, relationship_sheet: str | None = None) -> Graph:
    """Convert an entities table and a relationships table into RDF in the useit-graph ontology.

    Parameters
    ----------
    entities, relationships : path-like
        CSV files, or XLSX workbooks. With one XLSX and ``relationships=None`` the sheets
        ``Entities`` and ``Relationships`` of that workbook are read.
    ontology : rdflib.Graph
        ``ontology/useit.ttl`` (types, tiers, groups and mechanisms are looked up in it).
    base : str, optional
        Namespace for minted IRIs; default ``https://w3id.org/useit-graph/id/<entities file stem>/``.
    source_title : str, optional
        Title of the uit:SourceDocument that rows without their own evidence cite (default: the
        file names). Every resource gets evidence: a row's ``Evidence section``/``Evidence quote``,
        or the sheet and row it came from.

    Returns
    -------
    rdflib.Graph

    Raises
    ------
    ImportFileError
        Listing every problem (file, sheet, row, column, message, fix) when any row is bad.
    """
    entities = Path(entities)
    if relationships is None and entities.suffix.lower() in (".xlsx", ".xlsm"):
        relationships = entities
        entity_sheet = entity_sheet or "Entities"
        relationship_sheet = relationship_sheet or "Relationships"
    vocab = _Vocab.from_ontology(ontology)
    base = Namespace(base or f"{DATA}{slugify(entities.stem)}/")
    problems: list[Problem] = []
    g = Graph()
    g.bind("uit", UIT._NS)
    g.bind("data", base)
    g.bind("skos", SKOS)
    g.bind("dcterms", DCTERMS)

    doc = base["source"]
    title = source_title or ", ".join(p.name for p in {entities, Path(relationships)} if p) if relationships else (source_title or entities.name)
    g.add((doc, RDF.type, UIT.SourceDocument))
    g.add((doc, RDFS.label, Literal(title)))
    g.add((doc, DCTERMS.title, Literal(title)))

    def add_evidence(subject_id, fname, sheet, row, section, quote, fallback_quote):
        ev = base[f"ev-{subject_id}"]
        g.add((ev, RDF.type, UIT.Evidence))
        g.add((ev, UIT.source, doc))
        g.add((ev, UIT.section, Literal(section or f"{fname}{'[' + sheet + ']' if sheet else ''} row {row}")))
        g.add((ev, UIT.quote, Literal((quote or fallback_quote)[:400])))
        return ev

    # --- entities ---------------------------------------------------------------------------
    header, rows, sheet = read_table(entities, entity_sheet)
    fname = entities.name
    cols = _columns(header, "entities", fname, sheet, problems)
    ids: dict[str, URIRef] = {}
    labels: dict[str, list[str]] = {}
    if not any(p.row == 1 and "required" in p.message for p in problems):
        for r, row in enumerate(rows, start=2):
            if not any(c.strip() for c in row):
                continue
            before = len(problems)
            cell = {k: _cell_value(row[i] if i < len(row) else "", (fname, sheet, r, k), problems) for k, i in cols.items()}
            if len(problems) > before:
                continue  # formula cells: reported once, no follow-up problems for the row
            where = lambda col: (fname, sheet, r, col)  # noqa: E731
            label, typ = cell.get("Label", ""), cell.get("Type", "")
            if not label:
                problems.append(Problem(*where("Label"), "the label is empty", "give every entity a name"))
                continue
            local = slugify(cell.get("ID") or label)
            if local in ids:
                problems.append(Problem(*where("ID"), f"duplicate ID {local!r} (also on an earlier row)",
                                        "give each entity a unique ID (or a unique label when ID is blank)"))
                continue
            cls = vocab.classes.get(typ.lower())
            if cls is None or cls in vocab.rel_classes.values():
                import difflib

                close = difflib.get_close_matches(typ.lower(), [k for k in vocab.classes if vocab.classes[k] not in vocab.rel_classes.values()], n=3)
                problems.append(Problem(*where("Type"), f"unknown entity type {typ!r}",
                                        ("did you mean " + " or ".join(repr(c) for c in close) + "? " if close else "")
                                        + "use a class of ontology/useit.ttl, e.g. SocialEnterprise, CommunityGroup, "
                                        "LocalAuthority, NHSTrust, Developer"))
                continue
            s = base[local]
            ids[local] = s
            labels.setdefault(label.lower(), []).append(local)
            g.add((s, RDF.type, cls))
            g.add((s, RDFS.label, Literal(label)))
            for alt in filter(None, (a.strip() for a in cell.get("Alt labels", "").split(SEP))):
                g.add((s, SKOS.altLabel, Literal(alt)))
            for key, scheme, prop in (("Tier", vocab.tiers, UIT.tier), ("Group", vocab.groups, UIT.group)):
                v = cell.get(key, "")
                if v:
                    concept = scheme.get(v.lower())
                    if concept is None:
                        problems.append(Problem(*where(key), f"unknown {key.lower()} {v!r}",
                                                "use one of: " + ", ".join(sorted({k for k in scheme if "-" not in k or key == "Group"})[:20])))
                    else:
                        g.add((s, prop, concept))
            founded = _parse_date(cell.get("Founded", ""), where("Founded"), problems)
            if founded:
                g.add((s, UIT.foundedDate, Literal(founded.isoformat(), datatype=XSD.date)))
            if cell.get("Description"):
                g.add((s, RDFS.comment, Literal(cell["Description"])))
            pd = cell.get("Personal data", "").lower()
            if pd in ("yes", "true", "1", "y"):
                g.add((s, UIT.personalData, Literal(True)))
            elif pd not in ("", "no", "false", "0", "n"):
                problems.append(Problem(*where("Personal data"), f"{pd!r} is not yes/no", "write yes or no"))
            mc = cell.get("Member count", "")
            if mc:
                if mc.isdigit() and int(mc) > 0:
                    g.add((s, UIT.memberCount, Literal(int(mc))))
                else:
                    problems.append(Problem(*where("Member count"), f"{mc!r} is not a positive whole number",
                                            "write the number of people, e.g. 80"))
            for place in filter(None, (p.strip() for p in cell.get("Place", "").split(SEP))):
                p_iri = base[f"place-{slugify(place)}"]
                g.add((p_iri, RDF.type, UIT.Place))
                g.add((p_iri, RDFS.label, Literal(place)))
                g.add((s, UIT.locatedIn, p_iri))
            for wp in filter(None, (w.strip() for w in cell.get("Work package", "").split(SEP))):
                g.add((s, UIT.workPackage, _work_package(g, base, wp)))
            g.add((s, UIT.evidence, add_evidence(local, fname, sheet, r, cell.get("Evidence section"),
                                                 cell.get("Evidence quote"), label)))

    # --- relationships ------------------------------------------------------------------------
    if relationships is not None:
        rpath = Path(relationships)
        header, rows, sheet = read_table(rpath, relationship_sheet)
        fname = rpath.name
        cols = _columns(header, "relationships", fname, sheet, problems)
        rel_ids: set[str] = set()
        if not any(p.file == fname and p.row == 1 and "required" in p.message for p in problems):
            for r, row in enumerate(rows, start=2):
                if not any(c.strip() for c in row):
                    continue
                before = len(problems)
                cell = {k: _cell_value(row[i] if i < len(row) else "", (fname, sheet, r, k), problems) for k, i in cols.items()}
                if len(problems) > before:
                    continue
                where = lambda col: (fname, sheet, r, col)  # noqa: E731
                typ = cell.get("Type", "")
                cls = vocab.rel_classes.get(typ.lower())
                if cls is None:
                    import difflib

                    close = difflib.get_close_matches(typ.lower(), list(vocab.rel_classes), n=3)
                    problems.append(Problem(*where("Type"), f"unknown relationship type {typ!r}",
                                            ("did you mean " + " or ".join(repr(c) for c in close) + "? " if close else "")
                                            + "use one of: Partnership, Funding, Commissioning, Employment, Procurement, "
                                            "Support, Membership, Referral, AssetProvision, Training, Ownership, "
                                            "Recognition, Brokerage"))
                    continue

                def resolve(col):
                    out = []
                    for name in filter(None, (x.strip() for x in cell.get(col, "").split(SEP))):
                        key = slugify(name)
                        if key in ids:
                            out.append(ids[key])
                        elif len(labels.get(name.lower(), [])) == 1:
                            out.append(ids[labels[name.lower()][0]])
                        else:
                            import difflib

                            close = difflib.get_close_matches(key, list(ids), n=3)
                            problems.append(Problem(*where(col), f"{name!r} is not an entity in the entities table",
                                                    ("did you mean " + " or ".join(repr(c) for c in close) + "? " if close else "")
                                                    + "add it to the entities table, or correct the ID"))
                    return out

                frm, to = resolve("From"), resolve("To")
                if not frm or not to:
                    if cell.get("From") and cell.get("To"):
                        continue  # unknown entities already reported
                    problems.append(Problem(*where("From" if not cell.get("From") else "To"),
                                            "a relationship needs both From and To", "fill in both ends"))
                    continue
                start = _parse_date(cell.get("Start", ""), where("Start"), problems)
                end = _parse_date(cell.get("End", ""), where("End"), problems)
                if start and end and end < start:
                    problems.append(Problem(*where("End"), f"ends ({end}) before it starts ({start})",
                                            "swap or correct the dates"))
                amount = _parse_amount(cell.get("Amount GBP", ""), where("Amount GBP"), problems)
                local = slugify(cell.get("ID") or f"rel-{r - 1}")
                if not local.startswith("rel-"):
                    local = "rel-" + local
                if local in rel_ids or local in ids:
                    problems.append(Problem(*where("ID"), f"duplicate relationship ID {local!r}",
                                            "give each relationship a unique ID (or leave ID blank)"))
                    continue
                rel_ids.add(local)
                s = base[local]
                src_props, tgt_props, among_props = vocab.edge[cls]
                g.add((s, RDF.type, cls))
                g.add((s, RDFS.label, Literal(cell.get("Label") or f"{typ}: {cell.get('From')} -> {cell.get('To')}")))
                if src_props:
                    for x in frm:
                        g.add((s, src_props[0], x))
                    for x in to:
                        g.add((s, (tgt_props or among_props)[0], x))
                else:
                    for x in frm + to:
                        g.add((s, among_props[0], x))
                if start is None:
                    problems.append(Problem(*where("Start"), "the start date is empty",
                                            "add when the relationship began (YYYY-MM-DD); use the programme "
                                            "start if you do not know"))
                else:
                    g.add((s, UIT.startDate, Literal(start.isoformat(), datatype=XSD.date)))
                if end:
                    g.add((s, UIT.endDate, Literal(end.isoformat(), datatype=XSD.date)))
                if amount is not None:
                    g.add((s, UIT.amountGBP, Literal(amount, datatype=XSD.decimal)))
                mech = cell.get("Mechanism", "")
                if mech:
                    m = vocab.mechanisms.get(mech.lower())
                    if m is None:
                        problems.append(Problem(*where("Mechanism"), f"unknown mechanism {mech!r}",
                                                "use event, introduction, contract, staff-post, steering-group or negotiation"))
                    else:
                        g.add((s, UIT.mechanism, m))
                elif UIT.Brokerage in (cls,):
                    problems.append(Problem(*where("Mechanism"), "a brokerage needs a mechanism",
                                            "use event, introduction, contract, staff-post, steering-group or negotiation"))
                for wp in filter(None, (w.strip() for w in cell.get("Work package", "").split(SEP))):
                    g.add((s, UIT.workPackage, _work_package(g, base, wp)))
                for place in filter(None, (p.strip() for p in cell.get("Place", "").split(SEP))):
                    p_iri = base[f"place-{slugify(place)}"]
                    g.add((p_iri, RDF.type, UIT.Place))
                    g.add((p_iri, RDFS.label, Literal(place)))
                    g.add((s, UIT.locatedIn, p_iri))
                g.add((s, UIT.evidence, add_evidence(local, fname, sheet, r, cell.get("Evidence section"),
                                                     cell.get("Evidence quote"), cell.get("Label") or typ)))
    prog = base["programme"]
    if (prog, RDF.type, UIT.Programme) in g:
        starts = sorted(str(o) for o in g.objects(None, UIT.startDate))
        if starts:
            g.add((prog, UIT.startDate, Literal(starts[0], datatype=XSD.date)))
        else:
            problems.append(Problem(entities.name, "", 1, "Work package", "work packages are named but no "
                                    "relationship has a start date, so the programme has no start",
                                    "add Start dates to the relationships"))
    if problems:
        problems = sorted(set(problems))
        shown = "\n".join(str(p) for p in problems[:10])
        more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise ImportFileError(f"cannot import: {len(problems)} problem(s); nothing was written\n{shown}{more}",
                              problems=problems, hint="correct the rows above and run the import again")
    return g


def _work_package(g: Graph, base, name: str) -> URIRef:
    wp = base[f"wp-{slugify(name)}"]
    if (wp, RDF.type, UIT.WorkPackage) not in g:
        prog = base["programme"]
        g.add((wp, RDF.type, UIT.WorkPackage))
        g.add((wp, RDFS.label, Literal(name)))
        g.add((wp, SKOS.notation, Literal(name)))
        g.add((wp, UIT.partOf, prog))
        g.add((wp, UIT.evidence, base["ev-programme"]))
        if (prog, RDF.type, UIT.Programme) not in g:
            g.add((prog, RDF.type, UIT.Programme))
            g.add((prog, RDFS.label, Literal("Imported programme")))
            g.add((prog, RDFS.comment, Literal("Created by the importer to hold the work packages named in the "
                                              "tables; it starts at the earliest relationship start date.")))
            g.add((prog, UIT.evidence, base["ev-programme"]))
            ev = base["ev-programme"]
            g.add((ev, RDF.type, UIT.Evidence))
            g.add((ev, UIT.source, base["source"]))
            g.add((ev, UIT.section, Literal("Work package column")))
            g.add((ev, UIT.quote, Literal(name)))
    return wp
