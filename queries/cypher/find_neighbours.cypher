// title: Neighbours of an entity, by tie type
// description: Every entity tied to ENTITY by a projected edge, with the relationship, its class, the direction (out, in, among) and the tie type. TIE_TYPE, when given, keeps one tie type. Twin of sparql/find_neighbours.rq.
// params: entity:entity, tie_type:tie?
// returns: neighbour, neighbour_label, rel, rel_type, direction, tie
// $dataset (bound by run_cypher; null = every dataset) keeps what one loaded dataset holds.
MATCH (x:Resource {uri: $entity})-[e]-(y:Resource)
WHERE e.rel IS NOT NULL AND y <> x
  AND ($tie_type IS NULL OR e.tie = $tie_type)
  AND ($dataset IS NULL OR $dataset IN e.datasets)
RETURN DISTINCT y.uri AS neighbour, y.label AS neighbour_label, e.rel AS rel, e.rel_type AS rel_type,
       CASE WHEN e.directed = false THEN 'among' WHEN startNode(e) = x THEN 'out' ELSE 'in' END AS direction,
       e.tie AS tie
ORDER BY neighbour, rel, direction
