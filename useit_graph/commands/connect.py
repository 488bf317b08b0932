"""Connector commands: find, links, introduce, neighbours, brokers, and the named queries."""

from __future__ import annotations

import click

from ..errors import UseitGraphError, UsageError
from ._common import ISO_DATE, data_options, emit, output_options

_TIES = click.Choice(["bonding", "bridging", "linking", "unclassified"])


def _resolve(ctx_data, *texts):
    from ..search import resolve_entity

    G = ctx_data.graph()
    return G, [resolve_entity(G, t) for t in texts]


@click.command("find")
@click.argument("text")
@click.option("--limit", "-n", type=click.IntRange(1), default=10, show_default=True, help="Most candidates to show.")
@data_options
@output_options()
def find(text, limit, ctx_data, fmt, output):
    """Search entities by name, acronym or identifier (fuzzy, ignores case and accents).

    \b
    Examples:
      useit find SWBH
      useit find "cafe creme" --json
    """
    from ..search import find_entities

    rows = find_entities(ctx_data.graph(), text, limit)
    emit(rows, fmt, output, columns=["curie", "label", "type", "score", "why", "iri"])


def _hop_rows(paths, why_every_row=True):
    """One row per hop; ``why`` (the path's ranking explanation) on every row, or on its first hop."""
    rows = []
    for p in paths:
        for i, h in enumerate(p["hops"], 1):
            r = h["relationships"][0] if h["relationships"] else {}
            ev = r.get("evidence") or []
            rows.append({
                "path": p["rank"], "hop": i, "from": h["from_label"],
                "edge": f"{r.get('direction', '')} {r.get('edge', '')}".strip(), "to": h["to_label"],
                "rel_type": r.get("rel_type"), "broker": r.get("broker_label"), "start": r.get("start"),
                "end": r.get("end"), "tie": r.get("tie"), "also": len(h["relationships"]) - 1,
                "evidence": f"[{ev[0]['section']}] {ev[0]['quote']}" if ev else None,
                "rel": r.get("rel"), "why": p.get("why") if why_every_row or i == 1 else None,
            })
    return rows


@click.command("links")
@click.argument("a")
@click.argument("b")
@click.option("--k", "k", type=click.IntRange(1), default=5, show_default=True, help="Most paths to show.")
@click.option("--max-len", type=click.IntRange(1, 8), default=4, show_default=True, help="Longest path, in hops.")
@click.option("--tie", "ties", type=_TIES, multiple=True, help="Follow only ties of this type. Repeatable.")
@click.option("--as-of", type=ISO_DATE, default=None, help="Follow only relationships running on this date.")
@click.option("--exclude", multiple=True, help="Entity the paths must avoid (name or CURIE). Repeatable.")
@data_options
@output_options()
def links(a, b, k, max_len, ties, as_of, exclude, ctx_data, fmt, output):
    """Show how two entities are connected: shortest paths and alternatives, hop by hop.

    Table and CSV give one row per hop (its best-evidenced relationship, with ``also`` counting
    the others) and ``why``, the path's ranking (length, evidence, latest tie; once per path in the
    table); JSON gives every path with all relationships and evidence of each hop.

    \b
    Examples:
      useit links "Warm Earth" "Birmingham City Council"
      useit links Brushstrokes SWBH --tie linking --exclude bham:useit-team --json
    """
    from ..connect import links as find_links

    G, (ia, ib) = _resolve(ctx_data, a, b)
    _, ex = _resolve(ctx_data, *exclude)
    paths = find_links(G, ia, ib, k=k, max_len=max_len, tie_types=ties or None, as_of=as_of, exclude=ex)
    if not paths:
        click.echo(f"no path of at most {max_len} hops between {a!r} and {b!r}", err=True)
    if fmt == "json":
        emit({"from": ia, "to": ib, "paths": paths}, fmt, output)
    else:
        emit(_hop_rows(paths, why_every_row=fmt != "table"), fmt, output,
             columns=["path", "hop", "from", "edge", "to", "rel_type", "broker", "start", "end", "tie", "also",
                      "evidence", "rel", "why"])


