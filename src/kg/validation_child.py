"""SHACL validation for the server's validation page, run in a child process (kg.subprocesses:
a memory cap, a lower priority, death with its worker); its JSON report goes to stdout.

    python -m kg.validation_child PATH

PATH is an on-disk partition (opened read-only) or an N-Quads file of the data.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.subprocesses import OUT_OF_MEMORY, run_module
from kg.validation_report import Report, Result


def run(source: Path, out: IO[bytes], memory: int) -> None:
    """Validate `source` in a child capped at `memory` bytes of address space, its JSON
    report written to `out`. Raises kg.subprocesses.ChildFailed or ChildStopped."""
    run_module("kg.validation_child", [str(source)], out, what="validation", memory=memory,
               setting="validation_memory")


#: Fields whose values repeat across results (rules, their messages): stored once.
_REPEATED = ("shape", "constraint", "severity", "message", "path", "source_constraint", "graph")


def report_of(data: dict[str, Any]) -> Report:
    """The report from the JSON a child wrote (a large store has tens of thousands of
    results, mostly repeating a few rules' words: those strings are kept once)."""
    fields = {f.name for f in dataclasses.fields(Result)}
    results = []
    for r in data["results"]:
        row = {k: v for k, v in r.items() if k in fields}
        for k in _REPEATED:
            if isinstance(row.get(k), str):
                row[k] = sys.intern(row[k])
        results.append(Result(**row))
    return Report(results)


def _main(argv: list[str]) -> int:
    from kg.validate import validate  # pySHACL: in the child only

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
        print("MemoryError: out of memory", file=sys.stderr)
        return OUT_OF_MEMORY
    except Exception as exc:  # noqa: BLE001 - one line for the parent to show
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    result = json.loads(report.to_json())
    result["seconds"] = time.monotonic() - started
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
