"""Shared fixtures: the bundled graph built once, a real server on 127.0.0.1, real Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.build import build
from kg.config import PROJECT_DIR, Config
from kg.formats import for_path
from kg.store import DiskStore, LoadSource, MemoryStore, Store, default_graph_for
from kg.web import create_app

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
#: Session-scoped SPARQL servers (Oxigraph server, Virtuoso) live in tests/engines.py.
pytest_plugins = ["tests.engines"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    """Poll until `url` answers, failing early if the server process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def sources_for(*paths: Path, graph: str | None = None) -> list[LoadSource]:
    return [LoadSource(p, for_path(p), graph or default_graph_for(p)) for p in paths]


@pytest.fixture(scope="session")
def built_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data built (and SHACL-gated) into an on-disk store, once per session."""
    path = tmp_path_factory.mktemp("store") / "store"
    with DiskStore(path) as store:
        build(store, PROJECT_DIR)
    return path


@pytest.fixture
def memory_store() -> Store:
    return MemoryStore()


def make_app(store: Store, **settings: object) -> Flask:
    """The app over `store`, with kg settings given as keywords (nothing from KG_*)."""
    location = store.path if isinstance(store, DiskStore) else "memory"
    return create_app(Config.load({"store": str(location), **settings}, environ={}),
                      store=store)


@pytest.fixture(scope="session")
def app(built_store_dir: Path) -> Flask:
    """The app over the bundled data as `kg build` makes it (SHACL-gated)."""
    return make_app(DiskStore(built_store_dir), graph_wait=60.0)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class LiveServer:
    """A `python -m kg serve` subprocess on a free port of 127.0.0.1, polled until it answers."""

    def __init__(self, store: Path | str, env: dict[str, str] | None = None,
                 args: list[str] | None = None, threads: int = 8, ready: str = "/") -> None:
        self.store = store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.sparql = self.url + "/sparql"
        cmd = [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port",
               str(self.port), "--workers", "1", "--threads", str(threads), *(args or [])]
        self.process = subprocess.Popen(
            cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            wait_for(self.url + ready, self.process)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def live_server(built_store_dir: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LiveServer]:
    """The web app on the bundled graph, served the way `kg serve` serves it."""
    store = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(built_store_dir, store)
    server = LiveServer(store)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, with no network beyond the machine."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server: LiveServer):
    """A fresh browser page that fails the test on console errors or off-machine requests."""
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    tab = context.new_page()
    tab.console_errors = []  # type: ignore[attr-defined]
    tab.outside_requests = []  # type: ignore[attr-defined]

    def route(route_, request_):
        if request_.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route_.continue_()
        else:
            tab.outside_requests.append(request_.url)  # type: ignore[attr-defined]
            route_.abort()

    context.route("**/*", route)
    tab.on("console", lambda m: m.type == "error" and tab.console_errors.append(m.text))
    tab.on("pageerror", lambda e: tab.console_errors.append(str(e)))
    yield tab
    context.close()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config.load({"store": str(tmp_path / "store")}, environ={})
