"""The /sparql engine of a remote store: the server evaluates, kg applies the same caps.

Answers are asked for in the wire format the caps want; a server that writes that format as
the standard says (Oxigraph, Fuseki, GraphDB) has its bytes passed through, streamed and
cut at the caps' line and byte limits, with no re-serialisation. Otherwise (Virtuoso) the
answer comes as SPARQL JSON or N-Triples and is parsed as it streams in and re-written in
the wire format (pyoxigraph, Rust). Skolem IRIs become blank nodes again on the bytes.
An answer the server cut at its row cap or time limit is passed on as incomplete, so the
client sees `X-KG-Truncated`. The server enforces its own time limit; kg waits
`query_timeout` and then answers 503 (the server's work is not killed: capabilities say so).
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.formats import lookup
from kg.query.answer import Answer
from kg.query.caps import CappedSink, Enough, Fetched, Job, Outcome, cap, wire_format
from kg.query.child import QueryTimeout
from kg.query.inspection import inspect
from kg.store.remote_reads import SOLUTIONS, TRIPLES, Server, as_boolean
from kg.store.sparql_http import RemoteHttpError, RemoteTimeout

_CHUNK = 1 << 16


def _syntax_error(query: str) -> str | None:
    """pyoxigraph's parser message for `query`, if it is not valid SPARQL (evaluated on an
    empty store: nothing to read, so it costs only the parse)."""
    try:
        ox.Store().query(query)
    except SyntaxError as exc:
        return str(exc)
    except (ValueError, OSError, RuntimeError):
        return None
    return None


class RemoteEngine:
    """Public queries evaluated by the remote server, caps applied here."""

    def __init__(self, store: Server) -> None:
        self.store = store

    def run(self, job: Job, timeout: float) -> Outcome:
        def fetch(job: Job, wire: str, max_lines: int, max_bytes: int) -> Fetched:
            return self._fetch(job, wire, max_lines, max_bytes, timeout)

        try:
            return cap(fetch, job)
        except RemoteTimeout as exc:
            raise QueryTimeout(str(exc)) from None

    def close(self) -> None:
        pass

    def _fetch(self, job: Job, wire: str, max_lines: int, max_bytes: int,
               timeout: float) -> Fetched:
        store = self.store
        dialect = store.dialect
        through = wire in dialect.passthrough
        graph = wire == "nt"
        accept = (wire_format(wire).media_type if through else
                  TRIPLES if graph else SOLUTIONS)
        fields = [("default-graph-uri", g) for g in job.default_graphs or []]
        fields += [("named-graph-uri", g) for g in job.named_graphs or []]
        try:
            response = store.send_query(job.query, accept, fields, timeout)
        except RemoteHttpError as exc:
            if 400 <= exc.code < 500 or exc.code == 500:
                problem = _syntax_error(job.query)
                if problem:  # the same message and position as on the embedded store
                    return Fetched(400, Answer(), message=f"SPARQL syntax error: {problem}")
            status = exc.code if 400 <= exc.code < 500 else 502
            return Fetched(status, Answer(), message=f"the SPARQL server refused the query: "
                                                f"{exc.detail}")
        with response:
            complete = not self._cut_by_server(response.headers)
            if through:
                body, stopped = self._read(response, max_lines, max_bytes, wire)
            else:
                try:
                    body, stopped = self._convert(response, job, wire, graph, max_lines,
                                                  max_bytes)
                except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
                    return Fetched(502, Answer(), message=f"unreadable answer from the SPARQL "
                                                     f"server: {exc}")
        body = store.skolem.unskolemise(body, wire)
        return Fetched(200, Answer(body), complete and not stopped)

    def _cut_by_server(self, headers) -> bool:
        dialect = self.store.dialect
        if dialect.cap_header and headers.get(dialect.cap_header):
            return True
        partial = dialect.partial_header
        return bool(partial and (headers.get(partial[0]) or "").startswith(partial[1]))

    @staticmethod
    def _read(response, max_lines: int, max_bytes: int, wire: str) -> tuple[bytes, bool]:
        """The body as the server wrote it, up to the limits (whole lines when cut)."""
        parts, size, lines = [], 0, 0
        while chunk := response.read(_CHUNK):
            parts.append(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
            if size > max_bytes or (max_lines and lines >= max_lines):
                return b"".join(parts), True
        return b"".join(parts), False

    def _convert(self, response, job: Job, wire: str, graph: bool, max_lines: int,
                 max_bytes: int) -> tuple[bytes, bool]:
        """Parse the server's answer as it streams and write it in the wire format."""
        sink = CappedSink(max_lines, max_bytes)
        target = wire_format(wire).ox
        try:
            if graph:
                triples = (q.triple for q in ox.parse(response, ox.RdfFormat.N_TRIPLES))
                ox.serialize(triples, sink, target)
            else:
                results = ox.parse_query_results(response, ox.QueryResultsFormat.JSON)
                if isinstance(results, ox.QuerySolutions) and \
                        (job.form or inspect(job.query).form) == "ASK":
                    boolean = as_boolean(results, self.store.dialect.ask_variable)
                    if boolean is not None:  # (a false QueryBoolean is falsy)
                        results = boolean
                if isinstance(results, ox.QueryBoolean):
                    sink.write(results.serialize(format=lookup(wire, "results").ox))
                else:
                    results.serialize(sink, target)
        except (Enough, OSError, ValueError, RuntimeError):  # pyoxigraph wraps writer errors
            if not sink.stopped:
                raise
        return sink.data.bytes(), sink.stopped
