"""/reconcile: the W3C Reconciliation Service API 0.2, for OpenRefine and other clients.

Manifest, query batches (form-encoded `queries=` as OpenRefine posts them, or GET), data
extension (`extend=`), preview cards, suggest and property proposals; CORS on every route
(the spec's test bench calls services from the browser). Logic lives in
`kg.matching.service` and `kg.matching.extension`; this only transports it.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from kg.linked_data import page_of
from kg.matching import extension, service
from kg.matching.index import index_for
from kg.search import index_for as search_index_for
from kg.web.context import get_config, get_store

bp = Blueprint("reconcile", __name__)

CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Accept",
        "Access-Control-Max-Age": "86400"}
#: A preview is made to sit in another site's iframe (OpenRefine's): no script, nothing
#: loaded from anywhere, framing allowed.
PREVIEW_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                  "form-action 'none'; frame-ancestors *")


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers.update(CORS)
    return response


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status,
                    mimetype="application/json")


def _base() -> str:
    return get_config().base_iri


def _service_url() -> str:
    return request.host_url.rstrip("/")


def _index():  # noqa: ANN202 - MatchIndex
    return index_for(get_store(), _base() + "id/")


@bp.route("/reconcile", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The manifest, or answers to `queries=` / `extend=` (form or query string)."""
    if request.method == "OPTIONS":
        return Response(status=204)
    queries = request.values.get("queries")
    extend = request.values.get("extend")
    try:
        if queries is not None:
            batch = service.parse_batch(queries)
            return _json(service.reconcile(_index(), batch, _base()))
        if extend is not None:
            try:
                query = json.loads(extend)
            except ValueError as exc:
                raise service.QueryError(f"extend: not JSON ({exc})") from exc
            if not isinstance(query, dict):
                raise service.QueryError('extend: expected {"ids": [...], "properties": [...]}')
            return _json(extension.extend(get_store(), _index(), query, _base()))
    except service.QueryError as exc:
        return _json({"error": str(exc)}, 400)
    return _json(service.manifest(_base(), _service_url()))


@bp.get("/reconcile/preview")
def preview() -> Response:
    """An HTML card for one id, safe to embed: escaped text, no script, no outside loads."""
    ident = request.args.get("id", "")
    base = _base()
    iri = ident if ident.startswith(("http://", "https://")) else base + "id/" + ident
    index = _index()
    profile = index.profile(iri)
    if profile is None:
        abort(404)
    places = [index.profile(i) for i in sorted(profile.places)]
    orgs = [index.profile(i) for i in sorted(profile.affiliations)]
    html = render_template(
        "reconcile/preview.html", profile=profile, kind=service.TYPES[profile.kind][1],
        description=service.describe(index, profile), page=page_of(iri, base),
        places=[p.label for p in places if p], orgs=[o.label for o in orgs if o],
        sources=len(profile.sources))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    return response


@bp.get("/reconcile/suggest/<what>")
def suggest(what: str) -> Response:
    """Auto-completion by prefix: entities (from the search index), types, properties."""
    prefix = (request.args.get("prefix") or "").strip()[:200]
    if what == "type":
        return _json({"result": service.suggest_types(prefix)})
    if what == "property":
        props = {**service.QUERY_PROPERTIES,
                 **{pid: name for pid, (name, _k) in extension.PROPERTIES.items()}}
        return _json({"result": service.suggest_properties(prefix, props)})
    if what != "entity":
        abort(404)
    wanted = service.kind_of(request.args.get("type") or "") if request.args.get("type") \
        else None
    index = _index()
    results = []
    if prefix:
        for hit in search_index_for(get_store(), _base() + "id/").search(prefix, limit=80):
            profile = index.profile(hit.iri)
            if profile is None or (wanted and profile.kind != wanted):
                continue
            type_iri, type_name = service.TYPES[profile.kind]
            results.append({"id": service.local_id(hit.iri, _base()), "name": profile.label,
                            "description": service.describe(index, profile),
                            "notable": [{"id": type_iri, "name": type_name}]})
            if len(results) >= 20:
                break
    return _json({"result": results})


@bp.route("/reconcile/propose_properties", methods=["GET", "POST"])
def propose_properties() -> Response:
    try:
        limit = int(request.values.get("limit") or 0) or None
    except ValueError:
        limit = None
    return _json(extension.propose(request.values.get("type"), limit))


@bp.get("/reconcile/docs")
def docs() -> str:
    """What the service offers and how to add it to OpenRefine."""
    return render_template("reconcile/docs.html", service_url=_service_url() + "/reconcile",
                           properties=service.QUERY_PROPERTIES, types=service.TYPES.values(),
                           extension=extension.PROPERTIES)
