"""The one table of formats kg reads and writes, and content negotiation over it.

Every place that names a format (the CLI's `--format`, `/sparql`'s `format` parameter and
Accept header, `/data/...` extensions, remote stores' answers, file extensions on load)
looks it up here, so RDF/XML has one name (`rdfxml`, with the aliases people type) and a
media type is written once.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import pyoxigraph as ox

from kg.errors import KgError

Kind = Literal["rdf", "results"]


class FormatError(KgError, ValueError):
    """A format cannot be told, or is not one kg reads or writes."""


@dataclass(frozen=True)
class Format:
    """One format: its short name, how to parse and write it, how it travels over HTTP."""

    name: str
    label: str
    kind: Kind
    ox: ox.RdfFormat | ox.QueryResultsFormat
    #: The Content-Type kg sends.
    media_type: str
    #: Other media ranges that select it in negotiation, after every format's own type.
    also_accepts: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    #: Whether it carries named graphs (quads), not only triples.
    has_graphs: bool = False
    #: Its name under http://www.w3.org/ns/formats/ (service descriptions, VoID).
    w3c: str = ""

    @property
    def bare_media_type(self) -> str:
        return self.media_type.split(";")[0]

    @property
    def extension(self) -> str:
        """The extension of documents in this format (`/data/<slug>.<extension>`)."""
        return self.extensions[0].lstrip(".")


FORMATS: tuple[Format, ...] = (
    Format("ttl", "Turtle", "rdf", ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8",
           ("application/x-turtle",), (".ttl", ".turtle"), ("turtle", "n3"), w3c="Turtle"),
    Format("nt", "N-Triples", "rdf", ox.RdfFormat.N_TRIPLES, "application/n-triples",
           ("text/plain",), (".nt",), ("ntriples", "n-triples"), w3c="N-Triples"),
    Format("jsonld", "JSON-LD", "rdf", ox.RdfFormat.JSON_LD, "application/ld+json",
           ("application/json",), (".jsonld", ".json"), ("json-ld", "json"), True, "JSON-LD"),
    Format("rdfxml", "RDF/XML", "rdf", ox.RdfFormat.RDF_XML, "application/rdf+xml",
           ("application/xml", "text/xml"), (".rdf", ".owl", ".xml"), ("xml", "rdf", "rdf/xml"),
           w3c="RDF_XML"),
    Format("trig", "TriG", "rdf", ox.RdfFormat.TRIG, "application/trig", (), (".trig",), (),
           True, "TriG"),
    Format("nq", "N-Quads", "rdf", ox.RdfFormat.N_QUADS, "application/n-quads", (), (".nq",),
           ("nquads", "n-quads"), True, "N-Quads"),
    Format("json", "SPARQL JSON results", "results", ox.QueryResultsFormat.JSON,
           "application/sparql-results+json", ("application/json",), (".srj", ".json"),
           ("srj",), w3c="SPARQL_Results_JSON"),
    Format("xml", "SPARQL XML results", "results", ox.QueryResultsFormat.XML,
           "application/sparql-results+xml", ("application/xml", "text/xml"), (".srx", ".xml"),
           ("srx",), w3c="SPARQL_Results_XML"),
    Format("csv", "SPARQL CSV results", "results", ox.QueryResultsFormat.CSV,
           "text/csv; charset=utf-8", (), (".csv",), w3c="SPARQL_Results_CSV"),
    Format("tsv", "SPARQL TSV results", "results", ox.QueryResultsFormat.TSV,
           "text/tab-separated-values; charset=utf-8", (), (".tsv",), w3c="SPARQL_Results_TSV"),
)


def formats(kind: Kind) -> tuple[Format, ...]:
    return tuple(f for f in FORMATS if f.kind == kind)


def names(kind: Kind) -> list[str]:
    return [f.name for f in formats(kind)]


def lookup(name: str, kind: Kind) -> Format:
    """The format of `kind` called `name` or one of its aliases (case-insensitive)."""
    key = name.strip().lower()
    for f in formats(kind):
        if key == f.name or key in f.aliases:
            return f
    what = "RDF" if kind == "rdf" else "query result"
    raise FormatError(f"unknown format {name!r} (known {what} formats: "
                      f"{', '.join(names(kind))})")


def rdf(name: str) -> Format:
    return lookup(name, "rdf")


def by_media_type(media: str, kind: Kind) -> Format | None:
    """The format a Content-Type names (parameters ignored), or None."""
    bare = media.split(";")[0].strip().lower()
    return next((f for f in formats(kind)
                 if bare in (f.bare_media_type, f.ox.media_type)), None)


def for_path(path: Path, name: str | None = None) -> Format:
    """The RDF format given by name, else by the file's extension (a trailing .gz is looked
    through)."""
    if name:
        return rdf(name)
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if suffixes:
        for f in formats("rdf"):
            if suffixes[-1] in f.extensions:
                return f
    raise FormatError(f"{path}: cannot tell the RDF format from the extension; use --format "
                      f"({', '.join(names('rdf'))})")


def open_maybe_gzip(path: Path) -> IO[bytes]:
    """Open a file for reading, decompressing on the fly when it ends in .gz."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")


# --- content negotiation (RFC 9110 12.5.1) ------------------------------------------------

#: (media range, format name) pairs a resource can answer with, in server preference order.
Offers = tuple[tuple[str, str], ...]


def offers(kind: Kind, only: Sequence[str] | None = None) -> Offers:
    """Every format's own media type first (table order, or `only`'s), then the other
    media ranges that select them."""
    chosen = [lookup(n, kind) for n in only] if only else list(formats(kind))
    own = tuple((f.bare_media_type, f.name) for f in chosen)
    return own + tuple((m, f.name) for f in chosen for m in f.also_accepts)


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values; an absent header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = part.strip().split(";")
        media = pieces[0].strip().lower()
        if not media:
            continue
        if media == "*":
            media = "*/*"
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: Sequence[tuple[str, float]]) -> float:
    """q of the most specific range matching `media` (exact > type/* > */*)."""
    best, best_rank = 0.0, -1
    kind = media.split("/")[0]
    for pattern, q in ranges:
        if pattern == media:
            rank = 2
        elif pattern == f"{kind}/*":
            rank = 1
        elif pattern == "*/*":
            rank = 0
        else:
            continue
        if rank > best_rank:
            best, best_rank = q, rank
    return best


def negotiate(accept: str | None, choices: Offers) -> str | None:
    """The offer with the highest q (ties: server order), or None when nothing fits (406)."""
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for media, name in choices:
        q = _quality(media, ranges)
        if q > best_q:
            best, best_q = name, q
    return best
