"""Regression from issue 16's 13M-quad benchmark: an answer longer than Virtuoso's row cap
was paged with ORDER BY beside LIMIT/OFFSET, a "sorted TOP" that Virtuoso refuses once
offset and limit pass MaxSortedTopRows (10,000 by default): HTTP 500, SR353, on the search
index's 2M label rows (and on any answer past 10,000 rows with the default settings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import sources_for
from tests.engines import VirtuosoServer, virtuoso_missing

EX = "http://example.org/"


@pytest.fixture
def small_sort_virtuoso(tmp_path: Path):
    missing = virtuoso_missing()
    if missing:
        pytest.skip(missing)
    server = VirtuosoServer(tmp_path / "virtuoso", row_cap=10, sorted_rows=25)
    yield server
    server.stop()


def test_pages_past_max_sorted_top_rows(small_sort_virtuoso: VirtuosoServer,
                                        tmp_path: Path) -> None:
    store = small_sort_virtuoso.store()
    path = tmp_path / "many.nt"
    path.write_text("".join(f"<{EX}s{i:03d}> <{EX}p> \"{(i * 37) % 60}\" .\n"
                            for i in range(60)))
    store.load(sources_for(path))
    rows = [(r["s"].value, r["o"].value)
            for r in store.query(f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}")]
    # was: HTTP 500 "SR353: Sorted TOP clause specifies more then 30 rows to sort"
    assert sorted(rows) == sorted((f"{EX}s{i:03d}", str((i * 37) % 60)) for i in range(60))
    assert len(set(rows)) == 60
