"""Graph replacement differences found by lookups and counts give what reading the graph gives."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.store import MemoryStore, Partitions
from kg.store.base import difference
from kg.store.graph_diff import replaced_difference

G = "https://kg.example.org/graph/test"
S = ox.NamedNode("https://kg.example.org/id/s")
P = ox.NamedNode("https://kg.example.org/ontology#p")
INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
BLANK = ox.BlankNode("b1")
OLD = [ox.Triple(S, P, ox.Literal("a")), ox.Triple(S, P, ox.Literal("x\"y\n", language="fa")),
       ox.Triple(S, P, ox.Literal("7", datatype=INT)), ox.Triple(S, P, BLANK)]


@pytest.fixture()
def parts() -> Partitions:
    store = MemoryStore()
    store.replace_graphs({G: OLD})
    return Partitions(store.dataset("public"), store.dataset("restricted"))


def _by_quads(graphs: dict, parts: Partitions) -> tuple[set, set]:
    stores = (parts.public, parts.restricted)
    changes = difference(graphs, lambda n: [
        q for s in stores for q in s.quads_for_pattern(None, None, None, n)])[1]
    return set(changes.added), set(changes.removed)


@pytest.mark.parametrize("new", [
    OLD,
    OLD[:2] + [ox.Triple(S, P, ox.Literal("8", datatype=INT)), OLD[3]],
    OLD[:3] + [ox.Triple(S, P, ox.Literal("01", datatype=INT)), OLD[3]],  # not canonical
    OLD[:3],
    OLD[:3] + [ox.Triple(S, P, ox.BlankNode("b2"))],
    [],
    OLD[1:],  # a value of a node the write does not otherwise change: the graph is read
    OLD + [ox.Triple(ox.NamedNode("https://kg.example.org/id/t"), P, ox.Literal("n"))],
], ids=["same", "one literal", "non-canonical", "blank node gone", "blank node renamed", "empty",
        "one removed", "one added"])
def test_lookups_and_reading_give_the_same_changes(parts: Partitions, new: list[ox.Triple]) -> None:
    content, changes = replaced_difference({G: new}, parts)
    assert (set(changes.added), set(changes.removed)) == _by_quads({G: new}, parts)
    assert len(content[G]) == len(set(new))


def test_a_new_graph_is_all_added(parts: Partitions) -> None:
    _, changes = replaced_difference({G + "2": OLD}, parts)
    assert len(changes.added) == len(OLD) and not changes.removed
