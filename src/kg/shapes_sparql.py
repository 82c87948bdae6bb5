"""SHACL shapes compiled to SPARQL queries that Oxigraph runs, one query per constraint.

Why: pySHACL walks the data node by node through Python, which at 1.3M quads takes minutes;
the same constraints as SPARQL (targets as graph patterns, each constraint as the pattern
of its violations) run inside Oxigraph. This compiles the SHACL Core constraint components
and SHACL-AF SPARQL targets kg's shapes use (minCount, maxCount, class, datatype, nodeKind,
in, hasValue, pattern, min/maxLength, min/max in/exclusive, lessThan(OrEquals), languageIn,
node, not, and, or, qualifiedValueShape with qualifiedMin/MaxCount, and SPARQL-based
constraints), over IRI, inverse and sequence paths. A top-level shape that uses anything else
is listed as not compiled, and `kg.validate` hands it to pySHACL, which stays the reference:
tests check both give the same results on every fixture. No such library exists for Python
(pySHACL's "SPARQL mode" still evaluates node by node).

Results carry what pySHACL's would: focus node, the nearest named shape, the constraint
component, severity, message, path and value. Queries read the union of the dataset's
graphs (the shapes graph included, which no shape targets).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

_SUB = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)
_COMPARE = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">",
            SH.maxExclusive: "<"}
_PAIRS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
_KINDS = {SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
          SH.BlankNodeOrIRI: "!isLiteral({v})", SH.BlankNodeOrLiteral: "!isIRI({v})",
          SH.IRIOrLiteral: "!isBlank({v})"}
#: Shape parameters this compiler understands (anything else: the shape goes to pySHACL).
_KNOWN = {
    RDF.type, SH.path, SH.property, SH.message, SH.severity, SH.name, SH.description,
    SH.order, SH.group, SH.deactivated, SH.targetClass, SH.targetNode, SH.targetObjectsOf,
    SH.targetSubjectsOf, SH.target, SH.minCount, SH.maxCount, SH["class"], SH.datatype,
    SH.nodeKind, SH["in"], SH.hasValue, SH.pattern, SH.flags, SH.minLength, SH.maxLength,
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.lessThan,
    SH.lessThanOrEquals, SH.languageIn, SH.node, SH["not"], SH["and"], SH["or"],
    SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.sparql,
    rdflib.RDFS.label, rdflib.RDFS.comment, SH.prefixes, SH.declare,
}


class Unsupported(Exception):  # noqa: N818 - an internal signal, never seen by users
    """A shape uses something this compiler does not; pySHACL validates it instead."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: the query yielding ?this (and ?value) for each violation."""

    shape: str
    constraint: str
    severity: str
    message: str
    path: str | None
    query: str
    node_level: bool = False


def _n3(term: rdflib.term.Node) -> str:
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        return term.n3()
    raise Unsupported(f"blank node {term} as a value")


