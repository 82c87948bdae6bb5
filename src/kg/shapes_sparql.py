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

Every violation pattern is a set operation: the candidates (a shape's targets, or the values
of a path) MINUS the ones that conform, or joined with the ones that break a value test.
Oxigraph 0.5 evaluates `FILTER [NOT] EXISTS` by re-running the inner pattern per solution
(measured: 1.7 s for 975 annotations, against 0.01 s as MINUS), so the compiled queries
never use it, and `FILTER NOT EXISTS` in authored SPARQL targets and constraints is rewritten
to MINUS where that means the same (`kg.shapes_minus`).

Results carry what pySHACL's would: focus node, the nearest named shape, the constraint
component, severity, message, path and value. Queries read the union of the dataset's
graphs (the shapes graph included, which no shape targets).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from kg.shapes_minus import minus_rewrite

_CLASS_PATH = ("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
               "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*")
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
FOCUS = "#FOCUS#"


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
    #: The pattern binding ?this to the shape's focus nodes (FOCUS inside it).
    target: str = ""


def _n3(term: rdflib.term.Node) -> str:
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        return term.n3()
    raise Unsupported(f"blank node {term} as a value")


def _component(name: rdflib.URIRef) -> str:
    local = str(name).rsplit("#", 1)[1]
    return local[0].upper() + local[1:]


# --- the compiler ----------------------------------------------------------------------------

