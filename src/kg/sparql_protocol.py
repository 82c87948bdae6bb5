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
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from kg.query_runner import (
    Inspection,
    Job,
    Outcome,
    QueryRefused,
    evaluate,
    inspect,
    shape,
)
from kg.query_server import QueryServer, QueryServerError, QueryTimeout
from kg.store import Store, StoreError

log = logging.getLogger(__name__)

# --- media types ---------------------------------------------------------------------------

#: SELECT/ASK result formats: short name -> media type sent back (first = default).
RESULT_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
#: CONSTRUCT/DESCRIBE formats (first = default); trig/nq put the triples in the default graph.
GRAPH_TYPES: dict[str, str] = {
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "trig": "application/trig",
    "nq": "application/n-quads",
}
#: Media ranges clients send, and the format each selects, in server preference order.
RESULT_OFFERS: tuple[tuple[str, str], ...] = (
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("application/json", "json"),
    ("application/xml", "xml"), ("text/xml", "xml"),
)
GRAPH_OFFERS: tuple[tuple[str, str], ...] = (
    ("text/turtle", "ttl"), ("application/n-triples", "nt"), ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"), ("application/trig", "trig"),
    ("application/n-quads", "nq"), ("application/x-turtle", "ttl"), ("text/plain", "nt"),
    ("application/json", "jsonld"), ("application/xml", "rdfxml"), ("text/xml", "rdfxml"),
)
#: Names and media types accepted in the `format` parameter.
_FORMAT_ALIASES = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    "ttl": "ttl", "turtle": "ttl", "n3": "ttl", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "jsonld": "jsonld", "json-ld": "jsonld", "rdfxml": "rdfxml", "rdf": "rdfxml",
    "rdf/xml": "rdfxml", "trig": "trig", "nq": "nq", "nquads": "nq", "n-quads": "nq",
}
_GRAPH_FOR_RESULT = {"json": "jsonld", "xml": "rdfxml"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values (RFC 9110 12.5.1); an absent header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = part.strip().split(";")
        media = pieces[0].strip().lower()
        if not media:
            continue
        if media == "*":
            media = "*/*"
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: Sequence[tuple[str, float]]) -> float:
    """q of the most specific range matching `media` (exact > type/* > */*)."""
    best, best_rank = 0.0, -1
    kind = media.split("/")[0]
    for pattern, q in ranges:
        if pattern == media:
            rank = 2
        elif pattern == f"{kind}/*":
            rank = 1
        elif pattern == "*/*":
            rank = 0
        else:
            continue
        if rank > best_rank:
            best, best_rank = q, rank
    return best


def negotiate(accept: str | None, offers: Sequence[tuple[str, str]]) -> str | None:
    """The offer with the highest q (ties: server order), or None when nothing fits (406)."""
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for media, name in offers:
        q = _quality(media, ranges)
        if q > best_q:
            best, best_q = name, q
    return best


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
    """Status, headers and the whole body (answers are cut to the caps, so they fit)."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""


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


# --- engines -------------------------------------------------------------------------------

class Engine(Protocol):
    """Evaluates a job within a time budget: an Oxigraph child process, or in process."""

    def run(self, job: Job, timeout: float) -> Outcome: ...

    def close(self) -> None: ...


class ChildEngine:
    """DiskStore: an `oxigraph serve-read-only` child on the current public partition,
    killed when a query passes its deadline (kg.query_server)."""

    def __init__(self, public_path: Callable[[], Path]) -> None:
        self._public_path = public_path
        self.server = QueryServer(self.path)

    def path(self) -> str:
        """The public partition's directory, read from the store pointer on every query
        (a stat), so a query sent after `kg load` returned sees its data."""
        return str(self._public_path())

    def run(self, job: Job, timeout: float) -> Outcome:
        deadline = time.monotonic() + timeout

        def fetch(job: Job, wire: str, max_lines: int, max_bytes: int):
            return self.server.fetch(job, wire, max_lines, max_bytes, deadline)

        return shape(fetch, job)

    def close(self) -> None:
        self.server.close()


class InProcessEngine:
    """MemoryStore and RemoteStore: no child process, so no hard timeout in-process.

    An in-memory store serves tests and small demos; a remote server enforces its own
    timeout (RemoteStore passes `query_timeout` + 5 s to its HTTP client).
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def run(self, job: Job, timeout: float) -> Outcome:
        ox_store = _public_ox_store(self.store)
        if ox_store is not None:
            return evaluate(ox_store.query, job)
        if job.default_graphs is not None or job.named_graphs is not None:
            return Outcome(501, b"", message="default-graph-uri/named-graph-uri are not "
                           "supported with a remote store; use FROM / FROM NAMED")
        return evaluate(lambda q, **_: self.store.query(q), job)

    def close(self) -> None:
        pass


def _public_ox_store(store: Store) -> ox.Store | None:
    """The pyoxigraph store behind a MemoryStore's public view (None for other backends)."""
    parts = getattr(store, "_parts", None)
    return getattr(parts, "public", None) if parts is not None and not callable(parts) else None


