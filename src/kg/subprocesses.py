"""Heavy per-version work a server worker hands to a child process (SHACL validation, the
graph projection), and how its end is read.

Why children: such work needs hundreds of MB for a minute or more at a million quads, and a
worker process that has grown that much keeps the memory after the work is done (CPython
returns little of it). A child returns it all when it ends, can be capped (an address-space
limit: it fails alone instead of taking the server down), runs at a lower CPU priority than
the pages, and dies with the worker that started it (a parent-death signal). Its result is
what it writes to stdout (a per-version file, via kg.cache.version_file).
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
from typing import IO

from kg.errors import KgError

#: Exit status of a child that ran out of its memory allowance (MemoryError in Python).
OUT_OF_MEMORY = 3
#: Exit status of a child whose store moved to a new version before it finished.
MOVED = 4
#: What a process under an address-space limit says when it reaches it: Python's
#: MemoryError, Rust's failed allocation, C++'s, and a thread that could not get a stack
#: (RocksDB; it then aborts).
_OUT_OF_MEMORY_SIGNS = ("MemoryError", "memory allocation", "Cannot allocate memory",
                        "bad_alloc", "Resource temporarily unavailable")
#: Signals someone else sends to stop a process: the run is worth trying again.
_STOPPED = {signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP}


class ChildFailed(KgError):
    """The work itself failed (out of its memory allowance, or an error): running it again
    on the same data would fail the same way."""


class ChildStopped(KgError):
    """The child was stopped from outside (killed), or its store moved on, before it
    finished: worth another run."""


def _limit(memory: int | None) -> None:
    """In the child before exec: its memory cap, a lower priority, death with the parent."""
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    with contextlib.suppress(OSError):
        os.nice(10)
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_module(module: str, args: list[str], out: IO[bytes], *, what: str,
               memory: int | None = None, setting: str | None = None) -> None:
    """`python -m module args` with stdout to `out`; `what` names the work in messages and
    `setting` the setting that raises `memory`. Raises ChildFailed or ChildStopped."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args], stdin=subprocess.DEVNULL, stdout=out,
        stderr=subprocess.PIPE, close_fds=True,
        preexec_fn=lambda: _limit(memory))  # noqa: PLW1509 - nothing runs in between
    _, err = process.communicate()
    code = process.returncode
    said = err.decode("utf-8", "replace").strip().splitlines()
    last = said[-1] if said else ""
    if code == 0:
        return
    if code == MOVED:
        raise ChildStopped(f"the store changed while the {what} was being made")
    if code < 0 and -code in _STOPPED:
        raise ChildStopped(f"the {what} process was stopped ({signal.Signals(-code).name}) "
                           "before it finished")
    if memory and (code in (OUT_OF_MEMORY, -signal.SIGABRT) or any(
            sign in text for text in said for sign in _OUT_OF_MEMORY_SIGNS)):
        fix = f"; raise the {setting} setting (KG_{setting.upper()})" if setting else ""
        raise ChildFailed(f"the {what} needs more than the {memory >> 20} MB it may use "
                          f"({last}){fix}")
    status = signal.Signals(-code).name if code < 0 else f"exit status {code}"
    raise ChildFailed(f"the {what} process failed ({status}){': ' + last if last else ''}")
