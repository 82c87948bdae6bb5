"""Soak: a real `kg serve` on a large graph under a mixed load, with a runaway query, a
`kg load` publishing a new version, and 100 slow clients, for a minute.

    python bench/soak.py --store bench/out/store-100k -o bench/results/soak.md

The store is copied first (the run loads into the copy). After the server has warmed up
(the projection built, the dump written), 100 slow clients connect and send a request one
byte a second; then `--clients` clients (threads, each on its own keep-alive connection)
make requests back to back for `--seconds`, drawn from bench/workload.py's mix: entity pages
and their JSON, search, different /sparql queries, the explorer API, the dump. A runaway
query is sent 3 s in (it must get 503 at `query_timeout`), and `kg load` adds 1% more
synthetic victims 15 s in (a new store version, so every per-version value is rebuilt
under load). Passing means no 5xx other than the runaway's 503 and no dropped connection;
p50/p99 are reported per kind, with the CPU the server and this script used.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from bench_memory import free_port, wait_until_up
from workload import (
    RUNAWAY,
    Client,
    Dropped,
    _fetch,
    cpu_seconds,
    discover,
    get_json,
    memory,
    random_request,
    stop,
    tree,
)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synth  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


class Slow(threading.Thread):
    """Clients sending a request one byte a second (it never ends within the run)."""

    def __init__(self, port: int, count: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.socks: list[socket.socket] = []
        self.opened = 0
        self.closed_at: list[float] = []
        self.stop = threading.Event()
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.setblocking(False)
            self.socks.append(sock)
            self.opened += 1
        self.started = time.monotonic()

    def run(self) -> None:
        request = (b"GET /?slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                   + b"a" * 10_000)
        sent = 0
        while not self.stop.wait(1.0) and self.socks:
            byte = request[sent % len(request):sent % len(request) + 1]
            sent += 1
            for sock in list(self.socks):
                try:
                    sock.send(byte)
                except OSError:
                    self.closed_at.append(time.monotonic() - self.started)
                    self.socks.remove(sock)
                    sock.close()

    def close(self) -> None:
        self.stop.set()
        for sock in self.socks:
            sock.close()


def probe(url: str, n: int = 20) -> float:
    """Median time of the home page, one request after another, in ms."""
    client = Client(url)
    times = []
    for i in range(n):
        started = time.perf_counter()
        client.request("GET", f"/?probe={i}")
        times.append((time.perf_counter() - started) * 1000)
    client.close()
    return percentile(times, 0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--slow", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--load-victims", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()

    work = HERE / "out" / "soak"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store = work / "store"
    shutil.copytree(args.store, store, ignore=shutil.ignore_patterns("cache", ".lock"))
    extra = work / "extra.nq"
    synth.write_file(args.load_victims, extra, 1989)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (HERE / "out" / "soak-server.log").open("wb")  # the server's log, kept after the run
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port),
         "--workers", str(args.workers), "--threads", str(args.threads)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    samples: dict[str, list[float]] = {}
    statuses: dict[str, dict[str, int]] = {}
    failures: list[str] = []
    lock = threading.Lock()
    try:
        wait_until_up(url, server)
        warm_started = time.monotonic()
        targets = discover(url)
        get_json(url, "/api/graph/status")
        Client(url).request("GET", "/dumps/kg.nq.gz")
        print(f"warm in {time.monotonic() - warm_started:.0f} s", file=sys.stderr)
        before_slow = probe(url)
        slow = Slow(port, args.slow)
        slow.start()
        time.sleep(3)
        with_slow = probe(url)

        tree_cpu0 = sum(cpu_seconds(p) for p in tree(server.pid))
        self_cpu0 = time.process_time()
        peak_rss = [0]
        start = time.monotonic()
        stop_at = start + args.seconds

        def record(kind: str, status: int | str, seconds: float | None) -> None:
            with lock:
                statuses.setdefault(kind, {})
                statuses[kind][str(status)] = statuses[kind].get(str(status), 0) + 1
                if seconds is not None:
                    samples.setdefault(kind, []).append(seconds * 1000)

        def client(n: int) -> None:
            rnd = random.Random(args.seed * 1000 + n)
            http = Client(url)
            while time.monotonic() < stop_at:
                kind, method, path, body = random_request(targets, rnd)
                headers = {"Content-Type": "application/json"} if body else {}
                started = time.perf_counter()
                try:
                    status, _ = http.request(method, path, body, headers)
                except Dropped as exc:
                    record(kind, "dropped", None)
                    with lock:
                        failures.append(f"{kind} {path[:80]}: {exc}")
                    continue
                record(kind, status, time.perf_counter() - started)
                if status >= 500:
                    with lock:
                        failures.append(f"{kind} {path[:80]}: {status}")
            with lock:
                statuses.setdefault("(connections)", {})
                key = "stale keep-alive reconnects"
                statuses["(connections)"][key] = statuses["(connections)"].get(key, 0) \
                    + http.stale
            http.close()

        def runaway() -> None:
            time.sleep(3)
            http = Client(url)
            started = time.perf_counter()
            try:
                status, _ = http.request("GET", "/sparql?" + urllib.parse.urlencode(
                    {"query": RUNAWAY}))
            except Dropped as exc:
                record("runaway query", "dropped", None)
                failures.append(f"runaway: {exc}")
                return
            record("runaway query", status, time.perf_counter() - started)
            if status != 503:
                failures.append(f"runaway: {status}, expected 503")

        load_result: dict[str, float | int] = {}

        def load() -> None:
            time.sleep(15)
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "kg", "load", "--store", str(store),
                                   str(extra), "-q"], capture_output=True, text=True)
            load_result.update(seconds=time.monotonic() - started, code=done.returncode,
                               at=started - start)
            if done.returncode:
                failures.append(f"kg load: {done.stderr.strip()}")

        def sample_memory() -> None:
            while time.monotonic() < stop_at:
                total = sum(memory(p).get("VmRSS", 0) for p in tree(server.pid))
                peak_rss[0] = max(peak_rss[0], total)
                time.sleep(1)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        threads += [threading.Thread(target=runaway), threading.Thread(target=load),
                    threading.Thread(target=sample_memory)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - start
        tree_cpu = sum(cpu_seconds(p) for p in tree(server.pid)) - tree_cpu0
        self_cpu = time.process_time() - self_cpu0
        slow_open = len(slow.socks)
        slow.close()
        version = _fetch(url, "/api/graph/status")
    finally:
        stop(server)
        log.close()

    lines = [f"`python bench/soak.py --store {args.store} --seconds {args.seconds:g} --clients "
             f"{args.clients} --slow {args.slow}`: `kg serve --workers {args.workers} --threads "
             f"{args.threads}` on a copy of the store.", "",
             "| kind | requests | statuses | p50 ms | p99 ms | max ms |",
             "|---|---|---|---|---|---|"]
    for kind in sorted(statuses):
        times = samples.get(kind, [])
        shown = ", ".join(f"{k}: {v}" for k, v in sorted(statuses[kind].items()))
        if kind == "(connections)":
            lines.append(f"| {kind} | | {shown} | | | |")
            continue
        lines.append(f"| {kind} | {sum(statuses[kind].values())} | {shown} | "
                     f"{percentile(times, .5):.0f} | {percentile(times, .99):.0f} | "
                     f"{max(times, default=0):.0f} |")
    total = sum(sum(v.values()) for k, v in statuses.items() if k != "(connections)")
    lines += ["", f"**{len(failures)} errors** (5xx other than the runaway's 503, or dropped "
              f"connections) in {total} requests over {wall:.0f} s "
              f"({total / wall:.0f} requests/s)."]
    lines += [f"- {f}" for f in failures[:20]]
    lines += [f"- `kg load` of {args.load_victims} more victims started at "
              f"{load_result.get('at', 0):.0f} s, took {load_result.get('seconds', 0):.1f} s, "
              f"exit {load_result.get('code')}; the graph status after the run: HTTP "
              f"{version[0]}.",
              f"- {args.slow} slow clients (a byte a second): {slow.opened} connected, "
              f"{slow_open} still open at the end, {len(slow.closed_at)} closed by the server"
              + (f" (after {min(slow.closed_at):.0f}-{max(slow.closed_at):.0f} s)"
                 if slow.closed_at else "")
              + f"; home page median {before_slow:.1f} ms before they connected, "
              f"{with_slow:.1f} ms with them connected.",
              f"- CPU: server tree {tree_cpu:.0f} s, this script {self_cpu:.0f} s, over "
              f"{wall:.0f} s of wall time on {os.cpu_count()} CPUs; the server tree's largest "
              f"RSS sampled {peak_rss[0] / 1024:.0f} MB; this script's peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.",
              f"- {platform.machine()}, Python {platform.python_version()}, "
              f"{datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}; 1-minute load average "
              f"{os.getloadavg()[0]:.1f} at the end.", ""]
    text = "\n".join(lines)
    print(text)
    if args.output:
        with args.output.open("a", encoding="utf-8") as out:
            out.write(text + "\n")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
