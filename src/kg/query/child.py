"""The `oxigraph serve-read-only` child process that answers public queries, and its stopping.

A public query must really stop at its deadline. pyoxigraph's `Store.query` cannot be
cancelled, and `oxigraph serve --timeout-s` does not stop everything either (a cross join
kept a core busy for minutes; bench/results/design.md). Ending the process is the only stop
that always works. So each web worker
runs one Oxigraph server child on the current public partition, on 127.0.0.1 and a free
port, and relays queries to it over keep-alive HTTP:

- Past its deadline, a query gets the child killed (SIGKILL: the CPU stops at once). The next
  query starts a new child (in tens of milliseconds). Queries that were running on the killed
  child are sent once more to the new one, within their own deadlines, so a runaway query costs the
  others a retry, not an error.
- When `kg load` or an update makes a new store version, the first query that sees the new
  pointer starts a child on the new partition; the old child ends when its last query ends.
- The child is started from one long-lived thread with a parent-death signal, so it dies
  with its web worker even on SIGKILL.

Why one shared child rather than a pool of single-query processes: Oxigraph's server answers
concurrent queries on its own threads with one block cache and a Rust HTTP stack, and came
closest to `oxigraph serve-read-only` itself (bench/results/design.md).
"""

from __future__ import annotations

import collections
import contextlib
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from kg.query.answer import Answer
from kg.query.caps import Fetched, Job, wire_format

CHUNK = 1 << 16


class QueryTimeout(Exception):
    """The query ran past its deadline; the child evaluating it was killed."""


class QueryServerError(RuntimeError):
    """The Oxigraph child could not be started or kept failing."""


class _Transient(Exception):
    """The child answered 5xx: worth one more try."""


def oxigraph_binary() -> str:
    """The `oxigraph` command installed with the `oxigraph` package (next to this Python)."""
    local = Path(sys.executable).parent / "oxigraph"
    found = str(local) if local.exists() else shutil.which("oxigraph")
    if not found:
        raise QueryServerError("the `oxigraph` command is missing: pip install oxigraph")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the thread that started it ends."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Child:
    """One Oxigraph server process on one partition, its idle connections and its users."""

    def __init__(self, path: str, process: subprocess.Popen, port: int) -> None:
        self.path = path
        self.process = process
        self.port = port
        self.idle: queue.LifoQueue[Connection] = queue.LifoQueue()
        self.users = 0
        self.retired = False
        self.killed = False
        self.stderr: collections.deque[bytes] = collections.deque(maxlen=20)
        threading.Thread(target=self._drain, daemon=True, name="kg-oxigraph-stderr").start()

    def _drain(self) -> None:
        """Keep the last lines of the child's stderr (for start-up errors), drop the rest."""
        assert self.process.stderr is not None
        with self.process.stderr as stream:  # ends (EOF) when the child does
            for line in stream:
                self.stderr.append(line)

    def alive(self) -> bool:
        return not self.killed and self.process.poll() is None

    def connection(self, deadline: float) -> Connection:
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            return Connection(self.port, deadline)

    def kill(self) -> None:
        self.killed = True
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.wait()
        self.drop_idle()

    def drop_idle(self) -> None:
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                break


