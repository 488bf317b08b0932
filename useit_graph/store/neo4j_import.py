"""Offline bulk import into an empty Neo4j database: :class:`~useit_graph.store.neo4j.Rows` as the
CSV files of ``neo4j-admin database import full``.

Stage "store", the fast path for a *first* load of a large dataset. ``useit neo4j load`` writes
through Bolt in ``UNWIND $rows`` transactions: idempotent, incremental, safe to re-run, several
datasets side by side, and bound by the server's transaction throughput (about 10-16k
relationships/s on the project's 2-core machine, ``bench/results/neo4j.md``). The import tool
instead writes the store files directly, with the server stopped, into a database that does not
exist yet or is replaced as a whole: Neo4j's own recommendation for initial loads of millions of
records [1]_.

The files describe exactly the property graph :func:`~useit_graph.store.neo4j.load` would write
(``tests/neo4j/test_bulk_import.py`` compares the two on a real server, property by property):

* one node file per label set and property signature, header ``:ID`` (an integer the import
  uses to join relationships to nodes and does not store), ``uri:string`` (the key property),
  then every property with its type (``start:date``, ``value_gbp:double``,
  ``projected:boolean``, ``alt_labels:string[]``, ...) and ``datasets:string[]``;
* one relationship file per type: ``:START_ID,:END_ID``, then the direct edge's properties and
  ``datasets:string[]``;
* the ``(:UseitLoad {dataset, state: 'complete', method: 'import'})`` marker that ``useit neo4j
  status`` reads.

Uniqueness constraints cannot be created by the import tool on the record store formats of
Neo4j Community 5 ("batch import does not support schema changes"), so
:func:`~useit_graph.store.neo4j.ensure_schema` creates them once the server is up (``useit neo4j
import --start`` does it; with your own server, run ``useit neo4j schema``).

Every value is written from the rows (never from query text): strings always quoted, with ``"``
doubled (RFC 4180, the import tool's default); a missing property is an empty unquoted field,
which the import reads as "no property"; array elements are joined by U+001F (unit separator),
refused if an element contains it.

References
----------
.. [1] Neo4j, "Import", *Operations Manual 5*, section "neo4j-admin database import full".
   https://neo4j.com/docs/operations-manual/5/tools/neo4j-admin/neo4j-admin-import/
"""

from __future__ import annotations

import datetime as _dt
import gc
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UseitGraphError
from .neo4j import LOAD_LABEL, Rows, _checked

__all__ = ["ARRAY_DELIMITER", "ImportFiles", "write_import_files", "marker_props"]

#: Between the elements of an array property (``--array-delimiter=U+001F``).
ARRAY_DELIMITER = "\x1f"

_SCALAR = {bool: "boolean", int: "long", float: "double", str: "string", _dt.date: "date",
           _dt.datetime: "datetime"}


class ImportDataError(UseitGraphError):
    """A value the import's CSV cannot carry (names the entity and the property)."""


def _type_name(value, where) -> str:
    """The Neo4j CSV type of a property value (``string``, ``date``, ``string[]``, ...)."""
    if isinstance(value, (list, tuple)):
        inner = {_type_name(v, where) for v in value}
        if not inner:
            return "string[]"  # an empty list: no element type to record; see _columns
        if len(inner) > 1:
            raise ImportDataError(f"{where}: a list mixes {sorted(inner)} values; Neo4j arrays hold one type")
        return inner.pop() + "[]"
    typ = _SCALAR.get(type(value))
    if typ is None:
        raise ImportDataError(f"{where}: a {type(value).__name__} value cannot be a Neo4j property")
    return typ


def _fmt_str(v) -> str:
    return '"' + v.replace('"', '""') + '"'


def _fmt_bool(v) -> str:
    return "true" if v else "false"


def _fmt_long(v) -> str:
    if not -(2 ** 63) <= v < 2 ** 63:
        raise ValueError(f"{v} does not fit a Neo4j integer (64 bits)")
    return str(v)


def _fmt_double(v) -> str:
    if not math.isfinite(v):
        raise ValueError(f"{v!r} is not a finite number")
    return repr(v)


