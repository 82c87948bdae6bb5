"""The version of a remote store, held by the server so every kg process sees the same one.

Every write through kg ends with an update that replaces one triple, a fresh random token:
in the server's default graph where that stays out of every `GRAPH ?g` (Oxigraph), else in
a small system graph (`<base>graph/kg-system`, hidden from every query on Virtuoso). Each
process reads it at most once per `remote_version_check` seconds (one tiny SELECT), so two
`kg serve` over one server see a write through either within that time, and their
per-version caches roll over. Writes by other tools do not touch it: `kg refresh` (or the
same update, shown in the README) tells every kg process that the data changed. The marker
is left out of kg's counts, graph lists and dumps; on Oxigraph a query over the union
default graph can see its one triple.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

from kg.namespaces import GRAPH, KG

SYSTEM_GRAPH = GRAPH + "kg-system"
VERSION_PROPERTY = KG + "storeVersion"


_MARKER = f"<{SYSTEM_GRAPH}> <{VERSION_PROPERTY}>"


def bump_update(in_default_graph: bool) -> str:
    """The update that gives the store a new version (appended to every kg write)."""
    token = uuid.uuid4().hex
    if in_default_graph:
        return (f"DELETE {{ {_MARKER} ?v }} WHERE {{ {_MARKER} ?v }} ;\n"
                f"INSERT DATA {{ {_MARKER} \"{token}\" }}")
    return (f"DROP SILENT GRAPH <{SYSTEM_GRAPH}> ;\n"
            f"INSERT DATA {{ GRAPH <{SYSTEM_GRAPH}> {{ {_MARKER} \"{token}\" }} }}")


def read_query(in_default_graph: bool) -> str:
    if in_default_graph:
        return f"SELECT ?v WHERE {{ {_MARKER} ?v }}"
    return f"SELECT ?v WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ {_MARKER} ?v }} }}"


def is_marker(quad) -> bool:
    """Whether a quad read from the server is the marker (never part of the data)."""
    return quad.subject.value == SYSTEM_GRAPH and quad.predicate.value == VERSION_PROPERTY


class VersionMarker:
    """The marker as this process last read it; re-read when older than `interval` s."""

    def __init__(self, read: Callable[[], str], interval: float) -> None:
        self._read = read
        self.interval = interval
        self._value = ""
        self._at = float("-inf")
        self._lock = threading.Lock()

    def get(self) -> str:
        now = time.monotonic()
        if now - self._at < self.interval:
            return self._value
        with self._lock:
            if time.monotonic() - self._at >= self.interval:
                self._value = self._read()
                self._at = time.monotonic()
            return self._value

    def expire(self) -> None:
        """Read again on the next `get` (after this process wrote)."""
        self._at = float("-inf")
