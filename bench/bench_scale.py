"""City-scale benchmarks: each stage's time and peak RSS from 10^3 to 10^6 relationships.

    .venv/bin/python bench/bench_scale.py --sizes 1e3,1e4,1e5,1e6 --out bench/RESULTS.md
    useit bench                                   # the same, through the CLI

For each size N (relationships; organisations = N / 10) it generates a synthetic city
(``useit_graph.synth``, seed 1, N-Triples) and runs every stage **in its own subprocess**: the
parent reads that child's peak RSS from ``os.wait4`` (the kernel's ``ru_maxrss`` of exactly that
child, the per-child form of ``getrusage(RUSAGE_CHILDREN)``), and the child reports the wall time
of the stage's work only (setup such as ingesting the graph before the metrics is excluded from
the time but not from the RSS). A child running past its limit is killed and reported as a lower
bound. The plain rdflib path additionally runs under an 8 GiB address-space cap so that it cannot
push the shared machine into swap.

Stages: synth, ingest (fast: pyoxigraph stream -> graph; plain: rdflib parse + project_graph),
store build / open / project-from-store, validation (fast SPARQL on the store; pySHACL up to 10^4),
the metric suite (igraph through useit_graph.metrics), ``links`` latency, Neo4j (row building only
when no server is available).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PLAIN_AS_CAP = 8 * 1024 ** 3
PYSHACL_MAX = 1_000  # pySHACL took > 120 s at 10^4 in a trial run


# ------------------------------------------------------------------------------------------
# Stages (run in the child)
# ------------------------------------------------------------------------------------------

def _files(work: Path, n: int):
    return work / f"city-{n}.nt", work / f"store-{n}"


def stage_synth(n, work):
    from useit_graph.synth import write_synth

    nt, _ = _files(work, n)
    t = time.perf_counter()
    write_synth(nt, max(10, n // 10), n, 1, "nt")
    dt = time.perf_counter() - t
    lines = sum(1 for _ in open(nt, "rb"))
    return {"seconds": dt, "triples": lines, "bytes": nt.stat().st_size}


def stage_ingest_fast(n, work):
    from useit_graph.fast_ingest import ingest_files

    nt, _ = _files(work, n)
    t = time.perf_counter()
    G = ingest_files([nt])
    return {"seconds": time.perf_counter() - t, "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def stage_ingest_plain(n, work):
    resource.setrlimit(resource.RLIMIT_AS, (PLAIN_AS_CAP, PLAIN_AS_CAP))
    from rdflib import Graph

    from useit_graph.paths import get_paths
    from useit_graph.project import project_graph

    nt, _ = _files(work, n)
    t = time.perf_counter()
    g = Graph()
    g.parse(str(get_paths().ontology), format="turtle")
    g.parse(str(nt), format="nt")
    t_parse = time.perf_counter() - t
    G = project_graph(g)
    return {"seconds": time.perf_counter() - t, "parse_seconds": t_parse,
            "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def stage_store_build(n, work):
    from useit_graph.store.oxigraph import build_store

    nt, store = _files(work, n)
    t = time.perf_counter()
    m = build_store([nt], store, overwrite=True)
    snap = m.get("projection") or {}
    return {"seconds": time.perf_counter() - t, "triples": m["triples"],
            "bulk_load_seconds": sum(e["seconds"] for e in m["files"]),
            "snapshot_write_seconds": snap.get("write_seconds"), "snapshot_mb": (snap.get("bytes") or 0) / 1e6,
            "disk_mb": sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) / 1e6}


def stage_store_snapshot(n, work):
    from useit_graph.store.oxigraph import project_store_dir

    _, store = _files(work, n)
    t = time.perf_counter()
    G = project_store_dir(store)
    return {"seconds": time.perf_counter() - t, "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def stage_store_open(n, work):
    from useit_graph.store.oxigraph import open_store

    _, store = _files(work, n)
    t = time.perf_counter()
    st = open_store(store)
    dt = time.perf_counter() - t
    return {"seconds": dt, "triples": len(st)}


def stage_store_project(n, work):
    from useit_graph.fast_ingest import project_store
    from useit_graph.store.oxigraph import open_store

    _, store = _files(work, n)
    st = open_store(store)
    t = time.perf_counter()
    G = project_store(st)
    return {"seconds": time.perf_counter() - t, "edges": G.number_of_edges()}


def stage_validate_fast(n, work):
    from useit_graph.fast_validate import validate_store
    from useit_graph.store.oxigraph import open_store

    _, store = _files(work, n)
    st = open_store(store)
    t = time.perf_counter()
    tm = {}
    f = validate_store(st, timings=tm)
    slow = sorted(tm.items(), key=lambda kv: -kv[1])[:3]
    return {"seconds": time.perf_counter() - t, "findings": len(f),
            "violations": sum(x.severity == "Violation" for x in f), "slowest": [[k, round(v, 2)] for k, v in slow]}


def stage_validate_pyshacl(n, work):
    from useit_graph.load import load_files
    from useit_graph.paths import get_paths
    from useit_graph.validate import load_shapes, validate_dataset

    nt, _ = _files(work, n)
    p = get_paths()
    t = time.perf_counter()
    ds, _ = load_files([p.ontology, nt])
    f = validate_dataset(ds, load_shapes(p.shapes))
    return {"seconds": time.perf_counter() - t, "findings": len(f),
            "violations": sum(x.severity == "Violation" for x in f)}


def stage_metrics(n, work):
    """The whole suite `useit metrics` computes (useit_graph.metrics.suite.metric_suite, defaults)."""
    from useit_graph.fast_ingest import ingest_files
    from useit_graph.metrics.suite import metric_suite

    nt, _ = _files(work, n)
    G = ingest_files([nt])
    gc.collect()
    t0 = time.perf_counter()
    out = metric_suite(G)
    seconds = time.perf_counter() - t0
    net = out.get("network") or {}
    keep = ("betweenness_method", "betweenness_k", "betweenness_error_bound", "closeness_method",
            "closeness_k", "closeness_error_bound", "ei_permutations")
    return {"seconds": seconds, "parts": {k: round(v, 3) for k, v in out["timings"].items()},
            "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
            "policy": {k: net[k] for k in keep if k in net}}


def stage_links(n, work):
    import statistics

    from useit_graph.connect import LinkIndex, links
    from useit_graph.fast_ingest import ingest_files

    nt, _ = _files(work, n)
    G = ingest_files([nt])
    t = time.perf_counter()
    idx = LinkIndex.from_graph(G)
    t_index = time.perf_counter() - t
    rng = random.Random(1)
    nodes = sorted(x for x, d in G.nodes(data=True) if d.get("kind") in ("organisation", "cohort"))
    times = []
    for _ in range(200):
        a, b = rng.sample(nodes, 2)
        t = time.perf_counter()
        links(G, a, b, index=idx)
        times.append(time.perf_counter() - t)
    times.sort()
    # names, as `useit links "A" "B"` gets them: the name index is built on the first lookup
    from useit_graph.search import resolve_entity

    labelled = [x for x in nodes if G.nodes[x].get("label")]
    t = time.perf_counter()
    resolve_entity(G, G.nodes[labelled[0]]["label"])
    t_names = time.perf_counter() - t
    name_times = []
    for x in rng.sample(labelled, min(50, len(labelled))):
        t = time.perf_counter()
        try:
            resolve_entity(G, G.nodes[x]["label"])
        except Exception:  # an ambiguous synthetic name still costs a lookup
            pass
        name_times.append(time.perf_counter() - t)
    name_times.sort()
    return {"seconds": sum(times), "index_seconds": t_index, "p50_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * times[int(0.95 * len(times)) - 1], "queries": len(times),
            "name_index_seconds": t_names, "name_p95_ms": 1000 * name_times[int(0.95 * len(name_times)) - 1]}


STAGES = {
    "synth": stage_synth,
    "ingest_fast": stage_ingest_fast,
    "ingest_plain": stage_ingest_plain,
    "store_build": stage_store_build,
    "store_open": stage_store_open,
    "store_snapshot": stage_store_snapshot,
    "store_project": stage_store_project,
    "validate_fast": stage_validate_fast,
    "validate_pyshacl": stage_validate_pyshacl,
    "metrics": stage_metrics,
    "links": stage_links,
}


# ------------------------------------------------------------------------------------------
# The parent
# ------------------------------------------------------------------------------------------

def run_stage(stage: str, n: int, work: Path, timeout: float) -> dict:
    """Run one stage in a child; return its result plus ``peak_rss_mb`` from ``os.wait4``."""
    cmd = [sys.executable, __file__, "--stage", stage, "--size", str(n), "--workdir", str(work)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    killed = threading.Event()

    def kill():
        killed.set()
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    out, err = p.stdout.read(), p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    res = {"stage": stage, "size": n, "peak_rss_mb": round(ru.ru_maxrss / 1024, 1)}
    if killed.is_set():
        res.update(status="timeout", seconds=float(timeout))
    elif p.returncode != 0:
        last = (err.strip().splitlines() or ["?"])[-1]
        res.update(status="memory cap" if "MemoryError" in err else "failed", error=last[:200])
    else:
        res.update(status="ok", **json.loads(out.strip().splitlines()[-1]))
    return res


def machine() -> dict:
    # versions from package metadata: importing the libraries here would inflate every child's
    # ru_maxrss (Linux keeps the forked parent's peak across exec)
    from importlib.metadata import version

    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) / 1024 ** 2
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "ram_gib": round(mem, 1), "cpu": cpu, "python": platform.python_version(),
            "rdflib": version("rdflib"), "pyoxigraph": version("pyoxigraph"), "networkx": version("networkx"),
            "igraph": version("igraph"), "load_avg_start": os.getloadavg()}


def _fmt_s(r):
    if r is None:
        return "-"
    if r["status"] == "timeout":
        return f"> {r['seconds']:.0f} s (stopped)"
    if r["status"] != "ok":
        return r["status"]
    s = r["seconds"]
    return f"{s:.3f} s" if s < 1 else f"{s:.1f} s"


def _fmt_m(r):
    return "-" if r is None else f"{r['peak_rss_mb'] / 1024:.2f} GB" if r["peak_rss_mb"] > 1024 else f"{r['peak_rss_mb']:.0f} MB"


GOAL_SIZE = 1_000_000


def goals(by: dict, sizes: list) -> list[str]:
    """The scale issue's goals at 10^6 relationships, each against what this run measured."""
    n = GOAL_SIZE if GOAL_SIZE in sizes else max(sizes)

    def ok(key):
        r = by.get((key, n))
        return r if r and r["status"] == "ok" else None

    def verdict(cond):
        return "-" if cond is None else ("met" if cond else "**not met**")

    rows = []
    fast, snap, plain = ok("ingest_fast"), ok("store_snapshot"), by.get(("ingest_plain", n))
    for label, r in (("ingest from the file (fast path)", fast), ("ingest from a built store (snapshot)", snap)):
        rows.append((f"{label} <= 10 s", _fmt_s(r) if r else "-", verdict(r and r["seconds"] <= 10)))
        if r and plain and plain["status"] in ("ok", "timeout"):
            x = plain["seconds"] / r["seconds"]
            bound = ">= " if plain["status"] == "timeout" else ""
            rows.append((f"{label} >= 5x the plain rdflib path", f"{bound}{x:.1f}x", verdict(x >= 5)))
    m = ok("metrics")
    rows.append(("metric suite <= 60 s", _fmt_s(m) if m else "-", verdict(m and m["seconds"] <= 60)))
    ln = ok("links")
    rows.append(("`links` p95 <= 100 ms", f"{ln['p95_ms']:.1f} ms" if ln else "-", verdict(ln and ln["p95_ms"] <= 100)))
    rows.append(("Neo4j load >= 50k relationships/s", "see [results/neo4j.md](results/neo4j.md)", "see there"))
    peak = max((r["peak_rss_mb"] for (k, size), r in by.items() if size == n), default=None)
    rows.append(("every stage well within 24 GB (peak RSS)", f"{peak / 1024:.1f} GB" if peak else "-",
                 verdict(peak is not None and peak < 12 * 1024)))
    L = ["", f"## Goals at {n:,} relationships", "", "| goal | measured | verdict |", "|---|---|---|"]
    L += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return L