@click.command("introduce")
@click.argument("a")
@click.option("--to-type", default=None, help="Target class or alias (developer, anchor, funder, NHSTrust...).")
@click.option("--to", "to", default=None, help="One target entity (name or CURIE).")
@click.option("--k", "k", type=click.IntRange(1), default=10, show_default=True, help="Most results.")
@click.option("--max-len", type=click.IntRange(2, 6), default=4, show_default=True, help="Longest path, in hops.")
@data_options
@output_options()
def introduce(a, to_type, to, k, max_len, ctx_data, fmt, output):
    """Find who could introduce A to an entity of a type (or to B), ranked and explained.

    Score = 0.4 * 1/(hops-1) + 0.2 * recency + 0.2 * evidence + 0.2 * broker track record
    (docs/queries.md). When there is nothing to introduce (B is already a direct tie, or nothing
    lies within --max-len) the reason goes to stderr and the exit status is 1.

    \b
    Examples:
      useit introduce "Warm Earth" --to-type developer
      useit introduce Brushstrokes --to "Birmingham City Council" --json
    """
    from ..connect import introduce as find_intros
    from ..connect import why_no_introduction

    if (to_type is None) == (to is None):
        raise click.UsageError("give exactly one of --to-type or --to")
    G, (ia,) = _resolve(ctx_data, a)
    it = _resolve(ctx_data, to)[1][0] if to else None
    rows = find_intros(G, ia, to_type=to_type, to=it, k=k, max_len=max_len)
    if not rows:
        reason = why_no_introduction(G, ia, to_type=to_type, to=it, max_len=max_len)
        click.echo(f"no introduction for {a!r}" + (f" to {to!r}" if to else f" to a {to_type}") + f": {reason}",
                   err=True)
        if fmt != "table":
            emit([], fmt, output, columns=["rank", "target", "type", "score", "introducer", "path", "why"])
        raise click.exceptions.Exit(1)
    if fmt == "json":
        emit(rows, fmt, output)
    else:
        emit([{"rank": r["rank"], "target": r["target_label"], "type": r["target_type"], "score": r["score"],
               "introducer": r["introducer_label"], "path": " > ".join(r["labels"]), "why": r["why"]}
              for r in rows], fmt, output)


@click.command("neighbours")
@click.argument("x")
@click.option("--tie", "ties", type=_TIES, multiple=True, help="Keep ties of this type. Repeatable.")
@click.option("--rel-type", "rel_types", multiple=True, help="Keep this relationship class or edge label. Repeatable.")
@data_options
@output_options()
def neighbours(x, ties, rel_types, ctx_data, fmt, output):
    """List what an entity is tied to, by which relationship, and on what evidence.

    The table shows the first evidence quote and its report section (``evidence`` counts them);
    JSON and CSV give every quote (CSV: ``[section] quote`` joined by `` | ``).

    \b
    Examples:
      useit neighbours Brushstrokes
      useit neighbours "Birmingham City Council" --tie linking --csv
    """
    from ..connect import neighbours as nbrs

    G, (ix,) = _resolve(ctx_data, x)
    rows = nbrs(G, ix, tie_types=ties or None, rel_types=rel_types or None)
    if fmt in ("json", "nl"):
        emit(rows, fmt, output)
        return
    cols = ["neighbour_label", "type", "edge", "direction", "rel_type", "tie", "start", "end", "evidence",
            "section", "quote", "rel"]
    flat = []
    for r in rows:
        r = dict(r)
        if fmt == "table":
            r["evidence"] = r["evidence_count"]
            q = r["quote"] or ""
            r["quote"] = q if len(q) <= 70 else q[:69].rstrip() + "\u2026"
        else:  # every quote, in one cell
            r["evidence"] = " | ".join(f"[{e['section']}] {e['quote']}" for e in r["evidence"])
        flat.append(r)
    emit(flat, fmt, output, columns=cols + ([] if fmt == "table" else ["evidence_count"]))


@click.command("brokers")
@click.argument("a")
@click.argument("b")
@data_options
@output_options()
def brokers(a, b, ctx_data, fmt, output):
    """List the go-betweens of two entities: formal brokers first, then intermediaries.

    \b
    Examples:
      useit brokers bham:birmingham-settlement "Birmingham City Council"
      useit brokers Brushstrokes SWBH --json
    """
    from ..connect import brokers as find_brokers

    G, (ia, ib) = _resolve(ctx_data, a, b)
    rows = find_brokers(G, ia, ib)
    emit(rows, fmt, output, columns=None if fmt == "json" else
         ["broker_label", "type", "role", "gf_role", "track_record", "brokerages", "broker"])


def _queries_dir_option(fn):
    return click.option("--queries-dir", "queries_dirs", multiple=True, envvar="USEIT_QUERIES",
                        type=click.Path(file_okay=False, exists=True),
                        help="Folder of your own query files (.rq / .cypher). Repeatable (env USEIT_QUERIES).")(fn)


