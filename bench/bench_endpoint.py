"""Benchmark /sparql of `kg serve` against `oxigraph serve-read-only` on the same graph, in one run.

Not a timed test: run it by hand and read the ratios.

    python bench/bench_endpoint.py                 # 50k victims (~650k quads), wrk
    python bench/bench_endpoint.py --victims 5000 --seconds 5

Both servers read the same synthetic graph (bench/synth.py) with the union default graph,
and `wrk` (Debian package `wrk`) drives them with the same GET request, alternating rounds
so machine noise hits all alike. kg runs twice: without its result cache (every request
evaluated by the engine: the engine-vs-engine comparison) and with it (repeated
queries answered from memory, as in production). Goals (issue 5): >= 0.8x Oxigraph's requests/s on
the selective join at 8 connections, >= 0.9x on the GROUP BY at 4 connections.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from kg.query.child import oxigraph_binary

HERE = Path(__file__).resolve().parent
PREFIXES = ("PREFIX kg: <https://kg.example.org/ontology#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
#: name -> (query, connections)
QUERIES: dict[str, tuple[str, int]] = {
    "selective join": (PREFIXES + "SELECT ?person ?label WHERE { "
                       "?p kg:inEvent <https://kg.example.org/id/event/synth-execution-00042> ; "
                       "kg:participant ?person . ?person rdfs:label ?label "
                       "FILTER(LANG(?label) = 'en') }", 8),
    "group by events": (PREFIXES + "SELECT ?event (COUNT(?p) AS ?victims) "
                        "WHERE { ?p kg:inEvent ?event } GROUP BY ?event ORDER BY DESC(?victims)",
                        4),
}
GOALS = {"selective join": 0.8, "group by events": 0.9}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited ({process.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in {timeout} s")


def prepare(work: Path, victims: int) -> tuple[Path, Path]:
    """Synthetic data loaded into a kg DiskStore and an Oxigraph directory (reused if there)."""
    data = work / f"synth-{victims}.nq.gz"
    if not data.exists():
        subprocess.run([sys.executable, str(HERE / "synth.py"), "--victims", str(victims),
                        "-o", str(data)], check=True)
    kg_store = work / f"kg-{victims}"
    if not (kg_store / "kg-store.json").exists():
        shutil.rmtree(kg_store, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "kg", "load", str(data), "--store",
                        str(kg_store), "-q"], check=True)
    ox_store = work / f"ox-{victims}"
    if not ox_store.exists():
        subprocess.run([oxigraph_binary(), "load", "--location", str(ox_store), "--file",
                        str(data)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return kg_store, ox_store


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and everything below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def wait_until_idle(pids: list[int], timeout: float = 600) -> None:
    """kg workers warm their caches (graph projection, search index, home page) at start-up;
    measure only once that work is done and the servers sit idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = sum(tree_cpu(p) for p in pids)
        time.sleep(2)
        if sum(tree_cpu(p) for p in pids) - before < 0.2:
            return
    raise SystemExit("kg servers still busy warming up after 10 minutes")


def wrk(url: str, connections: int, seconds: float) -> float:
    """Requests/s from one wrk run (non-2xx answers make the run invalid)."""
    out = subprocess.run(
        ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "--timeout", "30s",
         "-d", f"{max(1, round(seconds))}s", "-H", "Accept: application/sparql-results+json", url],
        check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"errors from {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--victims", type=int, default=50000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="kg serve worker processes")
    parser.add_argument("--threads", type=int, default=4, help="kg serve threads per worker")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    args.work.mkdir(parents=True, exist_ok=True)
    kg_store, ox_store = prepare(args.work, args.victims)

    ports = {"ox": free_port(), "kg": free_port(), "kg+cache": free_port()}
    servers = {"ox": subprocess.Popen(
        [oxigraph_binary(), "serve-read-only", "--location", str(ox_store), "--bind",
         f"127.0.0.1:{ports['ox']}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)}
    for side, cache in (("kg", "0"), ("kg+cache", str(64 << 20))):
        servers[side] = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--store", str(kg_store), "--port",
             str(ports[side]), "--workers", str(args.workers), "--threads", str(args.threads)],
            env={**os.environ, "KG_QUERY_TIMEOUT": "30", "KG_RESULT_CACHE_BYTES": cache},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    paths = {"ox": "/query", "kg": "/sparql", "kg+cache": "/sparql"}
    try:
        for side, process in servers.items():
            wait_for(f"http://127.0.0.1:{ports[side]}{paths[side]}?query=ASK%7B%7D", process)
        wait_until_idle([servers["kg"].pid, servers["kg+cache"].pid])
        print(f"graph: {args.victims} victims; kg serve {args.workers} workers x "
              f"{args.threads} threads; wrk {args.seconds:g} s x {args.rounds} rounds "
              f"(median); {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        print(f"{'query':<16} {'conns':>5} {'oxigraph':>9} {'kg':>8} {'ratio':>6} "
              f"{'kg+cache':>9} {'ratio':>6} {'goal':>5}   (requests/s)")
        for name, (query, connections) in QUERIES.items():
            encoded = urllib.parse.quote(query)
            urls = {side: f"http://127.0.0.1:{ports[side]}{paths[side]}?query={encoded}"
                    for side in servers}
            for url in urls.values():
                wrk(url, connections, 2)  # warm caches on every side
            rates: dict[str, list[float]] = {side: [] for side in servers}
            for _ in range(args.rounds):
                for side in servers:
                    rates[side].append(wrk(urls[side], connections, args.seconds))
            median = {side: statistics.median(r) for side, r in rates.items()}
            print(f"{name:<16} {connections:>5} {median['ox']:>9.0f} {median['kg']:>8.0f} "
                  f"{median['kg'] / median['ox']:>5.2f}x {median['kg+cache']:>9.0f} "
                  f"{median['kg+cache'] / median['ox']:>5.2f}x {GOALS[name]:>4.1f}x",
                  flush=True)
    finally:
        for process in servers.values():
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
