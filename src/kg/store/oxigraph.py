"""Embedded Oxigraph backends: on disk (the default) and in memory (tests).

On disk, a store directory holds immutable versions and a pointer to the current one:

    <dir>/kg-store.json            {"kg_store": 1, "current": "v000003"}
    <dir>/v000003/public/          Oxigraph (RocksDB) store: what the public server sees
    <dir>/v000003/restricted/      Oxigraph store: restricted graphs and nodes

A load or build writes a new version (a RocksDB checkpoint of the current one plus the new
data), checks it, and only then swaps the pointer with an atomic rename. A failure at any
point leaves the current version untouched, and readers (the web server) never see a
half-written store: they reopen when the pointer changes.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.guard import Limits, check_sparql
from kg.namespaces import UPDATES_GRAPH
from kg.query.engines import ChildEngine, Engine, InProcessEngine
from kg.store.base import (
    Capabilities,
    Changes,
    Check,
    GraphWrite,
    LoadReport,
    LoadSource,
    Partitions,
    Progress,
    QueryResult,
    Store,
    StoreChangedError,
    StoreError,
    View,
    bind_values,
)
from kg.store.graph_diff import replaced_difference
from kg.store.loading import add_quads, bulk_load_files, fill_report
from kg.store.lock import write_lock
from kg.store.restricted import route_restricted

POINTER = "kg-store.json"
#: Applied to a new version's partitions: loads files, runs an update, replaces graphs.
Apply = Callable[[Partitions], "LoadReport | Changes"]


def _query(store: ox.Store, sparql: str, substitutions) -> QueryResult:
    try:
        return store.query(bind_values(sparql, substitutions), use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise StoreError(f"SPARQL syntax error: {exc}") from None


def _update(sparql: str) -> Apply:
    """An update; triples it put in the default graph move to a public named graph. Checked
    first: pyoxigraph's SPARQL parser crashes the process on deep nesting."""
    check_sparql(sparql, Limits.current(), "the SPARQL update")

    def apply(parts: Partitions) -> LoadReport:
        try:
            parts.public.update(sparql)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from None
        stray = list(parts.public.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        if stray:
            target = ox.NamedNode(UPDATES_GRAPH)
            for quad in stray:
                parts.public.remove(quad)
            parts.public.extend(ox.Quad(q.subject, q.predicate, q.object, target)
                                for q in stray)
        return LoadReport(restricted_quads=route_restricted(parts.public, parts.restricted))

    return apply


def _load(sources: Sequence[LoadSource], progress: Progress | None) -> Apply:
    def apply(parts: Partitions) -> LoadReport:
        report = LoadReport(files=len(sources))
        bulk_load_files(parts.public, sources, progress)
        report.restricted_quads = route_restricted(parts.public, parts.restricted)
        fill_report(parts.public, report)
        return report

    return apply


def _replace(graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]]) -> Apply:
    """Each graph made to hold exactly its triples; only the difference is written, so the
    same content again changes nothing. New quads are routed like loaded ones. A GraphWrite
    brings its difference along (checked to be for this version by the caller)."""

    def apply(parts: Partitions) -> Changes:
        if isinstance(graphs, GraphWrite):
            changes = graphs.changes
        else:
            changes = replaced_difference(graphs, parts)[1]
        for quad in changes.removed:
            parts.public.remove(quad)
            parts.restricted.remove(quad)
        # The staged version is discarded on failure.
        add_quads(parts.public, changes.added,
                  graphs.writing if isinstance(graphs, GraphWrite) else None)
        route_restricted(parts.public, parts.restricted)
        parts.changes = changes
        return changes

    return apply


def _refuse_stale(graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]],
                  version: Callable[[], str], where: str) -> None:
    """A GraphWrite's difference is only the difference from the version it was taken on."""
    if isinstance(graphs, GraphWrite) and graphs.version != version():
        raise StoreChangedError(
            f"{where}: the store changed while this write was being prepared (another "
            "writer); nothing was written — run it again")


