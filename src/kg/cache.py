"""The one cache facility: values computed from a store's data, kept per store version.

Everything kg caches (the home page's counts, the search index, the claim index of entity
pages, the graph projection, entity pages, labels, SPARQL answers, VoID, dumps, the SHACL
report) depends on the data and nothing else, so each is declared once as a `Cached` and
kept only for the store's current version. When `kg load` publishes a new version, every
value is dropped at once, except that whole-graph values (slots that are warmed, or say
`stale_ok`) are kept aside: a caller who finds the new version's value missing waits for it
at most `STALE_AFTER` seconds (`stale_ok` background slots: not at all), then gets the
previous version's while the new one builds in the background. A server under load then
never has every request thread stuck behind a rebuild of minutes after a new version. The
warm-up walks the registry, and tests and benchmarks can clear it.

A slot computes `compute(store, *args)`: one value per distinct `args` (a base IRI, an
entity's IRI...), bounded by `max_entries` (least recently used dropped). `background`
slots are built in a thread: callers wait up to `wait` seconds, then get NotReady. A
`persist`ed slot is also written to a file under `store.cache_dir()`, so every server
worker (and a restarted server) reads it instead of computing it again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from kg.store import DiskStore, Store

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds a caller waits for a new version's whole-graph value (on a small graph it is
#: there by then, so a write is seen at once) before getting the previous version's.
STALE_AFTER = 5.0


class NotReady(Exception):
    """A background value for the current store version is still being built; retry shortly."""


@dataclass(frozen=True)
class Persist(Generic[T]):
    """How a slot's value is written to and read from its per-version file. What `compute`
    returns is handed to `write`; what callers get is always what `read` makes of the file
    (which may be a reader over it rather than a copy: kg.shared_files). With `child`, an
    on-disk store's value is computed and written by a child process (kg.cache_child), so
    the computation's peak memory is never the server worker's."""

    filename: str
    write: Callable[[Any, IO[bytes]], None]
    read: Callable[[IO[bytes]], T]
    child: bool = False


@dataclass(eq=False)
class Cached(Generic[T]):
    """A value computed from a store, kept for the store's current version."""

    name: str
    compute: Callable[..., T]
    background: bool = False
    stale_ok: bool = False
    warm: bool = True
    max_entries: int | None = None
    #: With `weigh`, values are also bounded by their total weight (e.g. bytes).
    weigh: Callable[[T], int] | None = None
    max_weight: int | None = None
    persist: Persist[T] | None = None

    def __post_init__(self) -> None:
        if self.name in REGISTRY:
            raise ValueError(f"a cache named {self.name!r} is already declared")
        REGISTRY[self.name] = self

    def get(self, store: Store, *args: Hashable, wait: float | None = None) -> T:
        """The value for the current version; background slots wait up to `wait` s (None:
        until built) and then raise NotReady."""
        return caches(store).get(self, args, wait)

    def peek(self, store: Store, *args: Hashable) -> T | None:
        """The value if it is already there, else None (nothing is computed)."""
        return caches(store).peek(self, args)

    def at_hand(self, store: Store, *args: Hashable) -> bool:
        """Whether the current version's value is there already (in memory, or in its file
        for a persisted slot), so that `get` will not compute it: a command can say that a
        long computation is coming."""
        if self.peek(store, *args) is not None:
            return True
        return self.persist is not None and (
            version_dir(store) / _file_name(self.persist, args)).is_file()

    def clear(self, store: Store) -> None:
        """Drop this slot's values for `store` (benchmarks measuring the computation)."""
        caches(store).drop(self.name)

    def put(self, store: Store, value: T, *args: Hashable, version: str | None = None) -> None:
        """Store a value computed elsewhere (e.g. one of many looked up in one query), for
        the version it was computed from (default: the current one)."""
        caches(store).put(self, args, value, version or store.version)


_MISSING = object()


class _Depth(threading.local):
    depth = 0


#: How many values this thread is computing (nested: one value built from another).
_COMPUTING = _Depth()

#: Every declared slot, in declaration order (the warm-up builds them in this order).
REGISTRY: dict[str, Cached[Any]] = {}


