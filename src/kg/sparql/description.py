"""The SPARQL 1.1 Service Description of /sparql
(https://www.w3.org/TR/sparql11-service-description/ 2), linking the VoID description."""

from __future__ import annotations

import pyoxigraph as ox

from kg import formats


def service_description(base_url: str, *, query_timeout: float, max_rows: int, max_bytes: int,
                        void_path: str, fmt: str = "ttl") -> bytes:
    """The description of the endpoint at `base_url`/sparql, with its limits."""
    root = base_url.rstrip("/")
    results = "\n".join(f"    sd:resultFormat <http://www.w3.org/ns/formats/{f.w3c}> ;"
                        for f in formats.FORMATS)
    comment = (
        "Public, read-only view: the default graph is the union of the public named graphs. "
        "SERVICE is refused; FROM and default-graph-uri name local graphs only (never "
        f"fetched). Limits: {query_timeout:g} s per query (then 503), "
        f"{max_rows} rows, {max_bytes} bytes (cuts are announced in the "
        "X-KG-Truncated header).")
    ttl = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{root}/sparql#service> a sd:Service ;
    sd:endpoint <{root}/sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
{results}
    rdfs:comment "{comment}"@en ;
    sd:defaultDataset <{root}{void_path}#dataset> .

<{root}{void_path}#dataset> a sd:Dataset , void:Dataset ;
    rdfs:seeAlso <{root}{void_path}> ;
    sd:defaultGraph [ a sd:Graph ] .
"""
    if fmt == "ttl":
        return ttl.encode("utf-8")
    triples = [q.triple for q in ox.parse(ttl.encode(), ox.RdfFormat.TURTLE)]
    return ox.serialize(triples, format=formats.rdf(fmt).ox)
