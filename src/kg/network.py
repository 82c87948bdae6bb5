"""The networkx projection of kg's people, organisations, groups, events and places; its analyses.

Why a projection: the RDF graph is claim-centred (n-ary claim nodes, role nodes, annotations),
which is right for provenance but too indirect for "who is connected to whom". The graph view,
the path finder and the centrality/community measures need plain entity-to-entity edges, each
still carrying who says so. The projection is built by a handful of SPARQL aggregation
queries (GROUP BY pushes the work into Oxigraph: no triple is pulled into Python one by one),
once per store version, in a background thread; requests never rebuild it.

Nodes: IRIs typed (directly or through an rdfs:subClassOf chain in the ontology graph) as
  person      schema:Person (incl. kg:UnidentifiedPerson)
  group       kg:PersonGroup
  organisation org:Organization, schema:Organization (incl. kg:Court, NGOs, state bodies)
  event       sem:Event, schema:Event (kg:Event)
  place       schema:Place (cities, countries, kg:Prison, kg:MassGrave, cemeteries)
with their English label and, for events, a [from, to] day span from the earliest/latest
bounds of their own dates (kg:date, kg:beginDate, kg:endDate) and of time claims about them.

Edges, one per (kind, subject, predicate, object, claim status), so claims that disagree
become parallel edges and are never merged:
  participation  agent -> event, predicate = the sem:roleType concept (victim, alleged
                 perpetrator, ...): from `?claim kg:asserts [kg:participant ?a; kg:inEvent ?e]`.
  membership     member -> organisation, predicate = org:role (or org:memberOf), dated by
                 org:memberDuring: from `?claim kg:asserts [org:member ?m; org:organization ?o]`.
  allegation     claimant -> every entity a kg:Allegation is kg:about (accuser -> accused).
  identity       entity -> entity for each pair a kg:IdentityClaim is about (possibly same as).
  claim          claimant -> entity for other claims that assert no structure of their own
                 (count and time claims, plain claims): "NCRI gives a figure for the massacre".
  link           a direct triple between two entities (event -> place with sem:hasPlace or
                 schema:location, sub-events, places within places, sub-organisations),
                 sourced by the named graphs it sits in.
Each edge counts its distinct sources (dcterms:source of its claims; for links, the kg:Source
of each graph holding the triple), its claims, and keeps its status: asserted, contested,
superseded, court finding, official acknowledgement or official denial; "alleged" marks edges
that rest on allegations or name an alleged perpetrator.

Analyses (after the projection, same thread): PageRank centrality (power iteration here, as
networkx's own needs scipy) and Louvain communities (networkx), on the undirected simple
graph; k shortest paths (networkx's Yen) ranked by their weakest-sourced hop.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.cache import Cached
from kg.namespaces import ID, KG, sparql_prefixes
from kg.store import Store

log = logging.getLogger(__name__)

SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
STATUS = ID + "concept/claim-status/"
ASSERTED = STATUS + "asserted"
ALLEGED_ROLE = ID + "concept/participation-role/alleged-perpetrator"

#: Root classes of each node kind; subclasses are found in the ontology graph as well.
KIND_ROOTS: dict[str, tuple[str, ...]] = {
    "event": (SEM + "Event", SCHEMA + "Event", KG + "Event"),
    "person": (SCHEMA + "Person", KG + "UnidentifiedPerson"),
    "group": (KG + "PersonGroup",),
    "organisation": (ORG + "Organization", SCHEMA + "Organization", KG + "Court",
                     SCHEMA + "GovernmentOrganization", SCHEMA + "NGO"),
    "place": (SCHEMA + "Place", SCHEMA + "City", SCHEMA + "Country", SCHEMA + "Cemetery",
              SCHEMA + "GovernmentBuilding", KG + "Prison", KG + "MassGrave"),
}
#: When an entity has types of several kinds, the first kind here wins.
KIND_ORDER = ("event", "person", "group", "organisation", "place")
EDGE_KINDS = ("participation", "membership", "allegation", "identity", "claim", "link")
#: Predicates never drawn as links (typing, labels, identity to outside datasets).
SKIPPED_LINKS = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
    "http://www.w3.org/2002/07/owl#sameAs",
    KG + "possiblySameAs",  # drawn from the identity claims instead, with their status
    KG + "accessLevel",
)
PALETTE_SIZE = 12


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


# ---------------------------------------------------------------------------------------
# The SPARQL that builds the projection (each an aggregation over the public union graph)
# ---------------------------------------------------------------------------------------

_P = sparql_prefixes()
_DATES = "(kg:date|kg:beginDate|kg:endDate)"

Q_SUBCLASSES = _P + """
SELECT DISTINCT ?class ?root WHERE { VALUES ?root { %s } ?class rdfs:subClassOf* ?root }"""

Q_ENTITY_TYPES = _P + """
SELECT ?e ?t WHERE { VALUES ?t { %s } ?e a ?t . FILTER(isIRI(?e)) }"""

# Subqueries make Oxigraph hash-join whole predicate columns instead of looking each row
# up in turn: measured 2.5x faster on the 1.3M-quad synthetic graph.
Q_ENTITY_LABELS = _P + """
SELECT ?e (SAMPLE(?l) AS ?label) WHERE {
  { SELECT DISTINCT ?e WHERE { VALUES ?t { %s } ?e a ?t } }
  { SELECT ?e ?l WHERE { ?e rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) } }
} GROUP BY ?e"""

Q_EVENT_DATES = _P + """
SELECT ?e (MIN(?lo) AS ?start) (MAX(?hi) AS ?end) WHERE {
  VALUES ?t { %s } ?e a ?t .
  ?e """ + _DATES + """ ?d . ?d sem:hasEarliestBeginTimeStamp ?lo ; sem:hasLatestEndTimeStamp ?hi .
} GROUP BY ?e"""

Q_TIME_CLAIM_DATES = _P + """
SELECT ?e (MIN(?lo) AS ?start) (MAX(?hi) AS ?end) WHERE {
  ?c a kg:TimeClaim ; kg:about ?e ; """ + _DATES + """ ?d .
  ?d sem:hasEarliestBeginTimeStamp ?lo ; sem:hasLatestEndTimeStamp ?hi .
} GROUP BY ?e"""

_EDGE_AGG = """(MAX(?alleged0) AS ?alleged)
       (COUNT(DISTINCT ?src) AS ?nsources) (COUNT(DISTINCT ?c) AS ?nclaims)
       (GROUP_CONCAT(DISTINCT STR(?src); separator=" ") AS ?srcs)"""
# Status and publication as inner (hash) joins: as OPTIONALs they cost 3x. A claim without a
# status counts as asserted; one without a publication fails the SHACL gate and is not drawn.
_CLAIM_COLUMNS = f"""
  {{ {{ SELECT ?c ?status WHERE {{ ?c kg:claimStatus ?status }} }}
    UNION {{ SELECT ?c (<{ASSERTED}> AS ?status) WHERE {{
             ?c kg:asserts ?any FILTER NOT EXISTS {{ ?c kg:claimStatus ?none }} }} }} }}
  {{ SELECT ?c ?src WHERE {{ ?c dcterms:source ?src }} }}"""
_STATUS = ("OPTIONAL { ?c kg:claimStatus ?st } "
           f"BIND(COALESCE(?st, <{ASSERTED}>) AS ?status) "
           "OPTIONAL { ?c dcterms:source ?src } ")

Q_PARTICIPATION = _P + """
SELECT ?s ?p ?o ?status """ + _EDGE_AGG + """ (MIN(?lo) AS ?start) (MAX(?hi) AS ?end) WHERE {
  { SELECT ?x ?s WHERE { ?x kg:participant ?s } }
  { SELECT ?x ?o WHERE { ?x kg:inEvent ?o } }
  { SELECT ?x ?p WHERE { ?x sem:roleType ?p } }
  { SELECT ?c ?x WHERE { ?c kg:asserts ?x } }
  """ + _CLAIM_COLUMNS + """
  OPTIONAL { SELECT ?c (1 AS ?allegation) WHERE { ?c a kg:Allegation } }
  OPTIONAL { SELECT ?x ?lo ?hi WHERE {
    ?x """ + _DATES + """ ?d .
    ?d sem:hasEarliestBeginTimeStamp ?lo ; sem:hasLatestEndTimeStamp ?hi } }""" + f"""
  BIND(IF(?p = <{ALLEGED_ROLE}> || BOUND(?allegation), 1, 0) AS ?alleged0)
}} GROUP BY ?s ?p ?o ?status"""

Q_MEMBERSHIP = _P + """
SELECT ?s ?p ?o ?status """ + _EDGE_AGG + """ (MIN(?lo) AS ?start) (MAX(?hi) AS ?end) WHERE {
  { SELECT ?x ?s WHERE { ?x org:member ?s } }
  { SELECT ?x ?o WHERE { ?x org:organization ?o } }
  { SELECT ?c ?x WHERE { ?c kg:asserts ?x } }
  OPTIONAL { SELECT ?x ?role WHERE { ?x org:role ?role } }
  BIND(COALESCE(?role, org:memberOf) AS ?p)
  """ + _CLAIM_COLUMNS + """
  OPTIONAL { SELECT ?c (1 AS ?allegation) WHERE { ?c a kg:Allegation } }
  BIND(IF(BOUND(?allegation), 1, 0) AS ?alleged0)
  OPTIONAL { SELECT ?x ?lo WHERE {
    ?x (org:memberDuring/time:hasBeginning)|kg:beginDate ?d .
    ?d sem:hasEarliestBeginTimeStamp ?lo } }
  OPTIONAL { SELECT ?x ?hi WHERE {
    ?x (org:memberDuring/time:hasEnd)|kg:endDate ?d . ?d sem:hasLatestEndTimeStamp ?hi } }
} GROUP BY ?s ?p ?o ?status"""

Q_ALLEGATION = _P + """
SELECT ?s ?p ?o ?status """ + _EDGE_AGG + """ WHERE {
  ?c a kg:Allegation ; prov:wasAttributedTo ?s ; kg:about ?o . FILTER(?s != ?o)
  BIND(kg:Allegation AS ?p) BIND(1 AS ?alleged0)
  """ + _STATUS + """
} GROUP BY ?s ?p ?o ?status"""

Q_IDENTITY = _P + """
SELECT ?s ?p ?o ?status """ + _EDGE_AGG + """ WHERE {
  ?c a kg:IdentityClaim ; kg:about ?s, ?o . FILTER(STR(?s) < STR(?o))
  BIND(kg:possiblySameAs AS ?p) BIND(0 AS ?alleged0)
  """ + _STATUS + """
} GROUP BY ?s ?p ?o ?status"""

Q_CLAIM = _P + """
SELECT ?s ?p ?o ?status """ + _EDGE_AGG + """ WHERE {
  ?c prov:wasAttributedTo ?s ; kg:about ?o . FILTER(?s != ?o)
  FILTER NOT EXISTS { ?c kg:asserts ?anything }
  FILTER NOT EXISTS { ?c a kg:Allegation }
  FILTER NOT EXISTS { ?c a kg:IdentityClaim }
  OPTIONAL { ?c a ?ct . VALUES ?ct { kg:CountClaim kg:TimeClaim } }
  BIND(COALESCE(?ct, kg:Claim) AS ?p) BIND(0 AS ?alleged0)
  """ + _STATUS + """
} GROUP BY ?s ?p ?o ?status"""

Q_LINK = _P + """
SELECT ?s ?p ?o (COUNT(DISTINCT ?g) AS ?ngraphs)
       (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?graphs)