class Compiler:
    """Compiles the shapes of one shapes graph; `checks()` gives every compiled query."""

    def __init__(self, shapes: rdflib.Graph) -> None:
        self.g = shapes
        self._names = (f"v{i}" for i in itertools.count())
        self.prefixes = self._prefixes()

    def _prefixes(self) -> str:
        lines = {}
        for decl in self.g.objects(None, SH.declare):
            prefix, ns = self.g.value(decl, SH.prefix), self.g.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines[str(prefix)] = f"PREFIX {prefix}: <{ns}>"
        return "\n".join(lines.values()) + "\n"

    def var(self) -> str:
        return "?" + next(self._names)

    # --- parts ----------------------------------------------------------------------------
    def path(self, node: rdflib.term.Node) -> str:
        if isinstance(node, rdflib.URIRef):
            return f"<{node}>"
        inverse = self.g.value(node, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)})"
        if (node, RDF.first, None) in self.g:
            return "/".join(f"({self.path(n)})" for n in Collection(self.g, node))
        raise Unsupported(f"path {node}")

    def targets(self, shape: rdflib.term.Node, this: str) -> str:
        parts = []
        for cls in self.g.objects(shape, SH.targetClass):
            parts.append(f"{this} {_TYPE}/{_SUB}* {_n3(cls)} .")
        for node in self.g.objects(shape, SH.targetNode):
            parts.append(f"VALUES {this} {{ {_n3(node)} }}")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"{self.var()} {_n3(p)} {this} .")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{this} {_n3(p)} {self.var()} .")
        for target in self.g.objects(shape, SH.target):
            select = self.g.value(target, SH.select)
            if select is None:
                raise Unsupported("a target that is not a SPARQL target")
            parts.append("{ " + self._inner_select(str(select)).replace("?this", this) + " }")
        if not parts:
            raise Unsupported("no target")
        return " UNION ".join("{ " + p + " }" for p in parts)

    @staticmethod
    def _inner_select(select: str) -> str:
        lines = [line for line in select.splitlines()
                 if not line.strip().upper().startswith("PREFIX")]
        return "\n".join(lines).replace("$this", "?this")

    def _list(self, node: rdflib.term.Node) -> list[rdflib.term.Node]:
        return list(Collection(self.g, node))

    # --- violations -----------------------------------------------------------------------
    def value_violations(self, shape: rdflib.term.Node, v: str,
                         node: bool = False) -> list[tuple[str, str]]:
        """(component, FILTER expression true when value `v` violates) for each value-level
        constraint of `shape` (those that test one value node at a time); on a node shape
        (`node`), sh:hasValue tests the node itself."""
        g, out = self.g, []
        if node:
            for value in g.objects(shape, SH.hasValue):
                out.append(("HasValue", f"!sameTerm({v}, {_n3(value)})"))
        for cls in g.objects(shape, SH["class"]):
            out.append(("Class", f"NOT EXISTS {{ {v} {_TYPE}/{_SUB}* {_n3(cls)} }}"))
        for dt in g.objects(shape, SH.datatype):
            out.append(("Datatype", f"(!isLiteral({v}) || DATATYPE({v}) != {_n3(dt)})"))
        for kind in g.objects(shape, SH.nodeKind):
            out.append(("NodeKind", f"!({_KINDS[kind].format(v=v)})"))
        for values in g.objects(shape, SH["in"]):
            options = " || ".join(f"sameTerm({v}, {_n3(x)})" for x in self._list(values))
            out.append(("In", f"!({options or 'false'})"))
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            extra = f", {_n3(rdflib.Literal(str(flags)))}" if flags is not None else ""
            out.append(("Pattern", f"(isBlank({v}) || !REGEX(STR({v}), "
                                   f"{_n3(rdflib.Literal(str(pattern)))}{extra}))"))
        for name, op in ((SH.minLength, "<"), (SH.maxLength, ">")):
            for n in g.objects(shape, name):
                out.append((str(name).rsplit("#", 1)[1][0].upper() + str(name).rsplit("#", 1)
                            [1][1:], f"(isBlank({v}) || STRLEN(STR({v})) {op} {int(n)})"))
        for name, op in _COMPARE.items():
            for bound in g.objects(shape, name):
                component = str(name).rsplit("#", 1)[1]
                out.append((component[0].upper() + component[1:],
                            f"!COALESCE({v} {op} {_n3(bound)}, false)"))
        for langs in g.objects(shape, SH.languageIn):
            tests = " || ".join(f"LANGMATCHES(LANG({v}), {_n3(x)})" for x in self._list(langs))
            out.append(("LanguageIn", f"(!isLiteral({v}) || !({tests or 'false'}))"))
        for node in g.objects(shape, SH.node):
            out.append(("Node", f"!({self.conforms(node, v)})"))
        for negated in g.objects(shape, SH["not"]):
            out.append(("Not", self.conforms(negated, v)))
        for conj in g.objects(shape, SH["and"]):
            parts = " && ".join(self.conforms(s, v) for s in self._list(conj))
            out.append(("And", f"!({parts or 'true'})"))
        for disj in g.objects(shape, SH["or"]):
            parts = " || ".join(self.conforms(s, v) for s in self._list(disj))
            out.append(("Or", f"!({parts or 'false'})"))
        return out

    def focus_violations(self, shape: rdflib.term.Node, this: str,
                         top: bool = False) -> list[tuple[str, str]]:
        """(component, FILTER [NOT] EXISTS pattern matching when focus `this` violates) for
        the constraints of a property shape that look at all its values together. Counts
        above 1 need aggregates: at the top level they are separate checks, not here."""
        g, out = self.g, []
        path = self.path(g.value(shape, SH.path))
        for n in g.objects(shape, SH.minCount):
            if int(n) == 1:
                out.append(("MinCount", f"FILTER NOT EXISTS {{ {this} {path} {self.var()} }}"))
            elif int(n) > 1 and not top:
                raise Unsupported("minCount above 1 inside an expression")
        for n in g.objects(shape, SH.maxCount):
            if int(n) == 0:
                out.append(("MaxCount", f"FILTER EXISTS {{ {this} {path} {self.var()} }}"))
            elif int(n) == 1:
                a, b = self.var(), self.var()
                out.append(("MaxCount", f"FILTER EXISTS {{ {this} {path} {a} , {b} . "
                                        f"FILTER(!sameTerm({a}, {b})) }}"))
            elif not top:
                raise Unsupported("maxCount above 1 inside an expression")
        for value in g.objects(shape, SH.hasValue):
            out.append(("HasValue", f"FILTER NOT EXISTS {{ {this} {path} {_n3(value)} }}"))
        for qualified in g.objects(shape, SH.qualifiedValueShape):
            v = self.var()
            ok = self.conforms(qualified, v)
            for n in g.objects(shape, SH.qualifiedMinCount):
                if int(n) > 1:
                    raise Unsupported("qualifiedMinCount above 1")
                out.append(("QualifiedMinCount",
                            f"FILTER NOT EXISTS {{ {this} {path} {v} . FILTER({ok}) }}"))
            for n in g.objects(shape, SH.qualifiedMaxCount):
                if int(n) != 0:
                    raise Unsupported("qualifiedMaxCount above 0")
                out.append(("QualifiedMaxCount",
                            f"FILTER EXISTS {{ {this} {path} {v} . FILTER({ok}) }}"))
        for name, op in _PAIRS.items():
            for other in g.objects(shape, name):
                v, w = self.var(), self.var()
                component = str(name).rsplit("#", 1)[1]
                out.append((component[0].upper() + component[1:],
                            f"FILTER EXISTS {{ {this} {path} {v} . {this} {_n3(other)} {w} . "
                            f"FILTER(!COALESCE({v} {op} {w}, false)) }}"))
        return out

    def conforms(self, shape: rdflib.term.Node, v: str) -> str:
        """A FILTER expression true when node `v` conforms to `shape`."""
        self._known(shape)
        if (shape, SH.sparql, None) in self.g:
            raise Unsupported("a SPARQL constraint inside an expression")
        tests = []
        if (shape, SH.path, None) in self.g:
            path = self.path(self.g.value(shape, SH.path))
            for _, pattern in self.focus_violations(shape, v):
                tests.append(_negate_filter(pattern))
            value = self.var()
            for _, expr in self.value_violations(shape, value):
                tests.append(f"NOT EXISTS {{ {v} {path} {value} . FILTER({expr}) }}")
        else:
            for _, expr in self.value_violations(shape, v, node=True):
                tests.append(f"!({expr})")
        for prop in self.g.objects(shape, SH.property):
            tests.append(self.conforms(prop, v))
        return " && ".join(tests) or "true"

    def _known(self, shape: rdflib.term.Node) -> None:
        for p in self.g.predicates(shape, None):
            if p not in _KNOWN:
                raise Unsupported(f"parameter {p}")
        if (shape, SH.deactivated, rdflib.Literal(True)) in self.g:
            raise Unsupported("deactivated shape inside an expression")

    # --- top level ------------------------------------------------------------------------
    def shape_checks(self, shape: rdflib.term.Node) -> list[Check]:
        """Every check of a top-level shape (one with targets) and its property shapes."""
        self._known(shape)
        this = "?this"
        target = self.targets(shape, this)
        checks = []
        for component, expr in self.value_violations(shape, this, node=True):
            checks.append(self._check(shape, shape, component, None, target,
                                      f"FILTER({expr}) BIND({this} AS ?value)", node=True))
        for sparql in self.g.objects(shape, SH.sparql):
            checks.append(self._sparql_check(shape, sparql, target))
        for prop in self.g.objects(shape, SH.property):
            checks.extend(self._property_checks(shape, prop, target))
        return checks

    def _property_checks(self, parent: rdflib.term.Node, prop: rdflib.term.Node,
                         target: str) -> list[Check]:
        self._known(prop)
        if (prop, SH.deactivated, rdflib.Literal(True)) in self.g:
            return []
        if (prop, SH.sparql, None) in self.g or (prop, SH.property, None) in self.g:
            raise Unsupported("SPARQL constraint or nested property on a property shape")
        path_node = self.g.value(prop, SH.path)
        path = self.path(path_node)
        checks = []
        for n in self.g.objects(prop, SH.minCount):
            if int(n) > 1:
                v = self.var()
                checks.append(self._check(prop, parent, "MinCount", path_node, target,
                                          f"OPTIONAL {{ ?this {path} {v} }}",
                                          group=f"HAVING (COUNT(DISTINCT {v}) < {int(n)})"))
        for n in self.g.objects(prop, SH.maxCount):
            if int(n) > 1:
                v = self.var()
                checks.append(self._check(prop, parent, "MaxCount", path_node, target,
                                          f"?this {path} {v} .",
                                          group=f"HAVING (COUNT(DISTINCT {v}) > {int(n)})"))
        for component, pattern in self.focus_violations(prop, "?this", top=True):
            checks.append(self._check(prop, parent, component, path_node, target, pattern))
        for component, expr in self.value_violations(prop, "?value"):
            checks.append(self._check(prop, parent, component, path_node, target,
                                      f"?this {path} ?value . FILTER({expr})"))
        return checks

    def _check(self, holder: rdflib.term.Node, parent: rdflib.term.Node, component: str,
               path: rdflib.term.Node | None, target: str, pattern: str, *,
               group: str | None = None, node: bool = False) -> Check:
        where = f"{{ SELECT DISTINCT ?this WHERE {{ #FOCUS# {target} }} }} {pattern}"
        head = "SELECT ?this" if group else "SELECT DISTINCT ?this ?value"
        query = f"{self.prefixes}{head} WHERE {{ {where} }}" + (
            f" GROUP BY ?this {group}" if group else "")
        severity = self.g.value(holder, SH.severity, default=SH.Violation)
        message = self.g.value(holder, SH.message)
        return Check(
            shape=_named(self.g, holder if isinstance(holder, rdflib.URIRef) else parent),
            constraint=str(SH) + component + "ConstraintComponent",
            severity=str(severity).rsplit("#", 1)[1], message=str(message or ""),
            path=str(path) if isinstance(path, rdflib.URIRef) else None,
            query=query, node_level=node)

    def _sparql_check(self, shape: rdflib.term.Node, sparql: rdflib.term.Node,
                      target: str) -> Check:
        select = self._inner_select(str(self.g.value(sparql, SH.select)))
        where = (f"{{ SELECT DISTINCT ?this WHERE {{ #FOCUS# {target} }} }} "
                 f"{{ {select} }}")
        message = self.g.value(sparql, SH.message) or self.g.value(shape, SH.message)
        severity = self.g.value(shape, SH.severity, default=SH.Violation)
        return Check(shape=_named(self.g, shape),
                     constraint=str(SH) + "SPARQLConstraintComponent",
                     severity=str(severity).rsplit("#", 1)[1], message=str(message or ""),
                     path=None, query=f"{self.prefixes}SELECT * WHERE {{ {where} }}")


