"""SHACL of only what a write changed, before it is published: the focus nodes of its added
and removed quads and the nodes their shapes reach, checked by the compiled shapes bound to
those nodes; rules that need the whole store run bound to them too.

The staged dataset is two pyoxigraph stores. Public focus nodes are checked in the public
partition itself (restricted data never completes a public node: routing keeps every quad
naming a restricted node out of it). Focus nodes with quads in the restricted partition are
checked in a scratch copy of their neighbourhood drawn from both partitions (restricted
claims cite public sources). Graph-aware rules that are not whole-store rules see the
restricted partition and the public quads that point into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.focus import focus_nodes, neighbourhood, reach_of
from kg.store import Partitions
from kg.validate import (
    Node,
    Report,
    Result,
    dataset_results,
    node_key,
    shapes_graph_of,
    sparql_results,
    validate,
)

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _crossing(public: ox.Store, restricted: ox.Store) -> ox.Store:
    """The restricted partition, and every public quad naming one of its nodes (with the
    public types of those nodes): what a rule about public pointing to restricted reads."""
    scratch = ox.Store()
    scratch.bulk_extend(restricted.quads_for_pattern(None, None, None, None))
    nodes = {q.subject for q in restricted.quads_for_pattern(None, None, None, None)}
    quads: list[ox.Quad] = []
    for node in nodes:
        quads.extend(public.quads_for_pattern(None, None, node, None))
        quads.extend(public.quads_for_pattern(node, _TYPE, None, None))
    scratch.bulk_extend(quads)
    return scratch


def _in(store: ox.Store, nodes: set[Node]) -> set[Node]:
    return {n for n in nodes if next(store.quads_for_pattern(n, None, None, None), None)}


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
    iris = {n for n in focus if isinstance(n, ox.NamedNode)}
    results = sparql_results(parts.public, graph, iris)
    hidden = _in(parts.restricted, focus) | (focus - iris)
    if hidden:
        hood = neighbourhood(hidden, reach, stores)
        keys = {node_key(n) for n in hidden}
        bound = None if hidden - iris else hidden  # blank nodes cannot be bound: filter after
        results += [r for r in sparql_results(hood, graph, bound)  # type: ignore[arg-type]
                    if r.focus in keys]
    results += dataset_results(_crossing(parts.public, parts.restricted), graph, focus=focus,
                               whole_store=False)
    for store in stores:
        results += dataset_results(store, graph, focus=focus, whole_store=True)
    return Report(_dedupe(results))
