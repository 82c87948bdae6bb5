"""Regression: the full view (public and restricted partitions together) was copied through
N-Quads for speed, and the parser renamed every blank node, so a merge read from it and
written back, then undone, left the store different from before (test_merging's undo)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.store.restricted import merged


def test_the_full_view_names_blank_nodes_as_the_partitions_do() -> None:
    public, restricted = ox.Store(), ox.Store()
    node = ox.BlankNode("quantity")
    graph = ox.NamedNode("https://kg.example.org/graph/g")
    public.add(ox.Quad(node, ox.NamedNode("https://schema.org/value"), ox.Literal("3"), graph))
    restricted.add(ox.Quad(ox.NamedNode("https://kg.example.org/id/person/w"),
                           ox.NamedNode("https://kg.example.org/ontology#accessLevel"),
                           ox.NamedNode("https://kg.example.org/ontology#Restricted"), graph))
    full = merged(public, restricted)
    assert set(public) <= set(full) and set(restricted) <= set(full)