def _fmt_temporal(v) -> str:
    return v.isoformat()


_FORMAT = {"id": str, "string": _fmt_str, "boolean": _fmt_bool, "long": _fmt_long, "double": _fmt_double,
           "date": _fmt_temporal, "datetime": _fmt_temporal}


def _formatter(typ: str):
    """The CSV field for a value of Neo4j CSV type `typ` (callers write None as an empty field)."""
    if typ.endswith("[]"):
        inner = _FORMAT[typ[:-2]]
        plain = typ == "string[]"

        def fmt_array(v) -> str:
            parts = [x if plain else inner(x) for x in v]
            if any(ARRAY_DELIMITER in x for x in parts):
                raise ValueError("an element contains U+001F, the import's array delimiter. Fix: "
                                 "remove the control character, or load with `useit neo4j load`")
            return _fmt_str(ARRAY_DELIMITER.join(parts))
        return fmt_array
    return _FORMAT[typ]


def marker_props(rows: Rows, now: _dt.datetime | None = None) -> dict:
    """The ``(:UseitLoad)`` marker of an import: what a completed load leaves, plus ``method``."""
    now = now or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    total = len(rows)
    return {"dataset": rows.dataset, "state": "complete", "rows_done": total, "rows_total": total,
            "batch_size": total, "started": now, "finished": now, "method": "import"}


@dataclass
class ImportFiles:
    """The CSV files written by :func:`write_import_files`, and the import tool's arguments.

    Attributes
    ----------
    directory : Path
    nodes : list of (labels, path, count)
    relationships : list of (type, path, count)
    multiline : bool
        Some string holds a line break: the import then needs ``--multiline-fields=true``.
    """

    directory: Path
    nodes: list = field(default_factory=list)
    relationships: list = field(default_factory=list)
    multiline: bool = False

    @property
    def n_nodes(self) -> int:
        return sum(c for _, _, c in self.nodes)

    @property
    def n_relationships(self) -> int:
        return sum(c for _, _, c in self.relationships)

    def arguments(self) -> list[str]:
        """``neo4j-admin database import full`` options for these files (no database name)."""
        args = ["--array-delimiter=U+001F", "--id-type=integer", "--bad-tolerance=0"]
        if self.multiline:
            args.append("--multiline-fields=true")
        args += [f"--nodes={':'.join(lbls)}={p}" for lbls, p, _ in self.nodes]
        args += [f"--relationships={t}={p}" for t, p, _ in self.relationships]
        return args

    def write_argfile(self, database: str = "neo4j", *, overwrite: bool = False) -> Path:
        """An @-file with every argument, one per line: ``neo4j-admin database import full @FILE``."""
        lines = [database, *self.arguments()] + (["--overwrite-destination=true"] if overwrite else [])
        path = self.directory / "import.args"
        quoted = ['"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"' for a in lines]
        path.write_text("\n".join(quoted) + "\n", encoding="utf-8")
        return path


def _columns(rows: list[dict], where) -> list[tuple[str, str]] | None:
    """(key, type) per property of these rows, or None if a key has two types among them."""
    keys: dict = {}  # first-seen order
    for r in rows:
        keys.update(r)
    classes = {k: {r.get(k).__class__ for r in rows} for k in keys}  # key -> Python classes of its values
    out = []
    for k, found in classes.items():
        found.discard(type(None))
        if not found:
            continue
        if found & {list, tuple}:
            if found - {list, tuple}:
                return None
            inner = {_type_name(v, where(r)) for r in rows if (v := r.get(k))}  # non-empty lists
            if len(inner) > 1:
                return None
            out.append((k, inner.pop() if inner else "string[]"))
            continue
        names = set()
        for c in found:
            name = _SCALAR.get(c)
            if name is None:  # name the entity that holds the value
                bad = next(r for r in rows if r.get(k).__class__ is c)
                _type_name(bad[k], where(bad))
            names.add(name)
        if len(names) > 1:
            return None
        out.append((k, names.pop()))
    return out


