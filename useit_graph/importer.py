"""Import entities and relationships from spreadsheets (CSV or XLSX) into validated RDF.

Staff keep their maps in spreadsheets, usually in Kumu's two-sheet layout (one sheet of elements,
one of connections with ``From``/``To``/``Type``). ``import_tables`` reads such a pair, checks every
row, and only when *nothing* is wrong returns an rdflib Graph; ``useit import`` then validates it
against the SHACL shapes and writes Turtle atomically. Bad input raises :class:`ImportFileError`
listing every problem with its file, sheet, row and column and the fix; nothing is half-written.

Templates: ``docs/import.md`` and ``examples/import/``.

Columns
-------
Entities (``Label``, ``Type`` and ``Evidence quote`` required)::

    ID, Label, Type, Tier, Group, Alt labels, Place, Work package, Founded, Description,
    Personal data, Member count, Evidence section, Evidence quote

Relationships (``From``, ``To``, ``Type``, ``Start`` and ``Evidence quote`` required)::

    ID, From, To, Type, Label, Start, End, Amount GBP, Mechanism, Work package, Place,
    Evidence section, Evidence quote

Multi-valued cells (``Alt labels``, ``To`` of a brokerage) separate values with ``|``. ``From`` and
``To`` hold entity IDs or labels. ``From`` fills the relationship class's source role (funder,
broker, ...) and ``To`` its target role; for undirected types (Partnership) both are partners.

Every row needs an ``Evidence quote`` (the shapes require evidence with a quote on every entity and
relationship; the importer never invents one). Dates are ``YYYY-MM-DD`` or a bare year; amounts are
plain numbers of pounds (``1500``, ``£1,500.50``, ``300k``, ``£3.5m``).

:func:`import_tables_with_origins` also returns where each resource came from (file, sheet, row), and
:func:`problems_from_findings` turns SHACL findings on the imported graph back into spreadsheet
problems (file, sheet, row, column, fix), so that ``useit import`` reports them in the user's terms.
"""

from __future__ import annotations

import csv
import datetime as _dt
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from .errors import ImportFileError
from .namespaces import DATA, UIT, curie

__all__ = ["ENTITY_COLUMNS", "RELATIONSHIP_COLUMNS", "Origin", "Origins", "Problem", "import_error",
           "import_tables", "import_tables_with_origins", "problems_from_findings", "read_table", "slugify"]

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
    """One problem in an input table, as data.

    ``row`` is the 1-based spreadsheet row (the header is row 1; 0 when the problem concerns the whole
    file), ``column`` the column's header and ``cell`` its spreadsheet reference (``C3``) when known.
    """

    file: str
    sheet: str
    row: int
    column: str
    message: str
    fix: str
    cell: str = ""

    def __str__(self) -> str:
        sheet = f"[{self.sheet}]" if self.sheet else ""
        row = f" row {self.row}" if self.row else ""
        col = f" column {self.column!r}" if self.column else ""
        cell = f" (cell {self.cell})" if self.cell else ""
        return f"{self.file}{sheet}{row}{col}{cell}: {self.message}\n  Fix: {self.fix}"


@dataclass(frozen=True)
class Origin:
    """The table row an imported resource came from.

    ``kind`` is ``entity``, ``relationship``, ``evidence``, ``place`` or ``work package``; ``column``
    names the cell that made it when that is not the whole row (``Place``, ``Work package``);
    ``roles`` maps each role property (IRI) of a relationship to the column that filled it.
    """

    file: str
    sheet: str
    row: int
    kind: str
    label: str = ""
    type: str = ""
    column: str = ""
    roles: tuple = ()


@dataclass(frozen=True)
class Origins:
    """Where the resources of an import came from: IRI -> :class:`Origin`, and each table's header."""

    rows: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)   # (file, sheet) -> {column name: 0-based index}
    entities_file: str = ""

    def cell(self, file: str, sheet: str, row: int, column: str) -> str:
        """The spreadsheet reference (``"C3"``) of a column in a row, or "" when unknown."""
        index = self.headers.get((file, sheet), {}).get(column)
        return f"{_column_letter(index)}{row}" if index is not None and row else ""


