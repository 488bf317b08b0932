// title: Brokers between two entities
// description: Entities on a 2-path A - X - B over the projected edges. ROLE is "broker" when X is the BROKER of a Brokerage node whose BROKERED_PARTY edges reach both A and B, else "intermediary". Twin of sparql/find_brokers.rq.
// params: a:entity, b:entity
// returns: broker, broker_label, role
MATCH (a:Resource {uri: $a})-[e1]-(x:Resource)-[e2]-(b:Resource {uri: $b})
WHERE e1.rel IS NOT NULL AND e2.rel IS NOT NULL AND x <> a AND x <> b AND a <> b
WITH DISTINCT a, b, x
OPTIONAL MATCH (r:Brokerage)-[:BROKER]->(x), (r)-[:BROKERED_PARTY]->(a), (r)-[:BROKERED_PARTY]->(b)
WITH x, count(r) AS formal
RETURN x.uri AS broker, x.label AS broker_label, CASE WHEN formal > 0 THEN 'broker' ELSE 'intermediary' END AS role
ORDER BY role, broker
