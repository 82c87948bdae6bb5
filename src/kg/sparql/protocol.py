"""The SPARQL 1.1 Protocol for /sparql: requests, content negotiation, errors, service description.

Implements https://www.w3.org/TR/sparql11-protocol/ :
- 2.1 query operation: GET (2.1.1), POST form (2.1.2), POST direct (2.1.3); 2.1.4 RDF dataset
  (`default-graph-uri`, `named-graph-uri`: graph names of the local store, never fetched);
- 2.2 update operation (POST form 2.2.1, POST direct 2.2.2): refused unless the server runs
  with `write_enabled` and a `write_token` presented as `Authorization: Bearer`;
- 2.1.5 / 2.2.3 responses: 400 for malformed requests and queries (with the parser's message
  and position), 406 when no result format fits the Accept header, 5xx for server failures;
- SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/ 2):
  a GET without a query answers the description (Turtle), browsers go to the query page.
Framework-free: `handle(ProtocolRequest) -> ProtocolResponse`, wrapped by kg.web.sparql.
"""

from __future__ import annotations

import hmac
import logging
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg import formats
from kg.errors import KgError
from kg.guard import InputRefused, Limits, check_sparql
from kg.query.answer import Answer
from kg.query.caps import Job
from kg.query.child import QueryServerError, QueryTimeout
from kg.query.engines import Engine
from kg.query.inspection import Inspection, QueryRefused, inspect
from kg.sparql.description import service_description
from kg.store import Store

log = logging.getLogger(__name__)


# --- requests and responses ----------------------------------------------------------------

@dataclass
class ProtocolRequest:
    """What the protocol needs of an HTTP request, independent of the web framework."""

    method: str
    args: list[tuple[str, str]]
    content_type: str | None = None
    body: bytes = b""
    accept: str | None = None
    authorization: str | None = None
    base_url: str = "http://127.0.0.1/"


