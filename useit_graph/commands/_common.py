"""Shared CLI plumbing: output formats, the data options, and loading the graph once.

Every command module in ``useit_graph.commands`` exposes ``COMMANDS`` (a list of click commands);
``cli.py`` registers them. Command bodies only parse options, call the library and format output.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path

import click

from ..errors import UseitGraphError
from ..paths import get_paths

__all__ = ["output_options", "data_options", "emit", "get_context", "ProjectContext", "echo_err", "IsoDate",
           "ISO_DATE"]

FORMATS = ("table", "json", "csv", "nl")


def echo_err(msg: str) -> None:
    """Log to stderr (data goes to stdout)."""
    click.echo(msg, err=True)


def output_options(default: str = "table"):
    """Add ``--format/-f`` and the ``--json``/``--csv``/``--table``/``--nl`` shortcuts, and ``-o``."""

    def deco(fn):
        @click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default=None,
                      help=f"Output format (default: {default}).")
        @click.option("--json", "as_json", is_flag=True, help="Shortcut for --format json.")
        @click.option("--csv", "as_csv", is_flag=True, help="Shortcut for --format csv.")
        @click.option("--nl", "as_nl", is_flag=True, help="Shortcut for --format nl (one JSON object per line).")
        @click.option("--table", "as_table", is_flag=True, help="Shortcut for --format table.")
        @click.option("--output", "-o", "output", type=click.Path(allow_dash=True, dir_okay=False), default="-",
                      show_default=True, help="Write the output to this file ('-' for stdout).")
        @wraps(fn)
        def wrapper(*args, fmt, as_json, as_csv, as_nl, as_table, output, **kwargs):
            chosen = [f for f, on in (("json", as_json), ("csv", as_csv), ("nl", as_nl), ("table", as_table)) if on]
            if fmt:
                chosen.append(fmt)
            if len(set(chosen)) > 1:
                raise click.UsageError("choose one output format")
            kwargs["fmt"] = chosen[0] if chosen else default
            kwargs["output"] = output
            return fn(*args, **kwargs)

        return wrapper

    return deco


def _plain(v):
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        return round(v, 6)
    if isinstance(v, (list, tuple, set, frozenset)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return f"{v:.4g}" if abs(v) < 1e6 else f"{v:,.0f}"
    if isinstance(v, (list, tuple)):
        return "; ".join(_cell(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(_plain(v), ensure_ascii=False, sort_keys=True)
    return str(v)


def render(rows, fmt: str, columns: list[str] | None = None, title: str | None = None) -> str:
    """Render a list of dicts (or a dict, for JSON) as table, json, csv or nl text.

    Examples
    --------
    >>> print(render([{"a": 1, "b": "x"}], "csv"), end="")
    a,b
    1,x
    >>> print(render([{"a": 1.5, "b": None}], "table"), end="")
    a    b
    ---  -
    1.5   
    """
    if isinstance(rows, dict) and fmt == "json":
        return json.dumps(_plain(rows), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if isinstance(rows, dict):
        rows = [rows]
    rows = list(rows)
    if columns is None:
        columns = []
        for r in rows:
            for k in r:
                if k not in columns:
                    columns.append(k)
    if fmt == "json":
        return json.dumps([_plain(r) for r in rows], indent=2, ensure_ascii=False) + "\n"
    if fmt == "nl":
        return "".join(json.dumps(_plain(r), ensure_ascii=False) + "\n" for r in rows)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_csv_safe(_cell(r.get(c))) for c in columns])
        return buf.getvalue()
    # table
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = []
    if title:
        lines.append(title)
    lines.append("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    return "\n".join(lines) + "\n"


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas (OWASP CSV injection): prefix a quote to =, +, -, @, tab, CR.

    Negative numbers are left alone.
    """
    if text and text[0] in "=+-@\t\r":
        try:
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text


