"""``useit neo4j``: load the graph into Neo4j, read it back, and check the server.

Connection settings come from the environment only: ``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD`` (never an argument) and ``NEO4J_DATABASE``; ``--neo4j-uri`` overrides the URI.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from ..errors import UseitGraphError
from ._common import data_options, echo_err, emit

_URI_OPTION = click.option("--neo4j-uri", "uri", envvar="NEO4J_URI", default=None,
                           help="Bolt URI (env NEO4J_URI; default bolt://127.0.0.1:7687). "
                                "The password is read from NEO4J_PASSWORD only.")


def _dataset_id(ctx_data, given):
    if given:
        return given
    if ctx_data.data_files:
        stems = "+".join(Path(f).stem for f in ctx_data.data_files)
        return ("seeds+" + stems) if ctx_data.seeds else stems
    return "seeds"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def neo4j():
    """Load the knowledge graph into Neo4j, export it back, and check the server.

    Credentials come from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE.

    \b
    Examples:
      scripts/neo4j-server start        # or bring your own Neo4j
      export NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=...
      useit neo4j load --wipe --with-metrics
      useit neo4j export -o graph.graphml
      useit neo4j status
    """


@neo4j.command()
@click.option("--wipe", is_flag=True,
              help="First remove this dataset id; nodes and relationships other datasets also hold stay.")
@click.option("--with-metrics", is_flag=True,
              help="Also write the columns of `useit metrics --level node` as node properties.")
@click.option("--batch-size", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Rows per write transaction.")
@click.option("--dataset", "dataset_id", default=None,
              help="Dataset id added to every node and relationship (default: 'seeds', or the --data file names).")
@_URI_OPTION
@data_options
def load(wipe, with_metrics, batch_size, dataset_id, uri, ctx_data):
    """Load the graph into Neo4j (idempotent: MERGE on uri, batched UNWIND).

    Qualified relationships become nodes with role edges, plus one direct edge per projected
    edge; see docs/neo4j.md for the mapping. Re-loading a dataset replaces it: what the data no
    longer has is taken off (and deleted where no other dataset holds it). An interrupted load
    (Ctrl-C, server gone) says how many rows were committed; run the same command again to
    complete it.

    \b
    Examples:
      useit neo4j load
      useit neo4j load --wipe --with-metrics
      useit neo4j load --no-seeds --data city.nt --dataset city --batch-size 5000
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..store import neo4j as store

    stage = "before anything was written to Neo4j; nothing to complete"
    try:
        dsid = _dataset_id(ctx_data, dataset_id)
        G = ctx_data.graph()
        rows = store.build_rows(ctx_data.source(), dataset_id=dsid, graph=G)
        with store.connect(uri=uri) as conn:
            if not wipe:
                for state in store.half_loaded(conn, dsid):
                    echo_err(f"completing an interrupted load: {store.half_loaded_message(state)}")
            started = time.perf_counter()
            with Progress(TextColumn("[bold]neo4j load"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("{task.fields[rate]} rows/s"), TimeElapsedColumn(),
                          transient=False, console=None, redirect_stdout=False) as bar:
                task = bar.add_task("load", total=len(rows), rate="-")

                def progress(done, total):
                    rate = done / max(time.perf_counter() - started, 1e-9)
                    bar.update(task, completed=done, rate=f"{rate:,.0f}")

                result = store.load(conn, rows, batch_size=batch_size, progress=progress, wipe=wipe)
            stage = ("after the load completed, while writing the --with-metrics properties; re-run "
                     "the same command to write them") if with_metrics else "after the load completed"
            seconds = time.perf_counter() - started
            if with_metrics:
                result["metrics_nodes"] = store.write_metrics(conn, store.compute_metrics(G),
                                                              batch_size=batch_size)
    except KeyboardInterrupt:  # store.load turns Ctrl-C during the load into LoadInterrupted
        err = UseitGraphError(f"useit neo4j load was interrupted (Ctrl-C) {stage}")
        err.exit_code = 130
        raise err from None
    rels = result["links"] + result["edges"]
    echo_err(f"dataset {dsid!r}: {result['nodes']} nodes, {rels} relationships in {seconds:.1f} s "
             f"({rels / max(seconds, 1e-9):,.0f} relationships/s, batch size {batch_size})"
             + (f"; wiped {result['wiped']} nodes first" if wipe else ""))
    pruned = result.get("pruned") or {}
    if any(pruned.values()):
        echo_err(f"dataset {dsid!r} no longer has {pruned['nodes_released']} nodes and "
                 f"{pruned['relationships_released']} relationships it had: taken off them "
                 f"({pruned['nodes_deleted']} nodes and {pruned['relationships_deleted']} relationships "
                 f"no other dataset holds were deleted); {pruned['labels_removed']} stale labels removed")


@neo4j.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="File to write (.graphml or .json); '-' for JSON on stdout.")
@click.option("--json", "as_json", is_flag=True, help="Write node-link JSON (default unless -o *.graphml).")
@click.option("--dataset", "dataset_id", default=None, help="Only this dataset id (default: all).")
@_URI_OPTION
def export(output, as_json, dataset_id, uri):
    """Read the graph back from Neo4j into the projection model and write it out.

    \b
    Examples:
      useit neo4j export --json > graph.json
      useit neo4j export -o graph.graphml
    """
    import networkx as nx

    from ..atomic import write_text_atomic
    from ..store import neo4j as store

    with store.connect(uri=uri) as conn:
        for state in store.half_loaded(conn, dataset_id):
            echo_err(f"warning: {store.half_loaded_message(state)}")
        G = store.export(conn, dataset_id=dataset_id)
    if output != "-" and output.endswith(".graphml") and not as_json:
        H = _graphml_safe(G)
        text = "\n".join(nx.generate_graphml(H)) + "\n"
    else:
        data = nx.node_link_data(G, edges="edges")
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    if output == "-":
        click.echo(text, nl=False)
    else:
        write_text_atomic(Path(output), text)
        echo_err(f"wrote {output}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")


