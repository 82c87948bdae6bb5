"""Linked data: resource descriptions, content negotiation rules, dumps and the VoID description.

Minted IRIs dereference with the 303 pattern of "Cool URIs for the Semantic Web"
(https://www.w3.org/TR/cooluris/ 4.3): `/id/<kind>/<slug>` names the thing itself, so the
server answers 303 See Other to a document about it, `/page/<kind>/<slug>` (HTML) or
`/data/<kind>/<slug>.<ext>` (RDF). Everything here reads the public view only: restricted
graphs and nodes live in another partition and cannot appear.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import KG, ONTOLOGY_GRAPH, PREFIXES, SHAPES_GRAPH
from kg.rdf_formats import by_name
from kg.store import Store

OA = PREFIXES["oa"]
_TURTLE_PREFIXES = {p: iri for p, iri in PREFIXES.items() if p != "id"}
#: /data/... extensions: short name, pyoxigraph format, media type.
DOC_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "rdf": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
#: What /id/... offers, in server preference order (HTML first: browsers and `*/*`).
DOC_OFFERS: tuple[tuple[str, str], ...] = (
    ("text/html", "html"), ("application/xhtml+xml", "html"), ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"), ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdf"), ("application/x-turtle", "ttl"), ("text/plain", "nt"),
    ("application/json", "jsonld"), ("application/xml", "rdf"),
)
#: Most triples one description holds; more is cut and announced.
DESCRIPTION_LIMIT = 10_000
#: Dumps served at /dumps/<name>.
DUMPS = {"kg.nq.gz": "nq", "kg.trig.gz": "trig"}


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
    selector -> refinement), as in a Concise Bounded Description. Plus every triple pointing
    at the entity, and labels of the IRIs it names so clients need no second request.
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
            OPTIONAL {{ ?o ?p2 ?o2 FILTER(isBlank(?o))
              OPTIONAL {{ ?o2 ?p3 ?o3 FILTER(isBlank(?o2))
                OPTIONAL {{ ?o3 ?p4 ?o4 FILTER(isBlank(?o3)) }} }} }}
            OPTIONAL {{ ?o <http://www.w3.org/2000/01/rdf-schema#label> ?label
                        FILTER(isIRI(?o)) }}
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
    fmt = DOC_FORMATS[ext][0]
    if fmt == ox.RdfFormat.TURTLE:
        return ox.serialize(triples, format=fmt, prefixes=_TURTLE_PREFIXES)
    return ox.serialize(triples, format=fmt)


# --- dumps ---------------------------------------------------------------------------------

_dump_lock = threading.Lock()


def cache_dir(store: Store) -> Path:
    """Per-store cache directory: inside a DiskStore, else under the system temp dir."""
    path = getattr(store, "path", None)
    if path is not None and os.access(path, os.W_OK):
        return Path(path) / "cache"
    return Path(tempfile.gettempdir()) / f"kg-cache-{os.getuid()}"


def _version_key(version: str) -> str:
    import hashlib

    return hashlib.sha256(version.encode()).hexdigest()[:16]


def dump_file(store: Store, name: str) -> Path:
    """The gzipped dump `name` of the current public view, written once per store version.

    Streamed from the store into gzip on disk (never held in memory), atomically renamed
    into place; older versions' dumps are removed.
    """
    fmt = by_name(DUMPS[name])
    root = cache_dir(store) / "dumps"
    here = root / _version_key(store.version)
    target = here / name
    if target.is_file():
        return target
    here.mkdir(parents=True, exist_ok=True)
    with _dump_lock, (here / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one writer across web processes; others wait
        if target.is_file():
            return target
        fd, tmp = tempfile.mkstemp(dir=here, prefix=f".{name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                          compresslevel=6) as out:
                store.dump(out, fmt, "public")
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        for old in root.iterdir():
            if old.is_dir() and old != here:
                shutil.rmtree(old, ignore_errors=True)
    return target


# --- VoID ----------------------------------------------------------------------------------

VOID = PREFIXES["void"]
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_void_cache: dict[tuple[str, str, str], list[ox.Triple]] = {}


def void_description(store: Store, base_iri: str, root_url: str) -> list[ox.Triple]:
    """VoID (https://www.w3.org/TR/void/) of the public dataset, computed once per version.

    Counts come from the public partition only, so restricted data adds nothing to them.
    """
    key = (store.version, base_iri, root_url)
    cached = _void_cache.get(key)
    if cached is not None:
        return cached
    disk = cache_dir(store) / "void" / (_version_key("|".join(key)) + ".nt")
    if disk.is_file():
        out = [q.triple for q in ox.parse(path=str(disk), format=ox.RdfFormat.N_TRIPLES)]
        _void_cache[key] = out
        return out
    out = _compute_void(store, base_iri, root_url)
    with contextlib.suppress(OSError):
        disk.parent.mkdir(parents=True, exist_ok=True)
        for old in disk.parent.glob("*.nt"):
            old.unlink()
        fd, tmp = tempfile.mkstemp(dir=disk.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            ox.serialize(out, handle, ox.RdfFormat.N_TRIPLES)
        os.replace(tmp, disk)
    if len(_void_cache) > 8:
        _void_cache.clear()
    _void_cache[key] = out
    return out


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

    def first(query: str) -> int:
        rows = list(store.query(query))
        return int(rows[0]["n"].value) if rows else 0

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
    for fmt in ("Turtle", "JSON-LD", "N-Triples", "RDF_XML", "N-Quads", "TriG"):
        add(ds, v["feature"], ox.NamedNode(f"http://www.w3.org/ns/formats/{fmt}"))
    add(ds, v["triples"], integer(first(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))
    add(ds, v["entities"], integer(first(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o "
        f"FILTER(STRSTARTS(STR(?s), {ox.Literal(id_space)})) }}")))
    add(ds, v["distinctSubjects"], integer(first(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")))
    add(ds, v["properties"], integer(first(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")))
    classes = list(store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"))
    add(ds, v["classes"], integer(len(classes)))
    for row in classes:
        part = ox.BlankNode()
        add(ds, v["classPartition"], part)
        add(part, v["class"], row["c"])
        add(part, v["entities"], integer(int(row["n"].value)))
    graphs = store.query(
        "SELECT ?g (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) "
        "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    for row in graphs:
        sub = ox.BlankNode()
        add(ds, v["subset"], sub)
        add(sub, RDF_TYPE, v["Dataset"])
        add(sub, RDF_TYPE, ox.NamedNode(sd + "NamedGraph"))
        add(sub, ox.NamedNode(sd + "name"), row["g"])
        add(sub, v["triples"], integer(int(row["n"].value)))
        add(sub, v["distinctSubjects"], integer(int(row["subjects"].value)))
        graph = row["g"].value
        if graph in (ONTOLOGY_GRAPH, SHAPES_GRAPH):
            add(ds, v["vocabulary"], ox.NamedNode(graph))
    return out
