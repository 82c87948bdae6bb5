"""RDF/XML: entity declarations that expand without bound ("billion laughs"), external
entities, and deep element nesting.

pyoxigraph expands internal entities, nested ones included: measured with 0.5.13, a 731-byte
file of nested declarations took it to 15 GB and a crash, and it has no switch to refuse
them. Ontology editors still write small entities for namespaces (`&owl;`), so they are
accepted while the bytes that all references of a file expand to stay within
`max_entity_expansion`. Its element nesting costs time quadratic in depth (30,000 levels:
15 s), so depth is capped. The XML itself is read by expat (the standard library's), first
for the prolog alone, so that no reference is expanded before the declarations are judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.parsers import expat

from kg.guard.limits import Limits, refuse
from kg.guard.stream import Chunk

#: Bytes read for the prolog (declarations, DOCTYPE) before the root element must start.
PROLOG_LIMIT = 1 << 20
_REFERENCE = re.compile(rb"&([^\s&;<>\"'#]+);")
_TEXT_REFERENCE = re.compile(r"&([^\s&;<>\"'#]+);")


class _Stop(Exception):
    """The prolog has been read."""


def _prolog(where: str | Path, chunks: Iterator[Chunk], limits: Limits
            ) -> tuple[dict[str, str], list[Chunk], int]:
    """The entities declared before the root element, the chunks read to find them, and the
    byte offset where the root element starts."""
    declared: dict[str, str] = {}
    seen: list[Chunk] = []
    parser = expat.ParserCreate()

    def entity(name: str, is_parameter: bool, value: str | None, base: str | None,
               system_id: str | None, public_id: str | None, notation: str | None) -> None:
        line = parser.CurrentLineNumber
        if is_parameter:
            raise refuse(where, line, f"parameter entity %{name}; in the DTD: not accepted in "
                         "RDF/XML; write the values out")
        if value is None:
            raise refuse(where, line, f"external entity &{name}; ({system_id or public_id}): "
                         "external entities are never fetched; write the value out")
        if limits.max_entity_expansion == 0:
            raise refuse(where, line, f"entity declaration &{name};", "max_entity_expansion")
        declared.setdefault(name, value)  # XML: the first declaration binds

    def start(name: str, attributes: object) -> None:
        raise _Stop

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    size = 0
    for chunk in chunks:
        seen.append(chunk)
        try:
            parser.Parse(chunk.data, False)
        except _Stop:
            return declared, seen, parser.CurrentByteIndex
        except expat.ExpatError as exc:
            raise _xml_error(where, exc) from None
        size += len(chunk.data)
        if size > PROLOG_LIMIT:
            raise refuse(where, parser.CurrentLineNumber,
                         f"no root element within the first {PROLOG_LIMIT} bytes: not RDF/XML")
    return declared, seen, size


def _expansions(where: str | Path, declared: dict[str, str], limit: int) -> dict[str, int]:
    """Characters each entity expands to, references inside it included (cycles refused)."""
    sizes: dict[str, int] = {}
    visiting: set[str] = set()

    def size(name: str) -> int:
        if name in sizes:
            return sizes[name]
        if name in visiting:
            raise refuse(where, None, f"entity &{name}; refers to itself")
        visiting.add(name)
        value = declared[name]
        total = len(value)
        for match in _TEXT_REFERENCE.finditer(value):
            if match.group(1) in declared:
                total += size(match.group(1)) - len(match.group())
        visiting.discard(name)
        sizes[name] = total
        return total

    for name in declared:
        if size(name) > limit:
            raise refuse(where, None, f"entity &{name}; expands to {sizes[name]} characters "
                         f"(more than {limit}: an entity-expansion attack?)",
                         "max_entity_expansion")
    return sizes


def check_rdfxml(where: str | Path, chunks: Iterable[Chunk], limits: Limits) -> None:
    stream = iter(chunks)
    declared, seen, root = _prolog(where, stream, limits)
    sizes = _expansions(where, declared, limits.max_entity_expansion) if declared else {}
    parser = expat.ParserCreate()
    depth = 0
    expanded = 0

    def start(name: str, attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > limits.max_nesting:
            raise refuse(where, parser.CurrentLineNumber,
                         f"XML elements nested more than {limits.max_nesting} deep",
                         "max_nesting")

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    offset = 0
    for chunk in _chain(seen, stream):
        if sizes:  # counted before expat (or any parser) expands a single reference
            body = chunk.data[max(0, root - offset):]
            for name in _REFERENCE.findall(body):
                expanded += sizes.get(name.decode("utf-8", "replace"), 0)
            if expanded > limits.max_entity_expansion:
                raise refuse(where, chunk.line_at(0), f"entity references expand to more than "
                             f"{limits.max_entity_expansion} characters",
                             "max_entity_expansion")
        offset += len(chunk.data)
        try:
            parser.Parse(chunk.data, False)
        except expat.ExpatError as exc:
            raise _xml_error(where, exc) from None
    try:
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _xml_error(where, exc) from None


def _chain(first: list[Chunk], rest: Iterator[Chunk]) -> Iterator[Chunk]:
    yield from first
    yield from rest


def _xml_error(where: str | Path, exc: expat.ExpatError):
    return refuse(where, exc.lineno, f"not well-formed XML: {expat.ErrorString(exc.code)} "
                  f"(column {exc.offset + 1})")