def write_results(results: list, sizes: list, out: Path, meta: dict, command: str) -> None:
    by = {(r["stage"], r["size"]): r for r in results}
    L = ["# Scale benchmarks", "",
         "Generated by `bench/bench_scale.py` (do not edit by hand). Not timed unit tests: one run, one machine.", "",
         f"Command: `{command}`", "",
         f"Machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta['ram_gib']} GiB RAM; Python {meta['python']}, "
         f"rdflib {meta['rdflib']}, pyoxigraph {meta['pyoxigraph']}, networkx {meta['networkx']}, "
         f"python-igraph {meta['igraph']}. Load average at start {tuple(round(x, 2) for x in meta['load_avg_start'])} "
         "(the machine is shared: other sessions' jobs add noise).", "",
         "Data: `useit synth --orgs N/10 --relationships N --seed 1` (N-Triples). Each stage ran in its own process; "
         "RSS is that process's peak (`os.wait4` ru_maxrss), including the Python interpreter and, for metrics and "
         "links, the ingested graph.", ""]
    head = "| stage | " + " | ".join(f"{n:,} rels" for n in sizes) + " |"
    sep = "|---|" + "---|" * len(sizes)
    L += ["## Data", "", head, sep]
    L.append("| triples | " + " | ".join(str(by.get(("synth", n), {}).get("triples", "-")) for n in sizes) + " |")
    L.append("| projected nodes / edges | " + " | ".join(
        f"{by[('ingest_fast', n)].get('nodes', '-')} / {by[('ingest_fast', n)].get('edges', '-')}"
        if ("ingest_fast", n) in by else "-" for n in sizes) + " |")
    L += ["", "## Time and peak RSS per stage", "", head, sep]
    names = [("synth", "synth (write N-Triples)"), ("ingest_fast", "**ingest, fast** (pyoxigraph stream -> graph)"),
             ("ingest_plain", "ingest, plain (rdflib parse + project_graph)"),
             ("store_build", "store build (bulk_load to disk + projection snapshot)"),
             ("store_open", "store open (read-only)"),
             ("store_snapshot", "**ingest from a built store** (projection snapshot)"),
             ("store_project", "project from the store's quads (fast_ingest.project_store, filtered views)"),
             ("validate_fast", "**validation, fast** (SPARQL on store)"), ("validate_pyshacl", "validation, pySHACL"),
             ("metrics", "**metric suite** (metric_suite: every `useit metrics` table)"), ("links", "links: 200 queries")]
    for key, label in names:
        L.append(f"| {label} | " + " | ".join(
            f"{_fmt_s(by.get((key, n)))}<br>{_fmt_m(by.get((key, n)))}" if (key, n) in by else "not run"
            for n in sizes) + " |")
    L.append("| Neo4j load | " + " | ".join("not measured: needs a Neo4j server (docs/neo4j.md)" for _ in sizes) + " |")
    L += ["", "## Ratios (plain / fast, same run)", "", head, sep]

    def ratio(a, b, n):
        ra, rb = by.get((a, n)), by.get((b, n))
        if not ra or not rb or rb["status"] != "ok":
            return "-"
        if ra["status"] == "timeout":
            return f"> {ra['seconds'] / rb['seconds']:.0f}x"
        if ra["status"] != "ok":
            return ra["status"]
        return f"{ra['seconds'] / rb['seconds']:.1f}x"

    L.append("| ingest: plain / fast | " + " | ".join(ratio("ingest_plain", "ingest_fast", n) for n in sizes) + " |")
    L.append("| validation: pySHACL / fast | " + " | ".join(ratio("validate_pyshacl", "validate_fast", n) for n in sizes) + " |")
    L.append("| ingest: plain / store snapshot | " + " | ".join(ratio("ingest_plain", "store_snapshot", n) for n in sizes) + " |")
    L.append("| project: from store quads / from file | " + " | ".join(ratio("store_project", "ingest_fast", n) for n in sizes) + " |")
    L += goals(by, sizes)
    L += ["", "## Links latency", "", head, sep]
    L.append("| p50 / p95 per query | " + " | ".join(
        f"{by[('links', n)]['p50_ms']:.1f} / {by[('links', n)]['p95_ms']:.1f} ms" if by.get(("links", n), {}).get("status") == "ok"
        else _fmt_s(by.get(("links", n))) for n in sizes) + " |")
    L.append("| name lookup p95 (`resolve_entity`, after the name index is built) | " + " | ".join(
        f"{by[('links', n)]['name_p95_ms']:.1f} ms" if "name_p95_ms" in by.get(("links", n), {}) else "-" for n in sizes) + " |")
    L.append("| name index build (first lookup) | " + " | ".join(
        f"{by[('links', n)]['name_index_seconds']:.2f} s" if "name_index_seconds" in by.get(("links", n), {}) else "-"
        for n in sizes) + " |")
    L.append("| LinkIndex build (once) | " + " | ".join(
        f"{by[('links', n)]['index_seconds']:.2f} s" if by.get(("links", n), {}).get("status") == "ok" else "-" for n in sizes) + " |")
    big = max(n for n in sizes if by.get(("metrics", n), {}).get("status") == "ok") if any(
        by.get(("metrics", n), {}).get("status") == "ok" for n in sizes) else None
    if big:
        m = by[("metrics", big)]
        L += ["", f"## Metric suite at {big:,} relationships ({m['nodes']:,} nodes, {m['edges']:,} projected edges)", "",
              "`useit_graph.metrics.suite.metric_suite` with its defaults: every table `useit metrics` prints.", "",
              "| part | seconds |", "|---|---|"]
        L += [f"| {k} | {v} |" for k, v in m["parts"].items()]
        pol = m.get("policy") or {}
        if pol:
            L += ["", "Scale policy in force (network row): " + "; ".join(f"{k} = {v}" for k, v in pol.items())
                  + ". See docs/measures.md for the bounds."]
    vf = [by.get(("validate_fast", n)) for n in sizes]
    L += ["", "## Validation detail", ""]
    for n, r in zip(sizes, vf):
        if r and r["status"] == "ok":
            L.append(f"- {n:,}: {r['findings']} findings ({r['violations']} violations); slowest checks: "
                     + "; ".join(f"{k} {v} s" for k, v in r["slowest"]))
    notes = [r for r in results if r["status"] not in ("ok",)]
    if notes:
        L += ["", "## Stopped or failed runs", ""]
        L += [f"- {r['stage']} at {r['size']:,}: {r['status']}" + (f" ({r.get('error')})" if r.get("error") else "")
              + (" — the plain path was stopped at the time limit; the ratio is a lower bound" if r["status"] == "timeout" else "")
              for r in notes]
    L += ["", "## Scaling", "", "![log-log scaling](results/scaling.png)", "",
          "## Other benchmark results", ""]
    others = sorted(p for p in (ROOT / "bench" / "results").glob("*.md"))
    L += [f"- [{p.stem}](results/{p.name})" for p in others] or ["- (none yet)"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(L) + "\n", encoding="utf-8")


