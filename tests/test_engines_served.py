"""kg on Virtuoso 7 as a new user runs it, with the README's settings: `kg build`, `kg query`,
`kg load`, and two `kg serve` over one server that both see a load through either; every
page, /sparql and the dumps, and a walk in Debian's Chromium."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LiveServer
from tests.engines import VirtuosoServer, wait_until
from tests.http_client import fetch

PAGES = ["/", "/search?q=evin", "/page/event/1988-massacre", "/page/person/gholamreza-khosravi",
         "/timeline", "/explore", "/query", "/ontology", "/validation"]
NEW = "https://kg.example.org/id/person/served-test-person"


def kg(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def built(virtuoso_server: VirtuosoServer) -> dict[str, str]:
    """The bundled data built into Virtuoso by `kg build`, with the README's settings."""
    env = virtuoso_server.environ()
    done = kg(env, "build")
    assert done.returncode == 0, done.stderr
    return env


@pytest.fixture(scope="module")
def servers(built: dict[str, str]) -> Iterator[list[LiveServer]]:
    """Two `kg serve` over the one Virtuoso, as several web servers over one database."""
    started = [LiveServer(built["KG_STORE"], env=built, threads=4) for _ in range(2)]
    yield started
    for server in started:
        server.stop()


def sparql_ask(server: LiveServer, query: str) -> bool:
    status, _, body = fetch(server.sparql + "?query=" + urllib.parse.quote(query),
                            "application/sparql-results+json")
    assert status == 200, body
    return json.loads(body)["boolean"]


def test_kg_query_and_stats(built: dict[str, str]) -> None:
    done = kg(built, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.splitlines()[1]) > 100
    done = kg(built, "stats")
    assert done.returncode == 0 and "quads:" in done.stdout, done.stderr


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers(servers: list[LiveServer], path: str) -> None:
    status, _, body = fetch(servers[0].url + path, "text/html")
    assert status == 200, body[:300]


def test_entity_page_shows_claims_from_virtuoso(servers: list[LiveServer]) -> None:
    status, _, body = fetch(servers[1].url + "/page/person/gholamreza-khosravi", "text/html")
    assert status == 200 and b"Gholamreza Khosravi" in body and b"1 June 2014" in body


def test_dumps_hold_every_quad(servers: list[LiveServer], built: dict[str, str]) -> None:
    """Virtuoso's row cap (1000 here) does not cut the dump: it is read in pages."""
    done = kg(built, "query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
              "--format", "csv")
    status, _, body = fetch(servers[0].url + "/dumps/kg.nq.gz")
    assert status == 200
    lines = [x for x in gzip.decompress(body).splitlines() if x.strip()]
    assert len(lines) > 3000
    assert len(lines) == int(done.stdout.splitlines()[1])


def test_a_load_through_either_server_reaches_both(servers: list[LiveServer],
                                                   built: dict[str, str],
                                                   tmp_path: Path) -> None:
    ask = f"ASK {{ <{NEW}> ?p ?o }}"
    assert not sparql_ask(servers[0], ask) and not sparql_ask(servers[1], ask)
    extra = tmp_path / "extra.ttl"
    extra.write_text(f'<{NEW}> <http://www.w3.org/2000/01/rdf-schema#label> "Served test" .\n')
    done = kg(built, "load", str(extra))
    assert done.returncode == 0, done.stderr
    for server in servers:
        assert wait_until(lambda s=server: sparql_ask(s, ask), timeout=2.0)
        assert wait_until(lambda s=server: b"Served test" in fetch(
            s.url + "/search?q=served", "text/html")[2], timeout=5.0)


@pytest.mark.browser
def test_browser_walk_over_virtuoso(browser, servers: list[LiveServer]) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    tab = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    context.route("**/*", lambda route, request: (
        route.continue_() if request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
        else (outside.append(request.url), route.abort())))
    tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        tab.goto(servers[0].url + "/")
        tab.fill("#home-q", "Khosravi")
        tab.press("#home-q", "Enter")
        tab.wait_for_url("**/search?q=Khosravi")
        tab.click("a.result-title:has-text('Gholamreza Khosravi')")
        tab.wait_for_url("**/page/person/gholamreza-khosravi")
        assert tab.locator("h1").inner_text() == "Gholamreza Khosravi"
        for path in ("/timeline", "/explore", "/query"):
            response = tab.goto(servers[1].url + path)
            assert response is not None and response.status == 200
            tab.wait_for_load_state("networkidle")
        assert errors == [] and outside == []
    finally:
        context.close()


def test_writes_by_other_tools_show_after_kg_refresh(servers: list[LiveServer],
                                                     built: dict[str, str]) -> None:
    """A write straight to Virtuoso does not touch kg's version marker: cached pages keep
    the old answer until `kg refresh` (the README's documented step)."""
    other = "https://kg.example.org/id/person/written-by-another-tool"
    search = "/search?q=elsewhere"
    assert b"Elsewhere" not in fetch(servers[0].url + search, "text/html")[2]
    update = (f'INSERT DATA {{ GRAPH <https://kg.example.org/graph/loaded/other> {{ <{other}> '
              f'<http://www.w3.org/2000/01/rdf-schema#label> "Elsewhere" }} }}')
    with urllib.request.urlopen(urllib.request.Request(  # noqa: S310 - 127.0.0.1
            built["KG_REMOTE_UPDATE_URL"], data=urllib.parse.urlencode(
                {"update": update}).encode())) as response:
        assert response.status == 200
    assert b"Elsewhere" not in fetch(servers[0].url + search, "text/html")[2]
    done = kg(built, "refresh")
    assert done.returncode == 0, done.stderr
    for server in servers:
        assert wait_until(lambda s=server: b"Elsewhere" in fetch(
            s.url + search, "text/html")[2], timeout=5.0)
