"""The projection of one store version as a file all the server's workers read (SQLite).

Why a file: a projection held as Python objects (networkx graph, dicts of nodes and edges)
took about 500 MB per worker at 1.3M quads, once in every worker. It is written once per
store version by whichever worker asks first, in a child process that takes the build's
peak and returns it (kg.cache's `Persist(child=True)`), and read through SQLite
(kg.shared_files): pages come from the OS's page cache, shared by every process.

What the explorer asks is answered by indexed lookups: a node or edge by its IRI or id;
the neighbours of a node in display order (most central first) a page at a time, by
predicate and direction, with the count of each relation (precomputed); the edges among
the nodes on screen; a node's neighbours for the path search (kg.network.paths). The
analyses (centrality, communities) are done before the file is written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from kg.cache import Cached, Persist
from kg.network.kinds import Edge
from kg.shared_files import ReadOnlyDatabase, write_database
from kg.store import Store

if TYPE_CHECKING:  # the builder (networkx) is imported only where a projection is built
    from kg.network.projection import Projection

#: The file's name in the version's cache directory (the suffix changes with the schema).
FILENAME = "graph-projection-v1.sqlite"

_SCHEMA = """
CREATE TABLE term(t INTEGER PRIMARY KEY, iri TEXT NOT NULL);
CREATE TABLE node(n INTEGER PRIMARY KEY, iri TEXT NOT NULL, kind TEXT NOT NULL,
  label TEXT NOT NULL, start TEXT, "end" TEXT, degree INTEGER NOT NULL,
  neighbours INTEGER NOT NULL, centrality REAL, community INTEGER);
CREATE TABLE edge(e INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL,
  source INTEGER NOT NULL, target INTEGER NOT NULL, predicate INTEGER NOT NULL,
  status INTEGER NOT NULL, sources INTEGER NOT NULL, claims INTEGER NOT NULL,
  alleged INTEGER NOT NULL, source_iris TEXT NOT NULL, start TEXT, "end" TEXT);
CREATE TABLE incidence(node INTEGER NOT NULL, other INTEGER NOT NULL, edge INTEGER NOT NULL,
  predicate INTEGER NOT NULL, out INTEGER NOT NULL, PRIMARY KEY (node, other, edge))
  WITHOUT ROWID;
CREATE TABLE relation(node INTEGER NOT NULL, predicate INTEGER NOT NULL, out INTEGER NOT NULL,
  count INTEGER NOT NULL, PRIMARY KEY (node, predicate, out)) WITHOUT ROWID;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_INDEXES = """
CREATE UNIQUE INDEX node_iri ON node(iri);
CREATE UNIQUE INDEX edge_id ON edge(id);
"""


class NodeRow(NamedTuple):
    """An entity of the projection, with what the analyses found."""

    iri: str
    kind: str
    label: str
    start: str | None
    end: str | None
    degree: int
    centrality: float
    community: int | None


class Page(NamedTuple):
    """One page of a node's neighbours: who, by which edges, and the totals."""

    nodes: list[str]
    edges: dict[str, list[str]]
    relations: list[tuple[str, str, int]]  # predicate, "in"/"out", distinct neighbours
    total: int


# --- writing ---------------------------------------------------------------------------

def write(proj: Projection, out: IO[bytes]) -> None:
    """The analysed projection as an SQLite file, written to `out`."""
    if not proj.analysed:
        proj.analyse()
    write_database(out, lambda db: _fill(db, proj))