def _column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based index.

    Examples
    --------
    >>> _column_letter(0), _column_letter(25), _column_letter(26)
    ('A', 'Z', 'AA')
    """
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


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
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _file_error(path.name, "", f"cannot read the file ({exc.strerror})",
                          "check the path and permissions") from exc
    text = _decode(raw, path.name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise _file_error(path.name, "", "the file is empty", "add a header row and data rows")
    return [h.strip() for h in rows[0]], rows[1:], ""


def _file_error(fname: str, sheet: str, message: str, fix: str, row: int = 0) -> ImportFileError:
    where = f"{fname}{'[' + sheet + ']' if sheet else ''}{f' row {row}' if row else ''}"
    return ImportFileError(f"{where}: {message}", problems=[Problem(fname, sheet, row, "", message, fix)], hint=fix)


_FIX_ENCODING = ("save the sheet as 'CSV UTF-8 (comma delimited)' (Excel) or re-encode it "
                 "(`iconv -f cp1252 -t utf-8 in.csv > out.csv`)")


def _decode(raw: bytes, fname: str) -> str:
    """UTF-8 text of a CSV file, or an error that names the encoding it seems to be in and the row."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:200]:
        raise _file_error(fname, "", "the file is UTF-16 (Excel's 'Unicode Text'), not UTF-8",
                          "save the sheet as 'CSV UTF-8 (comma delimited)' (Excel) or re-encode it "
                          "(`iconv -f utf-16 -t utf-8 in.csv > out.csv`)", row=1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        message = f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        try:
            line = raw.decode("cp1252").splitlines()[row - 1]
            message += f"; it looks like Windows-1252, in which row {row} reads {line[:80]!r}"
        except (UnicodeDecodeError, IndexError):
            pass
        raise _file_error(fname, "", message, _FIX_ENCODING, row=row) from exc


def _xlsx_text(v) -> str:
    """The text of an XLSX cell value as the importer reads it (formulas keep their ``=``)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, _dt.datetime):
        return v.date().isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else format(Decimal(repr(v)), "f")
    text = getattr(v, "text", None)  # openpyxl ArrayFormula / DataTableFormula
    return text if isinstance(text, str) else str(v)


def _read_xlsx(path: Path, sheet: str | None):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for bad files
        raise _file_error(path.name, "", f"not a readable XLSX workbook ({exc})",
                          "open it in a spreadsheet program and save as .xlsx") from exc
    names = {n.lower(): n for n in wb.sheetnames}
    if sheet is None:
        name = wb.sheetnames[0]
    elif sheet.lower() in names:
        name = names[sheet.lower()]
    else:
        raise _file_error(path.name, "", f"no sheet named {sheet!r} (the workbook has: {', '.join(wb.sheetnames)})",
                          "name the sheets 'Entities' and 'Relationships', or pass the sheet names "
                          "(`useit import --entity-sheet NAME --relationship-sheet NAME`)")
    ws = wb[name]
    rows = [[_xlsx_text(v) for v in r] for r in ws.iter_rows(min_row=1, values_only=True)]
    wb.close()
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise _file_error(path.name, name, "the sheet is empty", "add a header row and data rows")
    return [h.strip() for h in rows[0]], rows[1:], name


# ------------------------------------------------------------------------------------------
# Checking cells
# ------------------------------------------------------------------------------------------

_FORMULA = re.compile(r"^[=+\-@\t\r]")
_XL_ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}


def _cell_value(raw: str, where: tuple, problems: list) -> str:
    """Strip, reject formula-looking cells and spreadsheet errors, and unescape a leading apostrophe."""
    value = raw.strip()
    if value.startswith("'") and len(value) > 1 and value[1] in "=+-@":
        return value[1:]  # our CSV export's injection guard
    if _FORMULA.match(value) and not re.fullmatch(r"-\d[\d,.]*", value):
        problems.append(Problem(*where, f"the cell starts with {value[0]!r} and looks like a spreadsheet formula "
                                f"({value[:40]!r})",
                                "formulas are not imported: type the value itself, or prefix the text with an "
                                "apostrophe (') if it really starts with that character"))
        return ""
    if value.upper() in _XL_ERRORS:
        problems.append(Problem(*where, f"the cell holds the spreadsheet error {value}",
                                "correct the formula that produced it, or type the value itself"))
        return ""
    return value


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR = re.compile(r"\d{4}")


def _parse_date(value: str, where, problems):
    """A date from a whole cell: ``YYYY-MM-DD`` or a bare year ``YYYY`` (1 January); else a problem.

    Examples
    --------
    >>> _parse_date("2018-06-01", (), []), _parse_date("2018", (), [])
    (datetime.date(2018, 6, 1), datetime.date(2018, 1, 1))
    >>> problems = []
    >>> _parse_date("2018-01-01xyz", ("f", "", 2, "Start"), problems) is None, problems[0].message
    (True, "'2018-01-01xyz' is not a date")
    """
    if not value:
        return None
    try:
        if _DATE.fullmatch(value):
            return _dt.date.fromisoformat(value)
        if _YEAR.fullmatch(value):
            return _dt.date(int(value), 1, 1)
    except ValueError:
        problems.append(Problem(*where, f"{value!r} is not a date (no such day)",
                                "write a real calendar date as YYYY-MM-DD, e.g. 2018-06-01"))
        return None
    fix = "write dates as YYYY-MM-DD, e.g. 2018-06-01 (a bare year such as 2018 means 1 January)"
    if re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", value):
        fix += "; day/month order is ambiguous, so dates like 01/06/2018 are not read"
    problems.append(Problem(*where, f"{value!r} is not a date", fix))
    return None


_AMOUNT = re.compile(r"(?:£|GBP)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*([kKmM])?\s*(?:GBP)?")
_FIX_AMOUNT = "write a plain number of pounds, e.g. 3500000, £1,500.50, 300k or £3.5m"


def _parse_amount(value: str, where, problems):
    """An amount of pounds from a plain number (``1500``, ``£1,500.50``, ``300k``, ``£3.5m``); else a problem.

    Exponents (``1e3``), ``NaN`` and ``Infinity`` are refused: XSD decimals have none of them.

    Examples
    --------
    >>> _parse_amount("£3.5m", (), []), _parse_amount("1,500", (), [])
    (Decimal('3500000.0'), Decimal('1500'))
    >>> problems = []
    >>> [_parse_amount(v, ("f", "", 2, "Amount GBP"), problems) for v in ("NaN", "1e3")]
    [None, None]
    >>> [p.message for p in problems]
    ["'NaN' is not a finite amount of money", "'1e3' is written with an exponent"]
    """
    if not value:
        return None
    bare = value.replace("£", "").replace("GBP", "").strip().lower().lstrip("+-")
    if bare in ("nan", "inf", "infinity", "snan"):
        problems.append(Problem(*where, f"{value!r} is not a finite amount of money", _FIX_AMOUNT))
        return None
    if re.fullmatch(r"[\d.,]+e[+-]?\d+", bare):
        problems.append(Problem(*where, f"{value!r} is written with an exponent",
                                "write the number in full, e.g. 1000 rather than 1e3"))
        return None
    if value.startswith("-"):
        problems.append(Problem(*where, f"{value!r} is negative", "amounts are non-negative pounds"))
        return None
    m = _AMOUNT.fullmatch(value)
    if not m:
        problems.append(Problem(*where, f"{value!r} is not an amount of money", _FIX_AMOUNT))
        return None
    whole, frac, unit = m.groups()
    try:
        amount = Decimal(whole.replace(",", "") + (frac or ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        problems.append(Problem(*where, f"{value!r} is not an amount of money", _FIX_AMOUNT))
        return None
    return amount * {"k": 1000, "m": 1_000_000}.get((unit or "").lower(), 1)


# ------------------------------------------------------------------------------------------
# The vocabulary the tables may use
# ------------------------------------------------------------------------------------------

#: Umbrella classes of the ontology: they group the entity types by kind or tier, and a row must say
#: what the entity is (the seeds use none of them directly). ``Cohort`` and ``AnchorInstitution`` are
#: not here: the seeds use them for unnamed groups ("16 client organisations", "five anchor institutions").
_UMBRELLA = ("Agent", "Organisation", "MicroAsset", "MacroAsset", "Intermediary", "PhysicalAsset")
#: A row of the entities table is an actor, a physical asset or a project (what the projection makes nodes of).
_ENTITY_ROOTS = ("Agent", "PhysicalAsset", "Project")


@dataclass(frozen=True)
class _Vocab:
    classes: dict          # lowercased local name / label -> class IRI
    rel_classes: dict      # subset: relationship classes
    entity_classes: dict   # subset: the types an entities row may have
    edge: dict             # rel class -> (source props, target props, among props)
    tiers: dict
    groups: dict
    mechanisms: dict
    supers: dict           # class -> its superclasses (itself first)

    @classmethod
    def from_ontology(cls, onto: Graph) -> "_Vocab":
        ns = str(UIT._NS)
        classes, rel_classes, entity_classes, edge = {}, {}, {}, {}
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
        roots = {UIT[r] for r in _ENTITY_ROOTS}
        umbrella = {UIT[u] for u in _UMBRELLA}
        for c, chain in supers.items():
            keys = {str(c)[len(ns):].lower(), str(onto.value(c, RDFS.label) or "").lower()}
            for k in keys - {""}:
                classes[k] = c
            if roots & set(chain) and c not in umbrella:
                for k in keys - {""}:
                    entity_classes[k] = c
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

        return cls(classes, rel_classes, entity_classes, edge, scheme(UIT.Tier), scheme(UIT.Group),
                   scheme(UIT.BrokerageMechanism), supers)

    def entity_type_names(self, under=None) -> list[str]:
        """Local names of the allowed entity types (those under class ``under`` when given), sorted."""
        ns = str(UIT._NS)
        return sorted({str(c)[len(ns):] for c in self.entity_classes.values()
                       if under is None or under in self.supers.get(c, ())})

    def entity_type_problem(self, typ: str) -> tuple[str, str]:
        """(message, fix) for a Type cell that is not an allowed entity type."""
        allowed = "use one of: " + ", ".join(self.entity_type_names())
        if not typ:
            return "the type is empty", allowed
        cls = self.classes.get(typ.lower())
        local = str(cls)[len(str(UIT._NS)):] if cls is not None else ""
        if cls is not None and cls in self.rel_classes.values():
            return (f"{typ!r} is a relationship type, not an entity type",
                    "put this row in the relationships table, or " + allowed)
        if cls is not None and local in _UMBRELLA:
            specific = self.entity_type_names(under=cls)
            return (f"{typ!r} is an umbrella class of the ontology, not a specific entity type",
                    "choose the specific type: " + (", ".join(specific) if specific else allowed))
        if cls is not None:
            where = {"Evidence": "evidence goes in each row's 'Evidence section' and 'Evidence quote' columns; ",
                     "SourceDocument": "the source document is made by the importer (--title); ",
                     "Place": "places go in the 'Place' column; ", "Neighbourhood": "places go in the 'Place' column; ",
                     "WorkPackage": "work packages go in the 'Work package' column; "}.get(local, "")
            return f"{typ!r} is not a type of entity the importer creates", where + allowed
        names = {n.lower(): n for n in self.entity_type_names()}
        close = [names[c] for c in difflib.get_close_matches(typ.lower(), list(names), n=3)]
        return (f"unknown entity type {typ!r}",
                ("did you mean " + " or ".join(repr(c) for c in close) + "? " if close else "") + allowed)


def _columns(header, kind, fname, sheet, problems):
    mapping = {}
    for i, h in enumerate(header):
        key = _ALIASES.get(h.strip().lower())
        if key is None:
            if h.strip():
                allowed = ENTITY_COLUMNS if kind == "entities" else RELATIONSHIP_COLUMNS
                close = difflib.get_close_matches(h, allowed, n=1)
                problems.append(Problem(fname, sheet, 1, h, f"unknown column {h!r}",
                                        (f"did you mean {close[0]!r}? " if close else "")
                                        + "allowed columns: " + ", ".join(allowed)))
            continue
        if key in mapping:
            problems.append(Problem(fname, sheet, 1, h, f"column {key!r} appears twice", "keep one of them"))
            continue
        mapping[key] = i
    missing = False
    for req in _REQUIRED[kind]:
        if req not in mapping:
            missing = True
            problems.append(Problem(fname, sheet, 1, req, f"required column {req!r} is missing",
                                    f"add a {req!r} column (see docs/import.md for the template)"))
    if "Evidence quote" not in mapping:
        problems.append(Problem(fname, sheet, 1, "Evidence quote", "there is no 'Evidence quote' column",
                                _FIX_QUOTE))
    return mapping, missing


_FIX_QUOTE = ("copy one short sentence (at most 400 characters) that supports the row from its source into "
              "'Evidence quote', and say where it comes from in 'Evidence section'; the shapes require "
              "evidence with a quote for every entity and relationship, and the importer does not invent one")
_MAX_QUOTE = 400  # ontology/shapes.ttl, uit:EvidenceShape: sh:maxLength 400 on uit:quote


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
        Title of the uit:SourceDocument that the rows' evidence cites (default: the file names).
        Each row's evidence is its ``Evidence quote`` (required) and ``Evidence section`` (default:
        the file, sheet and row it came from).
    entity_sheet, relationship_sheet : str, optional
        Sheet names in XLSX workbooks (default: the first sheet, or ``Entities``/``Relationships``).

    Returns
    -------
    rdflib.Graph

    Raises
    ------
    ImportFileError
        Listing every problem (file, sheet, row, column, message, fix) when any row is bad.

    See Also
    --------
    import_tables_with_origins : the same, with where each resource came from.
    """
    return import_tables_with_origins(entities, relationships, ontology=ontology, base=base,
                                      source_title=source_title, entity_sheet=entity_sheet,
                                      relationship_sheet=relationship_sheet)[0]


def import_tables_with_origins(entities: str | Path, relationships: str | Path | None = None, *,
                               ontology: Graph, base: str | None = None, source_title: str | None = None,
                               entity_sheet: str | None = None,
                               relationship_sheet: str | None = None) -> tuple[Graph, Origins]:
    """Like :func:`import_tables`, and also return an :class:`Origins` map (IRI -> file, sheet, row).

    The map lets :func:`problems_from_findings` report SHACL findings on the result in spreadsheet
    terms: file, sheet, row, column and the fix.
    """
    entities = Path(entities)
    if relationships is None and entities.suffix.lower() in (".xlsx", ".xlsm"):
        relationships = entities
        entity_sheet = entity_sheet or "Entities"
        relationship_sheet = relationship_sheet or "Relationships"
    rpath = Path(relationships) if relationships is not None else None
    vocab = _Vocab.from_ontology(ontology)
    base = Namespace(base or f"{DATA}{slugify(entities.stem)}/")
    problems: list[Problem] = []
    origins = Origins(entities_file=entities.name)
    g = Graph()
    g.bind("uit", UIT._NS)
    g.bind("data", base)
    g.bind("skos", SKOS)
    g.bind("dcterms", DCTERMS)

    doc = base["source"]
    names = [entities.name] + ([rpath.name] if rpath is not None and rpath.resolve() != entities.resolve() else [])
    title = source_title or ", ".join(names)  # a list, in argument order: the same bytes on every run
    g.add((doc, RDF.type, UIT.SourceDocument))
    g.add((doc, RDFS.label, Literal(title)))
    g.add((doc, DCTERMS.title, Literal(title)))
    wp_evidence: dict[URIRef, list[URIRef]] = {}

    def add_evidence(subject_id, fname, sheet, row, section, quote, where, origin):
        """The row's evidence; None (and a problem) when the row has no usable quote."""
        if not quote:
            if "Evidence quote" in cols:  # a missing column is reported once, at the header
                problems.append(Problem(*where("Evidence quote"), "the evidence quote is empty", _FIX_QUOTE))
            return None
        if len(quote) > _MAX_QUOTE:
            problems.append(Problem(*where("Evidence quote"), f"the quote is {len(quote)} characters long; "
                                    f"at most {_MAX_QUOTE} are allowed",
                                    "shorten it to the sentence that supports the row (a quote is never cut "
                                    "by the importer, since it must stay verbatim)"))
            return None
        ev = base[f"ev-{subject_id}"]
        g.add((ev, RDF.type, UIT.Evidence))
        g.add((ev, UIT.source, doc))
        g.add((ev, UIT.section, Literal(section or f"{fname}{'[' + sheet + ']' if sheet else ''} row {row}")))
        g.add((ev, UIT.quote, Literal(quote)))
        origins.rows[str(ev)] = replace(origin, kind="evidence")
        return ev

    def add_places_and_wps(s, cell, origin, ev):
        for place in filter(None, (p.strip() for p in cell.get("Place", "").split(SEP))):
            p_iri = base[f"place-{slugify(place)}"]
            g.add((p_iri, RDF.type, UIT.Place))
            g.add((p_iri, RDFS.label, Literal(place)))
            g.add((s, UIT.locatedIn, p_iri))
            origins.rows.setdefault(str(p_iri), replace(origin, kind="place", label=place, type="Place",
                                                        column="Place"))
        for wp_name in filter(None, (w.strip() for w in cell.get("Work package", "").split(SEP))):
            wp = _work_package(g, base, wp_name)
            g.add((s, UIT.workPackage, wp))
            origins.rows.setdefault(str(wp), replace(origin, kind="work package", label=wp_name,
                                                     type="WorkPackage", column="Work package"))
            origins.rows.setdefault(str(base["programme"]), replace(origin, kind="work package", label=wp_name,
                                                                    type="Programme", column="Work package"))
            if ev is not None:
                wp_evidence.setdefault(wp, []).append(ev)

    # --- entities ---------------------------------------------------------------------------
    header, rows, sheet = read_table(entities, entity_sheet)
    fname = entities.name
    cols, missing = _columns(header, "entities", fname, sheet, problems)
    origins.headers[(fname, sheet)] = dict(cols)
    ids: dict[str, URIRef] = {}
    id_rows: dict[str, tuple[str, str, int]] = {}
    labels: dict[str, list[str]] = {}
    if not missing:
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
                first = id_rows[local]
                problems.append(Problem(*where("ID"), f"duplicate ID {local!r} (already used on row {first[2]})",
                                        "give each entity a unique ID (or a unique label when ID is blank)"))
                continue
            cls = vocab.entity_classes.get(typ.lower())
            if cls is None:
                message, fix = vocab.entity_type_problem(typ)
                problems.append(Problem(*where("Type"), message, fix))
                continue
            s = base[local]
            ids[local] = s
            id_rows[local] = (fname, sheet, r)
            labels.setdefault(label.lower(), []).append(local)
            origin = Origin(fname, sheet, r, "entity", label, typ)
            origins.rows[str(s)] = origin
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
                if re.fullmatch(r"[0-9]+", mc) and int(mc) > 0:
                    g.add((s, UIT.memberCount, Literal(int(mc))))
                else:
                    problems.append(Problem(*where("Member count"), f"{mc!r} is not a positive whole number",
                                            "write the number of people, e.g. 80"))
            ev = add_evidence(local, fname, sheet, r, cell.get("Evidence section"), cell.get("Evidence quote"),
                              where, origin)
            if ev is not None:
                g.add((s, UIT.evidence, ev))
            add_places_and_wps(s, cell, origin, ev)

    # --- relationships ------------------------------------------------------------------------
    if rpath is not None:
        header, rows, sheet = read_table(rpath, relationship_sheet)
        fname = rpath.name
        cols, missing = _columns(header, "relationships", fname, sheet, problems)
        origins.headers[(fname, sheet)] = dict(cols)
        rel_rows: dict[str, int] = {}
        if not missing:
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
                if local in rel_rows:
                    problems.append(Problem(*where("ID"), f"duplicate relationship ID {local!r} "
                                            f"(already used on row {rel_rows[local]})",
                                            "give each relationship a unique ID (or leave ID blank)"))
                    continue
                if local in ids:
                    first = id_rows[local]
                    problems.append(Problem(*where("ID"), f"relationship ID {local!r} is already the ID of an "
                                            f"entity ({first[0]}{'[' + first[1] + ']' if first[1] else ''} row {first[2]})",
                                            "give the relationship a different ID (or leave ID blank)"))
                    continue
                rel_rows[local] = r
                s = base[local]
                src_props, tgt_props, among_props = vocab.edge[cls]
                g.add((s, RDF.type, cls))
                g.add((s, RDFS.label, Literal(cell.get("Label") or f"{typ}: {cell.get('From')} -> {cell.get('To')}")))
                if src_props:
                    roles = ((str(src_props[0]), "From"), (str((tgt_props or among_props)[0]), "To"))
                    for x in frm:
                        g.add((s, src_props[0], x))
                    for x in to:
                        g.add((s, (tgt_props or among_props)[0], x))
                else:
                    roles = ((str(among_props[0]), "From/To"),)
                    for x in frm + to:
                        g.add((s, among_props[0], x))
                origin = Origin(fname, sheet, r, "relationship", cell.get("Label") or local, typ, roles=roles)
                origins.rows[str(s)] = origin
                if start is None and not cell.get("Start"):  # a bad date is reported by _parse_date
                    problems.append(Problem(*where("Start"), "the start date is empty",
                                            "add when the relationship began (YYYY-MM-DD); use the programme "
                                            "start if you do not know"))
                elif start is not None:
                    g.add((s, UIT.startDate, Literal(start.isoformat(), datatype=XSD.date)))
                if end:
                    g.add((s, UIT.endDate, Literal(end.isoformat(), datatype=XSD.date)))
                if amount is not None:
                    g.add((s, UIT.amountGBP, Literal(format(amount, "f"), datatype=XSD.decimal)))
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
                ev = add_evidence(local, fname, sheet, r, cell.get("Evidence section"), cell.get("Evidence quote"),
                                  where, origin)
                if ev is not None:
                    g.add((s, UIT.evidence, ev))
                add_places_and_wps(s, cell, origin, ev)
    prog = base["programme"]
    if (prog, RDF.type, UIT.Programme) in g:
        # work packages and the programme cite the rows that name them (no invented quote)
        for wp, evs in wp_evidence.items():
            for ev in evs:
                g.add((wp, UIT.evidence, ev))
                g.add((prog, UIT.evidence, ev))
        starts = sorted(str(o) for o in g.objects(None, UIT.startDate))
        if starts:
            g.add((prog, UIT.startDate, Literal(starts[0], datatype=XSD.date)))
        else:
            problems.append(Problem(entities.name, "", 1, "Work package", "work packages are named but no "
                                    "relationship has a start date, so the programme has no start",
                                    "add Start dates to the relationships"))
    if problems:
        raise import_error(problems, origins)
    return g, origins


def import_error(problems: list[Problem], origins: Origins, what: str = "cannot import") -> ImportFileError:
    """An :class:`ImportFileError` listing the problems, sorted, each with its cell reference."""
    problems = sorted({replace(p, cell=p.cell or origins.cell(p.file, p.sheet, p.row, p.column)) for p in problems})
    shown = "\n".join(str(p) for p in problems[:10])
    more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
    return ImportFileError(f"{what}: {len(problems)} problem(s); nothing was written\n{shown}{more}",
                           problems=problems, hint="correct the rows above and run the import again")


def _work_package(g: Graph, base, name: str) -> URIRef:
    wp = base[f"wp-{slugify(name)}"]
    if (wp, RDF.type, UIT.WorkPackage) not in g:
        prog = base["programme"]
        g.add((wp, RDF.type, UIT.WorkPackage))
        g.add((wp, RDFS.label, Literal(name)))
        g.add((wp, SKOS.notation, Literal(name)))
        g.add((wp, UIT.partOf, prog))
        if (prog, RDF.type, UIT.Programme) not in g:
            g.add((prog, RDF.type, UIT.Programme))
            g.add((prog, RDFS.label, Literal("Imported programme")))
            g.add((prog, RDFS.comment, Literal("Created by the importer to hold the work packages named in the "
                                              "tables; it starts at the earliest relationship start date.")))
    return wp


# ------------------------------------------------------------------------------------------
# SHACL findings on an imported graph, in spreadsheet terms
# ------------------------------------------------------------------------------------------

#: property (CURIE) -> the column that fills it
_COLUMN_OF = {
    "rdfs:label": "Label", "rdf:type": "Type", "uit:tier": "Tier", "uit:group": "Group",
    "skos:altLabel": "Alt labels", "uit:locatedIn": "Place", "uit:workPackage": "Work package",
    "uit:foundedDate": "Founded", "rdfs:comment": "Description", "uit:personalData": "Personal data",
    "uit:memberCount": "Member count", "uit:evidence": "Evidence quote", "uit:quote": "Evidence quote",
    "uit:section": "Evidence section", "uit:startDate": "Start", "uit:endDate": "End",
    "uit:amountGBP": "Amount GBP", "uit:mechanism": "Mechanism",
}
#: column -> (what is wrong, the fix) for a violation of the shapes, in spreadsheet terms
_SAYS = {
    "Member count": ("needs a member count (a positive whole number): the shapes require one for every cohort",
                     "fill in 'Member count' with how many people it counts, e.g. 80"),
    "Group": ("needs exactly one group (a sector or community), so that its ties can be classified as "
              "bonding, bridging or linking",
              "fill in 'Group' with one sector, e.g. community, health, education (docs/import.md lists them)"),
    "Personal data": ("describes a natural person but is not marked as personal data",
                      "write yes in 'Personal data' (exports then pseudonymise the person), or use a cohort"),
    "Place": ("needs a place: the shapes require land, buildings and spaces to say where they are",
              "fill in 'Place' with where it is, e.g. Smethwick"),
    "Label": ("has no label", "fill in 'Label'"),
    "Start": ("needs one start date", "fill in 'Start' as YYYY-MM-DD (the programme start if the source gives none)"),
    "Mechanism": ("is a brokerage without a mechanism",
                  "fill in 'Mechanism': event, introduction, contract, staff-post, steering-group or negotiation"),
    "Evidence quote": ("has no evidence quote", _FIX_QUOTE),
}


def _plain(text: str) -> str:
    """A shape message without RDF prefixes ("is a uit:Funding with no uit:funder" -> "is a Funding with no funder")."""
    return re.sub(r"\b(?:uit|rdfs|rdf|skos|dcterms|xsd|bham|data):", "", text)


def problems_from_findings(findings, origins: Origins, *, warnings: bool = False) -> list[Problem]:
    """SHACL findings on an imported graph as spreadsheet problems: file, sheet, row, column, fix.

    Parameters
    ----------
    findings : iterable of useit_graph.validate.Finding
        From ``validate_dataset`` on the graph :func:`import_tables_with_origins` returned.
    origins : Origins
        Its second return value.
    warnings : bool
        Translate the findings of severity Warning instead of the Violations.

    Returns
    -------
    list of Problem
        One per finding, sorted; a finding whose resource came from no row (it should not happen)
        names the entities file and the resource.
    """
    by_curie = {curie(iri): o for iri, o in origins.rows.items()}
    out = []
    for f in findings:
        if (f.severity != "Violation") != warnings:
            continue
        origin = by_curie.get(f.focus)
        if origin is None:
            out.append(Problem(origins.entities_file, "", 0, "", f"{f.focus} {_plain(f.message)}",
                               _plain(f.fix) or "correct the tables and import again"))
            continue
        roles = {curie(p): c for p, c in origin.roles}
        column = roles.get(f.path or "") or _COLUMN_OF.get(f.path or "", "") or origin.column
        if not column and "parties" in f.message and origin.roles:
            column = "To"
        thing = f"{origin.label!r} ({origin.type})" if origin.kind != "evidence" else \
            f"the evidence of {origin.label!r} ({origin.type})"
        if origin.column:  # a place or work package the importer made from a cell
            thing = f"{origin.kind} {origin.label!r} (from column {origin.column!r})"
        said = _SAYS.get(column) if f.severity == "Violation" and not origin.column else None
        if said is not None:
            message, fix = said
        else:
            message = _plain(f.message)
            fix = _plain(f.fix).rstrip(".") + (f" (column {column!r})" if column and f.fix else "")
            if not fix:
                fix = f"correct the {column!r} cell" if column else "correct the row"
        cell = origins.cell(origin.file, origin.sheet, origin.row, column)
        if column in ENTITY_COLUMNS + RELATIONSHIP_COLUMNS and not cell:
            fix = f"add a {column!r} column to {origin.file}{'[' + origin.sheet + ']' if origin.sheet else ''}; {fix}"
        out.append(Problem(origin.file, origin.sheet, origin.row, column, f"{thing} {message}", fix, cell))
    return sorted(set(out))
