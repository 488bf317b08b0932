// title: Relationships of a work package
// description: Every relationship node with a WORK_PACKAGE edge to WORK_PACKAGE, with its class, dates and value in GBP. Twin of sparql/list_work_package_relationships.rq.
// params: work_package:work_package
// returns: rel, rel_label, rel_type, start, end, value_gbp
// $dataset (bound by run_cypher; null = every dataset) keeps what one loaded dataset holds.
MATCH (r:Relationship)-[w:WORK_PACKAGE]->(:Resource {uri: $work_package})
WHERE $dataset IS NULL OR $dataset IN w.datasets
RETURN DISTINCT r.uri AS rel, r.label AS rel_label, r.rel_type AS rel_type, r.start AS start, r.end AS end,
       r.value_gbp AS value_gbp
ORDER BY start, rel
