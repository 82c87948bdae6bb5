"""What hostile files cost with and without kg.guard, and what the guard costs on an ordinary
large file.

    python bench/bench_guard.py                      # all hostile files, 50k-victim dump
    python bench/bench_guard.py --victims 100000 --memory-gb 4 --timeout 60

Unguarded: pyoxigraph's `Store.bulk_load` on the file in a child process with an address-space
limit (`--memory-gb`, as a small server would have) and a time limit. Guarded: `kg load` on
the same file. Both report exit, wall time and the child's own peak RSS (`os.wait4`). Then
the guard's scan of a synthetic dump against pyoxigraph's load of it, in one process each.
Results: stdout and bench/results/guard.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hostile
import synth

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "guard.md"

UNGUARDED = """
import sys, pyoxigraph as ox
from kg.formats import for_path, open_maybe_gzip
from pathlib import Path
path = Path(sys.argv[1])
with open_maybe_gzip(path) as stream:
    ox.Store(sys.argv[2]).bulk_load(stream, for_path(path).ox, to_graph=ox.NamedNode("urn:g"))
"""


def make_files(directory: Path) -> dict[str, Path]:
    w = hostile.write
    return {
        "billion laughs (RDF/XML, 9 levels)": w(directory / "laughs.rdf", hostile.laughs()),
        "gzip bomb (1 GiB of newlines)": hostile.gzip_bomb(directory / "bomb.nt.gz"),
        "one 300 MB line (N-Triples)": hostile.long_line(directory / "line.nt", 300 << 20),
        "Turtle collections 1,000,000 deep": w(directory / "coll.ttl",
                                               hostile.deep_collection(1_000_000)),
        "TriG blank nodes 100,000 deep": w(directory / "bnodes.trig",
                                           hostile.deep_blank_nodes(100_000)),
        "N-Triples triple terms 100,000 deep": w(directory / "terms.nt",
                                                 hostile.deep_triple_terms(100_000)),
        "JSON-LD objects 4,000 deep": w(directory / "deep.jsonld", hostile.deep_json(4000)),
        "RDF/XML elements 30,000 deep": w(directory / "deep.rdf", hostile.deep_xml(30_000)),
        "JSON-LD remote @context": w(directory / "remote.jsonld",
                                     '{"@context": "https://schema.org/", "@id": "urn:a"}'),
    }


def measure(command: list[str], memory_gb: float | None, timeout: float) -> dict[str, object]:
    def limit() -> None:
        if memory_gb:
            size = int(memory_gb * (1 << 30))
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=limit)  # noqa: PLW1509
    timed_out = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > timeout:
            process.send_signal(signal.SIGKILL)
            timed_out = True
            _, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.stderr is not None
    err = process.stderr.read().decode("utf-8", "replace").strip().splitlines()
    process.stderr.close()
    if timed_out:
        outcome = f"still running after {timeout:g} s (killed)"
    elif process.returncode < 0:
        outcome = f"crashed ({signal.Signals(-process.returncode).name})"
    elif process.returncode:
        outcome = "error: " + (err[-1] if err else "?")[:110]
    else:
        outcome = "loaded"
    return {"outcome": outcome, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "rss": usage.ru_maxrss / 1024}


def guard_cost(victims: int, directory: Path) -> str:
    dump = directory / f"synth-{victims}.nq.gz"
    synth.write_file(victims, dump)
    scan = (f"import time; from pathlib import Path; from kg.guard import check_rdf, Limits; "
            f"from kg.formats import for_path; p = Path({str(dump)!r}); t = time.monotonic(); "
            f"check_rdf(p, for_path(p), Limits()); print(time.monotonic() - t)")
    load = (f"import time, pyoxigraph as ox; from kg.formats import open_maybe_gzip; "
            f"from pathlib import Path; t = time.monotonic(); "
            f"ox.Store({str(directory / 'cost-store')!r}).bulk_load("
            f"open_maybe_gzip(Path({str(dump)!r})), ox.RdfFormat.N_QUADS); "
            f"print(time.monotonic() - t)")
    scans, loads = [], []
    for _ in range(3):
        scans.append(float(subprocess.run([sys.executable, "-c", scan], check=True,
                                          capture_output=True, text=True).stdout))
        loads.append(float(subprocess.run([sys.executable, "-c", load], check=True,
                                          capture_output=True, text=True).stdout))
        subprocess.run(["rm", "-rf", str(directory / "cost-store")], check=True)
    scan_s, load_s = sorted(scans)[1], sorted(loads)[1]
    return (f"Guard on an ordinary file: scanning {dump.name} ({dump.stat().st_size >> 20} MB "
            f"packed) took {scan_s:.2f} s, pyoxigraph's bulk load of it {load_s:.2f} s "
            f"(medians of 3): the guard adds **{scan_s / load_s:.0%}** to a load.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--victims", type=int, default=50_000)
    parser.add_argument("--memory-gb", type=float, default=4.0)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    rows = ["| input | size | unguarded pyoxigraph: outcome | wall s | peak RSS MB | "
            "kg load: outcome | CPU s | wall s | peak RSS MB |", "|---|---|---|---|---|---|---|"
            "---|---|"]
    with tempfile.TemporaryDirectory(prefix="kg-guard-") as tmp:
        directory = Path(tmp)
        startup = measure([sys.executable, "-m", "kg", "load", "missing.nt", "--store",
                           str(directory / "s0")], None, args.timeout)
        for label, path in make_files(directory).items():
            print(label, "...", file=sys.stderr)
            bare = measure([sys.executable, "-c", UNGUARDED, str(path),
                            str(directory / "bare")], args.memory_gb, args.timeout)
            subprocess.run(["rm", "-rf", str(directory / "bare")], check=True)
            kg = measure([sys.executable, "-m", "kg", "load", str(path), "--store",
                          str(directory / "store")], None, args.timeout)
            size = path.stat().st_size
            shown = f"{size / (1 << 20):.1f} MB" if size >= 1 << 20 else f"{size} B"
            kg_outcome = str(kg["outcome"]).replace(str(path), path.name)
            kg_outcome = kg_outcome.split(" — ")[0].replace("error: Error: ", "refused: ")
            rows.append(f"| {label} | {shown} | {bare['outcome']} | {bare['wall']:.1f} | "
                        f"{bare['rss']:.0f} | {kg_outcome} | {kg['cpu']:.2f} | "
                        f"{kg['wall']:.2f} | {kg['rss']:.0f} |")
            path.unlink()
        cost = guard_cost(args.victims, directory)
    report = "\n".join([
        f"`python bench/bench_guard.py --victims {args.victims} --memory-gb {args.memory_gb:g} "
        f"--timeout {args.timeout:g}`", "", *rows, "",
        f"kg load's own start-up (refusing a missing file): {startup['cpu']:.2f} s CPU, "
        f"{startup['wall']:.2f} s wall, {startup['rss']:.0f} MB; the refusals above include "
        f"it. Unguarded runs had {args.memory_gb:g} GB of address space and "
        f"{args.timeout:g} s. Peak RSS is the child's `ru_maxrss`, which Linux starts at "
        "the size of the process that forked it (this script, about 30 MB).", "", cost, "",
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}; 1-minute load average {os.getloadavg()[0]:.1f} "
        "(other work on the machine stretches wall times, not CPU times)."])
    print(report)
    if not args.no_save:
        RESULTS.write_text("# Hostile input: kg.guard\n\n" + report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
