"""Merging and splitting people: every claim keeps its source, the decision is recorded with
who and why, the retired IRI redirects, and undoing a merge restores the graph exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.formats import for_path
from kg.matching.merging import (
    DECISIONS_GRAPH,
    IdentityError,
    merge,
    replaced_by,
    split,
    undo_merge,
)
from kg.store import DiskStore, LoadSource
from tests.conftest import make_app

ID = "https://kg.example.org/id/"
KEEP = ID + "person/test-list-17"
RETIRE = ID + "person/test-list-18"
FIXTURE = Path(__file__).parent / "data" / "matching_fixture.trig"


@pytest.fixture
def store(tmp_path: Path, built_store_dir: Path) -> DiskStore:
    shutil.copytree(built_store_dir, tmp_path / "store")
    store = DiskStore(tmp_path / "store")
    store.load([LoadSource(FIXTURE, for_path(FIXTURE), "https://kg.example.org/graph/x")])
    return store


def _about(store: DiskStore, iri: str) -> set[tuple[str, str, str]]:
    rows = store.query(f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}", view="full")
    return {(r["g"].value, r["p"].value, str(r["o"])) for r in rows
            if r["g"].value != DECISIONS_GRAPH}


def _snapshot(store: DiskStore) -> set[str]:
    return {str(q) for q in store.quads("full") if q.graph_name.value != DECISIONS_GRAPH}


def test_merge_keeps_every_claim_with_its_source_and_redirects(store: DiskStore) -> None:
    before = _about(store, RETIRE)
    claims = {str(r["c"]) for r in store.query(
        f"SELECT ?c WHERE {{ ?c <https://kg.example.org/ontology#about> <{RETIRE}> }}")}
    done = merge(store, KEEP, RETIRE, reason="Same father and prison in both lists",
                 agent="A. Researcher")
    assert done.moved >= len(before)
    assert _about(store, RETIRE) == set()
    moved = {(g, p, o) for g, p, o in _about(store, KEEP)}
    assert {(g, p, o) for g, p, o in before} <= moved  # same graph: same source
    still = {str(r["c"]) for r in store.query(
        f"SELECT ?c WHERE {{ ?c <https://kg.example.org/ontology#about> <{KEEP}> }}")}
    assert claims <= still
    assert replaced_by(store, RETIRE) == KEEP
    record = {(r["p"].value, str(r["o"])) for r in store.query(
        f"SELECT ?p ?o WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ <{done.iri}> ?p ?o }} }}")}
    assert ("https://kg.example.org/ontology#reason",
            '"Same father and prison in both lists"') in record
    agent = store.query(f"SELECT ?l WHERE {{ <{done.iri}> <http://www.w3.org/ns/prov#"
                        "wasAssociatedWith> ?a . ?a <http://www.w3.org/2000/01/rdf-schema#label>"
                        " ?l }")
    assert [r["l"].value for r in agent] == ["A. Researcher"]
    client = make_app(store).test_client()
    response = client.get("/id/person/test-list-18")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/id/person/test-list-17")
    assert client.get("/data/person/test-list-18.ttl").headers["Location"].endswith(
        "/data/person/test-list-17.ttl")
    assert client.get("/id/person/test-list-17").status_code == 303
    page = client.get("/page/person/test-list-18?claims=0")
    assert page.status_code == 301
    assert page.headers["Location"].endswith("/page/person/test-list-17?claims=0")
    twin = client.get("/page/person/test-list-18.json")
    assert twin.status_code == 301
    assert twin.headers["Location"].endswith("/page/person/test-list-17.json")
    assert client.get(twin.headers["Location"]).status_code == 200
    assert client.get("/page/person/test-list-404").status_code == 404


def test_merge_is_refused_without_reason_or_twice(store: DiskStore) -> None:
    with pytest.raises(IdentityError, match="reason"):
        merge(store, KEEP, RETIRE, reason=" ")
    with pytest.raises(IdentityError, match="nothing in the store"):
        merge(store, KEEP, ID + "person/nobody", reason="x")
    merge(store, KEEP, RETIRE, reason="x")
    with pytest.raises(IdentityError, match="already merged"):
        merge(store, KEEP, RETIRE, reason="x")


def test_undo_restores_the_graph(store: DiskStore) -> None:
    before = _snapshot(store)
    done = merge(store, KEEP, RETIRE, reason="looked alike", agent="A")
    assert _snapshot(store) != before
    undo_merge(store, done.iri, reason="father's names differ after all", agent="B")
    assert _snapshot(store) == before
    assert replaced_by(store, RETIRE) is None


def test_split_moves_one_sources_statements(store: DiskStore) -> None:
    source = ID + "source/test-list"
    into = ID + "person/test-list-17-other"
    done = split(store, KEEP, sources=[source], into=into, reason="two people",
                 agent="C", label="Bahram Golshiri (2)")
    assert done.moved > 0
    assert _about(store, KEEP) == set()  # all its statements were in that list's graph
    assert any(p.endswith("#label") for _g, p, _o in _about(store, into))
    with pytest.raises(IdentityError, match="already in use"):
        split(store, into, sources=[source], into=into, reason="again")
