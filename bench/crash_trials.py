"""Crash trials: `kg load`, `kg build` and `kg import` killed with SIGKILL at random moments;
after each kill the store must open, hold exactly the state before or the state after the
command, let the next writer in at once, and keep no half-written version.

    python bench/crash_trials.py                  # 20 trials of each command
    python bench/crash_trials.py --trials 50 --victims 20000 --seed 7 --only import

Each trial copies a store holding a little data (state A), starts the command on it, kills it
after a random delay drawn from the whole run (start-up included: a kill before the write
starts must also leave A), then opens the store, compares its quads with A and with B (the
state the command makes when left to finish, measured once), runs the next writer (a small
`kg load`) and checks it was not blocked and that only the current and the previous
versions remain. `kg load` and `kg build` start from a store holding one triple; `kg import`
(a `--rows` invented victim list, bench/bench_import.py's, with the bundled template) from a
built store holding `--import-victims` synthetic victims, whose prisons and organisations the
list names. The import log's run IRI and times differ from run to run, so they are masked
before states are compared. Results: Markdown on stdout; in bench/results/crash.md one
section per command, replacing only the sections of the commands run.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import synth
from bench_import import META, victim_list
from kg.store import DiskStore

HERE = Path(__file__).resolve().parent
BLANK = re.compile(r"_:[A-Za-z0-9]+")
#: What differs between two runs of the same import: the run's IRI and its times.
IMPORT_RUN = re.compile(r"/id/import/[^>]+>")
TIMESTAMP = re.compile(r'"[^"]*"\^\^<http://www\.w3\.org/2001/XMLSchema#dateTime>')
IMPORTS_GRAPH = "<https://kg.example.org/graph/imports>"
RESULTS = HERE / "results" / "crash.md"


def kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


def fingerprint(store: Path) -> tuple[int, int, int]:
    """Quads in the full and public views, and an order-free hash of every quad (blank node
    labels left out: each load gives them new ones)."""
    with DiskStore(store) as s:
        total = 0
        for quad in s.quads("full"):
            line = BLANK.sub("_:", str(quad))
            if line.endswith(IMPORTS_GRAPH):
                line = TIMESTAMP.sub('"time"', IMPORT_RUN.sub("/id/import/run>", line))
            text = line.encode()
            total += int.from_bytes(hashlib.blake2b(text, digest_size=16).digest(), "big")
        return s.count("full"), s.count("public"), total % (1 << 128)


def versions(store: Path) -> list[str]:
    return sorted(p.name for p in store.glob("v[0-9]*") if p.is_dir())


@dataclass
class Outcome:
    """What the trials of one command found."""

    command: str
    trials: int = 0
    phases: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    next_writer_seconds: list[float] = field(default_factory=list)
    full_run: float = 0.0


def run_trials(name: str, args: list[str], template: Path, work: Path, trials: int,
               rng: random.Random, next_file: Path) -> Outcome:
    outcome = Outcome(name)
    before = fingerprint(template)
    afters = []
    for run in range(2):  # twice: the state after must not depend on the run
        reference = work / f"{name}-reference"
        shutil.copytree(template, reference)
        started = time.monotonic()
        finished = subprocess.run(kg(*args, "--store", str(reference)), capture_output=True,
                                  text=True)
        outcome.full_run = time.monotonic() - started if run == 0 else outcome.full_run
        if finished.returncode != 0:
            raise SystemExit(f"{name} failed when left to finish: {finished.stderr}")
        afters.append(fingerprint(reference))
        shutil.rmtree(reference)
    after = afters[0]
    if afters[1] != after or after == before:
        raise SystemExit(f"{name}: two uninterrupted runs gave {afters}, before {before}: "
                         "states cannot be told apart")
    for trial in range(trials):
        store = work / f"{name}-{trial}"
        shutil.copytree(template, store)
        delay = rng.uniform(0, outcome.full_run)
        process = subprocess.Popen(kg(*args, "--store", str(store)),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        pointer = (store / "kg-store.json").read_text()
        listing = versions(store)
        process.send_signal(signal.SIGKILL)
        code = process.wait()
        if code != -signal.SIGKILL:
            phase = "had finished"
        elif (store / "kg-store.json").read_text() != pointer:
            phase = "after the swap"
        elif len(listing) > len(versions(template)) or (store / ".lock").stat().st_size:
            phase = "while writing"
        else:
            phase = "before writing"
        outcome.phases[phase] += 1
        outcome.trials += 1
        try:
            now = fingerprint(store)
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            outcome.failures.append(f"trial {trial} ({delay:.2f} s): store did not open: {exc}")
            continue
        state = "before" if now == before else "after" if now == after else "neither"
        outcome.states[state] += 1
        if state == "neither":
            outcome.failures.append(f"trial {trial} ({delay:.2f} s): {now} is neither "
                                    f"{before} nor {after}")
        started = time.monotonic()
        nxt = subprocess.run(kg("load", str(next_file), "--store", str(store), "-q"),
                             capture_output=True, text=True)
        outcome.next_writer_seconds.append(time.monotonic() - started)
        if nxt.returncode != 0:
            outcome.failures.append(f"trial {trial}: the next writer failed: {nxt.stderr}")
        left = versions(store)
        if len(left) > 2 or (store / "kg-store.json.tmp").exists():
            outcome.failures.append(f"trial {trial}: left behind {left}")
        for kept in (store / "archive").glob("*"):
            # An archived table is whole (named by its SHA-256) or not there at all.
            if hashlib.sha256(kept.read_bytes()).hexdigest() != kept.name.split(".")[0]:
                outcome.failures.append(f"trial {trial}: archive holds {kept.name}")
        shutil.rmtree(store)
    return outcome


def section(o: Outcome, args: argparse.Namespace) -> str:
    """One command's section of the results: its table row, conditions and failures."""
    waits = sorted(o.next_writer_seconds)
    median = waits[len(waits) // 2] if waits else float("nan")
    phases = " / ".join(str(o.phases[p]) for p in
                        ("before writing", "while writing", "after the swap", "had finished"))
    states = " / ".join(str(o.states[s]) for s in ("before", "after", "neither"))
    what = {"load": f"loads {args.victims:,} synthetic victims into a store holding one triple",
            "build": "builds the project over a store holding one triple",
            "import": f"imports a {args.rows:,}-row invented victim list (bundled template) "
                      f"into a built store holding {args.import_victims:,} synthetic victims"}
    lines = [f"## kg {o.command}", "",
             f"`python bench/crash_trials.py --only {o.command} --trials {args.trials} "
             f"--victims {args.victims} --import-victims {args.import_victims} --rows "
             f"{args.rows} --seed {args.seed}`", "",
             "| command | trials | killed before writing / while writing / after the swap / "
             "had finished | store afterwards: before / after / neither | next writer "
             "(median s) | failures |", "|---|---|---|---|---|---|",
             f"| kg {o.command} ({o.full_run:.1f} s uninterrupted) | {o.trials} | {phases} | "
             f"{states} | {median:.2f} | {len(o.failures)} |", "",
             f"`kg {o.command}` {what[o.command]}. Kill times drawn uniformly over the "
             f"uninterrupted run (start-up included). The next writer is a one-triple `kg load` "
             f"(its time is mostly start-up). {platform.machine()}, Python "
             f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}, 1-minute load "
             f"average {os.getloadavg()[0]:.1f} at the end.", ""]
    lines.extend(f"- {failure}" for failure in o.failures)
    return "\n".join(lines).rstrip() + "\n"


