"""Memory of the whole `kg serve` process tree on a large graph, once every kind of page, the
explorer, the endpoint, dumps, reconciliation and the validation page have been used; beside
`oxigraph serve-read-only` on the same data after the same SPARQL queries, and an rdflib
in-memory graph of the same data (goal, issue 14: the kg tree at most 1.0 GB).

    python bench/bench_memory.py --store bench/out/store-100k --data bench/out/synth-100k.nq
    python bench/bench_memory.py --store STORE --src /path/to/other/checkout/src   # compare

The store's per-version cache files are removed first (so every per-version value is built
by this server, as after `kg load`), unless --keep-cache. Every request of
bench/workload.py's visit is made `--rounds` times from 4 threads, so each worker serves
each kind; then the validation page is polled until its report is in (memory is sampled every
second meanwhile: the tree's peak, and each child's peak), then the visit is made once more,
and the memory of every process is read: RSS (anonymous + file-backed), PSS (shared pages
divided among the processes sharing them) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from workload import (
    Client,
    Dropped,
    _fetch,
    cmdline,
    cpu_seconds,
    discover,
    every_request,
    memory,
    stop,
    tree,
)

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode})")
        try:
            if _fetch(url, "/", "text/html")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not answer")


def role(pid: int, main: int) -> str:
    line = cmdline(pid)
    if pid == main:
        return "server (Granian main)"
    if "serve-read-only" in line:
        return "Oxigraph child"
    if "kg.validation_child" in line:
        return "validation child"
    if "kg.cache_child" in line:  # python -m kg.cache_child MODULE SLOT ...
        return f"{line.split('kg.cache_child', 1)[1].split()[1]} child"
    return "web worker"


class Sampler(threading.Thread):
    """Samples the tree every second: the largest total RSS seen, and each child's peak."""

    def __init__(self, main: int) -> None:
        super().__init__(daemon=True)
        self.main = main
        self.peak_total = 0
        self.peaks: dict[int, tuple[str, int]] = {}
        self.peak_parts: list[tuple[str, int]] = []  # (role, RSS) at the peak
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(1.0):
            total = 0
            parts = []
            for pid in tree(self.main):
                m = memory(pid)
                total += m.get("VmRSS", 0)
                name = role(pid, self.main)
                parts.append((name, m.get("VmRSS", 0)))
                if name.endswith("child") and name != "Oxigraph child":
                    self.peaks[pid] = (name, max(self.peaks.get(pid, ("", 0))[1],
                                                 m.get("VmHWM", 0)))
            if total > self.peak_total:
                self.peak_total, self.peak_parts = total, parts


def visit(url: str, requests: list, rounds: int) -> dict[str, int]:
    """Every request `rounds` times from 4 threads; counts of statuses (and drops)."""
    counts: dict[str, int] = {}
    lock = threading.Lock()
    local = threading.local()

    def one(item: tuple) -> None:
        kind, method, path, body = item
        try:
            client = local.client
        except AttributeError:
            client = local.client = Client(url)
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if kind == "reconcile" \
            else {"Content-Type": "application/json"} if body else {}
        try:
            status, _ = client.request(method, path, body, headers)
            key = f"{kind} {status}"
        except Dropped as exc:
            key = f"{kind} dropped ({exc})"
        with lock:
            counts[key] = counts.get(key, 0) + 1

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(one, requests * rounds))
    return counts


def report_tree(main: int) -> list[tuple[str, int, dict[str, int]]]:
    rows = [(role(pid, main), pid, memory(pid)) for pid in tree(main)]
    order = ["server (Granian main)", "web worker", "Oxigraph child", "validation child"]
    return sorted(rows, key=lambda r: (order.index(r[0]) if r[0] in order else len(order),
                                       r[1]))


