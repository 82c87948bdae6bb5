"""Linked data: resource descriptions, content negotiation rules, dumps and the VoID description.

Minted IRIs dereference with the 303 pattern of "Cool URIs for the Semantic Web"
(https://www.w3.org/TR/cooluris/ 4.3): `/id/<kind>/<slug>` names the thing itself, so the
server answers 303 See Other to a document about it, `/page/<kind>/<slug>` (HTML) or
`/data/<kind>/<slug>.<ext>` (RDF). Everything here reads the public view only: restricted
graphs and nodes live in another partition and cannot appear.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg import formats
from kg.cache import Cached, Persist, previous_or_version_file, version_file
from kg.formats import Format
from kg.namespaces import ID, KG, ONTOLOGY_GRAPH, PREFIXES, SHAPES_GRAPH
from kg.overview import GRAPH_SIZES, TOTALS, TYPE_COUNTS
from kg.store import Store

OA = PREFIXES["oa"]
_TURTLE_PREFIXES = {p: iri for p, iri in PREFIXES.items() if p != "id"}
#: /data/... documents, by extension: Turtle, JSON-LD, N-Triples, RDF/XML.
DOC_FORMATS: dict[str, Format] = {f.extension: f for f in (
    formats.rdf("ttl"), formats.rdf("jsonld"), formats.rdf("nt"), formats.rdf("rdfxml"))}
#: What /id/... offers, in server preference order (HTML first: browsers and `*/*`), as
#: (media range, "html" or a /data extension).
DOC_OFFERS: formats.Offers = (("text/html", "html"), ("application/xhtml+xml", "html")) + tuple(
    (media, formats.rdf(name).extension)
    for media, name in formats.offers("rdf", only=("ttl", "jsonld", "nt", "rdfxml")))
#: Most triples one description holds; more is cut and announced.
DESCRIPTION_LIMIT = 10_000
#: Dumps served at /dumps/<name>.
DUMPS = {"kg.nq.gz": "nq", "kg.trig.gz": "trig"}


def alternates(path: str, page: str | None) -> list[str]:
    """`Link` header items naming every representation of the resource at `path`: its HTML
    page and JSON twin (when it has a page) and its RDF documents."""
    items = [f'</page/{page}>; rel="alternate"; type="text/html"',
             f'</page/{page}.json>; rel="alternate"; type="application/json"'] if page else []
    items += [f'</data/{path}.{ext}>; rel="alternate"; type="{f.bare_media_type}"'
              for ext, f in DOC_FORMATS.items()]
    return items


def page_of(iri: str, base_iri: str) -> str | None:
    """The HTML page path of an entity IRI minted here (None for other vocabularies): the
    303 target of `/id/<slug>` for browsers. IRIs under the project's default base count
    too, so pages link when the server runs under another base."""
    for id_base in (base_iri + "id/", ID):
        if iri.startswith(id_base):
            return "/page/" + iri[len(id_base):]
    return None


def iri_for(base_iri: str, path: str) -> str | None:
    """The IRI a request path names, or None if it is not a valid IRI."""
    iri = base_iri + path
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    return iri


def exists(store: Store, iri: str) -> bool:
    """Whether the public view says anything about `iri` (as subject, object or graph)."""
    node = str(ox.NamedNode(iri))
    return bool(store.query(
        f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} "
        f"UNION {{ GRAPH {node} {{ ?s ?p ?o }} }} }}"))


def graph_exists(store: Store, iri: str) -> bool:
    node = str(ox.NamedNode(iri))
    return bool(store.query(f"ASK {{ GRAPH {node} {{ ?s ?p ?o }} }}"))


DCTERMS_SOURCE = "http://purl.org/dc/terms/source"


def source_of_graph(store: Store, iri: str) -> str | None:
    """The source document a per-source graph records: the publication most of its claims
    cite (a graph may also describe the sources its document quotes)."""
    node = str(ox.NamedNode(iri))
    rows = list(store.query(
        f"SELECT ?s (COUNT(?c) AS ?n) WHERE {{ GRAPH {node} {{ ?c <{DCTERMS_SOURCE}> ?s . "
        f"?s a <{KG}Source> }} }} GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1"))
    return rows[0]["s"].value if rows else None


@dataclass
class Description:
    """The triples of a description and whether the limit cut it."""

    triples: list[ox.Triple]
    truncated: bool


def describe(store: Store, iri: str, limit: int = DESCRIPTION_LIMIT) -> Description:
    """The entity, the claims about it and their evidence, and what points at it.

    A bounded walk: the entity's own triples; claims with `kg:about` the entity or asserting
    a node (participation, membership) that names it; those asserted nodes; the annotations
    whose `oa:hasBody` is one of the claims. A claim's `kg:asserts` links are kept only
    towards nodes naming the entity: a victim list asserts thousands of participations.
    Each focus node is described with its blank nodes to depth 3 (annotation -> target ->
    selector -> refinement), as in a Concise Bounded Description, and so with its own
    fragment IRIs (`<annotation#target>`, `<annotation#cell>`: `kg import` names these nodes
    instead of leaving them blank, so that re-imports write nothing new). Plus every triple pointing
    at the entity, and labels of the IRIs it names so clients need no second request (in
    their own branch: Virtuoso 7.2 drops the blank-node chain when a second OPTIONAL on the
    same node follows the focus subquery).
    """
    e = str(ox.NamedNode(iri))
    focus = f"""
        SELECT DISTINCT ?n WHERE {{
          {{ BIND({e} AS ?n) }}
          UNION {{ ?n <{KG}about> {e} }}
          UNION {{ ?n <{KG}asserts> ?x . ?x ?xp {e} }}
          UNION {{ ?c <{KG}asserts> ?n . ?n ?np {e} }}
          UNION {{ ?n <{OA}hasBody> ?c . ?c <{KG}about> {e} }}
          UNION {{ ?n <{OA}hasBody> ?c . ?c <{KG}asserts> ?y . ?y ?yp {e} }}
        }} LIMIT 2000"""
    query = f"""
        CONSTRUCT {{ ?n ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 . ?o3 ?p4 ?o4 .
                     ?s ?in {e} . ?o <http://www.w3.org/2000/01/rdf-schema#label> ?label .
                     ?c <{KG}asserts> ?x }}
        WHERE {{
          {{
            {{ {focus} }}
            ?n ?p ?o .
            FILTER(?p != <{KG}asserts>)
            OPTIONAL {{ ?o ?p2 ?o2 FILTER(isBlank(?o) || STRSTARTS(STR(?o), CONCAT(STR(?n), "#")))
              OPTIONAL {{ ?o2 ?p3 ?o3
                          FILTER(isBlank(?o2) || (isIRI(?o) && STRSTARTS(STR(?o2),
                                 CONCAT(STRBEFORE(STR(?o), "#"), "#"))))
                OPTIONAL {{ ?o3 ?p4 ?o4 FILTER(isBlank(?o3)) }} }} }}
          }} UNION {{
            {{ {focus} }}
            ?n ?lp ?o .
            FILTER(?lp != <{KG}asserts> && isIRI(?o))
            ?o <http://www.w3.org/2000/01/rdf-schema#label> ?label
          }} UNION {{
            SELECT ?s ?in WHERE {{ ?s ?in {e} }} LIMIT 1000
          }} UNION {{
            SELECT ?c ?x WHERE {{ ?c <{KG}asserts> ?x . ?x ?xp {e} }} LIMIT 1000
          }}
        }}"""
    result = iter(store.query(query))
    triples = []
    for triple in result:
        if len(triples) >= limit:
            return Description(triples, True)
        triples.append(triple)
    return Description(triples, False)


def graph_triples(store: Store, iri: str, limit: int) -> Description:
    """The triples of one public named graph (for /graph/... and /ontology), capped."""
    node = str(ox.NamedNode(iri))
    result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }} "
                         f"LIMIT {limit + 1}")
    triples = list(result)
    return Description(triples[:limit], len(triples) > limit)


def serialize(triples: list[ox.Triple], ext: str) -> bytes:
    """One document in a /data format; Turtle gets the vocabulary prefixes (entity IRIs stay
    whole: `id:claim\\/x` is valid Turtle but hard to read)."""
    fmt = DOC_FORMATS[ext].ox
    if fmt == ox.RdfFormat.TURTLE:
        return ox.serialize(triples, format=fmt, prefixes=_TURTLE_PREFIXES)
    return ox.serialize(triples, format=fmt)


# --- dumps ---------------------------------------------------------------------------------

def dump_file(store: Store, name: str, wait: float | None = None) -> Path:
    """The gzipped dump `name` of the current public view, written once per store version
    (streamed from the store into gzip on disk, never held in memory). With `wait`, the
    previous version's dump if this version's is not there within `wait` seconds."""
    fmt = formats.rdf(DUMPS[name])

    def write(raw: IO[bytes]) -> None:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as out:
            store.dump(out, fmt, "public")

    if wait is None:
        return version_file(store, name, write)
    return previous_or_version_file(store, name, write, wait)


# --- VoID ----------------------------------------------------------------------------------

VOID = PREFIXES["void"]
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _write_triples(triples: list[ox.Triple], out: IO[bytes]) -> None:
    ox.serialize(triples, out, ox.RdfFormat.N_TRIPLES)


def _read_triples(source: IO[bytes]) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(source, ox.RdfFormat.N_TRIPLES)]


def _compute_void(store: Store, base_iri: str, root_url: str) -> list[ox.Triple]:
    """The VoID triples, from a few aggregate queries over the public view."""
    root = root_url.rstrip("/")
    doc = f"{root}/.well-known/void"
    ds = ox.NamedNode(doc + "#dataset")
    v = {n: ox.NamedNode(VOID + n) for n in (
        "Dataset", "triples", "entities", "classes", "properties", "distinctSubjects",
        "distinctObjects", "subset", "classPartition", "class", "dataDump", "sparqlEndpoint",
        "uriSpace", "feature", "rootResource", "vocabulary", "exampleResource")}
    dct = PREFIXES["dcterms"]
    sd = PREFIXES["sd"]
    out: list[ox.Triple] = []

    def add(s, p, o) -> None:
        out.append(ox.Triple(s, p, o))

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))

    id_space = base_iri + "id/"
    add(ds, RDF_TYPE, v["Dataset"])
    add(ds, ox.NamedNode(dct + "title"), ox.Literal("kg: sourced knowledge graph (public view)",
                                                   language="en"))
    add(ds, ox.NamedNode(dct + "description"), ox.Literal(
        "Claims about people, organisations, places and events, each with its source and "
        "evidence; one named graph per source document. Restricted records are not included.",
        language="en"))
    add(ds, v["sparqlEndpoint"], ox.NamedNode(root + "/sparql"))
    for name in DUMPS:
        add(ds, v["dataDump"], ox.NamedNode(f"{root}/dumps/{name}"))
    add(ds, v["uriSpace"], ox.Literal(id_space))
    for fmt in formats.formats("rdf"):
        add(ds, v["feature"], ox.NamedNode(f"http://www.w3.org/ns/formats/{fmt.w3c}"))
    totals = TOTALS.get(store, id_space)
    add(ds, v["triples"], integer(totals["quads"]))
    add(ds, v["entities"], integer(totals["entities"]))
    add(ds, v["distinctSubjects"], integer(totals["subjects"]))
    add(ds, v["properties"], integer(totals["properties"]))
    classes = sorted(TYPE_COUNTS.get(store))
    add(ds, v["classes"], integer(len(classes)))
    for iri, n in classes:
        part = ox.BlankNode()
        add(ds, v["classPartition"], part)
        add(part, v["class"], ox.NamedNode(iri))
        add(part, v["entities"], integer(n))
    for size in sorted(GRAPH_SIZES.get(store), key=lambda g: g.graph):
        sub = ox.BlankNode()
        add(ds, v["subset"], sub)
        add(sub, RDF_TYPE, v["Dataset"])
        add(sub, RDF_TYPE, ox.NamedNode(sd + "NamedGraph"))
        add(sub, ox.NamedNode(sd + "name"), ox.NamedNode(size.graph))
        add(sub, v["triples"], integer(size.quads))
        add(sub, v["distinctSubjects"], integer(size.subjects))
        if size.graph in (ONTOLOGY_GRAPH, SHAPES_GRAPH):
            add(ds, v["vocabulary"], ox.NamedNode(size.graph))
    return out


#: The VoID description of each (base IRI, root URL), per store version, in a file shared by
#: the server's workers.
VOID_DESCRIPTION = Cached[list[ox.Triple]](
    "void", _compute_void, warm=False, max_entries=8,
    persist=Persist("void.nt", _write_triples, _read_triples))


def void_description(store: Store, base_iri: str, root_url: str) -> list[ox.Triple]:
    """VoID (https://www.w3.org/TR/void/) of the public dataset: counts from the public
    partition only, so restricted data adds nothing to them."""
    return VOID_DESCRIPTION.get(store, base_iri, root_url)
