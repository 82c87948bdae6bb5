"""The graph explorer: the /explore page and the JSON it reads under /api/graph/.

The page and the API are one thing: the browser only ever renders what these endpoints
answer, so a script, a test or another tool can ask the same questions. Neighbourhoods,
paths, search and metadata come from the cached networkx projection (kg.network); the claims
behind an edge come from SPARQL on demand, because quotes and gradings are only wanted for
the edge a reader clicks.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request, url_for

from kg.cache import NotReady
from kg.namespaces import PREFIXES, sparql_prefixes
from kg.network import ASSERTED, PROJECTION, Projection
from kg.search import index_for
from kg.web.context import get_config, get_store

bp = Blueprint("explore", __name__)

#: The strictest policy these pages work under (Cytoscape draws on canvas; no inline code).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
MAX_LIMIT = 200
MAX_CLAIMS = 200


def projection() -> Projection:
    """The current projection; a request waits `graph_wait` seconds for a first build, then
    gets 202 (the page retries), so a cold start at 1.3M triples never ties up every worker
    thread."""
    return PROJECTION.get(get_store(), wait=get_config().graph_wait)


@bp.errorhandler(NotReady)
def _not_ready(exc: NotReady) -> Response:
    # 202, not 503: the work is under way and the page polls; browsers log 5xx as errors.
    response = jsonify(error=str(exc), retry=True)
    response.status_code = 202
    response.headers["Retry-After"] = "2"
    return response


def _bad(message: str, status: int = 400) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


def _iri_arg(name: str) -> str | None:
    """An IRI parameter, checked as an IRI before it can reach a query."""
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        ox.NamedNode(value)
    except ValueError:
        return None
    return value


def _int_arg(name: str, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(request.args.get(name, default))))
    except ValueError:
        return default


@bp.after_app_request
def _security_headers(response: Response) -> Response:
    """The explorer needs less than the app-wide policy (no inline styles): say so."""
    if request.blueprint == "explore":
        response.headers["Content-Security-Policy"] = CSP
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.get("/explore")
def page() -> str:
    config = get_config()
    boot = {
        "api": url_for("explore.status").rsplit("/", 1)[0],
        "idBase": config.base_iri + "id/",
        "pageBase": "/page/",
        "maxNodes": 2000,
        "pageSize": 25,
    }
    return render_template("explore/index.html", boot=boot)


@bp.get("/api/graph/status")
def status() -> Response:
    """Projection size, kinds, date extent and the most central entities (start points)."""
    proj = projection()
    summary = proj.summary()
    if proj.analysed:
        top = sorted(proj.nodes, key=lambda n: -proj.centrality.get(n, 0.0))[:12]
    else:  # degree until the centralities are in
        top = sorted(proj.nodes, key=lambda n: -len(proj.adjacency.get(n, ())))[:12]
    summary["top"] = [proj.node_json(n) for n in top]
    summary["predicates"] = proj.predicate_labels
    return jsonify(summary)


@bp.get("/api/graph/sources")
def sources() -> Response:
    return jsonify(sources=projection().source_list())


@bp.get("/api/graph/search")
def search() -> Response:
    """The site's label index (scripts, diacritics, transliterations), kept to graph nodes."""
    q = (request.args.get("q") or "").strip()[:200]
    limit = _int_arg("limit", 20, 1, 50)
    proj = projection()
    if q in proj.nodes:
        return jsonify(results=[proj.node_json(q)])
    if not q:
        return jsonify(results=[])
    index = index_for(get_store(), get_config().base_iri + "id/")
    hits = [h.iri for h in index.search(q, limit=limit * 5) if h.iri in proj.nodes]
    return jsonify(results=[proj.node_json(iri) for iri in hits[:limit]])


@bp.get("/api/graph/neighbourhood")
def neighbourhood() -> Response:
    iri = _iri_arg("iri")
    if iri is None:
        return _bad("give ?iri=<entity IRI>")
    direction = request.args.get("direction")
    if direction not in (None, "in", "out"):
        return _bad("direction is 'in' or 'out'")
    proj = projection()
    try:
        data = proj.neighbourhood(
            iri, limit=_int_arg("limit", 25, 1, MAX_LIMIT),
            offset=_int_arg("offset", 0, 0, 10_000_000),
            predicate=_iri_arg("predicate"), direction=direction)
    except KeyError:
        return _bad(f"{iri} is not a person, organisation, group, event or place in the graph",
                    404)
    return jsonify(data)


@bp.post("/api/graph/between")
def between() -> Response:
    """Edges among the nodes a reader has on screen (a POST: the list can be long)."""
    body = request.get_json(silent=True) or {}
    nodes = body.get("nodes")
    if not isinstance(nodes, list) or not all(isinstance(n, str) for n in nodes):
        return _bad('send {"nodes": [IRI, ...]}')
    return jsonify(edges=projection().edges_between(nodes[:2500]))


@bp.get("/api/graph/paths")
def paths() -> Response:
    a, b = _iri_arg("from"), _iri_arg("to")
    if a is None or b is None:
        return _bad("give ?from=<IRI>&to=<IRI>")
    try:
        found = projection().paths(a, b, k=_int_arg("k", 3, 1, 10))
    except KeyError as exc:
        return _bad(f"{exc.args[0]} is not in the graph", 404)
    return jsonify(paths=found)