@dataclass
class ProtocolResponse:
    """Status, headers and the body: bytes, or a query's Answer (streamed to the client,
    then closed)."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes | Answer = b""


CORS_HEADERS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers",
     "X-KG-Truncated, X-KG-Rows, X-KG-Max-Rows, Content-Type, Link"),
]


def error(status: int, message: str, extra: Iterable[tuple[str, str]] = ()) -> ProtocolResponse:
    """A plain-text error naming the problem and, where there is one, the fix."""
    headers = [("Content-Type", "text/plain; charset=utf-8"), *CORS_HEADERS, *extra]
    return ProtocolResponse(status, headers, (message.rstrip() + "\n").encode("utf-8"))


class ProtocolError(Exception):
    """A request the protocol refuses: becomes `error(status, message)`."""

    def __init__(self, status: int, message: str,
                 headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.headers = list(headers)


# --- the protocol --------------------------------------------------------------------------

@dataclass
class Settings:
    """The settings the endpoint reads on every request, copied once (no per-request lookups)."""

    query_timeout: float
    max_rows: int
    max_bytes: int
    write_enabled: bool
    write_token: str | None
    void_path: str = "/.well-known/void"
    query_page: str = "/query"
    #: What a request may cost before it is parsed (kg.guard); default: the settings'.
    limits: Limits = field(default_factory=Limits.current)


@dataclass
class _Parsed:
    query: str | None
    update: str | None
    default_graphs: list[str] | None
    named_graphs: list[str] | None
    fmt: str | None


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise ProtocolError(400, f"the '{name}' parameter was given {len(values)} times; "
                                 "send exactly one")
    return values[0]


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the {what} is not valid UTF-8 (byte {exc.start}); "
                                 "SPARQL requests must be UTF-8") from None


def _params(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return params


def parse_request(req: ProtocolRequest) -> _Parsed:
    """Sections 2.1.1-2.1.3 and 2.2.1-2.2.2: where the query or update and its dataset are."""
    params = _params(req.args)
    ctype = (req.content_type or "").split(";")[0].strip().lower()
    query = update = None
    if req.method == "POST":
        if ctype == "application/x-www-form-urlencoded":
            text = _decode(req.body, "form body")
            try:
                form = urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")
            except (UnicodeDecodeError, ValueError) as exc:
                raise ProtocolError(400, f"the form body cannot be decoded: {exc}") from None
            for key, value in form:
                params.setdefault(key, []).append(value)
            if "query" in params and "update" in params:
                raise ProtocolError(400, "send either 'query' or 'update', not both")
            query = _single(params, "query")
            update = _single(params, "update")
            if query is None and update is None:
                raise ProtocolError(400, "the form has no 'query' or 'update' field")
        elif ctype == "application/sparql-query":
            if "query" in params:
                raise ProtocolError(400, "a direct POST carries the query in its body; "
                                         "do not also send a 'query' parameter")
            query = _decode(req.body, "query body")
        elif ctype == "application/sparql-update":
            update = _decode(req.body, "update body")
        elif not ctype:
            raise ProtocolError(415, "POST needs a Content-Type: application/sparql-query, "
                                     "application/sparql-update or "
                                     "application/x-www-form-urlencoded")
        else:
            raise ProtocolError(415, f"unsupported Content-Type {ctype!r} for POST; use "
                                     "application/sparql-query, application/sparql-update "
                                     "or application/x-www-form-urlencoded")
    else:
        if "update" in params:
            raise ProtocolError(400, "SPARQL Update must be sent with POST (Protocol 2.2)")
        query = _single(params, "query")
    default_graphs = params.get("default-graph-uri")
    named_graphs = params.get("named-graph-uri")
    if update is not None and (default_graphs or named_graphs):
        raise ProtocolError(400, "default-graph-uri/named-graph-uri apply to queries; for "
                                 "updates use using-graph-uri (not supported here) or USING")
    for graph in (default_graphs or []) + (named_graphs or []):
        _check_iri(graph)
    # `format`/`output` are conventions, not Protocol: SPARQLWrapper sends both, sometimes twice.
    fmt = next(iter(params.get("format") or params.get("output") or []), None)
    return _Parsed(query, update, default_graphs, named_graphs, fmt)


def _check_iri(iri: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise ProtocolError(400, f"invalid graph IRI {iri!r}: {exc}") from None


def choose_format(form: str, accept: str | None, fmt: str | None) -> str:
    """The result format: the `format` parameter if given (a name, an alias or a media
    type), else the Accept header."""
    kind: formats.Kind = "rdf" if form in ("CONSTRUCT", "DESCRIBE") else "results"
    offered = formats.offers(kind)
    if fmt:
        key = fmt.strip().lower()
        if "/" in key:
            name = formats.negotiate(key, offered)
            if name is None:
                raise ProtocolError(406, f"format {fmt!r} does not fit a {form} query; use "
                                         f"one of: {', '.join(formats.names(kind))}")
            return name
        try:
            return formats.lookup(key, kind).name
        except formats.FormatError:
            other = "results" if kind == "rdf" else "rdf"
            try:
                formats.lookup(key, other)
            except formats.FormatError:
                pass  # not a format name at all: fall back on the Accept header
            else:
                raise ProtocolError(406, f"format {fmt!r} does not fit a {form} query; use "
                                         f"one of: {', '.join(formats.names(kind))}") from None
    name = formats.negotiate(accept, offered)
    if name is None:
        kinds = ", ".join(f.bare_media_type for f in formats.formats(kind))
        raise ProtocolError(406, f"no acceptable format for a {form} query in Accept: "
                                 f"{accept!r}; this endpoint can send: {kinds}")
    return name


class SparqlEndpoint:
    """The /sparql resource: one per app, holding the engine and settings read once."""

    def __init__(self, store: Store, engine: Engine, settings: Settings) -> None:
        self.store = store
        self.engine = engine
        self.settings = settings

    def handle(self, req: ProtocolRequest) -> ProtocolResponse:
        """Answer one protocol request; every failure is a 4xx/5xx with a readable message."""
        try:
            if req.method == "OPTIONS":
                return self.preflight()
            if req.method not in ("GET", "POST"):
                raise ProtocolError(405, f"method {req.method} is not allowed; use GET or POST",
                                    [("Allow", "GET, POST, OPTIONS")])
            parsed = parse_request(req)
            if parsed.update is not None:
                return self.update(parsed.update, req)
            if parsed.query is None:
                return self.description(req)
            return self.query(parsed, req)
        except ProtocolError as exc:
            return error(exc.status, str(exc), exc.headers)

    def preflight(self) -> ProtocolResponse:
        return ProtocolResponse(204, [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
            ("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization"),
            ("Access-Control-Max-Age", "86400"),
            ("Allow", "GET, POST, OPTIONS")])

    def query(self, parsed: _Parsed, req: ProtocolRequest) -> ProtocolResponse:
        text = parsed.query or ""
        if not text.strip():
            raise ProtocolError(400, "the query is empty")
        try:
            seen: Inspection = inspect(text)
        except QueryRefused as exc:
            raise ProtocolError(400, str(exc)) from None
        self._check(text, "the query")
        if seen.is_update:
            raise ProtocolError(400, f"{seen.form} is SPARQL Update: send it as 'update' "
                                     "with POST (and note that updates are disabled on a "
                                     "read-only server)")
        form = seen.form if seen.form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else "SELECT"
        fmt = choose_format(form, req.accept, parsed.fmt)
        s = self.settings
        job = Job(text, fmt, s.max_rows, s.max_bytes, parsed.default_graphs,
                  parsed.named_graphs, seen.has_dataset, form)
        try:
            outcome = self.engine.run(job, s.query_timeout)
        except QueryTimeout:
            return error(503, f"the query ran longer than the {s.query_timeout:g} s limit and "
                              "was stopped; add LIMIT, narrow the patterns, or download a "
                              "dump (see /.well-known/void) to run it locally",
                         [("Retry-After", "1")])
        except QueryServerError as exc:
            log.error("query evaluation failed: %s", exc)
            return error(500, f"query evaluation failed: {exc}")
        except KgError as exc:  # e.g. the store is not built yet, or a remote is unreachable
            log.error("query evaluation failed: %s", exc)
            return error(503, str(exc), [("Retry-After", "5")])
        if outcome.status != 200:
            if outcome.status >= 500:
                log.error("query failed (%s): %s", outcome.status, outcome.message)
            return error(outcome.status, outcome.message)
        kind: formats.Kind = "rdf" if outcome.kind == "triples" else "results"
        headers = [("Content-Type", formats.lookup(fmt, kind).media_type), ("Vary", "Accept"),
                   *CORS_HEADERS,
                   ("X-KG-Max-Rows", str(s.max_rows))]
        if outcome.rows is not None:
            headers.append(("X-KG-Rows", str(outcome.rows)))
        if outcome.truncated:
            headers.append(("X-KG-Truncated", ", ".join(outcome.truncated)))
        return ProtocolResponse(200, headers, outcome.data)

    def update(self, text: str, req: ProtocolRequest) -> ProtocolResponse:
        """Section 2.2: only with write_enabled, a write_token, and that token as Bearer."""
        s = self.settings
        if not (s.write_enabled and s.write_token):
            raise ProtocolError(403, "SPARQL Update is disabled: this endpoint is read-only. "
                                     "Run `kg serve --write-enabled --write-token TOKEN` to "
                                     "accept updates, or change the data files and rebuild.")
        given = (req.authorization or "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(),
                                                                 s.write_token.encode()):
            raise ProtocolError(401, "SPARQL Update needs 'Authorization: Bearer <write token>'",
                                [("WWW-Authenticate", 'Bearer realm="kg"')])
        try:
            seen = inspect(text)
        except QueryRefused as exc:
            raise ProtocolError(400, str(exc)) from None
        if not seen.is_update:
            raise ProtocolError(400, "the update request holds no SPARQL Update operation")
        self._check(text, "the update")
        try:
            self.store.update(text)
        except KgError as exc:
            raise ProtocolError(400, str(exc)) from None
        return ProtocolResponse(204, list(CORS_HEADERS))

    def _check(self, text: str, what: str) -> None:
        """Nesting that would crash a SPARQL parser (here for updates, in the Oxigraph child
        for queries) is refused before any parser sees it."""
        try:
            check_sparql(text, self.settings.limits, what)
        except InputRefused as exc:
            raise ProtocolError(400, str(exc)) from None

    def description(self, req: ProtocolRequest) -> ProtocolResponse:
        """Service Description 2 (Turtle for clients); browsers are sent to the query page."""
        rdf = formats.offers("rdf", only=("ttl", "nt", "rdfxml", "jsonld"))
        name = formats.negotiate(req.accept, (rdf[0], ("text/html", "html"), *rdf[1:]))
        if name == "html":
            return ProtocolResponse(303, [("Location", self.settings.query_page),
                                          ("Vary", "Accept"), *CORS_HEADERS])
        if name is None:
            name = "ttl"
        s = self.settings
        body = service_description(req.base_url, query_timeout=s.query_timeout,
                                   max_rows=s.max_rows, max_bytes=s.max_bytes,
                                   void_path=s.void_path, fmt=name)
        return ProtocolResponse(200, [("Content-Type", formats.rdf(name).media_type),
                                      ("Vary", "Accept"),
                                      *CORS_HEADERS], body)
