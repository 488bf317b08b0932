# Compute sna::brokerage on the networks exported by scripts/make-peer-fixtures.sh.
#
#   Rscript scripts/make-peer-fixtures.R tests/peer florentine karate random-directed hand self-loops
#
# For each NAME reads DIR/brokerage-NAME-arcs.csv and DIR/brokerage-NAME-nodes.csv, builds the
# 0/1 adjacency matrix (rows = senders), calls sna::brokerage(adj, groups) and writes
# DIR/brokerage-NAME.json. NaN and Inf are written as the strings "NaN", "Inf", "-Inf".
suppressPackageStartupMessages({
  library(sna)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
for (name in args[-1]) {
  arcs <- read.csv(file.path(dir, paste0("brokerage-", name, "-arcs.csv")))
  nodes <- read.csv(file.path(dir, paste0("brokerage-", name, "-nodes.csv")),
                    colClasses = c("integer", "character", "character"))
  n <- nrow(nodes)
  adj <- matrix(0, n, n)
  adj[cbind(arcs$from + 1, arcs$to + 1)] <- 1
  cl <- nodes$group
  b <- brokerage(adj, cl)
  rows <- function(m) {
    out <- lapply(seq_len(nrow(m)), function(i) as.list(setNames(m[i, ], colnames(m))))
    names(out) <- nodes$name
    out
  }
  grp <- function(m) {
    out <- lapply(seq_len(nrow(m)), function(i) as.list(setNames(m[i, ], colnames(m))))
    names(out) <- rownames(m)
    out
  }
  result <- list(
    network = name,
    command = "scripts/make-peer-fixtures.sh (Rscript scripts/make-peer-fixtures.R tests/peer ...)",
    r_version = R.version.string,
    sna_version = as.character(packageVersion("sna")),
    call = "sna::brokerage(adj, cl)",
    nodes = nodes$name,
    groups = cl,
    raw.nli = rows(b$raw.nli), exp.nli = rows(b$exp.nli), sd.nli = rows(b$sd.nli),
    z.nli = rows(b$z.nli),
    raw.gli = as.list(b$raw.gli), exp.gli = as.list(b$exp.gli), sd.gli = as.list(b$sd.gli),
    z.gli = as.list(b$z.gli),
    exp.grp = grp(b$exp.grp), sd.grp = grp(b$sd.grp)
  )
  writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, na = "string", pretty = TRUE),
             file.path(dir, paste0("brokerage-", name, ".json")))
}
