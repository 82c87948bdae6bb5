"""The Store interface and the factory that picks a backend from the `store` setting."""

from __future__ import annotations

from kg.config import Config
from kg.store.base import (
    Capabilities,
    Changes,
    Check,
    GraphWrite,
    LoadReport,
    LoadSource,
    Partitions,
    QueryResult,
    Store,
    StoreChangedError,
    StoreError,
    StoreLockedError,
    View,
    check_graph_iri,
    default_graph_for,
)
from kg.store.oxigraph import DiskStore, MemoryStore
from kg.store.remote import RemoteStore, check_remote_url

__all__ = [
    "Capabilities", "Changes", "Check", "DiskStore", "GraphWrite", "LoadReport", "LoadSource",
    "MemoryStore", "Partitions", "QueryResult", "RemoteStore", "Store", "StoreChangedError",
    "StoreError", "StoreLockedError", "View", "check_graph_iri", "default_graph_for",
    "open_store",
]


def open_store(config: Config) -> Store:
    """`memory`, an http(s) URL (remote SPARQL server), or a directory (embedded Oxigraph)."""
    location = config.store
    if location == "memory":
        return MemoryStore()
    if location.startswith(("http://", "https://")):
        return RemoteStore(check_remote_url(location), query_url=config.remote_query_url,
                           update_url=config.remote_update_url,
                           store_url=config.remote_store_url,
                           timeout=config.remote_read_timeout, engine=config.remote_engine,
                           base_iri=config.base_iri, batch_quads=config.remote_batch_quads,
                           version_check=config.remote_version_check)
    return DiskStore(location)
