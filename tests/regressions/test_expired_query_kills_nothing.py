"""Regression: a query whose time ran out before it reached the Oxigraph child (it waited for
a worker thread, say) was treated like a runaway: the child was killed, and every query
running on it had to be retried. It must get 503 and kill nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kg.query.caps import Job
from kg.query.child import QueryServer, QueryTimeout
from kg.store import DiskStore
from tests.fixtures.sparql.server import load_fixture_store


def test_an_expired_query_times_out_without_killing_the_child(tmp_path: Path) -> None:
    store = DiskStore(load_fixture_store(tmp_path / "store"))
    server = QueryServer(lambda: str(store.public_path()))
    try:
        ask = Job("ASK {}", "json", 1, 1000)
        assert server.fetch(ask, "json", 0, 1000, time.monotonic() + 10).status == 200
        child = server.pid()
        assert child is not None
        with pytest.raises(QueryTimeout):
            server.fetch(ask, "json", 0, 1000, time.monotonic() - 0.001)
        assert server.pid() == child  # still the same, still running
        assert server.fetch(ask, "json", 0, 1000, time.monotonic() + 10).status == 200
        assert server.pid() == child
    finally:
        server.close()
