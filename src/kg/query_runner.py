"""Running public SPARQL queries safely: inspection, caps, and killable worker processes.

pyoxigraph's `Store.query` cannot be cancelled and follows `SERVICE` to any address
(see /work/shared/design/architecture.md). So every public query is first inspected here
(`SERVICE` refused before anything runs, no `LOAD`), then evaluated by one of a few
pre-started worker processes (`python -m kg.query_runner`), each holding
`pyoxigraph.Store.read_only(<public partition>)`. The web thread waits on the worker's pipe
until the deadline; past it the worker is killed (SIGKILL: the CPU stops at once) and
replaced, and the client gets 503. Serialisation happens in the worker with pyoxigraph's
serialisers, so the web thread only relays bytes.

Caps: JSON and XML results are serialised straight from the engine and their solutions
counted in the bytes. Past `max_rows` (or `max_response_bytes`), and for CSV/TSV, the query
takes the TSV route: the engine writes TSV (Rust), which is cut after `max_rows` rows by
counting newlines (TSV escapes newlines in terms; the engine stops there), then converted to
the requested format (Rust again). CONSTRUCT triples are cut while streaming into the
serialiser. If the output is still larger than `max_response_bytes`, fewer rows are
serialised so the document stays valid. A cut is announced in `X-KG-Truncated`.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import queue
import re
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

#: Query forms and the update operations that may open a SPARQL request.
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_FORMS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                "WITH"}

_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n\r]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
      | (?P<pname>(?:[A-Za-z_\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?
                  :(?:[\w.\-:%\u00b7\u00c0-\uffff]|\\.)*)
      | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
      | (?P<word>[A-Za-z_][\w]*)
      | (?P<space>\s+)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


class QueryRefused(ValueError):
    """A query the public endpoint will not run; the message says why and what to do."""


@dataclass(frozen=True)
class Inspection:
    """What the tokenizer saw: the form, and whether the query names its own dataset."""

    form: str
    is_update: bool
    has_dataset: bool


def inspect(text: str) -> Inspection:
    """Find the query form and refuse SERVICE/LOAD, ignoring strings, comments and IRIs."""
    form = None
    has_dataset = False
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "other" and match.group() == "\\":
            raise QueryRefused("escape sequences outside strings and IRIs are not accepted")
        if kind != "word":
            continue
        word = match.group().upper()
        if word == "SERVICE":
            raise QueryRefused(
                "SERVICE (federated query) is not allowed on this endpoint: it would make the "
                "server fetch from other hosts. Query the other endpoint yourself.")
        if word == "LOAD":
            raise QueryRefused("LOAD is not allowed: the server never fetches data from URLs.")
        if word in ("FROM", "USING"):
            has_dataset = True
        if form is None and (word in QUERY_FORMS or word in UPDATE_FORMS):
            form = word
    if form is None:
        return Inspection("UNKNOWN", False, has_dataset)
    return Inspection(form, form in UPDATE_FORMS, has_dataset)


# --- the work itself: shared by worker processes and the in-process fallback -------------

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}
_QUAD_FORMATS = {"trig", "nq", "jsonld"}


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


@dataclass
class Outcome:
    """What a job produced: an HTTP status, the body, and how it was cut (if it was)."""

    status: int
    body: bytes
    kind: str = ""
    rows: int | None = None
    truncated: list[str] = field(default_factory=list)
    message: str = ""

    def meta(self) -> dict[str, Any]:
        return {"status": self.status, "kind": self.kind, "rows": self.rows,
                "size": len(self.body),
                "truncated": self.truncated, "message": self.message}


def _dataset_args(job: Job) -> dict[str, Any]:
    """The protocol's dataset wins over FROM; else the union default graph (the cheap one)."""
    if job.default_graphs is not None or job.named_graphs is not None:
        return {"default_graph": [ox.NamedNode(g) for g in job.default_graphs or []],
                "named_graphs": [ox.NamedNode(g) for g in job.named_graphs or []]}
    if job.has_dataset:
        return {}
    return {"use_default_graph_as_union": True}