def _negate_filter(pattern: str) -> str:
    """The expression true when a `FILTER [NOT] EXISTS {...}` violation pattern does not
    match: conformance."""
    if pattern.startswith("FILTER NOT EXISTS"):
        return "EXISTS" + pattern[len("FILTER NOT EXISTS"):]
    if pattern.startswith("FILTER EXISTS"):
        return "NOT EXISTS" + pattern[len("FILTER EXISTS"):]
    raise Unsupported(f"pattern {pattern[:40]}")


def _named(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    seen = set()
    while isinstance(shape, rdflib.BNode) and shape not in seen:
        seen.add(shape)
        parent = next(shapes.subjects(SH.property, shape), None)
        if parent is None:
            break
        shape = parent
    return f"_:{shape}" if isinstance(shape, rdflib.BNode) else str(shape)


def top_level(shapes: rdflib.Graph) -> list[rdflib.term.Node]:
    """Shapes with targets, in a stable order."""
    found = {s for t in _TARGETS for s in shapes.subjects(t, None)}
    return sorted(found, key=str)


def compile_shapes(shapes: rdflib.Graph) -> tuple[list[Check], list[rdflib.term.Node]]:
    """Compiled checks, and the top-level shapes left to pySHACL."""
    compiler = Compiler(shapes)
    checks: list[Check] = []
    left: list[rdflib.term.Node] = []
    for shape in top_level(shapes):
        if (shape, SH.deactivated, rdflib.Literal(True)) in shapes:
            continue
        try:
            checks.extend(compiler.shape_checks(shape))
        except (Unsupported, KeyError, ValueError, TypeError):
            left.append(shape)
    return checks, left


def focus_clause(focus: Iterable[ox.NamedNode] | None) -> str:
    if focus is None:
        return ""
    return "VALUES ?this { " + " ".join(str(n) for n in focus) + " }"


def run(store: ox.Store, check: Check, focus: Iterable[ox.NamedNode] | None = None
        ) -> Iterator[tuple[ox.NamedNode | ox.BlankNode, ox.Term | None, dict[str, str]]]:
    """The violations of one check: focus node, value, and every binding (for messages)."""
    query = check.query.replace("#FOCUS#", focus_clause(focus))
    solutions = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for row in solutions:
        bound = {n: row[n] for n in names if row[n] is not None}
        yield bound["this"], bound.get("value"), {n: t.value for n, t in bound.items()}
