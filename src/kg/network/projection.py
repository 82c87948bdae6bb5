"""The networkx projection of kg's people, organisations, groups, events and places.

Why a projection: the RDF graph is claim-centred (n-ary claim nodes, role nodes, annotations),
which is right for provenance but too indirect for "who is connected to whom". The graph view,
the path finder and the centrality/community measures need plain entity-to-entity edges, each
still carrying who says so. The projection is built by a handful of SPARQL aggregation
queries (kg.network.queries), once per store version, in the background; requests never
rebuild it.

Nodes are IRIs typed (directly or through an rdfs:subClassOf chain in the ontology graph)
as one of kg.network.kinds.KIND_ROOTS, with their English label and, for events, a
[from, to] day span from the bounds of their own dates and of time claims about them.
Edges: one per (kind, subject, predicate, object, claim status) for each kind of
kg.network.kinds.EDGE_KINDS, so claims that disagree become parallel edges and are never
merged; plus "link" edges for direct triples between two entities (event -> place,
sub-events, places within places, sub-organisations), sourced by the named graphs they sit
in. Each edge counts its distinct sources and its claims, and keeps its status; "alleged"
marks edges that rest on allegations or name an alleged perpetrator.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.cache import Cached
from kg.namespaces import KG, local_name
from kg.network.analysis import communities, pagerank
from kg.network.kinds import (
    ASSERTED,
    EDGE_KINDS,
    KIND_ORDER,
    KIND_ROOTS,
    PREDICATE_LABELS,
    SKIPPED_LINKS,
)
from kg.network.queries import (
    Q_ENTITY_LABELS,
    Q_ENTITY_TYPES,
    Q_EVENT_DATES,
    Q_GRAPH_SOURCES,
    Q_LABELS,
    Q_LINK,
    Q_SOURCES,
    Q_SUBCLASSES,
    Q_TIME_CLAIM_DATES,
    edges_query,
)
from kg.store import Store


@dataclass(slots=True)
class Node:
    """An entity of the projection."""

    iri: str
    kind: str
    label: str
    start: str | None = None
    end: str | None = None


@dataclass(slots=True)
class Edge:
    """One relation as the claims of one status state it; parallel edges keep disagreement."""

    id: str
    kind: str
    source: str
    target: str
    predicate: str
    status: str
    sources: int
    claims: int
    alleged: bool
    source_iris: tuple[str, ...]
    start: str | None = None
    end: str | None = None


def edge_id(kind: str, s: str, p: str, o: str, status: str) -> str:
    """A content hash, so ids agree across worker processes and rebuilds."""
    return hashlib.blake2b("\x1f".join((kind, s, p, o, status)).encode(),
                           digest_size=9).hexdigest()


def _v(term: Any) -> str | None:
    return None if term is None else term.value


def _iri_values(iris: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(i)) for i in iris)


@dataclass
class Projection:
    """Entities and sourced edges of one store version, with adjacency and analyses."""

    version: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[str, Edge] = field(default_factory=dict)
    adjacency: dict[str, list[str]] = field(default_factory=dict)
    predicate_labels: dict[str, str] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    graph: nx.Graph = field(default_factory=nx.Graph)
    centrality: dict[str, float] = field(default_factory=dict)
    community: dict[str, int] = field(default_factory=dict)
    analysed: bool = False
    analysed_event: threading.Event = field(default_factory=threading.Event)
    timings: dict[str, float] = field(default_factory=dict)
    _memo: OrderedDict[tuple[str, str | None, str | None], Any] = field(
        default_factory=OrderedDict)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock)

    # building --------------------------------------------------------------------------
    @classmethod
    def build(cls, store: Store, version: str | None = None) -> Projection:
        """Run the aggregation queries and assemble the projection (no analyses yet)."""
        proj = cls(version or store.version)
        t0 = time.perf_counter()
        classes = proj._kind_classes(store)
        proj._load_entities(store, classes)
        proj.timings["entities"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        graph_sources = {r["g"].value: r["source"].value
                         for r in store.query(Q_GRAPH_SOURCES) if r["source"] is not None}
        for kind in EDGE_KINDS.values():
            proj._load_claim_edges(store, kind.name, edges_query(kind), kind.dated)
        every = _iri_values(sorted({c for cs in classes.values() for c in cs}))
        skipped = ", ".join(str(ox.NamedNode(p)) for p in SKIPPED_LINKS)
        proj._load_links(store, Q_LINK % (every, skipped, every), graph_sources)
        proj.timings["edges"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        proj._load_labels(store)
        proj.sources = {
            r["src"].value: {"iri": r["src"].value,
                             "title": _v(r["t"]) or r["src"].value,
                             "date": _v(r["date"]), "claims": int(r["n"].value)}
            for r in store.query(Q_SOURCES)}
        proj._index()
        proj.timings["index"] = time.perf_counter() - t2
        proj.timings["build"] = time.perf_counter() - t0
        return proj

    def _kind_classes(self, store: Store) -> dict[str, set[str]]:
        classes: dict[str, set[str]] = {k: set(roots) for k, roots in KIND_ROOTS.items()}
        root_kind = {r: k for k, roots in KIND_ROOTS.items() for r in roots}
        rows = store.query(Q_SUBCLASSES % _iri_values(root_kind))
        for row in rows:
            classes[root_kind[row["root"].value]].add(row["class"].value)
        return classes

    def _load_entities(self, store: Store, classes: dict[str, set[str]]) -> None:
        kind_of = {}
        for kind in reversed(KIND_ORDER):  # earlier kinds overwrite later ones
            kind_of.update({c: kind for c in classes[kind]})
        rank = {k: i for i, k in enumerate(KIND_ORDER)}
        values = _iri_values(sorted(kind_of))
        kinds: dict[str, str] = {}
        for row in store.query(Q_ENTITY_TYPES % values):
            iri, kind = row["e"].value, kind_of[row["t"].value]
            if iri not in kinds or rank[kind] < rank[kinds[iri]]:
                kinds[iri] = kind
        labels = {row["e"].value: row["label"].value
                  for row in store.query(Q_ENTITY_LABELS % values) if row["label"] is not None}
        for iri, kind in kinds.items():
            self.nodes[iri] = Node(iri, kind, labels.get(iri) or local_name(iri).replace("-", " "))
        events = _iri_values(sorted(classes["event"]))
        for query in (Q_EVENT_DATES % events, Q_TIME_CLAIM_DATES):
            for row in store.query(query):
                node = self.nodes.get(row["e"].value)
                if node is None or node.kind != "event":
                    continue
                start, end = _v(row["start"]), _v(row["end"])
                node.start = min(filter(None, (node.start, start)), default=None)
                node.end = max(filter(None, (node.end, end)), default=None)

    def _add_edge(self, kind: str, s: str, p: str, o: str, status: str, sources: int,
                  claims: int, alleged: bool, source_iris: tuple[str, ...],
                  start: str | None = None, end: str | None = None) -> None:
        if s not in self.nodes or o not in self.nodes or s == o:
            return
        eid = edge_id(kind, s, p, o, status)
        self.edges[eid] = Edge(eid, kind, s, o, p, status, sources, claims, alleged,
                               source_iris, start, end)

    def _load_claim_edges(self, store: Store, kind: str, query: str, dated: bool) -> None:
        for row in store.query(query):
            srcs = tuple(sorted(filter(None, (_v(row["srcs"]) or "").split(" "))))
            self._add_edge(kind, row["s"].value, row["p"].value, row["o"].value,
                           row["status"].value, int(row["nsources"].value),
                           int(row["nclaims"].value), row["alleged"].value == "1", srcs,
                           _v(row["start"]) if dated else None,
                           _v(row["end"]) if dated else None)

    def _load_links(self, store: Store, query: str, graph_sources: dict[str, str]) -> None:
        for row in store.query(query):
            graphs = (_v(row["graphs"]) or "").split(" ")
            srcs = tuple(sorted({graph_sources.get(g, g) for g in graphs if g}))
            self._add_edge("link", row["s"].value, row["p"].value, row["o"].value, ASSERTED,
                           len(srcs), 0, False, srcs)

    def _load_labels(self, store: Store) -> None:
        wanted = sorted({e.predicate for e in self.edges.values()} | {
            e.status for e in self.edges.values()})
        for chunk in _chunks(wanted, 400):
            for row in store.query(Q_LABELS % _iri_values(chunk)):
                label = _v(row["label_en"]) or _v(row["label_any"])
                if label:
                    self.predicate_labels[row["x"].value] = label
        for iri, label in PREDICATE_LABELS.items():
            if iri not in self.predicate_labels or iri.startswith(KG):
                self.predicate_labels[iri] = label
        for iri in wanted:
            self.predicate_labels.setdefault(iri, local_name(iri).replace("-", " "))

    def _index(self) -> None:
        adjacency: dict[str, list[str]] = {}
        graph = nx.Graph()
        graph.add_nodes_from(self.nodes)
        for e in self.edges.values():
            adjacency.setdefault(e.source, []).append(e.id)
            adjacency.setdefault(e.target, []).append(e.id)
            data = graph.get_edge_data(e.source, e.target)
            if data is None:
                graph.add_edge(e.source, e.target, ids=[e.id], strength=e.sources)
            else:
                data["ids"].append(e.id)
                data["strength"] = max(data["strength"], e.sources)
        self.adjacency = adjacency
        self.graph = graph

    # analyses --------------------------------------------------------------------------
    def analyse(self) -> None:
        """Centrality and communities, then the neighbour order of the hubs (whose first
        request would be the slowest); `analysed` is set when done."""
        t0 = time.perf_counter()
        self.centrality = pagerank(self.graph)
        self.timings["centrality"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        self.community, method = communities(self.graph)
        self.timings["community_method"] = 0.0 if method == "louvain" else 1.0
        self.timings["communities"] = time.perf_counter() - t1
        hubs = sorted(self.adjacency, key=lambda n: -len(self.adjacency[n]))[:50]
        for hub in hubs:
            if len(self.adjacency[hub]) > 500:
                self.neighbours(hub, None, None)
        self.analysed = True
        self.analysed_event.set()

    def neighbours(self, focus: str, predicate: str | None, direction: str | None
                   ) -> tuple[tuple[str, ...], dict[str, list[str]], Counter[tuple[str, str]]]:
        """Neighbours in display order (central first), their edge ids, and the focus's
        relations (predicate, direction) with their counts. Memoised on this (immutable)
        projection: a hub has 100,000 neighbours to sort."""
        key = (focus, predicate, direction)
        with self._memo_lock:
            hit = self._memo.get(key)
            if hit is not None:
                self._memo.move_to_end(key)
                return hit
        edges_by_node: dict[str, list[str]] = {}
        relations: Counter[tuple[str, str]] = Counter()
        seen_rel: set[tuple[str, str, str]] = set()
        for eid in self.adjacency.get(focus, ()):
            e = self.edges[eid]
            other = e.target if e.source == focus else e.source
            rel = (e.predicate, "out" if e.source == focus else "in")
            if (rel[0], rel[1], other) not in seen_rel:
                seen_rel.add((rel[0], rel[1], other))
                relations[rel] += 1
            if predicate is not None and rel[0] != predicate:
                continue
            if direction is not None and rel[1] != direction:
                continue
            edges_by_node.setdefault(other, []).append(eid)
        centrality, nodes = self.centrality, self.nodes
        order = tuple(sorted(edges_by_node,
                             key=lambda n: (-centrality.get(n, 0.0), nodes[n].label, n)))
        result = (order, edges_by_node, relations)
        with self._memo_lock:
            self._memo[key] = result
            while len(self._memo) > 4096:
                self._memo.popitem(last=False)
        return result


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _project(store: Store) -> Projection:
    """The projection, handed out as soon as it is built; its analyses (centrality,
    communities) follow in their own thread."""
    proj = Projection.build(store)
    threading.Thread(target=proj.analyse, name="kg-network-analyse", daemon=True).start()
    return proj


#: One projection per store version, built in the background; while a new version's builds,
#: the old one keeps serving, so a reload never makes the graph view go blank.
PROJECTION = Cached[Projection]("graph-projection", _project, background=True, stale_ok=True)
