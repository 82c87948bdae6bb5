"""Helpers for the page tests: the bundled data plus the hostile-text fixture, in one store."""

from __future__ import annotations

from pathlib import Path

from kg.build import bundled_sources
from kg.config import PROJECT_DIR
from kg.formats import for_path
from kg.store import DiskStore, LoadSource, MemoryStore, Store

FIXTURE = Path(__file__).parent / "data" / "web_fixture.trig"
FIXTURE_GRAPH = "https://kg.example.org/graph/test-web-fixture"
XSS_LABEL = "<script>alert(1)</script>"
XSS_QUOTE = "<img src=x onerror=alert(2)>"


def sources() -> list[LoadSource]:
    """Bundled ontology, shapes and data, and the test fixture (not SHACL-gated: it is bait)."""
    return bundled_sources(PROJECT_DIR) + [LoadSource(FIXTURE, for_path(FIXTURE), FIXTURE_GRAPH)]


def memory_store() -> Store:
    store = MemoryStore()
    store.load(sources(), replace=True)
    return store


def disk_store(path: Path) -> DiskStore:
    store = DiskStore(path)
    store.load(sources(), replace=True)
    return store
