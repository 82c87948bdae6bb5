"""Per-process caches keyed by store version, for page data that costs a scan to compute.

Home-page counts, the ontology documentation and the SHACL report change only when the data
does, so each is computed once per store version (and dropped when the version moves on).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask

from kg.web import get_store

T = TypeVar("T")
_LOCK = threading.RLock()  # re-entrant: one cached value may be built from another


def cached(app: Flask, name: str, compute: Callable[[], T]) -> T:
    """`compute()` once per (store version, name) in this process."""
    version = get_store(app).version
    cache: dict[tuple[str, str], Any] = app.extensions.setdefault("kg.pagecache", {})
    key = (version, name)
    if key in cache:
        return cache[key]
    with _LOCK:
        if key not in cache:
            for old in [k for k in cache if k[0] != version]:
                del cache[old]
            cache[key] = compute()
    return cache[key]
