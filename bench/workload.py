"""What the memory and soak benchmarks ask of a running `kg serve`: every kind of request a
visitor or a client makes, with real targets found on the served graph.

    targets = discover(url)            # entities of each kind, hubs, figures, edges, names
    for kind, method, path, body in every_request(targets): ...
    request = random_request(targets, rnd)   # one of KINDS, drawn with WEIGHTS

Also a small HTTP/1.1 client on one keep-alive connection that reads every answer whole and
tells an error status from a dropped connection, and the process-tree memory readers.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ID = "https://kg.example.org/id/"
KG = "https://kg.example.org/ontology#"
PREFIXES = ("PREFIX kg: <https://kg.example.org/ontology#> "
            "PREFIX schema: <https://schema.org/> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
#: Runs well past any query time limit: a count over a three-way cross join.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

#: Kinds of request in the soak's mix, and how often each is drawn.
WEIGHTS = {"entity page": 30, "search": 15, "sparql": 25, "explorer": 25, "dump": 1}


@dataclass
class Targets:
    entities: dict[str, list[str]] = field(default_factory=dict)  # kind -> IRIs
    names: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)


class Client:
    """One keep-alive connection; `request` returns (status, bytes read) or raises `Dropped`
    when the server closed or reset the connection instead of answering. A request that
    finds its kept-alive connection closed before anything was read is sent once more on a
    new one (as HTTP clients do), and counted in `stale`."""

    def __init__(self, base: str, timeout: float = 300) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.stale = 0

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, int]:
        reused = self.conn is not None
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
            self.close()
            if reused:
                self.stale += 1
                return self.request(method, path, body, headers)
            raise Dropped(f"{type(exc).__name__}: {exc}") from None
        except (http.client.HTTPException, OSError) as exc:
            self.close()
            raise Dropped(f"{type(exc).__name__}: {exc}") from None
        try:
            size = 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
        except (http.client.HTTPException, OSError) as exc:
            self.close()
            raise Dropped(f"cut off after {size} bytes: {type(exc).__name__}: {exc}") from None
        if response.will_close:
            self.close()
        return response.status, size

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Dropped(Exception):
    """The connection was closed, reset or timed out instead of answered."""


def _fetch(base: str, path: str, accept: str = "application/json") -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def sparql(base: str, query: str) -> list[dict[str, str]]:
    status, body = _fetch(base, "/sparql?" + urllib.parse.urlencode({"query": PREFIXES + query}),
                          "application/sparql-results+json")
    if status != 200:
        raise RuntimeError(f"{status}: {body[:300]!r}")
    data = json.loads(body)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def get_json(base: str, path: str, wait: float = 900) -> dict:
    """GET a JSON document, waiting through 202 (a per-version value being built)."""
    deadline = time.monotonic() + wait
    while True:
        status, body = _fetch(base, path)
        if status == 200:
            return json.loads(body)
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path}: {status} after {wait} s")
        time.sleep(1)


def discover(base: str, per_kind: int = 40) -> Targets:
    """Entities of every kind on the served graph, the hubs, names to search for, figure
    pages, explorer edges and graphs, found through the server's own /sparql."""
    t = Targets()
    kinds = {"victim": "schema:Person", "event": "kg:Event", "prison": "kg:Prison",
             "source": "kg:Source", "organisation": "<http://www.w3.org/ns/org#Organization>"}
    for kind, cls in kinds.items():
        rows = sparql(base, f"SELECT ?s WHERE {{ ?s a {cls} }} LIMIT {per_kind * 20}")
        iris = sorted(r["s"] for r in rows if r["s"].startswith(ID))
        t.entities[kind] = iris[:: max(1, len(iris) // per_kind)][:per_kind]
    rows = sparql(base, "SELECT ?e (COUNT(?c) AS ?n) WHERE { ?c kg:about ?e } GROUP BY ?e "
                        "ORDER BY DESC(?n) LIMIT 10")
    t.entities["hub"] = [r["e"] for r in rows if r["e"].startswith(ID)]
    rows = sparql(base, "SELECT ?l WHERE { ?s a schema:Person ; rdfs:label ?l } LIMIT 400")
    words = sorted({w for r in rows for w in r["l"].split() if len(w) > 2})
    t.names = [w[: max(3, len(w) - 2)] for w in words[:: max(1, len(words) // 60)]]
    t.figures = [f["href"] for f in get_json(base, "/figures.json")["figures"][:10]]
    get_json(base, "/api/graph/status")  # waits for the projection
    for hub in t.entities["hub"][:3] + t.entities["victim"][:3]:
        data = get_json(base, "/api/graph/neighbourhood?" + urllib.parse.urlencode({"iri": hub}))
        t.edges += [e["id"] for e in data["edges"][:5]]
    rows = sparql(base, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a kg:Source } } LIMIT 5")
    t.graphs = [r["g"] for r in rows]
    return t


def _page(iri: str) -> str:
    return "/page/" + iri[len(ID):]


def _q(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": PREFIXES + query})


Request = tuple[str, str, str, bytes | None]  # kind, method, path, body


def every_request(t: Targets) -> list[Request]:
    """Each kind of page and API once or a few times (the memory benchmark's visit)."""
    out: list[Request] = [("home", "GET", "/", None)]
    for iris in t.entities.values():
        for iri in iris[:3]:
            out += [("entity page", "GET", _page(iri), None),
                    ("entity page", "GET", _page(iri) + ".json", None),
                    ("linked data", "GET", "/id/" + iri[len(ID):], None),
                    ("linked data", "GET", "/data/" + iri[len(ID):] + ".ttl", None),
                    ("linked data", "GET", "/data/" + iri[len(ID):] + ".jsonld", None)]
    for name in t.names[:5]:
        out += [("search", "GET", "/search?" + urllib.parse.urlencode({"q": name}), None),
                ("search", "GET", "/search.json?" + urllib.parse.urlencode({"q": name}), None)]
    out += [(k, "GET", p, None) for k, p in (
        ("timeline", "/timeline"), ("timeline", "/timeline.json"), ("ontology", "/ontology"),
        ("query page", "/query"), ("figures", "/figures"), ("figures", "/figures.json"),
        ("void", "/.well-known/void"), ("explorer", "/explore"),
        ("explorer", "/api/graph/status"), ("explorer", "/api/graph/sources"),
        ("sparql", "/sparql"))]
    out += [("figures", "GET", f, None) for f in t.figures[:5]]
    out += [("linked data", "GET", "/data/graph/" + g.rsplit("/graph/", 1)[1] + ".nt", None)
            for g in t.graphs[:2]]
    out += [("explorer", "GET", "/api/graph/search?q=" + urllib.parse.quote(n), None)
            for n in t.names[:3]]
    for iri in t.entities["hub"][:5] + t.entities["victim"][:5]:
        out.append(("explorer", "GET", "/api/graph/neighbourhood?" + urllib.parse.urlencode(
            {"iri": iri}), None))
    out += [("explorer", "GET", "/api/graph/edge/" + e, None) for e in t.edges[:10]]
    victims = t.entities["victim"]
    out += [("explorer", "GET", "/api/graph/paths?" + urllib.parse.urlencode(
        {"from": a, "to": b}), None) for a, b in zip(victims[:3], victims[-3:], strict=False)]
    out.append(("explorer", "POST", "/api/graph/between",
                json.dumps({"nodes": victims[:20] + t.entities["hub"][:3]}).encode()))
    out.append(("explorer", "POST", "/api/graph/evidence",
                json.dumps({"edges": t.edges[:5]}).encode()))
    rnd = random.Random(1)
    out += [("sparql", "GET", _sparql(t, rnd, i), None) for i in range(10)]
    out += [("reconcile", "POST", "/reconcile", urllib.parse.urlencode(
        {"queries": json.dumps({"q0": {"query": n}, "q1": {"query": n + "i"}})}).encode())
        for n in t.names[:3]]
    out += [("validation", "GET", "/validation", None),
            ("dump", "GET", "/dumps/kg.nq.gz", None), ("dump", "GET", "/dumps/kg.trig.gz", None)]
    return out


def _sparql(t: Targets, rnd: random.Random, n: int | None = None) -> str:
    """One of several kinds of query, about a random entity (so answers are not all cached)."""
    victim = rnd.choice(t.entities["victim"])
    event = rnd.choice(t.entities["event"])
    choice = n if n is not None else rnd.randrange(6)
    queries = [
        f"SELECT ?p ?o WHERE {{ <{victim}> ?p ?o }}",
        f"SELECT ?person ?label WHERE {{ ?x kg:inEvent <{event}> ; kg:participant ?person . "
        f"?person rdfs:label ?label }} LIMIT {rnd.randrange(10, 100)}",
        f"SELECT ?t (COUNT(?s) AS ?n) WHERE {{ ?s a ?t }} GROUP BY ?t ORDER BY DESC(?n) "
        f"LIMIT {rnd.randrange(5, 40)}",
        f"ASK {{ <{victim}> rdfs:label ?l }}",
        f"CONSTRUCT {{ <{event}> ?p ?o }} WHERE {{ <{event}> ?p ?o }}",
        f"SELECT ?s ?l WHERE {{ ?s a schema:Person ; rdfs:label ?l }} "
        f"OFFSET {rnd.randrange(0, 90000)} LIMIT {rnd.randrange(20, 500)}",
    ]
    return _q(queries[choice % len(queries)])


def random_request(t: Targets, rnd: random.Random) -> Request:
    """One request of the soak's mix."""
    kind = rnd.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    if kind == "entity page":
        group = rnd.choice(list(t.entities))
        iri = rnd.choice(t.entities[group])
        return kind, "GET", _page(iri) + rnd.choice(("", "", ".json")), None
    if kind == "search":
        name = rnd.choice(t.names)
        return kind, "GET", rnd.choice(("/search?", "/search.json?")) + urllib.parse.urlencode(
            {"q": name}), None
    if kind == "sparql":
        return kind, "GET", _sparql(t, rnd), None
    if kind == "dump":
        return kind, "GET", "/dumps/kg.nq.gz", None
    pick = rnd.randrange(5)
    victims, hubs = t.entities["victim"], t.entities["hub"]
    if pick == 0:
        return kind, "GET", "/api/graph/status", None
    if pick == 1:
        iri = rnd.choice(hubs if rnd.random() < 0.2 else victims + t.entities["event"])
        return kind, "GET", "/api/graph/neighbourhood?" + urllib.parse.urlencode(
            {"iri": iri, "offset": rnd.choice((0, 0, 25))}), None
    if pick == 2:
        return kind, "GET", "/api/graph/paths?" + urllib.parse.urlencode(
            {"from": rnd.choice(victims), "to": rnd.choice(victims)}), None
    if pick == 3:
        return kind, "GET", "/api/graph/search?q=" + urllib.parse.quote(rnd.choice(t.names)), None
    return kind, "POST", "/api/graph/between", json.dumps(
        {"nodes": rnd.sample(victims, 10) + hubs[:2]}).encode()


# --- memory of a process tree ----------------------------------------------------------

def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(x) for x in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def tree(pid: int) -> list[int]:
    out = [pid]
    for child in children(pid):
        out += tree(child)
    return out


def memory(pid: int) -> dict[str, int]:
    """RSS, its anonymous and file-backed parts, peak RSS and PSS, in KiB."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
                out[key] = int(value.split()[0])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["Pss"] = int(line.split()[1])
    except OSError:
        pass
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its reaped children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def stop(server: subprocess.Popen) -> None:
    """End a `kg serve` started in its own process group, and every process under it."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
