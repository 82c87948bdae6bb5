"""Bulk-load benchmark: `kg load` against `oxigraph load`, raw pyoxigraph and rdflib.

`kg load` adds versioning, restricted routing and a per-graph report on top of pyoxigraph's
bulk loader; this measures what that costs next to the tools it builds on, in the same run,
on the same synthetic file (bench/synth.py). Each tool runs as its own fresh subprocess
into a fresh directory; wall time is measured around the process, peak RSS comes from
`wait4` (the child and anything it waited for). Goal: kg within 1.2x of `oxigraph load`.

    python bench/bench_load.py                       # 50k and 100k victims
    python bench/bench_load.py --quick               # 5k victims, one repetition
    python bench/bench_load.py --sizes 20000 --reps 5 --no-rdflib
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kg.query.child import oxigraph_binary  # noqa: E402
from synth import write_file  # noqa: E402  (bench/ is a directory of scripts, not a package)

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


@dataclass
class Run:
    """One measured process: wall seconds, CPU seconds (user + system) and peak RSS in MB.

    CPU time is kept beside wall time because the machine may be shared: contention
    stretches wall time but barely changes the CPU a load needs.
    """

    seconds: float
    cpu: float
    rss_mb: float


@dataclass
class Result:
    """All runs of one tool at one size."""

    tool: str
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss_mb(self) -> float:
        return statistics.median(r.rss_mb for r in self.runs)

    @property
    def best(self) -> float:
        return min(r.seconds for r in self.runs)

    def spread(self) -> str:
        times = sorted(r.seconds for r in self.runs)
        return f"{times[0]:.2f}–{times[-1]:.2f}" if len(times) > 1 else f"{times[0]:.2f}"


def synthetic_store(work: Path, victims: int) -> Path:
    """`kg build` + `victims` synthetic victims loaded and compacted, in `work` (made once
    and reused): the base store the import and validation benchmarks start from."""
    kg = str(BIN / "kg")
    synth = work / f"synth-{victims}.nq.gz"
    if not synth.exists():
        write_file(victims, synth)
    base = work / f"base-{victims}"
    if not (base / "kg-store.json").exists():
        subprocess.run([kg, "build", "--store", str(base), "-q"], check=True)
        subprocess.run([kg, "load", str(synth), "--store", str(base), "--compact", "-q"],
                       check=True)
    return base


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to completion; wall time and the child's own peak RSS (ru_maxrss, KiB)."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): "
                           f"{err.decode(errors='replace')[-2000:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


RDFLIB_SCRIPT = """
import sys
from rdflib import Dataset
d = Dataset()
d.parse(sys.argv[1], format="nquads")
print(len(d))
"""

PYOX_SCRIPT = """
import sys
import pyoxigraph as ox
s = ox.Store(sys.argv[2])
s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
s.flush()
print(len(s))
"""


def tools(include_rdflib: bool) -> dict[str, Callable[[Path, Path], list[str]]]:
    """Command line of each tool, given the data file and a fresh target directory."""
    found = {
        "kg load": lambda f, d: [str(BIN / "kg"), "load", str(f), "--store", str(d), "-q"],
        "oxigraph load": lambda f, d: [oxigraph_binary(), "load", "--location", str(d),
                                       "--file", str(f)],
        "pyoxigraph bulk_load": lambda f, d: [sys.executable, "-c", PYOX_SCRIPT, str(f),
                                              str(d)],
    }
    if include_rdflib:
        found["rdflib Dataset.parse"] = lambda f, d: [sys.executable, "-c", RDFLIB_SCRIPT,
                                                      str(f)]
    return found


def check_counts(kg_dir: Path, ox_dir: Path, quads: int) -> None:
    """The three stores hold what was generated: a fast benchmark of a wrong load is no use."""
    import json

    import pyoxigraph as ox

    current = json.loads((kg_dir / "kg-store.json").read_text())["current"]
    public = len(ox.Store.read_only(str(kg_dir / current / "public")))
    restricted = len(ox.Store.read_only(str(kg_dir / current / "restricted")))
    oxigraph = len(ox.Store.read_only(str(ox_dir)))
    if public + restricted != quads or oxigraph != quads or restricted == 0:
        raise RuntimeError(f"count mismatch: generated {quads}, kg public {public} + "
                           f"restricted {restricted}, oxigraph {oxigraph}")


def bench_size(victims: int, reps: int, include_rdflib: bool, workdir: Path,
               seed: int) -> tuple[int, float, dict[str, Result]]:
    """Generate the file once, then alternate the tools `reps` times (rdflib once: slow)."""
    data = workdir / f"synth-{victims}.nq"
    quads = write_file(victims, data, seed)
    size_mb = data.stat().st_size / 1e6
    print(f"\n{victims} victims: {quads} quads, {size_mb:.0f} MB N-Quads", file=sys.stderr)
    commands = tools(include_rdflib)
    results = {name: Result(name) for name in commands}
    for rep in range(reps):
        order = list(commands) if rep % 2 == 0 else list(reversed(commands))
        for name in order:
            if name.startswith("rdflib") and rep > 0:
                continue
            target = workdir / f"target-{name.split()[0]}"
            shutil.rmtree(target, ignore_errors=True)
            run = measure(commands[name](data, target))
            results[name].runs.append(run)
            print(f"  {name:22} {run.seconds:7.2f} s wall {run.cpu:7.2f} s CPU "
                  f"{run.rss_mb:7.0f} MB", file=sys.stderr)
        if rep == 0:
            check_counts(workdir / "target-kg", workdir / "target-oxigraph", quads)
    # Adding one more source file to the store just built: what editors do every day.
    extra = workdir / "synth-extra.nq"
    write_file(max(100, victims // 100), extra, seed + 1)
    for name in ("kg load", "oxigraph load"):
        run = measure(commands[name](extra, workdir / f"target-{name.split()[0]}"))
        results[f"{name} +1%"] = Result(f"{name} +1%", [run])
        print(f"  {name + ' +1%':22} {run.seconds:7.2f} s wall {run.cpu:7.2f} s CPU "
              f"{run.rss_mb:7.0f} MB", file=sys.stderr)
    extra.unlink()
    for name in commands:
        shutil.rmtree(workdir / f"target-{name.split()[0]}", ignore_errors=True)
    data.unlink()
    return quads, size_mb, results


def table(rows: list[tuple[int, int, float, dict[str, Result]]], reps: int,
          load: tuple[float, float]) -> str:
    """Markdown: wall, CPU and RSS medians per tool, then the ratios the goal is stated in."""
    names = list(rows[0][3])  # the tools, then the two '+1%' incremental loads
    lines = ["| victims | quads | tool | wall s (range) | CPU s | peak RSS MB |",
             "|---|---|---|---|---|---|"]
    for victims, quads, mb, res in rows:
        for n in names:
            r = res[n]
            lines.append(f"| {victims:,} | {quads:,} ({mb:.0f} MB) | {n} | {r.seconds:.2f} "
                         f"({r.spread()}) | {r.cpu:.2f} | {r.rss_mb:.0f} |")
    lines += ["", "| victims | kg/oxigraph wall (median) | (best) | kg/oxigraph CPU "
              "| kg/oxigraph RSS | kg/pyoxigraph wall | +1% into the store: kg/oxigraph wall "
              "| rdflib/kg wall | rdflib/kg RSS |", "|---|---|---|---|---|---|---|---|---|"]
    for victims, _, _, res in rows:
        kg, ox_, py = res["kg load"], res["oxigraph load"], res["pyoxigraph bulk_load"]
        rd = res.get("rdflib Dataset.parse")
        inc = res["kg load +1%"].seconds / res["oxigraph load +1%"].seconds
        lines.append(
            f"| {victims:,} | **{kg.seconds / ox_.seconds:.2f}x** | {kg.best / ox_.best:.2f}x "
            f"| {kg.cpu / ox_.cpu:.2f}x | {kg.rss_mb / ox_.rss_mb:.2f}x "
            f"| {kg.seconds / py.seconds:.2f}x | {inc:.2f}x | "
            + (f"{rd.seconds / kg.seconds:.1f}x | {rd.rss_mb / kg.rss_mb:.1f}x |" if rd
               else "– | – |"))
    cpu = platform.processor() or platform.machine()
    lines += ["", f"Medians of {reps} runs (rdflib and '+1%': 1 run), each a fresh process into "
              "a fresh directory ('+1%': 1% more victims, another seed, loaded into the store "
              f"just built), tools alternated; {os.cpu_count()} CPUs ({cpu}), Python "
              f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}; 1-minute load "
              f"average {load[0]:.1f} before, {load[1]:.1f} after (other work on the machine "
              "stretches wall time, not CPU time)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50000,100000",
                        help="victim counts, comma-separated (50k ≈ 0.65M quads)")
    parser.add_argument("--quick", action="store_true", help="5,000 victims, one repetition")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (rdflib runs once)")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib (slowest)")
    parser.add_argument("--seed", type=int, default=1988)
    parser.add_argument("--workdir", type=Path, default=BENCH / "out",
                        help="scratch space for data files and stores")
    parser.add_argument("--output", type=Path, default=BENCH / "results" / "load.md",
                        help="where the Markdown table goes ('-' for nowhere)")
    args = parser.parse_args(argv)
    sizes = [5000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    reps = 1 if args.quick else args.reps
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    load_before = os.getloadavg()[0]
    for victims in sizes:
        quads, mb, results = bench_size(victims, reps, not args.no_rdflib, args.workdir,
                                        args.seed)
        rows.append((victims, quads, mb, results))
    text = table(rows, reps, (load_before, os.getloadavg()[0]))
    print(text)
    if str(args.output) != "-":
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text("# kg load benchmark\n\n`python bench/bench_load.py "
                               + " ".join(argv if argv is not None else sys.argv[1:])
                               + "`\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