def _parse_kv(values):
    out = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"{v!r} is not key=value", param_hint="-p/--param")
        key, val = v.split("=", 1)
        out[key.strip()] = val
    return out


def _query_source(ctx_data):
    """What the named SPARQL queries read: the rdflib dataset, or the ``--store`` Oxigraph store."""
    return ctx_data.source() if ctx_data.store_dir else ctx_data.dataset()[0]


def _run_neo4j(q, params, ctx_data, dataset=None):
    """Run the Cypher file of `q` (the one discovered, so ``--queries-dir`` overrides count)."""
    from ..queries import is_oxigraph, rdflib_view, resolve_params

    try:
        from ..store import neo4j as neo
    except ImportError as exc:
        raise UseitGraphError("Neo4j support is not installed (useit_graph.store.neo4j or the neo4j driver "
                              f"is missing: {exc})", hint="install the neo4j extra, or use --backend embedded") from exc
    run = getattr(neo, "run_cypher", None)
    if run is None:
        raise UseitGraphError("Neo4j support is not installed (no run_cypher in useit_graph.store.neo4j)",
                              hint="use --backend embedded")
    ds = _query_source(ctx_data)
    terms = resolve_params(q, params, ds)
    if is_oxigraph(ds):
        ds = rdflib_view(ds)
    values = {p.name: None for p in q.params}
    from rdflib.namespace import SKOS

    for name, term in terms.items():
        kind = next(p.kind for p in q.params if p.name == name)
        if kind == "group":  # the property graph stores the group's notation
            values[name] = str(ds.value(term, SKOS.notation) or term)
        else:
            values[name] = term.toPython() if kind == "int" else str(term)
    conn = neo.connect()
    try:
        return run(q.cypher, values, conn, root=ctx_data.root, dataset=dataset)
    finally:
        conn.close()


@click.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter value (names, acronyms and CURIEs are resolved). Repeatable.")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default="embedded", show_default=True,
              help="embedded: SPARQL on the in-process RDF; neo4j: the Cypher twin on NEO4J_URI.")
@click.option("--dataset", "dataset_id", default=None,
              help="With --backend neo4j: only what this dataset id loaded (default: every dataset).")
@_queries_dir_option
@data_options
@output_options()
def query(name, params, backend, dataset_id, queries_dirs, ctx_data, fmt, output):
    """Run a named query with bound parameters (never formatted into the query text).

    The SPARQL file runs on the seeds (plus --data), or on a persistent store with --store; the
    Cypher twin runs with --backend neo4j. With --queries-dir, your files (and overrides of a
    built-in query) run on either backend.

    \b
    Examples:
      useit query find_neighbours -p entity=Brushstrokes -p tie_type=linking
      useit query find_paths -p a="Warm Earth" -p b="Birmingham City Council" --csv
      useit query find_brokers -p a=bham:brushstrokes -p b=SWBH --backend neo4j --dataset seeds
      useit query find_neighbours -p entity=SWBH --store city.store
    """
    from ..queries import discover_queries, get_query, run_sparql

    values = _parse_kv(params)
    qs = discover_queries(ctx_data.root, queries_dirs)
    q = get_query(name, qs)
    if dataset_id is not None and backend != "neo4j":
        raise click.UsageError("--dataset selects a dataset loaded into Neo4j: use it with --backend neo4j "
                               "(the embedded backend reads the files given with --data/--store)")
    if backend == "neo4j":
        if q.cypher is None:
            raise UsageError(f"named query {name!r} has no Cypher twin", hint=f"add queries/cypher/{name}.cypher")
        rows = _run_neo4j(q, values, ctx_data, dataset=dataset_id)
    else:
        rows = run_sparql(name, values, _query_source(ctx_data), queries=qs)
    emit(rows, fmt, output, columns=None if rows else (list(q.returns) or None))


@click.command("queries")
@_queries_dir_option
@click.option("--root", type=click.Path(file_okay=False, exists=True), envvar="USEIT_ROOT",
              help="Project root holding queries/ (env USEIT_ROOT).")
@output_options()
def queries(queries_dirs, root, fmt, output):
    """List the named queries with their parameters and descriptions.

    \b
    Examples:
      useit queries
      useit queries --queries-dir ~/my-queries --json
    """
    from ..queries import list_queries

    emit(list_queries(root, queries_dirs), fmt, output)


COMMANDS = [find, links, introduce, neighbours, brokers, query, queries]