class QueryServer:
    """The web worker's Oxigraph child: started on demand, killed at deadlines, renewed with
    each store version. `fetch` is a kg.query_runner Fetch with a deadline."""

    def __init__(self, path: Callable[[], str]) -> None:
        self._path = path
        self._binary = oxigraph_binary()
        self._lock = threading.Lock()  # guards _active and every Child.users
        self._switch = threading.Lock()  # one thread starts a child; the others wait for it
        self._active: Child | None = None
        self._closed = False
        self._spawns: queue.SimpleQueue[tuple[str, Future] | None] = queue.SimpleQueue()
        threading.Thread(target=self._spawner, name="kg-oxigraph-spawner", daemon=True).start()

    # --- child lifecycle -----------------------------------------------------------------

    def _spawner(self) -> None:
        """Start every child from this long-lived thread: Linux sends the parent-death signal
        when the *thread* that forked ends, and web server threads come and go."""
        while (request := self._spawns.get()) is not None:
            path, future = request
            try:
                port = _free_port()
                process = subprocess.Popen(
                    [self._binary, "serve-read-only", "--location", path,
                     "--bind", f"127.0.0.1:{port}"],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                    close_fds=True, preexec_fn=_die_with_parent)  # noqa: PLW1509
                future.set_result(Child(path, process, port))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
                future.set_exception(exc)

    def _start(self, path: str, deadline: float) -> Child:
        """A new child on `path`, answering connections (retried if its port was taken)."""
        problem = ""
        for _ in range(3):
            if self._closed:
                raise QueryServerError("the query server is shut down")
            future: Future[Child] = Future()
            self._spawns.put((path, future))
            child = future.result()
            while time.monotonic() < deadline:
                if child.process.poll() is not None:
                    break
                try:
                    socket.create_connection(("127.0.0.1", child.port), timeout=1).close()
                    return child
                except OSError:
                    time.sleep(0.005)
            child.kill()
            problem = b"".join(child.stderr).decode("utf-8", "replace").strip()
            if time.monotonic() >= deadline and not problem:
                raise QueryTimeout  # still starting when the query's time ran out
            if time.monotonic() >= deadline:
                break
        raise QueryServerError(f"oxigraph serve-read-only did not start on {path}"
                               + (f": {problem}" if problem else ""))

    def _acquire(self, deadline: float) -> Child:
        """The child for the current store version, counted as in use until _release."""
        path = self._path()
        with self._lock:
            child = self._active
            if child is not None and child.path == path and child.alive():
                child.users += 1
                return child
        with self._switch:
            with self._lock:
                child = self._active
                if child is not None and child.path == path and child.alive():
                    child.users += 1
                    return child
            new = self._start(path, deadline)
            with self._lock:
                old, self._active = self._active, new
                new.users += 1
                if old is not None:
                    old.retired = True
                    stop_old = old.users == 0
            if old is not None and stop_old:
                old.kill()
            return new

    def _release(self, child: Child) -> None:
        with self._lock:
            child.users -= 1
            stop = child.retired and child.users == 0 and not child.killed
        if stop:
            child.kill()

    def _kill(self, child: Child) -> None:
        """Stop `child` now (a query passed its deadline, or it broke); the next query starts
        a new one."""
        with self._lock:
            if self._active is child:
                self._active = None
            child.retired = True
        child.kill()

    def close(self) -> None:
        self._closed = True
        self._spawns.put(None)
        with self._lock:
            child, self._active = self._active, None
        if child is not None:
            child.kill()

    def pid(self) -> int | None:
        """The running child's process id (tests watch it being replaced)."""
        child = self._active
        return child.process.pid if child is not None and child.alive() else None

    # --- queries -------------------------------------------------------------------------

    def fetch(self, job: Job, wire: str, max_lines: int, max_bytes: int,
              deadline: float) -> Fetched:
        """Evaluate on the child; QueryTimeout (child killed) past `deadline`."""
        for attempt in range(3):
            if time.monotonic() >= deadline:  # spent before reaching the child: kill nothing
                raise QueryTimeout
            child = self._acquire(deadline)
            try:
                return self._ask(child, job, wire, max_lines, max_bytes, deadline, attempt == 0)
            except _Transient:
                continue  # a server error: queries are read-only, so once more is safe
            except TimeoutError:
                self._kill(child)
                raise QueryTimeout from None
            except (OSError, ValueError, IndexError):  # broken or garbled connection
                if child.alive():
                    if attempt == 0:  # keep-alive connections the child had closed
                        child.drop_idle()
                    else:  # a fresh connection failed too: start over on a new child
                        self._kill(child)
                if time.monotonic() >= deadline:
                    raise QueryTimeout from None
            finally:
                self._release(child)
        raise QueryServerError("the query server kept failing on this query")

    def _ask(self, child: Child, job: Job, wire: str, max_lines: int, max_bytes: int,
             deadline: float, retry: bool) -> Fetched:
        conn = child.connection(deadline)
        reusable = False
        try:
            conn.send(_request(job, wire), deadline)
            status, chunked, length, close = conn.head(deadline)
            if status != 200:
                body, _ = conn.body(chunked, length, deadline, 0, CHUNK)
                text = body.bytes().decode("utf-8", "replace").strip()
                reusable = not close
                if status == 400:
                    return Fetched(400, Answer(), message=f"SPARQL syntax error: {text}")
                if status >= 500 and retry:
                    raise _Transient(text)
                return Fetched(400 if status < 500 else 500, Answer(),
                               message=f"query failed: {text}")
            body, complete = conn.body(chunked, length, deadline, max_lines, max_bytes)
            if complete and child.killed:  # cut short by another query's deadline
                body.close()
                raise ConnectionError("the query server was restarted")
            reusable = complete and not close
            return Fetched(200, body, complete)
        finally:
            if reusable:
                child.idle.put(conn)
            else:
                conn.close()


