// title: Evidence for a relationship
// description: The evidence quotes (report section and verbatim quote, with the source document) linked to RELATIONSHIP by EVIDENCE edges. Twin of sparql/show_evidence.rq.
// params: relationship:relationship
// returns: section, quote, source
MATCH (:Resource {uri: $relationship})-[:EVIDENCE]->(ev:Resource)
OPTIONAL MATCH (ev)-[:SOURCE]->(doc:Resource)
RETURN DISTINCT ev.section AS section, ev.quote AS quote, doc.uri AS source
ORDER BY section, quote
