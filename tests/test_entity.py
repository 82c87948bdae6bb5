"""The entity library over the bundled data: names, claims with evidence, events."""

from __future__ import annotations

import pytest

from kg.datevalues import event_dates_of
from kg.entity import EntityReader, valid_slug
from kg.store import Store
from tests.webdata import XSS_LABEL, XSS_QUOTE, memory_store

ID = "https://kg.example.org/id/"
KHOSRAVI = ID + "person/gholamreza-khosravi"


@pytest.fixture(scope="module")
def store() -> Store:
    return memory_store()


@pytest.fixture(scope="module")
def reader(store: Store) -> EntityReader:
    return EntityReader(store)


def test_unknown_entity_is_none(reader: EntityReader) -> None:
    assert reader.read(ID + "person/nobody-at-all") is None


def test_names_in_every_language(reader: EntityReader) -> None:
    e = reader.read(KHOSRAVI)
    assert e is not None
    assert e.label == "Gholamreza Khosravi"
    languages = {lang for _, langs, _ in e.names for lang in langs.split(", ")}
    assert {"en", "fa", "fr"} <= languages
    assert ("غلامرضا خسروی", "fa", "name") in e.names
    assert any(text == "Gholamreza Khosrowi" and kind == "also known as"
               for text, _, kind in e.names)
    assert {t.label for t in e.types} >= {"Person"}


def test_khosravi_execution_claim_with_date_and_quote(reader: EntityReader) -> None:
    e = reader.read(KHOSRAVI)
    assert e is not None
    claims = {c.iri.rsplit("/", 1)[-1]: c for _, cs in e.claim_groups for c in cs}
    executed = claims["seed-khosravi-executed"]
    assert executed.group == "Date"
    (prop, date), = executed.dates
    assert (prop, date.label(), date.precision) == ("date", "1 June 2014", "day")
    assert date.inferred
    assert executed.claimant and executed.claimant.page == "/page/person/seed-article-author"
    assert executed.publication and executed.publication.page == "/page/source/seed-article"
    assert executed.status == "asserted"
    quote = executed.quotes[0]
    assert quote.exact == "On June 1, Gholamreza Khosravi"
    # unique in the text, so no context is kept (issue 13: contexts only as long as needed)
    assert (quote.prefix, quote.suffix) == ("", "") and quote.start is not None
    assert executed.asserts[0][:2] == ("participation", "victim in ",)


def test_competing_counts_grouped_together(reader: EntityReader) -> None:
    e = reader.read(ID + "event/1988-massacre")
    assert e is not None
    groups = dict(e.claim_groups)
    counts = [c for name, cs in groups.items() if name.startswith("Count") for c in cs]
    assert len(counts) >= 2
    assert all(c.value and c.count_kind for c in counts)
    assert {c.count_kind for c in counts} >= {"estimate", "lower bound"}


def test_events_of_a_person_carry_dates(reader: EntityReader) -> None:
    e = reader.read(KHOSRAVI)
    assert e is not None
    (event,) = [ev for ev in e.events if ev.event.iri.endswith("execution-of-gholamreza-khosravi")]
    assert event.role == "victim"
    assert event.date and event.date.label() == "1 June 2014"


def test_event_dates_span_from_begin_and_end(store: Store) -> None:
    dates = event_dates_of(store, [ID + "event/1988-massacre"])
    span = dates[ID + "event/1988-massacre"]
    assert span.earliest.year == 1988 and span.is_span


def test_neighbours_are_entities_not_plumbing(reader: EntityReader) -> None:
    e = reader.read(KHOSRAVI)
    assert e is not None
    iris = [n.iri for n, _ in e.neighbours]
    assert ID + "event/execution-of-gholamreza-khosravi" in iris
    assert not any("/participation/" in i or "/claim/" in i for i in iris)


def test_hostile_text_is_data(reader: EntityReader) -> None:
    e = reader.read(ID + "test/xss-person")
    assert e is not None and e.label == XSS_LABEL
    quote = e.claim_groups[0][1][0].quotes[0]
    assert quote.exact == XSS_QUOTE


def test_json_twin_is_plain_data(reader: EntityReader) -> None:
    import json

    e = reader.read(KHOSRAVI)
    assert e is not None
    data = json.loads(json.dumps(e.as_json()))
    assert data["iri"] == KHOSRAVI and data["claimsTotal"] >= 1


def test_claims_made_by_a_claimant(reader: EntityReader) -> None:
    e = reader.read(ID + "person/seed-article-author")
    assert e is not None
    assert e.claims_made_total >= 10
    assert all(pub and pub.page for _, _, pub in e.claims_made)


@pytest.mark.parametrize(("slug", "ok"), [
    ("person/gholamreza-khosravi", True), ("event/1988-massacre", True),
    ("../etc/passwd", False), ("person/a b", False), ("person/<x>", False), ("", False),
])
def test_valid_slug(slug: str, ok: bool) -> None:
    assert valid_slug(slug) is ok


def test_claim_index_reads_the_same_claims(store: Store, monkeypatch) -> None:
    """Pages read claims from the per-version index once it is built, by query before:
    both give the same entity, for every entity that has claims."""
    from kg import entity as module

    about = sorted({r["e"].value for r in store.query(
        "SELECT DISTINCT ?e WHERE { ?c <https://kg.example.org/ontology#about> ?e }")})
    assert len(about) > 20
    index = module.CLAIM_INDEX.get(store, wait=None)
    assert index.version == store.version
    with_index = {iri: EntityReader(store).read(iri).as_json() for iri in about}
    monkeypatch.setattr(module, "_claim_index", lambda _store: None)
    by_query = {iri: EntityReader(store).read(iri).as_json() for iri in about}
    for iri in about:
        assert with_index[iri] == by_query[iri], iri
