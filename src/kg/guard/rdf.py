"""The check every RDF file passes before a parser sees it, by format."""

from __future__ import annotations

from pathlib import Path

from kg.formats import Format
from kg.guard.jsonld import JsonLd
from kg.guard.limits import Limits
from kg.guard.nesting import LINE_MARKS, MARKS, Nesting
from kg.guard.rdfxml import check_rdfxml
from kg.guard.stream import chunks


def check_rdf(path: Path, fmt: Format, limits: Limits) -> None:
    """Refuse (InputRefused naming the file, the line and the reason) what would exhaust
    memory, time or stack in the parser; return when `path` may be parsed as `fmt`.

    Streams the file once (unpacking .gz): memory is bounded by `limits.max_line_bytes`.
    """
    lines = chunks(path, limits, what=fmt.label)
    if fmt.name == "rdfxml":
        check_rdfxml(path, lines, limits)
        return
    if fmt.name == "jsonld":
        scanner: Nesting | JsonLd = JsonLd(path, limits.max_nesting)
    else:
        marks = LINE_MARKS if fmt.name in ("nt", "nq") else MARKS
        scanner = Nesting(path, limits.max_nesting, limits.max_line_bytes, marks)
    for chunk in lines:
        scanner.feed(chunk)
