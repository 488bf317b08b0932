"""Core commands: validate, summary, import and the demo (the main job)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from ..errors import ImportFileError, UsageError
from ._common import ISO_DATE, data_options, echo_err, emit, output_options


_SPREADSHEETS = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")


def _check_rdf_files(files) -> None:
    """Usage errors (exit 2) for files ``useit validate`` cannot read: spreadsheets and unknown suffixes."""
    from ..load import _FORMATS

    for f in files:
        suffix = Path(f).suffix.lower()
        if suffix in _SPREADSHEETS:
            raise UsageError(
                f"{f}: `useit validate` checks RDF files (Turtle, N-Triples, ...), not spreadsheets",
                hint="import the tables first, which checks every row and validates the result: "
                     "`useit import entities.csv relationships.csv -o data.ttl` (see docs/import.md), "
                     "then `useit validate data.ttl`")
        if suffix not in _FORMATS:
            raise UsageError(f"{f}: unknown RDF file type {suffix!r}",
                             hint="use one of " + ", ".join(sorted(_FORMATS)))


def _syntax_finding(exc):
    """A parse error as a :class:`~useit_graph.validate.Finding`, for the JSON/CSV output."""
    from ..validate import Finding

    return Finding(getattr(exc, "file", None), getattr(exc, "line", None), "", None, None, "Violation",
                   getattr(exc, "problem", exc.message), exc.hint or "", "uit:SyntaxCheck")


def _findings(ctx_data, files, errors=None):
    from ..load import load_files, load_project
    from ..validate import load_shapes, validate_dataset

    paths = ctx_data.paths
    if ctx_data.store_dir:
        # city scale: every shape compiled to set-based SPARQL on the store (docs/scale.md, 4);
        # the same findings as pySHACL, without file and line (the store keeps no positions)
        import time

        from ..fast_validate import validate_store

        if files or ctx_data.data_files or not ctx_data.seeds:
            raise UsageError("--store validates what the store holds; FILES, --data and --no-seeds "
                             "choose the data only when there is no store",
                             hint="drop them, or build a store of those files with `useit store build`")
        started = time.perf_counter()
        found = validate_store(ctx_data.source(), paths.shapes)
        echo_err(f"validated the store {ctx_data.store_dir} with SPARQL checks in "
                 f"{time.perf_counter() - started:.1f} s")
        return found
    if files:
        ds, index = load_files([paths.ontology, *files], root=paths.root, errors=errors)
    else:
        ds, index = load_project(paths, extra=ctx_data.data_files, seeds=ctx_data.seeds)
    if errors:
        return []  # findings on the files that did parse would be misleading without the broken ones
    return validate_dataset(ds, load_shapes(paths.shapes), index=index)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Also list warnings.")
@output_options(default="table")
@data_options
def validate(files, warnings, fmt, output, ctx_data):
    """Validate RDF data against the SHACL shapes; exit 1 if it does not conform.

    With no FILES, validates the ontology and the seeds (plus any --data files). Every finding is
    listed with file, line, entity, message and fix. Exit codes: 0 conforms, 1 violations, 2 usage.
    With --store, validates a persistent store at city scale with the shapes compiled to SPARQL
    (the same findings as pySHACL, without file and line; docs/scale.md).

    \b
    Examples:
      useit validate
      useit validate my-data.ttl --format json
      useit validate --no-warnings --csv -o findings.csv
      useit validate --store city.store --no-warnings
    """
    _check_rdf_files(files)
    errors: list = []
    findings = _findings(ctx_data, files, errors if fmt != "table" else None)
    if errors:  # JSON/CSV/NL: a file that does not parse is a finding too (and still an error on stderr)
        for exc in errors:
            echo_err(f"Error: {exc}")
        findings = [_syntax_finding(exc) for exc in errors]
    shown = [f for f in findings if warnings or f.severity == "Violation"]
    violations = sum(f.severity == "Violation" for f in findings)
    rows = [f.as_dict() for f in shown]
    cols = ["file", "line", "severity", "focus", "path", "value", "message", "fix", "shape"]
    if fmt == "table":
        for f in shown:
            click.echo(f"{f.severity}: {f}")
        echo_err(f"{violations} violation(s), {len(findings) - violations} warning(s)"
                 + (": conforms" if not violations else ": does not conform"))
    else:
        emit(rows, fmt, output, cols)
    if violations:
        raise click.exceptions.Exit(1)


def summarise(G) -> dict:
    """Counts of nodes and edges by type, tier, group, relationship type and tie type."""
    nodes = G.nodes(data=True)
    edges = G.edges(data=True)
    rels = {d["rel"] for _, _, d in edges}
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "relationships": len(rels),
        "nodes_by_tier": dict(sorted(Counter(str(d.get("tier")) for _, d in nodes).items())),
        "nodes_by_kind": dict(sorted(Counter(d.get("kind") for _, d in nodes).items())),
        "nodes_by_type": dict(sorted(Counter(d.get("type") for _, d in nodes).items())),
        "nodes_by_group": dict(sorted(Counter(str(d.get("group")) for _, d in nodes).items())),
        "relationships_by_type": dict(sorted(Counter(
            {r: t for r, t in ((d["rel"], d["rel_type"]) for _, _, d in edges)}.values()).items())),
        "edges_by_tie": dict(sorted(Counter(d.get("tie") for _, _, d in edges).items())),
        "as_of": G.graph.get("as_of"),
    }


@click.command()
@click.option("--as-of", type=ISO_DATE, help="Snapshot date (YYYY-MM-DD).")
@output_options(default="table")
@data_options
def summary(as_of, fmt, output, ctx_data):
    """Build the graph and print counts by type, tier, group and tie type.

    \b
    Examples:
      useit summary
      useit summary --as-of 2017-01-01 --json
    """
    G = ctx_data.graph(as_of=as_of)
    s = summarise(G)
    if fmt == "json":
        emit(s, "json", output)
        return
    rows = []
    for key, value in s.items():
        if isinstance(value, dict):
            rows += [{"measure": key, "key": k, "value": v} for k, v in value.items()]
        else:
            rows.append({"measure": key, "key": "", "value": value})
    emit(rows, fmt, output, ["measure", "key", "value"])


@click.command(name="import")
@click.argument("entities", type=click.Path(exists=True, dir_okay=False))
@click.argument("relationships", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="Turtle file to write (written only if everything is valid).")
@click.option("--base", help="Namespace for minted IRIs (default https://w3id.org/useit-graph/id/<name>/).")
@click.option("--title", help="Title of the source document the rows' evidence cites (default: the file names).")
@click.option("--entity-sheet", help="XLSX: the entities sheet (default 'Entities', or the first sheet).")
@click.option("--relationship-sheet", help="XLSX: the relationships sheet (default 'Relationships').")
@click.option("--root", type=click.Path(file_okay=False, exists=True), envvar="USEIT_ROOT",
              help="Project root holding ontology/ (env USEIT_ROOT).")
def import_(entities, relationships, out, base, title, entity_sheet, relationship_sheet, root):
    """Import entities and relationships from CSV or XLSX into validated Turtle.

    Takes an entities table and a relationships table (Kumu-like columns; see docs/import.md), or
    one XLSX workbook with sheets 'Entities' and 'Relationships'. Every problem is reported with
    file, sheet, row and column, including what the SHACL shapes find in the result; nothing is
    written unless the result passes the shapes.

    \b
    Examples:
      useit import examples/import/entities.csv examples/import/relationships.csv -o my.ttl
      useit import map.xlsx -o my.ttl
      useit validate my.ttl
    """
    import rdflib

    from ..atomic import write_text_atomic
    from ..importer import import_error, import_tables_with_origins, problems_from_findings
    from ..paths import get_paths
    from ..validate import load_shapes, validate_dataset

    paths = get_paths(root)
    onto = rdflib.Graph().parse(paths.ontology)
    try:
        g, origins = import_tables_with_origins(entities, relationships, ontology=onto, base=base,
                                                source_title=title, entity_sheet=entity_sheet,
                                                relationship_sheet=relationship_sheet)
        findings = validate_dataset(g, load_shapes(paths.shapes), ontology=onto)
        bad = problems_from_findings(findings, origins)
        if bad:  # the rows passed the importer's checks but the result fails the shapes
            raise import_error(bad, origins, "cannot import: the result does not pass the shapes")
    except ImportFileError as exc:
        if not exc.problems:
            raise
        for p in exc.problems:  # every problem once, here; the error below only counts them
            echo_err(str(p))
        raise ImportFileError(f"cannot import: {len(exc.problems)} problem(s) listed above; nothing was written",
                              problems=exc.problems, hint="correct the rows and run the import again") from None
    for p in problems_from_findings(findings, origins, warnings=True):
        echo_err(f"Warning: {p}")
    write_text_atomic(Path(out), g.serialize(format="turtle"))
    click.echo(out)
    echo_err(f"wrote {out}: {len(g)} triples")


@click.command()
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the report and the HTML map.")
@data_options
def demo(out_dir, ctx_data):
    """Run the main job on the embedded USE-IT! seed data: validate, build, measure, report, map.

    In process, no server. Prints a summary and the headline measures, and the paths of what it wrote.

    \b
    Examples:
      useit demo
      useit demo --out /tmp/useit
    """
    from ..export.files import work_package_labels
    from ..export.html import write_html
    from ..load import load_project
    from ..validate import load_shapes, require_conformance, validate_dataset
    from .measures import demo_measures

    paths = ctx_data.paths
    ds, index = load_project(paths, extra=ctx_data.data_files, seeds=ctx_data.seeds)
    ctx_data._loaded = (ds, index)
    findings = validate_dataset(ds, load_shapes(paths.shapes), index=index)
    require_conformance(findings, "the seed data")
    warnings = sum(f.severity != "Violation" for f in findings)
    click.echo(f"validate: conforms ({len(ds)} triples, {warnings} warning(s))")
    G = ctx_data.graph()
    s = summarise(G)
    click.echo(f"graph: {s['nodes']} nodes, {s['relationships']} relationships, {s['edges']} edges")
    click.echo("ties: " + ", ".join(f"{k} {v}" for k, v in s["edges_by_tie"].items()))
    out = Path(out_dir)
    for line in demo_measures(ctx_data, out):
        click.echo(line)
    path = write_html(G, out / "useit-map.html", size_by="betweenness", work_package_labels=work_package_labels(ds))
    click.echo(f"map: {Path(path).resolve()}")


COMMANDS = [validate, summary, import_, demo]
_ = UsageError
