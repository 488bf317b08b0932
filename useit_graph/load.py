"""Load RDF files into an rdflib Dataset, keeping where each resource was written.

Stage 1 of the pipeline: ``files -> rdflib.Dataset (one named graph per file) + SourceIndex``.
Errors name the file and line and say how to fix them; nothing is written anywhere.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import rdflib
from rdflib import Dataset, Graph, Literal, URIRef

from .errors import RdfFileError, SeedSyntaxError
from .paths import Paths, get_paths

__all__ = ["SourceIndex", "load_files", "load_project", "parse_turtle_text", "guess_format",
           "quiet_literal_warnings"]

_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


def guess_format(path: str | Path) -> str:
    """rdflib format name for a file, from its suffix.

    Examples
    --------
    >>> guess_format("seeds/actors.ttl")
    'turtle'
    >>> guess_format("x.nt")
    'nt'
    """
    suffix = Path(path).suffix.lower()
    try:
        return _FORMATS[suffix]
    except KeyError:
        raise SeedSyntaxError(
            f"{path}: unknown RDF file type {suffix!r}",
            hint="use one of " + ", ".join(sorted(_FORMATS)),
        ) from None


@dataclass(frozen=True)
class SourceIndex:
    """Where each subject was written: IRI -> (file, line).

    Built by scanning Turtle for subjects that start a block at column 0, so a finding about
    ``bham:rel-017`` can say ``seeds/relationships.ttl:42``.
    """

    locations: dict = field(default_factory=dict)
    #: (subject IRI, lexical form) -> (file, line) of each typed literal ``"..."^^dt`` in a subject's block,
    #: so that a finding about an ill-typed value can name its own line.
    literals: dict = field(default_factory=dict)

    def locate(self, iri) -> str | None:
        """``"file:line"`` for a subject, or None when unknown."""
        loc = self.locations.get(str(iri))
        return f"{loc[0]}:{loc[1]}" if loc else None

    def locate_literal(self, subject, lexical: str) -> tuple | None:
        """(file, line) of a typed literal written in ``subject``'s block, else the subject's own."""
        return self.literals.get((str(subject), str(lexical))) or self.locations.get(str(subject))

    def merged(self, other: "SourceIndex") -> "SourceIndex":
        """A new index with the entries of both (self wins on clashes)."""
        return SourceIndex({**other.locations, **self.locations}, {**other.literals, **self.literals})


_SUBJECT = re.compile(r"^(<[^>]*>|[A-Za-z_][\w.-]*:[\w.\-%]*|:[\w.\-%]+)")
_TYPED_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"\^\^(<[^>]*>|[A-Za-z_][\w.-]*:[\w.-]*)')


def _index_turtle(text: str, graph: Graph, display: str, literals: dict | None = None) -> dict:
    nm = graph.namespace_manager
    out: dict = {}
    current = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] in "#@" or line.upper().startswith(("PREFIX", "BASE")):
            continue
        m = _SUBJECT.match(line) if line[0] not in " \t" else None
        if m:
            token = m.group(1)
            try:
                current = token[1:-1] if token.startswith("<") else str(nm.expand_curie(token))
            except (ValueError, TypeError):
                current = None
            if current is not None:
                out.setdefault(current, (display, lineno))
        if literals is not None and current is not None and "^^" in line:
            for lexical, dtype in _TYPED_LITERAL.findall(line):
                literals.setdefault((current, lexical), (display, lineno))
                try:  # rdflib normalises some lexical forms ("INF" -> "Infinity"): index that form too
                    dt = dtype[1:-1] if dtype.startswith("<") else str(nm.expand_curie(dtype.rstrip(".")))
                    with quiet_literal_warnings():
                        normal = str(Literal(lexical, datatype=URIRef(dt)))
                except (ValueError, TypeError):
                    continue
                literals.setdefault((current, normal), (display, lineno))
    return out


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root))
        except ValueError:
            pass
    return str(path)


_FIX_SYNTAX = ("correct the syntax at that line (a missing '.' ';' or ',' at the end of the previous "
               "statement, an undeclared prefix or an unclosed quote are the usual causes).")


def _syntax_error(path_display: str, exc: Exception, text: str = "") -> RdfFileError:
    """An :class:`RdfFileError` naming the file, the line, the parser's own cause and the fix.

    rdflib's Turtle parser (``BadSyntax``) gives the line and a cause such as
    ``Prefix "rdfs:" not bound``; RDF/XML (SAX) gives line and column; JSON-LD and N-Triples give a
    message from which the line is recovered where possible.
    """
    line = None
    cause = ""
    why = getattr(exc, "_why", None)
    if why is not None and isinstance(getattr(exc, "lines", None), int):  # rdflib.notation3.BadSyntax
        line, cause = exc.lines + 1, str(why)
    elif hasattr(exc, "getLineNumber") and hasattr(exc, "getMessage"):  # xml.sax.SAXParseException
        line, cause = exc.getLineNumber(), str(exc.getMessage())
    else:
        msg = " ".join(str(exc).split())
        m = re.search(r"\bline (\d+)", msg)
        if m:
            line = int(m.group(1))
        cause = re.sub(r"^at line \d+ of <[^>]*>:\s*", "", msg) or type(exc).__name__
        bad = re.match(r"Invalid line: (.+)", msg)  # N-Triples: find the line from its text
        if line is None and bad and text:
            frag = bad.group(1).strip()[:40]
            for n, content in enumerate(text.splitlines(), start=1):
                if frag and frag in content:
                    line = n
                    break
    lines = text.splitlines()
    near = lines[line - 1].strip() if line and 0 < line <= len(lines) else ""
    if near:
        near = f"; the line reads: {near[:120]}"
    unbound = re.search(r'Prefix "([^"]*):" not bound', cause)
    if unbound:
        from .namespaces import PREFIXES

        name = unbound.group(1)
        iri = PREFIXES.get(name, "...")
        fix = f"declare the prefix at the top of the file: @prefix {name}: <{iri}> ."
    else:
        fix = _FIX_SYNTAX
    where = f"{path_display}:{line}" if line else path_display
    problem = f"the file is not valid RDF: {cause[:300]}"
    return RdfFileError(f"{where}: {problem}{near}", file=path_display, line=line, problem=problem, hint=fix)


_LITERAL_WARNING = "Failed to convert Literal lexical form to value"


class _DropLiteralWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_LITERAL_WARNING)


@contextlib.contextmanager
def quiet_literal_warnings():
    """Silence rdflib's per-literal traceback for ill-typed values such as ``"2018-13-01"^^xsd:date``.

    rdflib logs a warning with a full traceback when it cannot convert a literal (``rdflib.term``);
    the literal is kept (``Literal.ill_typed`` is True) and :func:`useit_graph.validate.literal_findings`
    reports it as a finding with file, line and fix instead.
    """
    logger = logging.getLogger("rdflib.term")
    flt = _DropLiteralWarnings()
    logger.addFilter(flt)
    try:
        yield
    finally:
        logger.removeFilter(flt)


@contextlib.contextmanager
def _lexical_forms_kept():
    """Parse with rdflib's literal normalisation off, so literals keep the lexical form written.

    With it on (rdflib's default) ``"1e3"^^xsd:decimal`` becomes ``"1000"`` and ``"INF"`` becomes
    ``"Infinity"`` while parsing, so a value outside XSD's lexical space could no longer be seen
    (``validate.ill_typed``) nor be quoted back to the user as they wrote it. Values
    (``Literal.toPython``) are unchanged. ``rdflib.NORMALIZE_LITERALS`` is a process-wide switch:
    it is restored on exit.
    """
    import rdflib

    was = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = was


def parse_turtle_text(text: str, display: str = "<text>", fmt: str = "turtle",
                      literals: dict | None = None) -> tuple[Graph, dict]:
    """Parse RDF text into a Graph and a subject -> (file, line) map.

    Parameters
    ----------
    literals : dict, optional
        Filled with (subject IRI, lexical form) -> (file, line) for each typed literal (Turtle, TriG).

    Raises
    ------
    RdfFileError
        The text does not parse; the message names ``display``, the line, the parser's cause and the fix.
    """
    g = Graph()
    try:
        with quiet_literal_warnings(), _lexical_forms_kept():
            g.parse(data=text, format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        raise _syntax_error(display, exc, text) from exc
    return g, (_index_turtle(text, g, display, literals) if fmt in ("turtle", "trig") else {})


def _read_text(path: Path, display: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RdfFileError(f"{display}: cannot read the file ({exc.strerror})", file=display,
                           problem=f"cannot read the file ({exc.strerror})",
                           hint="check the path and permissions") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        raise RdfFileError(
            f"{display}:{line}: {problem}", file=display, line=line, problem=problem,
            hint="RDF text must be UTF-8: re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).",
        ) from exc


def load_files(paths: Iterable[str | Path], root: Path | None = None,
               errors: list | None = None) -> tuple[Dataset, SourceIndex]:
    """Parse RDF files into one Dataset, one named graph per file.

    Parameters
    ----------
    paths : iterable of path-like
        Turtle, N-Triples, TriG, JSON-LD or RDF/XML files.
    root : Path, optional
        File names in messages and in the SourceIndex are relative to it.
    errors : list, optional
        When given, a file that cannot be read or parsed is skipped and its :class:`RdfFileError`
        appended here, so that every broken file is reported (``useit validate --json``); when
        omitted the first such error is raised.

    Returns
    -------
    (rdflib.Dataset, SourceIndex)
        The dataset has ``default_union=True`` so that it reads as one graph.

    Raises
    ------
    SeedSyntaxError
        A file cannot be read, is not UTF-8 or does not parse; the message names file and line.
    """
    ds = Dataset(default_union=True)
    locations: dict = {}
    literals: dict = {}
    for path in paths:
        path = Path(path)
        display = _display(path, root)
        try:
            fmt = guess_format(path)
            text = _read_text(path, display)
            g, locs = parse_turtle_text(text, display, fmt, literals)
        except SeedSyntaxError as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        named = ds.graph(URIRef(path.resolve().as_uri()))
        for prefix, ns in g.namespace_manager.namespaces():
            ds.bind(prefix, ns, override=False)
        for triple in g:
            named.add(triple)
        for k, v in locs.items():
            locations.setdefault(k, v)
    return ds, SourceIndex(locations, literals)


def load_project(paths: Paths | None = None, extra: Iterable[str | Path] = (), seeds: bool = True) -> tuple[Dataset, SourceIndex]:
    """Load the ontology, the seeds (unless ``seeds=False``) and any extra files.

    Parameters
    ----------
    paths : Paths, optional
        From :func:`useit_graph.paths.get_paths`; the default root when omitted.
    extra : iterable of path-like
        More data files (e.g. the output of ``useit import``).
    seeds : bool
        Include ``seeds/*.ttl`` (the USE-IT! Birmingham data).
    """
    paths = paths or get_paths()
    files = [paths.ontology]
    if seeds:
        files += paths.seed_files()
    files += [Path(p) for p in extra]
    return load_files(files, root=paths.root)


def dataset_graph(ds: Dataset) -> Graph:
    """A plain Graph holding every triple of the dataset (for pySHACL and serialisers)."""
    g = Graph()
    for prefix, ns in ds.namespace_manager.namespaces():
        g.bind(prefix, ns, override=False)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


__all__.append("dataset_graph")
_ = rdflib  # re-exported for doctests
