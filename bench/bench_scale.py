"""10x scale: 1M synthetic victims (~13M quads) on the embedded store and on Virtuoso 7.

One run, phases in order, each printed and appended to the results as it finishes (a phase
that fails or passes its time budget says so and the run goes on):

1. load: `kg load` into a DiskStore against `oxigraph load` on the same file; `kg load`
   into a private Virtuoso (Graph Store batches) against Virtuoso's own bulk loader
   (`ld_dir`, `rdf_loader_run`, `checkpoint`) into another; wall time and peak memory;
2. entity pages: first-view render times (p50/p95) of sampled entities of every kind, the
   app in this process over each store (`bench_pages.pick_entities`);
3. /sparql: kg's endpoint against the engine's own (Oxigraph `serve-read-only` for the
   embedded store, Virtuoso's /sparql), same queries as `bench_endpoint.py`, sequential
   requests, median latency and the ratio;
4. `kg validate` on the embedded store (wall time, peak memory) within a time budget.

A fifth phase, `pages-virtuoso`, loads the public quads with Virtuoso's own loader only,
runs `kg refresh` and measures the entity pages over it (no `kg load` into Virtuoso).

    python bench/bench_scale.py                    # 1M victims; results in bench/results/
    python bench/bench_scale.py --victims 20000 --out /tmp/scale.md   # a quick check
    python bench/bench_scale.py --phases pages-virtuoso,validate --out /tmp/part.md

With --phases, the files a previous run left in --workdir (synth.nq, public.nq, the
embedded store kg-store) are reused; what is missing is made first (the embedded store by
`kg load`, timed and reported).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from tests.conftest import free_port, wait_for  # noqa: E402
from tests.engines import VirtuosoServer  # noqa: E402

from bench_endpoint import QUERIES  # noqa: E402
from bench_pages import percentile, pick_entities  # noqa: E402
from kg.config import Config  # noqa: E402
from kg.entity.claim_index import CLAIM_INDEX  # noqa: E402
from kg.namespaces import RESTRICTED_GRAPH_PREFIX  # noqa: E402
from kg.query.child import oxigraph_binary  # noqa: E402
from kg.store import DiskStore, Store, open_store  # noqa: E402
from kg.web import create_app  # noqa: E402
from kg.web.entities import ENTITY_PAGES  # noqa: E402
from synth import write_file  # noqa: E402

GB = 1 << 30


class Report:
    """Lines of the results file, written after every phase."""

    def __init__(self, path: Path, header: str) -> None:
        self.path = path
        self.lines = [header, ""]
        self.flush()

    def add(self, *lines: str) -> None:
        for line in lines:
            print(line, flush=True)
        self.lines += lines
        self.flush()

    def flush(self) -> None:
        self.path.write_text("\n".join(self.lines) + "\n")


def run(cmd: list[str], env: dict[str, str] | None = None, timeout: float | None = None,
        ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds and the child's own peak RSS (GB, from wait4); exit codes outside `ok`
    raise."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    deadline = None if timeout is None else began + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            proc.wait()
            raise subprocess.TimeoutExpired(cmd, timeout or 0)
        time.sleep(0.2)
    seconds = time.perf_counter() - began
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed: {err.decode(errors='replace')[-800:]}")
    return seconds, usage.ru_maxrss / (1 << 20)


def kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


def phase(report: Report, name: str, work: Callable[[], None]) -> None:
    began = time.perf_counter()
    try:
        work()
    except Exception as exc:  # noqa: BLE001 - a failed phase is a result too
        report.add(f"- {name}: did not complete ({type(exc).__name__}: {str(exc)[:300]})")
    print(f"[{name}: {time.perf_counter() - began:.0f} s]", file=sys.stderr, flush=True)


def page_times(store: Store, location: str, per_kind: int, env: dict[str, str]
               ) -> tuple[float, float, float]:
    """(warm-up s, p50 ms, p95 ms) of first-view entity pages, app in this process."""
    began = time.perf_counter()
    app = create_app(Config.load({"store": location}, environ=env), store=store)
    client = app.test_client()
    CLAIM_INDEX.get(store, wait=None)
    claims = time.perf_counter() - began
    assert client.get("/search?q=warmup").status_code == 200
    warm = time.perf_counter() - began
    print(f"warm-up: claim index {claims:.0f} s, search index {warm - claims:.0f} s",
          file=sys.stderr, flush=True)
    times = []
    base = "https://kg.example.org/id/"
    for iris in pick_entities(store, per_kind).values():  # type: ignore[arg-type]
        for iri in iris:
            ENTITY_PAGES.clear(store)
            t0 = time.perf_counter()
            response = client.get("/page/" + iri[len(base):])
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, iri
    return warm, statistics.median(times), percentile(times, .95)


def latency(url: str, query: str, repeat: int) -> float:
    """Median ms of `repeat` sequential GETs of `query` (JSON results)."""
    target = url + "?" + urllib.parse.urlencode({"query": query})
    times = []
    for i in range(repeat + 1):
        t0 = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(  # noqa: S310 - 127.0.0.1
                target, headers={"Accept": "application/sparql-results+json"}),
                timeout=600) as response:
            response.read()
        if i:  # the first run warms caches on both sides
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def serve(store: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(kg("serve", "--store", store, "--port", str(port), "--workers", "1",
                               "--threads", "4"),
                            env={**os.environ, **env, "KG_RESULT_CACHE_BYTES": "0"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", proc, timeout=3600)
    return proc, f"http://127.0.0.1:{port}/sparql"


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def public_quads(data: Path, public: Path) -> None:
    """The public quads of `data` (a remote store holds public data only)."""
    marker = f"<{RESTRICTED_GRAPH_PREFIX}".encode()
    with data.open("rb") as src, public.open("wb") as out:
        out.writelines(line for line in src if marker not in line)


def own_load(server: VirtuosoServer, work: Path) -> float:
    """Wall seconds of Virtuoso's own bulk loader on work/public.nq, checkpoint included."""
    began = time.perf_counter()
    server.isql(f"ld_dir('{work}', 'public.nq', 'https://kg.example.org/graph/loaded/x');"
                "\nrdf_loader_run();\ncheckpoint;")
    return time.perf_counter() - began


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b""))


