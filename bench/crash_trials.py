"""Crash trials: `kg load`, `kg build` (and `kg import`, once it exists) killed with SIGKILL at
random moments; after each kill the store must open, hold exactly the state before or the
state after the command, let the next writer in at once, and keep no half-written version.

    python bench/crash_trials.py                  # 20 trials of each command
    python bench/crash_trials.py --trials 50 --victims 20000 --seed 7

Each trial copies a store holding a little data (state A), starts the command on it, kills it
after a random delay drawn from the whole run (start-up included: a kill before the write
starts must also leave A), then opens the store, compares its quads with A and with B (the
state the command makes when left to finish, measured once), runs the next writer (a small
`kg load`) and checks it was not blocked and that only the current and the previous
versions remain. Results: a Markdown table on stdout and in bench/results/crash.md.
"""

from __future__ import annotations

import argparse
import hashlib
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
from kg.store import DiskStore

HERE = Path(__file__).resolve().parent
BLANK = re.compile(r"_:[A-Za-z0-9]+")
RESULTS = HERE / "results" / "crash.md"


def kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


def fingerprint(store: Path) -> tuple[int, int, int]:
    """Quads in the full and public views, and an order-free hash of every quad (blank node
    labels left out: each load gives them new ones)."""
    with DiskStore(store) as s:
        total = 0
        for quad in s.quads("full"):
            text = BLANK.sub("_:", str(quad)).encode()
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
    reference = work / f"{name}-reference"
    shutil.copytree(template, reference)
    started = time.monotonic()
    finished = subprocess.run(kg(*args, "--store", str(reference)), capture_output=True,
                              text=True)
    outcome.full_run = time.monotonic() - started
    if finished.returncode != 0:
        raise SystemExit(f"{name} failed when left to finish: {finished.stderr}")
    after = fingerprint(reference)
    shutil.rmtree(reference)
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
        shutil.rmtree(store)
    return outcome


def has_command(name: str) -> bool:
    return subprocess.run(kg(name, "--help"), capture_output=True).returncode == 0


def table(outcomes: list[Outcome], skipped: list[str], args: argparse.Namespace) -> str:
    rows = ["| command | trials | killed before writing / while writing / after the swap / "
            "had finished | store afterwards: before / after / neither | next writer "
            "(median s) | failures |", "|---|---|---|---|---|---|"]
    for o in outcomes:
        waits = sorted(o.next_writer_seconds)
        median = waits[len(waits) // 2] if waits else float("nan")
        phases = " / ".join(str(o.phases[p]) for p in
                            ("before writing", "while writing", "after the swap",
                             "had finished"))
        states = " / ".join(str(o.states[s]) for s in ("before", "after", "neither"))
        rows.append(f"| kg {o.command} ({o.full_run:.1f} s uninterrupted) | {o.trials} | "
                    f"{phases} | {states} | {median:.2f} | {len(o.failures)} |")
    notes = [f"`python bench/crash_trials.py --trials {args.trials} --victims {args.victims} "
             f"--seed {args.seed}`", "", *rows, ""]
    for name in skipped:
        notes.append(f"`kg {name}` skipped: the command does not exist in this checkout yet.")
    notes.append(f"Kill times drawn uniformly over the uninterrupted run (start-up included); "
                 f"`kg load` loads {args.victims:,} synthetic victims into a store holding one "
                 f"triple, `kg build` builds the project over it. The next writer is a "
                 f"one-triple `kg load` (its time is mostly start-up). "
                 f"{platform.machine()}, Python {platform.python_version()}, "
                 f"{time.strftime('%Y-%m-%d %H:%M')}.")
    for o in outcomes:
        notes.extend(f"- {o.command}: {failure}" for failure in o.failures)
    return "\n".join(notes) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--victims", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1988)
    parser.add_argument("--only", default="load,build,import",
                        help="commands to try (default: load,build,import)")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    outcomes, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="kg-crash-") as tmp:
        work = Path(tmp)
        seed_file = work / "seed.nt"
        seed_file.write_text("<urn:crash:a> <urn:crash:p> <urn:crash:b> .\n")
        next_file = work / "next.nt"
        next_file.write_text("<urn:crash:next> <urn:crash:p> <urn:crash:b> .\n")
        data = work / "data.nq.gz"
        synth.write_file(args.victims, data)
        template = work / "template"
        subprocess.run(kg("load", str(seed_file), "--store", str(template), "-q"), check=True,
                       capture_output=True)
        commands = {"load": ["load", str(data), "-q"], "build": ["build", "-q"],
                    "import": None}
        for name in args.only.split(","):
            if name not in commands:
                raise SystemExit(f"unknown command {name!r}")
            if commands[name] is None:
                if not has_command(name):
                    skipped.append(name)
                    print(f"kg {name}: not in this checkout yet, skipped", file=sys.stderr)
                    continue
                raise SystemExit(f"kg {name} exists now: give its trial arguments here")
            print(f"kg {name}: {args.trials} trials ...", file=sys.stderr)
            outcomes.append(run_trials(name, commands[name], template, work, args.trials, rng,
                                       next_file))
    report = table(outcomes, skipped, args)
    print(report)
    if not args.no_save:
        RESULTS.write_text("# Crash trials\n\n" + report)
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
