"""The SPARQL that builds the projection: aggregations over the public union graph, so the
work is done by Oxigraph (GROUP BY) and no triple is pulled into Python one by one."""

from __future__ import annotations

from kg.namespaces import sparql_prefixes
from kg.network.kinds import ASSERTED, EdgeKind

_P = sparql_prefixes()
_DATES = "(kg:date|kg:beginDate|kg:endDate)"

Q_SUBCLASSES = _P + """
SELECT DISTINCT ?class ?root WHERE { VALUES ?root { %s } ?class rdfs:subClassOf* ?root }"""

Q_ENTITY_TYPES = _P + """
SELECT ?e ?t WHERE { VALUES ?t { %s } ?e a ?t . FILTER(isIRI(?e)) }"""

# Sub-selects make Oxigraph hash-join whole predicate columns instead of looking each row
# up in turn (bench/results/graph.md).
Q_ENTITY_LABELS = _P + """
SELECT ?e (SAMPLE(?l) AS ?label) WHERE {
  { SELECT DISTINCT ?e WHERE { VALUES ?t { %s } ?e a ?t } }
  { SELECT ?e ?l WHERE { ?e rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) } }
} GROUP BY ?e"""

Q_EVENT_DATES = _P + """
SELECT ?e (MIN(?lo) AS ?start) (MAX(?hi) AS ?end) WHERE {
  VALUES ?t { %s } ?e a ?t .
  ?e """ + _DATES + """ ?d . ?d sem:hasEarliestBeginTimeStamp ?lo ; sem:hasLatestEndTimeStamp ?hi .
} GROUP BY ?e"""

Q_TIME_CLAIM_DATES = _P + """
SELECT ?e (MIN(?lo) AS ?start) (MAX(?hi) AS ?end) WHERE {
  ?c a kg:TimeClaim ; kg:about ?e ; """ + _DATES + """ ?d .
  ?d sem:hasEarliestBeginTimeStamp ?lo ; sem:hasLatestEndTimeStamp ?hi .
} GROUP BY ?e"""

# Status and publication as inner (hash) joins: as OPTIONALs they cost 3x. A claim without a
# status counts as asserted; one without a publication fails the SHACL gate and is not drawn.
_CLAIM_COLUMNS = f"""
  {{ {{ SELECT ?c ?status WHERE {{ ?c kg:claimStatus ?status }} }}
    UNION {{ SELECT ?c (<{ASSERTED}> AS ?status) WHERE {{
             ?c kg:asserts ?any FILTER NOT EXISTS {{ ?c kg:claimStatus ?none }} }} }} }}
  {{ SELECT ?c ?src WHERE {{ ?c dcterms:source ?src }} }}"""
_PLAIN_COLUMNS = ("OPTIONAL { ?c kg:claimStatus ?st } "
                  f"BIND(COALESCE(?st, <{ASSERTED}>) AS ?status) "
                  "OPTIONAL { ?c dcterms:source ?src } ")
#: When a participation or membership held (its own dates, or the membership's interval).
_SPANS = {
    "participation": """OPTIONAL { SELECT ?x ?lo ?hi WHERE {
    ?x """ + _DATES + """ ?d .
    ?d sem:hasEarliestBeginTimeStamp ?lo ; sem:hasLatestEndTimeStamp ?hi } }""",
    "membership": """OPTIONAL { SELECT ?x ?lo WHERE {
    ?x (org:memberDuring/time:hasBeginning)|kg:beginDate ?d .
    ?d sem:hasEarliestBeginTimeStamp ?lo } }
  OPTIONAL { SELECT ?x ?hi WHERE {
    ?x (org:memberDuring/time:hasEnd)|kg:endDate ?d . ?d sem:hasLatestEndTimeStamp ?hi } }""",
}


def edges_query(kind: EdgeKind) -> str:
    """One row per (?s ?p ?o ?status) of this kind: sources, claims, whether alleged, and for
    participations and memberships the span they held."""
    span = " (MIN(?lo) AS ?start) (MAX(?hi) AS ?end)" if kind.dated else ""
    columns = _CLAIM_COLUMNS if kind.columns else _PLAIN_COLUMNS
    return _P + f"""
SELECT ?s ?p ?o ?status (MAX(?alleged0) AS ?alleged)
       (COUNT(DISTINCT ?src) AS ?nsources) (COUNT(DISTINCT ?c) AS ?nclaims)
       (GROUP_CONCAT(DISTINCT STR(?src); separator=" ") AS ?srcs){span}
WHERE {{
  {kind.aggregated()}
  {columns}
  {_SPANS.get(kind.name, "")}
  BIND({kind.alleged} AS ?alleged0)
}} GROUP BY ?s ?p ?o ?status"""


Q_LINK = _P + """
SELECT ?s ?p ?o (COUNT(DISTINCT ?g) AS ?ngraphs)
       (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?graphs)
WHERE {
  VALUES ?ts { %s }
  ?s a ?ts .
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?o) && ?p NOT IN (%s))
  FILTER EXISTS { VALUES ?to { %s } ?o a ?to }
} GROUP BY ?s ?p ?o"""

Q_GRAPH_SOURCES = _P + """
SELECT ?g (SAMPLE(?src) AS ?source) WHERE { GRAPH ?g { ?src a kg:Source } } GROUP BY ?g"""

Q_SOURCES = _P + """
SELECT ?src (SAMPLE(?title) AS ?t) (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?day) AS ?date) WHERE {
  ?src a kg:Source .
  OPTIONAL { ?src dcterms:title ?title }
  OPTIONAL { ?c dcterms:source ?src }
  OPTIONAL { ?src kg:published/kg:dateValue ?day }
} GROUP BY ?src"""

Q_LABELS = _P + """
SELECT ?x (SAMPLE(?en) AS ?label_en) (SAMPLE(?any) AS ?label_any) WHERE {
  VALUES ?x { %s }
  OPTIONAL { ?x skos:prefLabel|rdfs:label ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
  OPTIONAL { ?x skos:prefLabel|rdfs:label ?any }
} GROUP BY ?x"""
