"""Human-readable documentation of the ontology, generated from the ontology graph in the store.

Generated, not written, so the page cannot drift from the terms the data and shapes use.
The ontology graph is small (hundreds of triples), so it is read whole into plain Python
structures once per store version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.cache import Cached
from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES, local_name
from kg.store import Store
from kg.wording import N_

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dcterms"]

CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
#: Kinds of property and their characteristics, in words the web layer translates.
PROPERTY_TYPES = {OWL + "ObjectProperty": N_("object property"),
                  OWL + "DatatypeProperty": N_("datatype property"),
                  OWL + "AnnotationProperty": N_("annotation property"),
                  RDF + "Property": N_("property")}
CHARACTERISTICS = {OWL + "SymmetricProperty": N_("symmetric"),
                   OWL + "TransitiveProperty": N_("transitive"),
                   OWL + "FunctionalProperty": N_("functional"),
                   OWL + "InverseFunctionalProperty": N_("inverse functional")}


def curie(iri: str) -> str:
    """`kg:Claim` for a known namespace, else the IRI itself."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


@dataclass
class Term:
    """A class, property, individual or concept, with what the ontology says about it."""

    iri: str
    curie: str
    label: str
    comment: str | None = None
    definition: str | None = None
    kinds: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    used_by: list[str] = field(default_factory=list)  # properties whose domain this class is
    notation: str | None = None
    one_of: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.curie.replace(":", "-").replace("/", "-") if ":" in self.curie \
            else local_name(self.iri)


@dataclass
class Scheme:
    term: Term
    concepts: list[Term]


@dataclass
class OntologyDoc:
    title: str
    description: str | None
    iri: str | None
    version: str | None
    classes: list[Term]
    properties: list[Term]
    individuals: list[Term]
    schemes: list[Scheme]
    reused: list[Term]
    triples: int


def generate(store: Store, graph: str = ONTOLOGY_GRAPH) -> OntologyDoc:
    """Read the ontology graph and arrange it as documentation."""
    out: dict[str, dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]] = defaultdict(
        lambda: defaultdict(list))
    triples = 0
    query = f"SELECT ?s ?p ?o WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
    for row in store.query(query):
        out[row["s"].value][row["p"].value].append(row["o"])
        triples += 1

    def texts(s: str, p: str) -> list[str]:
        found = [o for o in out[s][p] if isinstance(o, ox.Literal)]
        found.sort(key=lambda lit: (lit.language not in ("en", None, ""), lit.language or ""))
        return [lit.value for lit in found]

    def iris(s: str, p: str) -> list[str]:
        return sorted(o.value for o in out[s][p] if isinstance(o, ox.NamedNode))

    def first(s: str, *props: str) -> str | None:
        for p in props:
            values = texts(s, p)
            if values:
                return values[0]
        return None

    def term(s: str) -> Term:
        return Term(
            iri=s, curie=curie(s),
            label=first(s, RDFS + "label", SKOS + "prefLabel") or local_name(s),
            comment=first(s, RDFS + "comment"),
            definition=first(s, SKOS + "definition"),
            kinds=[PROPERTY_TYPES.get(t) or CHARACTERISTICS.get(t) or curie(t)
                   for t in iris(s, RDF + "type")],
            parents=iris(s, RDFS + "subClassOf") + iris(s, RDFS + "subPropertyOf")
            + iris(s, SKOS + "broader"),
            domains=iris(s, RDFS + "domain"), ranges=iris(s, RDFS + "range"),
            notation=first(s, SKOS + "notation"))

    types = {s: set(iris(s, RDF + "type")) for s in out}
    ontology_iri = next((s for s, t in types.items() if OWL + "Ontology" in t), None)
    classes, properties, individuals, schemes, reused = [], [], [], [], []
    concepts_by_scheme: dict[str, list[Term]] = defaultdict(list)
    scheme_iris = [s for s, t in types.items() if SKOS + "ConceptScheme" in t]
    for s, t in types.items():
        if s.startswith("_:") or s == ontology_iri:
            continue
        if t & CLASS_TYPES:
            classes.append(term(s))
        elif t & set(PROPERTY_TYPES):
            properties.append(term(s))
        elif SKOS + "ConceptScheme" in t:
            continue
        elif SKOS + "Concept" in t and iris(s, SKOS + "inScheme"):
            for scheme in iris(s, SKOS + "inScheme"):
                concepts_by_scheme[scheme].append(term(s))
        elif t:
            individuals.append(term(s))
        elif out[s][RDFS + "comment"] and not out[s][RDFS + "subClassOf"]:
            reused.append(term(s))
    by_iri = {c.iri: c for c in classes}
    for s, t in types.items():  # subclass axioms on reused classes still show in the tree
        if not t and out[s][RDFS + "subClassOf"] and s not in by_iri:
            by_iri[s] = term(s)
    for c in by_iri.values():
        for parent in c.parents:
            if parent in by_iri:
                by_iri[parent].children.append(c.iri)
    for p in properties:
        for d in p.domains:
            if d in by_iri:
                by_iri[d].used_by.append(p.iri)
    for scheme in sorted(scheme_iris):
        concepts = sorted(concepts_by_scheme.get(scheme, []), key=lambda c: c.label.casefold())
        schemes.append(Scheme(term(scheme), concepts))
    meta = ontology_iri or ""
    return OntologyDoc(
        title=first(meta, DCT + "title", RDFS + "label") or "Ontology",
        description=first(meta, DCT + "description", RDFS + "comment"),
        iri=ontology_iri, version=first(meta, OWL + "versionInfo"),
        classes=sorted(classes, key=lambda c: c.curie.casefold()),
        properties=sorted(properties, key=lambda c: c.curie.casefold()),
        individuals=sorted(individuals, key=lambda c: c.curie.casefold()),
        schemes=schemes, reused=sorted(reused, key=lambda c: c.curie.casefold()),
        triples=triples)


#: The documentation of the store's ontology graph, per store version.
ONTOLOGY_DOC = Cached[OntologyDoc]("ontology-doc", generate)
