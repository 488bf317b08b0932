// title: Micro assets linked to an anchor
// description: Micro-tier entities with a direct projected edge to ANCHOR, with the relationship and its class. Twin of sparql/find_micro_assets_of_anchor.rq.
// params: anchor:entity
// returns: asset, asset_label, rel, rel_type
// $dataset (bound by run_cypher; null = every dataset) keeps what one loaded dataset holds.
MATCH (x:Resource {uri: $anchor})-[e]-(y:Resource)
WHERE e.rel IS NOT NULL AND y <> x AND y.tier = 'micro'
  AND ($dataset IS NULL OR $dataset IN e.datasets)
RETURN DISTINCT y.uri AS asset, y.label AS asset_label, e.rel AS rel, e.rel_type AS rel_type
ORDER BY asset, rel
