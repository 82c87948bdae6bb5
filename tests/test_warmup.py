"""Server workers fill the per-version caches at start-up, so first visitors do not wait."""

from __future__ import annotations

from pathlib import Path

import kg.web  # noqa: F401 - declares every cache the server uses
from kg import cache
from kg.store import DiskStore
from tests.conftest import make_app


def test_warmup_fills_every_cache_that_asks_for_it(built_store_dir: Path) -> None:
    store = DiskStore(built_store_dir)
    warmed = [s.name for s in cache.REGISTRY.values() if s.warm]
    assert {"graph-projection", "search-index", "claim-index", "kind-counts"} <= set(warmed)
    assert not any(cache.caches(store).ready(name) for name in warmed)  # positive control
    cache.warm(store)
    assert [n for n in warmed if not cache.caches(store).ready(n)] == []
    with make_app(store).test_client() as client:
        assert client.get("/api/graph/status").status_code == 200
        assert client.get("/search.json?q=khosrowi").status_code == 200