def _fill(db: sqlite3.Connection, proj: Projection) -> None:
    db.executescript(_SCHEMA)
    terms: dict[str, int] = {}

    def term(iri: str) -> int:
        t = terms.get(iri)
        if t is None:
            t = terms[iri] = len(terms)
        return t

    centrality, community, nodes = proj.centrality, proj.community, proj.nodes
    order = sorted(nodes, key=lambda n: (-centrality.get(n, 0.0), nodes[n].label, n))
    # Node numbers are display ranks (most central first), so a node's incidence rows,
    # ordered by their other end, are its neighbours in display order.
    number = {iri: i for i, iri in enumerate(order)}
    distinct: dict[str, set[str]] = {}
    for e in proj.edges.values():
        distinct.setdefault(e.source, set()).add(e.target)
        distinct.setdefault(e.target, set()).add(e.source)
    db.executemany("INSERT INTO node VALUES (?,?,?,?,?,?,?,?,?,?)", (
        (number[iri], iri, n.kind, n.label, n.start, n.end, len(proj.adjacency.get(iri, ())),
         len(distinct.get(iri, ())), centrality.get(iri, 1.0), community.get(iri))
        for iri, n in ((iri, nodes[iri]) for iri in order)))
    edge_number = {eid: i for i, eid in enumerate(sorted(proj.edges))}
    db.executemany("INSERT INTO edge VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (
        (edge_number[e.id], e.id, e.kind, number[e.source], number[e.target],
         term(e.predicate), term(e.status), e.sources, e.claims, int(e.alleged),
         json.dumps(e.source_iris), e.start, e.end) for e in proj.edges.values()))
    rows = []
    relations: dict[tuple[int, int, int], set[int]] = {}
    for e in proj.edges.values():
        s, t, p, n = number[e.source], number[e.target], term(e.predicate), edge_number[e.id]
        rows.append((s, t, n, p, 1))
        rows.append((t, s, n, p, 0))
        relations.setdefault((s, p, 1), set()).add(t)
        relations.setdefault((t, p, 0), set()).add(s)
    rows.sort()
    db.executemany("INSERT INTO incidence VALUES (?,?,?,?,?)", rows)
    db.executemany("INSERT INTO relation VALUES (?,?,?,?)",
                   sorted((k[0], k[1], k[2], len(v)) for k, v in relations.items()))
    db.executemany("INSERT INTO term VALUES (?,?)", ((t, iri) for iri, t in terms.items()))
    meta = {"version": proj.version, "timings": proj.timings,
            "predicate_labels": proj.predicate_labels, "sources": proj.sources,
            "summary": _summary(proj, order)}
    db.executemany("INSERT INTO meta VALUES (?,?)",
                   ((k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()))
    db.executescript(_INDEXES)


def _summary(proj: Projection, order: list[str]) -> dict[str, Any]:
    """What /api/graph/status shows that would need a walk over every node or edge."""
    kinds: dict[str, int] = {}
    edge_kinds: dict[str, int] = {}
    for n in proj.nodes.values():
        kinds[n.kind] = kinds.get(n.kind, 0) + 1
    for e in proj.edges.values():
        edge_kinds[e.kind] = edge_kinds.get(e.kind, 0) + 1
    starts = [n.start for n in proj.nodes.values() if n.start]
    ends = [n.end for n in proj.nodes.values() if n.end]
    return {"nodes": len(proj.nodes), "edges": len(proj.edges),
            "kinds": dict(sorted(kinds.items())), "edgeKinds": dict(sorted(edge_kinds.items())),
            "dates": {"start": min(starts) if starts else None,
                      "end": max(ends) if ends else None},
            "communities": (max(proj.community.values()) + 1) if proj.community else 0,
            "top": order[:50]}


# --- reading ---------------------------------------------------------------------------

_NODE = "SELECT iri, kind, label, start, \"end\", degree, centrality, community FROM node"
_EDGE = ("SELECT e.id, e.kind, s.iri, t.iri, e.predicate, e.status, e.sources, e.claims, "
         "e.alleged, e.source_iris, e.start, e.\"end\" FROM edge e "
         "JOIN node s ON s.n = e.source JOIN node t ON t.n = e.target")


class SharedProjection:
    """A projection file opened read-only (kg.shared_files), for every thread."""

    analysed = True

    def __init__(self, path: Path) -> None:
        self.db = ReadOnlyDatabase(path)
        self.query = self.db.query
        meta = dict(self.query("SELECT key, value FROM meta"))
        self.version: str = json.loads(meta["version"])
        self.timings: dict[str, float] = json.loads(meta["timings"])
        self.predicate_labels: dict[str, str] = json.loads(meta["predicate_labels"])
        self.sources: dict[str, dict[str, Any]] = json.loads(meta["sources"])
        self.summary: dict[str, Any] = json.loads(meta["summary"])
        self.terms = [iri for (iri,) in self.query("SELECT iri FROM term ORDER BY t")]
        self.nodes: Mapping[str, NodeRow] = _Rows(self, "node", "iri", "n", self.node)
        self.edges: Mapping[str, Edge] = _Rows(self, "edge", "id", "e", self.edge)
        self.centrality = _Column(self, "centrality")
        self.community = _Column(self, "community")

    @classmethod
    def read(cls, handle: IO[bytes]) -> SharedProjection:
        return cls(Path(handle.name))

    def _edge(self, row: tuple) -> Edge:
        eid, kind, s, t, p, status, sources, claims, alleged, iris, start, end = row
        return Edge(eid, kind, s, t, self.terms[p], self.terms[status], sources, claims,
                    bool(alleged), tuple(json.loads(iris)), start, end)

    # what the explorer asks ---------------------------------------------------------------
    def node(self, iri: str) -> NodeRow | None:
        row = self.query(_NODE + " WHERE iri = ?", iri)
        return NodeRow(*row[0]) if row else None

    def nodes_of(self, iris: list[str]) -> dict[str, NodeRow]:
        """Many nodes in one query (those in the projection)."""
        rows = self.query(_NODE + " WHERE iri IN (SELECT value FROM json_each(?))",
                          json.dumps(iris))
        return {r[0]: NodeRow(*r) for r in rows}

    def edge(self, eid: str) -> Edge | None:
        row = self.query(_EDGE + " WHERE e.id = ?", eid)
        return self._edge(row[0]) if row else None

    def edges_of(self, numbers: list[int]) -> dict[int, Edge]:
        rows = self.query(_EDGE.replace("SELECT ", "SELECT e.e, ", 1)
                          + " WHERE e.e IN (SELECT value FROM json_each(?))", json.dumps(numbers))
        return {r[0]: self._edge(r[1:]) for r in rows}

    def page(self, focus: str, predicate: str | None, direction: str | None, limit: int,
             offset: int) -> Page | None:
        """Neighbours of `focus`, most central first, `limit` from `offset`, with the edges
        to each; None if the focus is not in the projection."""
        found = self.query("SELECT n, neighbours FROM node WHERE iri = ?", focus)
        if not found:
            return None
        n, everyone = found[0]
        where, args = "i.node = ?", [n]
        if predicate is not None:
            term = self.terms.index(predicate) if predicate in self.terms else -1
            where, args = where + " AND i.predicate = ?", [*args, term]
        if direction is not None:
            where, args = where + " AND i.out = ?", [*args, int(direction == "out")]
        relations = [(self.terms[p], "out" if out else "in", count) for p, out, count in
                     self.query("SELECT predicate, out, count FROM relation WHERE node = ?", n)]
        if predicate is None and direction is None:
            total = everyone
        elif predicate is not None and direction is not None:
            total = sum(c for p, d, c in relations if p == predicate and d == direction)
        else:
            total = self.query(f"SELECT COUNT(DISTINCT other) FROM incidence i WHERE {where}",
                               *args)[0][0]
        others = [o for (o,) in self.query(
            f"SELECT DISTINCT other FROM incidence i WHERE {where} ORDER BY other "
            "LIMIT ? OFFSET ?", *args, limit, offset)]
        edges: dict[str, list[str]] = {}
        if others:
            rows = self.query(
                "SELECT o.iri, e.id FROM incidence i JOIN node o ON o.n = i.other "
                f"JOIN edge e ON e.e = i.edge WHERE {where} "
                "AND i.other IN (SELECT value FROM json_each(?)) ORDER BY i.other, e.id",
                *args, json.dumps(others))
            for iri, eid in rows:
                edges.setdefault(iri, []).append(eid)
        return Page(list(edges), edges, relations, total)

    def among(self, iris: list[str], hub: int) -> list[Edge]:
        """Every edge between two of `iris`, except those of nodes with more than `hub`
        edges (a hub's edges come with the expansions that show them)."""
        rows = self.query(
            "WITH shown AS (SELECT n, degree FROM node WHERE iri IN "
            "(SELECT value FROM json_each(?))) SELECT i.edge FROM shown "
            "JOIN incidence i ON i.node = shown.n WHERE shown.degree <= ? AND i.out = 1 "
            "AND i.other IN (SELECT n FROM shown)", json.dumps(iris), hub)
        found = self.edges_of([e for (e,) in rows])
        return [found[e] for (e,) in rows]

    def adjacent(self, iri: str) -> list[str]:
        """The node's neighbours (for the path search)."""
        return [o for (o,) in self.query(
            "SELECT DISTINCT o.iri FROM node f JOIN incidence i ON i.node = f.n "
            "JOIN node o ON o.n = i.other WHERE f.iri = ?", iri)]

    def between(self, a: str, b: str) -> list[Edge]:
        """The edges joining two nodes, either way."""
        rows = self.query("SELECT i.edge FROM node x JOIN incidence i ON i.node = x.n "
                          "JOIN node y ON y.n = i.other WHERE x.iri = ? AND y.iri = ? "
                          "ORDER BY i.edge", a, b)
        found = self.edges_of([e for (e,) in rows])
        return [found[e] for (e,) in rows]


class _Rows(Mapping[str, Any]):
    """The projection's nodes or edges as a read-only mapping, read from the file on use."""

    def __init__(self, proj: SharedProjection, table: str, key: str, order: str,
                 get: Callable[[str], Any]) -> None:
        self._proj, self._table, self._key, self._order, self._get = proj, table, key, order, get

    def __getitem__(self, key: str) -> Any:
        found = self._get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return bool(self._proj.query(
            f"SELECT 1 FROM {self._table} WHERE {self._key} = ?", key))

    def __iter__(self) -> Iterator[str]:
        return (k for (k,) in self._proj.query(
            f"SELECT {self._key} FROM {self._table} ORDER BY {self._order}"))

    def __len__(self) -> int:
        return self._proj.summary[f"{self._table}s"]


class _Column(Mapping[str, Any]):
    """One analysis result by node IRI (centrality, community)."""

    def __init__(self, proj: SharedProjection, column: str) -> None:
        self._proj = proj
        self._column = column

    def __getitem__(self, iri: str) -> Any:
        row = self._proj.query(f"SELECT {self._column} FROM node WHERE iri = ?", iri)
        if not row or row[0][0] is None:
            raise KeyError(iri)
        return row[0][0]

    def __iter__(self) -> Iterator[str]:
        return (iri for (iri,) in self._proj.query(
            f"SELECT iri FROM node WHERE {self._column} IS NOT NULL ORDER BY n"))

    def __len__(self) -> int:
        return self._proj.query(
            f"SELECT COUNT(*) FROM node WHERE {self._column} IS NOT NULL")[0][0]


# --- one per store version --------------------------------------------------------------

#: One projection per store version, built in the background, in a child process when the
#: store is on disk (the build's peak memory goes with it), into a file every worker reads;
#: while a new version's builds, the old one keeps serving, so a reload never makes the graph
#: view go blank.
def _build(store: Store) -> Projection:
    from kg.network.projection import Projection  # networkx: only where it is built

    return Projection.build(store)


PROJECTION = Cached[SharedProjection](
    "graph-projection", _build, background=True, stale_ok=True,
    persist=Persist(FILENAME, write, SharedProjection.read, child=True))