def _cut_lines(data: bytes, keep: int) -> bytes:
    """The first `keep` lines of `data` (newline-terminated)."""
    end = -1
    for _ in range(keep):
        end = data.index(b"\n", end + 1)
    return data[: end + 1]


class _Enough(Exception):
    """Raised from a writer to stop pyoxigraph once enough bytes or lines arrived."""


class _CappedTsv(io.RawIOBase):
    """Collects TSV output and stops the engine after `rows` rows or `max_bytes` bytes."""

    def __init__(self, rows: int, max_bytes: int) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.size = 0
        self.limit_lines = rows + 2  # header line + rows + one more to know there were more
        self.max_bytes = max_bytes
        self.done = False

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        if self.done:  # pyoxigraph's buffered writer retries the failed write when dropped
            raise _Enough
        data = bytes(b)
        self.parts.append(data)
        self.lines += data.count(b"\n")
        self.size += len(data)
        if self.lines >= self.limit_lines or self.size > self.max_bytes:
            self.done = True
            raise _Enough
        return len(data)


def _solutions(result: ox.QuerySolutions, job: Job) -> Outcome:
    """TSV from the engine, cut at max_rows lines, converted to the asked format in Rust."""
    sink = _CappedTsv(job.max_rows, job.max_bytes)
    truncated: list[str] = []
    with contextlib.suppress(_Enough):
        result.serialize(sink, ox.QueryResultsFormat.TSV)
    tsv = b"".join(sink.parts)
    lines = tsv.count(b"\n")
    if sink.size > job.max_bytes and not tsv.endswith(b"\n"):
        tsv = tsv[: tsv.rindex(b"\n") + 1]
        lines = tsv.count(b"\n")
        truncated.append("bytes")
    if lines > job.max_rows + 1:
        tsv = _cut_lines(tsv, job.max_rows + 1)
        lines = job.max_rows + 1
        truncated.append("rows")
    elif sink.size > job.max_bytes and "bytes" not in truncated:
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


class _CappedBytes(io.RawIOBase):
    """Collects output and stops the engine once it passes `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.max_bytes = max_bytes
        self.over = False

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        if self.over:
            raise _Enough
        data = bytes(b)
        self.parts.append(data)
        self.size += len(data)
        if self.size > self.max_bytes:
            self.over = True
            raise _Enough
        return len(data)


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')  # unrolled: 4x faster


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


def _direct(result: ox.QuerySolutions, job: Job) -> Outcome | None:
    """The fast route for JSON and XML: serialise straight from the engine and count rows in
    the bytes; None when a cap was passed (the caller re-runs the query on the TSV route)."""
    sink = _CappedBytes(job.max_bytes)
    with contextlib.suppress(_Enough):
        result.serialize(sink, RESULT_FORMATS[job.fmt])
    if sink.over:
        return None
    body = b"".join(sink.parts)
    rows = _COUNTABLE[job.fmt](body)
    if rows > job.max_rows:
        return None
    return Outcome(200, body, "solutions", rows, [])


def _convert(tsv: bytes, fmt: str) -> bytes:
    if fmt == "tsv":
        return tsv
    return ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(
        format=RESULT_FORMATS[fmt])


def _triples(result: Any, job: Job) -> Outcome:
    """Triples cut at max_rows while streaming into pyoxigraph's serialiser."""
    iterator = iter(result)
    kept = list(itertools.islice(iterator, job.max_rows))
    truncated = ["rows"] if next(iterator, None) is not None else []
    body = _serialize_triples(kept, job.fmt)
    while len(body) > job.max_bytes and kept:
        kept = kept[: int(len(kept) * job.max_bytes / len(body) * 0.9)]
        body = _serialize_triples(kept, job.fmt)
        if "bytes" not in truncated:
            truncated.append("bytes")
    return Outcome(200, body, "triples", len(kept), truncated)