class CachingEngine:
    """Answers repeated queries from memory: the data only changes with the store version,
    which is part of the key, so a cached answer is exactly what the engine would say."""

    def __init__(self, inner: Engine, version: Callable[[], str], budget: int,
                 entry_limit: int = 1 << 20) -> None:
        self.inner = inner
        self._version = version
        self.budget = budget
        self.entry_limit = min(entry_limit, budget)
        self._entries: OrderedDict[tuple, Outcome] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def run(self, job: Job, timeout: float) -> Outcome:
        key = (self._version(), job.query, job.fmt, job.max_rows, job.max_bytes,
               tuple(job.default_graphs) if job.default_graphs is not None else None,
               tuple(job.named_graphs) if job.named_graphs is not None else None)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit
        outcome = self.inner.run(job, timeout)
        if outcome.status != 200 or len(outcome.body) > self.entry_limit:
            return outcome
        with self._lock:
            if key not in self._entries:
                self._entries[key] = outcome
                self._size += len(outcome.body)
                while self._size > self.budget and self._entries:
                    _, old = self._entries.popitem(last=False)
                    self._size -= len(old.body)
        return outcome

    def close(self) -> None:
        self.inner.close()


def make_engine(store: Store, cache_bytes: int = 0) -> Engine:
    """An Oxigraph child process for an on-disk store, in-process evaluation otherwise;
    optionally behind a result cache of `cache_bytes`."""
    engine: Engine
    if hasattr(store, "public_path") and store.exists():
        engine = ChildEngine(store.public_path)
        version = engine.path
    else:
        engine = InProcessEngine(store)
        version = lambda: store.version  # noqa: E731
    if cache_bytes > 0:
        return CachingEngine(engine, version, cache_bytes)
    return engine


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
    """The result format: the `format` parameter if given, else the Accept header."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    table = GRAPH_TYPES if graph else RESULT_TYPES
    if fmt:
        key = fmt.strip().lower()
        name = _FORMAT_ALIASES.get(key)
        if name is None and "/" in key:
            name = negotiate(key, GRAPH_OFFERS if graph else RESULT_OFFERS) or "unknown"
        elif graph and name in _GRAPH_FOR_RESULT:
            name = _GRAPH_FOR_RESULT[name]
        if name is not None:
            if name not in table:
                raise ProtocolError(406, f"format {fmt!r} does not fit a {form} query; use "
                                         f"one of: {', '.join(table)}")
            return name
    name = negotiate(accept, GRAPH_OFFERS if graph else RESULT_OFFERS)
    if name is None:
        kinds = ", ".join(v.split(";")[0] for v in table.values())
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
        if outcome.status != 200:
            if outcome.status >= 500:
                log.error("query failed (%s): %s", outcome.status, outcome.message)
            return error(outcome.status, outcome.message)
        table = GRAPH_TYPES if outcome.kind == "triples" else RESULT_TYPES
        headers = [("Content-Type", table[fmt]), ("Vary", "Accept"), *CORS_HEADERS,
                   ("X-KG-Max-Rows", str(s.max_rows))]
        if outcome.rows is not None:
            headers.append(("X-KG-Rows", str(outcome.rows)))
        if outcome.truncated:
            headers.append(("X-KG-Truncated", ", ".join(outcome.truncated)))
        return ProtocolResponse(200, headers, outcome.body)

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
        try:
            self.store.update(text)
        except StoreError as exc:
            raise ProtocolError(400, str(exc)) from None
        return ProtocolResponse(204, list(CORS_HEADERS))

    def description(self, req: ProtocolRequest) -> ProtocolResponse:
        """Service Description 2 (Turtle for clients); browsers are sent to the query page."""
        offers = (("text/turtle", "ttl"), ("text/html", "html"), ("application/n-triples", "nt"),
                  ("application/rdf+xml", "rdfxml"), ("application/ld+json", "jsonld"))
        name = negotiate(req.accept, offers)
        if name == "html":
            return ProtocolResponse(303, [("Location", self.settings.query_page),
                                          ("Vary", "Accept"), *CORS_HEADERS])
        if name is None:
            name = "ttl"
        body = service_description(req.base_url, self.settings, name)
        return ProtocolResponse(200, [("Content-Type", GRAPH_TYPES[name]), ("Vary", "Accept"),
                                      *CORS_HEADERS], body)


def service_description(base_url: str, settings: Settings, fmt: str = "ttl") -> bytes:
    """The SPARQL 1.1 Service Description of this endpoint, linking the VoID description."""
    root = base_url.rstrip("/")
    results = "\n".join(
        f"    sd:resultFormat <http://www.w3.org/ns/formats/{name}> ;" for name in
        ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
         "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG", "N-Quads"))
    comment = (
        "Public, read-only view: the default graph is the union of the public named graphs. "
        "SERVICE is refused; FROM and default-graph-uri name local graphs only (never "
        f"fetched). Limits: {settings.query_timeout:g} s per query (then 503), "
        f"{settings.max_rows} rows, {settings.max_bytes} bytes (cuts are announced in the "
        "X-KG-Truncated header).")
    ttl = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{root}/sparql#service> a sd:Service ;
    sd:endpoint <{root}/sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
{results}
    rdfs:comment "{comment}"@en ;
    sd:defaultDataset <{root}{settings.void_path}#dataset> .

<{root}{settings.void_path}#dataset> a sd:Dataset , void:Dataset ;
    rdfs:seeAlso <{root}{settings.void_path}> ;
    sd:defaultGraph [ a sd:Graph ] .
"""
    if fmt == "ttl":
        return ttl.encode("utf-8")
    from kg.query_runner import GRAPH_FORMATS

    triples = [q.triple for q in ox.parse(ttl.encode(), ox.RdfFormat.TURTLE)]
    return ox.serialize(triples, format=GRAPH_FORMATS[fmt])
