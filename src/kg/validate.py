"""SHACL validation of the editorial rules, with readable text and machine (RDF, JSON) reports.

How it runs (a decision, see data/README.md): the shapes are compiled to SPARQL
(`kg.shapes_sparql`) and run by Oxigraph over the union of the dataset's graphs, one query
per constraint; a shape the compiler does not handle goes to pySHACL, which also remains
the reference engine (`engine="pyshacl"`, compared with the compiled one in the tests).
pySHACL gets the UNION of every graph except the shapes graph (the ontology graph is
included, so rdfs:subClassOf links reach sh:targetClass), built in a scratch pyoxigraph
Store, never an rdflib Dataset, so nothing is fetched from the network. Rules that need to
know which named graph a triple sits in ("a public graph never points to a restricted
node") are kg:DatasetConstraint SPARQL queries in shapes/, run here over the quads and
reported like SHACL results. Checking only what a write changed is `kg.validate_changes`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from kg import shapes_sparql
from kg.config import PROJECT_DIR
from kg.namespaces import KG, SHAPES_GRAPH
from kg.shapes_minus import minus_rewrite
from kg.store import Store
from kg.validation_report import Report, Result

__all__ = ["Report", "Result", "Validatable", "validate"]

#: A node validation can be asked about (an IRI or a blank node).
Node = ox.NamedNode | ox.BlankNode

#: What validate() accepts: the full view of a kg Store, a pyoxigraph Store, an rdflib
#: Dataset (serialised into pyoxigraph, never queried by rdflib) or an iterable of quads.
Validatable = Store | ox.Store | rdflib.Dataset | Iterable[ox.Quad]
_SEVERITIES = {str(SH.Violation): "Violation", str(SH.Warning): "Warning", str(SH.Info): "Info"}


# --- validation ---------------------------------------------------------------------

def _as_store(data: Validatable) -> ox.Store:
    """Accept a kg Store, a pyoxigraph Store, an rdflib Dataset or quads."""
    if isinstance(data, Store):
        return data.dataset("full")
    if isinstance(data, ox.Store):
        return data
    store = ox.Store()
    if isinstance(data, rdflib.Dataset):
        for graph in data.graphs():
            name = graph.identifier
            target = (ox.DefaultGraph() if name == rdflib.graph.DATASET_DEFAULT_GRAPH_ID
                      else ox.NamedNode(str(name)))
            store.load(graph.serialize(format="nt", encoding="utf-8"),
                       format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    else:
        store.extend(data)
    return store


def _union(store: ox.Store) -> ox.Store:
    """Every quad of the dataset except the shapes graph, in one default graph."""
    shapes = ox.NamedNode(SHAPES_GRAPH)
    union = ox.Store()
    union.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in store
                      if q.graph_name != shapes)
    return union


def shapes_graph_of(store: ox.Store, shapes: Path | rdflib.Graph | None) -> rdflib.Graph:
    """Shapes from an explicit file/dir/graph, else the dataset's shapes graph, else shapes/."""
    if isinstance(shapes, rdflib.Graph):
        return shapes
    g = rdflib.Graph()
    if shapes is None:
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(SHAPES_GRAPH))
        if data:
            g.parse(data=data.decode("utf-8"), format="nt")
            return g
        shapes = PROJECT_DIR / "shapes"
    for path in sorted(shapes.glob("*.ttl")) if shapes.is_dir() else [shapes]:
        g.parse(path, format="turtle")
    return g


def _node_name(term: rdflib.term.Node) -> str:
    return f"_:{term}" if isinstance(term, rdflib.BNode) else str(term)


def _shacl_results(union: ox.Store, shapes: rdflib.Graph) -> list[Result]:
    """Run pySHACL over the union (in place: it is a scratch store) into Result rows.

    pySHACL is imported here rather than with the module: only whole validations use it
    (an import's gate and the pages run the compiled shapes), and importing it took a fifth
    of a second of every `kg` command's start."""
    from pyshacl import validate as shacl_validate
    from pyshacl.graph_abstraction import OxigraphDataGraph

    class UnionGraph(OxigraphDataGraph):
        """Always truthy: pySHACL 0.40 evaluates `datagraph or shapes_graph` for every
        result it builds, and on an Oxigraph store that truth test is a COUNT query."""

        def __bool__(self) -> bool:
            return True

    _conforms, graph, _text = shacl_validate(
        UnionGraph(union), shacl_graph=shapes, inference="none", advanced=True,
        inplace=True, allow_infos=True, allow_warnings=True, do_owl_imports=False)
    results = []
    for node in graph.objects(None, SH.result):  # top-level results, not nested sh:detail
        def one(p: rdflib.URIRef, node: rdflib.term.Node = node) -> rdflib.term.Node | None:
            return graph.value(node, p)
        path, value, source = one(SH.resultPath), one(SH.value), one(SH.sourceConstraint)
        message = one(SH.resultMessage)
        results.append(Result(
            focus=_node_name(one(SH.focusNode)),
            shape=shapes_sparql.named_shape(shapes, one(SH.sourceShape)),
            constraint=str(one(SH.sourceConstraintComponent)),
            severity=_SEVERITIES[str(one(SH.resultSeverity))],
            message=str(message) if message is not None else "",
            path=str(path) if isinstance(path, rdflib.URIRef) else None,
            value=str(value) if value is not None else None,
            source_constraint=_node_name(source) if source is not None else None,
        ))
    return results


