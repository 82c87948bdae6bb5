"""The graph explorer: the /explore page and the JSON it reads under /api/graph/.

The page and the API are one thing: the browser only ever renders what these endpoints
answer, so a script, a test or another tool can ask the same questions. Neighbourhoods,
paths, search and metadata come from the cached networkx projection (kg.network); the claims
behind an edge come from SPARQL on demand, because quotes and gradings are only wanted for
the edge a reader clicks. Answers name things in the reader's language (`?lang=`, see
kg.web.graph_names).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, url_for
from flask import jsonify as _jsonify
from flask_babel import gettext

from kg import formats
from kg.cache import NotReady
from kg.network import views
from kg.network.claims import claims_for, evidence_pack, graph_title
from kg.network.shared import PROJECTION, SharedProjection
from kg.search import index_for
from kg.web.context import get_config, get_store
from kg.web.graph_names import in_language
from kg.web.i18n import current, current_wording, data_language, script_strings
from kg.web.lineage_view import lineage_json
from kg.wording import wording

bp = Blueprint("explore", __name__)

#: The strictest policy these pages work under (Cytoscape draws on canvas; no inline code).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
MAX_LIMIT = 200


def jsonify(*args: object, **kwargs: object) -> Response:
    """Flask's jsonify, the names in the answer put in the reader's language first."""
    data = args[0] if args else kwargs
    return _jsonify(in_language(get_store(), data, data_language()))


def projection() -> SharedProjection:
    """The current projection; a request waits `graph_wait` seconds for a first build, then
    gets 202 (the page retries), so a cold start on a large store never ties up every worker
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
        "lang": current(),
        "dir": "rtl" if current_wording().rtl else "ltr",
        "strings": script_strings("explore.js"),
    }
    return render_template("explore/index.html", boot=boot)


@bp.get("/api/graph/status")
def status() -> Response:
    """Projection size, kinds, date extent and the most central entities (start points)."""
    return jsonify(views.summary(projection()))


@bp.get("/api/graph/sources")
def sources() -> Response:
    return jsonify(sources=views.source_list(projection()))


@bp.get("/api/graph/search")
def search() -> Response:
    """The site's label index (scripts, diacritics, transliterations), kept to graph nodes."""
    q = (request.args.get("q") or "").strip()[:200]
    limit = _int_arg("limit", 20, 1, 50)
    proj = projection()
    if q in proj.nodes:
        return jsonify(results=[views.node_json(proj, q)])
    if not q:
        return jsonify(results=[])
    index = index_for(get_store(), get_config().base_iri + "id/")
    hits = [h.iri for h in index.search(q, limit=limit * 5)]
    rows = proj.nodes_of(hits)
    return jsonify(results=[views.node_json(proj, rows[iri]) for iri in hits if iri in rows
                            ][:limit])


@bp.get("/api/graph/neighbourhood")
def neighbourhood() -> Response:
    iri = _iri_arg("iri")
    if iri is None:
        return _bad("give ?iri=<entity IRI>")
    direction = request.args.get("direction")
    if direction not in (None, "in", "out"):
        return _bad("direction is 'in' or 'out'")
    try:
        data = views.neighbourhood(
            projection(), iri, limit=_int_arg("limit", 25, 1, MAX_LIMIT),
            offset=_int_arg("offset", 0, 0, 10_000_000),
            predicate=_iri_arg("predicate"), direction=direction)
    except KeyError:
        return _bad(gettext("%(iri)s is not a person, organisation, group, event or place in "
                            "the graph", iri=iri),
                    404)
    return jsonify(data)


@bp.post("/api/graph/between")
def between() -> Response:
    """Edges among the nodes a reader has on screen (a POST: the list can be long)."""
    body = request.get_json(silent=True) or {}
    nodes = body.get("nodes")
    if not isinstance(nodes, list) or not all(isinstance(n, str) for n in nodes):
        return _bad('send {"nodes": [IRI, ...]}')
    return jsonify(edges=views.edges_between(projection(), nodes[:2500]))


@bp.get("/api/graph/paths")
def paths() -> Response:
    a, b = _iri_arg("from"), _iri_arg("to")
    if a is None or b is None:
        return _bad("give ?from=<IRI>&to=<IRI>")
    try:
        found = views.paths(projection(), a, b, k=_int_arg("k", 3, 1, 10))
    except KeyError as exc:
        return _bad(gettext("%(iri)s is not in the graph", iri=exc.args[0]), 404)
    return jsonify(paths=found)


@bp.get("/api/graph/edge/<edge_id>")
def edge(edge_id: str) -> Response:
    """An edge and the claims behind it: status, statement, source, date, claimant, quotes,
    and where each comes from (its lineage and independent origins)."""
    proj = projection()
    if edge_id not in proj.edges:
        return _bad(gettext("no such edge in the current graph"), 404)
    e = proj.edges[edge_id]
    data = views.edge_json(proj, edge_id)
    data["sourceLabel"] = proj.nodes[e.source].label
    data["targetLabel"] = proj.nodes[e.target].label
    if e.kind == "link":
        data["claims"] = []
        data["graphs"] = [graph_title(proj, s) for s in e.source_iris]
    else:
        store = get_store()
        data["claims"] = claims_for(store, e.kind, e.source, e.predicate, e.target)
        shown = lineage_json(store, get_config().base_iri, [c["iri"] for c in data["claims"]],
                             wording(data_language()))
        for claim in data["claims"]:
            claim.update(shown[claim["iri"]])
    return jsonify(data)


@bp.post("/api/graph/evidence")
def evidence() -> Response:
    """An evidence pack for the edges on screen, as a Turtle download."""
    body = request.get_json(silent=True) or {}
    ids = body.get("edges")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        return _bad('send {"edges": [edge id, ...], "permalink": URL}')
    permalink = str(body.get("permalink") or "")[:2000]
    text = evidence_pack(get_store(), projection(), ids, permalink)
    return Response(text, content_type=formats.rdf("ttl").media_type, headers={
        "Content-Disposition": 'attachment; filename="kg-evidence.ttl"'})
