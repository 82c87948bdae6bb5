"""Full-validation benchmark: `kg validate` (shapes compiled to SPARQL, run by Oxigraph) on the
1.3M-quad synthetic store, against pySHACL on an rdflib graph of the same data, same run.

The store is `kg build` plus `kg load --compact` of bench/synth.py's data (the import
benchmark's base store is reused when given the same --workdir). pySHACL gets what kg's
validation sees: the union of every graph but the shapes graph, parsed into one rdflib
Graph (parse time reported apart), with the project's shapes, inference off, SHACL-AF on.
Each side is its own process; peak RSS from wait4. Goal: kg validate within 60 s.

    python bench/bench_validate.py                   # 100k victims (~1.3M quads)
    python bench/bench_validate.py --victims 10000 --no-pyshacl
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import Run, measure, synthetic_store  # noqa: E402  (bench/ is a directory of scripts)

BENCH = Path(__file__).resolve().parent
KG = str(Path(sys.executable).parent / "kg")

PYSHACL = """
import sys, time
import pyoxigraph as ox
import rdflib
from pyshacl import validate
from kg.config import PROJECT_DIR
import json
version = sys.argv[1] + "/" + json.load(open(sys.argv[1] + "/kg-store.json"))["current"]
stores = [ox.Store.read_only(version + "/public"), ox.Store.read_only(version + "/restricted")]
shapes = rdflib.Graph()
for p in sorted((PROJECT_DIR / "shapes").glob("*.ttl")):
    shapes.parse(p)
t = time.perf_counter()
data = rdflib.Graph()
skip = ox.NamedNode("https://kg.example.org/graph/shapes")
nt = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for store in stores
                   for q in store if q.graph_name != skip), format=ox.RdfFormat.N_TRIPLES)
data.parse(data=nt.decode(), format="nt")
parsed = time.perf_counter() - t
conforms, _, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True,
                          allow_infos=True, allow_warnings=True)
print(f"{parsed:.1f} {len(data)} {conforms}")
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--victims", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--no-pyshacl", action="store_true")
    parser.add_argument("--output", type=Path, default=BENCH / "results" / "validate.md")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-validate-"))
    work.mkdir(parents=True, exist_ok=True)
    base = synthetic_store(work, args.victims)
    kg_run = measure([KG, "validate", "--store", str(base)])
    rows = [("kg validate (compiled SPARQL, 2 threads)", kg_run, "")]
    if not args.no_pyshacl:
        began = time.perf_counter()
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen([sys.executable, "-c", PYSHACL, str(base)],
                                    stdout=subprocess.PIPE, stderr=errors)
            assert proc.stdout is not None
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - began
            if os.waitstatus_to_exitcode(status) != 0:
                errors.seek(0)
                raise RuntimeError(errors.read().decode()[-2000:])
        rss = usage.ru_maxrss / 1024
        parsed, triples, conforms = out.decode().split()
        rows.append((f"pySHACL 0.40 on an rdflib Graph ({int(triples):,} triples)",
                     Run(seconds, 0.0, rss), f"of which parsing {float(parsed):.0f} s; "
                                                 f"conforms {conforms}"))
    lines = ["# kg validate benchmark", "",
             f"`python bench/bench_validate.py --victims {args.victims}`", "",
             "| validator | wall s | peak RSS MB | note |", "|---|---|---|---|"]
    for name, run, note in rows:
        lines.append(f"| {name} | {run.seconds:.1f} | {run.rss_mb:.0f} | {note} |")
    if len(rows) > 1:
        lines += ["", f"**pySHACL / kg validate: {rows[1][1].seconds / kg_run.seconds:.1f}x** "
                      f"(goal: kg validate within 60 s: {kg_run.seconds:.1f} s)"]
    lines += ["", f"{platform.machine()}, Python {platform.python_version()}, "
                  f"{time.strftime('%Y-%m-%d %H:%M')}; machine shared with other work."]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
