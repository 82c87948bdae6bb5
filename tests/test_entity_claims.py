"""kg.entity.claims over the bundled data: claims with their values, sources and evidence,
the same from the claim index as from queries."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.entity.claim_index import CLAIM_INDEX
from kg.entity.claims import read_claims, read_claims_made
from kg.entity.model import Claim
from kg.entity.queries import MAX_ASSERTED
from kg.namespaces import BASE, KG, sparql_prefixes
from kg.store import MemoryStore, Store
from tests.webdata import memory_store

ID = "https://kg.example.org/id/"
KHOSRAVI = ID + "person/gholamreza-khosravi"


@pytest.fixture(scope="module")
def store() -> Store:
    return memory_store()


def claims_about(store: Store, iri: str, index: bool = True) -> list[Claim]:
    claim_iris = sorted(r["c"].value for r in store.query(
        f"SELECT DISTINCT ?c WHERE {{ ?c <{KG}about> <{iri}> }}"))
    found = CLAIM_INDEX.get(store, wait=None) if index else None
    return read_claims(store, BASE, iri, claim_iris, found)


def test_khosravi_execution_claim_with_date_source_and_quote(store: Store) -> None:
    claims = {c.iri.rsplit("/", 1)[-1]: c for c in claims_about(store, KHOSRAVI)}
    executed = claims["seed-khosravi-executed"]
    assert executed.kind == KG + "TimeClaim"
    (prop, date), = executed.dates
    assert (prop, date.label(), date.precision) == ("date", "1 June 2014", "day")
    assert date.inferred
    assert executed.claimant and executed.claimant.page == "/page/person/seed-article-author"
    assert executed.publication and executed.publication.page == "/page/source/seed-article"
    assert executed.published is not None
    assert (executed.status, executed.status_key) == ("asserted", "asserted")
    quote = executed.quotes[0]
    assert quote.exact == "On June 1, Gholamreza Khosravi"
    # unique in the text, so no context is kept (issue 13: contexts only as long as needed)
    assert (quote.prefix, quote.suffix) == ("", "") and quote.start is not None
    (victim,) = executed.assertions
    assert (victim.kind, victim.role, victim.who.iri) == ("participation", "victim", KHOSRAVI)
    assert victim.counterpart(KHOSRAVI) == victim.what
    assert victim.what.page == "/page/event/execution-of-gholamreza-khosravi"


def test_competing_counts_stay_side_by_side(store: Store) -> None:
    counts = [c for c in claims_about(store, ID + "event/1988-massacre") if c.count]
    assert len(counts) >= 2
    assert all(c.count.kind and (c.count.exact or c.count.low or c.count.high
                                 or len(c.count.alternatives) > 1)
               for c in counts if c.count)
    montazeri = [c.count for c in counts if c.count and c.count.alternatives]
    assert [m.alternatives for m in montazeri] == [("2800", "3800")]
    assert {c.count.kind for c in counts if c.count} >= {"estimate", "lower bound"}


def list_of_victims(size: int) -> Store:
    """A store where one claim about an event asserts `size` participations."""
    store = MemoryStore()
    parts = [f"<{ID}participation/p{i}>" for i in range(size)]
    people = " ".join(f"{p} kg:participant <{ID}person/v{i}> ; kg:inEvent <{ID}event/e> ."
                      for i, p in enumerate(parts))
    store.update(sparql_prefixes() + "INSERT DATA { GRAPH <urn:x:g> { "
                 f"<{ID}claim/list> a kg:Claim ; kg:about <{ID}event/e> ; "
                 f"dcterms:source <{ID}source/s> ; kg:asserts {', '.join(parts)} . {people} }} }}")
    return store


@pytest.mark.parametrize("size", [MAX_ASSERTED, MAX_ASSERTED + 1])
def test_a_list_of_victims_is_counted_not_read(size: int) -> None:
    store = list_of_victims(size)
    (claim,) = claims_about(store, ID + "event/e", index=False)
    assert claim.asserted_total == size
    assert len(claim.assertions) == (size if size <= MAX_ASSERTED else 0)
    assert claims_about(store, ID + "event/e") == [claim]


def test_claims_made_by_a_claimant(store: Store) -> None:
    made, total = read_claims_made(store, BASE, ox.NamedNode(ID + "person/seed-article-author"))
    assert total >= 10 and 0 < len(made) <= total
    assert all(m.publication.page for m in made)
    assert read_claims_made(store, BASE, ox.NamedNode(ID + "person/nobody")) == ([], 0)


def test_claim_index_and_queries_give_the_same_claims(store: Store) -> None:
    """Pages read claims from the per-version index once it is built, by query before:
    both give the same claims, for every entity that has claims."""
    about = sorted({r["e"].value for r in store.query(
        f"SELECT DISTINCT ?e WHERE {{ ?c <{KG}about> ?e }}")})
    assert len(about) > 20
    for iri in about:
        by_index = claims_about(store, iri)
        assert by_index and by_index == claims_about(store, iri, index=False), iri
