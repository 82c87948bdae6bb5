"""Which nodes a write touches, for SHACL, and the part of the dataset their shapes can see.

Validating only what changed needs two things. The focus nodes: subjects of added and
removed quads; objects of quads whose predicate a shape follows backwards (an inverse path)
or names in sh:targetObjectsOf; and the nodes that reach a changed node through a path a
shape checks the value of (sh:class, sh:node, a qualified shape, a longer path), when what
changed there is something such a check reads. And their neighbourhood: everything the
shapes can read from them (their own quads, the quads pointing at them along inverse paths,
and a few hops outwards), plus the class hierarchy, copied with graph names into a scratch
store small enough for pySHACL. What the shapes reach is read from the shapes graph itself,
so a new shape is covered without changing this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

#: Hops outwards from a focus node that shapes may read (a count claim's counted item's type
#: is three away: claim -> count -> item -> type).
DEPTH = 3
_VALUE_CHECKS = (SH["class"], SH.node, SH.qualifiedValueShape, SH["not"], SH["or"], SH["and"],
                 SH.xone)

Node = ox.NamedNode | ox.BlankNode


@dataclass(frozen=True)
class Reach:
    """What the shapes read beyond a focus node's own quads.

    inverse: predicates followed backwards (so a changed quad also touches its object);
    reach: first steps of paths whose values are checked further (sh:class, sh:node...);
    deep: what such checks read on the value (its type, its properties).
    """

    inverse: frozenset[str]
    reach: frozenset[str]
    deep: frozenset[str]


def _path_steps(shapes: rdflib.Graph, path: rdflib.term.Node) -> list[tuple[str, bool]]:
    """The (predicate, inverse?) steps of a SHACL path (IRI, inverse, sequence)."""
    if isinstance(path, rdflib.URIRef):
        return [(str(path), False)]
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return [(p, not inv) for p, inv in _path_steps(shapes, inverse)]
    if (path, RDF.first, None) in shapes:
        steps: list[tuple[str, bool]] = []
        for item in Collection(shapes, path):
            steps += _path_steps(shapes, item)
        return steps
    for alt in (SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        inner = shapes.value(path, alt)
        if inner is not None:
            if alt == SH.alternativePath:
                return [s for item in Collection(shapes, inner) for s in
                        _path_steps(shapes, item)]
            return _path_steps(shapes, inner)
    return []


def reach_of(shapes: rdflib.Graph) -> Reach:
    """Read from the shapes graph which predicates lead beyond a focus node."""
    inverse: set[str] = set()
    reach: set[str] = set()
    deep: set[str] = {str(RDF.type), str(RDFS.subClassOf)}
    nested: set[rdflib.term.Node] = set()
    for shape, path in shapes.subject_objects(SH.path):
        steps = _path_steps(shapes, path)
        inverse.update(p for p, inv in steps if inv)
        checks_value = any((shape, c, None) in shapes for c in _VALUE_CHECKS)
        if steps and (checks_value or len(steps) > 1):
            reach.add(steps[0][0])
            deep.update(p for p, _ in steps[1:])
        for c in (SH.node, SH.qualifiedValueShape):
            nested.update(shapes.objects(shape, c))
    for pred in (SH.targetObjectsOf,):
        inverse.update(str(o) for o in shapes.objects(None, pred))
    seen: set[rdflib.term.Node] = set()
    while nested:
        shape = nested.pop()
        if shape in seen:
            continue
        seen.add(shape)
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if path is not None:
                deep.update(p for p, _ in _path_steps(shapes, path))
            nested.update(shapes.objects(prop, SH.node))
            nested.update(shapes.objects(prop, SH.qualifiedValueShape))
    return Reach(frozenset(inverse), frozenset(reach), frozenset(deep))


def focus_nodes(added: Iterable[ox.Quad], removed: Iterable[ox.Quad], reach: Reach,
                stores: Sequence[ox.Store]) -> set[Node]:
    """The nodes whose shapes a change can break."""
    focus: set[Node] = set()
    deep_changed: set[Node] = set()
    for quad in (*added, *removed):
        focus.add(quad.subject)
        predicate = quad.predicate.value
        if predicate in reach.inverse and isinstance(quad.object, ox.NamedNode | ox.BlankNode):
            focus.add(quad.object)
        if predicate in reach.deep:
            deep_changed.add(quad.subject)
    for node in deep_changed:
        for store in stores:
            focus.update(q.subject for q in store.quads_for_pattern(None, None, node, None)
                         if q.predicate.value in reach.reach)
    return focus


def _counts(store: ox.Store, nodes: Iterable[ox.NamedNode]) -> dict[Node, int]:
    """How many quads each node is the subject of (counted without decoding the quads)."""
    values = " ".join(map(str, nodes))
    if not values:
        return {}
    rows = store.query(f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ VALUES ?s {{ {values} }} "
                       "GRAPH ?g { ?s ?p ?o } } GROUP BY ?s")
    return {row["s"]: int(row["n"].value) for row in rows}


def neighbourhood(focus: set[Node], reach: Reach, stores: Sequence[ox.Store],
                  added: Iterable[ox.Quad] = ()) -> ox.Store:
    """The focus nodes' quads, the quads pointing at them along inverse paths, DEPTH hops
    outwards, and the class hierarchy: a scratch store (graph names kept).

    A node whose quads are all among the write's `added` quads (a new node, most of an
    import) is taken from those: reading quads back from RocksDB costs tens of
    microseconds each (decoding their strings), counting them does not."""
    quads: list[ox.Quad] = []
    new: dict[Node, list[ox.Quad]] = defaultdict(list)
    for q in added:
        if q.subject in focus:
            new[q.subject].append(q)
    named = [n for n in focus if isinstance(n, ox.NamedNode)]
    stored: dict[Node, int] = defaultdict(int)
    for store in stores:
        for node, count in _counts(store, named).items():
            stored[node] += count
    for node in focus:
        if isinstance(node, ox.NamedNode) and stored.get(node, 0) == len(new.get(node, ())):
            quads.extend(new.get(node, ()))
        else:
            for store in stores:
                quads.extend(store.quads_for_pattern(node, None, None, None))
        for store in stores:
            for q in store.quads_for_pattern(None, None, node, None):
                if q.predicate.value in reach.inverse:
                    quads.append(q)
    seen: set[Node] = set(focus)
    frontier = {q.subject for q in quads} | {q.object for q in quads
                                             if isinstance(q.object, ox.NamedNode | ox.BlankNode)}
    for _ in range(DEPTH):
        following: set[Node] = set()
        for node in frontier - seen:
            seen.add(node)
            for store in stores:
                for q in store.quads_for_pattern(node, None, None, None):
                    quads.append(q)
                    if isinstance(q.object, ox.NamedNode | ox.BlankNode):
                        following.add(q.object)
        frontier = following
    sub_class = ox.NamedNode(str(RDFS.subClassOf))
    for store in stores:
        quads.extend(store.quads_for_pattern(None, sub_class, None, None))
    hood = ox.Store()
    hood.bulk_extend(quads)
    return hood
