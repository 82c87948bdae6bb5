"""SHACL validation in a child process with a memory cap, for the server's validation page.

Why a child: pySHACL over a large store holds an in-memory copy of the data and its own
working set (hundreds of MB at a million quads), and a server worker that has grown that
much keeps the memory after the run. In a child the memory is returned when it ends, an
address-space limit (`validation_memory`) makes it fail alone instead of taking the server
down, it runs at a lower CPU priority than the pages, and it dies with the worker that
started it (a parent-death signal). Its report (JSON) goes to stdout.

    python -m kg.validation_child PATH MEMORY_BYTES

PATH is an on-disk partition (opened read-only) or an N-Quads file of the data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.errors import KgError
from kg.validate import Report, Result, validate

#: Exit status of a child that ran out of its memory allowance (MemoryError in Python).
OUT_OF_MEMORY = 3
#: What a process under an address-space limit says when it reaches it: Python's
#: MemoryError, Rust's failed allocation, C++'s, and a thread that could not get a stack
#: (RocksDB; it then aborts).
_OUT_OF_MEMORY_SIGNS = ("MemoryError", "memory allocation", "Cannot allocate memory",
                        "bad_alloc", "Resource temporarily unavailable")
#: Signals someone else sends to stop a process: the run is worth trying again.
_STOPPED = {signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP}


class ValidationFailed(KgError):
    """The validation itself failed (it ran out of its memory allowance, or pySHACL raised):
    running it again on the same data would fail the same way."""


class ValidationStopped(KgError):
    """The child was stopped from outside (killed) before it finished: worth another run."""


def _limit(memory: int) -> None:
    """In the child before exec: its memory cap, a lower priority, death with the parent."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    with contextlib.suppress(OSError):
        os.nice(10)
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run(source: Path, out: IO[bytes], memory: int) -> None:
    """Validate `source` in a child capped at `memory` bytes of address space, its JSON
    report written to `out`. Raises ValidationFailed or ValidationStopped."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.validation_child", str(source), str(memory)],
        stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE, close_fds=True,
        preexec_fn=lambda: _limit(memory))  # noqa: PLW1509 - no threads run in between
    _, err = process.communicate()
    code = process.returncode
    said = err.decode("utf-8", "replace").strip().splitlines()
    last = said[-1] if said else ""
    mb = memory >> 20
    if code == 0:
        return
    if code < 0 and -code in _STOPPED:
        raise ValidationStopped(f"the validation process was stopped ({signal.Signals(-code).name}"
                                ") before it finished")
    if code in (OUT_OF_MEMORY, -signal.SIGABRT) or any(sign in text for text in said
                                                         for sign in _OUT_OF_MEMORY_SIGNS):
        raise ValidationFailed(f"validation needs more than the {mb} MB it may use ({last}); "
                               "raise the validation_memory setting (KG_VALIDATION_MEMORY)")
    what = signal.Signals(-code).name if code < 0 else f"exit status {code}"
    raise ValidationFailed(f"the validation process failed ({what}){': ' + last if last else ''}")


def _main(argv: list[str]) -> int:
    source = Path(argv[0])
    started = time.monotonic()
    try:
        if source.is_dir():
            data = ox.Store.read_only(str(source))
        else:
            data = ox.Store()
            data.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
        report = validate(data)
    except MemoryError:
        print("out of memory", file=sys.stderr)
        return OUT_OF_MEMORY
    except Exception as exc:  # noqa: BLE001 - one line for the parent to show
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    data = json.loads(report.to_json())
    data["seconds"] = time.monotonic() - started
    sys.stdout.write(json.dumps(data, ensure_ascii=False))
    sys.stdout.flush()
    return 0


def report_of(data: dict[str, Any]) -> Report:
    """The report from the JSON a child wrote."""
    fields = {f.name for f in dataclasses.fields(Result)}
    return Report([Result(**{k: v for k, v in r.items() if k in fields})
                   for r in data["results"]])


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
