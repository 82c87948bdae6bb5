"""The events an entity takes part in (or is), with its role in each and their dates."""

from __future__ import annotations

import pyoxigraph as ox

from kg.datevalues import EVENT_DATES, FAR
from kg.entity import queries
from kg.entity.model import EventEntry
from kg.entity.refs import ref
from kg.labels import labels as label_lookup
from kg.namespaces import KG, PREFIXES
from kg.store import Store

#: Classes whose members are events: an entity of one of them is shown among its events.
EVENT_TYPES = {KG + "Event", PREFIXES["sem"] + "Event", PREFIXES["schema"] + "Event"}


def event_rows(store: Store, e: ox.NamedNode) -> list[tuple[str, str | None]]:
    """(event, role concept or None) for every event `queries.events_of` finds."""
    with_role, *without = queries.events_of(e)
    rows = [(r["ev"].value, queries.value(r, "role")) for r in store.query(with_role)]
    for query in without:
        rows += [(r["ev"].value, None) for r in store.query(query)]
    return rows


def dated_events(store: Store, base: str, iri: str, types: list[str],
                 rows: list[tuple[str, str | None]], lang: str = "en") -> list[EventEntry]:
    """The events of `event_rows` (and the entity itself if it is an event), each with its
    role where any row gives one (labelled in `lang`), dated, earliest first."""
    itself = any(t in EVENT_TYPES for t in types)
    roles: dict[str, str | None] = {iri: None} if itself else {}
    for event, role in rows:
        if roles.get(event) is None and not (itself and event == iri):
            roles[event] = role
    if not roles:
        return []
    every = EVENT_DATES.get(store)
    labels = label_lookup(store, [*roles, *(r for r in roles.values() if r)], lang)
    out = [EventEntry(ref(event, labels, base), labels[role] if role else None,
                      every.get(event),
                      itself=itself and event == iri) for event, role in roles.items()]
    out.sort(key=lambda x: (x.date.earliest if x.date else FAR, x.event.label))
    return out
