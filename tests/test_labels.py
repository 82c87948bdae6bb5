"""kg.labels: labels in a language, the vocabulary named by the catalog, fallbacks that
say their language, one cache entry per IRI and language."""

from __future__ import annotations

import pickle

import pytest

from kg.labels import LABEL, Label, labels
from kg.namespaces import ID
from kg.store import Store
from tests.webdata import memory_store

KHOSRAVI = ID + "person/gholamreza-khosravi"
CONTESTED = ID + "concept/claim-status/contested"
ROLE = ID + "role/supreme-leader"
PERSON = "https://schema.org/Person"


@pytest.fixture(scope="module")
def store() -> Store:
    return memory_store()


def test_english_by_default(store: Store) -> None:
    found = labels(store, [KHOSRAVI, CONTESTED, PERSON])
    assert found[KHOSRAVI] == "Gholamreza Khosravi" and found[KHOSRAVI].lang == "en"
    assert found[CONTESTED] == "contested"
    assert found[PERSON] == "person"  # ontology/labels.ttl names reused terms


def test_persian_from_the_graph_and_the_catalog(store: Store) -> None:
    found = labels(store, [KHOSRAVI, CONTESTED, ROLE, PERSON], "fa")
    assert (found[KHOSRAVI], found[KHOSRAVI].lang) == ("غلامرضا خسروی", "fa")
    assert (found[ROLE], found[ROLE].lang) == ("رهبر", "fa")
    # The vocabulary is English in the graph and Persian in the catalog.
    assert (found[CONTESTED], found[CONTESTED].lang) == ("مورد مناقشه", "fa")
    assert (found[PERSON], found[PERSON].lang) == ("شخص", "fa")


def test_a_missing_persian_name_falls_back_to_english_and_says_so(store: Store) -> None:
    iri = ID + "source/seed-article"
    found = labels(store, [iri], "fa")[iri]
    assert found.lang == "en" and found == labels(store, [iri])[iri]
    nameless = ID + "person/nobody-at-all"
    assert labels(store, [nameless], "fa")[nameless].lang is None  # its local name


def test_the_cache_keeps_each_language_apart(store: Store) -> None:
    labels(store, [KHOSRAVI], "en")
    labels(store, [KHOSRAVI], "fa")
    assert LABEL.peek(store, KHOSRAVI, "en") == "Gholamreza Khosravi"
    assert LABEL.peek(store, KHOSRAVI, "fa") == "غلامرضا خسروی"
    assert labels(store, [KHOSRAVI], "fa-IR")[KHOSRAVI] == "غلامرضا خسروی"


def test_a_label_is_a_str_that_keeps_its_language() -> None:
    label = Label("خسروی", "fa")
    assert isinstance(label, str) and label + "!" == "خسروی!"
    assert pickle.loads(pickle.dumps(label)).lang == "fa"