def emit(rows, fmt: str, output: str = "-", columns=None, title=None) -> None:
    """Write rendered rows to stdout or atomically to a file."""
    text = render(rows, fmt, columns, title)
    if output in (None, "-"):
        click.echo(text, nl=False)
    else:
        from ..atomic import write_text_atomic

        write_text_atomic(Path(output), text)
        echo_err(f"wrote {output}")


def data_options(fn):
    """``--root``, ``--data`` (extra files), ``--no-seeds`` and ``--store`` for commands that read the graph."""

    @click.option("--root", type=click.Path(file_okay=False, exists=True), envvar="USEIT_ROOT",
                  help="Project root holding ontology/ seeds/ queries/ (env USEIT_ROOT).")
    @click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
                  help="Extra RDF data file(s) to load with (or instead of) the seeds. Repeatable.")
    @click.option("--no-seeds", is_flag=True, help="Do not load the USE-IT! seed data.")
    @click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None,
                  help="Read from a persistent Oxigraph store directory (see `useit store`).")
    @wraps(fn)
    def wrapper(*args, root, data_files, no_seeds, store_dir, **kwargs):
        kwargs["ctx_data"] = ProjectContext(root=root, data_files=tuple(data_files), seeds=not no_seeds,
                                            store_dir=store_dir)
        return fn(*args, **kwargs)

    return wrapper


@dataclass
class ProjectContext:
    """Lazily loads the dataset and projects the graph, once per command."""

    root: str | None = None
    data_files: tuple = ()
    seeds: bool = True
    store_dir: str | None = None
    _loaded: tuple | None = field(default=None, repr=False)
    _graphs: dict = field(default_factory=dict, repr=False)

    @property
    def paths(self):
        return get_paths(self.root)

    def dataset(self):
        """(rdflib Dataset, SourceIndex) of ontology + seeds + extra files."""
        if self.store_dir:
            raise UseitGraphError(
                "this command needs the RDF dataset itself, not a store",
                hint="drop --store, or use a command that reads the projected graph")
        if self._loaded is None:
            from ..load import load_project

            self._loaded = load_project(self.paths, extra=self.data_files, seeds=self.seeds)
        return self._loaded

    def source(self):
        """What ``project_graph`` reads: the rdflib dataset, or the Oxigraph store."""
        if self.store_dir:
            from ..store.oxigraph import open_store

            return open_store(self.store_dir, paths=self.paths)
        return self.dataset()[0]

    def graph(self, **filters):
        """The projected MultiDiGraph for these filters (cached)."""
        key = tuple(sorted((k, tuple(v) if isinstance(v, (list, tuple)) else v) for k, v in filters.items()))
        if key not in self._graphs:
            if self.store_dir:
                # the store's projection snapshot when unfiltered, else its quads (fast_ingest)
                from ..store.oxigraph import project_store_dir

                self._graphs[key] = project_store_dir(self.store_dir, self.paths, **filters)
            else:
                from ..project import project_graph

                self._graphs[key] = project_graph(self.source(), **filters)
        return self._graphs[key]


def get_context(ctx_data: ProjectContext) -> ProjectContext:
    return ctx_data


class IsoDate(click.ParamType):
    """A calendar date written ``YYYY-MM-DD``, converted to :class:`datetime.date`.

    ``--as-of yesterday`` or ``--as-of 2030-13-45`` is a usage error (exit 2) naming the option,
    instead of a date compared as a string. Use :data:`ISO_DATE` for every option taking a date.

    Examples
    --------
    >>> ISO_DATE.convert("2018-06-30", None, None)
    datetime.date(2018, 6, 30)
    """

    name = "date"

    def get_metavar(self, param, ctx=None) -> str:
        return "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        import datetime as _dt
        import re

        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            return value
        text = str(value).strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError("not YYYY-MM-DD")
            return _dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a date: write YYYY-MM-DD, e.g. 2018-06-30", param, ctx)


#: The click type of every date option (``--as-of``, ``--baseline``, ``--end``).
ISO_DATE = IsoDate()


_ = sys
