"""Benchmark the graph explorer's server side on the synthetic graph: projection build, analyses,
and the neighbourhood JSON API (goal, issue 6: p95 <= 30 ms at 1.3M triples).

Not a timed test: run it by hand and read the numbers.

    python bench/bench_graph.py                      # 100k victims, ~1.3M quads
    python bench/bench_graph.py --victims 5000 --requests 300

The synthetic graph (bench/synth.py) and its store are cached in bench/out/. The API is
measured in-process through Flask's test client (routing, projection lookup, JSON encoding:
what a request costs the server, without the network), over a sample of entities that mixes
leaves (victims) with hubs (execution events, organisations, the massacre itself). In the same
run, the relation counts of the same entities are asked of raw pyoxigraph in SPARQL (the
"no projection" alternative), and the ratio is printed.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from kg.config import Config  # noqa: E402
from kg.formats import for_path  # noqa: E402
from kg.namespaces import ONTOLOGY_GRAPH, sparql_prefixes  # noqa: E402
from kg.network import views  # noqa: E402
from kg.network.projection import Projection  # noqa: E402
from kg.network.shared import PROJECTION, SharedProjection, write  # noqa: E402
from kg.store import DiskStore, LoadSource, default_graph_for  # noqa: E402
from kg.web import create_app  # noqa: E402

SPARQL_NEIGHBOURS = sparql_prefixes() + """
SELECT ?p ?dir (COUNT(DISTINCT ?other) AS ?n) WHERE {
  { ?x kg:participant %(e)s ; kg:inEvent ?other ; sem:roleType ?p . BIND("out" AS ?dir) }
  UNION { ?x kg:inEvent %(e)s ; kg:participant ?other ; sem:roleType ?p . BIND("in" AS ?dir) }
  UNION { ?x org:member %(e)s ; org:organization ?other .
          BIND(org:memberOf AS ?p) BIND("out" AS ?dir) }
  UNION { ?x org:organization %(e)s ; org:member ?other .
          BIND(org:memberOf AS ?p) BIND("in" AS ?dir) }
} GROUP BY ?p ?dir"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def store_for(victims: int, out: Path) -> DiskStore:
    """The synthetic graph plus the ontology, loaded once into bench/out/."""
    out.mkdir(parents=True, exist_ok=True)
    data = out / f"synth-{victims}.nq.gz"
    if not data.exists():
        subprocess.run([sys.executable, str(HERE / "synth.py"), "--victims", str(victims),
                        "-o", str(data)], check=True)
    store = DiskStore(out / f"graph-store-{victims}")
    if not store.exists():
        sources = [LoadSource(p, for_path(p), ONTOLOGY_GRAPH)
                   for p in sorted((ROOT / "ontology").glob("*.ttl"))]
        sources.append(LoadSource(data, for_path(data), default_graph_for(data)))
        t0 = time.perf_counter()
        store.load(sources, replace=True)
        print(f"loaded {store.count():,} quads in {time.perf_counter() - t0:.1f} s")
    return store


def sample(proj: Projection, n: int, seed: int = 6) -> list[str]:
    """Mostly random entities, with every tenth a hub (the 200 highest-degree entities)."""
    rnd = random.Random(seed)
    nodes = sorted(proj.nodes)
    hubs = sorted(nodes, key=lambda x: -len(proj.adjacency.get(x, ())))[:200]
    return [rnd.choice(hubs) if i % 10 == 0 else rnd.choice(nodes) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--victims", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()

    store = store_for(args.victims, args.out)
    quads = store.count()
    print(f"graph: {args.victims:,} victims, {quads:,} quads (public view)")

    t0 = time.perf_counter()
    proj = Projection.build(store)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    proj.analyse()
    analyse_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    path = args.out / "graph-projection.sqlite"
    with path.open("wb") as out:
        write(proj, out)
    write_s = time.perf_counter() - t2
    shared = SharedProjection(path)
    summary = views.summary(shared)
    print(f"projection: {summary['nodes']:,} nodes, {summary['edges']:,} edges "
          f"{summary['edgeKinds']}")
    method = "label propagation" if proj.timings.get("community_method") else "Louvain"
    print(f"  build {build_s:.1f} s (SPARQL aggregation + index), analyses {analyse_s:.1f} s "
          f"(PageRank + {method}, {summary['communities']:,} communities), "
          f"shared file {write_s:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
    print("  phases:", {k: v for k, v in summary["timings"].items() if k != "community_method"})
    print(f"  max RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    # The API in-process, with the projection already cached (as after the first request).
    config = Config.load({"store": str(store.path)}, environ={})
    app = create_app(config, store=store)
    PROJECTION.put(store, shared)  # the file just written, as the workers read it
    client = app.test_client()
    targets = sample(proj, args.requests)
    for iri in targets[:50]:  # warm-up: Flask, the file's pages in the OS cache
        client.get("/api/graph/neighbourhood?iri=" + quote(iri))
    times: list[float] = []
    sizes: list[int] = []
    for iri in targets:
        t = time.perf_counter()
        response = client.get("/api/graph/neighbourhood?limit=25&iri=" + quote(iri))
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
        sizes.append(len(response.data))
    p50, p95, p99 = (percentile(times, q) for q in (0.5, 0.95, 0.99))
    print(f"GET /api/graph/neighbourhood (limit 25), {len(times)} requests, 10% hubs: "
          f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms, max {max(times):.1f} ms, "
          f"mean body {statistics.mean(sizes) / 1024:.1f} KiB  -> goal p95 <= 30 ms: "
          f"{'met' if p95 <= 30 else 'NOT met'}")

    # The alternative without a projection: relation counts by SPARQL on raw pyoxigraph.
    import pyoxigraph as ox

    raw = store._parts().public
    sparql_times = []
    for iri in targets[:200]:
        t = time.perf_counter()
        # pyoxigraph 0.5 substitutes only projected variables: a checked IRI term instead.
        list(raw.query(SPARQL_NEIGHBOURS % {"e": str(ox.NamedNode(iri))},
                       use_default_graph_as_union=True))
        sparql_times.append((time.perf_counter() - t) * 1000)
    sp95 = percentile(sparql_times, 0.95)
    print(f"raw pyoxigraph SPARQL, relation counts only (no nodes, no edges, no JSON), "
          f"{len(sparql_times)} entities: p50 {percentile(sparql_times, .5):.2f} ms, "
          f"p95 {sp95:.2f} ms  -> ratio SPARQL p95 / API p95 = {sp95 / p95:.2f} (the API also "
          f"orders, pages and serialises nodes and edges)")

    rnd = random.Random(7)
    people = [n for n, v in proj.nodes.items() if v.kind == "person"]
    path_times = []
    for _ in range(20):
        a, b = rnd.choice(people), rnd.choice(people)
        t = time.perf_counter()
        client.get(f"/api/graph/paths?k=3&from={quote(a)}&to={quote(b)}")
        path_times.append((time.perf_counter() - t) * 1000)
    print(f"GET /api/graph/paths (k=3) between random people, 20 pairs: "
          f"p50 {percentile(path_times, .5):.0f} ms, max {max(path_times):.0f} ms")
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
