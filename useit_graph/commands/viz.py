"""Map and export commands: ``useit viz`` (offline HTML map) and ``useit export FORMAT``."""

from __future__ import annotations

import click

from ..errors import UsageError
from ._common import data_options, echo_err

IMAGE_FORMATS = ("png", "svg")
GRAPH_FORMATS = ("gexf", "graphml")
RDF_FORMATS = ("jsonld", "ttl", "nt", "csv")
EXPORT_FORMATS = IMAGE_FORMATS + GRAPH_FORMATS + RDF_FORMATS


def _resolve(G, text):
    """Entity name, alt label, CURIE or IRI -> node key (``useit_graph.search.resolve_entity``)."""
    from ..search import resolve_entity

    return resolve_entity(G, text)


def _paths_between(G, a, b, k=3, max_len=4):
    """Node lists of the best ``k`` paths from ``a`` to ``b`` (``useit_graph.connect.links``)."""
    from ..connect import links

    return [list(p["nodes"]) for p in links(G, a, b, k=k, max_len=max_len)]


def _view_options(fn):
    for deco in reversed([
        click.option("--size", "size_by", type=click.Choice(["degree", "betweenness", "closeness", "uniform"]),
                     default="degree", show_default=True, help="Node size: the metric it is proportional to."),
        click.option("--focus", default=None, metavar="ENTITY",
                     help="Draw the neighbourhood of this entity (name, alt label or IRI)."),
        click.option("--depth", default=1, show_default=True, type=click.IntRange(min=0),
                     help="With --focus: how many steps out from the entity."),
        click.option("--path", "path_ends", nargs=2, default=None, metavar="A B",
                     help="Highlight the connecting paths between two entities."),
        click.option("--as-of", "as_of", default=None, metavar="DATE",
                     help="Snapshot: only relationships running on this date (YYYY-MM-DD)."),
        click.option("--include-persons", is_flag=True,
                     help="Show natural persons' names (default: pseudonymised as 'Person 1', ...)."),
        click.option("--title", default="USE-IT! relationship map", show_default=True, help="Map title."),
        click.option("--seed", default=42, show_default=True, type=int, help="Layout seed."),
    ]):
        fn = deco(fn)
    return fn


def _view(ctx_data, focus, depth, path_ends, as_of):
    """(graph, focus IRI, path node lists) for the view options."""
    import datetime as _dt

    if as_of is not None:
        try:
            as_of = _dt.date.fromisoformat(as_of).isoformat()
        except ValueError:
            raise UsageError(f"--as-of {as_of!r} is not a date", hint="write it as YYYY-MM-DD") from None
    G = ctx_data.graph(as_of=as_of) if as_of else ctx_data.graph()
    focus_iri = _resolve(G, focus) if focus else None
    paths = None
    if path_ends:
        a, b = (_resolve(G, x) for x in path_ends)
        paths = _paths_between(G, a, b)
        if not paths:
            echo_err(f"no path joins {path_ends[0]!r} and {path_ends[1]!r}; showing both")
            paths = [[a], [b]]
        if focus_iri is None:
            focus_iri, depth = a, 0
    return G, focus_iri, depth, paths, as_of


@click.command()
@click.option("--output", "-o", default="map.html", show_default=True, type=click.Path(dir_okay=False),
              help="HTML file to write.")
@_view_options
@data_options
def viz(output, size_by, focus, depth, path_ends, as_of, include_persons, title, seed, ctx_data):
    """Write the interactive relationship map: one HTML file that works offline.

    Nodes are coloured by tier, shaped by kind and sized by a metric; lines are coloured by tie
    type (bonding, bridging, linking), brokerage is dashed. The page has a legend, filters, search
    and tooltips with the evidence. Persons are pseudonymised unless --include-persons. Prints the
    path of the written file.

    \b
    Examples:
      useit viz                                   # map.html of the whole USE-IT! graph
      useit viz -o warm-earth.html --focus "Warm Earth" --depth 2
      useit viz --path "Warm Earth" "Birmingham City Council" --size betweenness
      useit viz --as-of 2018-06-30 -o 2018.html
    """
    from ..export.files import work_package_labels
    from ..export.html import write_html

    G, focus_iri, depth, paths, as_of = _view(ctx_data, focus, depth, path_ends, as_of)
    out = write_html(G, output, size_by=size_by, focus=focus_iri, depth=depth, path_nodes=paths, as_of=as_of,
                     include_persons=include_persons, title=title, seed=seed,
                     work_package_labels=work_package_labels(ctx_data.source()))
    click.echo(str(out))