def plot(results: list, sizes: list, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    drawn = 0
    colours = plt.get_cmap("tab20").colors
    markers = "osD^vP*Xh<>"
    for i, stage in enumerate(STAGES):
        pts = [(r["size"], r["seconds"], r["peak_rss_mb"], r["status"]) for r in results
               if r["stage"] == stage and r["status"] in ("ok", "timeout") and r["seconds"] > 0]
        if len(pts) < 2 and stage != "validate_pyshacl" or not pts:
            continue
        drawn += 1
        xs = [p[0] for p in pts]
        style = {"color": colours[(2 * i) % 20 + (i // 10) % 2], "marker": markers[i % len(markers)]}
        axes[0].plot(xs, [p[1] for p in pts], label=stage, **style)
        axes[1].plot(xs, [p[2] for p in pts], label=stage, **style)
        for x, sec, _, status in pts:  # a stopped run is a lower bound: hollow marker
            if status == "timeout":
                axes[0].plot([x], [sec], marker=style["marker"], markersize=12, mfc="none",
                             color=style["color"], linestyle="none")
                axes[0].annotate("stopped (lower bound)", (x, sec), textcoords="offset points",
                                 xytext=(-110, 6), fontsize=7, color=style["color"])
    if not drawn:  # one size only: nothing to draw a line through
        plt.close(fig)
        return
    for ax, title in zip(axes, ("wall time (s)", "peak RSS (MB)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("relationships")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle("useit-graph scale benchmarks (bench/bench_scale.py)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, metadata={"Software": None})


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1e3,1e4,1e5,1e6")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--plain-timeout", type=int, default=300)
    ap.add_argument("--stage-timeout", type=int, default=600)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--stage", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.stage:
        print(json.dumps(STAGES[args.stage](args.size, Path(args.workdir)), default=str))
        return 0
    sizes = [int(float(x)) for x in args.sizes.split(",")]
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="useit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    meta = machine()
    results = []
    command = "useit bench --sizes " + args.sizes + (f" --plain-timeout {args.plain_timeout}" if args.plain_timeout != 300 else "")
    try:
        for n in sizes:
            for stage in STAGES:
                if stage == "validate_pyshacl" and n > PYSHACL_MAX:
                    continue
                timeout = args.plain_timeout if stage in ("ingest_plain", "validate_pyshacl") else args.stage_timeout
                if stage == "validate_fast":  # the slowest fast stage (about 500 s at 10^6): give it room
                    timeout = max(timeout, 3 * args.stage_timeout)
                r = run_stage(stage, n, work, timeout)
                results.append(r)
                print(f"{n:>9,} {stage:<18} {r['status']:<8} {r.get('seconds', 0):8.2f} s {r['peak_rss_mb']:9.0f} MB",
                      file=sys.stderr, flush=True)
            nt, store = _files(work, n)
            nt.unlink(missing_ok=True)
            shutil.rmtree(store, ignore_errors=True)
            (work / "results.json").write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    out = Path(args.out)
    plot(results, sizes, ROOT / "bench" / "results" / "scaling.png" if out.resolve() == (ROOT / "bench" / "RESULTS.md").resolve()
         else out.with_name("scaling.png"))
    write_results(results, sizes, out, meta, command)
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
