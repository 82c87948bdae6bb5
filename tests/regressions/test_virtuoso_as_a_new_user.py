"""Regressions from issue 16, kg on Debian's Virtuoso 7.2.5 with the README's settings:
`kg build` failed with SP031 (blank nodes in INSERT DATA); every query hung until its
timeout (a direct `application/sparql-query` POST); dumps failed with HTTP 406 (a
whole-store Graph Store read); a second process never saw a write (a per-process counter)."""

from __future__ import annotations

import time
from pathlib import Path

from kg.store import RemoteStore
from tests.conftest import sources_for
from tests.engines import VirtuosoServer, clear

EX = "http://example.org/"


def test_blank_nodes_load_and_queries_answer_at_once(virtuoso_server: VirtuosoServer,
                                                     tmp_path: Path) -> None:
    store = virtuoso_server.store(timeout=5)
    clear(store)
    path = tmp_path / "quote.ttl"
    path.write_text(f"@prefix ex: <{EX}> .\nex:claim ex:target [ ex:exact \"a quote\" ] .\n")
    store.load(sources_for(path))  # was: SP031 "Blank node ... not allowed in a constant clause"
    began = time.monotonic()
    assert store.count() == 2  # was: "cannot reach the SPARQL server (timed out)"
    assert time.monotonic() - began < 2


def test_dump_reads_the_dataset_without_a_406(virtuoso_server: VirtuosoServer,
                                              tmp_path: Path) -> None:
    store = virtuoso_server.store()
    clear(store)
    path = tmp_path / "people.nt"
    path.write_text(f"<{EX}a> <{EX}name> \"A\" .\n<{EX}b> <{EX}name> \"B\" .\n")
    store.load(sources_for(path))
    assert len(list(store.quads())) == 2  # was: HTTP 406 from /sparql-graph-crud


def test_a_second_process_sees_the_write(virtuoso_server: VirtuosoServer) -> None:
    first, second = virtuoso_server.store(), virtuoso_server.store(version_check=0.1)
    before = second.version
    first.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}b> \"c\" }} }}")
    time.sleep(0.2)
    assert second.version != before  # was: a counter inside each process
    assert isinstance(second, RemoteStore)