def _data_graph(ctx_data):
    """The RDF data without the ontology (what the RDF and CSV exports write)."""
    from rdflib import Graph, URIRef

    ds, _ = ctx_data.dataset()
    onto = URIRef(ctx_data.paths.ontology.resolve().as_uri())
    g = Graph()
    for prefix, ns in ds.namespace_manager.namespaces():
        g.bind(prefix, ns, override=False)
    for s, p, o, c in ds.quads((None, None, None, None)):
        if getattr(c, "identifier", c) != onto:
            g.add((s, p, o))
    return g


@click.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(EXPORT_FORMATS, case_sensitive=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="File to write (csv: the stem of <stem>-entities.csv and <stem>-relationships.csv).")
@_view_options
@click.option("--no-embed-context", is_flag=True,
              help="jsonld: refer to the context by its w3id URL instead of embedding it.")
@data_options
def export(fmt, output, size_by, focus, depth, path_ends, as_of, include_persons, title, seed, no_embed_context,
           ctx_data):
    """Export the graph as an image, a Gephi/Cytoscape file, RDF or editable CSV tables.

    png and svg draw the map (or a --focus/--path/--as-of view) with the map's colours and a
    legend. gexf and graphml keep types, tiers, tie types, dates and metrics as attributes.
    jsonld, ttl and nt write the RDF data (JSON-LD with the shipped context embedded). csv writes
    <stem>-entities.csv and <stem>-relationships.csv in the columns `useit import` reads. Persons
    are pseudonymised unless --include-persons. Prints the written path(s).

    \b
    Examples:
      useit export png -o map.png --focus "Warm Earth" --depth 2
      useit export gexf -o useit.gexf
      useit export ttl -o useit.ttl
      useit export csv -o useit.csv      # useit-entities.csv, useit-relationships.csv
    """
    from ..export import files

    fmt = fmt.lower()
    view_opts = focus or path_ends or as_of
    if fmt in RDF_FORMATS and view_opts:
        raise UsageError(f"--focus, --path and --as-of apply to png, svg, gexf and graphml, not {fmt}",
                         hint="export the whole data set, or pick a graph format")
    if fmt in IMAGE_FORMATS:
        from ..export.images import write_image

        G, focus_iri, depth, paths, as_of = _view(ctx_data, focus, depth, path_ends, as_of)
        written = [write_image(G, output, fmt=fmt, size_by=size_by, focus=focus_iri, depth=depth, path_nodes=paths,
                               as_of=as_of, include_persons=include_persons, title=title, seed=seed)]
    elif fmt in GRAPH_FORMATS:
        from ..export.html import prepare_view

        G, focus_iri, depth, paths, as_of = _view(ctx_data, focus, depth, path_ends, as_of)
        # pseudonymised against the whole graph, metrics measured on the whole snapshot (not the view)
        H = prepare_view(G, focus=focus_iri, depth=depth, path_nodes=paths, as_of=as_of,
                         include_persons=include_persons, seed=seed)
        writer = files.write_gexf if fmt == "gexf" else files.write_graphml
        written = [writer(H, output, include_persons=include_persons, seed=seed)]
    elif fmt == "csv":
        from rdflib import Graph

        onto = Graph().parse(ctx_data.paths.ontology)
        written = list(files.write_csv(_data_graph(ctx_data), output, ontology=onto, include_persons=include_persons))
    elif fmt == "jsonld":
        written = [files.write_jsonld(_data_graph(ctx_data), output, include_persons=include_persons,
                                      embed_context=not no_embed_context, root=ctx_data.paths.root)]
    else:
        writer = files.write_turtle if fmt == "ttl" else files.write_ntriples
        written = [writer(_data_graph(ctx_data), output, include_persons=include_persons)]
    for p in written:
        click.echo(str(p))


COMMANDS = [viz, export]
