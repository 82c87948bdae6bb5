"""What only a remote store must get right, on Oxigraph server and Virtuoso 7: row caps never
cut answers silently, blank nodes survive the trip, the version lives on the server."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.formats import rdf
from kg.store import RemoteStore, StoreError
from tests.conftest import sources_for
from tests.engines import VIRTUOSO_ROW_CAP, clear, remote_server, wait_until

EX = "http://example.org/"
MANY = VIRTUOSO_ROW_CAP * 2 + 500
BLANKS = f"""@prefix ex: <{EX}> .
ex:claim ex:published [ ex:year 1988 ; ex:precision ex:year ] ;
         ex:target [ ex:exact "a quote" ; ex:selector [ ex:start 3 ] ] .
"""


@pytest.fixture(params=["oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest) -> RemoteStore:
    store = remote_server(request, request.param).store()
    clear(store)
    return store


@pytest.fixture
def many(tmp_path: Path) -> Path:
    path = tmp_path / "many.nt"
    path.write_text("".join(f"<{EX}s{i}> <{EX}n> \"{i}\" .\n" for i in range(MANY)))
    return path


def test_answers_past_the_row_cap_are_whole(remote: RemoteStore, many: Path,
                                            tmp_path: Path) -> None:
    """Virtuoso runs here with ResultSetMaxRows = 1000: counts, SELECTs and dumps page."""
    remote.load(sources_for(many))
    assert remote.count() == MANY
    rows = list(remote.query(f"SELECT ?s ?n WHERE {{ ?s <{EX}n> ?n }}"))
    assert len(rows) == MANY == len({r["s"].value for r in rows})
    out = tmp_path / "dump.nq"
    with out.open("wb") as handle:
        remote.dump(handle, rdf("nq"))
    assert len(list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))) == MANY


def test_a_graph_answer_cut_by_the_server_is_refused(request, many: Path) -> None:
    store = remote_server(request, "virtuoso").store()
    clear(store)
    store.load(sources_for(many))
    with pytest.raises(StoreError, match="ResultSetMaxRows"):
        list(store.query("CONSTRUCT WHERE { ?s ?p ?o }"))
    assert len(list(store.query("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 10"))) == 10


def test_blank_nodes_are_sent_as_stable_iris_and_read_back(remote: RemoteStore,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "blanks.ttl"
    path.write_text(BLANKS)
    remote.load(sources_for(path))
    remote.load(sources_for(path))  # the same file again: the same skolem IRIs, no copies
    assert remote.count() == 7
    quads = list(remote.quads())
    assert sum(isinstance(q.subject, ox.BlankNode) for q in quads) == 5
    blank = list(remote.query(f"SELECT ?b WHERE {{ <{EX}claim> ?p ?b FILTER(isBlank(?b)) }}"))
    assert len(blank) == 2 and all(isinstance(r["b"], ox.BlankNode) for r in blank)
    iris = list(remote.query(f"SELECT ?b WHERE {{ <{EX}claim> ?p ?b FILTER(isIRI(?b)) }}"))
    assert iris == []
    node = blank[0]["b"]
    rows = remote.query("SELECT ?p WHERE { ?b ?p ?o }", substitutions={ox.Variable("b"): node})
    assert len(list(rows)) >= 1


def test_replace_graphs_with_blank_nodes_is_idempotent(remote: RemoteStore) -> None:
    graph = EX + "g"

    def content() -> list[ox.Triple]:
        date = ox.BlankNode()
        return [ox.Triple(ox.NamedNode(EX + "e"), ox.NamedNode(EX + "date"), date),
                ox.Triple(date, ox.NamedNode(EX + "value"), ox.Literal("1988"))]

    first = remote.replace_graphs({graph: content()})
    assert len(first.added) == 2 and not first.removed
    version = remote.version
    again = remote.replace_graphs({graph: content()})
    assert not again
    assert remote.version == version
    assert remote.count() == 2


def test_two_processes_see_each_others_writes(remote: RemoteStore) -> None:
    """Two stores over one server (as two `kg serve` would be): a write through one gives
    the other a new version within a second."""
    other = RemoteStore(remote.url, query_url=remote.query_url, update_url=remote.update_url,
                        store_url=remote.store_url, version_check=0.2)
    before = other.version
    remote.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}b> \"c\" }} }}")
    assert wait_until(lambda: other.version != before, timeout=1.0)
    seen = other.version
    remote.refresh()  # what `kg refresh` does after writes by other tools
    assert wait_until(lambda: other.version != seen, timeout=1.0)


def test_version_marker_is_not_data(remote: RemoteStore) -> None:
    remote.refresh()
    assert remote.named_graphs() == []
    assert remote.count() == 0
    assert list(remote.quads()) == []


def test_drop_all_is_refused_on_virtuoso(request) -> None:
    store = remote_server(request, "virtuoso").store()
    with pytest.raises(StoreError, match="DROP/CLEAR ALL"):
        store.update("DROP SILENT ALL")


def test_blank_nodes_made_by_virtuosos_own_loader_read_back(request, tmp_path: Path) -> None:
    """Virtuoso names the blank nodes its loader makes `nodeID://b123` in JSON answers (not a
    valid blank node label); they read back as blank nodes and can be asked about again."""
    server = remote_server(request, "virtuoso")
    store = server.store()
    clear(store)
    path = Path("/tmp") / f"kg-vt-{tmp_path.name}.nq"
    path.write_text(f"<{EX}c> <{EX}t> _:x <{EX}g> .\n_:x <{EX}v> \"1\" <{EX}g> .\n")
    try:
        server.isql(f"ld_dir('/tmp', '{path.name}', '{EX}x');\nrdf_loader_run();\ncheckpoint;")
    finally:
        path.unlink()
    store.refresh()
    (row,) = list(store.query(f"SELECT ?b WHERE {{ <{EX}c> <{EX}t> ?b }}"))
    assert isinstance(row["b"], ox.BlankNode)
    values = store.query(f"SELECT ?v WHERE {{ ?b <{EX}v> ?v }}",
                         substitutions={ox.Variable("b"): row["b"]})
    assert [r["v"].value for r in values] == ["1"]