_FULL_DISK = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
_FULL_DISK_TEXT = ("No space left on device", "File too large", "Disk quota exceeded")


def _disk_full(exc: BaseException) -> bool:
    """Whether a write failed for want of space. RocksDB's errors (through pyoxigraph) carry
    no errno, only the system's words."""
    if isinstance(exc, OSError) and exc.errno in _FULL_DISK:
        return True
    return isinstance(exc, (OSError, StoreError)) and any(t in str(exc) for t in _FULL_DISK_TEXT)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


_EMBEDDED = Capabilities(restricted=True, killable_queries=False, protocol_dataset=True,
                         persistent=False, embedded=True)


class MemoryStore(Store):
    """Oxigraph in memory: same behaviour as on disk, gone when the process ends."""

    kind = "memory"
    capabilities = _EMBEDDED

    def __init__(self) -> None:
        self._parts = Partitions(ox.Store(), ox.Store())
        self._version = 0
        self._id = uuid.uuid4().hex  # not id(self): a later store may reuse the address
        #: The previous version and its restricted quads (for restricted_since).
        self._before: tuple[str, set[ox.Quad]] | None = None

    def query(self, sparql: str, *, view: View = "public", substitutions=None) -> QueryResult:
        return _query(self._parts.view(view), sparql, substitutions)

    def _write(self, apply: Apply, *, replace: bool = False, check: Check | None = None,
               copy: bool = True):
        """Writes go to a copy that replaces the live dataset only when whole and checked."""
        before = (self.version, set(self._parts.restricted))
        if copy:
            staged = Partitions(ox.Store(), ox.Store())
            if not replace:
                staged.public.bulk_extend(self._parts.public.quads_for_pattern(None, None, None))
                staged.restricted.bulk_extend(
                    self._parts.restricted.quads_for_pattern(None, None, None))
        else:
            staged = self._parts
        result = apply(staged)
        if check is not None:
            check(staged)
        self._parts = Partitions(staged.public, staged.restricted)
        self._version += 1
        self._before = before
        return result

    def restricted_since(self, version: str) -> bool:
        """Conservatively: anything restricted now that was not restricted in `version` (the
        previous one; earlier ones are not known)."""
        if self._before is None or self._before[0] != version:
            return True
        return any(q not in self._before[1] for q in self._parts.restricted)

    def update(self, sparql: str) -> None:
        self._write(_update(sparql), copy=False)

    def load(self, sources: Sequence[LoadSource], *, replace: bool = False,
             check: Check | None = None, progress: Progress | None = None,
             compact: bool = False) -> LoadReport:
        return self._write(_load(sources, progress), replace=replace, check=check)

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]], *,
                       check: Check | None = None) -> Changes:
        _refuse_stale(graphs, lambda: self.version, "the memory store")
        return self._write(_replace(graphs), check=check)

    def diff_graphs(self, graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]]) -> GraphWrite:
        parts, version = self._parts, self.version
        content, changes = replaced_difference(graphs, parts)
        return GraphWrite(version, content, changes, parts)

    def named_graphs(self, view: View = "public") -> list[str]:
        return sorted(g.value for g in self._parts.view(view).named_graphs())

    def quads(self, view: View = "public") -> Iterable[ox.Quad]:
        return self._parts.view(view).quads_for_pattern(None, None, None)

    def count(self, view: View = "public") -> int:
        return len(self._parts.view(view))

    def dataset(self, view: View = "full") -> ox.Store:
        return self._parts.view(view)

    def query_engine(self) -> Engine:
        return InProcessEngine(lambda q, **dataset: self._parts.public.query(q, **dataset))

    @property
    def version(self) -> str:
        return f"memory-{self._id}-{self._version}"

    @property
    def identity(self) -> str:
        return f"memory-{self._id}"


