"""SHACL validation of the editorial rules, with readable text and machine (RDF, JSON) reports.

How it runs (a decision, see data/README.md): pySHACL validates one data graph, so kg hands
it the UNION of every graph in the dataset except the shapes graph (the ontology graph is
included, so rdfs:subClassOf links reach sh:targetClass). The union is built in a scratch
pyoxigraph Store, never an rdflib Dataset, so nothing is fetched from the network.
Rules that need to know which named graph a triple sits in ("a public graph never points
to a restricted node") are kg:DatasetConstraint SPARQL queries in shapes/, run here over the
quads and reported like SHACL results.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from pyshacl.graph_abstraction import OxigraphDataGraph
from rdflib.namespace import RDF, SH

from kg.config import PROJECT_DIR
from kg.namespaces import KG, SHAPES_GRAPH
from kg.store import Store
from kg.validation_report import Report, Result

__all__ = ["Report", "Result", "Validatable", "validate"]

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


def _shapes_graph(store: ox.Store, shapes: Path | rdflib.Graph | None) -> rdflib.Graph:
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


def _named_shape(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """The nearest named shape: a blank property shape reports as its node shape."""
    seen = set()
    while isinstance(shape, rdflib.BNode) and shape not in seen:
        seen.add(shape)
        parent = next(shapes.subjects(SH.property, shape), None)
        if parent is None:
            break
        shape = parent
    return _node_name(shape)


class _UnionGraph(OxigraphDataGraph):
    """pySHACL's Oxigraph data graph, always truthy.

    pySHACL 0.40 evaluates `datagraph or shapes_graph` for every result it builds, and on an
    Oxigraph store that truth test is a COUNT query, run once per result.
    """

    def __bool__(self) -> bool:
        return True


def _shacl_results(union: ox.Store, shapes: rdflib.Graph) -> list[Result]:
    """Run pySHACL over the union (in place: it is a scratch store) into Result rows."""
    _conforms, graph, _text = shacl_validate(
        _UnionGraph(union), shacl_graph=shapes, inference="none", advanced=True,
        inplace=True, allow_infos=True, allow_warnings=True, do_owl_imports=False)
    results = []
    for node in graph.objects(None, SH.result):  # top-level results, not nested sh:detail
        def one(p: rdflib.URIRef, node: rdflib.term.Node = node) -> rdflib.term.Node | None:
            return graph.value(node, p)
        path, value, source = one(SH.resultPath), one(SH.value), one(SH.sourceConstraint)
        message = one(SH.resultMessage)
        results.append(Result(
            focus=_node_name(one(SH.focusNode)),
            shape=_named_shape(shapes, one(SH.sourceShape)),
            constraint=str(one(SH.sourceConstraintComponent)),
            severity=_SEVERITIES[str(one(SH.resultSeverity))],
            message=str(message) if message is not None else "",
            path=str(path) if isinstance(path, rdflib.URIRef) else None,
            value=str(value) if value is not None else None,
            source_constraint=_node_name(source) if source is not None else None,
        ))
    return results


def _dataset_results(store: ox.Store, shapes: rdflib.Graph) -> list[Result]:
    """Run the graph-aware kg:DatasetConstraint queries over the quads."""
    results = []
    for rule in shapes.subjects(RDF.type, rdflib.URIRef(KG + "DatasetConstraint")):
        severity = _SEVERITIES[str(shapes.value(rule, SH.severity, default=SH.Violation))]
        template = str(shapes.value(rule, SH.message, default=""))
        solutions = store.query(str(shapes.value(rule, SH.select)), use_default_graph_as_union=True)
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


def validate(data: Validatable, shapes: Path | rdflib.Graph | None = None) -> Report:
    """Check a whole dataset (full view, restricted included) against the editorial rules."""
    store = _as_store(data)
    shapes_graph = _shapes_graph(store, shapes)
    return Report(_shacl_results(_union(store), shapes_graph)
                  + _dataset_results(store, shapes_graph))
