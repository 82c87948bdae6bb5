"""/sparql: a minimal placeholder (JSON results only) until the full protocol lands."""

from __future__ import annotations

import io

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from kg.store import StoreError
from kg.web import get_store

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    text = request.values.get("query")
    if text is None and request.mimetype == "application/sparql-query":
        text = request.get_data(as_text=True)
    if not text:
        return Response("no query\n", status=400, mimetype="text/plain")
    try:
        result = get_store(current_app).query(text)
    except StoreError as exc:
        return Response(f"{exc}\n", status=400, mimetype="text/plain")
    out = io.BytesIO()
    if isinstance(result, ox.QueryTriples):
        ox.serialize(result, out, ox.RdfFormat.N_TRIPLES)
        return Response(out.getvalue(), mimetype="application/n-triples")
    result.serialize(out, ox.QueryResultsFormat.JSON)
    return Response(out.getvalue(), mimetype="application/sparql-results+json")