PHASES = ("load", "load-virtuoso", "pages", "pages-virtuoso", "sparql", "validate")
DEFAULT_PHASES = ("load", "load-virtuoso", "pages", "sparql", "validate")


def phases_arg(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in PHASES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown phase {', '.join(unknown)}; "
                                         f"choose from {', '.join(PHASES)}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--victims", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kg-scale"))
    parser.add_argument("--out", type=Path, default=HERE / "results" / "scale.md")
    parser.add_argument("--per-kind", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--validate-budget", type=float, default=2400,
                        help="seconds kg validate may take before it is stopped")
    parser.add_argument("--virtuoso-buffers", type=int, default=400_000,
                        help="NumberOfBuffers (8 KiB pages) of each Virtuoso instance")
    parser.add_argument("--phases", type=phases_arg, default=None,
                        help=f"comma-separated, run in this order: {', '.join(PHASES)} "
                             f"(default: {','.join(DEFAULT_PHASES)}); reuses --workdir's files")
    args = parser.parse_args(argv)
    work = args.workdir
    selected = args.phases or DEFAULT_PHASES
    if args.phases is None:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    data = work / "synth.nq"
    began = time.perf_counter()
    if data.exists():
        quads, made = count_lines(data), "reused from an earlier run"
    else:
        quads = write_file(args.victims, data)
        made = f"written in {time.perf_counter() - began:.0f} s"
    report = Report(args.out, (
        f"# 10x scale: {args.victims:,} synthetic victims, {quads:,} quads\n\n"
        f"`python bench/bench_scale.py"
        f"{' --phases ' + ','.join(selected) if args.phases else ''}` "
        f"({time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} CPUs {platform.machine()}, Python {platform.python_version()}, "
        f"{os.getloadavg()[0]:.1f} load average at the start; other engineers' work shares "
        f"the machine, which stretches wall times). Data {made}."))
    disk, oxdir = work / "kg-store", work / "ox-store"
    env_disk = {"KG_STORE": str(disk)}
    public = work / "public.nq"
    vt_kg = vt_own = None
    tables: set[str] = set()

    def table(name: str, *header: str) -> None:
        """A results table's heading, once per run."""
        if name not in tables:
            tables.add(name)
            report.add(*header)

    def loading_table() -> None:
        table("load", "## Loading", "", "| what | wall | peak memory |", "|---|---|---|")

    def kg_load_embedded() -> float:
        shutil.rmtree(disk, ignore_errors=True)
        run(kg("build", "--quiet"), env_disk)
        seconds, rss = run(kg("load", "--quiet", str(data)), env_disk)
        loading_table()
        report.add(f"| `kg load` into the embedded store | {seconds:.0f} s | {rss:.1f} GB |")
        return seconds

    def embedded_store() -> None:
        """The embedded store a later phase reads: loaded now unless an earlier run left it."""
        if not (disk / "kg-store.json").exists():
            kg_load_embedded()

    def embedded_load() -> None:
        shutil.rmtree(oxdir, ignore_errors=True)
        seconds, rss = run([oxigraph_binary(), "load", "--location", str(oxdir),
                            "--file", str(data)])
        loading_table()
        report.add(f"| `oxigraph load` (embedded) | {seconds:.0f} s | {rss:.1f} GB |")
        shutil.rmtree(oxdir, ignore_errors=True)
        seconds2 = kg_load_embedded()
        report.add(f"\n`kg load` / `oxigraph load`: {seconds2 / seconds:.2f}x\n")

    def virtuoso_load() -> None:
        nonlocal vt_kg, vt_own
        # A remote store holds public data only: both Virtuoso loads take the public quads.
        if not public.exists():
            public_quads(data, public)
        vt_own = VirtuosoServer(work / "vt-own", row_cap=1 << 20, buffers=args.virtuoso_buffers,
                                load_dirs=str(work), max_seconds=3600)
        own = own_load(vt_own, work)
        own_rss = vt_own.rss_kb() / (1 << 20)
        vt_own.stop()
        shutil.rmtree(work / "vt-own", ignore_errors=True)
        loading_table()
        report.add(f"| Virtuoso's own loader (`ld_dir`, `rdf_loader_run`, `checkpoint`) | "
                   f"{own:.0f} s | server {own_rss:.1f} GB |")
        vt_kg = VirtuosoServer(work / "vt-kg", row_cap=1 << 20, buffers=args.virtuoso_buffers,
                               max_seconds=3600)
        env = vt_kg.environ()
        run(kg("build", "--quiet"), env)
        seconds, rss = run(kg("load", "--quiet", str(public)), env)
        vt_kg.isql("checkpoint;")
        report.add(f"| `kg load` into Virtuoso (Graph Store batches) | {seconds:.0f} s "
                   f"({seconds / own:.2f}x) | kg {rss:.1f} GB, server "
                   f"{vt_kg.rss_kb() / (1 << 20):.1f} GB |")

    def pages_table() -> None:
        table("pages", "", "## Entity pages (first view, app in this process)", "",
              "| store | warm-up (claim index, search) | p50 | p95 |", "|---|---|---|---|")

    def pages() -> None:
        embedded_store()
        pages_table()
        store = DiskStore(disk)
        warm, p50, p95 = page_times(store, str(disk), args.per_kind, {})
        report.add(f"| embedded | {warm:.0f} s | {p50:.1f} ms | {p95:.1f} ms |")
        if vt_kg is not None:
            remote = open_store(Config.load({}, environ=vt_kg.environ()))
            warm, p50, p95 = page_times(remote, vt_kg.url, args.per_kind, vt_kg.environ())
            report.add(f"| Virtuoso | {warm:.0f} s | {p50:.1f} ms | {p95:.1f} ms |")
        report.add(f"\nRSS of this process after both: "
                   f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1 << 20):.1f} GB")

    def pages_virtuoso() -> None:
        """Pages over a Virtuoso loaded by its own loader, then told by `kg refresh`."""
        if not public.exists():
            public_quads(data, public)
        server = VirtuosoServer(work / "vt-pages", row_cap=1 << 20,
                                buffers=args.virtuoso_buffers, load_dirs=str(work),
                                max_seconds=3600)
        try:
            env = server.environ()
            run(kg("build", "--quiet"), env)
            own = own_load(server, work)
            run(kg("refresh"), env)
            store = open_store(Config.load({}, environ=env))
            loading_table()
            report.add(f"| Virtuoso's own loader, then `kg refresh` ({store.count():,} quads) "
                       f"| {own:.0f} s | server {server.rss_kb() / (1 << 20):.1f} GB |")
            pages_table()
            warm, p50, p95 = page_times(store, server.url, args.per_kind, env)
            report.add(f"| Virtuoso (own loader) | {warm:.0f} s | {p50:.1f} ms | {p95:.1f} ms |",
                       "", f"Virtuoso server RSS after the pages: "
                       f"{server.rss_kb() / (1 << 20):.1f} GB; this process "
                       f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1 << 20):.1f} "
                       f"GB peak; load average {os.getloadavg()[0]:.1f}.")
        finally:
            server.stop()
            shutil.rmtree(work / "vt-pages", ignore_errors=True)

    def sparql() -> None:
        report.add("", "## /sparql against the engine's own endpoint (median of "
                   f"{args.repeat} sequential requests)", "",
                   "| store | query | engine | kg | kg/engine |", "|---|---|---|---|---|")
        embedded_store()
        kg_proc, kg_url = serve(str(disk), env_disk)
        port = free_port()
        own = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location",
                                str(DiskStore(disk).public_path()), "--bind",
                                f"127.0.0.1:{port}",
                                "--union-default-graph"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        try:
            own_url = f"http://127.0.0.1:{port}/query"
            wait_for(own_url + "?query=ASK%7B%7D", own)
            for name, (query, _) in QUERIES.items():
                a, b = latency(own_url, query, args.repeat), latency(kg_url, query, args.repeat)
                report.add(f"| embedded | {name} | {a:.1f} ms | {b:.1f} ms | {b / a:.2f}x |")
        finally:
            stop(own)
            stop(kg_proc)
        if vt_kg is not None:
            kg_proc, kg_url = serve(vt_kg.url, vt_kg.environ())
            try:
                for name, (query, _) in QUERIES.items():
                    a = latency(vt_kg.sparql, query, args.repeat)
                    b = latency(kg_url, query, args.repeat)
                    report.add(f"| Virtuoso | {name} | {a:.1f} ms | {b:.1f} ms | "
                               f"{b / a:.2f}x |")
            finally:
                stop(kg_proc)

    def validate() -> None:
        embedded_store()
        load = os.getloadavg()[0]
        try:  # exit 1 = violations found: still a timing
            seconds, rss = run(kg("validate", "-o", str(work / "report.txt")), env_disk,
                               timeout=args.validate_budget, ok=(0, 1))
        except subprocess.TimeoutExpired:
            report.add("", f"## kg validate\n\nStopped after {args.validate_budget:.0f} s "
                       "(budget) on the embedded store.")
            return
        results = count_lines(work / "report.txt")
        report.add("", f"## kg validate\n\nEmbedded store: {seconds:.0f} s, peak {rss:.1f} GB "
                   f"({results:,} report lines; load average {load:.1f} at the start, "
                   f"{os.getloadavg()[0]:.1f} at the end).")

    try:
        work_of = {"load": embedded_load, "load-virtuoso": virtuoso_load, "pages": pages,
                   "pages-virtuoso": pages_virtuoso, "sparql": sparql, "validate": validate}
        for name in selected:
            phase(report, name, work_of[name])
    finally:
        for server in (vt_own, vt_kg):
            if server is not None:
                server.stop()
        report.add("", f"Load average at the end: {os.getloadavg()[0]:.1f}; "
                   f"total {time.perf_counter() - began:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
