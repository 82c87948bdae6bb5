"""SHACL of only what a write changed, before it is published: the focus nodes of its added
and removed quads and the nodes their shapes reach.

Their neighbourhood (what their shapes can read, from both partitions, graph names kept) is
gathered into a scratch store in memory (`kg.focus`), the compiled shapes and graph-aware
rules run there, and only the focus nodes' results count (the neighbours' own data is
incomplete there). Rules marked kg:wholeStore (uniqueness) run on the staged partitions,
bound to the nodes the write's changes touch through the predicates the rule reads. Why a
copy rather than the staged stores: targets (a SPARQL target scanning every literal) are
computed whole before they are joined with the focus nodes, which on a RocksDB store of
1.3M quads takes tens of seconds per shape.

A write worked out ahead (`Store.diff_graphs`) can be checked in two halves: `local` on the
dataset as it is before the write (its `basis`), which may run while the write is made, and
`finish` on the staged dataset, which adds the whole-store rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.focus import Node, reach_of, scope_of
from kg.namespaces import SHAPES_GRAPH
from kg.store import Changes, GraphWrite, Partitions
from kg.validate import (
    Report,
    Result,
    dataset_results,
    shapes_graph_of,
    sparql_results,
    validate,
)

_WHOLE = rdflib.URIRef("https://kg.example.org/ontology#wholeStore")
_DATASET_RULE = rdflib.URIRef("https://kg.example.org/ontology#DatasetConstraint")


def _dedupe(results: Sequence[Result]) -> list[Result]:
    unique = {(r.focus, r.shape, r.constraint, r.path, r.value, r.message): r for r in results}
    return list(unique.values())


def touches_shapes(changes: Changes) -> bool:
    """Whether the write changes the shapes themselves (then everything is checked)."""
    shapes = ox.NamedNode(SHAPES_GRAPH)
    return any(q.graph_name == shapes for q in (*changes.added, *changes.removed))


def local(changes: Changes, graph: rdflib.Graph, context: Sequence[ox.Store],
          fresh: tuple[str, ...] = ()) -> tuple[list[Result], set[Node]]:
    """The compiled shapes and graph-aware rules on the changed nodes' neighbourhood, read
    from `context` (the dataset before or after the write: `kg.focus.scope_of`; `fresh`:
    IRI prefixes it names nothing under), and the focus nodes."""
    scope = scope_of(changes, reach_of(graph), context, fresh)
    if not scope.focus:
        return [], set()
    found = sparql_results(scope.hood, graph) + dataset_results(scope.hood, graph,
                                                                 whole_store=False)
    return [r for r in found if _names(r.focus, scope.focus) or _names(r.value, scope.focus)
            ], scope.focus


def _names(key: str | None, nodes: set[Node]) -> bool:
    """Whether a result's node (`node_key`'s form) is one of `nodes` (asked of the few
    results rather than every focus node turned into a key)."""
    if key is None:
        return False
    if key.startswith("_:"):
        return ox.BlankNode(key[2:]) in nodes
    try:
        return ox.NamedNode(key) in nodes
    except ValueError:  # a literal value
        return False


def _predicates(node: object, out: set[str]) -> bool:
    """Collect the IRIs a parsed query uses as predicates; False if any predicate may match
    (a variable, a negated path)."""
    if isinstance(node, CompValue | dict):
        for key, value in node.items():
            if key == "triples" and isinstance(value, list):
                for triple in value:
                    iris = _iris(triple[1])
                    if iris is None:
                        return False
                    out.update(iris)
            elif not _predicates(value, out):
                return False
    elif isinstance(node, list | tuple):
        return all(_predicates(item, out) for item in node)
    return True


def _iris(term: object) -> list[str] | None:
    """The IRIs a predicate or property path can match by (None: any)."""
    if isinstance(term, rdflib.URIRef):
        return [str(term)]
    parts: list[object]
    if isinstance(term, SequencePath | AlternativePath):
        parts = list(term.args)
    elif isinstance(term, InvPath):
        parts = [term.arg]
    elif isinstance(term, MulPath):
        parts = [term.path]
    else:  # a variable, a negated path
        return None
    found: list[str] = []
    for part in parts:
        iris = _iris(part)
        if iris is None:
            return None
        found += iris
    return found


def rule_predicates(select: str) -> frozenset[str] | None:
    """The predicates a rule's query reads (None if one is a variable: any may matter)."""
    out: set[str] = set()
    if not _predicates(prepareQuery(select).algebra, out):
        return None
    return frozenset(out)


