"""The networkx projection of kg's people, organisations, groups, events and places.

Why a projection: the RDF graph is claim-centred (n-ary claim nodes, role nodes, annotations),
which is right for provenance but too indirect for "who is connected to whom". The graph view,
the path finder and the centrality/community measures need plain entity-to-entity edges, each
still carrying who says so. The projection is built by a handful of SPARQL aggregation
queries (kg.network.queries), once per store version, in a child process; requests never
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

This is the builder: the served projection is the file it writes (kg.network.shared).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.namespaces import KG, local_name
from kg.network.analysis import communities, pagerank
from kg.network.kinds import (
    ASSERTED,
    EDGE_KINDS,
    KIND_ORDER,
    KIND_ROOTS,
    PREDICATE_LABELS,
    SKIPPED_LINKS,
    Edge,
    Node,
    edge_id,
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
    timings: dict[str, float] = field(default_factory=dict)

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
        """Centrality and communities; `analysed` is set when done."""
        t0 = time.perf_counter()
        self.centrality = pagerank(self.graph)
        self.timings["centrality"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        self.community, method = communities(self.graph)
        self.timings["community_method"] = 0.0 if method == "louvain" else 1.0
        self.timings["communities"] = time.perf_counter() - t1
        self.analysed = True


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