def dataset_results(store: ox.Store, shapes: rdflib.Graph, *, focus: set[Node] | None = None,
                    whole_store: bool | None = None,
                    rules: Iterable[rdflib.term.Node] | None = None) -> list[Result]:
    """Run the graph-aware kg:DatasetConstraint queries over the quads; with `focus`, each
    bound (VALUES) to those nodes as ?this, and to them as ?value where the rule has one.
    `whole_store` picks the rules marked kg:wholeStore true (or the others, or all);
    `rules` names the rules to run (else all)."""
    results = []
    marker = rdflib.URIRef(KG + "wholeStore")
    chosen = shapes.subjects(RDF.type, rdflib.URIRef(KG + "DatasetConstraint")) \
        if rules is None else rules
    for rule in chosen:
        if whole_store is not None and \
                bool(shapes.value(rule, marker, default=rdflib.Literal(False)).toPython()) \
                != whole_store:
            continue
        select = minus_rewrite(str(shapes.value(rule, SH.select)))
        for solutions in _solutions(store, select, focus):
            results.extend(_rule_rows(shapes, rule, solutions))
    return results


def _solutions(store: ox.Store, select: str, focus: set[Node] | None):
    if focus is None:
        yield store.query(select, use_default_graph_as_union=True)
        return
    iris = " ".join(str(n) for n in focus if isinstance(n, ox.NamedNode))
    if not iris:
        return
    where = select.index("{", select.upper().index("WHERE")) + 1
    for var in ("this", "value"):
        if f"?{var}" in select or f"${var}" in select:
            # Bound first, inside the pattern, so evaluation starts from the focus nodes.
            yield store.query(f"{select[:where]} VALUES ?{var} {{ {iris} }} {select[where:]}",
                              use_default_graph_as_union=True)


def _rule_rows(shapes: rdflib.Graph, rule: rdflib.term.Node, solutions) -> list[Result]:
    results = []
    severity = _SEVERITIES[str(shapes.value(rule, SH.severity, default=SH.Violation))]
    template = str(shapes.value(rule, SH.message, default=""))
    names = [v.value for v in solutions.variables]
    for row in solutions:
        bound = {name: row[name] for name in names if row[name] is not None}
        message = template
        for name, term in bound.items():
            message = message.replace("{?" + name + "}", term.value)
        results.append(Result(
            focus=bound["this"].value, shape=str(rule), severity=severity, message=message,
            constraint=str(SH.SPARQLConstraintComponent), source_constraint=str(rule),
            path=bound["path"].value if "path" in bound else None,
            value=bound["value"].value if "value" in bound else None,
            graph=bound["graph"].value if "graph" in bound else None))
    return results


def _subgraph(shapes: rdflib.Graph, roots: list[rdflib.term.Node]) -> rdflib.Graph:
    """The shapes `roots` with everything they reach (property shapes, lists, nested
    shapes) and the prefix declarations: a shapes graph pySHACL can run on its own."""
    out = rdflib.Graph()
    todo = list(roots) + list(shapes.subjects(SH.declare, None))
    seen: set[rdflib.term.Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, rdflib.BNode) or p in (SH.node, SH.property,
                                                     SH.qualifiedValueShape, SH["not"]):
                todo.append(o)
    return out


def sparql_results(store: ox.Store, shapes: rdflib.Graph,
                   focus: set[ox.NamedNode] | None = None) -> list[Result]:
    """The shapes' results by compiled SPARQL (bound to `focus` nodes if given), and by
    pySHACL for the shapes the compiler leaves (over the whole union: only when there are
    any)."""
    checks, left = shapes_sparql.compile_shapes(shapes)
    prefixes = shapes_sparql.Compiler(shapes).prefixes

    def one(check: shapes_sparql.Check) -> list[Result]:
        found = []
        for this, value, bound in shapes_sparql.run(store, check, focus):
            message = check.message
            for name, text in bound.items():
                message = message.replace("{?" + name + "}", text).replace("{$" + name + "}",
                                                                           text)
            found.append(Result(
                focus=node_key(this), shape=check.shape, constraint=check.constraint,
                severity=check.severity, message=message, path=check.path,
                value=value.value if value is not None else None))
        return found

    # Oxigraph evaluates without the GIL: two queries at a time use both cores.
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        targets = sorted({c.target for c in checks})
        present = dict(zip(targets, pool.map(
            lambda t: shapes_sparql.targeted(store, t, prefixes, focus), targets), strict=True))
        results = [r for found in pool.map(one, [c for c in checks if present[c.target]])
                   for r in found]
    if left:
        keys = None if focus is None else {node_key(n) for n in focus}
        results += [r for r in _shacl_results(_union(store), _subgraph(shapes, left))
                    if keys is None or r.focus in keys]
    return results


def node_key(node: Node) -> str:
    """How a result names a node: the IRI, or `_:id` for a blank node."""
    return f"_:{node.value}" if isinstance(node, ox.BlankNode) else node.value


def validate(data: Validatable, shapes: Path | rdflib.Graph | None = None, *,
             engine: str = "sparql") -> Report:
    """Check a whole dataset (full view, restricted included) against the editorial rules;
    `engine` "pyshacl" runs every shape through pySHACL (the reference, and slower)."""
    store = _as_store(data)
    shapes_graph = shapes_graph_of(store, shapes)
    if engine == "pyshacl":
        results = _shacl_results(_union(store), shapes_graph)
    else:
        results = sparql_results(store, shapes_graph)
    return Report(results + dataset_results(store, shapes_graph))
