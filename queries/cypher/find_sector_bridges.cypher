// title: Organisations bridging two sectors
// description: Organisations that reach both SECTOR_A and SECTOR_B (group notations such as health): each side is reached by being in that sector or by a projected edge to an entity in it. Twin of sparql/find_sector_bridges.rq.
// params: sector_a:group, sector_b:group
// returns: organisation, organisation_label, group
// $dataset (bound by run_cypher; null = every dataset) keeps what one loaded dataset holds.
MATCH (o:Organisation)
WHERE $sector_a <> $sector_b
  AND ($dataset IS NULL OR $dataset IN o.datasets)
  AND (o.group = $sector_a OR EXISTS { MATCH (o)-[e]-(y:Resource) WHERE e.rel IS NOT NULL AND y <> o AND y.group = $sector_a AND ($dataset IS NULL OR $dataset IN e.datasets) })
  AND (o.group = $sector_b OR EXISTS { MATCH (o)-[e]-(y:Resource) WHERE e.rel IS NOT NULL AND y <> o AND y.group = $sector_b AND ($dataset IS NULL OR $dataset IN e.datasets) })
RETURN DISTINCT o.uri AS organisation, o.label AS organisation_label, o.group AS group
ORDER BY organisation
