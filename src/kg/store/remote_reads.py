"""Reading answers from a remote server so that a row cap never cuts them silently.

SELECT answers come as SPARQL JSON, graph answers as N-Triples, both parsed by pyoxigraph
(in Rust) after skolem IRIs are turned back into blank nodes on the bytes. When the server
says it cut a SELECT at its row cap (Virtuoso's `X-SPARQL-MaxRows`), the query is asked
again in pages of that size, wrapped in a subquery ordered by every variable so the pages
are stable (Virtuoso's documented way past `ResultSetMaxRows`). A graph answer cut at the
cap (Virtuoso sends one row more and no signal) cannot be paged that way: it is refused
with the setting to raise. An answer that stopped at the server's time limit with part of
its rows (Virtuoso's "anytime" answers) is refused too.
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator, Sequence
from typing import Protocol

import pyoxigraph as ox

from kg import formats
from kg.store.base import QueryResult, StoreError
from kg.store.dialects import Dialect
from kg.store.skolem import Skolem
from kg.store.sparql_http import SparqlHttp, read_all


class Server(Protocol):
    """What readers of a remote store use of it (kg.store.remote.RemoteStore)."""

    http: SparqlHttp
    skolem: Skolem

    @property
    def dialect(self) -> Dialect: ...

    @property
    def query_url(self) -> str: ...

    def prepare(self, sparql: str) -> str: ...

    def send_query(self, text: str, accept: str, fields: Sequence[tuple[str, str]] = (),
                   timeout: float | None = None, hide: bool = True
                   ) -> http.client.HTTPResponse: ...

SOLUTIONS = formats.lookup("json", "results").bare_media_type
TRIPLES = formats.rdf("nt").bare_media_type
_PROLOGUE = re.compile(r"""\A(?:\s+|\#[^\n]*\n|(?:PREFIX|prefix|Prefix)\s+[\w.\-]*:\s*<[^>]*>
                         |(?:BASE|base|Base)\s*<[^>]*>)*""", re.VERBOSE)
_TRUE = b'{"head":{},"boolean":true}'
_FALSE = b'{"head":{},"boolean":false}'


class Triples:
    """Graph results parsed from a remote server, iterable like pyoxigraph's QueryTriples."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def serialize(self, output=None, format=ox.RdfFormat.N_TRIPLES):  # noqa: A002
        return ox.serialize(self._triples, output, format)


_WHERE_SCAN = re.compile(r"""\#[^\n]*|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|<[^<>"{}|^`\\\s]*>
                            |(?P<where>\bWHERE\b)|(?P<brace>\{)""", re.VERBOSE | re.I)


