"""Caps on public SPARQL answers, the same for every engine: rows and bytes, documents kept valid.

Engines hand back *bytes* in a wire format (`Fetch`), written into an Answer
(kg.query.answer: in memory while small, else in a temporary file, never whole in memory),
so the caps below work the same on every engine and cut and convert answers as streams.
JSON and XML results are taken as the engine wrote them and their solutions counted (in the
bytes, or by a streaming parse when large). Past `max_rows` (or `max_response_bytes`), and
for CSV/TSV, the query takes the TSV route: the engine writes TSV, which is cut after
`max_rows` rows by counting newlines (TSV escapes newlines in terms; the engine stops there),
then converted to the requested format (Rust). CONSTRUCT and DESCRIBE come as N-Triples (one
triple per line), cut the same way, then serialised in the requested format. If the output
is still larger than `max_response_bytes`, fewer rows are serialised so the document stays
valid. A cut is announced in `X-KG-Truncated`.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyoxigraph as ox

from kg.formats import Format, lookup
from kg.query.answer import Answer
from kg.query.inspection import inspect

# --- formats --------------------------------------------------------------------------------

#: Wire formats an engine is asked for: the four result formats, and N-Triples for graphs.
WIRE_FORMATS = ("json", "xml", "csv", "tsv", "nt")


def wire_format(name: str) -> Format:
    return lookup(name, "rdf" if name == "nt" else "results")


@dataclass
class Job:
    """One query to evaluate, with the dataset the protocol asked for and the caps."""

    query: str
    fmt: str
    max_rows: int
    max_bytes: int
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    has_dataset: bool = False
    form: str = ""  # SELECT/ASK/CONSTRUCT/DESCRIBE, as inspect() saw it ("" = look now)


@dataclass
class Outcome:
    """What a job produced: an HTTP status, the answer, and how it was cut (if it was)."""

    status: int
    data: Answer = field(default_factory=Answer)
    kind: str = ""
    rows: int | None = None
    truncated: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def body(self) -> bytes:
        """The whole answer in memory (small answers, tests)."""
        return self.data.bytes()


class Fetched(NamedTuple):
    """An engine's answer in a wire format; `complete` is False when a limit stopped it."""

    status: int
    data: Answer
    complete: bool = True
    message: str = ""


#: (job, wire format, stop after this many lines (0: no limit), stop past this many bytes)
Fetch = Callable[[Job, str, int, int], Fetched]


# --- caps, the same for every engine --------------------------------------------------------

def cap(fetch: Fetch, job: Job) -> Outcome:
    """Run `job` through `fetch` and cut the answer to the caps, keeping documents valid."""
    form = job.form or inspect(job.query).form
    if form in ("CONSTRUCT", "DESCRIBE"):
        return _triples(fetch, job)
    if form == "ASK":
        got = fetch(job, job.fmt, 0, job.max_bytes)
        return _failed(got) or Outcome(200, got.data, "boolean")
    if job.fmt in _COUNTABLE:
        got = fetch(job, job.fmt, 0, job.max_bytes)
        if got.status != 200:
            return _failed(got)  # type: ignore[return-value]
        if got.complete:
            rows = _count_rows(got.data, job.fmt)
            if rows <= job.max_rows:
                return Outcome(200, got.data, "solutions", rows)
        got.data.close()
    return _solutions(fetch, job)  # a cap was passed, or CSV/TSV: the TSV route


def _failed(got: Fetched) -> Outcome | None:
    if got.status == 200:
        return None
    got.data.close()
    return Outcome(got.status, message=got.message)


def _count_rows(data: Answer, fmt: str) -> int:
    """Solutions in a JSON or XML answer: counted in the bytes when it is in memory, else by
    pyoxigraph's streaming parser."""
    if not data.spilled:
        return _COUNTABLE[fmt](data.bytes())
    return sum(1 for _ in ox.parse_query_results(data.reader(), lookup(fmt, "results").ox))


def _solutions(fetch: Fetch, job: Job) -> Outcome:
    """TSV from the engine, cut at max_rows lines, converted to the asked format in Rust."""
    got = fetch(job, "tsv", job.max_rows + 2, job.max_bytes)  # header + rows + one more
    if got.status != 200:
        return _failed(got)  # type: ignore[return-value]
    tsv = got.data
    tsv.truncate(tsv.last_newline())  # no last line cut in the middle
    truncated: list[str] = []
    lines = tsv.count(b"\n")
    if lines > job.max_rows + 1:
        tsv.truncate(tsv.line_end(job.max_rows + 1))
        lines = job.max_rows + 1
        truncated.append("rows")
    elif not got.complete:
        truncated.append("bytes")
    rows = max(lines - 1, 0)
    body = _convert(tsv, job.fmt)
    while body.size > job.max_bytes and rows > 0:
        rows = int(rows * job.max_bytes / body.size * 0.9)
        tsv.truncate(tsv.line_end(rows + 1))
        if body is not tsv:
            body.close()
        body = _convert(tsv, job.fmt)
        if "bytes" not in truncated:
            truncated.append("bytes")
    if body is not tsv:
        tsv.close()
    return Outcome(200, body, "solutions", rows, truncated)


def _convert(tsv: Answer, fmt: str) -> Answer:
    if fmt == "tsv":
        return tsv
    out = Answer()
    ox.parse_query_results(tsv.reader(), ox.QueryResultsFormat.TSV).serialize(
        out, format=lookup(fmt, "results").ox)
    return out


