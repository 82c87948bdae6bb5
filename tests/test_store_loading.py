"""A graph replacement's added quads go in as N-Quads bytes (`kg.store.loading.add_quads`):
the store then holds what inserting the Python quads gives, term for term (Oxigraph keeps
numbers and dates in canonical form either way), and blank nodes keep their names (those
writes go in as Python quads)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import DiskStore, MemoryStore, Store
from kg.store.loading import nquads

G = "https://kg.example.org/graph/test-loading"
XSD = "http://www.w3.org/2001/XMLSchema#"
P = ox.NamedNode("https://kg.example.org/ontology#p")
ODD = [ox.Literal("01", datatype=ox.NamedNode(XSD + "integer")),  # not canonical
       ox.Literal("1988-08-01", datatype=ox.NamedNode(XSD + "date")),
       ox.Literal("x\"y\\z\n\t\u200c", language="fa"), ox.Literal("Evin", language="en-GB"),
       ox.Literal("قربانی ساختگی"), ox.NamedNode("https://kg.example.org/id/x?q=1#frag")]
LOOKALIKE = ox.Literal("a literal naming _:b1 and <<x>>")


def _triples(n: int, blank: bool = False) -> list[ox.Triple]:
    out = [ox.Triple(ox.NamedNode(f"https://kg.example.org/id/s{i}"), P, ODD[i % len(ODD)])
           for i in range(n)]
    if blank:
        out.append(ox.Triple(ox.NamedNode("https://kg.example.org/id/s0"), P,
                             ox.BlankNode("kept")))
    return out


@pytest.fixture(params=["disk", "memory"])
def store(request, tmp_path: Path) -> Store:
    if request.param == "memory":
        return MemoryStore()
    disk = DiskStore(tmp_path / "store")
    disk.replace_graphs({"https://kg.example.org/graph/other": _triples(3)})
    return disk


def test_nquads_refuses_what_parsing_might_rename() -> None:
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(G)) for t in _triples(5)]
    assert nquads(quads) is not None
    assert nquads(quads + [ox.Quad(P, P, ox.BlankNode("b"), ox.NamedNode(G))]) is None
    assert nquads([ox.Quad(P, P, LOOKALIKE, ox.NamedNode(G))]) is None  # looks like one


@pytest.mark.parametrize("blank", [False, True], ids=["as bytes", "with a blank node"])
def test_a_large_write_holds_exactly_its_quads(store: Store, blank: bool) -> None:
    triples = _triples(2500, blank)
    assert (nquads([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(G))
                    for t in triples]) is None) == blank
    changes = store.replace_graphs({G: triples})
    assert len(changes.added) == len(triples)
    held = {q for q in store.quads("full") if q.graph_name == ox.NamedNode(G)}
    inserted = ox.Store()
    inserted.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(G))
                         for t in triples)
    assert held == set(inserted)
    assert not store.replace_graphs({G: triples})  # the same again changes nothing