def inline_values(sparql: str, substitutions: dict) -> str:
    """Bind variables with a VALUES block at the start of the WHERE group.

    The same join as a trailing VALUES clause (SPARQL 1.1 18.2.4.3), which Virtuoso 7
    refuses for variables the query does not project ("No column"). Terms are written by
    pyoxigraph, so a value cannot break out of its literal.
    """
    names = " ".join(f"?{v.value}" for v in substitutions)
    values = " ".join(str(t) for t in substitutions.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    first_brace = None
    after_where = False
    for m in _WHERE_SCAN.finditer(sparql):
        if m.group("where"):
            after_where = True
        elif m.group("brace"):
            if after_where:
                return sparql[:m.end()] + block + sparql[m.end():]
            if first_brace is None:
                first_brace = m.end()
    if first_brace is None:
        raise StoreError("cannot bind values: the query has no WHERE group")
    return sparql[:first_brace] + block + sparql[first_brace:]


def as_boolean(results: ox.QuerySolutions, ask_variable: str | None) -> ox.QueryBoolean | None:
    """An ASK answered as a one-row SELECT of `ask_variable` (Virtuoso), as a boolean."""
    if not ask_variable or [v.value for v in results.variables] != [ask_variable]:
        return None
    rows = list(results)
    value = bool(rows) and rows[0][ask_variable].value not in ("0", "false")
    return ox.parse_query_results(_TRUE if value else _FALSE, ox.QueryResultsFormat.JSON)


def split_prologue(text: str) -> tuple[str, str]:
    """(PREFIX/BASE declarations, the rest of the query)."""
    end = _PROLOGUE.match(text).end()  # type: ignore[union-attr]
    return text[:end], text[end:]


class Reader:
    """Queries of one remote store, with its caps and quirks handled."""

    def __init__(self, store: Server) -> None:
        self.store = store
        self.cap: int | None = None  # learnt from the server's cap header
        self._verified = 0  # answers up to this many rows are known to be under the cap

    def _fetch(self, text: str, accept: str, hide: bool = True) -> tuple[bytes, dict]:
        store = self.store
        with store.send_query(text, accept, hide=hide) as response:
            body = read_all(response)
            headers = {k.lower(): v for k, v in response.headers.items()}
        partial = store.dialect.partial_header
        if partial and headers.get(partial[0].lower(), "").startswith(partial[1]):
            raise StoreError(f"{store.query_url}: the server stopped this query at its time "
                             "limit with part of its answer; raise its limit "
                             "(Virtuoso: MaxQueryExecutionTime) or narrow the query")
        return body, headers

    def _capped(self, headers: dict) -> int | None:
        name = self.store.dialect.cap_header
        value = headers.get(name.lower()) if name else None
        if value is None:
            return None
        self.cap = int(value)
        return self.cap

    def query(self, text: str, form: str) -> QueryResult:
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self._graph(text)
        body, headers = self._fetch(text, SOLUTIONS)
        solutions = ox.parse_query_results(self.store.skolem.unskolemise(body, "json"),
                                           ox.QueryResultsFormat.JSON)
        if isinstance(solutions, ox.QueryBoolean):
            return solutions
        boolean = as_boolean(solutions, self.store.dialect.ask_variable) if form == "ASK" \
            else None
        if boolean is not None:
            return boolean
        cap = self._capped(headers)
        if cap is None:
            return solutions
        names = [v.value for v in solutions.variables]
        parts = []
        for page in self._pages(text, names, cap):
            tsv = ox.parse_query_results(page, ox.QueryResultsFormat.JSON).serialize(
                format=ox.QueryResultsFormat.TSV)
            parts.append(tsv if not parts else tsv[tsv.index(b"\n") + 1:])
        return ox.parse_query_results(b"".join(parts), ox.QueryResultsFormat.TSV)

    def rows(self, text: str, *, hide: bool = True, raw: bool = False
             ) -> Iterator[tuple]:
        """The rows of a SELECT as tuples of terms (in the projected order), paged past the
        row cap; `raw` keeps skolem IRIs (for comparing with what is about to be written)."""
        body, headers = self._fetch(text, SOLUTIONS, hide)
        if not raw:
            body = self.store.skolem.unskolemise(body, "json")
        solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        names = [v.value for v in solutions.variables]
        cap = self._capped(headers)
        if cap is None:
            for row in solutions:
                yield tuple(row[n] for n in names)
            return
        for page in self._pages(text, names, cap, hide, raw):
            for row in ox.parse_query_results(page, ox.QueryResultsFormat.JSON):
                yield tuple(row[n] for n in names)

    def _pages(self, text: str, names: list[str], cap: int, hide: bool = True,
               raw: bool = False) -> Iterator[bytes]:
        """The whole answer as SPARQL JSON pages of `cap` rows, ordered by every variable so
        that pages neither overlap nor skip. The order is inside the subquery and the slice
        outside it: an ORDER BY beside LIMIT/OFFSET is a "sorted TOP" that Virtuoso refuses
        past MaxSortedTopRows (10,000 by default) rows of offset and limit together."""
        prologue, rest = split_prologue(text)
        order = " ".join(f"?{n}" for n in names)
        offset = 0
        while True:
            page = (f"{prologue}SELECT * WHERE {{ {{ SELECT * WHERE {{\n{rest}\n}} "
                    f"ORDER BY {order} }} }} LIMIT {cap} OFFSET {offset}")
            body, _ = self._fetch(page, SOLUTIONS, hide)
            if not raw:
                body = self.store.skolem.unskolemise(body, "json")
            yield body
            if sum(1 for _ in ox.parse_query_results(body, ox.QueryResultsFormat.JSON)) < cap:
                return
            offset += cap

    def cut_at_cap(self, rows: int) -> int | None:
        """The server's row cap if an answer of `rows` rows may have been cut at it. Learnt
        from the server's header on a probe no larger than the answer: a SELECT of `rows`
        quads, which the server cuts (and says so) only if its cap is below that."""
        if self.cap is None and rows > self._verified:
            probe = f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {rows}"
            _, headers = self._fetch(probe, SOLUTIONS, hide=False)
            if self._capped(headers) is None:
                self._verified = rows  # the cap (if any) is above this many rows
        if self.cap is not None and rows in (self.cap, self.cap + 1):
            return self.cap
        return None

    def _graph(self, text: str) -> Triples:
        body, headers = self._fetch(text, TRIPLES)
        triples = [q.triple for q in ox.parse(self.store.skolem.unskolemise(body, "nt"),
                                              ox.RdfFormat.N_TRIPLES)]
        if self.store.dialect.cap_header and len(triples) >= 100:
            cap = self.cut_at_cap(len(triples))
            if cap is not None:
                raise StoreError(
                    f"{self.store.query_url}: the server cut this answer at its row cap "
                    f"({cap} rows): raise it (Virtuoso: ResultSetMaxRows in the [SPARQL] "
                    "section of virtuoso.ini) or add LIMIT to the query")
        return Triples(triples)