WHERE {
  VALUES ?ts { %s }
  ?s a ?ts .
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?o) && ?p NOT IN (%s))
  FILTER EXISTS { VALUES ?to { %s } ?o a ?to }
} GROUP BY ?s ?p ?o"""

Q_GRAPH_SOURCES = _P + """
SELECT ?g (SAMPLE(?src) AS ?source) WHERE { GRAPH ?g { ?src a kg:Source } } GROUP BY ?g"""

Q_SOURCES = _P + """
SELECT ?src (SAMPLE(?title) AS ?t) (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?day) AS ?date) WHERE {
  ?src a kg:Source .
  OPTIONAL { ?src dcterms:title ?title }
  OPTIONAL { ?c dcterms:source ?src }
  OPTIONAL { ?src kg:published/kg:dateValue ?day }
} GROUP BY ?src"""

Q_LABELS = _P + """
SELECT ?x (SAMPLE(?en) AS ?label_en) (SAMPLE(?any) AS ?label_any) WHERE {
  VALUES ?x { %s }
  OPTIONAL { ?x skos:prefLabel|rdfs:label ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
  OPTIONAL { ?x skos:prefLabel|rdfs:label ?any }
} GROUP BY ?x"""

#: Readable names for predicates the ontology does not label as a relation.
PREDICATE_LABELS = {
    ORG + "memberOf": "member of",
    KG + "Allegation": "alleges",
    KG + "possiblySameAs": "possibly same as",
    KG + "Claim": "makes a claim about",
    KG + "CountClaim": "gives a figure for",
    KG + "TimeClaim": "dates",
    SEM + "hasPlace": "took place at",
    SCHEMA + "location": "took place at",
    SEM + "subEventOf": "part of",
    SCHEMA + "superEvent": "part of",
    SCHEMA + "containedInPlace": "located in",
    ORG + "subOrganizationOf": "part of",
}


# ---------------------------------------------------------------------------------------
# The projection
# ---------------------------------------------------------------------------------------

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
    _neighbour_cache: OrderedDict[tuple[str, str | None, str | None], tuple[Any, ...]] = field(
        default_factory=OrderedDict)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock)

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
        for kind, query in (("participation", Q_PARTICIPATION), ("membership", Q_MEMBERSHIP),
                            ("allegation", Q_ALLEGATION), ("identity", Q_IDENTITY),
                            ("claim", Q_CLAIM)):
            proj._load_claim_edges(store, kind, query)
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
            self.nodes[iri] = Node(iri, kind, labels.get(iri) or _local_name(iri))
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

    def _load_claim_edges(self, store: Store, kind: str, query: str) -> None:
        dated = kind in {"participation", "membership"}
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
            self.predicate_labels.setdefault(iri, _local_name(iri))

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
    def analyse(self, *, louvain_limit: int = 60_000) -> None:
        """Centrality and communities; Louvain above `louvain_limit` nodes falls back to
        label propagation, which is near-linear, so a 100k-victim graph stays in seconds."""
        t0 = time.perf_counter()
        self.centrality = pagerank(self.graph)
        self.timings["centrality"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        if self.graph.number_of_nodes() <= louvain_limit:
            groups = nx.community.louvain_communities(self.graph, seed=1988)
            self.timings["community_method"] = 0.0  # louvain
        else:
            groups = nx.community.label_propagation_communities(self.graph)
            self.timings["community_method"] = 1.0  # label propagation
        ordered = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
        self.community = {n: i for i, g in enumerate(ordered) for n in g}
        self.timings["communities"] = time.perf_counter() - t1
        # Warm the neighbour order of the hubs, whose first request would be the slowest.
        hubs = sorted(self.adjacency, key=lambda n: -len(self.adjacency[n]))[:50]
        for hub in hubs:
            if len(self.adjacency[hub]) > 500:
                self._neighbours(hub, None, None)
        self.analysed = True
        self.analysed_event.set()

    # queries ---------------------------------------------------------------------------
    def node_json(self, iri: str) -> dict[str, Any]:
        n = self.nodes[iri]
        return {"id": n.iri, "label": n.label, "kind": n.kind, "start": n.start, "end": n.end,
                "degree": len(self.adjacency.get(iri, ())),
                "centrality": round(self.centrality.get(iri, 1.0), 4),
                "community": self.community.get(iri)}

    def edge_json(self, eid: str) -> dict[str, Any]:
        e = self.edges[eid]
        return {"id": e.id, "source": e.source, "target": e.target, "kind": e.kind,
                "predicate": e.predicate,
                "label": self.predicate_labels.get(e.predicate, _local_name(e.predicate)),
                "status": e.status.rsplit("/", 1)[-1], "alleged": e.alleged,
                "sources": e.sources, "claims": e.claims,
                "sourceIris": list(e.source_iris[:50]), "start": e.start, "end": e.end}

    def relation_key(self, eid: str, focus: str) -> tuple[str, str]:
        e = self.edges[eid]
        return e.predicate, "out" if e.source == focus else "in"

    def _neighbours(self, focus: str, predicate: str | None, direction: str | None
                    ) -> tuple[tuple[str, ...], dict[str, list[str]], list[dict[str, Any]]]:
        """Neighbours in display order (central first), their edge ids, relation counts."""
        key = (focus, predicate, direction)
        with self._cache_lock:
            hit = self._neighbour_cache.get(key)
            if hit is not None:
                self._neighbour_cache.move_to_end(key)
                return hit  # type: ignore[return-value]
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
        centrality = self.centrality
        nodes = self.nodes
        order = tuple(sorted(edges_by_node,
                             key=lambda n: (-centrality.get(n, 0.0), nodes[n].label, n)))
        rel_json = [{"predicate": p, "direction": d,
                     "label": self.predicate_labels.get(p, _local_name(p)), "count": c}
                    for (p, d), c in sorted(relations.items(), key=lambda kv: (-kv[1], kv[0]))]
        result = (order, edges_by_node, rel_json)
        with self._cache_lock:
            self._neighbour_cache[key] = result
            while len(self._neighbour_cache) > 4096:
                self._neighbour_cache.popitem(last=False)
        return result

    def neighbourhood(self, focus: str, *, limit: int = 25, offset: int = 0,
                      predicate: str | None = None, direction: str | None = None
                      ) -> dict[str, Any]:
        """The focus, up to `limit` neighbours (most central first) and the edges to them,
        every relation of the focus by predicate and direction with its count, and how
        many neighbours are left for a "+M more" node."""
        if focus not in self.nodes:
            raise KeyError(focus)
        order, edges_by_node, relations = self._neighbours(focus, predicate, direction)
        page = order[offset:offset + limit]
        edges = [self.edge_json(eid) for n in page for eid in edges_by_node[n]]
        return {
            "focus": self.node_json(focus),
            "nodes": [self.node_json(n) for n in page],
            "edges": edges,
            "relations": relations,
            "total": len(order), "offset": offset, "limit": limit,
            "more": max(0, len(order) - offset - len(page)),
            "predicate": predicate, "direction": direction,
        }

    def edges_between(self, iris: Iterable[str]) -> list[dict[str, Any]]:
        """Every edge among a set of shown nodes (so edges between two expansions appear)."""
        shown = set(iris) & self.nodes.keys()
        out = []
        for n in shown:
            if len(self.adjacency.get(n, ())) > 5000:
                continue  # a hub's edges come with the expansions that show them
            for eid in self.adjacency.get(n, ()):
                e = self.edges[eid]
                if e.source == n and e.target in shown:
                    out.append(self.edge_json(eid))
        return out

    def paths(self, a: str, b: str, *, k: int = 3, max_extra_hops: int = 2,
              budget_s: float = 2.0) -> list[dict[str, Any]]:
        """Up to `k` simple paths from the shortest ones, each hop with its edges and
        sources, ranked by the weakest-sourced hop (a chain is as strong as its weakest
        link), then by length."""
        if a not in self.nodes or b not in self.nodes:
            raise KeyError(a if a not in self.nodes else b)
        if a == b:
            return []
        candidates: list[list[str]] = []
        deadline = time.perf_counter() + budget_s
        try:
            shortest = None
            for path in nx.shortest_simple_paths(self.graph, a, b):
                if shortest is None:
                    shortest = len(path)
                if len(path) > shortest + max_extra_hops or len(candidates) >= k * 3:
                    break
                candidates.append(path)
                if time.perf_counter() > deadline:
                    break
        except nx.NetworkXNoPath:
            return []
        ranked = []
        for path in candidates:
            hops = []
            for u, v in itertools.pairwise(path):
                ids = self.graph[u][v]["ids"]
                hop_edges = [self.edge_json(i) for i in ids]
                hops.append({"from": u, "to": v, "edges": hop_edges,
                             "sources": max(e["sources"] for e in hop_edges)})
            weakest = min(h["sources"] for h in hops)
            ranked.append({"nodes": [self.node_json(n) for n in path], "hops": hops,
                           "length": len(path) - 1, "weakest": weakest})
        ranked.sort(key=lambda p: (-p["weakest"], p["length"]))
        return ranked[:k]

    def summary(self) -> dict[str, Any]:
        kinds = Counter(n.kind for n in self.nodes.values())
        starts = [n.start for n in self.nodes.values() if n.start]
        ends = [n.end for n in self.nodes.values() if n.end]
        return {
            "version": self.version, "analysed": self.analysed,
            "nodes": len(self.nodes), "edges": len(self.edges),
            "kinds": dict(sorted(kinds.items())),
            "edgeKinds": dict(sorted(Counter(e.kind for e in self.edges.values()).items())),
            "dates": {"start": min(starts) if starts else None,
                      "end": max(ends) if ends else None},
            "communities": (max(self.community.values()) + 1) if self.community else 0,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def source_list(self, limit: int = 500) -> list[dict[str, Any]]:
        """Sources with the most claims first (the source filter's choices)."""
        items = sorted(self.sources.values(), key=lambda s: (-s["claims"], s["title"]))
        return items[:limit]


def pagerank(graph: nx.Graph, damping: float = 0.85, iterations: int = 40,
             tol: float = 1e-9) -> dict[str, float]:
    """PageRank by power iteration, scaled so the mean node scores 1 (networkx's needs scipy)."""
    nodes = list(graph)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    neighbours = [[index[m] for m in graph[node]] for node in nodes]
    degree = [len(ns) for ns in neighbours]
    rank = [1.0 / n] * n
    for _ in range(iterations):
        dangling = sum(rank[i] for i in range(n) if degree[i] == 0)
        base = (1.0 - damping) / n + damping * dangling / n
        share = [rank[i] / degree[i] if degree[i] else 0.0 for i in range(n)]
        new = [base + damping * sum(share[j] for j in neighbours[i]) for i in range(n)]
        delta = sum(abs(new[i] - rank[i]) for i in range(n))
        rank = new
        if delta < tol * n:
            break
    return {nodes[i]: rank[i] * n for i in range(n)}


def _local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[-1]
            if tail:
                return tail.replace("-", " ")
    return iri


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
