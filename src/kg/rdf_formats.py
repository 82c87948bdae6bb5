"""RDF serialisation formats: names, file extensions, media types and pyoxigraph's enum."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFormatInfo:
    """What kg knows of one format: the short name users type and how to read or write it."""

    name: str
    ox: ox.RdfFormat
    media_type: str
    extensions: tuple[str, ...]
    has_graphs: bool


FORMATS: tuple[RdfFormatInfo, ...] = (
    RdfFormatInfo("nt", ox.RdfFormat.N_TRIPLES, "application/n-triples", (".nt",), False),
    RdfFormatInfo("nq", ox.RdfFormat.N_QUADS, "application/n-quads", (".nq",), True),
    RdfFormatInfo("ttl", ox.RdfFormat.TURTLE, "text/turtle", (".ttl", ".turtle"), False),
    RdfFormatInfo("trig", ox.RdfFormat.TRIG, "application/trig", (".trig",), True),
    RdfFormatInfo("xml", ox.RdfFormat.RDF_XML, "application/rdf+xml", (".rdf", ".owl", ".xml"),
                  False),
    RdfFormatInfo("jsonld", ox.RdfFormat.JSON_LD, "application/ld+json", (".jsonld", ".json"),
                  True),
)
_BY_NAME = {f.name: f for f in FORMATS}
_ALIASES = {"ntriples": "nt", "n-triples": "nt", "nquads": "nq", "n-quads": "nq",
            "turtle": "ttl", "rdfxml": "xml", "rdf/xml": "xml", "rdf": "xml",
            "json-ld": "jsonld"}


class FormatError(ValueError):
    """The format of a file cannot be told, or is not one kg reads."""


def format_names() -> list[str]:
    return [f.name for f in FORMATS]


def by_name(name: str) -> RdfFormatInfo:
    key = _ALIASES.get(name.lower(), name.lower())
    try:
        return _BY_NAME[key]
    except KeyError:
        raise FormatError(
            f"unknown format {name!r} (known: {', '.join(format_names())})"
        ) from None


def for_path(path: Path, name: str | None = None) -> RdfFormatInfo:
    """The format given by name, else by the file's extension (a trailing .gz is looked through)."""
    if name:
        return by_name(name)
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if suffixes:
        for f in FORMATS:
            if suffixes[-1] in f.extensions:
                return f
    raise FormatError(
        f"{path}: cannot tell the RDF format from the extension; use --format "
        f"({', '.join(format_names())})"
    )


def open_maybe_gzip(path: Path) -> IO[bytes]:
    """Open a file for reading, decompressing on the fly when it ends in .gz."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")
