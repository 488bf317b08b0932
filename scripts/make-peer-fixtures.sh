#!/usr/bin/env bash
# Regenerate the frozen R sna::brokerage fixtures in tests/peer/.
#
#   scripts/make-peer-fixtures.sh
#
# Step 1 (Python) writes each network as tests/peer/brokerage-<name>-arcs.csv (0-based vertex ids,
# one row per arc; an undirected edge is written as two arcs) and -nodes.csv (id, name, group).
# Step 2 (R) reads exactly those files, runs sna::brokerage(adjacency, groups) and writes
# tests/peer/brokerage-<name>.json with the R and sna versions and this command.
# Needs: Debian's r-base-core and r-cran-sna (apt-get install -y r-base-core r-cran-sna), which
# bring jsonlite; and the project venv (PYTHON overrides it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}

"$PY" - <<'PYEOF'
import csv
import networkx as nx

def write(name, G, groups, loops=False):
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    arcs = set()
    for u, v in G.edges():
        if u == v and not loops:
            continue
        arcs.add((index[u], index[v]))
        if not G.is_directed():
            arcs.add((index[v], index[u]))
    with open(f"tests/peer/brokerage-{name}-arcs.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["from", "to"])
        w.writerows(sorted(arcs))
    with open(f"tests/peer/brokerage-{name}-nodes.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "group"])
        for v in nodes:
            w.writerow([index[v], v, groups[v]])

# Padgett's Florentine marriage network (networkx 3.6 florentine_families_graph, 15 families).
# Partition (structural, fixed): the Medici alone, the families married to a Medici, the rest.
F = nx.florentine_families_graph()
write("florentine", F, {v: "medici" if v == "Medici" else "allied" if F.has_edge(v, "Medici")
                        else "other" for v in F})

# Zachary's karate club, 'club' attribute (Mr. Hi / Officer).
K = nx.karate_club_graph()
write("karate", K, {v: K.nodes[v]["club"] for v in K})

# A seeded random digraph: direction matters here (b_IO != b_OI per node); node 29 is alone in
# its group, so roles it cannot have get z = NaN.
D = nx.gnp_random_graph(30, 0.12, seed=7, directed=True)
write("random-directed", D, {v: "solo" if v == 29 else f"g{v % 3}" for v in D})

# The hand-counted graph of tests/metrics/test_brokerage.py.
H = nx.DiGraph([("a1", "a2"), ("a2", "a3"), ("a2", "b1"), ("b1", "a3"), ("c1", "b1"),
                ("b1", "b2"), ("b2", "b1"), ("a3", "c1"), ("c1", "a1")])
write("hand", H, {v: v[0].upper() for v in H})

# The hand graph plus self-loops on a2 and b1: sna counts loops in the density m / (n(n-1)) but
# not in the raw counts; tests/metrics/test_brokerage.py pins where we differ (docs/measures.md).
L = H.copy()
L.add_edges_from([("a2", "a2"), ("b1", "b1")])
write("self-loops", L, {v: v[0].upper() for v in L}, loops=True)
PYEOF

Rscript scripts/make-peer-fixtures.R tests/peer florentine karate random-directed hand self-loops
