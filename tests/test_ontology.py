"""The ontology describes itself: terms labelled and commented, every kg: term used is defined."""

from __future__ import annotations

import re

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.config import PROJECT_DIR as PROJECT_ROOT

KG = "https://kg.example.org/ontology#"


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((PROJECT_ROOT / "ontology").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _defined(g: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(KG)}


def test_every_kg_term_has_label_and_comment(ontology: rdflib.Graph) -> None:
    missing = [t for t in _defined(ontology)
               if (t, RDFS.label, None) not in ontology or (t, RDFS.comment, None) not in ontology]
    assert missing == []


def test_properties_state_domain_or_range(ontology: rdflib.Graph) -> None:
    props = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty))
    bare = [p for p in props if str(p).startswith(KG)
            and (p, RDFS.domain, None) not in ontology and (p, RDFS.range, None) not in ontology
            and (p, RDFS.subPropertyOf, None) not in ontology]
    assert bare == []


def test_every_concept_has_label_definition_and_scheme(ontology: rdflib.Graph) -> None:
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 40
    for c in concepts:
        assert (c, SKOS.prefLabel, None) in ontology, c
        assert (c, SKOS.definition, None) in ontology or str(c).startswith(KG), c
        assert (c, SKOS.inScheme, None) in ontology, c


def test_every_kg_term_used_in_data_and_shapes_is_defined(ontology: rdflib.Graph) -> None:
    defined = {str(t)[len(KG):] for t in _defined(ontology)}
    used: set[str] = set()
    files = [*(PROJECT_ROOT / "data").rglob("*.trig"), *(PROJECT_ROOT / "shapes").glob("*.ttl"),
             *(PROJECT_ROOT / "queries").glob("*.rq")]
    for path in files:
        used |= set(re.findall(r"\bkg:([A-Za-z][A-Za-z0-9]*)", path.read_text("utf-8")))
    assert used - defined == set()
