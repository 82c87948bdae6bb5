"""kg.web.entity_view: the words of an entity page, and its JSON twin's shape."""

from __future__ import annotations

import json

import pytest

from kg.entity.model import Assertion, Claim, Count, EventEntry, Name, Ref
from kg.entity.reader import read_entity
from kg.lineage import ChainClaim, Lineage, Link
from kg.namespaces import BASE, KG
from kg.store import Store
from kg.web.entity_view import (
    GROUP_ORDER,
    ClaimView,
    EntityPage,
    assertion_lines,
    claim_view,
    count_text,
    entity_page,
    event_role,
    name_row,
    type_refs,
)
from kg.web.lineage_view import lineage_steps, origins_text
from tests.webdata import memory_store

ID = BASE + "id/"
KHOSRAVI = ID + "person/gholamreza-khosravi"


@pytest.fixture(scope="module")
def store() -> Store:
    return memory_store()


def page_of(store: Store, iri: str) -> EntityPage:
    entity = read_entity(store, iri)
    assert entity is not None
    return entity_page(entity, BASE)


def test_khosravi_execution_claim_is_a_date_he_is_the_victim_in(store: Store) -> None:
    page = page_of(store, KHOSRAVI)
    claims = {c.claim.iri.rsplit("/", 1)[-1]: c for _, cs in page.claim_groups for c in cs}
    executed = claims["seed-khosravi-executed"]
    assert (executed.group, executed.kind_label, executed.value) == ("Date", "date", None)
    (line,) = executed.asserts
    assert line[:2] == ("participation", "victim in ")
    assert line[2] and line[2].iri == ID + "event/execution-of-gholamreza-khosravi"


def test_competing_counts_share_a_table(store: Store) -> None:
    page = page_of(store, ID + "event/1988-massacre")
    counts = [c for name, cs in page.claim_groups if name.startswith("Count") for c in cs]
    assert len(counts) >= 2 and all(c.value for c in counts)
    assert "30,000" in {c.value for c in counts}
    ranks = [next(i for i, g in enumerate(GROUP_ORDER) if name.startswith(g))
             for name, _ in page.claim_groups]
    assert ranks == sorted(ranks)


def test_neighbours_are_entities_not_plumbing(store: Store) -> None:
    page = page_of(store, KHOSRAVI)
    iris = [n.iri for n, _ in page.neighbours]
    assert ID + "event/execution-of-gholamreza-khosravi" in iris
    assert KHOSRAVI not in iris
    assert not any("/participation/" in i or "/claim/" in i for i in iris)
    assert all(relation for _, relation in page.neighbours)


def test_json_twin_keeps_its_shape(store: Store) -> None:
    data = json.loads(json.dumps(page_of(store, ID + "event/1988-massacre").as_json()))
    assert set(data) == {
        "iri", "label", "names", "types", "descriptions", "facts", "incoming",
        "incomingCapped", "claims", "claimsTotal", "claimsMade", "claimsMadeTotal", "events",
        "neighbours"}
    claim = data["claims"][0]["claims"][0]
    assert set(claim) == {
        "iri", "kind", "group", "statement", "value", "countKind", "unit", "status",
        "supersededBecause", "claimant", "publication", "published", "dates", "related",
        "asserts", "evidence", "graph", "lineage", "originsText", "attribute"}
    assert {"claim", "isOrigin", "links", "relayed", "origins", "independentOrigins",
            "independentGroups", "repeats", "repeatedIn"} == set(claim["lineage"])
    assert set(data["names"][0]) == {"text", "lang", "property"}
    assert {"this event"} == {e["role"] for e in data["events"] if e["event"]["iri"] ==
                              data["iri"]}


def _claims(page: EntityPage) -> dict[str, ClaimView]:
    return {c.claim.iri.rsplit("/", 1)[-1]: c for _, cs in page.claim_groups for c in cs}