@dataclass
class _Build:
    version: str
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class VersionCaches:
    """The cached values of one store, for its current version only."""

    def __init__(self, store: Store) -> None:
        self._store = weakref.ref(store)
        self._lock = threading.RLock()  # re-entrant: one value may be built from another
        self._version: str | None = None
        self._values: dict[str, OrderedDict[tuple, Any]] = {}
        self._weights: dict[str, int] = {}
        self._stale: dict[tuple[str, tuple], Any] = {}  # the previous version's values
        self._builds: dict[tuple[str, tuple], _Build] = {}
        self._computing: dict[tuple[str, tuple], threading.Lock] = {}

    def _restricted_since(self, version: str) -> bool:
        store = self._store()
        try:
            return store is None or store.restricted_since(version)
        except Exception:  # noqa: BLE001 - unknown: keep nothing
            log.exception("could not tell what was restricted since %s", version)
            return True

    def _roll(self, version: str) -> None:
        """A new version: drop every value (keeping whole-graph ones aside, unless what is
        restricted changed: a previous value must never show what is restricted now)."""
        if self._version == version:
            return
        if self._version is None or self._restricted_since(self._version):
            self._stale = {}
        else:
            for name, values in self._values.items():
                slot = REGISTRY.get(name)
                if slot is not None and _keeps_stale(slot):
                    self._stale.update(((name, args), v) for args, v in values.items())
        self._values = {}
        self._weights = {}
        self._builds = {k: b for k, b in self._builds.items() if b.version == version}
        self._computing = {}
        self._version = version

    def peek(self, slot: Cached[T], args: tuple) -> T | None:
        found = self._find(slot, args)
        return None if found is _MISSING else found  # type: ignore[return-value]

    def _find(self, slot: Cached[T], args: tuple) -> T | object:
        store = self._store()
        assert store is not None
        with self._lock:
            self._roll(store.version)
            values = self._values.get(slot.name)
            if values is None or args not in values:
                return _MISSING
            values.move_to_end(args)
            return values[args]

    def put(self, slot: Cached[T], args: tuple, value: T, version: str) -> None:
        with self._lock:
            if version != self._version:
                return  # computed for a version that has gone
            values = self._values.setdefault(slot.name, OrderedDict())
            weigh = slot.weigh
            if weigh is not None:
                if slot.max_weight is not None and weigh(value) > slot.max_weight:
                    return  # larger than the whole budget: not kept
                if args in values:
                    self._weights[slot.name] -= weigh(values[args])
                self._weights[slot.name] = self._weights.get(slot.name, 0) + weigh(value)
            values[args] = value
            values.move_to_end(args)
            while values and (
                    (slot.max_entries is not None and len(values) > slot.max_entries)
                    or (weigh is not None and slot.max_weight is not None
                        and self._weights[slot.name] > slot.max_weight)):
                _, old = values.popitem(last=False)
                if weigh is not None:
                    self._weights[slot.name] -= weigh(old)
            self._stale.pop((slot.name, args), None)

    def get(self, slot: Cached[T], args: tuple, wait: float | None) -> T:
        store = self._store()
        assert store is not None
        version = store.version
        with self._lock:
            self._roll(version)
            values = self._values.get(slot.name)
            if values is not None and args in values:
                values.move_to_end(args)
                return values[args]
            stale = self._stale.get((slot.name, args), _MISSING)
            if _COMPUTING.depth and not (slot.stale_ok and slot.background):
                stale = _MISSING  # a value computed from a previous one would be kept as new
            if slot.background or stale is not _MISSING:
                build = self._builds.get((slot.name, args))
                if build is None or build.version != version:
                    build = self._builds[(slot.name, args)] = _Build(version)
                    threading.Thread(target=self._build, args=(slot, args, build),
                                     name=f"kg-cache-{slot.name}", daemon=True).start()
                if stale is not _MISSING and slot.stale_ok and slot.background:
                    return stale  # type: ignore[return-value]
            lock = self._computing.setdefault((slot.name, args), threading.Lock())
        if stale is not _MISSING:
            if build.done.wait(STALE_AFTER if wait is None else min(wait, STALE_AFTER)):
                hit = self._find(slot, args)
                if hit is not _MISSING:
                    return hit  # type: ignore[return-value]
                if build.error is not None:
                    with self._lock:  # the next caller tries again
                        if self._builds.get((slot.name, args)) is build:
                            del self._builds[(slot.name, args)]
            return stale  # type: ignore[return-value]
        if not slot.background:
            with lock:  # one computation per value, whoever asks first; others wait for it
                hit = self._find(slot, args)
                if hit is not _MISSING:
                    return hit  # type: ignore[return-value]
                value = self._compute(slot, args, store)
                self.put(slot, args, value, version)
                return value
        if not build.done.wait(wait):
            raise NotReady(f"the {slot.name} is being built")
        if build.error is not None:
            with self._lock:
                self._builds.pop((slot.name, args), None)  # the next caller tries again
            raise build.error
        hit = self._find(slot, args)
        if hit is _MISSING:
            raise NotReady(f"the {slot.name} is being built")
        return hit  # type: ignore[return-value]

    def _build(self, slot: Cached[Any], args: tuple, build: _Build) -> None:
        store = self._store()
        try:
            if store is None:
                raise NotReady("the store is closed")
            with self._lock:
                lock = self._computing.setdefault((slot.name, args), threading.Lock())
            with lock:  # a caller without a previous value may be computing it already
                if self._find(slot, args) is _MISSING:
                    self.put(slot, args, self._compute(slot, args, store), build.version)
        except BaseException as exc:  # handed to the waiting callers
            log.exception("building the %s failed", slot.name)
            build.error = exc
        finally:
            build.done.set()

    @staticmethod
    def _compute(slot: Cached[T], args: tuple, store: Store) -> T:
        _COMPUTING.depth = _COMPUTING.depth + 1
        try:
            return VersionCaches._compute_value(slot, args, store)
        finally:
            _COMPUTING.depth -= 1

    @staticmethod
    def _compute_value(slot: Cached[T], args: tuple, store: Store) -> T:
        if slot.persist is None:
            return slot.compute(store, *args)
        persist = slot.persist
        path = version_file(store, _file_name(persist, args),
                            lambda out: _write(slot, args, store, out))
        if not _private(path):  # a file others could have written is never read
            with tempfile.TemporaryFile() as scratch:
                _write(slot, args, store, scratch)
                scratch.seek(0)
                return persist.read(scratch)
        with path.open("rb") as handle:
            return persist.read(handle)

    def clear(self) -> None:
        with self._lock:
            self._values, self._weights, self._stale, self._builds = {}, {}, {}, {}

    def drop(self, name: str) -> None:
        with self._lock:
            self._values.pop(name, None)
            self._weights.pop(name, None)
            self._stale = {k: v for k, v in self._stale.items() if k[0] != name}

    def ready(self, name: str) -> bool:
        with self._lock:
            return bool(self._values.get(name))