class DiskStore(Store):
    """Oxigraph on disk, versioned so that every write is all or nothing."""

    kind = "oxigraph"
    capabilities = Capabilities(restricted=True, killable_queries=True, protocol_dataset=True,
                                persistent=True, embedded=True)

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: not a directory (expected a kg store)")
        self._opened: tuple[tuple[int, int], Partitions] | None = None
        self._pointer: tuple[tuple[int, int], str] | None = None
        self._resolved = str(self.path.resolve())

    # reading -------------------------------------------------------------------------
    def exists(self) -> bool:
        return (self.path / POINTER).is_file()

    def _current_name(self) -> str:
        return self._current()[1]

    def _current(self) -> tuple[tuple[int, int], str]:
        """The pointer's identity and the current version's name, re-read only when the
        pointer file was replaced (a stat per call: every request asks, and os.replace gives
        the pointer a new inode). The identity also tells a store rebuilt from scratch at the
        same path (whose first version has the same name) from the one it replaced."""
        pointer = self.path / POINTER
        try:
            st = os.stat(pointer)
            key = (st.st_ino, st.st_mtime_ns)
            if self._pointer is not None and self._pointer[0] == key:
                return self._pointer
            name = str(json.loads(pointer.read_text())["current"])
            self._pointer = (key, name)
            return self._pointer
        except FileNotFoundError:
            raise StoreError(
                f"{self.path}: no kg store here yet; run `kg build` (or `kg load`) first"
            ) from None
        except (OSError, ValueError, KeyError) as exc:
            raise StoreError(f"{pointer}: unreadable store pointer ({exc})") from None

    def _parts(self) -> Partitions:
        key, name = self._current()
        if self._opened is None or self._opened[0] != key:
            base = self.path / name
            try:
                parts = Partitions(ox.Store.read_only(str(base / "public")),
                                    ox.Store.read_only(str(base / "restricted")))
            except OSError as exc:
                raise StoreError(f"{base}: cannot open the store ({exc})") from None
            self._opened = (key, parts)
        return self._opened[1]

    def public_path(self) -> Path:
        """Directory of the current public partition, for worker processes that open it."""
        return self.path / self._current_name() / "public"

    def query(self, sparql: str, *, view: View = "public", substitutions=None) -> QueryResult:
        return _query(self._parts().view(view), sparql, substitutions)

    def named_graphs(self, view: View = "public") -> list[str]:
        return sorted(g.value for g in self._parts().view(view).named_graphs())

    def quads(self, view: View = "public") -> Iterator[ox.Quad]:
        return self._parts().view(view).quads_for_pattern(None, None, None)

    def count(self, view: View = "public") -> int:
        return len(self._parts().view(view))

    def restricted_since(self, version: str) -> bool:
        """Read from the earlier version's directory (a writer keeps the previous one): any
        restricted quad now that was public then (the restricted partition is small)."""
        resolved, _, rest = version.rpartition("@")
        name = rest.split(".", 1)[0]
        if resolved != self._resolved or not name:
            return True
        try:
            before = ox.Store.read_only(str(self.path / name / "public"))
            return any(q in before for q in self._parts().restricted)
        except OSError:
            return True

    def dataset(self, view: View = "full") -> ox.Store:
        return self._parts().view(view)

    @property
    def version(self) -> str:
        key, name = self._current()
        return f"{self._resolved}@{name}.{key[1]}"

    @property
    def identity(self) -> str:
        return self._resolved

    # writing -------------------------------------------------------------------------
    def _new_version(self, replace: bool) -> tuple[str, Path]:
        existing = sorted(p.name for p in self.path.glob("v[0-9]*") if p.is_dir())
        number = int(existing[-1][1:]) + 1 if existing else 1
        name = f"v{number:06d}"
        target = self.path / name
        target.mkdir()
        return name, target

    def _clean_leftovers(self) -> None:
        """Remove what writers that died (kill -9, power cut) left: versions newer than the
        current one, which nothing points to and no reader opens, and a pointer never
        swapped in. Called under the write lock, before a write starts."""
        current = self._current_name() if self.exists() else None
        for old in self.path.glob("v[0-9]*"):
            if old.is_dir() and (current is None or old.name > current):
                shutil.rmtree(old, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            (self.path / (POINTER + ".tmp")).unlink()

    def _write(self, apply: Apply, *, replace: bool = False, check: Check | None = None,
               compact: bool = False, expect: Mapping | None = None):
        with write_lock(self.path):
            if expect is not None:
                _refuse_stale(expect, lambda: self.version, str(self.path))
            self._clean_leftovers()
            name, target = self._new_version(replace)
            parts = None
            try:
                if not replace and self.exists():
                    current = self._parts()
                    current.public.backup(str(target / "public"))
                    current.restricted.backup(str(target / "restricted"))
                parts = Partitions(ox.Store(str(target / "public")),
                                   ox.Store(str(target / "restricted")))
                result = apply(parts)
                if check is not None:
                    check(parts)
                if compact:
                    parts.public.optimize()
                    parts.restricted.optimize()
                parts.public.flush()
                parts.restricted.flush()
                parts = None  # closes RocksDB before the version is published
                previous = self._current_name() if self.exists() else None
                self._swap_pointer(name)
            except BaseException as exc:
                parts = None  # closes RocksDB before its directory goes
                shutil.rmtree(target, ignore_errors=True)
                if _disk_full(exc):
                    raise StoreError(
                        f"{self.path}: no space left for the new version ({_first_line(exc)}); "
                        "nothing was changed and the partial version was removed — free disk "
                        "space (a write needs room for the new data and its indexes) and run "
                        "it again") from None
                raise
            self._drop_old(keep={name, previous})
        return result

    def _swap_pointer(self, name: str) -> None:
        """Make `name` current: the pointer written, synced and renamed over the old one."""
        tmp = self.path / (POINTER + ".tmp")
        try:
            with tmp.open("w") as out:
                out.write(json.dumps({"kg_store": 1, "current": name}))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path / POINTER)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        with contextlib.suppress(OSError):
            directory = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        self._opened = None

    def _drop_old(self, keep: set[str | None]) -> None:
        """Versions before the previous one go; the previous stays for readers still on it."""
        for old in self.path.glob("v[0-9]*"):
            if old.is_dir() and old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    # A bulk load leaves many small RocksDB files behind and every point lookup seeks in
    # each. `compact` merges them before the version is published (`Store.optimize`, a
    # quarter of a load's time; pages read faster after it: bench/results/design.md).
    # `kg build` compacts; `kg load` only with --compact, so loads stay at par with
    # `oxigraph load` and small additions stay quick.
    def load(self, sources: Sequence[LoadSource], *, replace: bool = False,
             check: Check | None = None, progress: Progress | None = None,
             compact: bool = False) -> LoadReport:
        return self._write(_load(sources, progress), replace=replace, check=check,
                           compact=compact)

    def update(self, sparql: str) -> None:
        self._write(_update(sparql))

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]], *,
                       check: Check | None = None) -> Changes:
        return self._write(_replace(graphs), check=check, expect=graphs)

    def diff_graphs(self, graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]]) -> GraphWrite:
        """Against the current version's partitions (read-only, as readers see them); the
        write compares versions under its lock."""
        version = self.version
        parts = self._parts()
        content, changes = replaced_difference(graphs, parts)
        return GraphWrite(version, content, changes, parts)

    def query_engine(self) -> Engine:
        return ChildEngine(lambda: str(self.public_path()))

    def cache_dir(self) -> Path:
        if os.access(self.path, os.W_OK):
            return self.path / "cache"
        return super().cache_dir()

    def close(self) -> None:
        self._opened = None
