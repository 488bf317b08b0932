// title: Brokers between two entities
// description: Entities on a 2-path A - X - B over the projected edges. ROLE is "broker" when X is the BROKER of a Brokerage node whose BROKERED_PARTY edges reach both A and B, else "intermediary". Twin of sparql/find_brokers.rq.
// params: a:entity, b:entity
// returns: broker, broker_label, role
// $dataset (bound by run_cypher; null = every dataset) keeps what one loaded dataset holds.
MATCH (a:Resource {uri: $a})-[e1]-(x:Resource)-[e2]-(b:Resource {uri: $b})
WHERE e1.rel IS NOT NULL AND e2.rel IS NOT NULL AND x <> a AND x <> b AND a <> b
  AND ($dataset IS NULL OR ($dataset IN e1.datasets AND $dataset IN e2.datasets))
WITH DISTINCT a, b, x
OPTIONAL MATCH (r:Brokerage)-[l1:BROKER]->(x), (r)-[l2:BROKERED_PARTY]->(a), (r)-[l3:BROKERED_PARTY]->(b)
WHERE $dataset IS NULL OR all(l IN [l1, l2, l3] WHERE $dataset IN l.datasets)
WITH x, count(r) AS formal
RETURN x.uri AS broker, x.label AS broker_label, CASE WHEN formal > 0 THEN 'broker' ELSE 'intermediary' END AS role
ORDER BY role, broker
