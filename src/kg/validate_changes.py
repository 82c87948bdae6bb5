"""SHACL of only what a write changed, before it is published: the focus nodes of its added
and removed quads and the nodes their shapes reach.

Their neighbourhood (what their shapes can read, from both partitions, graph names kept) is
copied into a small scratch store, the compiled shapes and graph-aware rules run there, and
only the focus nodes' results count (the neighbours' own data is incomplete there). Rules
marked kg:wholeStore (uniqueness) run on the partitions themselves, bound to the focus
nodes. Why a copy rather than the staged stores: targets (a SPARQL target scanning every
literal) are computed whole before they are joined with the focus nodes, which on a
RocksDB store of 1.3M quads takes tens of seconds per shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import rdflib

from kg.focus import focus_nodes, neighbourhood, reach_of
from kg.store import Partitions
from kg.validate import (
    Report,
    Result,
    dataset_results,
    node_key,
    shapes_graph_of,
    sparql_results,
    validate,
)


def _dedupe(results: Sequence[Result]) -> list[Result]:
    unique = {(r.focus, r.shape, r.constraint, r.path, r.value, r.message): r for r in results}
    return list(unique.values())


def validate_changes(parts: Partitions, shapes: Path | rdflib.Graph | None = None) -> Report:
    """Check the nodes a write touched; a whole load (no recorded changes) is checked whole."""
    if parts.changes is None:
        return validate(parts.full, shapes)
    stores = [parts.public, parts.restricted]
    graph = shapes_graph_of(parts.public, shapes)
    reach = reach_of(graph)
    focus = focus_nodes(parts.changes.added, parts.changes.removed, reach, stores)
    if not focus:
        return Report([])
    keys = {node_key(n) for n in focus}
    hood = neighbourhood(focus, reach, stores, parts.changes.added)
    results = [r for r in sparql_results(hood, graph) + dataset_results(hood, graph,
                                                                        whole_store=False)
               if r.focus in keys or r.value in keys]
    for store in stores:
        results += dataset_results(store, graph, focus=focus, whole_store=True)
    return Report(_dedupe(results))