def _triples(fetch: Fetch, job: Job) -> Outcome:
    """N-Triples from the engine, cut at max_rows lines, serialised in the asked format.
    N-Triples runs larger than Turtle, so it may pass max_bytes before the answer does."""
    got = fetch(job, "nt", job.max_rows + 1, job.max_bytes * 4 + (1 << 20))
    if got.status != 200:
        return _failed(got)  # type: ignore[return-value]
    nt = got.data
    nt.truncate(nt.last_newline())
    truncated = []
    count = nt.count(b"\n")
    if count > job.max_rows:
        nt.truncate(nt.line_end(job.max_rows))
        count = job.max_rows
        truncated.append("rows")
    elif not got.complete:
        truncated.append("bytes")
    body = nt if job.fmt == "nt" else _serialize_triples(nt, count, job.fmt)
    while body.size > job.max_bytes and count:
        count = int(count * job.max_bytes / body.size * 0.9)
        if body is nt:
            nt.truncate(nt.line_end(count))
        else:
            body.close()
            body = _serialize_triples(nt, count, job.fmt)
        if "bytes" not in truncated:
            truncated.append("bytes")
    if body is not nt:
        nt.close()
    return Outcome(200, body, "triples", count, truncated)


def _serialize_triples(nt: Answer, count: int, fmt: str) -> Answer:
    """The first `count` triples of an N-Triples answer in `fmt`, parsed and written as
    streams."""
    target = lookup(fmt, "rdf")
    triples = (quad.triple for quad in itertools.islice(
        ox.parse(nt.reader(), ox.RdfFormat.N_TRIPLES), count))
    out = Answer()
    if target.has_graphs:
        ox.serialize((ox.Quad(t.subject, t.predicate, t.object) for t in triples), out, target.ox)
    else:
        ox.serialize(triples, out, target.ox)
    return out


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')  # unrolled: faster


def _count_json_rows(body: bytes) -> int:
    """Solutions in SPARQL JSON results: with strings blanked out, a solution object is the
    only `{` that follows `[` or `,` (term objects follow `:`; `head` holds only strings)."""
    upper = body.count(b"[{") + body.count(b",{")
    if body.count(b"{") == upper + body.count(b":{") + 1 and b"\\" not in body:
        # Every brace sits where structure puts one (the common case: literals without
        # braces). Only a literal holding "[{" or ",{" could still be counted: counts err
        # upwards only, so the cap stays safe (an over-count takes the exact TSV route).
        return upper
    bare = _JSON_STRING.sub(b'""', body)
    return bare.count(b"[{") + bare.count(b",{")


def _count_xml_rows(body: bytes) -> int:
    """Solutions in SPARQL XML results (`<` inside values is always escaped)."""
    return body.count(b"<result>")


_COUNTABLE = {"json": _count_json_rows, "xml": _count_xml_rows}


# --- evaluation in this process (memory and remote stores) -------------------------------

def _dataset_args(job: Job) -> dict[str, Any]:
    """The protocol's dataset wins over FROM; else the union default graph (the cheap one)."""
    if job.default_graphs is not None or job.named_graphs is not None:
        return {"default_graph": [ox.NamedNode(g) for g in job.default_graphs or []],
                "named_graphs": [ox.NamedNode(g) for g in job.named_graphs or []]}
    if job.has_dataset:
        return {}
    return {"use_default_graph_as_union": True}


class Enough(Exception):
    """Raised from a writer to stop pyoxigraph once enough bytes or lines arrived."""


class CappedSink(io.RawIOBase):
    """Writes serialiser output into an Answer and stops the engine past `max_lines` or
    `max_bytes`."""

    def __init__(self, max_lines: int, max_bytes: int) -> None:
        self.data = Answer()
        self.lines = 0
        self.max_lines = max_lines
        self.max_bytes = max_bytes
        self.stopped = False

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        if self.stopped:  # pyoxigraph's buffered writer retries the failed write when dropped
            raise Enough
        self.data.write(b)
        if self.max_lines:
            self.lines += bytes(b).count(b"\n")
        if self.data.size > self.max_bytes or (self.max_lines and self.lines >= self.max_lines):
            self.stopped = True
            raise Enough
        return len(b)


def in_process(run: Callable[..., Any]) -> Fetch:
    """A Fetch evaluating with `run(query, **dataset)` in this process (no hard timeout)."""

    def fetch(job: Job, wire: str, max_lines: int, max_bytes: int) -> Fetched:
        try:
            result = run(job.query, **_dataset_args(job))
        except SyntaxError as exc:
            return Fetched(400, Answer(), message=f"SPARQL syntax error: {exc}")
        except ValueError as exc:
            return Fetched(400, Answer(), message=f"cannot run this query: {exc}")
        except OSError as exc:
            return Fetched(500, Answer(), message=f"store error: {exc}")
        sink = CappedSink(max_lines, max_bytes)
        try:
            if isinstance(result, ox.QueryBoolean):
                sink.write(result.serialize(format=wire_format(wire).ox))
            elif isinstance(result, ox.QuerySolutions):
                result.serialize(sink, wire_format(wire).ox)
            else:
                ox.serialize(result, sink, wire_format(wire).ox)
        except (Enough, OSError, ValueError, RuntimeError) as exc:
            if not sink.stopped:
                sink.data.close()
                return Fetched(400, Answer(), message=f"query failed: {exc}")
        return Fetched(200, sink.data, not sink.stopped)

    return fetch


def evaluate(run: Callable[..., Any], job: Job) -> Outcome:
    """Evaluate `job` in this process with `run(query, **dataset)`, caps applied."""
    return cap(in_process(run), job)
