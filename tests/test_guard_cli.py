"""Hostile files given to the real CLI (`python -m kg load`, `kg build`, a remote store) and a
hostile SPARQL Update sent to a real server: each refused in one line naming the file and the
reason, within 1 s and 200 MB beyond the CLI's own start-up, and the store left unchanged.

Time and peak memory are the CLI process's own, from `os.wait4` in a small launcher
(`getrusage(RUSAGE_CHILDREN)` would report the largest child of the whole session, and any
child of pytest at least pytest's own size). Time is
CPU time (user + system), which other work on a shared machine does not stretch; the
start-up (about 2 s of imports) is measured once and taken off.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.config import PROJECT_DIR
from kg.store import DiskStore
from tests.conftest import LiveServer, free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import hostile as make  # noqa: E402

SECONDS = 1.0
MEGABYTES = 200


@dataclass
class Run:
    code: int
    stderr: str
    seconds: float  # CPU
    wall: float
    peak_mb: float


#: Runs `python -m kg ARGS` as its own child and prints that child's exit and rusage. Linux
#: carries a process's peak RSS across fork and exec, so a child of this (large) pytest
#: process would report pytest's size; a child of this small launcher reports its own.
_LAUNCH = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.executable, [sys.executable, "-m", "kg", *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime,
                  usage.ru_maxrss]))
"""


def run_kg(*args: str, env: dict[str, str] | None = None) -> Run:
    """`python -m kg ARGS`, with its CPU and wall time and its own peak RSS."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _LAUNCH, *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, check=True)
    seconds = time.monotonic() - started
    code, cpu, peak_kb = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(code, done.stderr, cpu, seconds, peak_kb / 1024)


@pytest.fixture(scope="module")
def startup(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The CLI refusing a missing file: its start-up, which every refusal below includes."""
    store = tmp_path_factory.mktemp("startup") / "store"
    runs = [run_kg("load", "missing.nt", "--store", str(store)) for _ in range(2)]
    assert all(r.code == 1 and "no such file" in r.stderr for r in runs)
    return min(runs, key=lambda r: r.seconds)


@dataclass
class Snapshot:
    pointer: str
    entries: list[str]
    quads: int


