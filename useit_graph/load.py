"""Load RDF files into an rdflib Dataset, keeping where each resource was written.

Stage 1 of the pipeline: ``files -> rdflib.Dataset (one named graph per file) + SourceIndex``.
Errors name the file and line and say how to fix them; nothing is written anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import rdflib
from rdflib import Dataset, Graph, URIRef

from .errors import SeedSyntaxError
from .paths import Paths, get_paths

__all__ = ["SourceIndex", "load_files", "load_project", "parse_turtle_text", "guess_format"]

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

    def locate(self, iri) -> str | None:
        """``"file:line"`` for a subject, or None when unknown."""
        loc = self.locations.get(str(iri))
        return f"{loc[0]}:{loc[1]}" if loc else None

    def merged(self, other: "SourceIndex") -> "SourceIndex":
        """A new index with the entries of both (self wins on clashes)."""
        return SourceIndex({**other.locations, **self.locations})


_SUBJECT = re.compile(r"^(<[^>]*>|[A-Za-z_][\w.-]*:[\w.\-%]*|:[\w.\-%]+)")


def _index_turtle(text: str, graph: Graph, display: str) -> dict:
    nm = graph.namespace_manager
    out: dict = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] in " \t#@" or line.upper().startswith(("PREFIX", "BASE")):
            continue
        m = _SUBJECT.match(line)
        if not m:
            continue
        token = m.group(1)
        try:
            iri = token[1:-1] if token.startswith("<") else str(nm.expand_curie(token))
        except (ValueError, TypeError):
            continue
        out.setdefault(iri, (display, lineno))
    return out


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root))
        except ValueError:
            pass
    return str(path)


def _syntax_error(path_display: str, exc: Exception) -> SeedSyntaxError:
    text = str(exc)
    m = re.search(r"line (\d+)", text)
    where = f"{path_display}:{m.group(1)}" if m else path_display
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return SeedSyntaxError(
        f"{where}: the file is not valid RDF ({first[:300]})",
        hint="correct the syntax at that line (a missing '.' ';' or ',' at the end of the previous "
        "statement, an undeclared prefix or an unclosed quote are the usual causes).",
    )


def parse_turtle_text(text: str, display: str = "<text>", fmt: str = "turtle") -> tuple[Graph, dict]:
    """Parse RDF text into a Graph and a subject -> (file, line) map.

    Raises
    ------
    SeedSyntaxError
        The text does not parse; the message names ``display`` and the line.
    """
    g = Graph()
    try:
        g.parse(data=text, format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        raise _syntax_error(display, exc) from exc
    return g, (_index_turtle(text, g, display) if fmt in ("turtle", "trig") else {})


def _read_text(path: Path, display: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedSyntaxError(f"{display}: cannot read the file ({exc.strerror})",
                              hint="check the path and permissions") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SeedSyntaxError(
            f"{display}:{line}: the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            hint="RDF text must be UTF-8: re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).",
        ) from exc


def load_files(paths: Iterable[str | Path], root: Path | None = None) -> tuple[Dataset, SourceIndex]:
    """Parse RDF files into one Dataset, one named graph per file.

    Parameters
    ----------
    paths : iterable of path-like
        Turtle, N-Triples, TriG, JSON-LD or RDF/XML files.
    root : Path, optional
        File names in messages and in the SourceIndex are relative to it.

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
    for path in paths:
        path = Path(path)
        display = _display(path, root)
        fmt = guess_format(path)
        text = _read_text(path, display)
        g, locs = parse_turtle_text(text, display, fmt)
        named = ds.graph(URIRef(path.resolve().as_uri()))
        for prefix, ns in g.namespace_manager.namespaces():
            ds.bind(prefix, ns, override=False)
        for triple in g:
            named.add(triple)
        for k, v in locs.items():
            locations.setdefault(k, v)
    return ds, SourceIndex(locations)


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