def oxigraph_alone(public: Path, queries: list[str]) -> dict[str, int]:
    """`oxigraph serve-read-only` on the same partition after the same SPARQL queries and a
    download of the whole dataset (its dump)."""
    binary = Path(sys.executable).parent / "oxigraph"
    port = free_port()
    process = subprocess.Popen([str(binary), "serve-read-only", "--location", str(public),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        client = Client(base)
        for _ in range(3):
            for q in queries:
                client.request("GET", "/query?union-default-graph&" + q.split("?", 1)[1],
                               headers={"Accept": "application/sparql-results+json"})
        client.request("GET", "/store", headers={"Accept": "application/n-quads"})
        return memory(process.pid)
    finally:
        process.terminate()
        process.wait()


_RDFLIB = """
import sys, time, resource, rdflib
started = time.perf_counter()
ds = rdflib.Dataset()
ds.parse(sys.argv[1], format="nquads")
took = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
rss = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")][0]
print(len(ds), took, usage.ru_utime + usage.ru_stime, rss, usage.ru_maxrss)
"""


def rdflib_alone(data: Path) -> tuple[int, float, float, int, int]:
    done = subprocess.run([sys.executable, "-c", _RDFLIB, str(data)], capture_output=True,
                          text=True, check=True)
    quads, took, cpu, rss, peak = done.stdout.split()
    return int(quads), float(took), float(cpu), int(rss), int(peak)


def mb(kib: int) -> str:
    return f"{kib / 1024:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--data", type=Path, help="the same data as a file, for rdflib")
    parser.add_argument("--src", type=Path, help="serve this checkout's src/ instead")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep-cache", action="store_true")
    parser.add_argument("--validation-wait", type=float, default=3600)
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--label", default="this checkout")
    parser.add_argument("-o", "--output", type=Path, help="append the Markdown report here")
    args = parser.parse_args()

    if not args.keep_cache:
        shutil.rmtree(args.store / "cache", ignore_errors=True)
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(args.src.resolve())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(args.store), "--port", str(port),
         "--workers", str(args.workers), "--threads", str(args.threads)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    lines: list[str] = []
    try:
        wait_until_up(url, server)
        sampler = Sampler(server.pid)
        sampler.start()
        targets = discover(url)
        requests = every_request(targets)
        counts = visit(url, requests, args.rounds)
        print(f"visited {len(requests)} kinds of request x {args.rounds}: "
              f"{time.monotonic() - started:.0f} s", file=sys.stderr)
        deadline = time.monotonic() + args.validation_wait
        while (status := _fetch(url, "/validation.json")[0]) == 503:
            if time.monotonic() > deadline:
                break
            time.sleep(2)
        validated = time.monotonic() - started
        print(f"validation answered {status} after {validated:.0f} s", file=sys.stderr)
        after = visit(url, requests, 1)
        for key, n in after.items():
            counts[key] = counts.get(key, 0) + n
        time.sleep(2)
        rows = report_tree(server.pid)
        cpu = sum(cpu_seconds(pid) for _, pid, _ in rows)
        sampler.stop.set()
        public = None
        try:
            pointer = json.loads((args.store / "kg-store.json").read_text())["current"]
            public = args.store / pointer / "public"
        except (OSError, ValueError, KeyError):
            pass
    finally:
        stop(server)

    total = {k: sum(m.get(k, 0) for _, _, m in rows) for k in ("VmRSS", "Pss", "RssAnon",
                                                               "RssFile")}
    lines.append(f"### {args.label}: `kg serve --workers {args.workers} --threads "
                 f"{args.threads}`\n")
    lines.append("| process | pid | RSS MB | anonymous MB | file-backed MB | PSS MB "
                 "| peak RSS MB |")
    lines.append("|---|---|---|---|---|---|---|")
    for name, pid, m in rows:
        lines.append(f"| {name} | {pid} | {mb(m.get('VmRSS', 0))} | {mb(m.get('RssAnon', 0))} | "
                     f"{mb(m.get('RssFile', 0))} | {mb(m.get('Pss', 0))} | "
                     f"{mb(m.get('VmHWM', 0))} |")
    lines.append(f"| **whole tree** | | **{mb(total['VmRSS'])}** | {mb(total['RssAnon'])} | "
                 f"{mb(total['RssFile'])} | **{mb(total['Pss'])}** | |")
    children = "; ".join(f"{name} {mb(peak)} MB" for name, peak in sampler.peaks.values())
    parts = " + ".join(f"{name} {mb(rss)}" for name, rss in sampler.peak_parts)
    lines.append(f"\nLargest tree total seen while sampling (1 s): {mb(sampler.peak_total)} MB"
                 f" ({parts})"
                 f"{'; children at their peak: ' + children if children else ''}. "
                 f"CPU of the tree: {cpu:.0f} s over {validated:.0f} s of wall time to the "
                 "validation report.")
    odd = {k: n for k, n in counts.items() if not k.split()[-1].isdigit()
           or int(k.split()[-1]) >= 400}
    lines.append(f"Requests: {sum(counts.values())}, of which not 2xx/3xx: "
                 f"{odd if odd else 'none'}.\n")

    if public is not None:
        sparql = [p for k, _, p, _ in requests if k == "sparql" and "?" in p]
        alone = oxigraph_alone(public, sparql)
        lines.append(f"`oxigraph serve-read-only` on the same partition, after the same "
                     f"{len(sparql)} SPARQL queries (x3) and a download of the whole store: "
                     f"RSS {mb(alone.get('VmRSS', 0))} MB (peak {mb(alone.get('VmHWM', 0))} MB)"
                     f" -> kg tree / Oxigraph = {total['VmRSS'] / max(1, alone['VmRSS']):.1f}x.")
    if args.data and not args.no_rdflib:
        quads, took, cpu_r, rss, peak = rdflib_alone(args.data)
        lines.append(f"rdflib `Dataset.parse` of {args.data.name} ({quads:,} quads) in memory: "
                     f"RSS {mb(rss)} MB (peak {mb(peak)} MB), {took:.0f} s wall, {cpu_r:.0f} s "
                     f"CPU -> kg tree / rdflib = {total['VmRSS'] / max(1, rss):.2f}x.")
    lines.append(f"\n{platform.machine()}, {os.cpu_count()} CPUs, Python "
                 f"{platform.python_version()}, "
                 f"{datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}; 1-minute load average "
                 f"{os.getloadavg()[0]:.1f}.\n")
    text = "\n".join(lines)
    print(text)
    if args.output:
        with args.output.open("a", encoding="utf-8") as out:
            out.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