def _file_name(persist: Persist[Any], args: tuple) -> str:
    """A persisted value's file name: one file per argument tuple, keeping the extension."""
    if not args:
        return persist.filename
    stem, dot, ext = persist.filename.rpartition(".")
    return f"{stem}-{_key(*args)}{dot}{ext}"


def _write(slot: Cached[T], args: tuple, store: Store, out: IO[bytes]) -> None:
    assert slot.persist is not None
    if slot.persist.child and isinstance(store, DiskStore):
        from kg.subprocesses import run_module

        run_module("kg.cache_child", [slot.compute.__module__, slot.name, str(store.path),
                                      store.version, json.dumps(args)], out, what=slot.name)
    else:
        slot.persist.write(slot.compute(store, *args), out)


def _keeps_stale(slot: Cached[Any]) -> bool:
    """Whether a slot's previous value serves while the next one builds: whole-graph values
    (those the warm-up builds, and `stale_ok` ones), not per-entity ones or answers."""
    return slot.stale_ok or slot.warm


_ALL: weakref.WeakKeyDictionary[Store, VersionCaches] = weakref.WeakKeyDictionary()
_ALL_LOCK = threading.Lock()


def caches(store: Store) -> VersionCaches:
    """The caches of `store` (one set per store object, shared by every caller)."""
    with _ALL_LOCK:
        found = _ALL.get(store)
        if found is None:
            found = _ALL[store] = VersionCaches(store)
        return found