def _serialize_triples(triples: list[ox.Triple], fmt: str) -> bytes:
    if fmt in _QUAD_FORMATS:
        quads = (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return ox.serialize(quads, format=GRAPH_FORMATS[fmt])
    return ox.serialize(triples, format=GRAPH_FORMATS[fmt])


def evaluate(run: Callable[..., Any], job: Job) -> Outcome:
    """Evaluate with `run(query, **dataset)` and shape the result; errors become 400 outcomes."""
    try:
        result = run(job.query, **_dataset_args(job))
    except SyntaxError as exc:
        return Outcome(400, b"", message=f"SPARQL syntax error: {exc}")
    except ValueError as exc:
        return Outcome(400, b"", message=f"cannot run this query: {exc}")
    except OSError as exc:
        return Outcome(500, b"", message=f"store error: {exc}")
    try:
        if isinstance(result, ox.QueryBoolean):
            fmt = RESULT_FORMATS[job.fmt]
            return Outcome(200, result.serialize(format=fmt), "boolean", None)
        if isinstance(result, ox.QuerySolutions):
            if job.fmt in _COUNTABLE:
                direct = _direct(result, job)
                if direct is not None:
                    return direct
                result = run(job.query, **_dataset_args(job))  # over a cap: the TSV route
            return _solutions(result, job)
        return _triples(result, job)
    except (OSError, ValueError, RuntimeError) as exc:
        return Outcome(400, b"", message=f"query failed: {exc}")


# --- worker process ----------------------------------------------------------------------

_FRAME = struct.Struct(">cI")
CHUNK = 1 << 16


def _write_frame(fd: int, kind: bytes, payload: bytes) -> None:
    data = _FRAME.pack(kind, len(payload)) + payload
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _frames(outcome: Outcome) -> bytes:
    """Header, body chunks and end frame as one buffer: one write, one read for small answers."""
    meta = json.dumps(outcome.meta()).encode()
    parts = [_FRAME.pack(b"H", len(meta)), meta]
    body = outcome.body
    for start in range(0, len(body), CHUNK):
        chunk = body[start:start + CHUNK]
        parts += [_FRAME.pack(b"D", len(chunk)), chunk]
    parts.append(_FRAME.pack(b"E", 0))
    return b"".join(parts)


class _FrameReader:
    """Frames from a worker's pipe, read in large blocks (few syscalls per answer)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def _fill(self, n: int, deadline: float | None) -> None:
        while len(self.buffer) < n:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                    raise TimeoutError
            data = os.read(self.fd, 1 << 18)
            if not data:
                raise EOFError
            self.buffer += data

    def frame(self, deadline: float | None) -> tuple[bytes, bytes]:
        head = _FRAME.size
        self._fill(head, deadline)
        kind, size = _FRAME.unpack_from(self.buffer)
        self._fill(head + size, deadline)
        payload = bytes(self.buffer[head:head + size])
        del self.buffer[:head + size]
        return kind, payload


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    """Read n bytes from a pipe; TimeoutError at the deadline, EOFError if the peer died."""
    parts = []
    while n:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        data = os.read(fd, min(n, 1 << 20))
        if not data:
            raise EOFError
        parts.append(data)
        n -= len(data)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _read_frame(fd: int, deadline: float | None) -> tuple[bytes, bytes]:
    kind, size = _FRAME.unpack(_read_exact(fd, _FRAME.size, deadline))
    return kind, _read_exact(fd, size, deadline) if size else b""


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the web process that started it goes away."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent died before the signal was armed
        os._exit(0)


def worker_main() -> None:
    """Loop: read a job frame, evaluate it on the public partition, write frames back."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    rfd, wfd = sys.stdin.fileno(), sys.stdout.fileno()
    sys.stdout = sys.stderr  # nothing else may write into the frame pipe
    opened: tuple[str, ox.Store] | None = None
    while True:
        try:
            _, payload = _read_frame(rfd, None)
        except EOFError:
            return
        request = json.loads(payload)
        path = request.pop("path")
        if opened is None or opened[0] != path:
            opened = None
            opened = (path, ox.Store.read_only(path))
        outcome = evaluate(opened[1].query, Job(**request))
        _write_all(wfd, _frames(outcome))


class QueryTimeout(Exception):
    """The query ran past its deadline; its worker was killed."""


class PoolBusy(Exception):
    """Every worker stayed busy until the deadline."""


class _Worker:
    """One `python -m kg.query_runner` process and the two ends of its pipes."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.query_runner"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, close_fds=True)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.wfd = self.process.stdin.fileno()
        self.rfd = self.process.stdout.fileno()
        self.reader = _FrameReader(self.rfd)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]


@dataclass
class Answer:
    """A finished evaluation: its metadata now, its body as chunks relayed from the worker."""

    meta: dict[str, Any]
    chunks: Any


class _Relay:
    """The body frames of one answer; the worker returns to the pool only after its end frame."""

    def __init__(self, pool: QueryPool, worker: _Worker, deadline: float) -> None:
        self._pool = pool
        self._worker: _Worker | None = worker
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        worker = self._worker
        if worker is None:
            raise StopIteration
        try:
            kind, payload = worker.reader.frame(self._deadline)
        except (TimeoutError, EOFError, OSError):
            self._finish(False)
            raise StopIteration from None
        if kind == b"E":
            self._finish(True)
            raise StopIteration
        return payload

    def _finish(self, clean: bool) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            self._pool._release(worker, clean)

    def close(self) -> None:
        """Called by WSGI servers, also when the client went away: drain briefly, else kill."""
        worker = self._worker
        if worker is None:
            return
        deadline = min(self._deadline, time.monotonic() + 2)
        try:
            while worker.reader.frame(deadline)[0] != b"E":
                pass
        except (TimeoutError, EOFError, OSError):
            self._finish(False)
            return
        self._finish(True)

    def __del__(self) -> None:
        self.close()


class QueryPool:
    """A few pre-started worker processes; a query past its deadline kills its worker."""

    def __init__(self, path: Callable[[], str], size: int) -> None:
        self._path = path
        self._size = size
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._requests: queue.SimpleQueue[bool] = queue.SimpleQueue()
        for _ in range(size):
            self._requests.put(True)
        threading.Thread(target=self._spawner, name="kg-query-spawner", daemon=True).start()

    def _spawner(self) -> None:
        """Start every worker from this one long-lived thread: Linux sends the workers'
        parent-death signal when the *thread* that started them ends, not the process."""
        while self._requests.get():
            with self._lock:
                if self._closed:
                    return
                worker = _Worker()
                self._all.add(worker)
            self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        self._requests.put(True)

    def run(self, job: Job, timeout: float) -> Answer:
        """Evaluate `job`; QueryTimeout past `timeout` seconds (the worker is then killed)."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolBusy from None
        try:
            request = dict(job.__dict__, path=self._path())
            _write_frame(worker.wfd, b"J", json.dumps(request).encode())
            kind, payload = worker.reader.frame(deadline)
        except (TimeoutError, EOFError, OSError) as exc:
            self._discard(worker)
            if isinstance(exc, TimeoutError):
                raise QueryTimeout from None
            raise RuntimeError("the query worker died") from None
        meta = json.loads(payload)
        return Answer(meta, _Relay(self, worker, deadline + 30))

    def _release(self, worker: _Worker, clean: bool) -> None:
        if clean:
            self._idle.put(worker)
        else:
            self._discard(worker)

    def close(self) -> None:
        self._requests.put(False)
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()

    def busy_pids(self) -> list[int]:
        return [w.process.pid for w in self._all]


if __name__ == "__main__":
    worker_main()
