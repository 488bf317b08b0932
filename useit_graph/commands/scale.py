"""City-scale commands: ``useit synth``, ``useit store build|info``, ``useit bench``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._common import echo_err, emit, output_options

__all__ = ["COMMANDS", "synth", "store", "bench"]


def _progress(description: str, total: int | None = None):
    """A rich progress bar on stderr and a ``(done, total)`` callback that advances it."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=False)
    task = bar.add_task(description, total=total)

    def update(done, total=None):
        bar.update(task, completed=done, **({"total": total} if total is not None else {}))

    return bar, update


@click.command()
@click.option("--orgs", type=int, default=1000, show_default=True, help="Number of organisations (and cohorts).")
@click.option("--relationships", type=int, default=10000, show_default=True, help="Number of relationships.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed; the same seed gives the same bytes.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output file (.ttl, .nt, or a .csv stem for the importer's two tables).")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "csv"]), default=None,
              help="Output format (default: from the file suffix).")
@click.option("--calibration", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Calibration JSON (default: the committed useit_graph/data/synth-calibration.json).")
@click.option("--calibrate", is_flag=True,
              help="Instead of generating, measure the proportions on ontology + seeds and rewrite the calibration JSON.")
@click.option("--root", type=click.Path(file_okay=False, exists=True), envvar="USEIT_ROOT",
              help="Project root holding ontology/ and seeds/ (for --calibrate).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def synth(orgs, relationships, seed, output, fmt, calibration, calibrate, root, quiet):
    """Generate a synthetic city graph (clearly marked synthetic) in the useit ontology.

    Proportions of classes, sectors, relationship types, tiers and brokerage are calibrated on the
    USE-IT! seeds; degrees are heavy-tailed (preferential attachment by tier). See docs/scale.md.

    \b
    Examples:
      useit synth --orgs 1000 --relationships 10000 --seed 1 -o city.ttl
      useit synth --orgs 100000 --relationships 1000000 -o city.nt
      useit synth --orgs 500 --relationships 2000 -o city.csv     # city-entities.csv + city-relationships.csv
      useit synth --calibrate                                     # re-measure on seeds/*.ttl
    """
    from ..synth import calibrate as measure
    from ..synth import load_calibration, write_calibration, write_synth

    if calibrate:
        from ..load import load_project
        from ..paths import get_paths
        from ..project import project_graph

        paths = get_paths(root)
        if not paths.seed_files():
            raise click.UsageError(f"no seed files under {paths.seeds}")
        ds, _ = load_project(paths)
        cal = measure(project_graph(ds), prior=load_calibration(calibration),
                      source=", ".join(str(p.relative_to(paths.root)) for p in paths.seed_files()))
        echo_err(f"wrote {write_calibration(cal, calibration)}")
        return
    if output is None:
        raise click.UsageError("give an output file with -o (e.g. -o city.ttl)")
    cal = load_calibration(calibration)
    if quiet:
        files = write_synth(output, orgs, relationships, seed, fmt, calibration=cal)
    else:
        bar, update = _progress("synth")
        with bar:
            files = write_synth(output, orgs, relationships, seed, fmt, progress=update, calibration=cal)
    for f in files:
        echo_err(f"wrote {f}")


@click.group()
def store():
    """Build and inspect a persistent Oxigraph store (parse once, open read-only after).

    \b
    Examples:
      useit store build city-store city.nt
      useit store info city-store
      useit metrics --store city-store
    """


@store.command("build")
@click.argument("store_dir", type=click.Path(file_okay=False))
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--seeds/--no-seeds", default=False, show_default=True, help="Also load seeds/*.ttl.")
@click.option("--overwrite", is_flag=True, help="Replace an existing store.")
@click.option("--projection/--no-projection", default=True, show_default=True,
              help="Also save the projected graph, which later commands load instead of re-projecting.")
@click.option("--root", type=click.Path(file_okay=False, exists=True), envvar="USEIT_ROOT",
              help="Project root holding ontology/ and seeds/.")
@output_options(default="table")
def store_build(store_dir, files, seeds, overwrite, projection, root, fmt, output):
    """Bulk-load the ontology and FILES into a new Oxigraph store directory.

    The store also keeps the projected graph (projection.pickle): commands given --store load it
    without filters instead of reading every quad again. A store directory is a trusted local
    cache: open only stores you built (see docs/scale.md).

    \b
    Examples:
      useit store build city-store city.nt
      useit store build --seeds --overwrite seeds-store
    """
    from ..paths import get_paths
    from ..store.oxigraph import build_store

    paths = get_paths(root)
    todo = ([str(p) for p in paths.seed_files()] if seeds else []) + list(files)
    if not todo:
        raise click.UsageError("give at least one data file, or --seeds")
    bar, update = _progress("store build", len(todo) + 1)
    with bar:
        manifest = build_store(todo, store_dir, paths=paths, overwrite=overwrite, projection=projection,
                               progress=lambda name, done, total: update(done, total))
    rows = [{"file": Path(e["file"]).name, "triples": e["triples"], "seconds": e["seconds"]} for e in manifest["files"]]
    if manifest.get("projection"):
        snap = manifest["projection"]
        rows.append({"file": snap["file"], "triples": f"{snap['nodes']} nodes, {snap['edges']} edges",
                     "seconds": snap["write_seconds"]})
    emit(rows, fmt, output, title=f"{store_dir}: {manifest['triples']} triples in {manifest['build_seconds']} s")


@store.command("info")
@click.argument("store_dir", type=click.Path(file_okay=False))
@output_options(default="table")
def store_info_cmd(store_dir, fmt, output):
    """Show what a store holds: files, triple counts, size on disk, versions.

    \b
    Examples:
      useit store info city-store
      useit store info city-store --json
    """
    from ..store.oxigraph import store_info

    info = store_info(store_dir)
    if fmt == "json":
        emit(info, fmt, output)
        return
    rows = [{"file": Path(e["file"]).name, "triples": e["triples"], "bytes": e["bytes"], "sha256": e["sha256"][:12]}
            for e in info["files"]]
    if info.get("projection"):
        snap = info["projection"]
        rows.append({"file": snap["file"], "triples": f"{snap['nodes']} nodes, {snap['edges']} edges",
                     "bytes": snap["bytes"], "sha256": snap["sha256"][:12]})
    emit(rows, fmt, output, title=f"{info['path']}: {info['quads_now']} triples, {info['disk_bytes'] / 1e6:.1f} MB "
                                  f"on disk, pyoxigraph {info['pyoxigraph']}")


@click.command()
@click.option("--sizes", default="1e3,1e4,1e5,1e6", show_default=True,
              help="Comma-separated relationship counts (organisations = relationships / 10).")
@click.option("--out", type=click.Path(dir_okay=False), default="bench/RESULTS.md", show_default=True,
              help="Markdown results file (the plot goes to bench/results/scaling.png).")
@click.option("--plain-timeout", type=int, default=300, show_default=True,
              help="Seconds before the plain rdflib path is stopped (reported as a lower bound).")
@click.option("--workdir", type=click.Path(file_okay=False), default=None,
              help="Where generated files and stores go (default: a temporary folder).")
def bench(sizes, out, plain_timeout, workdir):
    """Run the scale benchmarks (each stage in its own subprocess) and write the results.

    Needs the source checkout (bench/bench_scale.py). Takes about 15-20 minutes with 1e6.

    \b
    Examples:
      useit bench --sizes 1e3,1e4 --out /tmp/RESULTS.md
      useit bench
    """
    import subprocess

    from ..paths import PACKAGE_ROOT

    script = PACKAGE_ROOT / "bench" / "bench_scale.py"
    if not script.is_file():
        raise click.UsageError(f"{script} not found: run from a source checkout")
    cmd = [sys.executable, str(script), "--sizes", sizes, "--out", out, "--plain-timeout", str(plain_timeout)]
    if workdir:
        cmd += ["--workdir", workdir]
    raise SystemExit(subprocess.call(cmd))


COMMANDS = [synth, store, bench]
