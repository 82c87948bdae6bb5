"""kg.entity.reader over the bundled data: one entity's names, types, facts and links."""

from __future__ import annotations

import json

import pytest

from kg.entity.reader import read_entity
from kg.store import Store
from tests.webdata import XSS_LABEL, XSS_QUOTE, memory_store

ID = "https://kg.example.org/id/"
KHOSRAVI = ID + "person/gholamreza-khosravi"


@pytest.fixture(scope="module")
def store() -> Store:
    return memory_store()


def test_unknown_entity_is_none(store: Store) -> None:
    assert read_entity(store, ID + "person/nobody-at-all") is None


def test_names_in_every_language(store: Store) -> None:
    e = read_entity(store, KHOSRAVI)
    assert e is not None
    assert e.label == "Gholamreza Khosravi"
    names = {n.text: n for n in e.names}
    assert len(names) == len(e.names)  # one per spelling
    assert {"en", "fa", "fr"} <= {lang for n in e.names for lang in n.languages}
    assert names["غلامرضا خسروی"].languages == ("fa",) and not names["غلامرضا خسروی"].alias
    assert names["Gholamreza Khosrowi"].alias
    assert e.names[0].text == e.label  # the label's own property and language first


def test_types_are_refs_with_their_labels(store: Store) -> None:
    e = read_entity(store, KHOSRAVI)
    assert e is not None
    assert "https://schema.org/Person" in {t.iri for t in e.types}


def test_facts_and_incoming_links_point_to_pages(store: Store) -> None:
    e = read_entity(store, ID + "event/1988-massacre")
    assert e is not None
    assert e.facts and [p.label.casefold() for p, _ in e.facts] == sorted(
        p.label.casefold() for p, _ in e.facts)
    assert e.incoming and all(s.page for i in e.incoming for s in i.subjects)
    assert not any("/claim/" in s.iri or "/participation/" in s.iri
                   for i in e.incoming for s in i.subjects)


def test_claims_come_a_page_at_a_time(store: Store) -> None:
    first = read_entity(store, ID + "event/1988-massacre")
    assert first is not None and first.claims_total > 25
    second = read_entity(store, ID + "event/1988-massacre", claims_offset=25)
    assert second is not None and second.claims_offset == 25
    assert len(first.claims) == 25
    assert not {c.iri for c in first.claims} & {c.iri for c in second.claims}


def test_hostile_text_is_data(store: Store) -> None:
    e = read_entity(store, ID + "test/xss-person")
    assert e is not None and e.label == XSS_LABEL
    (quoted,) = [c for c in e.claims if c.quotes]
    assert quoted.quotes[0].exact == XSS_QUOTE


def test_entity_data_is_plain_json(store: Store) -> None:
    e = read_entity(store, KHOSRAVI)
    assert e is not None
    data = json.loads(json.dumps(e.as_json()))
    assert data["iri"] == KHOSRAVI and data["claimsTotal"] >= 1