@bp.get("/api/graph/edge/<edge_id>")
def edge(edge_id: str) -> Response:
    """An edge and the claims behind it: status, statement, source, date, claimant, quotes."""
    proj = projection()
    if edge_id not in proj.edges:
        return _bad("no such edge in the current graph", 404)
    e = proj.edges[edge_id]
    data = proj.edge_json(edge_id)
    data["sourceLabel"] = proj.nodes[e.source].label
    data["targetLabel"] = proj.nodes[e.target].label
    store = get_store()
    if e.kind == "link":
        data["claims"] = []
        data["graphs"] = [proj.sources.get(s, {"iri": s, "title": _graph_title(s)})
                          for s in e.source_iris]
    else:
        data["claims"] = claims_for(store, e.kind, e.source, e.predicate, e.target)
    return jsonify(data)


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
MAX_EVIDENCE_EDGES = 500


@bp.post("/api/graph/evidence")
def evidence() -> Response:
    """An evidence pack for the edges on screen: the claims behind them with their evidence
    (annotations, quote and position selectors), what they assert, and their sources, as
    Turtle, headed by a numbered citation list and the view's permalink."""
    body = request.get_json(silent=True) or {}
    ids = body.get("edges")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        return _bad('send {"edges": [edge id, ...], "permalink": URL}')
    proj = projection()
    store = get_store()
    claims: dict[str, None] = {}
    sources: dict[str, dict[str, Any]] = {}
    lines = []
    for eid in ids[:MAX_EVIDENCE_EDGES]:
        e = proj.edges.get(eid)
        if e is None:
            continue
        label = proj.predicate_labels.get(e.predicate, e.predicate)
        lines.append(f"#   {proj.nodes[e.source].label} -- {label} -> "
                     f"{proj.nodes[e.target].label} [{e.status.rsplit('/', 1)[-1]}"
                     f"{', alleged' if e.alleged else ''}; {e.sources} source(s)]")
        if e.kind == "link":
            for src in e.source_iris:
                sources.setdefault(src, proj.sources.get(src, {"iri": src,
                                                               "title": _graph_title(src)}))
            continue
        for claim in claims_for(store, e.kind, e.source, e.predicate, e.target):
            claims[claim["iri"]] = None
            if claim["source"]:
                sources.setdefault(claim["source"], {"iri": claim["source"],
                                                     "title": claim["sourceTitle"],
                                                     "date": claim["published"]})
    triples: list[ox.Triple] = []
    for chunk in _chunks(list(claims), 200):
        result = store.query(Q_EVIDENCE % " ".join(str(ox.NamedNode(c)) for c in chunk))
        triples.extend(result)  # type: ignore[arg-type]
    permalink = str(body.get("permalink") or "")[:2000].replace("\n", " ")
    head = ["# kg evidence pack: the claims behind the relations shown, with their evidence.",
            f"# View: {permalink}" if permalink else "# View: (no permalink given)",
            f"# Relations ({len(lines)}):", *lines, "# Sources cited:"]
    for n, src in enumerate(sorted(sources.values(), key=lambda s: s.get("title") or ""), 1):
        date = f" ({src['date']})" if src.get("date") else ""
        head.append(f"#   [{n}] {src.get('title') or src['iri']}{date} <{src['iri']}>")
    # CONSTRUCT repeats triples once per solution; sorted by subject, Turtle groups them.
    unique = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    ttl = ox.serialize(unique, None, ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    text = "\n".join(_comment_safe(h) for h in head) + "\n\n" + ttl.decode("utf-8")
    return Response(text, mimetype="text/turtle", headers={
        "Content-Disposition": 'attachment; filename="kg-evidence.ttl"'})


def _comment_safe(line: str) -> str:
    """Labels go into Turtle comments: no line breaks may end the comment early."""
    return line.replace("\r", " ").replace("\n", " ")


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _graph_title(iri: str) -> str:
    return "editorial register" if iri.endswith("/graph/entities") else iri


_CLAIM_MATCH = {
    "participation": """?x kg:participant ?s ; kg:inEvent ?o ; sem:roleType ?p .
                        ?c kg:asserts ?x .""",
    "membership": """?x org:member ?s ; org:organization ?o . ?c kg:asserts ?x .
                     OPTIONAL { ?x org:role ?role }
                     FILTER(COALESCE(?role, org:memberOf) = ?p)""",
    "allegation": "?c a kg:Allegation ; prov:wasAttributedTo ?s ; kg:about ?o .",
    "identity": "?c a kg:IdentityClaim ; kg:about ?s, ?o .",
    "claim": """?c prov:wasAttributedTo ?s ; kg:about ?o .
                FILTER NOT EXISTS { ?c kg:asserts ?anything }
                FILTER NOT EXISTS { ?c a kg:Allegation }
                FILTER NOT EXISTS { ?c a kg:IdentityClaim }
                OPTIONAL { ?c a ?ct . VALUES ?ct { kg:CountClaim kg:TimeClaim } }
                FILTER(COALESCE(?ct, kg:Claim) = ?p)""",
}

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


def claims_for(store: Any, kind: str, s: str, p: str, o: str) -> list[dict[str, Any]]:
    """Every claim behind a (kind, subject, predicate, object) relation, whatever its status."""
    terms = [str(ox.NamedNode(x)) for x in (s, p, o)]
    query = Q_CLAIMS % (*terms, _CLAIM_MATCH[kind], ASSERTED)
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
    order = {"court-finding": 0, "official-acknowledgement": 1, "asserted": 2,
             "contested": 3, "official-denial": 4, "superseded": 5}
    return sorted(claims.values(),
                  key=lambda c: (order.get(c["status"], 9), c["published"] or "", c["iri"]))


def _v(term: Any) -> str | None:
    return None if term is None else term.value

