// title: Evidence for a relationship
// description: The evidence quotes (report section and verbatim quote, with the source document) linked to RELATIONSHIP by EVIDENCE edges. Twin of sparql/show_evidence.rq.
// params: relationship:relationship
// returns: section, quote, source
// $dataset (bound by run_cypher; null = every dataset) keeps what one loaded dataset holds.
MATCH (:Resource {uri: $relationship})-[l:EVIDENCE]->(ev:Resource)
WHERE $dataset IS NULL OR $dataset IN l.datasets
OPTIONAL MATCH (ev)-[s:SOURCE]->(doc:Resource)
WHERE $dataset IS NULL OR $dataset IN s.datasets
RETURN DISTINCT ev.section AS section, ev.quote AS quote, doc.uri AS source
ORDER BY section, quote
