"""What the graph holds: counts by graph, by type and by kind, its sources and where to start.

One home for "how much is there", read by `kg stats`, the home page and the VoID
description; each count is computed once per store version. Public view only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.cache import Cached
from kg.dates import PreciseDate
from kg.datevalues import EVENT_DATES, FAR, PUBLISHED
from kg.labels import labels
from kg.namespaces import local_name, sparql_prefixes
from kg.store import Store
from kg.wording import N_

_P = sparql_prefixes()

#: What a reader counts (words the web layer translates), and the classes (with their
#: subclasses spelled out, since the union view holds no inferred types) that make up each.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("People"), ("schema:Person", "kg:UnidentifiedPerson")),
    (N_("Groups and unnamed agents"), ("kg:PersonGroup", "kg:UnidentifiedAgent")),
    (N_("Organisations"), ("org:Organization", "schema:Organization", "schema:NGO",
                           "schema:GovernmentOrganization", "kg:Court")),
    (N_("Places"), ("schema:Place", "schema:Country", "schema:City", "kg:Prison",
                    "kg:MassGrave", "schema:Cemetery")),
    (N_("Events"), ("kg:Event", "sem:Event", "schema:Event")),
    (N_("Sources"), ("kg:Source",)),
    (N_("Claims"), ("kg:Claim", "kg:CountClaim", "kg:TimeClaim", "kg:Allegation",
                    "kg:IdentityClaim")),
    (N_("Evidence passages"), ("oa:Annotation",)),
    (N_("Participations in events"), ("kg:Participation",)),
    (N_("Offices and memberships"), ("org:Membership",)),
)


@dataclass(frozen=True)
class GraphSize:
    graph: str
    quads: int
    subjects: int


def _graph_sizes(store: Store) -> list[GraphSize]:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) "
                       "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    sizes = [GraphSize(r["g"].value, int(r["n"].value), int(r["subjects"].value)) for r in rows]
    return sorted(sizes, key=lambda g: (-g.quads, g.graph))


def _type_counts(store: Store) -> list[tuple[str, int]]:
    rows = store.query("SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c")
    return sorted(((r["c"].value, int(r["n"].value)) for r in rows), key=lambda x: (-x[1], x[0]))


def _kind_counts(store: Store) -> list[tuple[str, int]]:
    values = " ".join(f'({t} "{kind}")' for kind, types in KINDS for t in types)
    rows = store.query(_P + f"SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {{ "
                       f"VALUES (?t ?kind) {{ {values} }} ?s a ?t }} GROUP BY ?kind")
    found = {r["kind"].value: int(r["n"].value) for r in rows}
    return [(kind, found[kind]) for kind, _ in KINDS if kind in found]


def _totals(store: Store, id_space: str) -> dict[str, int]:
    def one(query: str) -> int:
        rows = list(store.query(query))
        return int(rows[0]["n"].value) if rows else 0

    return {
        "quads": store.count(),
        "subjects": one("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        "properties": one("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        "entities": one(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o "
                        f"FILTER(STRSTARTS(STR(?s), {ox.Literal(id_space)})) }}"),
    }


GRAPH_SIZES = Cached[list[GraphSize]]("graph-sizes", _graph_sizes, warm=False)
TYPE_COUNTS = Cached[list[tuple[str, int]]]("type-counts", _type_counts, warm=False)
KIND_COUNTS = Cached[list[tuple[str, int]]]("kind-counts", _kind_counts)
TOTALS = Cached[dict[str, int]]("totals", _totals, warm=False)


@dataclass(frozen=True)
class SourceSummary:
    iri: str
    title: str
    type: str | None
    date: PreciseDate | None
    claims: int
    #: The IRI of its source type (whose label is `type`), for pages in other languages.
    type_iri: str | None = None


def _sources(store: Store) -> list[SourceSummary]:
    published = PUBLISHED.get(store)
    rows = store.query(_P + """
        SELECT ?s (SAMPLE(?title) AS ?t) (SAMPLE(?typeLabel) AS ?type)
               (SAMPLE(?typeIri) AS ?ti) (COUNT(DISTINCT ?c) AS ?claims) WHERE {
          ?s a kg:Source .
          OPTIONAL { ?s dcterms:title ?title }
          OPTIONAL { ?s kg:sourceType ?typeIri . ?typeIri skos:prefLabel ?typeLabel
                     FILTER(LANGMATCHES(LANG(?typeLabel), "en")) }
          OPTIONAL { ?c dcterms:source ?s }
        } GROUP BY ?s""")
    found = [SourceSummary(r["s"].value, r["t"].value if r["t"] else local_name(r["s"].value),
                           r["type"].value if r["type"] else None, published.get(r["s"].value),
                           int(r["claims"].value), r["ti"].value if r["ti"] else None)
             for r in rows]
    return sorted(found, key=lambda s: (s.date.earliest if s.date else FAR, s.title))


SOURCES = Cached[list[SourceSummary]]("sources", _sources)


def _starting_points(store: Store) -> dict[str, Any]:
    """The event with the most claims, and the most connected people."""
    main_event = None
    rows = list(store.query(_P + """
        SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE { ?e a kg:Event . ?c kg:about ?e }
        GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1"""))
    if rows:
        iri = rows[0]["e"].value
        main_event = {"iri": iri, "label": labels(store, [iri])[iri],
                      "claims": int(rows[0]["n"].value), "date": EVENT_DATES.get(store).get(iri)}
    rows = list(store.query(_P + """
        SELECT ?p (COUNT(DISTINCT ?x) AS ?n) WHERE {
          ?p a schema:Person .
          { ?x kg:about ?p } UNION { ?x kg:participant ?p } UNION { ?x org:member ?p }
        } GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 8"""))
    names = labels(store, (r["p"].value for r in rows))
    people = [{"iri": r["p"].value, "label": names[r["p"].value], "links": int(r["n"].value)}
              for r in rows]
    return {"main_event": main_event, "people": people}


STARTING_POINTS = Cached[dict[str, Any]]("starting-points", _starting_points)