def _graphml_safe(G):
    """GraphML holds scalars only: lists and dicts become JSON strings, None is dropped."""
    import networkx as nx

    def scalar(v):
        if isinstance(v, (list, dict)):
            return json.dumps(v, ensure_ascii=False, sort_keys=True)
        return str(v) if isinstance(v, str) else v  # IRI (a str subclass) -> str

    def clean(d):
        return {k: scalar(v) for k, v in d.items() if v is not None}

    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(str(n), **clean(d))
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(str(u), str(v), key=str(k), **clean(d))
    return H


@neo4j.command()
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@click.option("--dataset", "dataset_id", default=None, help="Count only this dataset id.")
@_URI_OPTION
def status(as_json, dataset_id, uri):
    """Say whether Neo4j answers, its version, GDS/APOC, and what is loaded.

    Lists the datasets loaded (and warns about any that is half loaded: an interrupted load).

    \b
    Examples:
      useit neo4j status
      useit neo4j status --json --dataset seeds
    """
    from ..store import neo4j as store

    with store.connect(uri=uri) as conn:
        info = store.server_status(conn)
        info.update(store.counts(conn, dataset_id))
        loads = store.load_states(conn, dataset_id)
    for state in loads:
        if state["state"] != "complete":
            echo_err(f"warning: {store.half_loaded_message(state)}")
    if as_json:
        info["loads"] = loads
    else:
        info["datasets"] = [s["dataset"] for s in loads if s["state"] == "complete"]
        info["half_loaded"] = [s["dataset"] for s in loads if s["state"] != "complete"]
    emit(info, "json" if as_json else "table")


@neo4j.command(name="import")
@click.option("--home", type=click.Path(file_okay=False), default=None,
              help="Home of a stopped project server (scripts/neo4j-server start --data-dir HOME); "
                   "a new folder is fine.")
@click.option("--csv-dir", type=click.Path(file_okay=False), default=None,
              help="Write the CSV files here and keep them (default: a temporary folder, removed after).")
@click.option("--csv-only", is_flag=True,
              help="Only write the CSV files and an import.args @-file for your own server's neo4j-admin.")
@click.option("--database", default="neo4j", show_default=True, help="Database to create.")
@click.option("--overwrite", is_flag=True,
              help="Replace an existing database: every dataset in it is lost.")
@click.option("--start", "start_server", is_flag=True,
              help="Then start the server on HOME, create the constraints and print its NEO4J_* "
                   "lines, as `scripts/neo4j-server start` does.")
@click.option("--dataset", "dataset_id", default=None,
              help="Dataset id on every node and relationship (default: as for `useit neo4j load`).")