def snapshot(path: Path) -> Snapshot:
    with DiskStore(path) as store:
        quads = store.count("full")
    return Snapshot((path / "kg-store.json").read_text(),
                    sorted(p.name for p in path.iterdir() if p.name not in (".lock", "cache")),
                    quads)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding a little data, for refusals to leave alone."""
    base = tmp_path_factory.mktemp("guarded")
    data = make.write(base / "ok.ttl", "<urn:a> <urn:p> <urn:b> .\n<urn:b> <urn:p> ( 1 2 3 ) .\n")
    path = base / "store"
    assert run_kg("load", str(data), "--store", str(path)).code == 0
    return path


def assert_refused(run: Run, startup: Run, path: Path | str, reason: str) -> None:
    lines = run.stderr.strip().splitlines()
    assert run.code == 1, run.stderr
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}"), run.stderr
    assert reason in lines[0], lines[0]
    assert run.seconds - startup.seconds < SECONDS, (run.seconds, startup.seconds)
    assert run.peak_mb < MEGABYTES, run.peak_mb


#: name -> (how to make it in a directory, what the refusal says). What pyoxigraph 0.5.13 did
#: with each, unguarded: see the kg.guard modules.
HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "laughs.rdf": (lambda p: make.write(p, make.laughs()), "max_entity_expansion"),
    "bomb.nt.gz": (make.gzip_bomb, "max_unpack_ratio"),
    "remote.jsonld": (lambda p: make.write(p, '{"@context": "https://x.example/", "@id": "urn:a"}'),
                      "remote JSON-LD context"),
    "nested.jsonld": (lambda p: make.write(p, '{"@context": {}, "urn:p": '
                                              '{"@context": {"x": "urn:x"}, "x": 1}}'),
                      "nested JSON-LD context"),
    "line.nt": (lambda p: make.long_line(p, 300 << 20), "max_line_bytes"),
    "collections.ttl": (lambda p: make.write(p, make.deep_collection(1_000_000)), "max_nesting"),
    "blank-nodes.trig": (lambda p: make.write(p, make.deep_blank_nodes(100_000)), "max_nesting"),
    "triple-terms.nt": (lambda p: make.write(p, make.deep_triple_terms(100_000)), "max_nesting"),
    "deep.jsonld": (lambda p: make.write(p, make.deep_json(4000)), "max_nesting"),
    "deep.rdf": (lambda p: make.write(p, make.deep_xml(30_000)), "max_nesting"),
    "latin1.nt": (lambda p: make.write(p, '<urn:a> <urn:b> "café" .\n'.encode("latin-1")),
                  "Invalid UTF-8"),
    "binary.ttl": (lambda p: make.write(p, bytes(range(256)) * 64), "binary data"),
}


@pytest.fixture
def hostile(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    maker, reason = HOSTILE[request.param]
    path = maker(tmp_path / request.param)
    yield path, reason
    path.unlink()  # the long line is 300 MB


@pytest.mark.parametrize("hostile", list(HOSTILE), indirect=True)
def test_kg_load_refuses_hostile_files(hostile: tuple[Path, str], store: Path,
                                       startup: Run) -> None:
    path, reason = hostile
    before = snapshot(store)
    run = run_kg("load", str(path), "--store", str(store))
    assert_refused(run, startup, path, reason)
    assert snapshot(store) == before


def test_kg_load_refuses_before_loading_any_file(tmp_path: Path, store: Path,
                                                 startup: Run) -> None:
    """A hostile file after good ones: nothing loaded, nothing left half-written."""
    good = make.write(tmp_path / "good.nt", "<urn:x> <urn:y> <urn:z> .\n")
    bomb = make.write(tmp_path / "laughs.rdf", make.laughs())
    before = snapshot(store)
    run = run_kg("load", str(good), str(bomb), "--store", str(store))
    assert_refused(run, startup, bomb, "max_entity_expansion")
    assert snapshot(store) == before


def test_kg_build_refuses_a_hostile_data_file(tmp_path: Path, store: Path,
                                              startup: Run) -> None:
    project = tmp_path / "project"
    for sub in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_DIR / sub, project / sub)
    bomb = make.write(project / "data" / "deep.trig", make.deep_blank_nodes(100_000))
    before = snapshot(store)
    run = run_kg("build", "--store", str(store), env={"KG_PROJECT_DIR": str(project)})
    assert_refused(run, startup, bomb, "max_nesting")
    assert snapshot(store) == before


def test_limits_are_settings(tmp_path: Path, startup: Run) -> None:
    """A trusted file past a limit loads once the limit is raised."""
    path = make.write(tmp_path / "deep.ttl", make.deep_collection(150))
    store = tmp_path / "store"
    assert_refused(run_kg("load", str(path), "--store", str(store)), startup, path,
                   "KG_MAX_NESTING")
    assert run_kg("load", str(path), "--store", str(store),
                  env={"KG_MAX_NESTING": "200"}).code == 0


def test_remote_loads_are_refused_before_anything_is_sent(tmp_path: Path, startup: Run) -> None:
    """Nothing listens at the remote store's address: had kg tried to send anything, the
    error would be that it cannot reach the server."""
    bomb = make.write(tmp_path / "laughs.rdf", make.laughs())
    run = run_kg("load", str(bomb), "--store", f"http://127.0.0.1:{free_port()}")
    assert_refused(run, startup, bomb, "max_entity_expansion")


def test_a_deep_sparql_update_is_refused_and_the_server_lives_on(tmp_path: Path,
                                                                 store: Path) -> None:
    served = tmp_path / "served"
    shutil.copytree(store, served)
    before = snapshot(served)
    server = LiveServer(served, args=["--write-enabled", "--write-token", "secret"])
    try:
        def post(update: str) -> tuple[int, str]:
            request = urllib.request.Request(
                server.sparql, data=update.encode(),
                headers={"Content-Type": "application/sparql-update",
                         "Authorization": "Bearer secret"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read().decode()

        deep = ("INSERT { GRAPH <urn:g> { <urn:a> <urn:b> ?x } } WHERE { BIND("
                + "(" * 10_000 + "1" + ")" * 10_000 + " AS ?x) }")
        status, body = post(deep)
        assert status == 400 and "max_nesting" in body
        assert server.process.poll() is None
        assert snapshot(served) == before
        status, _ = post("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> ((1)) } }")
        assert status == 204
        deep_query = "SELECT * WHERE { " + "{ " * 10_000 + "?s ?p ?o" + " }" * 10_000 + " }"
        request = urllib.request.Request(server.sparql, data=deep_query.encode(),
                                         headers={"Content-Type": "application/sparql-query"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        refused.value.close()
        assert refused.value.code == 400
    finally:
        server.stop()


def test_kg_query_is_guarded_too(tmp_path: Path, store: Path, startup: Run) -> None:
    """A query from the command line is held to the same limits as one sent to /sparql
    (a deep one crashed pyoxigraph's parser): refused in one line, from the settings."""
    deep = "SELECT * WHERE { " + "{ " * 10_000 + "?s ?p ?o" + " }" * 10_000 + " }"
    assert_refused(run_kg("query", deep, "--store", str(store)), startup, "the query",
                   "max_nesting")
    path = make.write(tmp_path / "deep.rq", deep)
    assert_refused(run_kg("query", "-f", str(path), "--store", str(store)), startup, path,
                   "KG_MAX_NESTING")
    shallow = "SELECT * WHERE { " + "{ " * 150 + "?s ?p ?o" + " }" * 150 + " } LIMIT 1"
    assert run_kg("query", shallow, "--store", str(store)).code == 1
    assert run_kg("query", shallow, "--store", str(store),
                  env={"KG_MAX_NESTING": "200"}).code == 0
    federated = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    run = run_kg("query", federated, "--store", str(store))
    assert run.code == 1 and "SERVICE" in run.stderr, run.stderr