def _signature_groups(rows: list[dict], where) -> list[tuple[list[tuple[str, str]], list[dict]]]:
    """Rows grouped so that each group's columns have one type each (one group, unless a
    property has values of two types, e.g. a date in some rows and a string in others)."""
    cols = _columns(rows, where)
    if cols is not None:
        return [(cols, rows)]
    groups: dict = defaultdict(list)
    for r in rows:
        sig = tuple(sorted((k, _type_name(v, where(r))) for k, v in r.items()
                           if v is not None and not (isinstance(v, (list, tuple)) and not v)))
        groups[sig].append(r)
    return [(_columns(g, where) or [], g) for _, g in sorted(groups.items())]


def _fails(fmt, value) -> bool:
    try:
        fmt(value)
    except ValueError:
        return True
    return False


def _write_lines(path: Path, header: list[str], chunks) -> int:
    """Write a header and chunks of ready-made lines (each ending in a newline) atomically."""
    tmp = path.with_suffix(path.suffix + ".part")
    count = 0
    try:
        with open(tmp, "w", encoding="utf-8", newline="", buffering=1 << 20) as fh:
            fh.write(",".join(header) + "\n")
            for lines in chunks:
                fh.write("".join(lines))
                count += len(lines)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def _write(path: Path, columns: list[tuple[str, str]], header: list[str], rows, values, where,
           tail: str = "") -> tuple[int, bool]:
    """Write one CSV file atomically.

    Each of `rows` becomes one line: ``values(row)`` in `columns` order, then `tail` (fields that
    are the same on every line, already formatted). ``where(row)`` names the entity in an error.
    Returns the row count and whether a field holds a line break (the import then needs
    ``--multiline-fields=true``; a break can only come from inside a quoted string).
    """
    fmts = [_formatter(t) for _, t in columns]
    end = ("," + tail if columns and tail else tail) + "\n"
    count, multiline = 0, False
    tmp = path.with_suffix(path.suffix + ".part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="", buffering=1 << 20) as fh:
            fh.write(",".join(header) + "\n")
            write = fh.write
            for row in rows:
                vals = values(row)
                try:
                    line = ",".join(["" if v is None else f(v) for f, v in zip(fmts, vals)])
                except ValueError as exc:
                    bad = next(k for (k, _), f, v in zip(columns, fmts, vals)
                               if v is not None and _fails(f, v))
                    raise ImportDataError(f"{where(row)}, property {bad!r}: {exc}") from None
                if not multiline and ("\n" in line or "\r" in line):
                    multiline = True
                write(line + end)
                count += 1
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count, multiline


# relationships join nodes by integer id: the import tool then maps no strings (measured at 10^6
# relationships: see bench/results/neo4j.md), and the files are about half the size
_ENDS = [(":START_ID", "id"), (":END_ID", "id")]


def write_import_files(rows: Rows, directory: str | os.PathLike) -> ImportFiles:
    """Write `rows` as CSV files for ``neo4j-admin database import full``.

    Parameters
    ----------
    rows : Rows
        From :func:`~useit_graph.store.neo4j.build_rows`; ``rows.dataset`` goes into every
        ``datasets`` list and the marker.
    directory : path-like
        Created if missing; must hold no ``*.csv`` files yet (so nothing stale is imported).

    Returns
    -------
    ImportFiles

    Raises
    ------
    ImportDataError
        A value the CSV cannot carry (names the node or relationship and the property).
    FileExistsError
        `directory` already holds ``*.csv`` files.

    Examples
    --------
    >>> import tempfile
    >>> from useit_graph.store.neo4j import Rows
    >>> rows = Rows(nodes={("Charity", "Resource"): [
    ...     {"uri": "urn:a", "props": {"uri": "urn:a", "label": 'A "B" c'}}]}, dataset="demo")
    >>> files = write_import_files(rows, tempfile.mkdtemp())
    >>> print(open(files.nodes[0][1], encoding="utf-8").read(), end="")
    :ID,uri:string,label:string,datasets:string[]
    0,"urn:a","A ""B"" c","demo"
    """
    # millions of short-lived strings: with a city's rows in memory, each automatic full
    # collection walks every object of the process; nothing written here forms a cycle
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_import_files(rows, Path(directory))
    finally:
        if enabled:
            gc.enable()


def _write_import_files(rows: Rows, out: Path) -> ImportFiles:
    out.mkdir(parents=True, exist_ok=True)
    if any(out.glob("*.csv")):
        raise FileExistsError(f"{out} already holds CSV files. Fix: give an empty directory for "
                              "the import files")
    files = ImportFiles(directory=out)
    ds_field = _formatter("string[]")([rows.dataset])  # the same on every line
    ids: dict = {}  # uri -> the import's integer node id

    def node_id(uri, what):
        try:
            return ids[uri]
        except KeyError:
            raise ImportDataError(f"{what}: {uri!r} is not among the nodes written. Fix: build the "
                                  "rows with build_rows, which writes every endpoint") from None

    def node_where(p):
        return f"node {p.get('uri')!r}"

    n = 0
    for lbls, node_rows in sorted(rows.nodes.items()):
        labels = tuple(_checked(x, "label") for x in lbls)
        for cols, group in _signature_groups([r["props"] for r in node_rows], node_where):
            cols = [("uri", "string")] + [(k, t) for k, t in cols if k != "uri"]
            header = [":ID"] + [f"{k}:{t}" for k, t in cols] + ["datasets:string[]"]
            getters = [k for k, _ in cols]
            for p in group:
                if p["uri"] in ids:
                    raise ImportDataError(f"{node_where(p)} is written twice (two label sets)")
                ids[p["uri"]] = len(ids)
            path = out / f"nodes-{n:03d}-{'_'.join(labels)}.csv"
            n += 1
            count, ml = _write(path, [(":ID", "id")] + cols, header, group,
                               lambda p, keys=getters: [ids[p["uri"]], *[p.get(k) for k in keys]],
                               node_where, ds_field)
            files.nodes.append((labels, path, count))
            files.multiline |= ml

    marker = marker_props(rows)
    mcols = [(k, _type_name(v, "the load marker")) for k, v in marker.items()]
    path = out / f"nodes-{n:03d}-{LOAD_LABEL}.csv"
    count, _ = _write(path, mcols, [f"{k}:{t}" for k, t in mcols], [marker],
                      lambda m: list(m.values()), lambda m: "the load marker")
    files.nodes.append(((LOAD_LABEL,), path, count))

    r = 0
    for typ, link_rows in sorted(rows.links.items()):
        t = _checked(typ, "relationship type")
        path = out / f"rels-{r:03d}-{t}.csv"
        r += 1
        try:  # most rows of a city are these two-id lines: formatted by comprehension, in chunks
            chunks = ([f"{ids[x['src']]},{ids[x['dst']]},{ds_field}\n" for x in link_rows[i:i + 100_000]]
                      for i in range(0, len(link_rows), 100_000))
            count = _write_lines(path, [":START_ID", ":END_ID", "datasets:string[]"], chunks)
        except KeyError:
            for x in link_rows:
                node_id(x["src"], t), node_id(x["dst"], t)
            raise
        files.relationships.append((t, path, count))

    for typ, edge_rows in sorted(rows.edges.items()):
        t = _checked(typ, "relationship type")
        ends = {id(e["props"]): (node_id(e["src"], t), node_id(e["dst"], t)) for e in edge_rows}
        for cols, group in _signature_groups([e["props"] for e in edge_rows],
                                             lambda p, t=t: f"{t} edge key {p.get('key')!r}"):
            keys = [k for k, _ in cols]
            header = [":START_ID", ":END_ID"] + [f"{k}:{tp}" for k, tp in cols] + ["datasets:string[]"]
            path = out / f"rels-{r:03d}-{t}.csv"
            r += 1
            count, ml = _write(path, _ENDS + cols, header, group,
                               lambda p, keys=keys: [*ends[id(p)], *[p.get(k) for k in keys]],
                               lambda p, t=t: f"{t} edge key {p.get('key')!r}", ds_field)
            files.relationships.append((t, path, count))
            files.multiline |= ml
    return files
