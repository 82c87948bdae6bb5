"""Per-version values kept in SQLite files that every server worker reads (the graph
projection, the search index, the match index), instead of a copy in each worker.

Why SQLite: the values are large (hundreds of MB as Python objects at 1.3M quads) and read
a little at a time (a node's neighbours, the postings of a few name keys, a few hundred
profiles). In a file, the pages live once, in the OS's page cache, shared by every process;
each worker keeps only a small page cache per connection. SQLite is in the standard library,
indexed lookups cost microseconds, and a file is written whole (kg.cache.version_file) and
then only read.

A database is opened with a few connections at once, which threads take turns on: a file
replaced by a newer version's stays readable through them (a stale value serves on while
the next one is built), and no connection is opened later on a file that may be gone.
"""

from __future__ import annotations

import array
import queue
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

#: Each connection's own page cache, in KiB (the file itself is in the OS page cache).
CONNECTION_PAGES_KIB = 512
#: Connections per open file: requests take turns on them (a lookup takes microseconds).
CONNECTIONS = 6


def write_database(out: IO[bytes], fill: Callable[[sqlite3.Connection], None]) -> None:
    """A new database filled by `fill`, copied to `out` (a version_file being written)."""
    with tempfile.TemporaryDirectory(prefix="kg-db-") as tmp:
        path = Path(tmp) / "db.sqlite"
        db = sqlite3.connect(path)
        try:
            db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
            fill(db)
            db.commit()
            db.execute("ANALYZE")
            db.commit()
        finally:
            db.close()
        with path.open("rb") as data:
            while chunk := data.read(1 << 20):
                out.write(chunk)


class ReadOnlyDatabase:
    """A database file opened read-only for many threads."""

    def __init__(self, path: Path, connections: int = CONNECTIONS) -> None:
        self.path = path
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        for _ in range(connections):
            db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                 check_same_thread=False)
            db.execute(f"PRAGMA cache_size=-{CONNECTION_PAGES_KIB}")
            self._pool.put(db)

    def query(self, sql: str, *args: Any) -> list[tuple]:
        db = self._pool.get()
        try:
            return db.execute(sql, args).fetchall()
        finally:
            self._pool.put(db)

    def value(self, sql: str, *args: Any) -> Any:
        """The first column of the first row, or None."""
        rows = self.query(sql, *args)
        return rows[0][0] if rows else None


class Rows(Sequence[Any]):
    """Item i of a list kept in the file: `make` of the value `sql` selects for i."""

    def __init__(self, db: ReadOnlyDatabase, sql: str, size: int,
                 make: Callable[[Any], Any]) -> None:
        self._db, self._sql, self._size, self._make = db, sql, size, make

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice) or not 0 <= i < self._size:
            raise IndexError(i)
        return self._make(self._db.value(self._sql, i))


class Lookup:
    """A dict-like `get` over a table of the file: `make` of the value `sql` selects for a
    key (the search index's phrases, the match index's numbers and word counts)."""

    def __init__(self, db: ReadOnlyDatabase, sql: str,
                 make: Callable[[Any], Any] = lambda value: value) -> None:
        self._db, self._sql, self._make = db, sql, make

    def get(self, key: Any, default: Any = None) -> Any:
        found = self._db.value(self._sql, key)
        return default if found is None else self._make(found)


def pack(numbers: Iterable[int]) -> bytes:
    """Sorted entity numbers as a compact blob (4 bytes each)."""
    return array.array("I", sorted(numbers)).tobytes()


def unpack(blob: bytes | None) -> array.array:
    found = array.array("I")
    if blob:
        found.frombytes(blob)
    return found
