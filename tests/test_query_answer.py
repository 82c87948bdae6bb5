"""Answers are never whole in memory once large: kg.query.answer spills to an unnamed file,
and the caps count, cut and convert such answers as streams, with the same results as for
small ones."""

from __future__ import annotations

import gc
import io
import json
import os
import tempfile

import pyoxigraph as ox
import pytest

from kg.query.answer import CHUNK, SPOOL_BYTES, Answer
from kg.query.caps import Job, evaluate
from kg.store import MemoryStore


def held(inode: tuple[int, int]) -> bool:
    """Whether this process still has a descriptor on the file (other threads of the test
    session open and close descriptors meanwhile, so descriptors are not counted)."""
    for fd in os.listdir("/proc/self/fd"):
        try:
            st = os.stat(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == inode:
            return True
    return False


def spilled_file(answer: Answer) -> tuple[int, int]:
    st = os.fstat(answer._fd)  # type: ignore[arg-type]
    return st.st_dev, st.st_ino


def test_small_answers_stay_in_memory_large_ones_spill() -> None:
    small = Answer(b"abc\n")
    small.write(b"def\n")
    assert not small.spilled and small.bytes() == b"abc\ndef\n"
    big = Answer()
    line = b"x" * 99 + b"\n"
    for _ in range(SPOOL_BYTES // 100 * 3):
        big.write(line)
    assert big.spilled and big.size == len(line) * (SPOOL_BYTES // 100 * 3)
    assert b"".join(big.chunks()) == line * (SPOOL_BYTES // 100 * 3)
    assert big.count(b"\n") == SPOOL_BYTES // 100 * 3
    assert big.line_end(1) == 100 and big.line_end(20_000) == 2_000_000
    big.write(b"half a line")
    assert big.last_newline() == big.size - len(b"half a line")
    big.truncate(big.line_end(12_345))
    assert big.size == 1_234_500 and big.reader().read() == line * 12_345


def test_line_ends_across_chunk_boundaries() -> None:
    data = b"".join(b"%d\n" % i for i in range(300_000))
    answer = Answer()
    for start in range(0, len(data), 7777):
        answer.write(data[start:start + 7777])
    assert answer.spilled and answer.bytes() == data
    for n in (1, 9, CHUNK // 3, 123_456, 299_999, 300_000):
        assert answer.line_end(n) == len(b"".join(b"%d\n" % i for i in range(n)))
    assert answer.line_end(400_000) == answer.size


def test_spilled_files_are_released_when_closed_or_dropped() -> None:
    answer = Answer(b"y" * (SPOOL_BYTES + 1))
    answer.write(b"z" * 10)
    inode = spilled_file(answer)
    assert answer.spilled and held(inode)
    answer.close()
    answer.close()  # twice is fine
    assert not held(inode)
    forgotten = Answer(b"y" * (SPOOL_BYTES + 1))
    forgotten.write(b"z")
    inode = spilled_file(forgotten)
    assert held(inode)
    del forgotten
    gc.collect()
    assert not held(inode)


@pytest.fixture(scope="module")
def big_store() -> MemoryStore:
    """About 8 MB of JSON results: 20,000 people with long names."""
    store = MemoryStore()
    g = ox.NamedNode("https://kg.example.org/graph/big")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    quads = [ox.Quad(ox.NamedNode(f"https://kg.example.org/id/person/p{i:05d}"), label,
                     ox.Literal(f"Person {i} " + "with a name that goes on and on " * 8), g)
             for i in range(20_000)]
    store.dataset("public").extend(quads)
    return store


def run(store: MemoryStore, query: str, fmt: str, max_rows: int, max_bytes: int):
    return evaluate(lambda q, **kw: store.dataset("public").query(q, **kw),
                    Job(query, fmt, max_rows, max_bytes))


SELECT = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
CONSTRUCT = ("CONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
             "?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }")


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_large_answers_are_counted_and_cut_like_small_ones(big_store: MemoryStore,
                                                           fmt: str) -> None:
    whole = run(big_store, SELECT, fmt, 100_000, 100_000_000)
    assert whole.data.spilled and whole.rows == 20_000 and whole.truncated == []
    cut = run(big_store, SELECT, fmt, 15_000, 100_000_000)
    assert cut.rows == 15_000 and cut.truncated == ["rows"]
    parsed = ox.parse_query_results(cut.data.reader(), {
        "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[fmt]) \
        if fmt != "csv" else None
    if parsed is not None:
        assert sum(1 for _ in parsed) == 15_000
    small = run(big_store, SELECT, fmt, 100_000, 3_000_000)
    assert "bytes" in small.truncated and small.data.size <= 3_000_000 and small.rows < 20_000
    if fmt == "json":
        assert len(json.loads(small.body)["results"]["bindings"]) == small.rows


@pytest.mark.parametrize("fmt", ["nt", "ttl", "jsonld"])
def test_large_graphs_are_cut_and_serialised_as_streams(big_store: MemoryStore,
                                                        fmt: str) -> None:
    whole = run(big_store, CONSTRUCT, fmt, 100_000, 100_000_000)
    assert whole.data.spilled and whole.rows == 20_000
    cut = run(big_store, CONSTRUCT, fmt, 12_000, 2_500_000)
    assert cut.data.size <= 2_500_000 and "bytes" in cut.truncated
    parsed = list(ox.parse(io.BytesIO(cut.body), {"nt": ox.RdfFormat.N_TRIPLES,
                                                   "ttl": ox.RdfFormat.TURTLE,
                                                   "jsonld": ox.RdfFormat.JSON_LD}[fmt]))
    assert len(parsed) == cut.rows < 12_000


def test_a_large_answer_streams_through_the_server(live_server) -> None:
    """Through Granian: the whole answer, its length announced, and no file left open in
    the worker afterwards (each spilled answer's file is released once sent)."""
    import urllib.parse
    import urllib.request

    from tests.test_crash_serving import children, cmdline

    url = live_server.sparql + "?" + urllib.parse.urlencode(
        {"query": "SELECT * WHERE { ?s ?p ?o }"})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})

    def fetch() -> tuple[int, int]:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            assert int(response.headers["Content-Length"]) == len(body)
            return len(body), len(json.loads(body)["results"]["bindings"])

    size, rows = fetch()
    assert size > SPOOL_BYTES and rows > 5000
    [worker] = [p for p in children(live_server.process.pid)
                if "serve-read-only" not in cmdline(p)]
    for _ in range(10):
        assert fetch() == (size, rows)
    assert not spooled(worker)


def spooled(pid: int) -> list[str]:
    """The unnamed temporary files a process holds (spilled answers look like this)."""
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(tempfile.gettempdir()) and target.endswith("(deleted)"):
            found.append(target)
    return found
