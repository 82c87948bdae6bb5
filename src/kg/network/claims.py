"""Who says so, for an edge of the explorer: the claims behind a relation, and the evidence
pack of the relations on screen (claims, their evidence and their sources, as Turtle).

The claims of an edge are found with the same pattern its kind was aggregated with
(kg.network.kinds), bound to the edge's subject, predicate and object.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.namespaces import PREFIXES, sparql_prefixes
from kg.network.kinds import ASSERTED, EDGE_KINDS
from kg.network.shared import SharedProjection
from kg.network.views import predicate_label
from kg.store import Store

MAX_CLAIMS = 200
MAX_EVIDENCE_EDGES = 500
#: Claims first by the weight of their status, then by publication date.
STATUS_ORDER = {"court-finding": 0, "official-acknowledgement": 1, "asserted": 2,
                "contested": 3, "official-denial": 4, "superseded": 5}

Q_CLAIMS = sparql_prefixes() + """
SELECT ?c ?status ?statement ?src ?title ?published ?claimant ?claimantLabel ?quote ?cited
       ?reliability ?credibility ?reason
WHERE {
  VALUES (?s ?p ?o) { (%s %s %s) }
  %s
  OPTIONAL { ?c kg:claimStatus ?st }
  BIND(COALESCE(?st, <%s>) AS ?status)
  OPTIONAL { ?c kg:statement ?statement }
  OPTIONAL { ?c kg:supersededBecause ?reason }
  OPTIONAL { ?c dcterms:source ?src .
             OPTIONAL { ?src dcterms:title ?title }
             OPTIONAL { ?src kg:published/kg:dateValue ?published }
             OPTIONAL { ?src kg:grading ?grading .
                        OPTIONAL { ?grading kg:sourceReliability/skos:notation ?reliability }
                        OPTIONAL { ?grading kg:informationCredibility/skos:notation
                                       ?credibility } } }
  OPTIONAL { ?c prov:wasAttributedTo ?claimant .
             OPTIONAL { ?claimant rdfs:label ?claimantLabel
                        FILTER(LANGMATCHES(LANG(?claimantLabel), "en")) } }
  OPTIONAL { ?annotation oa:hasBody ?c .
             OPTIONAL { ?annotation oa:hasTarget/oa:hasSelector ?selector .
                        ?selector a oa:TextQuoteSelector ; oa:exact ?quote }
             OPTIONAL { ?annotation kg:citedWording ?cited } }
}
LIMIT 2000"""

Q_EVIDENCE = sparql_prefixes() + """
CONSTRUCT {
  ?c ?p ?o . ?x ?xp ?xo . ?ann ?ap ?ao . ?t ?tp ?to . ?sel ?sp ?so .
  ?src dcterms:title ?title ; kg:published ?pub ; kg:sha256 ?hash ; schema:url ?url .
  ?pub ?dp ?do .
} WHERE {
  VALUES ?c { %s }
  { ?c ?p ?o }
  UNION { ?c kg:asserts ?x . ?x ?xp ?xo }
  UNION { ?ann oa:hasBody ?c ; ?ap ?ao }
  UNION { ?ann oa:hasBody ?c ; oa:hasTarget ?t . ?t ?tp ?to }
  UNION { ?ann oa:hasBody ?c ; oa:hasTarget/oa:hasSelector ?sel . ?sel ?sp ?so }
  UNION { ?c dcterms:source ?src . OPTIONAL { ?src dcterms:title ?title }
          OPTIONAL { ?src kg:sha256 ?hash } OPTIONAL { ?src schema:url ?url }
          OPTIONAL { ?src kg:published ?pub . ?pub ?dp ?do } }
}"""


def _v(term: Any) -> str | None:
    return None if term is None else term.value


def claims_for(store: Store, kind: str, s: str, p: str, o: str) -> list[dict[str, Any]]:
    """Every claim behind a (kind, subject, predicate, object) relation, whatever its
    status, with its source, grading, claimant and quotes."""
    terms = [str(ox.NamedNode(x)) for x in (s, p, o)]
    query = Q_CLAIMS % (*terms, EDGE_KINDS[kind].bound(), ASSERTED)
    claims: dict[str, dict[str, Any]] = {}
    for row in store.query(query):
        iri = row["c"].value
        claim = claims.get(iri)
        if claim is None:
            if len(claims) >= MAX_CLAIMS:
                break
            claim = claims[iri] = {
                "iri": iri, "status": row["status"].value.rsplit("/", 1)[-1],
                "statement": _v(row["statement"]), "reason": _v(row["reason"]),
                "source": _v(row["src"]), "sourceTitle": _v(row["title"]),
                "published": _v(row["published"]), "claimant": _v(row["claimant"]),
                "claimantLabel": _v(row["claimantLabel"]),
                "grading": None, "quotes": []}
        if row["reliability"] is not None or row["credibility"] is not None:
            claim["grading"] = ((_v(row["reliability"]) or "?").upper()
                                + (_v(row["credibility"]) or "?"))
        for quote in (_v(row["quote"]), _v(row["cited"])):
            if quote and quote not in claim["quotes"]:
                claim["quotes"].append(quote)
    return sorted(claims.values(), key=lambda c: (STATUS_ORDER.get(c["status"], 9),
                                                  c["published"] or "", c["iri"]))


def graph_title(proj: SharedProjection, graph: str) -> dict[str, Any]:
    """A link edge's source: the source document its graph records, else the graph."""
    title = "editorial register" if graph.endswith("/graph/entities") else graph
    return proj.sources.get(graph, {"iri": graph, "title": title})


