"""Where `kg load` spends its time: the phases of DiskStore.load, timed in-process.

bench_load.py says how kg compares with `oxigraph load`; this says why, by wrapping the
functions DiskStore.load calls (checkpoint, bulk load, restricted routing, per-graph
report) and timing each in wall and CPU seconds. `--into` loads into a copy of an existing
store, the incremental case where whole-store work shows up most.

    python bench/profile_load.py --victims 100000
    python bench/profile_load.py --victims 1000 --seed 7 --into bench/out/kg-100000
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(times: dict[str, list[float]], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, adding its wall and CPU seconds to times[name] on every call."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, used = time.perf_counter(), cpu()
        try:
            return fn(*args, **kwargs)
        finally:
            spent = times.setdefault(name, [0.0, 0.0])
            spent[0] += time.perf_counter() - wall
            spent[1] += cpu() - used

    return wrapper


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--victims", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=1988)
    parser.add_argument("--into", type=Path, help="existing kg store to copy and load into")
    parser.add_argument("--workdir", type=Path, default=BENCH / "out")
    args = parser.parse_args(argv)

    began, used = time.perf_counter(), cpu()
    import kg.cli  # noqa: F401  (what `kg load` imports, timed as such)
    import kg.store.oxigraph as disk
    from kg.formats import for_path
    from kg.store import DiskStore, LoadSource, default_graph_for
    times: dict[str, list[float]] = {"imports": [time.perf_counter() - began, cpu() - used]}

    from synth import write_file

    args.workdir.mkdir(parents=True, exist_ok=True)
    data = args.workdir / f"profile-{args.victims}-{args.seed}.nq"
    quads = write_file(args.victims, data, args.seed)
    target = args.workdir / "profile-store"
    shutil.rmtree(target, ignore_errors=True)
    if args.into:
        shutil.copytree(args.into, target)

    for name in ("bulk_load_files", "route_restricted", "fill_report"):
        setattr(disk, name, timed(times, name, getattr(disk, name)))
    disk.DiskStore._new_version = timed(  # type: ignore[method-assign]
        times, "checkpoint (_new_version)", disk.DiskStore._new_version)

    wall, used = time.perf_counter(), cpu()
    with DiskStore(target) as store:
        report = store.load([LoadSource(data, for_path(data), default_graph_for(data))])
    total = [time.perf_counter() - wall, cpu() - used]
    phases = {k: v for k, v in times.items() if k != "imports"}
    rest = [total[i] - sum(v[i] for v in phases.values()) for i in (0, 1)]

    print(f"{quads:,} quads loaded{' into a copy of ' + str(args.into) if args.into else ''}; "
          f"public view now {report.quads:,} quads; {report.restricted_quads:,} routed to the "
          "restricted partition by this load")
    print("| phase | wall s | CPU s | share of load wall |\n|---|---|---|---|")
    print(f"| imports (before the load) | {times['imports'][0]:.2f} | {times['imports'][1]:.2f} "
          "| – |")
    for name, (w, c) in [*phases.items(), ("rest: open, flush, pointer swap", rest)]:
        print(f"| {name} | {w:.2f} | {c:.2f} | {w / total[0]:.0%} |")
    print(f"| **load total** | {total[0]:.2f} | {total[1]:.2f} | 100% |")
    data.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
