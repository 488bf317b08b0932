"""A persistent embedded store: an Oxigraph directory, parsed once, opened read-only after.

A city-scale graph (10^6 relationships, about 8M triples) takes rdflib minutes and gigabytes to
parse; Oxigraph bulk-loads it once into an on-disk RocksDB directory (``build_store``), and every
later command opens that directory read-only in milliseconds (``open_store``) and projects or
queries it (``project_graph(store)``, SPARQL, :mod:`useit_graph.fast_validate`).

Layout of a store directory::

    DIR/useit-store.json   what was loaded: files, sizes, SHA-256, triple counts, versions
    DIR/oxigraph/          the Oxigraph (RocksDB) database; one named graph per file
    DIR/projection.pickle  the unfiltered projected graph (optional; see below)

The ontology (``ontology/useit.ttl``) is always loaded with the data, because the projection
reads its edge annotations from the same source.

Projection snapshot
-------------------
Reading a whole store back costs about 4 us per quad (RocksDB string lookups), more than parsing
the file again, so a store alone makes SPARQL and validation cheap but not the projection that
every measure, map and ``links`` needs. ``build_store`` therefore also writes the unfiltered
projection (:func:`useit_graph.fast_ingest.ingest_files` of the same files) as a pickle, and
:func:`project_store_dir` loads it when no filter is asked for: about 15x faster than projecting
again (0.5 s against 7.7 s at 10^5 relationships, measured; ``bench/RESULTS.md`` has 10^6).
The manifest records the pickle's SHA-256, checked before loading, and a key made of the package
version and the source of the projection modules; a snapshot written by other code is ignored
(the store is projected from its quads instead) rather than trusted.

A pickle can run code when loaded, so **a store directory is a trusted local cache**, like any
build output: open only stores you (or your pipeline) built. The SHA-256 check catches a torn or
edited file, not a deliberate forgery. ``build_store(..., projection=False)`` (CLI
``--no-projection``) writes no snapshot.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

from ..errors import StoreUnavailable, UsageError

__all__ = ["build_store", "open_store", "store_info", "load_projection", "project_store_dir",
           "projection_key", "MANIFEST", "DB_DIR", "PROJECTION"]

MANIFEST = "useit-store.json"
DB_DIR = "oxigraph"
PROJECTION = "projection.pickle"
_FORMATS = {".ttl": "TURTLE", ".turtle": "TURTLE", ".nt": "N_TRIPLES", ".ntriples": "N_TRIPLES",
            ".nq": "N_QUADS", ".trig": "TRIG", ".rdf": "RDF_XML", ".owl": "RDF_XML", ".xml": "RDF_XML",
            ".jsonld": "JSON_LD"}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _format(path: Path):
    import pyoxigraph as ox

    name = _FORMATS.get(path.suffix.lower())
    if name is None:
        raise UsageError(f"{path}: unknown RDF file type {path.suffix!r}",
                         hint="use one of " + ", ".join(sorted(_FORMATS)))
    return getattr(ox.RdfFormat, name)


def projection_key() -> str:
    """What a projection snapshot depends on: the package version and the projection code.

    The SHA-256 of ``useit_graph.__version__`` and the source of ``project.py`` and
    ``fast_ingest.py``; a snapshot with another key is stale and is not loaded.
    """
    from .. import __version__, fast_ingest, project

    h = hashlib.sha256(__version__.encode())
    for module in (project, fast_ingest):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()


def _write_projection(files: list[Path], folder: Path, paths, include_ontology: bool) -> dict:
    from ..fast_ingest import ingest_files

    G = ingest_files(files, paths=paths, include_ontology=include_ontology)
    target = folder / PROJECTION
    t0 = time.perf_counter()
    with open(target, "wb") as f:
        pickle.dump(G, f, protocol=pickle.HIGHEST_PROTOCOL)
    return {"file": PROJECTION, "sha256": _sha256(target), "bytes": target.stat().st_size,
            "key": projection_key(), "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
            "write_seconds": round(time.perf_counter() - t0, 3)}


def build_store(files: Iterable[str | os.PathLike], store_dir: str | os.PathLike, *, paths=None,
                include_ontology: bool = True, overwrite: bool = False, projection: bool = True,
                progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Bulk-load the ontology and RDF files into a new Oxigraph directory.

    Parameters
    ----------
    files : iterable of path-like
        Turtle, N-Triples, N-Quads, TriG, RDF/XML or JSON-LD files.
    store_dir : path-like
        The store directory to create. It is built beside, under a temporary name, and renamed
        into place only when every file has loaded (nothing is half-written).
    paths : useit_graph.paths.Paths, optional
        Where the ontology is (default :func:`useit_graph.paths.get_paths`).
    include_ontology : bool
        Load ``ontology/useit.ttl`` first (the projection needs it).
    overwrite : bool
        Replace an existing store at `store_dir`.
    projection : bool
        Also write the unfiltered projection snapshot (``projection.pickle``, see the module
        docstring), which later commands load instead of projecting the quads again.
    progress : callable, optional
        ``progress(file_name, files_done, files_total)``, called before each file and at the end.

    Returns
    -------
    dict
        The manifest written to ``DIR/useit-store.json`` (see :func:`store_info`).

    Raises
    ------
    StoreUnavailable
        `store_dir` exists and is not empty (without `overwrite`), or a file does not parse.
    UsageError
        A file has an unknown suffix or does not exist.

    Notes
    -----
    Uses ``pyoxigraph.Store.bulk_load``, which writes sorted index files directly and does not
    keep the data in memory; each file goes into a named graph named by its ``file:`` IRI.
    """
    import pyoxigraph as ox

    from ..paths import get_paths

    store_dir = Path(store_dir)
    paths = paths or get_paths()
    todo = ([Path(paths.ontology)] if include_ontology else []) + [Path(f) for f in files]
    for f in todo:
        if not f.is_file():
            raise UsageError(f"{f}: no such file", hint="check the path")
        _format(f)
    if store_dir.exists() and any(store_dir.iterdir()):
        if not overwrite:
            raise StoreUnavailable(f"{store_dir}: the directory exists and is not empty",
                                   hint="choose a new directory, or pass --overwrite to rebuild the store")
        if not (store_dir / MANIFEST).is_file():
            raise StoreUnavailable(f"{store_dir}: not a useit store (no {MANIFEST}); refusing to overwrite it",
                                   hint="choose a new or empty directory")
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{store_dir.name}.", dir=store_dir.parent))
    try:
        started = time.perf_counter()
        store = ox.Store(str(tmp / DB_DIR))
        entries = []
        for i, f in enumerate(todo):
            if progress is not None:
                progress(f.name, i, len(todo))
            graph = ox.NamedNode(f.resolve().as_uri())
            before = len(store)
            t0 = time.perf_counter()
            try:
                store.bulk_load(path=str(f), format=_format(f), to_graph=graph)
            except SyntaxError as exc:
                raise StoreUnavailable(f"{f}: the file is not valid RDF ({str(exc).splitlines()[0][:300]})",
                                       hint="fix the file (`useit validate --data FILE` names the line) and rebuild") from exc
            entries.append({"file": str(f.resolve()), "graph": graph.value, "bytes": f.stat().st_size,
                            "sha256": _sha256(f), "triples": len(store) - before,
                            "seconds": round(time.perf_counter() - t0, 3)})
        store.flush()
        total = len(store)
        del store
        import pyoxigraph

        snapshot = None
        if projection:
            if progress is not None:
                progress("projection", len(todo), len(todo) + 1)
            snapshot = _write_projection(todo[1:] if include_ontology else todo, tmp, paths, include_ontology)
        manifest = {
            "format": 1,
            "files": entries,
            "triples": total,
            "ontology_sha256": _sha256(Path(paths.ontology)) if include_ontology else None,
            "pyoxigraph": pyoxigraph.__version__,
            "projection": snapshot,
            "build_seconds": round(time.perf_counter() - started, 3),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if store_dir.exists():
            shutil.rmtree(store_dir)
        os.replace(tmp, store_dir)
        if progress is not None:
            progress("", len(todo), len(todo))
        return manifest
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _manifest(store_dir: Path) -> dict:
    if not store_dir.is_dir():
        raise StoreUnavailable(f"{store_dir}: no such store directory",
                               hint=f"build it first: useit store build {store_dir} FILE...")
    try:
        return json.loads((store_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreUnavailable(f"{store_dir}: not a useit store (no {MANIFEST})",
                               hint=f"build one with: useit store build {store_dir} FILE...") from None
    except (OSError, ValueError) as exc:
        raise StoreUnavailable(f"{store_dir}/{MANIFEST}: unreadable ({exc})",
                               hint=f"rebuild the store: useit store build --overwrite {store_dir} FILE...") from exc


def open_store(store_dir: str | os.PathLike, paths=None, *, check_ontology: bool = True):
    """Open a store built by :func:`build_store`, read-only.

    Parameters
    ----------
    store_dir : path-like
    paths : useit_graph.paths.Paths, optional
        When given (and `check_ontology`), the store must have been built with the same
        ``ontology/useit.ttl`` (compared by SHA-256): a stale ontology would project differently.
    check_ontology : bool

    Returns
    -------
    pyoxigraph.Store
        Read-only; pass it to ``project_graph`` or query it with SPARQL.

    Raises
    ------
    StoreUnavailable
        The directory is missing, is not a useit store, is corrupt or locked, or was built with
        another ontology. The message says which and how to fix it.
    """
    import pyoxigraph as ox

    store_dir = Path(store_dir)
    manifest = _manifest(store_dir)
    if check_ontology and paths is not None and manifest.get("ontology_sha256"):
        current = _sha256(Path(paths.ontology))
        if current != manifest["ontology_sha256"]:
            raise StoreUnavailable(
                f"{store_dir}: the store was built with a different ontology/useit.ttl",
                hint=f"rebuild it: useit store build --overwrite {store_dir} "
                     + " ".join(Path(e["file"]).name for e in manifest.get("files", [])[1:]))
    db = store_dir / DB_DIR
    if not db.is_dir():
        raise StoreUnavailable(f"{store_dir}: the database folder {DB_DIR}/ is missing",
                               hint=f"rebuild it: useit store build --overwrite {store_dir} FILE...")
    try:
        return ox.Store.read_only(str(db))
    except OSError as exc:
        raise StoreUnavailable(f"{store_dir}: cannot open the Oxigraph database ({str(exc)[:300]})",
                               hint="it may be corrupt or held by a writer; rebuild it with "
                                    f"`useit store build --overwrite {store_dir} FILE...`") from exc


def store_info(store_dir: str | os.PathLike) -> dict:
    """What a store holds: its manifest plus the size on disk and the live triple count.

    Raises
    ------
    StoreUnavailable
        As :func:`open_store`.
    """
    store_dir = Path(store_dir)
    manifest = _manifest(store_dir)
    store = open_store(store_dir, check_ontology=False)
    size = sum(p.stat().st_size for p in (store_dir / DB_DIR).rglob("*") if p.is_file())
    return {**manifest, "path": str(store_dir), "disk_bytes": size, "quads_now": len(store)}


def load_projection(store_dir: str | os.PathLike, paths=None):
    """The store's projection snapshot, or ``None`` when it has none or it is stale.

    Parameters
    ----------
    store_dir : path-like
    paths : useit_graph.paths.Paths, optional
        As :func:`open_store`: the store must have been built with the same ontology.

    Returns
    -------
    networkx.MultiDiGraph or None
        Equal to ``project_graph`` of the store; ``None`` when the manifest names no snapshot or
        its key differs from :func:`projection_key` (other code wrote it).

    Raises
    ------
    StoreUnavailable
        The store is unusable (as :func:`open_store`), or the snapshot's SHA-256 does not match
        the manifest (a torn or edited file).
    """
    store_dir = Path(store_dir)
    manifest = _manifest(store_dir)
    if paths is not None and manifest.get("ontology_sha256"):
        open_store(store_dir, paths)  # the same ontology check and messages
    entry = manifest.get("projection")
    if not entry or entry.get("key") != projection_key():
        return None
    target = store_dir / entry["file"]
    if not target.is_file() or _sha256(target) != entry["sha256"]:
        raise StoreUnavailable(f"{target}: the projection snapshot is missing or does not match its SHA-256 "
                               f"in {MANIFEST}",
                               hint=f"rebuild the store: useit store build --overwrite {store_dir} FILE...")
    was = gc.isenabled()
    gc.disable()  # millions of acyclic containers: full collections would only cost time
    try:
        with open(target, "rb") as f:
            return pickle.load(f)  # noqa: S301 - a trusted local cache, see the module docstring
    finally:
        if was:
            gc.enable()


def project_store_dir(store_dir: str | os.PathLike, paths=None, progress=None, **filters):
    """The projected graph of a store directory, from its snapshot when it can.

    With no filter (every value ``None``) and a current snapshot this is :func:`load_projection`;
    otherwise :func:`useit_graph.fast_ingest.project_store` reads the quads and applies the filters.

    Parameters
    ----------
    store_dir : path-like
    paths : useit_graph.paths.Paths, optional
    progress : callable, optional
        Passed to ``project_store`` when the quads are read.
    **filters
        ``as_of``, ``work_package``, ``place``, ``rel_types``: as ``project_graph``.

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> import tempfile
    >>> from useit_graph.paths import get_paths
    >>> d = tempfile.mkdtemp()
    >>> _ = build_store([get_paths().root / "tests" / "fixtures" / "mini.ttl"], d + "/s")
    >>> G = project_store_dir(d + "/s")
    >>> sorted(d["label"] for _, _, d in G.edges(data=True))
    ['BROKERS', 'BROKERS', 'BROKERS', 'FUNDS', 'PARTNERS_WITH']
    """
    if all(v is None for v in filters.values()):
        G = load_projection(store_dir, paths)
        if G is not None:
            return G
    from ..fast_ingest import project_store

    return project_store(open_store(store_dir, paths), progress, **filters)
