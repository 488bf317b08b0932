"""Neo4j load throughput: batched ``UNWIND $rows`` + ``MERGE`` against one query per row.

Generates a synthetic city with ``useit_graph.synth`` (N qualified relationships), builds the
loader rows with :func:`useit_graph.store.neo4j.build_rows`, and loads them into a Neo4j server
(``NEO4J_URI`` etc., or a throw-away server from ``scripts/neo4j-server``'s module). The per-row
baseline runs the same queries with one row per query and per transaction on a small sample, in
the same run on the same server, and is extrapolated (stated in the output).

Each ``--page-cache`` value gets its own fresh throw-away server (same data, same run), so the
effect of the page cache is measured against the per-row baseline on the same machine.

``--import`` also measures the offline bulk import (``useit neo4j import``): the same rows as
``neo4j-admin database import full`` CSV files into a fresh home, then the server started on it
and the constraints created, with the node and relationship counts checked, in the same run as
the Bolt load, so the two are compared on the same machine at the same time.

Usage::

    .venv/bin/python bench/bench_neo4j.py --rels 200000 --page-cache 64m --page-cache 2g --no-rerun
    .venv/bin/python bench/bench_neo4j.py --rels 1000000 --no-rerun --keep --import

Prints one JSON object; ``bench/results/neo4j.md`` records a run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "neo4j"))


def _store_mb(home) -> float | None:
    if home is None:
        return None
    total = sum(p.stat().st_size for p in (Path(home) / "data").rglob("*") if p.is_file())
    return round(total / 2**20, 1)


def _one_row(tx, query, row, ds):
    tx.run(query, rows=[row], ds=ds).consume()


def _run(args, rows, page_cache) -> dict:
    """One server configuration: batched load (and re-run), store size, per-row baseline."""
    from useit_graph.store import neo4j as store

    out: dict = {}
    server = None
    if page_cache is None:
        conn = store.connect()
        out["server"] = "NEO4J_URI (the user's server, its own memory settings)"
    else:
        from useit_graph.store import neo4j_server

        server = neo4j_server.start(page_cache=page_cache, heap=args.heap, plugins=False)
        conn = store.connect(server.uri, server.user, server.password, "neo4j")
        out["server"] = (f"Neo4j {server.version} Community (scripts/neo4j-server, fresh store, "
                         f"page cache {page_cache}, heap {args.heap})")
        out["page_cache"], out["heap"] = page_cache, args.heap
    try:
        store.wipe(conn, args.dataset)
        info = store.server_status(conn)
        out["server_version"] = f"{info['server']} {info['version']} {info['edition']}"

        t = time.perf_counter()
        res = store.load(conn, rows, batch_size=args.batch_size)
        total_s = time.perf_counter() - t
        out["batched"] = {
            "seconds": round(total_s, 1),
            "rows_per_s": round(len(rows) / total_s),
            "relationships_per_s": round(rows.n_relationships / total_s),
            "batches": res["batches"],
            "mode": res["mode"],
        }
        if not args.no_rerun:  # the same load again: every MERGE matches (the idempotent re-run)
            t = time.perf_counter()
            res2 = store.load(conn, rows, batch_size=args.batch_size)
            again = time.perf_counter() - t
            out["batched_rerun"] = {"seconds": round(again, 1), "mode": res2["mode"],
                                    "relationships_per_s": round(rows.n_relationships / again),
                                    "note": "includes the prune pass (reads this dataset's nodes and "
                                            "relationships back, writes nothing when unchanged)"}
        c = store.counts(conn, args.dataset)
        out["counts_after_load"] = c
        assert c["nodes"] == c["uris"] == rows.n_nodes and c["relationships"] == rows.n_relationships
        out["store_mb"] = _store_mb(server.home if server else None)

        # per-row baseline on a sample: one query + one transaction per row, on a fresh dataset
        sample_ds = args.dataset + "-perrow"
        store.wipe(conn, sample_ds)
        node_q = [(q, r) for _, q, rs in store.plan(rows)[: len(rows.nodes)] for r in rs]
        edge_q = [(q, r) for _, q, rs in store.plan(rows)[len(rows.nodes):] for r in rs]
        picked_edges = edge_q[: args.sample]
        need = {r["src"] for _, r in picked_edges} | {r["dst"] for _, r in picked_edges}
        node_rows = [(q, r) for q, r in node_q if r["uri"] in need]
        suffix = "#perrow"

        def renamed(row):  # new uris, so the baseline creates rather than matches
            row = dict(row)
            for key in ("uri", "src", "dst"):
                if key in row:
                    row[key] = row[key] + suffix
            if "props" in row and "uri" in row["props"]:
                row["props"] = {**row["props"], "uri": row["props"]["uri"] + suffix}
            return row

        with conn.driver.session(database=conn.database) as session:
            t = time.perf_counter()
            for q, r in node_rows:
                session.execute_write(_one_row, q, renamed(r), sample_ds)
            n_s = time.perf_counter() - t
            t = time.perf_counter()
            for q, r in picked_edges:
                session.execute_write(_one_row, q, renamed(r), sample_ds)
            e_s = time.perf_counter() - t
        store.wipe(conn, sample_ds)
        per_row_rel = len(picked_edges) / e_s
        per_row_node = len(node_rows) / n_s
        est = rows.n_nodes / per_row_node + rows.n_relationships / per_row_rel
        out["per_row"] = {
            "sample_nodes": len(node_rows), "sample_relationships": len(picked_edges),
            "nodes_per_s": round(per_row_node), "relationships_per_s": round(per_row_rel),
            "extrapolated_full_load_s": round(est), "note": "one query and one transaction per row "
            "(MERGE); measured on the sample, extrapolated linearly to the full row count",
        }
        out["speedup_relationships"] = round(out["batched"]["relationships_per_s"] / per_row_rel, 1)
        if not args.keep:
            store.wipe(conn, args.dataset, batch_size=5_000)
    finally:
        conn.close()
        if server is not None:
            from useit_graph.store import neo4j_server

            neo4j_server.stop(server)
    return out


def _import(args, rows) -> dict:
    """The offline bulk import of the same rows into a fresh home (project jars), timed by phase."""
    import shutil
    import tempfile

    from useit_graph.store import neo4j as store
    from useit_graph.store import neo4j_import, neo4j_server

    work = Path(tempfile.mkdtemp(prefix="useit-bench-import-"))
    home = work / "home"
    out: dict = {}
    info = None
    try:
        t = time.perf_counter()
        files = neo4j_import.write_import_files(rows, work / "csv")
        csv_s = time.perf_counter() - t
        csv_mb = sum(p.stat().st_size for p in (work / "csv").glob("*.csv")) / 2**20
        res = neo4j_server.import_database(home, files.arguments(), heap=args.heap)
        t = time.perf_counter()
        info = neo4j_server.start(data_dir=home, page_cache="64m", heap=args.heap, plugins=False)
        start_s = time.perf_counter() - t
        with store.connect(info.uri, info.user, info.password, "neo4j") as conn:
            t = time.perf_counter()
            store.ensure_schema(conn)
            conn.driver.execute_query("CALL db.awaitIndexes(600)", database_="neo4j")
            schema_s = time.perf_counter() - t
            c = store.counts(conn, rows.dataset)
        assert c["nodes"] == c["uris"] == rows.n_nodes and c["relationships"] == rows.n_relationships, c
        offline = csv_s + res["seconds"]
        online = offline + start_s + schema_s
        out = {
            "csv_s": round(csv_s, 1), "csv_mb": round(csv_mb), "csv_files": len(files.nodes) + len(files.relationships),
            "import_tool_s": round(res["seconds"], 1), "start_s": round(start_s, 1),
            "constraints_s": round(schema_s, 1), "import_tool_summary": res["summary"],
            "relationships_per_s_csv_plus_import": round(rows.n_relationships / offline),
            "relationships_per_s_until_queryable": round(rows.n_relationships / online),
            "store_mb": _store_mb(home), "counts_after_import": c,
            "note": "CSV written by useit_graph.store.neo4j_import, neo4j-admin database import full "
                    "(project jars, -Xmx " + args.heap + "), then start + constraints",
        }
    finally:
        if info is not None:
            neo4j_server.stop(info, remove=True)
        shutil.rmtree(work, ignore_errors=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rels", type=int, default=1_000_000, help="synthetic qualified relationships")
    ap.add_argument("--orgs", type=int, default=None, help="actors (default rels // 5)")
    ap.add_argument("--batch-size", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=2_000, help="rows for the per-row baseline")
    ap.add_argument("--dataset", default="bench")
    ap.add_argument("--keep", action="store_true", help="leave the data in the database")
    ap.add_argument("--no-rerun", action="store_true", help="skip the second (all-MERGE) load")
    ap.add_argument("--page-cache", action="append",
                    help="page cache of a throw-away server; repeat to compare (default 64m); "
                         "ignored with NEO4J_URI")
    ap.add_argument("--heap", default="1g", help="max heap of the throw-away servers")
    ap.add_argument("--import", dest="bulk_import", action="store_true",
                    help="also time the offline bulk import (useit neo4j import) of the same rows")
    ap.add_argument("--only-import", action="store_true", help="time the bulk import only")
    args = ap.parse_args(argv)

    from _synth_rows import synth_triples

    from useit_graph.project import project_graph
    from useit_graph.store import neo4j as store

    out = {"rels": args.rels, "batch_size": args.batch_size, "python": platform.python_version(),
           "cpus": os.cpu_count()}
    try:
        import neo4j._rust  # noqa: F401
        out["driver_encoding"] = "neo4j-rust-ext"
    except ImportError:
        out["driver_encoding"] = "pure Python"

    t = time.perf_counter()
    triples = synth_triples(args.rels, orgs=args.orgs)
    out["triples"] = len(triples)
    out["generate_parse_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    G = project_graph(triples)
    out["project_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    rows = store.build_rows(triples, dataset_id=args.dataset, graph=G)
    out["build_rows_s"] = round(time.perf_counter() - t, 2)
    out.update(nodes=rows.n_nodes, links=rows.n_links, direct_edges=rows.n_edges,
               neo4j_relationships=rows.n_relationships, projected_edges=G.number_of_edges())
    del triples, G
    gc.collect()

    if os.environ.get("NEO4J_URI"):
        configs = [None]  # the user's own server, as it is configured
    else:
        configs = list(args.page_cache or ["64m"])
    out["runs"] = []
    for page_cache in ([] if args.only_import else configs):
        out["runs"].append(_run(args, rows, page_cache))
    if args.bulk_import or args.only_import:
        out["bulk_import"] = _import(args, rows)
        if out["runs"]:
            bolt = out["runs"][0]["batched"]["relationships_per_s"]
            out["bulk_import"]["vs_batched_bolt"] = round(
                out["bulk_import"]["relationships_per_s_until_queryable"] / bolt, 1)
    if len(out["runs"]) > 1:
        base = out["runs"][0]["batched"]["relationships_per_s"]
        for run in out["runs"][1:]:
            run["vs_first_config"] = round(run["batched"]["relationships_per_s"] / base, 2)
    out["peak_rss_mb_python"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