class Compiler:
    """Compiles the shapes of one shapes graph into violation queries."""

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

    def _list(self, node: rdflib.term.Node) -> list[rdflib.term.Node]:
        return list(Collection(self.g, node))

    def _known(self, shape: rdflib.term.Node) -> None:
        for p in self.g.predicates(shape, None):
            if p not in _KNOWN:
                raise Unsupported(f"parameter {p}")

    def path(self, node: rdflib.term.Node) -> str:
        if isinstance(node, rdflib.URIRef):
            return f"<{node}>"
        inverse = self.g.value(node, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)})"
        if (node, RDF.first, None) in self.g:
            return "/".join(f"({self.path(n)})" for n in Collection(self.g, node))
        raise Unsupported(f"path {node}")

    @staticmethod
    def inner_select(select: str) -> str:
        lines = [line for line in select.splitlines()
                 if not line.strip().upper().startswith("PREFIX")]
        return minus_rewrite("\n".join(lines).replace("$this", "?this"))

    def targets(self, shape: rdflib.term.Node) -> str:
        """A pattern binding ?this to the shape's focus nodes (each once)."""
        parts = []
        for cls in self.g.objects(shape, SH.targetClass):
            parts.append(f"?this {_CLASS_PATH} {_n3(cls)} .")
        for node in self.g.objects(shape, SH.targetNode):
            parts.append(f"VALUES ?this {{ {_n3(node)} }}")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"{self.var()} {_n3(p)} ?this .")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {_n3(p)} {self.var()} .")
        for target in self.g.objects(shape, SH.target):
            select = self.g.value(target, SH.select)
            if select is None:
                raise Unsupported("a target that is not a SPARQL target")
            parts.append("{ " + self.inner_select(str(select)) + " }")
        if not parts:
            raise Unsupported("no target")
        union = " UNION ".join("{ " + p + " }" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {FOCUS} {union} }} }}"

    # Each method below returns a group pattern that binds `x` (and the names it says) to
    # the candidates bound by `cand` that violate: the candidates come first, so MINUS and
    # joins apply to them.

    def violators(self, shape: rdflib.term.Node, x: str, cand: str) -> list[str]:
        """Patterns of the candidates `x` (bound by `cand`) violating `shape`, one per
        constraint (a candidate violates the shape if it matches any)."""
        self._known(shape)
        if (shape, SH.deactivated, rdflib.Literal(True)) in self.g:
            return []
        if (shape, SH.sparql, None) in self.g:
            raise Unsupported("a SPARQL constraint inside an expression")
        out = [p for _, p in self.node_violations(shape, x, cand)]
        if (shape, SH.path, None) in self.g:
            out += [p for _, p in self.property_violations(shape, x, cand, nested=True)]
        for prop in self.g.objects(shape, SH.property):
            out += self.violators(prop, x, cand)
        return out

    def conforming(self, shape: rdflib.term.Node, x: str, cand: str) -> str:
        """Pattern of the candidates that conform to `shape`."""
        bad = self.violators(shape, x, cand)
        return cand + "".join(f" MINUS {{ {b} }}" for b in bad)

    def value_tests(self, shape: rdflib.term.Node, v: str, cand: str, node: bool,
                    gen: str | None = None) -> list[tuple[str, str]]:
        """(component, pattern of the candidates `v` failing a test of one value) for the
        value-level constraints of `shape`; `node`: sh:hasValue tests the node itself.
        `gen` binds `v` more cheaply than `cand` (without the targets) for the inner
        patterns of nested shapes, which are joined with `cand` anyway."""
        g, out = self.g, []
        gen = gen or cand
        if node:
            for value in g.objects(shape, SH.hasValue):
                out.append(("HasValue", f"{cand} FILTER(!sameTerm({v}, {_n3(value)}))"))
        for cls in g.objects(shape, SH["class"]):
            out.append(("Class", f"{cand} MINUS {{ {v} {_CLASS_PATH} {_n3(cls)} }}"))
        for dt in g.objects(shape, SH.datatype):
            out.append(("Datatype", f"{cand} FILTER(!isLiteral({v}) || "
                                    f"DATATYPE({v}) != {_n3(dt)})"))
        for kind in g.objects(shape, SH.nodeKind):
            out.append(("NodeKind", f"{cand} FILTER(!({_KINDS[kind].format(v=v)}))"))
        for values in g.objects(shape, SH["in"]):
            options = " || ".join(f"sameTerm({v}, {_n3(x)})" for x in self._list(values))
            out.append(("In", f"{cand} FILTER(!({options or 'false'}))"))
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            extra = f", {_n3(rdflib.Literal(str(flags)))}" if flags is not None else ""
            out.append(("Pattern", f"{cand} FILTER(isBlank({v}) || !REGEX(STR({v}), "
                                   f"{_n3(rdflib.Literal(str(pattern)))}{extra}))"))
        for name, op in ((SH.minLength, "<"), (SH.maxLength, ">")):
            for n in g.objects(shape, name):
                out.append((_component(name),
                            f"{cand} FILTER(isBlank({v}) || STRLEN(STR({v})) {op} {int(n)})"))
        for name, op in _COMPARE.items():
            for bound in g.objects(shape, name):
                out.append((_component(name),
                            f"{cand} FILTER(!COALESCE({v} {op} {_n3(bound)}, false))"))
        for langs in g.objects(shape, SH.languageIn):
            tests = " || ".join(f"LANGMATCHES(LANG({v}), {_n3(x)})" for x in self._list(langs))
            out.append(("LanguageIn",
                        f"{cand} FILTER(!isLiteral({v}) || !({tests or 'false'}))"))
        for nested in g.objects(shape, SH.node):
            bad = " UNION ".join(f"{{ {b} }}" for b in self.violators(nested, v, gen))
            if bad:
                out.append(("Node", f"{cand} {{ SELECT DISTINCT {v} WHERE {{ {bad} }} }}"))
        for negated in g.objects(shape, SH["not"]):
            good = self.conforming(negated, v, gen)
            out.append(("Not", f"{cand} {{ SELECT DISTINCT {v} WHERE {{ {good} }} }}"))
        for conj in g.objects(shape, SH["and"]):
            bad = " UNION ".join(f"{{ {b} }}" for s in self._list(conj)
                                 for b in self.violators(s, v, gen))
            if bad:
                out.append(("And", f"{cand} {{ SELECT DISTINCT {v} WHERE {{ {bad} }} }}"))
        for disj in g.objects(shape, SH["or"]):
            good = "".join(f" MINUS {{ {self.conforming(s, v, gen)} }}"
                           for s in self._list(disj))
            out.append(("Or", cand + good))
        return out

    def node_violations(self, shape: rdflib.term.Node, x: str,
                        cand: str) -> list[tuple[str, str]]:
        """Value tests applied to the node itself (a node shape)."""
        if (shape, SH.path, None) in self.g:
            return []
        return self.value_tests(shape, x, cand, node=True)

    def property_violations(self, shape: rdflib.term.Node, x: str, cand: str,
                            nested: bool) -> list[tuple[str, str]]:
        """(component, pattern) for a property shape's constraints on the candidates `x`.
        Counts above 1 (aggregates) are separate top-level checks; nested, unsupported."""
        g, out = self.g, []
        path = self.path(g.value(shape, SH.path))
        for n in g.objects(shape, SH.minCount):
            if int(n) == 1:
                out.append(("MinCount", f"{cand} MINUS {{ {x} {path} {self.var()} }}"))
            elif int(n) > 1 and nested:
                raise Unsupported("minCount above 1 inside an expression")
        for n in g.objects(shape, SH.maxCount):
            a, b = self.var(), self.var()
            if int(n) == 0:
                out.append(("MaxCount", f"{cand} {x} {path} {a} ."))
            elif int(n) == 1:
                out.append(("MaxCount", f"{cand} {x} {path} {a} , {b} . "
                                        f"FILTER(!sameTerm({a}, {b}))"))
            elif nested:
                raise Unsupported("maxCount above 1 inside an expression")
        for value in g.objects(shape, SH.hasValue):
            out.append(("HasValue", f"{cand} MINUS {{ {x} {path} {_n3(value)} }}"))
        for qualified in g.objects(shape, SH.qualifiedValueShape):
            q = self.var()
            ok = self.conforming(qualified, q, self._values(cand, x, path, q))
            for n in g.objects(shape, SH.qualifiedMinCount):
                if int(n) > 1:
                    raise Unsupported("qualifiedMinCount above 1")
                if int(n) == 1:
                    out.append(("QualifiedMinCount", f"{cand} MINUS {{ {ok} }}"))
            for n in g.objects(shape, SH.qualifiedMaxCount):
                if int(n) != 0:
                    raise Unsupported("qualifiedMaxCount above 0")
                out.append(("QualifiedMaxCount", ok))
        for name, op in _PAIRS.items():
            for other in g.objects(shape, name):
                v, w = self.var(), self.var()
                out.append((_component(name),
                            f"{cand} {x} {path} {v} . {x} {_n3(other)} {w} . "
                            f"FILTER(!COALESCE({v} {op} {w}, false))"))
        value = "?value" if not nested else self.var()
        values = f"{cand} {x} {path} {value} ."
        for component, pattern in self.value_tests(shape, value, values, node=False,
                                                   gen=self._values(cand, x, path, value)):
            out.append((component, pattern))
        return out

    @staticmethod
    def _values(cand: str, x: str, path: str, value: str) -> str:
        """The values of a path: at the top level without the targets (what uses it is
        joined with them), restricted to the focus nodes when there are any."""
        if x == "?this":
            return f"{FOCUS} ?this {path} {value} ."
        return f"{cand} {x} {path} {value} ."

    # --- top level ------------------------------------------------------------------------
    def shape_checks(self, shape: rdflib.term.Node) -> list[Check]:
        """Every check of a top-level shape (one with targets) and its property shapes."""
        self._known(shape)
        target = self.targets(shape)
        checks = [self._check(shape, shape, c, None, f"{p} BIND(?this AS ?value)")
                  for c, p in self.node_violations(shape, "?this", target)]
        for sparql in self.g.objects(shape, SH.sparql):
            checks.append(self._sparql_check(shape, sparql, target))
        for prop in self.g.objects(shape, SH.property):
            checks.extend(self._property_checks(shape, prop, target))
        return [replace(c, target=target) for c in checks]

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
        for name, having in ((SH.minCount, "<"), (SH.maxCount, ">")):
            for n in self.g.objects(prop, name):
                if int(n) > 1:
                    v = self.var()
                    body = (f"{target} OPTIONAL {{ ?this {path} {v} }}" if having == "<"
                            else f"{target} ?this {path} {v} .")
                    checks.append(self._check(
                        prop, parent, _component(name), path_node, body,
                        group=f"HAVING (COUNT(DISTINCT {v}) {having} {int(n)})"))
        for component, pattern in self.property_violations(prop, "?this", target,
                                                           nested=False):
            checks.append(self._check(prop, parent, component, path_node, pattern))
        return checks

    def _check(self, holder: rdflib.term.Node, parent: rdflib.term.Node, component: str,
               path: rdflib.term.Node | None, pattern: str, *,
               group: str | None = None) -> Check:
        if group:
            query = f"{self.prefixes}SELECT ?this WHERE {{ {pattern} }} GROUP BY ?this {group}"
        else:
            query = f"{self.prefixes}SELECT DISTINCT ?this ?value WHERE {{ {pattern} }}"
        severity = self.g.value(holder, SH.severity, default=SH.Violation)
        message = self.g.value(holder, SH.message)
        return Check(
            shape=named_shape(self.g, holder if isinstance(holder, rdflib.URIRef) else parent),
            constraint=str(SH) + component + "ConstraintComponent",
            severity=str(severity).rsplit("#", 1)[1], message=str(message or ""),
            path=str(path) if isinstance(path, rdflib.URIRef) else None, query=query)

    def _sparql_check(self, shape: rdflib.term.Node, sparql: rdflib.term.Node,
                      target: str) -> Check:
        select = self.inner_select(str(self.g.value(sparql, SH.select)))
        message = self.g.value(sparql, SH.message) or self.g.value(shape, SH.message)
        severity = self.g.value(shape, SH.severity, default=SH.Violation)
        return Check(shape=named_shape(self.g, shape),
                     constraint=str(SH) + "SPARQLConstraintComponent",
                     severity=str(severity).rsplit("#", 1)[1], message=str(message or ""),
                     path=None,
                     query=f"{self.prefixes}SELECT * WHERE {{ {target} {{ {select} }} }}")


