"""`kg.ingest.lookup.EntityIndex`: a list names the same prison on many rows; each row gets
the same answer (the entity, or the same error) as the first, though it is worked out once."""

from __future__ import annotations

import pytest

from kg.ingest.lookup import EntityIndex, NotFound

PRISONS = [("https://kg.example.org/id/place/evin", "Evin Prison"),
           ("https://kg.example.org/id/place/evin", "زندان اوین"),
           ("https://kg.example.org/id/place/gohardasht", "Gohardasht Prison")]


def test_every_row_naming_a_prison_gets_it() -> None:
    index = EntityIndex(PRISONS)
    assert [index.match(text, "prison") for text in ("Evin", "اوین", "Evin")] == \
        ["https://kg.example.org/id/place/evin"] * 3


def test_every_row_naming_an_unknown_prison_gets_the_error() -> None:
    index = EntityIndex(PRISONS)
    messages = []
    for _ in range(2):
        with pytest.raises(NotFound) as caught:
            index.match("Ghezel Hesar", "prison")
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith("unknown prison")
