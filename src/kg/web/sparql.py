"""/sparql: the SPARQL 1.1 Protocol endpoint (kg.sparql_protocol) mounted on the Flask app."""

from __future__ import annotations

import atexit
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from kg.guard import Limits
from kg.query.answer import Answer
from kg.sparql.protocol import ProtocolRequest, Settings, SparqlEndpoint
from kg.sparql.results import engine_for
from kg.web.context import get_config, get_store
from kg.web.headers import secured

bp = Blueprint("sparql", __name__)
_CREATING = threading.Lock()


def endpoint_for(app: Flask) -> SparqlEndpoint:
    """The app's endpoint, created on first use: settings copied, the query engine made."""
    endpoint = app.extensions.get("kg.sparql")
    if endpoint is not None:
        return endpoint
    with _CREATING:
        endpoint = app.extensions.get("kg.sparql")
        if endpoint is None:
            config = get_config(app)
            store = get_store(app)
            engine = engine_for(store, config.result_cache_bytes)
            settings = Settings(config.query_timeout, config.max_rows,
                                config.max_response_bytes, config.write_enabled,
                                config.write_token, limits=Limits.from_config(config))
            endpoint = SparqlEndpoint(store, engine, settings)
            app.extensions["kg.sparql"] = endpoint
            atexit.register(engine.close)
    return endpoint


@bp.record_once
def _start(state) -> None:
    """Answer /sparql before Flask's machinery."""
    state.app.wsgi_app = SparqlFastPath(state.app.wsgi_app, state.app)


_REASONS = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}


class SparqlFastPath:
    """WSGI middleware answering /sparql directly: Flask's request context, routing and
    response objects cost about as much per request as the protocol handling itself
    (bench/results/design.md), and /sparql needs none of them."""

    def __init__(self, wsgi_app: Callable[..., Any], app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.max_body = app.config.get("MAX_CONTENT_LENGTH") or 2 * 1024 * 1024

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/sparql":
            return self.wsgi_app(environ, start_response)
        endpoint = self.app.extensions.get("kg.sparql") or endpoint_for(self.app)
        method = environ["REQUEST_METHOD"]
        head = method == "HEAD"
        try:
            args = urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""),
                                          keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            return self._plain(start_response, 400, "the query string is not valid UTF-8")
        body = b""
        if method == "POST":
            length = environ.get("CONTENT_LENGTH")
            size = int(length) if length and length.isdigit() else self.max_body + 1
            if length and size > self.max_body:
                return self._plain(start_response, 413, "request body too large")
            body = environ["wsgi.input"].read(min(size, self.max_body + 1))
            if len(body) > self.max_body:
                return self._plain(start_response, 413, "request body too large")
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "localhost")
        req = ProtocolRequest(
            method="GET" if head else method, args=args,
            content_type=environ.get("CONTENT_TYPE"), body=body,
            accept=environ.get("HTTP_ACCEPT"), authorization=environ.get("HTTP_AUTHORIZATION"),
            base_url=f"{environ.get('wsgi.url_scheme', 'http')}://{host}"
                     f"{environ.get('SCRIPT_NAME', '')}/")
        answer = endpoint.handle(req)
        body = answer.body
        size = body.size if isinstance(body, Answer) else len(body)
        headers = secured([*answer.headers, ("Content-Length", str(size))])
        start_response(_REASONS.get(answer.status, str(answer.status)), headers)
        if not isinstance(body, Answer):
            return [] if head else [body]
        if head:
            body.close()
            return []
        return _Streamed(body)

    @staticmethod
    def _plain(start_response: Callable[..., Any], status: int, message: str
               ) -> Iterable[bytes]:
        body = (message + "\n").encode()
        start_response(_REASONS[status], secured([
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]))
        return [body]


class _Streamed:
    """A query's answer sent in chunks, its file released when the server is done with it
    (PEP 3333: the server calls close(), also when the client went away)."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer

    def __iter__(self) -> Iterator[bytes]:
        return self.answer.chunks()

    def close(self) -> None:
        self.answer.close()


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], provide_automatic_options=False)
def sparql() -> Response:
    """The same handler as a Flask view: reached only when SparqlFastPath is bypassed
    (e.g. a test calling the view), and it keeps `url_for("sparql.sparql")` working."""
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
    body = answer.body
    if isinstance(body, Answer):
        return Response(_Streamed(body), status=answer.status, headers=answer.headers,
                        direct_passthrough=True)
    return Response(body, status=answer.status, headers=answer.headers)
