"""The Oxigraph child behind /sparql killed (SIGKILL) while a real `kg serve` is answering:
requests in flight get a proper answer (their retry on a new child, or an error status,
never a dropped connection or a hang), the next ones succeed, and nothing leaks: one child,
no zombies, no file descriptors left over, however many times it happens."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LiveServer

#: Queries differ each time: the endpoint caches answers, and these must reach the child.
_SEQUENCE = itertools.count(1)
#: Longer than the server's 3 s limit (a cross join counted): answered 503.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f }} # {}"


def quick() -> str:
    return f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {next(_SEQUENCE)}"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path(f"/proc/{pid}/task").iterdir():
        text = (entry / "children").read_text().split()
        found.extend(int(x) for x in text)
    return found


def descendants(pid: int) -> list[int]:
    out = []
    for child in children(pid):
        out.append(child)
        out.extend(descendants(child))
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def status(pid: int) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("State:"):
            return line.split()[1]
    return "?"


def oxigraph_children(server: LiveServer) -> list[int]:
    return [p for p in descendants(server.process.pid) if "serve-read-only" in cmdline(p)]


def ask(server: LiveServer, query: str, timeout: float = 60) -> tuple[int, bytes]:
    url = server.sparql + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


@pytest.fixture(scope="module")
def server(built_store_dir: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[LiveServer]:
    store = tmp_path_factory.mktemp("killed-child") / "store"
    shutil.copytree(built_store_dir, store)
    live = LiveServer(store, args=["--query-timeout", "3"], threads=16)
    yield live
    live.stop()


def wait_for_child(server: LiveServer) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert ask(server, quick())[0] == 200
        found = [p for p in oxigraph_children(server) if status(p) != "Z"]
        if len(found) == 1:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"children: {oxigraph_children(server)}")


def test_a_killed_oxigraph_child_fails_nothing_and_leaks_nothing(server: LiveServer) -> None:
    child = wait_for_child(server)
    worker = int(Path(f"/proc/{child}/stat").read_text().split()[3])  # its parent
    fds_before = len(os.listdir(f"/proc/{worker}/fd"))
    for _round in range(5):
        child = wait_for_child(server)
        results: list[tuple[str, int | str]] = []
        stop = threading.Event()

        def client(kind: str, results: list = results, stop: threading.Event = stop) -> None:
            """Slow: one query, in flight when the child dies. Quick: queries one after
            another until after the kill, so that some are in flight at that moment."""
            while True:
                query = SLOW.format(next(_SEQUENCE)) if kind == "slow" else quick()
                try:
                    code, body = ask(server, query)
                    if code == 200:
                        json.loads(body)  # whole, not cut off
                    results.append((kind, code))
                except Exception as exc:  # noqa: BLE001 - a dropped connection is the failure
                    results.append((kind, f"{type(exc).__name__}: {exc}"))
                if kind == "slow" or stop.is_set():
                    return

        threads = [threading.Thread(target=client, args=(kind,))
                   for kind in ["slow"] * 2 + ["quick"] * 6]
        for t in threads:
            t.start()
        time.sleep(0.5)  # the slow ones are being evaluated by the child now
        os.kill(child, signal.SIGKILL)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(60)
        assert not any(t.is_alive() for t in threads)
        assert all(code in (200, 500, 503) for _, code in results), results
        quick_codes = [code for kind, code in results if kind == "quick"]
        assert len(quick_codes) > 6 and set(quick_codes) == {200}, results
        # The next ones succeed, on a new child.
        assert all(ask(server, quick())[0] == 200 for _ in range(5))
        assert wait_for_child(server) != child
    time.sleep(0.5)
    alive = oxigraph_children(server)
    assert len([p for p in alive if status(p) != "Z"]) == 1, alive
    assert not [p for p in alive if status(p) == "Z"], "a killed child was never reaped"
    fds_after = len(os.listdir(f"/proc/{worker}/fd"))
    assert fds_after <= fds_before + 4, (fds_before, fds_after)
