"""Store contract: every backend (disk, memory, remote SPARQL server) behaves the same."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.namespaces import ACCESS_LEVEL, LOADED_GRAPH_PREFIX, RESTRICTED, RESTRICTED_GRAPH_PREFIX
from kg.store import DiskStore, MemoryStore, Partitions, RemoteStore, Store, StoreError
from tests.conftest import free_port, sources_for
from tests.engines import clear, remote_server

EX = "http://example.org/"

TTL = f"""@prefix ex: <{EX}> .
ex:alice ex:knows ex:bob ; ex:name "Alice"@en .
ex:bob ex:name "Bob" .
"""
TRIG = f"""@prefix ex: <{EX}> .
ex:g1 {{ ex:event1 ex:date "1988-07"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> . }}
ex:g2 {{ ex:event1 ex:place ex:evin . }}
"""
RESTRICTED_TTL = f"""@prefix ex: <{EX}> .
ex:witness <{ACCESS_LEVEL}> <{RESTRICTED}> ; ex:name "A witness" .
ex:alice ex:testifiedWith ex:witness .
"""


@pytest.fixture(params=["disk", "memory", "oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "disk":
        s: Store = DiskStore(tmp_path / "store")
    elif request.param == "memory":
        s = MemoryStore()
    else:
        s = remote_server(request, request.param).store()
        clear(s)
    yield s
    s.close()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "ttl": tmp_path / "people.ttl",
        "trig": tmp_path / "events.trig",
        "restricted": tmp_path / "witness.ttl",
        "bad": tmp_path / "broken.ttl",
    }
    paths["ttl"].write_text(TTL)
    paths["trig"].write_text(TRIG)
    paths["restricted"].write_text(RESTRICTED_TTL)
    paths["bad"].write_text(f"@prefix ex: <{EX}> .\nex:a ex:b ex:c .\nex:a ex:b \"open .\n")
    gz = tmp_path / "people2.nt.gz"
    with gzip.open(gz, "wt") as handle:
        handle.write(f"<{EX}carol> <{EX}name> \"Carol\" .\n")
    paths["gz"] = gz
    return paths


def names(store: Store) -> set[str]:
    rows = store.query(f"SELECT ?n WHERE {{ ?x <{EX}name> ?n }}")
    return {row["n"].value for row in rows}


def test_load_puts_triples_in_a_public_graph_per_file(store: Store, files) -> None:
    report = store.load(sources_for(files["ttl"], files["gz"]))
    assert report.quads == 4
    assert names(store) == {"Alice", "Bob", "Carol"}
    graphs = store.named_graphs()
    assert LOADED_GRAPH_PREFIX + "people.ttl" in graphs
    assert LOADED_GRAPH_PREFIX + "people2.nt" in graphs


def test_compacted_load_holds_the_same_data(store: Store, files) -> None:
    """`compact` only reorganises the files (stores without files ignore it)."""
    store.load(sources_for(files["ttl"]), compact=True)
    store.load(sources_for(files["gz"]), compact=True)
    assert names(store) == {"Alice", "Bob", "Carol"}


def test_default_graph_is_the_union_of_named_graphs(store: Store, files) -> None:
    store.load(sources_for(files["trig"]))
    rows = list(store.query(f"SELECT ?d ?p WHERE {{ <{EX}event1> <{EX}date> ?d ; "
                            f"<{EX}place> ?p }}"))
    assert len(rows) == 1
    assert rows[0]["d"].datatype.value.endswith("gYearMonth")
    assert set(store.named_graphs()) == {EX + "g1", EX + "g2"}


def test_graph_option_names_the_graph(store: Store, files) -> None:
    store.load(sources_for(files["ttl"], graph=EX + "people"))
    assert store.named_graphs() == [EX + "people"]
    assert bool(store.query(f"ASK {{ GRAPH <{EX}people> {{ <{EX}alice> ?p ?o }} }}"))


def test_failed_load_leaves_the_store_as_it_was(store: Store, files) -> None:
    store.load(sources_for(files["ttl"]))
    before = (store.count(), store.named_graphs())
    with pytest.raises(StoreError, match=r"broken\.ttl:3"):
        store.load(sources_for(files["trig"], files["bad"]))
    assert (store.count(), store.named_graphs()) == before


def test_check_failure_aborts_the_load(store: Store, files) -> None:
    store.load(sources_for(files["ttl"]))

    def refuse(staged: Partitions) -> None:
        assert len(staged.full) >= 2  # remote: the staged files; embedded: all
        raise StoreError("refused by check")

    with pytest.raises(StoreError, match="refused"):
        store.load(sources_for(files["trig"]), check=refuse)
    assert names(store) == {"Alice", "Bob"}
    assert EX + "g1" not in store.named_graphs()


def test_replace_starts_from_empty(store: Store, files) -> None:
    store.load(sources_for(files["ttl"]))
    store.load(sources_for(files["trig"]), replace=True)
    assert names(store) == set()
    assert set(store.named_graphs()) == {EX + "g1", EX + "g2"}


def test_update_and_version(store: Store, files) -> None:
    store.load(sources_for(files["ttl"]))
    version = store.version
    store.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}dan> <{EX}name> \"Dan\" }} }}")
    assert "Dan" in names(store)
    assert store.version != version


def test_select_ask_construct(store: Store, files) -> None:
    store.load(sources_for(files["ttl"]))
    assert bool(store.query(f"ASK {{ <{EX}alice> <{EX}knows> <{EX}bob> }}"))
    triples = list(store.query(f"CONSTRUCT {{ ?s <{EX}n> ?o }} WHERE {{ ?s <{EX}name> ?o }}"))
    assert len(triples) == 2


def test_substitutions_bind_values_safely(store: Store, files) -> None:
    store.load(sources_for(files["ttl"]))
    rows = store.query(f"SELECT ?n WHERE {{ ?x <{EX}name> ?n }}",
                       substitutions={ox.Variable("x"): ox.NamedNode(EX + "bob")})
    assert [r["n"].value for r in rows] == ["Bob"]


def test_dump_streams_the_public_view(store: Store, files, tmp_path: Path) -> None:
    from kg.formats import rdf as by_name

    store.load(sources_for(files["ttl"], files["trig"]))
    out = tmp_path / "dump.nq"
    with out.open("wb") as handle:
        store.dump(handle, by_name("nq"))
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == store.count() == 5


@pytest.mark.parametrize("kind", ["disk", "memory"])
def test_restricted_data_stays_out_of_the_public_view(kind: str, tmp_path: Path,
                                                      files) -> None:
    s: Store = DiskStore(tmp_path / "s") if kind == "disk" else MemoryStore()
    restricted_graph = tmp_path / "notes.trig"
    restricted_graph.write_text(
        f"<{RESTRICTED_GRAPH_PREFIX}interviews> {{ <{EX}x> <{EX}name> \"Secret\" . }}\n")
    report = s.load(sources_for(files["ttl"], files["restricted"], restricted_graph))
    assert report.restricted_quads == 4
    assert names(s) == {"Alice", "Bob"}
    assert not bool(s.query(f"ASK {{ GRAPH ?g {{ ?s ?p <{EX}witness> }} }}"))
    assert RESTRICTED_GRAPH_PREFIX + "interviews" not in s.named_graphs()
    full_names = {r["n"].value for r in s.query(f"SELECT ?n {{ ?x <{EX}name> ?n }}",
                                                view="full")}
    assert full_names == {"Alice", "Bob", "A witness", "Secret"}


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_remote_store_refuses_restricted_data(request, engine: str, files) -> None:
    s = remote_server(request, engine).store()
    clear(s)
    with pytest.raises(StoreError, match="restricted"):
        s.load(sources_for(files["restricted"]))
    assert s.count() == 0


def test_disk_store_keeps_two_versions_and_survives_reopen(tmp_path: Path, files) -> None:
    path = tmp_path / "s"
    for _ in range(4):
        with DiskStore(path) as s:
            s.load(sources_for(files["ttl"]))
    versions = sorted(p.name for p in path.glob("v*"))
    assert len(versions) == 2
    with DiskStore(path) as s:
        assert names(s) == {"Alice", "Bob"}


def test_disk_store_is_locked_while_writing(tmp_path: Path, files) -> None:
    import fcntl

    path = tmp_path / "s"
    path.mkdir()
    with (path / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="locked"):
            DiskStore(path).load(sources_for(files["ttl"]))


def test_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="kg build"):
        DiskStore(tmp_path / "nothing").count()


def test_unreachable_remote_is_one_clear_error() -> None:
    s = RemoteStore(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreError, match="cannot reach"):
        s.count()


@pytest.mark.parametrize("kind", ["disk", "memory"])
def test_a_graph_write_says_when_it_starts_adding_quads(kind: str, tmp_path: Path) -> None:
    """`GraphWrite.on_write` (a check that runs beside the write starts then): called once,
    after the staged version exists and before it is published; kept by `joined`."""
    store = DiskStore(tmp_path / "store") if kind == "disk" else MemoryStore()
    store.replace_graphs({EX + "g0": [ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"),
                                                ox.Literal("a"))]})
    triples = [ox.Triple(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)))
               for i in range(1500)]  # enough to go in as N-Quads bytes
    before = store.version
    write = store.diff_graphs({EX + "g1": triples})
    calls: list[str] = []
    write.on_write.append(lambda: calls.append(store.version))
    joined = write.joined(store.diff_graphs({EX + "g2": triples[:3]}))
    store.replace_graphs(joined)
    assert calls == [before] and store.version != before
    assert len(list(store.query(f"SELECT * WHERE {{ GRAPH <{EX}g1> {{ ?s ?p ?o }} }}"))) == 1500