def warm(store: Store, args: dict[str, tuple] | None = None) -> None:
    """Build every slot that asks to be warmed (background ones in their own threads, all
    started first), and wait for all of them. `args` gives the arguments of slots that take
    some (e.g. the search index's id space); a failure is logged, not raised: it only costs
    the first visitor the build."""
    args = args or {}
    chosen = [s for s in REGISTRY.values() if s.warm]
    for slot in sorted(chosen, key=lambda s: not s.background):
        try:
            slot.get(store, *args.get(slot.name, ()), wait=0 if slot.background else None)
        except NotReady:
            pass
        except Exception:  # noqa: BLE001
            log.exception("warming the %s failed; it will be built on first use", slot.name)
    for slot in chosen:
        if slot.background:
            with contextlib.suppress(Exception):
                slot.get(store, *args.get(slot.name, ()), wait=None)


# --- per-version files, shared by processes ------------------------------------------------

def _key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def version_dir(store: Store) -> Path:
    """This version's directory under the store's cache directory (created private), as an
    absolute path: files are handed to code that resolves relative paths elsewhere (Flask's
    send_file, against the app's package)."""
    root = store.cache_dir().absolute()
    path = root / _key(store.version)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _private(path: Path) -> bool:
    """Owned by this user, and its directory writable by nobody else."""
    try:
        return (path.stat().st_uid == os.getuid()
                and path.parent.stat().st_mode & 0o022 == 0)
    except OSError:
        return False


def version_file(store: Store, name: str, write: Callable[[IO[bytes]], None]) -> Path:
    """The file `name` of the current version, written once by whichever process asks first
    (the others wait on a lock and read it); the file appears only when whole, and the
    directories of older versions are removed (but the previous version's)."""
    version = store.version
    here = version_dir(store)
    target = here / name
    if target.is_file():
        return target
    with (here / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.is_file():
            return target
        gone = not _same_file(lock, here / ".lock")  # removed while we waited
        if not gone:
            _write_whole(here, name, target, write)
    if gone:
        return version_file(store, name, write)
    if store.version == version:  # a late writer of an older version removes nothing
        others = sorted((d for d in here.parent.iterdir() if d.is_dir() and d != here),
                        key=_mtime)
        for old in others[:-1]:  # the previous version's stay (previous_or_version_file)
            shutil.rmtree(old, ignore_errors=True)
    return target


def _write_whole(here: Path, name: str, target: Path,
                 write: Callable[[IO[bytes]], None]) -> None:
    """`write` into a temporary file in `here`, renamed to `target` when whole."""
    for stale in here.glob(f".{name}.*.part"):  # a writer killed while holding the lock
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=here, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _same_file(handle: IO[str], path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
    except OSError:
        return False


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


_PENDING: dict[tuple[str, str], threading.Thread] = {}  # files being made in the background
_PENDING_LOCK = threading.Lock()


def previous_or_version_file(store: Store, name: str, write: Callable[[IO[bytes]], None],
                             wait: float) -> Path:
    """`version_file`, unless this version's file is not there within `wait` seconds (it is
    being written, or waits behind the version's other files) and the previous version's
    is: then that one, while this version's is made in the background. For large files
    served whole (dumps), which a new version would otherwise hold up for minutes."""
    target = version_dir(store) / name
    if target.is_file():
        return target
    with _PENDING_LOCK:
        key = (store.version, name)
        making = _PENDING.get(key)
        if making is None or not making.is_alive():
            making = _PENDING[key] = threading.Thread(
                target=_make_quietly, args=(store, name, write), name=f"kg-file-{name}",
                daemon=True)
            making.start()
    making.join(wait)
    if target.is_file():
        return target
    here = target.parent
    older = [d / name for d in here.parent.iterdir() if d != here and (d / name).is_file()]
    if not older:
        making.join()
        return version_file(store, name, write)  # written by now (or raises its error)
    return max(older, key=_mtime)


def _make_quietly(store: Store, name: str, write: Callable[[IO[bytes]], None]) -> None:
    try:
        version_file(store, name, write)
    except Exception:  # noqa: BLE001 - the next caller tries again, and sees the error
        log.exception("writing %s failed", name)
    finally:
        with _PENDING_LOCK:
            for key, thread in list(_PENDING.items()):
                if thread is threading.current_thread():
                    del _PENDING[key]