def named_shape(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """The nearest named shape: a blank property shape reports as its node shape (as
    pySHACL's results name it)."""
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


def _focus_values(focus: Iterable[ox.NamedNode] | None) -> str:
    return "" if focus is None else "VALUES ?this { " + " ".join(map(str, focus)) + " }"


def targeted(store: ox.Store, target: str, prefixes: str,
             focus: Iterable[ox.NamedNode] | None = None) -> bool:
    """Whether a shape has any focus node here: its checks are skipped if not (each check
    would compute the targets again, only to find none). Evaluation stops at the first."""
    query = f"{prefixes}SELECT ?this WHERE {{ {target} }} LIMIT 1"
    return bool(list(store.query(query.replace(FOCUS, _focus_values(focus)),
                                 use_default_graph_as_union=True)))


def run(store: ox.Store, check: Check, focus: Iterable[ox.NamedNode] | None = None
        ) -> Iterator[tuple[ox.NamedNode | ox.BlankNode, ox.Term | None, dict[str, str]]]:
    """The violations of one check (of the `focus` nodes only, if given): focus node,
    value, and every binding (for messages)."""
    solutions = store.query(check.query.replace(FOCUS, _focus_values(focus)),
                            use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for row in solutions:
        bound = {n: row[n] for n in names if row[n] is not None}
        yield bound["this"], bound.get("value"), {n: t.value for n, t in bound.items()}
