"""/sparql: the SPARQL 1.1 Protocol endpoint (kg.sparql_protocol) mounted on the Flask app."""

from __future__ import annotations

import atexit

from flask import Blueprint, Flask, Response, current_app, request

from kg.sparql_protocol import ProtocolRequest, Settings, SparqlEndpoint, make_engine
from kg.web import get_config, get_store

bp = Blueprint("sparql", __name__)


def endpoint_for(app: Flask) -> SparqlEndpoint:
    """The app's endpoint, created once: settings copied, worker processes started."""
    endpoint = app.extensions.get("kg.sparql")
    if endpoint is None:
        config = get_config(app)
        store = get_store(app)
        engine = make_engine(store, config.threads)
        settings = Settings(config.query_timeout, config.max_rows, config.max_response_bytes,
                            config.write_enabled, config.write_token)
        refresh = getattr(engine, "refresh", None)
        endpoint = SparqlEndpoint(store, engine, settings, on_update=refresh)
        app.extensions["kg.sparql"] = endpoint
        atexit.register(engine.close)
    return endpoint


@bp.record_once
def _start(state) -> None:
    """Start the query workers with the app, so the first query does not wait for them."""
    if state.app.config.get("KG_SPARQL_LAZY"):
        return
    endpoint_for(state.app)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], provide_automatic_options=False)
def sparql() -> Response:
    """Hand the request to the protocol handler and relay its answer (streamed)."""
    endpoint = endpoint_for(current_app)
    req = ProtocolRequest(
        method=request.method,
        args=list(request.args.items(multi=True)),
        content_type=request.headers.get("Content-Type"),
        body=request.get_data(cache=False) if request.method == "POST" else b"",
        accept=request.headers.get("Accept"),
        authorization=request.headers.get("Authorization"),
        base_url=request.host_url,
    )
    answer = endpoint.handle(req)
    return Response(answer.body, status=answer.status, headers=answer.headers,
                    direct_passthrough=not isinstance(answer.body, bytes))
