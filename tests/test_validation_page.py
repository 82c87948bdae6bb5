"""The validation page's runs: in a child process, one report file per store version for all
workers, from an on-disk store's partition or (other stores) the public data written out."""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask.testing import FlaskClient

from kg.build import bundled_sources
from kg.cache import version_dir
from kg.config import PROJECT_DIR
from kg.store import DiskStore, MemoryStore, Store
from tests.conftest import make_app
from tests.test_crash_serving import descendants


def report(client: FlaskClient) -> dict:
    deadline = time.monotonic() + 120
    while True:
        with client.get("/validation.json") as response:
            if response.status_code != 503:
                assert response.status_code == 200, response.get_data(as_text=True)
                return response.get_json()
        assert time.monotonic() < deadline
        time.sleep(0.3)


def test_a_memory_store_is_validated_in_a_child_too() -> None:
    store = MemoryStore()
    store.load(bundled_sources(PROJECT_DIR))
    client = make_app(store).test_client()
    data = report(client)
    assert data["conforms"] is True and data["infos"] > 0
    assert "Conforms" in client.get("/validation").get_data(as_text=True)
    here = version_dir(store)
    assert {p.name for p in here.iterdir()} >= {"validation-input.nq", "validation-report.json"}


def test_one_report_per_version_shared_by_apps(built_store_dir: Path) -> None:
    """A second app (another worker) on the same store reads the report file: no second
    run, no child process."""
    first = make_app(DiskStore(built_store_dir)).test_client()
    data = report(first)
    second_store: Store = DiskStore(built_store_dir)
    second = make_app(second_store).test_client()
    started = time.monotonic()
    assert report(second) == data
    assert time.monotonic() - started < 5
    assert not [p for p in descendants(os.getpid())
                if b"kg.validation_child" in Path(f"/proc/{p}/cmdline").read_bytes()]
