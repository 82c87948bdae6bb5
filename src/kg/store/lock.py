"""The write lock of an on-disk store: one writer at a time, named to whoever is refused.

An advisory `flock` on `<store>/.lock`: the kernel drops it when its holder ends, however it
ends (kill -9 included), so a writer that died never blocks the next one and there is no
stale lock to break by hand. The holder writes who it is (pid, host, command, start time)
into the file, so a refused writer can say what it is waiting for.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

from kg.store.base import StoreError, StoreLockedError

LOCK = ".lock"


def holder(path: Path) -> str:
    """Who holds the lock of the store at `path`, as its record says."""
    try:
        record = json.loads((path / LOCK).read_text() or "{}")
    except (OSError, ValueError):
        record = {}
    if not record:
        return "another kg process"
    return (f"pid {record.get('pid')} on {record.get('host')} ({record.get('command')}, "
            f"since {record.get('started')})")


@contextlib.contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Hold the store's write lock, or raise StoreLockedError naming its holder."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write to the store ({exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreLockedError(
                f"{path}: the store is locked by {holder(path)}, which is writing to it; run "
                "this again when it has finished (a writer that dies releases the lock)"
            ) from None
        record = {"pid": os.getpid(), "host": socket.gethostname(),
                  "command": " ".join([os.path.basename(sys.argv[0]), *sys.argv[1:]])[:200],
                  "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}
        with contextlib.suppress(OSError):  # a full disk must not stop the writer it frees
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record).encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)
