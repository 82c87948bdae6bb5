"""kg.entity.parallel: a page's queries run on the pool and give the rows they would alone."""

from __future__ import annotations

from kg.entity.parallel import results, start, start_queries
from tests.webdata import memory_store


def test_queries_side_by_side_give_their_own_rows() -> None:
    store = memory_store()
    queries = {"n": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
               "types": "SELECT DISTINCT ?t WHERE { ?s a ?t } ORDER BY ?t LIMIT 5"}
    rows = results(start_queries(store, queries))
    for key, query in queries.items():
        assert [list(map(str, r)) for r in rows[key]] == [
            list(map(str, r)) for r in store.query(query)]
    assert start(sum, [1, 2]).result() == 3