def evidence_pack(store: Store, proj: SharedProjection, edge_ids: list[str], permalink: str) -> str:
    """The claims behind the given edges with their evidence (annotations, quote and
    position selectors), what they assert, and their sources, as Turtle headed by a numbered
    citation list and the view's permalink (all in comments)."""
    claims: dict[str, None] = {}
    sources: dict[str, dict[str, Any]] = {}
    lines = []
    for eid in edge_ids[:MAX_EVIDENCE_EDGES]:
        e = proj.edges.get(eid)
        if e is None:
            continue
        lines.append(f"#   {proj.nodes[e.source].label} -- {predicate_label(proj, e.predicate)}"
                     f" -> {proj.nodes[e.target].label} [{e.status.rsplit('/', 1)[-1]}"
                     f"{', alleged' if e.alleged else ''}; {e.sources} source(s)]")
        if e.kind == "link":
            for src in e.source_iris:
                sources.setdefault(src, graph_title(proj, src))
            continue
        for claim in claims_for(store, e.kind, e.source, e.predicate, e.target):
            claims[claim["iri"]] = None
            if claim["source"]:
                sources.setdefault(claim["source"], {"iri": claim["source"],
                                                     "title": claim["sourceTitle"],
                                                     "date": claim["published"]})
    triples: set[ox.Triple] = set()
    ordered = list(claims)
    for start in range(0, len(ordered), 200):
        chunk = " ".join(str(ox.NamedNode(c)) for c in ordered[start:start + 200])
        triples.update(store.query(Q_EVIDENCE % chunk))  # type: ignore[arg-type]
    head = ["# kg evidence pack: the claims behind the relations shown, with their evidence.",
            f"# View: {permalink}" if permalink else "# View: (no permalink given)",
            f"# Relations ({len(lines)}):", *lines, "# Sources cited:"]
    for n, src in enumerate(sorted(sources.values(), key=lambda s: s.get("title") or ""), 1):
        date = f" ({src['date']})" if src.get("date") else ""
        head.append(f"#   [{n}] {src.get('title') or src['iri']}{date} <{src['iri']}>")
    # Sorted by subject, Turtle groups each node's triples.
    unique = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    ttl = ox.serialize(unique, None, ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    comments = "\n".join(h.replace("\r", " ").replace("\n", " ") for h in head)
    return comments + "\n\n" + ttl.decode("utf-8")
