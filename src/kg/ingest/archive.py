"""Archived tables: each imported file kept by the SHA-256 of its bytes in a folder the store
owns, so a cell's evidence can be checked long after the import.

Where: the `archive` setting if given; else `archive/` inside a store directory; else (a
memory store, a remote store) `archive/` in the store's cache directory, which lives as long
as that machine's temporary files: set `archive` for a remote store you mean to keep.
Files are named `<sha256><suffix>` and written atomically; the same bytes are stored once.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kg.store import DiskStore, Store


def archive_dir(store: Store, setting: str | None) -> Path:
    """The folder archived tables of this store go to."""
    if setting:
        return Path(setting)
    if isinstance(store, DiskStore):
        return store.path / "archive"
    return store.cache_dir() / "archive"


def archived_name(sha256: str, suffix: str) -> str:
    return f"{sha256}{suffix.lower() or '.csv'}"


def archive(folder: Path, name: str, data: bytes) -> Path:
    """Keep `data` as `folder/name` (once; content-addressed, so never overwritten)."""
    target = folder / name
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