def whole_store_rules(graph: rdflib.Graph) -> list[tuple[rdflib.term.Node, frozenset[str] | None]]:
    """The kg:wholeStore rules and the predicates each reads.

    Parsed on a thread of its own: rdflib's parser (pyparsing) leaves its parse exceptions
    in reference cycles with their frames, and a frame keeps its callers' frames alive; a
    staged store on the caller's stack would then stay open after its version is
    published, until a garbage collection."""
    rules = [r for r in graph.subjects(rdflib.RDF.type, _DATASET_RULE)
             if bool(graph.value(r, _WHOLE, default=rdflib.Literal(False)).toPython())]
    selects = [str(graph.value(r, SH.select)) for r in rules]
    with ThreadPoolExecutor(max_workers=1) as pool:
        return list(zip(rules, pool.map(rule_predicates, selects), strict=True))


def _touched(changes: Changes, predicates: frozenset[str] | None, focus: set[Node]
             ) -> set[Node]:
    """The subjects of the changed quads with these predicates: the nodes a whole-store
    rule is bound to (as ?this and ?value; all focus nodes when any predicate may matter).
    The unchanged counterpart of a new violation is named in its message, as before.
    One pass in Python: cheaper than a store of the added quads made to be asked."""
    if predicates is None:
        return focus
    return {q.subject for quads in (changes.added, changes.removed) for q in quads
            if q.predicate.value in predicates}


def whole_store(parts: Partitions, graph: rdflib.Graph, focus: set[Node]) -> list[Result]:
    """The kg:wholeStore rules on the staged partitions, each bound to what the write's
    changes touch through the predicates it reads."""
    changes = parts.changes or Changes()
    results: list[Result] = []
    for rule, predicates in whole_store_rules(graph):
        nodes = _touched(changes, predicates, focus)
        for store in (parts.public, parts.restricted):
            if nodes:
                results += dataset_results(store, graph, focus=nodes, rules=[rule])
    return results


def finish(parts: Partitions, graph: rdflib.Graph, found: list[Result], focus: set[Node]
           ) -> Report:
    """The report of a write: `local`'s results and the whole-store rules."""
    return Report(_dedupe(found + whole_store(parts, graph, focus)))


def validate_changes(parts: Partitions, shapes: Path | rdflib.Graph | None = None, *,
                     basis: Partitions | None = None) -> Report:
    """Check the nodes a write touched; a whole load (no recorded changes), or a write to
    the shapes themselves, is checked whole. `basis`: the dataset before the write, where
    the unchanged data is read faster than among the staged write's own quads."""
    if parts.changes is None or touches_shapes(parts.changes):
        return validate(parts.full, shapes)
    graph = shapes_graph_of(parts.public, shapes)
    where = basis or parts
    found, focus = local(parts.changes, graph, [where.public, where.restricted])
    if not focus:
        return Report([])
    return finish(parts, graph, found, focus)


class PendingCheck:
    """SHACL of a write worked out ahead (a GraphWrite), begun as the write begins.

    The neighbourhood is gathered from the dataset the write was worked out against and the
    compiled shapes run on it on a thread of their own, while the write itself goes on
    (both mostly inside Oxigraph, so on two cores they overlap); `report` then adds the
    whole-store rules on the staged dataset. It starts when the store starts adding the
    write's quads (`GraphWrite.on_write`), not before: the write's own start (a checkpoint,
    opening the staged stores) needs the GIL the check's Python would hold, and the write is
    the longer of the two. A store without a basis (remote) or a write to the shapes
    themselves is checked whole in `report`."""

    def __init__(self, write: GraphWrite, shapes: Path | rdflib.Graph | None = None) -> None:
        self.shapes = shapes
        self._write = write
        self._local: Future[tuple[list[Result], set[Node]]] | None = None
        basis = write.basis
        # A write changes only the graphs it names: most name no shapes (and a new list's
        # quads are many to look through).
        shaping = SHAPES_GRAPH in write and touches_shapes(write.changes)
        self._local_first = basis is not None and not shaping
        if self._local_first:
            self.graph = shapes_graph_of(basis.public, shapes)
            write.on_write.append(self.start)

    def start(self) -> None:
        """Begin now (when the caller has other work to do before the write)."""
        if self._local is not None or not self._local_first:
            return
        write = self._write
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-shacl")
        self._local = pool.submit(local, write.changes, self.graph,
                                  [write.basis.public, write.basis.restricted], write.fresh)
        pool.shutdown(wait=False)

    def report(self, parts: Partitions) -> Report:
        """The report, once the staged dataset `parts` (with its changes) exists."""
        if not self._local_first:
            return validate_changes(parts, self.shapes)
        self.start()  # a write that did not say it began (a backend without the hook)
        assert self._local is not None
        found, focus = self._local.result()
        return finish(parts, self.graph, found, focus) if focus else Report([])
