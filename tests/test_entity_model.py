"""kg.entity.model: the page's data classes and the JSON they carry (no wording)."""

from __future__ import annotations

import json

from kg.dates import PreciseDate
from kg.entity.model import Assertion, Claim, Count, EventEntry, Quote, Ref, Value

E, EVENT, ORG = Ref("urn:x:e", "E", "/page/e"), Ref("urn:x:ev", "Ev"), Ref("urn:x:o", "O")


def test_counterpart_is_the_other_side() -> None:
    part = Assertion("participation", E, EVENT, "victim")
    assert part.counterpart(E.iri) == EVENT
    assert part.counterpart(EVENT.iri) == E
    assert Assertion("membership", EVENT, ORG, None).counterpart(E.iri) == ORG


def test_claim_json_is_its_data() -> None:
    date = PreciseDate.from_values("1988-07")
    claim = Claim("urn:x:c", "urn:x:Kind", statement="s", count=Count("5", None, None, "people",
                                                                    "estimate"),
                  claimant=E, dates=[("date", date)], quotes=[Quote(exact="q")],
                  assertions=[Assertion("participation", E, EVENT, "victim")])
    data = json.loads(json.dumps(claim.as_json()))
    assert data["countKind"] == "estimate" and data["unit"] == "people"
    assert data["claimant"] == E.as_json() and data["evidence"][0]["exact"] == "q"
    assert data["dates"] == [{"property": "date", **date.as_json()}]
    assert not {"group", "value", "asserts"} & set(data)  # the page's wording


def test_values_and_events_as_json() -> None:
    assert Value(node=E).as_json() == {"node": E.as_json()}
    assert Value(text="t", lang="en").as_json() == {"text": "t", "lang": "en", "datatype": None}
    assert Value(nested=[(ORG, Value(text="x"))]).as_json()["nested"][0]["property"] == \
        ORG.as_json()
    assert EventEntry(EVENT, None, None, itself=True).as_json() == {
        "event": EVENT.as_json(), "role": None, "date": None}
