"""kg.entity.events over the bundled data: the events an entity is part of, dated."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.datevalues import event_dates_of
from kg.entity.events import dated_events, event_rows
from kg.namespaces import BASE, KG
from kg.store import Store
from tests.webdata import memory_store

ID = "https://kg.example.org/id/"
KHOSRAVI = ID + "person/gholamreza-khosravi"
MASSACRE = ID + "event/1988-massacre"


@pytest.fixture(scope="module")
def store() -> Store:
    return memory_store()


def test_events_of_a_person_carry_roles_and_dates(store: Store) -> None:
    rows = event_rows(store, ox.NamedNode(KHOSRAVI))
    events = dated_events(store, BASE, KHOSRAVI, ["https://schema.org/Person"], rows)
    (event,) = [ev for ev in events if ev.event.iri.endswith("execution-of-gholamreza-khosravi")]
    assert event.role == "victim" and not event.itself
    assert event.date and event.date.label() == "1 June 2014"
    assert event.event.page == "/page/event/execution-of-gholamreza-khosravi"


def test_an_event_is_among_its_own_events(store: Store) -> None:
    rows = event_rows(store, ox.NamedNode(MASSACRE))
    events = dated_events(store, BASE, MASSACRE, [KG + "Event"], rows)
    (itself,) = [ev for ev in events if ev.itself]
    assert itself.event.iri == MASSACRE and itself.role is None and itself.date
    dates = [ev.date.earliest for ev in events if ev.date]
    assert dates == sorted(dates)


def test_an_entity_in_no_event_has_none(store: Store) -> None:
    assert dated_events(store, BASE, ID + "person/nobody", [], []) == []


def test_event_dates_span_from_begin_and_end(store: Store) -> None:
    span = event_dates_of(store, [MASSACRE])[MASSACRE]
    assert span.earliest.year == 1988 and span.is_span