def test_claim_cards_say_where_a_figure_comes_from(store: Store) -> None:
    # issue 13: corroboration counts origins, not repetitions
    cards = {}
    for offset in range(0, 200, 25):
        entity = read_entity(store, ID + "event/1988-massacre", claims_offset=offset)
        assert entity is not None
        cards.update(_claims(entity_page(entity, BASE)))
    ncri = "National Council of Resistance of Iran"
    jvmi = cards["jvmi-toll-30000"]
    assert jvmi.origins_text == f"1 independent origin ({ncri}), repeated by 3 sources"
    (step,) = jvmi.lineage_steps
    assert step.lead == "Derived from" and step.source.page == "/page/claim/seed-ncri-toll-30000"
    assert [w.label for w in step.claimants] == [ncri] and step.publication and step.note
    assert cards["seed-ncri-toll-30000"].origins_text == (
        "1 independent origin (this claim), repeated by 3 sources")
    assert cards["wikipedia-toll-other-revisions"].origins_text.startswith(
        "2 independent origins (Hossein-Ali Montazeri; " + ncri + ")")
    assert cards["ap-toll-5000"].origins_text == "1 independent origin (this claim)"
    twin = jvmi.as_json()
    assert twin["originsText"] == jvmi.origins_text
    assert twin["lineage"]["origins"][0]["claimants"][0]["label"] == ncri
    assert twin["lineage"]["links"][0]["from"]["page"] == "/page/claim/seed-ncri-toll-30000"


def test_a_step_further_up_the_chain_names_the_claim_it_starts_from() -> None:
    a, b, c = (f"urn:x:c{i}" for i in (1, 2, 3))
    lineage = Lineage(a, (Link(a, "quoted", b), Link(b, "derived", c, "why")),
                      (ChainClaim(c, ("urn:x:w",), None),), ((c,),),
                      (ChainClaim(b, ("urn:x:v",), "urn:x:p"), ChainClaim(c, ("urn:x:w",), None)))
    refs = {i: Ref(i, i.rsplit(":", 1)[-1].upper()) for i in lineage.iris()}
    claim = Claim(a, KG + "CountClaim", lineage=lineage, lineage_refs=refs)
    first, second = lineage_steps(lineage, refs)
    assert claim_view(claim, a).lineage_steps == [first, second]
    assert (first.lead, first.source.iri, [w.iri for w in first.claimants]) == (
        "Quotes", b, ["urn:x:v"])
    assert first.publication and first.publication.iri == "urn:x:p"
    assert (second.lead, second.source.iri, second.note) == (
        "The claim of V is derived from", c, "why")
    assert origins_text(lineage, refs) == "1 independent origin (W)"
    loop = Lineage(a, (Link(a, "derived", b), Link(b, "derived", a)), (), ())
    assert origins_text(loop, refs) == "No origin: the chain loops back on itself"


@pytest.mark.parametrize(("count", "text"), [
    (Count("30000", None, None), "30,000"), (Count(None, "4000", "5000"), "4,000 – 5,000"),
    (Count(None, "33700", None), "≥ 33,700"), (Count(None, None, "500.0"), "≤ 500"),
    (Count("many", None, None), "many"), (Count(None, None, None), "?"),
    (Count(None, None, None, alternatives=("2800", "3800")), "2,800 or 3,800"),
])
def test_count_text(count: Count, text: str) -> None:
    assert count_text(count) == text


def test_assertions_read_from_the_entity() -> None:
    me, event, org = Ref("urn:x:me", "Me"), Ref("urn:x:ev", "Ev"), Ref("urn:x:org", "Org")
    claim = Claim("urn:x:c", KG + "Claim", asserted_total=2, assertions=[
        Assertion("participation", me, event, None, "direct"),
        Assertion("membership", org, me, "member"),
        Assertion("membership", org, event, None)])
    assert assertion_lines(claim, me.iri) == [
        ("participation", "participant (direct) in ", event),
        ("membership", "Org: member", org),
        ("membership", "Org: member of ", event)]
    big = Claim("urn:x:c", KG + "Claim", asserted_total=1234)
    assert assertion_lines(big, me.iri) == [
        ("many", "names 1,234 participations or memberships", None)]


def test_types_are_capitalised_once_and_agent_only_alone() -> None:
    person, agent = Ref("urn:x:Person", "person"), Ref("urn:x:Agent", "agent")
    assert [t.label for t in type_refs([agent, person, Ref("urn:y:Person", "Person")])] == [
        "Person"]
    assert [t.label for t in type_refs([agent])] == ["Agent"]
    assert person.label == "person"  # the entity read (and cached) is left as it was


def test_name_rows_and_event_roles() -> None:
    assert name_row(Name("Khosravi", ("en", "fr"), False)) == ("Khosravi", "en, fr", "name")
    assert name_row(Name("Khosrowi", (), True)) == ("Khosrowi", "", "also known as")
    assert event_role(EventEntry(Ref("urn:x:e", "E"), None, None, itself=True)) == "this event"
    assert event_role(EventEntry(Ref("urn:x:e", "E"), "victim", None)) == "victim"
