"""Hostile inputs, made on demand: what kg.guard must refuse (tests/test_guard*.py and
bench/bench_guard.py use them). Each is small on disk and costly to parse."""

from __future__ import annotations

import gzip
from pathlib import Path

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def laughs(levels: int = 9) -> str:
    """The "billion laughs": each entity ten of the one before (731 bytes at 9 levels)."""
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + ("" if i == 1 else str(i - 1)) + ";") * 10}">'
        for i in range(1, levels + 1)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{chr(10).join(entities)}\n]>\n'
            f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:e="urn:e#">\n'
            f'<rdf:Description rdf:about="urn:a"><e:p>&lol{levels};</e:p></rdf:Description>\n'
            "</rdf:RDF>\n")


def deep_collection(depth: int) -> str:
    return "<urn:a> <urn:b> " + "(" * depth + ")" * depth + " .\n"


def deep_blank_nodes(depth: int) -> str:
    return ("<urn:g> { <urn:a> <urn:b> " + "[ <urn:p> " * depth + "<urn:o>" + " ]" * depth
            + " . }\n")


def deep_triple_terms(depth: int) -> str:
    return ("<urn:a> <urn:b> " + "<<( <urn:s> <urn:p> " * depth + "<urn:o>" + " )>>" * depth
            + " .\n")


def deep_json(depth: int) -> str:
    return '{"@id": "urn:a", "urn:p": ' + '{"urn:p": ' * depth + '"x"' + "}" * depth + "}"


def deep_xml(depth: int) -> str:
    return (f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:e="urn:e#"><rdf:Description rdf:about="urn:a">'
            + "<e:p><rdf:Description>" * depth + "</rdf:Description></e:p>" * depth
            + "</rdf:Description></rdf:RDF>\n")


def gzip_bomb(path: Path, unpacked: int = 1 << 30) -> Path:
    """Newlines (valid, empty N-Triples) packed about 1000:1, in 1 MiB gzip members."""
    member = gzip.compress(b"\n" * (1 << 20), compresslevel=9)
    path.write_bytes(member * (unpacked >> 20))
    return path


def long_line(path: Path, size: int) -> Path:
    """One N-Triples line holding a literal of `size` bytes."""
    block = b"x" * (1 << 20)
    with path.open("wb") as out:
        out.write(b'<urn:a> <urn:b> "')
        for _ in range(size >> 20):
            out.write(block)
        out.write(b'" .\n')
    return path


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path
