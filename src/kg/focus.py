"""Which nodes a write touches, for SHACL, and the part of the dataset their shapes can see.

Validating only what changed needs two things. The focus nodes: subjects of added and
removed quads; objects of quads whose predicate a shape follows backwards (an inverse path)
or names in sh:targetObjectsOf; and the nodes that reach a changed node through a path a
shape checks the value of (sh:class, sh:node, a qualified shape, a longer path), when what
changed there is something such a check reads. And their neighbourhood: everything the
shapes can read from them (their own quads, the quads pointing at them along inverse paths,
and a few hops outwards), plus the class hierarchy, copied with graph names into a scratch
store in memory. What the shapes reach is read from the shapes graph itself, so a new shape
is covered without changing this module.

The scratch store starts as the write's own added quads, and the dataset is asked only for
what the write does not hold: a handful of set queries (VALUES of the focus nodes), whose
answers are the few quads that exist besides the write's (none for nodes the write mints).
Reading the write's quads back from an on-disk store would decode every term again (tens
of microseconds a quad); asking Python for them node by node costs as much.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from kg.store.base import Changes

#: Hops outwards from a focus node that shapes may read (a count claim's counted item's type
#: is three away: claim -> count -> item -> type).
DEPTH = 3
_VALUE_CHECKS = (SH["class"], SH.node, SH.qualifiedValueShape, SH["not"], SH["or"], SH["and"],
                 SH.xone)

Node = ox.NamedNode | ox.BlankNode
#: What a property shape may say and still only count its values.
_COUNT_ONLY = {SH.path, SH.minCount, SH.maxCount, SH.severity, SH.message, SH.name,
               SH.description, RDF.type, RDFS.label, RDFS.comment}


@dataclass(frozen=True)
class Reach:
    """What the shapes read beyond a focus node's own quads.

    inverse: predicates followed backwards (so a changed quad also touches its object);
    reach: first steps of paths whose values are checked further (sh:class, sh:node...);
    deep: what such checks read on the value (its type, its properties);
    counted: the deep predicates that nested shapes only count (sh:minCount, sh:maxCount
    and nothing else, read nowhere else deep): a change to one that leaves each node's
    number of values as it was (a table's new hash replacing the old) changes no referrer's
    result.
    """

    inverse: frozenset[str]
    reach: frozenset[str]
    deep: frozenset[str]
    counted: frozenset[str] = frozenset()


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
    counted: set[str] = set()
    valued: set[str] = set(deep)
    while nested:
        shape = nested.pop()
        if shape in seen:
            continue
        seen.add(shape)
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if path is not None:
                steps = [p for p, _ in _path_steps(shapes, path)]
                deep.update(steps)
                only_counts = isinstance(path, rdflib.URIRef) and set(
                    shapes.predicates(prop, None)) <= _COUNT_ONLY
                (counted if only_counts else valued).update(steps)
            nested.update(shapes.objects(prop, SH.node))
            nested.update(shapes.objects(prop, SH.qualifiedValueShape))
    return Reach(frozenset(inverse), frozenset(reach), frozenset(deep),
                 frozenset(counted - valued))


@dataclass
class Scope:
    """The nodes whose results count, and the scratch store their shapes are checked on."""

    focus: set[Node]
    hood: ox.Store


def _values(nodes: Iterable[Node]) -> str:
    return " ".join(str(n) for n in nodes if isinstance(n, ox.NamedNode))


def _changed_nodes(added: Sequence[ox.Quad], removed: Sequence[ox.Quad], reach: Reach
                   ) -> tuple[set[Node], set[Node], set[Node]]:
    """The changed quads' subjects and inverse-path objects (focus), the subjects whose
    deep-read predicates changed (their referrers may see a different value), and the
    added quads' objects (where the neighbourhood goes on). One pass in Python: asking a
    store of the added quads is slower (each answer row becomes Python objects anyway)."""
    focus: set[Node] = set()
    objects: set[Node] = set()
    changed: set[Node] = set()
    counts: dict[tuple[Node, str], int] = defaultdict(int)
    inverse, counted = reach.inverse, reach.counted
    valued = reach.deep - counted
    for quads, sign in ((added, 1), (removed, -1)):
        for quad in quads:
            subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
            focus.add(subject)
            if isinstance(obj, ox.NamedNode | ox.BlankNode):
                if sign > 0:
                    objects.add(obj)
                if predicate in inverse:
                    focus.add(obj)
            if predicate in counted:
                counts[(subject, predicate)] += sign
            elif predicate in valued:
                changed.add(subject)
    changed.update(node for (node, _), delta in counts.items() if delta)
    return focus, changed, objects


def _ask(stores: Sequence[ox.Store], query: str) -> list[ox.Quad]:
    """The quads a `SELECT ?s ?p ?o ?g` finds in every store."""
    return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for store in stores
            for r in store.query(query)]


def _own(stores: Sequence[ox.Store], nodes: Iterable[Node]) -> list[ox.Quad]:
    """Every quad of these nodes as subjects (blank nodes by pattern: VALUES cannot name
    them)."""
    named = _values(nodes)
    quads = _ask(stores, f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {named} }} "
                         "GRAPH ?g { ?s ?p ?o } }") if named else []
    for node in nodes:
        if isinstance(node, ox.BlankNode):
            for store in stores:
                quads.extend(store.quads_for_pattern(node, None, None, None))
    return quads


def _pointing(stores: Sequence[ox.Store], nodes: Iterable[Node], predicates: Iterable[str]
              ) -> list[ox.Quad]:
    """The quads pointing at these nodes by these predicates. The predicates are a FILTER,
    not a second VALUES: Oxigraph joins two VALUES blocks first and then scans for each
    pair (measured: 2,000 nodes and 3 predicates 4 s, against 0.1 s filtered)."""
    named = _values(nodes)
    preds = ", ".join(f"<{p}>" for p in sorted(predicates))
    if not named or not preds:
        return []
    return _ask(stores, f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?o {{ {named} }} "
                        f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?p IN ({preds})) }}")


def _known(nodes: Iterable[Node], fresh: tuple[str, ...]) -> set[Node]:
    """The nodes the dataset may hold quads of: all but IRIs under the `fresh` prefixes."""
    if not fresh:
        return set(nodes)
    return {n for n in nodes if not (isinstance(n, ox.NamedNode) and n.value.startswith(fresh))}


def scope_of(changes: Changes, reach: Reach, context: Sequence[ox.Store],
             fresh: tuple[str, ...] = ()) -> Scope:
    """The focus nodes of a write and their neighbourhood after it.

    `context` holds the data the write does not change: the dataset before the write (the
    quads read there are taken minus the removed ones) or the staged dataset after it (then
    the write's own quads are read back too: correct, slower). A node's quads after the
    write are its quads there, minus the removed, plus the added.

    `fresh`: IRI prefixes under which `context` names nothing (the writer vouches for it:
    `kg.ingest.fresh`); such nodes are not looked for there, as subjects or as objects (a
    RocksDB look-up each, twice, for tens of thousands of nodes that are sure to be new)."""
    added, removed = changes.added, changes.removed
    hood = ox.Store()
    gone = set(removed)

    def keep(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        return [q for q in quads if q not in gone]

    focus, changed, objects = _changed_nodes(added, removed, reach)
    known = _known(focus, fresh)
    with ThreadPoolExecutor(max_workers=1) as pool:  # queries run without the GIL
        own = pool.submit(_own, context, known)
        # Pointers along inverse paths (at any focus node) and referrers along reach
        # paths (at changed nodes), asked at once: one look-up per node, not two.
        found = keep(_pointing(context, known, reach.inverse | reach.reach))
        referrers = [q for q in found if q.predicate.value in reach.reach
                     and q.object in changed]
        extra = {q.subject for q in referrers} - focus
        quads = keep(own.result()) + [q for q in found if q.predicate.value in reach.inverse
                                      ] + referrers
    quads += keep(_own(context, extra)) + keep(_pointing(context, extra, reach.inverse))
    focus |= extra
    # After the look-ups (which run without the GIL, beside each other): inserting Python
    # quads holds the GIL throughout (`kg.store.loading.add_quads`), which the write does
    # not need by now, being inside Oxigraph (`kg.validate_changes.PendingCheck`).
    hood.bulk_extend(added)
    hood.bulk_extend(quads)
    seen = set(focus)
    frontier = objects | {q.subject for q in quads} | {
        q.object for q in quads if isinstance(q.object, ox.NamedNode | ox.BlankNode)}
    for _ in range(DEPTH):
        frontier = _known(frontier - seen, fresh)
        if not frontier:
            break
        seen |= frontier
        found = keep(_own(context, frontier))
        hood.bulk_extend(found)
        frontier = {q.object for q in found if not isinstance(q.object, ox.Literal)}
    sub_class = ox.NamedNode(str(RDFS.subClassOf))
    hood.bulk_extend(keep(q for store in context
                          for q in store.quads_for_pattern(None, sub_class, None, None)))
    return Scope(focus, hood)