def merge_results(old: str, sections: dict[str, str]) -> str:
    """The results file with the sections of the commands just run replaced (or added), the
    others kept, in the order load, build, import."""
    kept = {}
    for part in re.split(r"(?m)^(?=## kg )", old):
        match = re.match(r"## kg (\w+)", part)
        if match:
            kept[match.group(1)] = part.rstrip() + "\n"
    kept.update(sections)
    order = [c for c in ("load", "build", "import") if c in kept]
    return "# Crash trials\n\n" + "\n".join(kept[c] for c in order)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--victims", type=int, default=10_000,
                        help="synthetic victims `kg load` loads (default 10,000)")
    parser.add_argument("--import-victims", type=int, default=2_000,
                        help="synthetic victims in the store `kg import` writes to")
    parser.add_argument("--rows", type=int, default=100, help="rows of the imported list")
    parser.add_argument("--seed", type=int, default=1988)
    parser.add_argument("--only", default="load,build,import",
                        help="commands to try (default: load,build,import)")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="kg-crash-") as tmp:
        work = Path(tmp)
        seed_file = work / "seed.nt"
        seed_file.write_text("<urn:crash:a> <urn:crash:p> <urn:crash:b> .\n")
        next_file = work / "next.nt"
        next_file.write_text("<urn:crash:next> <urn:crash:p> <urn:crash:b> .\n")
        template = work / "template"
        subprocess.run(kg("load", str(seed_file), "--store", str(template), "-q"), check=True,
                       capture_output=True)
        for name in args.only.split(","):
            if name not in ("load", "build", "import"):
                raise SystemExit(f"unknown command {name!r}")
            print(f"kg {name}: {args.trials} trials ...", file=sys.stderr)
            start = template
            if name == "load":
                data = work / "data.nq.gz"
                synth.write_file(args.victims, data)
                command = ["load", str(data), "-q"]
            elif name == "build":
                command = ["build", "-q"]
            else:
                start = work / "built"
                data = work / "import-base.nq.gz"
                synth.write_file(args.import_victims, data)
                subprocess.run(kg("build", "--store", str(start), "-q"), check=True,
                               capture_output=True)
                subprocess.run(kg("load", str(data), "--store", str(start), "-q"), check=True,
                               capture_output=True)
                table = work / "list.csv"
                victim_list(table, args.rows)
                command = ["import", str(table), "--template", "victims", *META]
            outcomes.append(run_trials(name, command, start, work, args.trials, rng, next_file))
    sections = {o.command: section(o, args) for o in outcomes}
    print("\n".join(sections.values()))
    if not args.no_save:
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        RESULTS.write_text(merge_results(old, sections), encoding="utf-8")
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
