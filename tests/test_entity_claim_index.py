"""kg.entity.claim_index: every claim's rows for one store version, sliced per page."""

from __future__ import annotations

import pytest

from kg.entity import queries
from kg.entity.claim_index import CLAIM_INDEX, ClaimIndex, current_index
from kg.namespaces import KG
from kg.store import Store
from tests.webdata import memory_store


@pytest.fixture(scope="module")
def store() -> Store:
    return memory_store()


def test_index_rows_are_the_queried_rows(store: Store) -> None:
    """Sliced rows hold what querying for just those claims gives, in the claims' order."""
    claims = sorted(r["c"].value for r in store.query(
        f"SELECT DISTINCT ?c WHERE {{ ?c <{KG}about> ?e }}"))[:40]
    index = ClaimIndex.build(store)
    sliced = index.rows(list(reversed(claims)))
    assert set(sliced) == set(queries.claim_rows("?c"))
    for key, query in queries.claim_rows(queries.claims_of(claims)).items():
        queried = store.query(query)
        names = [v.value for v in queried.variables]
        as_tuples = sorted(tuple(str(r[n]) for n in names) for r in queried)
        assert sorted(tuple(str(r[n]) for n in names) for r in sliced[key]) == as_tuples, key
    order = [r["c"].value for r in sliced["props"]]
    assert order == sorted(order, key=list(reversed(claims)).index)


def test_unknown_claims_have_no_rows(store: Store) -> None:
    index = ClaimIndex.build(store)
    assert all(rows == [] for rows in index.rows(["urn:x:none"]).values())
    assert all(rows == [] for rows in index.asserted(["urn:x:none"]).values())


def test_the_index_belongs_to_the_current_version(store: Store) -> None:
    index = CLAIM_INDEX.get(store, wait=None)
    assert index.version == store.version
    assert current_index(store) is index
