"""Server-side render time of entity pages (and search) on a large store, with p50/p95.

The budget is p95 <= 30 ms per entity page at 1.3M triples. Pages are rendered through the
Flask test client (the whole request path: routing, queries, template), after one warm-up
request per page so that per-version caches (event dates, search index) are built; their
one-off cost is reported separately.

    python bench/synth.py --victims 100000 -o /tmp/synth.nq        # ~1.3M quads
    python bench/bench_pages.py --data /tmp/synth.nq --store /tmp/bench-store
    python bench/bench_pages.py --store /tmp/bench-store            # reuse a loaded store
    python bench/bench_pages.py --store /tmp/bench-store --lang fa  # the Persian pages
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from kg.build import bundled_sources
from kg.config import PROJECT_DIR, Config
from kg.entity.claim_index import CLAIM_INDEX
from kg.formats import for_path
from kg.lineage import LINEAGE_INDEX
from kg.store import DiskStore, LoadSource
from kg.web import create_app
from kg.web.entities import ENTITY_PAGES

KG = "https://kg.example.org/ontology#"


def pick_entities(store: DiskStore, per_kind: int) -> dict[str, list[str]]:
    """Sample entities of each kind, plus the hubs (most claims about them): the worst case."""
    kinds = {
        "victim": "https://schema.org/Person",
        "event": KG + "Event",
        "prison": KG + "Prison",
        "source": KG + "Source",
        "organisation": "http://www.w3.org/ns/org#Organization",
    }
    out: dict[str, list[str]] = {}
    for name, cls in kinds.items():
        rows = store.query(f"SELECT ?s WHERE {{ ?s a <{cls}> }} LIMIT {per_kind * 50}")
        iris = [r["s"].value for r in rows]
        out[name] = iris[:: max(1, len(iris) // per_kind)][:per_kind]
    rows = store.query(f"SELECT ?e (COUNT(?c) AS ?n) WHERE {{ ?c <{KG}about> ?e }} "
                       f"GROUP BY ?e ORDER BY DESC(?n) LIMIT {per_kind}")
    out["hub (most claims)"] = [r["e"].value for r in rows]
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, type=Path, help="store directory")
    parser.add_argument("--data", type=Path, help="load this file (plus bundled data) first")
    parser.add_argument("--per-kind", type=int, default=10, help="entities sampled per kind")
    parser.add_argument("--repeat", type=int, default=5, help="requests per entity")
    parser.add_argument("--cached", action="store_true",
                        help="let repeated requests hit the per-process entity LRU")
    parser.add_argument("--lang", default="en", help="the pages' language (?lang=)")
    args = parser.parse_args(argv)

    store = DiskStore(args.store)
    if args.data:
        started = time.perf_counter()
        store.load(bundled_sources(PROJECT_DIR)
                   + [LoadSource(args.data, for_path(args.data),
                                 "https://kg.example.org/graph/loaded/bench")], replace=True,
                   compact=True)
        print(f"loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(f"store: {store.count():,} quads (public view); pages in {args.lang!r}")
    app = create_app(Config.load({"store": str(args.store)}, environ={}), store=store)
    client = app.test_client()

    started = time.perf_counter()
    client.get("/timeline")  # builds the per-version event-date cache
    print(f"one-off per store version: event dates {time.perf_counter() - started:.2f} s", end="")
    started = time.perf_counter()
    client.get("/search?q=warmup")
    print(f", search index {time.perf_counter() - started:.2f} s (or from its cache file)", end="")
    started = time.perf_counter()
    CLAIM_INDEX.get(store, wait=None)  # what kg serve's warm-up builds for entity pages
    print(f", claim index {time.perf_counter() - started:.2f} s", end="")
    started = time.perf_counter()
    LINEAGE_INDEX.get(store)  # every lineage link, for the claim cards' lineage
    print(f", lineage index {time.perf_counter() - started:.2f} s")

    base = "https://kg.example.org/id/"
    all_times: list[float] = []
    print(f"{'kind':<20} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p95':>8}")
    for kind, iris in pick_entities(store, args.per_kind).items():
        times: list[float] = []
        cpu: list[float] = []
        for iri in iris:
            url = "/page/" + iri[len(base):] + "?lang=" + args.lang
            assert client.get(url).status_code == 200, url  # warm-up
            for _ in range(args.repeat):
                if not args.cached:
                    ENTITY_PAGES.clear(store)  # measure the render, not the cache
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                assert response.status_code == 200
        all_times += times
        print(f"{kind:<20} {len(iris):>4} {statistics.median(times):>8.1f} "
              f"{percentile(times, .95):>8.1f} {max(times):>8.1f} {percentile(cpu, .95):>8.1f}")
    print(f"{'all entity pages':<20} {'':>4} {statistics.median(all_times):>8.1f} "
          f"{percentile(all_times, .95):>8.1f} {max(all_times):>8.1f}")
    times = []
    for q in ("khosravi", "evin", "ali", "mo", "خسروی", "mojahedin"):
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            client.get("/search.json", query_string={"q": q, "lang": args.lang})
            times.append((time.perf_counter() - t0) * 1000)
    print(f"{'search.json':<20} {'':>4} {statistics.median(times):>8.1f} "
          f"{percentile(times, .95):>8.1f} {max(times):>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