@data_options
def import_(home, csv_dir, csv_only, database, overwrite, start_server, dataset_id, ctx_data):
    """Bulk-import the graph into an empty database, offline (neo4j-admin database import full).

    For a first load of a large dataset: the import tool writes the store files directly, about
    3-4x faster than `useit neo4j load` at 10^6 relationships (bench/results/neo4j.md), giving
    the same nodes, relationships and properties. It replaces a database as a whole, with the server stopped;
    add or update datasets later with `useit neo4j load`. Constraints are created when the
    server is up: `--start` does it, or run `useit neo4j schema`. See docs/neo4j.md.

    \b
    Examples:
      useit neo4j import --no-seeds --data city.nt --dataset city --home /srv/useit-neo4j --start
      useit neo4j import --data city.nt --csv-only --csv-dir import/   # for your own neo4j-admin
    """
    import shutil
    import tempfile

    from ..store import neo4j as store
    from ..store import neo4j_import, neo4j_server as server

    if csv_only and not csv_dir:
        raise click.UsageError("--csv-only needs --csv-dir (where to leave the files)")
    if csv_only and (home or start_server):
        raise click.UsageError("--csv-only writes files only; leave out --home and --start")
    if not csv_only and not home:
        raise click.UsageError("give --home (a stopped project server's home), or --csv-only --csv-dir DIR")
    if home:
        home = Path(home).resolve()
        try:  # refuse now, before the data are read: a running server, an existing database
            server.check_importable(home, database, overwrite=overwrite)
        except server.Neo4jServerError as exc:
            raise UseitGraphError(str(exc)) from None
    dsid = _dataset_id(ctx_data, dataset_id)
    began = time.perf_counter()
    rows = store.build_rows(ctx_data.source(), dataset_id=dsid, graph=ctx_data.graph())
    prepared = time.perf_counter() - began
    folder = Path(csv_dir) if csv_dir else Path(tempfile.mkdtemp(prefix="useit-import-"))
    try:
        t0 = time.perf_counter()
        files = neo4j_import.write_import_files(rows, folder)
        written = time.perf_counter() - t0
        rels = files.n_relationships
        if csv_only:
            argfile = files.write_argfile(database, overwrite=overwrite)
            echo_err(f"dataset {dsid!r}: {rows.n_nodes} nodes, {rels} relationships in "
                     f"{len(files.nodes) + len(files.relationships)} CSV files under {folder} ({written:.1f} s)")
            click.echo(f"neo4j-admin database import full @{argfile}")
            echo_err("run the line above with that server stopped, start it, then `useit neo4j schema`")
            return
        try:
            result = server.import_database(home, files.arguments(), database=database,
                                            overwrite=overwrite)
        except server.Neo4jServerError as exc:
            raise UseitGraphError(str(exc)) from None
    finally:
        if not csv_dir:
            shutil.rmtree(folder, ignore_errors=True)
    seconds = written + result["seconds"]
    echo_err(f"dataset {dsid!r}: {rows.n_nodes} nodes, {rels} relationships imported into {home} "
             f"in {seconds:.1f} s ({rels / max(seconds, 1e-9):,.0f} relationships/s: CSV {written:.1f} s, "
             f"neo4j-admin {result['seconds']:.1f} s; reading the data took {prepared:.1f} s)")
    if not start_server:
        echo_err(f'next: eval "$(scripts/neo4j-server start --data-dir {home})", then `useit neo4j schema`')
        return
    try:
        info = server.start(data_dir=home)
    except server.Neo4jServerError as exc:
        raise UseitGraphError(str(exc)) from None
    with store.connect(info.uri, info.user, info.password, database) as conn:
        store.ensure_schema(conn)
        got = store.counts(conn, dsid)
    if (got["nodes"], got["relationships"]) != (rows.n_nodes, rows.n_relationships):
        raise UseitGraphError(
            f"after the import, Neo4j on {home} holds {got['nodes']} nodes and {got['relationships']} "
            f"relationships of dataset {dsid!r}, not {rows.n_nodes} and {rows.n_relationships}",
            hint=f"read {home}/logs/import-{database}.report and {home}/neo4j-console.log")
    lines = info.shell_lines()
    click.echo(lines, nl=not lines.endswith("\n"))


@neo4j.command()
@_URI_OPTION
def schema(uri):
    """Create the uniqueness constraints (and so the uri index) if missing; list them.

    `useit neo4j load` does this itself; run it once after an offline `useit neo4j import` into
    your own server.
    """
    from ..store import neo4j as store

    with store.connect(uri=uri) as conn:
        store.ensure_schema(conn)
        with store._mapped(conn.uri, conn.database, conn.user):
            recs, _, _ = conn.driver.execute_query(
                "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
                "RETURN name, type, labelsOrTypes AS labels, properties ORDER BY name",
                database_=conn.database)
    emit([dict(r) for r in recs], "table")


COMMANDS = [neo4j]
