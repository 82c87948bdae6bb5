"""The Oxigraph child behind /sparql: killed at a deadline, others retried, renewed per version."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from kg.query.caps import Job, cap, evaluate
from kg.query.child import QueryServer, QueryTimeout
from kg.store import DiskStore
from tests.fixtures.sparql.server import load_fixture_store

#: Past the length sent by GET: this one goes by POST.
LONG = ("SELECT ?s (COUNT(*) AS ?n) WHERE { VALUES ?x { "
        + " ".join(f"<urn:x:{i}>" for i in range(1500)) + " } ?s ?p ?o } GROUP BY ?s ORDER BY ?s")
CROSS_JOIN = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
              "?m ?n1 ?o . ?q ?r ?t }")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_fixture_store(tmp_path_factory.mktemp("qs") / "store")


@pytest.fixture
def server(store_dir: Path):
    store = DiskStore(store_dir)
    srv = QueryServer(lambda: str(store.public_path()))
    yield srv
    srv.close()
    store.close()


def run(server: QueryServer, job: Job, timeout: float):
    deadline = time.monotonic() + timeout
    return cap(lambda j, w, lines, size: server.fetch(j, w, lines, size, deadline), job)


def test_answers_like_the_in_process_engine(server, store_dir):
    """The same caps and formats on both engines (the in-process one is the reference)."""
    with DiskStore(store_dir) as store:
        reference = store.public_path()
        import pyoxigraph as ox

        local = ox.Store.read_only(str(reference))
        for query, fmt, rows in [("SELECT * WHERE { ?s ?p ?o }", "json", 7),
                                 ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", "csv", 5),
                                 ("CONSTRUCT WHERE { ?s ?p ?o }", "nt", 4),
                                 ("ASK { ?s ?p ?o }", "xml", 10),
                                 (LONG, "tsv", 100)]:
            job = Job(query, fmt, rows, 10**6)
            child, here = run(server, job, 10), evaluate(local.query, job)
            assert (child.status, child.rows, child.truncated) == \
                   (here.status, here.rows, here.truncated), query
            if "ORDER BY" in query or query.startswith("ASK") or query is LONG:
                assert child.body == here.body
        bad = run(server, Job("SELECT ?x WHERE { ?x ?y }", "json", 5, 10**6), 10)
        assert bad.status == 400 and "1:" in bad.message


def test_a_timeout_kills_the_child_and_the_next_query_gets_a_new_one(server):
    assert run(server, Job("ASK {}", "json", 1, 1000), 10).status == 200
    first = server.pid()
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        run(server, Job(CROSS_JOIN, "json", 10, 10**6), 1.0)
    assert 0.9 < time.monotonic() - started < 2.5
    assert server.pid() is None  # killed, not left running
    assert run(server, Job("ASK {}", "json", 1, 1000), 10).status == 200
    assert server.pid() not in (None, first)


def test_queries_on_a_killed_child_are_retried_within_their_own_deadline(server):
    """A runaway query's kill must not fail the others running beside it."""
    assert run(server, Job("ASK {}", "json", 1, 1000), 10).status == 200
    outcome: dict[str, object] = {}

    def patient() -> None:
        started = time.monotonic()
        try:
            run(server, Job(CROSS_JOIN + " LIMIT 1", "json", 10, 10**6), 3.0)
            outcome["result"] = "answered"
        except QueryTimeout:
            outcome["result"] = "timeout"
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=patient)
    thread.start()
    time.sleep(0.3)
    with pytest.raises(QueryTimeout):
        run(server, Job(CROSS_JOIN, "json", 10, 10**6), 0.7)  # kills the shared child
    thread.join(10)
    # The patient query was re-sent to a new child and ran to its own 3 s deadline.
    assert outcome["result"] == "timeout" and 2.8 < outcome["seconds"] < 4.5, outcome


def test_a_new_store_version_gets_a_new_child(tmp_path: Path):
    from tests.conftest import sources_for
    from tests.fixtures.sparql.server import PUBLIC_TRIG

    store = DiskStore(tmp_path / "store")
    store.load(sources_for(PUBLIC_TRIG))
    server = QueryServer(lambda: str(store.public_path()))
    try:
        count = Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "tsv", 5, 1000)
        before = run(server, count, 10).body
        old = server.pid()
        store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
        after = run(server, count, 10).body
        assert int(after.split()[1]) == int(before.split()[1]) + 1
        assert server.pid() != old
        time.sleep(0.2)
        with pytest.raises(ProcessLookupError):
            import os

            os.kill(old, 0)  # the old child ended with its last query
    finally:
        server.close()
        store.close()
