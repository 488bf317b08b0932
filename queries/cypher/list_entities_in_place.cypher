// title: Entities in a place
// description: Agents and physical assets LOCATED_IN PLACE or in a place that is PART_OF it (at any depth), with the place they are recorded in. Assumes entities' uit:locatedIn and places' uit:partOf are mapped to LOCATED_IN and PART_OF edges (docs/queries.md). Twin of sparql/list_entities_in_place.rq.
// params: place:place
// returns: entity, entity_label, located_in
// $dataset (bound by run_cypher; null = every dataset) keeps what one loaded dataset holds.
MATCH path = (e:Resource)-[:LOCATED_IN]->(p:Resource)-[:PART_OF*0..]->(:Resource {uri: $place})
WHERE (e:Agent OR e:PhysicalAsset)
  AND ($dataset IS NULL OR all(l IN relationships(path) WHERE $dataset IN l.datasets))
RETURN DISTINCT e.uri AS entity, e.label AS entity_label, p.uri AS located_in
ORDER BY entity, located_in
