"""Real SPARQL servers for the tests: Oxigraph server and Virtuoso 7 (Debian's package), each
a private instance on free ports of 127.0.0.1, started once per session and stopped after.

Virtuoso runs from its own `virtuoso.ini` in a scratch directory (database, temp database,
transaction log there; `DirsAllowed` there for its bulk loader), with a small row cap
(`ResultSetMaxRows` = VIRTUOSO_ROW_CAP) so that the paging past the cap is exercised on
the bundled data, and SPARQL Update granted to the anonymous `SPARQL` user as the README
says. The benchmark (bench/bench_scale.py) starts its instances with the same class.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.query.child import oxigraph_binary
from kg.store import RemoteStore, Store
from tests.conftest import free_port, wait_for

VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
ISQL = shutil.which("isql-vt") or "/usr/bin/isql-vt"
VIRTUOSO_ROW_CAP = 1000
REMOTE_ENGINES = ("oxigraph", "virtuoso")

INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}, {load_dirs}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
CheckpointInterval = 60
ThreadsPerQuery = 2
MaxQueryMem = 1G
{sorted_rows}[HTTPServer]
ServerPort = {http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = {row_cap}
MaxQueryExecutionTime = {max_seconds}
"""


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot run here (None if it can)."""
    if not Path(VIRTUOSO).exists():
        return f"{VIRTUOSO} missing: install Debian's virtuoso-opensource (README, Quick start)"
    return None


class VirtuosoServer:
    """A private Virtuoso 7: `url` is its root, `sparql` its SPARQL endpoint."""

    def __init__(self, directory: Path, *, row_cap: int = VIRTUOSO_ROW_CAP,
                 buffers: int = 10_000, load_dirs: str = "/tmp", max_seconds: int = 60,
                 sorted_rows: int | None = None) -> None:
        """`sorted_rows`: MaxSortedTopRows (rows an ORDER BY ... LIMIT/OFFSET may sort;
        Virtuoso's default, 10,000, when None)."""
        directory.mkdir(parents=True, exist_ok=True)
        self.dir = directory
        self.sql_port, self.http_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.sparql = self.url + "/sparql"
        self.graph_crud = self.url + "/sparql-graph-crud"
        ini = directory / "virtuoso.ini"
        ini.write_text(INI.format(dir=directory, sql_port=self.sql_port,
                                  http_port=self.http_port, row_cap=row_cap, buffers=buffers,
                                  dirty=buffers * 3 // 4, load_dirs=load_dirs,
                                  max_seconds=max_seconds,
                                  sorted_rows="" if sorted_rows is None
                                  else f"MaxSortedTopRows = {sorted_rows}\n"))
        self.process = subprocess.Popen(
            [VIRTUOSO, "-c", str(ini), "+foreground"], cwd=directory,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(self.sparql + "?query=ASK%7B%7D", self.process, timeout=120)
            self.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        except BaseException:
            self.stop()
            raise

    def isql(self, sql: str, timeout: float = 3600) -> str:
        """Run SQL as `dba` (the default password of a new database)."""
        done = subprocess.run([ISQL, str(self.sql_port), "dba", "dba"], input=sql + "\n",
                              capture_output=True, text=True, timeout=timeout, check=True)
        if "*** Error" in done.stdout:
            raise RuntimeError(f"Virtuoso SQL failed: {done.stdout.strip()[-500:]}")
        return done.stdout

    def environ(self) -> dict[str, str]:
        """The README's settings for a Virtuoso store."""
        return {"KG_STORE": self.url, "KG_REMOTE_QUERY_URL": self.sparql,
                "KG_REMOTE_UPDATE_URL": self.sparql, "KG_REMOTE_STORE_URL": self.graph_crud}

    def store(self, **kwargs) -> RemoteStore:
        return RemoteStore(self.url, query_url=self.sparql, update_url=self.sparql,
                           store_url=self.graph_crud, **kwargs)

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class OxigraphServer:
    """`oxigraph serve --union-default-graph` on a directory, as the README asks."""

    def __init__(self, directory: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--location", str(directory), "--bind",
             f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(self.url + "/query?query=ASK%7B%7D", self.process)
        except BaseException:
            self.stop()
            raise

    def environ(self) -> dict[str, str]:
        return {"KG_STORE": self.url}

    def store(self, **kwargs) -> RemoteStore:
        return RemoteStore(self.url, **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def clear(store: Store) -> None:
    """Drop kg's graphs (never DROP ALL: Virtuoso keeps its own graphs beside them)."""
    graphs = store.named_graphs()
    if graphs:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    missing = virtuoso_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


def remote_server(request: pytest.FixtureRequest, engine: str):
    """The session's server of `engine` (oxigraph or virtuoso)."""
    return request.getfixturevalue(f"{engine}_server")


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()
