"""Neo4j load throughput: batched ``UNWIND $rows`` + ``MERGE`` against one query per row.

Generates a synthetic city with ``useit_graph.synth`` (N qualified relationships), builds the
loader rows with :func:`useit_graph.store.neo4j.build_rows`, and loads them into a Neo4j server
(``NEO4J_URI`` etc., or a throw-away server from ``scripts/neo4j-server``'s module). The per-row
baseline runs the same queries with one row per query and per transaction on a small sample, in
the same run on the same server, and is extrapolated (stated in the output).

Usage::

    .venv/bin/python bench/bench_neo4j.py --rels 1000000 --batch-size 10000 --sample 2000

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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rels", type=int, default=1_000_000, help="synthetic qualified relationships")
    ap.add_argument("--orgs", type=int, default=None, help="actors (default rels // 5)")
    ap.add_argument("--batch-size", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=2_000, help="rows for the per-row baseline")
    ap.add_argument("--dataset", default="bench")
    ap.add_argument("--keep", action="store_true", help="leave the data in the database")
    ap.add_argument("--no-rerun", action="store_true", help="skip the second (all-MERGE) load")
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

    server = None
    if os.environ.get("NEO4J_URI"):
        conn = store.connect()
    else:
        from useit_graph.store import neo4j_server

        server = neo4j_server.start()
        conn = store.connect(server.uri, server.user, server.password, "neo4j")
        out["server"] = f"Neo4j {server.version} Community (scripts/neo4j-server, heap 1 GB, page cache 64 MB)"
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
        }
        out["batched"]["mode"] = res["mode"]
        if not args.no_rerun:  # the same load again: every MERGE matches (the idempotent re-run)
            t = time.perf_counter()
            res2 = store.load(conn, rows, batch_size=args.batch_size)
            again = time.perf_counter() - t
            out["batched_rerun"] = {"seconds": round(again, 1), "mode": res2["mode"],
                                    "relationships_per_s": round(rows.n_relationships / again)}
        c = store.counts(conn, args.dataset)
        out["counts_after_load"] = c
        assert c["nodes"] == c["uris"] == rows.n_nodes and c["relationships"] == rows.n_relationships

        # per-row baseline on a sample: one query + one transaction per row, on a fresh dataset
        sample_ds = args.dataset + "-perrow"
        store.wipe(conn, sample_ds)
        node_q = [(q, r) for _, q, rs in store.plan(rows)[: len(rows.nodes)] for r in rs]
        edge_q = [(q, r) for _, q, rs in store.plan(rows)[len(rows.nodes):] for r in rs]
        k = args.sample
        # nodes of the sample under a separate dataset id (new uris), then their relationships
        picked_edges = edge_q[:k]
        need = {r["src"] for _, r in picked_edges} | {r["dst"] for _, r in picked_edges}
        node_rows = [(q, r) for q, r in node_q if r["uri"] in need]
        suffix = "#perrow"

        def renamed(row):
            row = dict(row)
            for key in ("uri", "src", "dst"):
                if key in row:
                    row[key] = row[key] + suffix
            if "props" in row:
                row["props"] = {**row["props"], "dataset": sample_ds,
                                **({"uri": row["props"]["uri"] + suffix} if "uri" in row["props"] else {})}
            return row

        with conn.driver.session(database=conn.database) as session:
            t = time.perf_counter()
            for q, r in node_rows:
                session.execute_write(store._write, q, [renamed(r)])
            n_s = time.perf_counter() - t
            t = time.perf_counter()
            for q, r in picked_edges:
                session.execute_write(store._write, q, [renamed(r)])
            e_s = time.perf_counter() - t
        store.wipe(conn, sample_ds)
        per_row_rel = len(picked_edges) / e_s
        per_row_node = len(node_rows) / n_s
        est = rows.n_nodes / per_row_node + rows.n_relationships / per_row_rel
        out["per_row"] = {
            "sample_nodes": len(node_rows), "sample_relationships": len(picked_edges),
            "nodes_per_s": round(per_row_node), "relationships_per_s": round(per_row_rel),
            "extrapolated_full_load_s": round(est), "note": "one query and one transaction per row; "
            "measured on the sample, extrapolated linearly to the full row count",
        }
        out["speedup_relationships"] = round(out["batched"]["relationships_per_s"] / per_row_rel, 1)
        if not args.keep:
            store.wipe(conn, args.dataset, batch_size=5_000)
    finally:
        conn.close()
        if server is not None:
            from useit_graph.store import neo4j_server

            neo4j_server.stop(server)
    out["peak_rss_mb_python"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