def _request(job: Job, wire: str) -> bytes:
    """GET for queries that fit a URL, else POST. Oxigraph 0.5.13 now and then answers a POST
    with 500 "Resource temporarily unavailable (os error 11)" (1 in ~2,000 under load): it
    reads the body from a non-blocking socket. GET has no body to read."""
    query = urllib.parse.quote(job.query, safe="")
    params = _params(job)
    head = f"Accept: {wire_format(wire).bare_media_type}\r\nHost: 127.0.0.1\r\n"
    if len(query) <= 8000:
        sep = "&" if params else "?"
        return f"GET /query{params}{sep}query={query} HTTP/1.1\r\n{head}\r\n".encode("ascii")
    body = job.query.encode("utf-8")
    return (f"POST /query{params} HTTP/1.1\r\n{head}"
            "Content-Type: application/sparql-query; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("ascii") + body


class Connection:
    """A keep-alive HTTP/1.1 connection to the child, reading just what Oxigraph sends (a
    status line, headers, a chunked or sized body): http.client's generality costs a
    noticeable share of a selective join (bench/results/design.md)."""

    def __init__(self, port: int, deadline: float) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=_remaining(deadline))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()

    def send(self, data: bytes, deadline: float) -> None:
        self.sock.settimeout(_remaining(deadline))
        self.sock.sendall(data)

    def _fill(self, deadline: float) -> None:
        self.sock.settimeout(_remaining(deadline))
        data = self.sock.recv(CHUNK)
        if not data:
            raise ConnectionError("the query server closed the connection")
        self.buffer += data

    def head(self, deadline: float) -> tuple[int, bool, int | None, bool]:
        """Status, chunked?, Content-Length, and whether the server will close."""
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._fill(deadline)
        lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        del self.buffer[:end + 4]
        status = int(lines[0].split(" ", 2)[1])
        chunked, length, close = False, None, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "transfer-encoding":
                chunked = "chunked" in value
            elif name == "content-length":
                length = int(value)
            elif name == "connection":
                close = "close" in value
        if not chunked and length is None:
            close = True  # the body ends when the connection does
        return status, chunked, length, close

    def body(self, chunked: bool, length: int | None, deadline: float, max_lines: int,
             max_bytes: int) -> tuple[Answer, bool]:
        """The body, written into an Answer as it arrives, or its first part once past
        `max_lines` lines or `max_bytes` bytes (complete=False: the connection is then left
        unusable)."""
        out = Answer()
        try:
            return out, self._body(out, chunked, length, deadline, max_lines, max_bytes)
        except BaseException:
            out.close()
            raise

    def _body(self, out: Answer, chunked: bool, length: int | None, deadline: float,
              max_lines: int, max_bytes: int) -> bool:
        lines = 0
        while True:
            if chunked:
                while (eol := self.buffer.find(b"\r\n")) < 0:
                    self._fill(deadline)
                want = int(bytes(self.buffer[:eol]).split(b";")[0], 16)
                while len(self.buffer) < eol + 2 + want + 2:
                    self._fill(deadline)
                data = bytes(self.buffer[eol + 2:eol + 2 + want])
                del self.buffer[:eol + 2 + want + 2]
                if not want:
                    return True
            elif length is not None:
                if out.size >= length:
                    return True
                if not self.buffer:
                    self._fill(deadline)
                data = bytes(self.buffer[:length - out.size])
                del self.buffer[:len(data)]
            else:
                try:
                    if not self.buffer:
                        self._fill(deadline)
                except ConnectionError:
                    return True
                data = bytes(self.buffer)
                self.buffer.clear()
            out.write(data)
            if max_lines:
                lines += data.count(b"\n")
            if out.size > max_bytes or (max_lines and lines >= max_lines):
                return False

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    return remaining


def _params(job: Job) -> str:
    """The protocol dataset, or Oxigraph's union default graph when the query names none
    (sent only then: Oxigraph's union flag would override the query's FROM)."""
    if job.default_graphs is not None or job.named_graphs is not None:
        # Without default-graph-uri the protocol's default graph is empty, as in process.
        pairs = [("default-graph-uri", g) for g in job.default_graphs or ["urn:kg:empty"]]
        pairs += [("named-graph-uri", g) for g in job.named_graphs or []]
        return "?" + urllib.parse.urlencode(pairs)
    return "" if job.has_dataset else "?union-default-graph"
