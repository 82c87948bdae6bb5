"""Every IRI and prefix kg mints or reuses, in one place."""

from __future__ import annotations

import re

BASE = "https://kg.example.org/"
KG = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

ONTOLOGY_GRAPH = GRAPH + "ontology"
SHAPES_GRAPH = GRAPH + "shapes"
#: Graphs under this prefix never reach the public view.
RESTRICTED_GRAPH_PREFIX = GRAPH + "restricted/"
#: Triples loaded without a graph land in a public graph under this prefix (one per file).
LOADED_GRAPH_PREFIX = GRAPH + "loaded/"
#: Triples a SPARQL Update writes without naming a graph.
UPDATES_GRAPH = GRAPH + "updates"

ACCESS_LEVEL = KG + "accessLevel"
RESTRICTED = KG + "Restricted"

PREFIXES: dict[str, str] = {
    "kg": KG,
    "id": ID,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}


def sparql_prefixes() -> str:
    """PREFIX lines for queries the code writes itself."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def local_name(iri: str) -> str:
    """The readable tail of an IRI, for terms without a label."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]
