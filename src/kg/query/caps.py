"""Caps on public SPARQL answers, the same for every engine: rows and bytes, documents kept valid.

Engines hand back *bytes* in a wire format (`Fetch`), so the caps below work the same on
every engine. JSON and XML results are taken as the engine wrote them and their solutions
counted in the bytes. Past `max_rows` (or `max_response_bytes`), and for CSV/TSV, the query
takes the TSV route: the engine writes TSV, which is cut after `max_rows` rows by counting
newlines (TSV escapes newlines in terms; the engine stops there), then converted to the
requested format (Rust). CONSTRUCT and DESCRIBE come as N-Triples (one triple per line), cut
the same way, then serialised in the requested format. If the output is still larger than
`max_response_bytes`, fewer rows are serialised so the document stays valid. A cut is
announced in `X-KG-Truncated`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyoxigraph as ox

from kg.formats import Format, lookup
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
    """What a job produced: an HTTP status, the body, and how it was cut (if it was)."""

    status: int
    body: bytes
    kind: str = ""
    rows: int | None = None
    truncated: list[str] = field(default_factory=list)
    message: str = ""


class Fetched(NamedTuple):
    """An engine's answer in a wire format; `complete` is False when a limit stopped it."""

    status: int
    body: bytes
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
        return _failed(got) or Outcome(200, got.body, "boolean")
    if job.fmt in _COUNTABLE:
        got = fetch(job, job.fmt, 0, job.max_bytes)
        if got.status != 200:
            return _failed(got)  # type: ignore[return-value]
        if got.complete:
            rows = _COUNTABLE[job.fmt](got.body)
            if rows <= job.max_rows:
                return Outcome(200, got.body, "solutions", rows)
    return _solutions(fetch, job)  # a cap was passed, or CSV/TSV: the TSV route


def _failed(got: Fetched) -> Outcome | None:
    return None if got.status == 200 else Outcome(got.status, b"", message=got.message)


def _cut_lines(data: bytes, keep: int) -> bytes:
    """The first `keep` lines of `data` (newline-terminated)."""
    end = -1
    for _ in range(keep):
        end = data.index(b"\n", end + 1)
    return data[: end + 1]


def _whole_lines(data: bytes) -> bytes:
    """`data` without a last line cut in the middle."""
    return data if data.endswith(b"\n") else data[: data.rfind(b"\n") + 1]


def _solutions(fetch: Fetch, job: Job) -> Outcome:
    """TSV from the engine, cut at max_rows lines, converted to the asked format in Rust."""
    got = fetch(job, "tsv", job.max_rows + 2, job.max_bytes)  # header + rows + one more
    if got.status != 200:
        return _failed(got)  # type: ignore[return-value]
    tsv = _whole_lines(got.body)
    truncated: list[str] = []
    lines = tsv.count(b"\n")
    if lines > job.max_rows + 1:
        tsv = _cut_lines(tsv, job.max_rows + 1)
        lines = job.max_rows + 1
        truncated.append("rows")
    elif not got.complete:
        truncated.append("bytes")
    rows = max(lines - 1, 0)
    body = _convert(tsv, job.fmt)
    while len(body) > job.max_bytes and rows > 0:
        rows = int(rows * job.max_bytes / len(body) * 0.9)
        tsv = _cut_lines(tsv, rows + 1)
        body = _convert(tsv, job.fmt)
        if "bytes" not in truncated:
            truncated.append("bytes")
    return Outcome(200, body, "solutions", rows, truncated)


def _convert(tsv: bytes, fmt: str) -> bytes:
    if fmt == "tsv":
        return tsv
    return ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(
        format=lookup(fmt, "results").ox)


def _triples(fetch: Fetch, job: Job) -> Outcome:
    """N-Triples from the engine, cut at max_rows lines, serialised in the asked format.
    N-Triples runs larger than Turtle, so it may pass max_bytes before the answer does."""
    got = fetch(job, "nt", job.max_rows + 1, job.max_bytes * 4 + (1 << 20))
    if got.status != 200:
        return _failed(got)  # type: ignore[return-value]
    nt = _whole_lines(got.body)
    truncated = []
    if nt.count(b"\n") > job.max_rows:
        nt = _cut_lines(nt, job.max_rows)
        truncated.append("rows")
    elif not got.complete:
        truncated.append("bytes")
    triples = [quad.triple for quad in ox.parse(nt, ox.RdfFormat.N_TRIPLES)]
    body = nt if job.fmt == "nt" else _serialize_triples(triples, job.fmt)
    while len(body) > job.max_bytes and triples:
        triples = triples[: int(len(triples) * job.max_bytes / len(body) * 0.9)]
        body = _serialize_triples(triples, job.fmt)
        if "bytes" not in truncated:
            truncated.append("bytes")
    return Outcome(200, body, "triples", len(triples), truncated)


def _serialize_triples(triples: list[ox.Triple], fmt: str) -> bytes:
    target = lookup(fmt, "rdf")
    if target.has_graphs:
        quads = (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return ox.serialize(quads, format=target.ox)
    return ox.serialize(triples, format=target.ox)


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
    """Collects serialiser output and stops the engine past `max_lines` or `max_bytes`."""

    def __init__(self, max_lines: int, max_bytes: int) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.size = 0
        self.max_lines = max_lines
        self.max_bytes = max_bytes
        self.stopped = False

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        if self.stopped:  # pyoxigraph's buffered writer retries the failed write when dropped
            raise Enough
        data = bytes(b)
        self.parts.append(data)
        self.size += len(data)
        if self.max_lines:
            self.lines += data.count(b"\n")
        if self.size > self.max_bytes or (self.max_lines and self.lines >= self.max_lines):
            self.stopped = True
            raise Enough
        return len(data)


def in_process(run: Callable[..., Any]) -> Fetch:
    """A Fetch evaluating with `run(query, **dataset)` in this process (no hard timeout)."""

    def fetch(job: Job, wire: str, max_lines: int, max_bytes: int) -> Fetched:
        try:
            result = run(job.query, **_dataset_args(job))
        except SyntaxError as exc:
            return Fetched(400, b"", message=f"SPARQL syntax error: {exc}")
        except ValueError as exc:
            return Fetched(400, b"", message=f"cannot run this query: {exc}")
        except OSError as exc:
            return Fetched(500, b"", message=f"store error: {exc}")
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
                return Fetched(400, b"", message=f"query failed: {exc}")
        return Fetched(200, b"".join(sink.parts), not sink.stopped)

    return fetch


def evaluate(run: Callable[..., Any], job: Job) -> Outcome:
    """Evaluate `job` in this process with `run(query, **dataset)`, caps applied."""
    return cap(in_process(run), job)
