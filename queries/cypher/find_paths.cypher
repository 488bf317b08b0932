// title: Paths between two entities
// description: Simple paths of length 1 to 3 between A and B over the projected edges, in either direction, shortest first; VIA1 and VIA2 are the intermediaries (null when the path is shorter). Twin of sparql/find_paths.rq.
// params: a:entity, b:entity
// returns: length, via1, via2
// $dataset (bound by run_cypher; null = every dataset) keeps what one loaded dataset holds.
MATCH p = (a:Resource {uri: $a})-[*1..3]-(b:Resource {uri: $b})
WHERE all(e IN relationships(p) WHERE e.rel IS NOT NULL AND ($dataset IS NULL OR $dataset IN e.datasets))
  AND all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n))
WITH DISTINCT length(p) AS length, [n IN nodes(p) | n.uri] AS uris
RETURN length, CASE WHEN length > 1 THEN uris[1] END AS via1, CASE WHEN length > 2 THEN uris[2] END AS via2
ORDER BY length, via1, via2
