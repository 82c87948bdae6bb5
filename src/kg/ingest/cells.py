"""Cell evidence: proving that each imported claim's cell still holds its text in the archived
table whose SHA-256 the source records, and the short text pages show for it
("row 12, date_of_death: ۱۳۶۷/۰۵/۱۰").

A cell is selected by an RFC 7111 fragment (`cell=ROW,COL`, the header line is row 1) and
quoted whole by a TextQuoteSelector, or, when longer than a short quote, by the SHA-256 of
its text (`kg:textSha256`), so the graph never holds a long run of the table's words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.evidence import RFC7111, QuoteFailure, cell_ref, parse_fragment
from kg.ingest.table import RecordError, TableError, decode, parse_records

CELLS_QUERY = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX csvw: <http://www.w3.org/ns/csvw#>
SELECT ?annotation ?source ?file ?hash ?fragment ?exact ?digest ?encoding ?delimiter WHERE {
  ?annotation oa:hasTarget ?target .
  ?target oa:hasSource ?source ; oa:hasSelector ?cell .
  ?cell dcterms:conformsTo <""" + RFC7111 + """> ; rdf:value ?fragment .
  OPTIONAL { ?target oa:hasSelector ?quote . ?quote rdf:type oa:TextQuoteSelector ;
             oa:exact ?exact }
  OPTIONAL { ?cell kg:textSha256 ?digest }
  OPTIONAL { ?source kg:archivedText ?file }
  OPTIONAL { ?source kg:sha256 ?hash }
  OPTIONAL { ?source csvw:dialect ?d . OPTIONAL { ?d csvw:encoding ?encoding }
             OPTIONAL { ?d csvw:delimiter ?delimiter } }
}
ORDER BY ?source ?annotation
"""


def display(row: int, column: str, text: str) -> str:
    """How a page shows a cell's evidence: 'row 12, date_of_death: ۱۳۶۷/۰۵/۱۰'."""
    return f"row {row}, {column}: {text}"


def _records(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    text, _ = decode(path, path.read_bytes(), encoding)
    return [record for _, record in parse_records(text, delimiter)]


def _find(file: str, folders: Sequence[Path]) -> Path | None:
    for folder in folders:
        if (folder / file).is_file():
            return folder / file
    return None


@dataclass
class CellCheck:
    """The cells checked: their annotations, how many quote their cell, what failed."""

    annotations: set[str] = field(default_factory=set)
    quotes: int = 0
    failures: list[QuoteFailure] = field(default_factory=list)


def _table(src: str, file: str, digest: str, row: ox.QuerySolution, folders: Sequence[Path]
           ) -> list[list[str]] | QuoteFailure:
    """A source's archived table as records, or why its cells cannot be checked."""
    path = _find(file, folders)
    if path is None:
        return QuoteFailure(src, "", "archived table missing",
                            " or ".join(str(f / file) for f in folders), "no such file")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != digest:
        return QuoteFailure(src, "", "archived table hash differs", digest, actual)
    encoding = row["encoding"].value if row["encoding"] else "utf-8"
    delimiter = row["delimiter"].value if row["delimiter"] else ","
    try:
        return _records(path, encoding, delimiter)
    except (TableError, RecordError) as exc:
        return QuoteFailure(src, "", "archived table unreadable", "a CSV table", str(exc))


def verify_cells(folders: Sequence[Path], dataset: ox.Store) -> CellCheck:
    """Every cell selector checked: the archived table is found (in the first folder that
    has it) and has the recorded hash, then the cell holds the quoted text (or text with the
    recorded hash)."""
    check = CellCheck()
    failures = check.failures
    tables: dict[str, list[list[str]] | QuoteFailure] = {}
    for row in dataset.query(CELLS_QUERY, use_default_graph_as_union=True):
        ann, src = row["annotation"].value, row["source"].value
        check.annotations.add(ann)
        check.quotes += row["exact"] is not None

        def fail(problem: str, expected: str, found: str, ann: str = ann, src: str = src) -> None:
            failures.append(QuoteFailure(src, ann, problem, expected, found))

        file, digest = row["file"], row["hash"]
        if file is None or digest is None:
            fail("source lacks kg:archivedText or kg:sha256", "archived table with hash", "none")
            continue
        if src not in tables:
            tables[src] = _table(src, file.value, digest.value, row, folders)
        records = tables[src]
        if isinstance(records, QuoteFailure):  # every cell of the table fails with it
            fail(records.problem, records.expected, records.found)
            continue
        fragment = row["fragment"].value
        try:
            r, c = parse_fragment(fragment)
            cell = records[r - 1][c - 1] if c is not None else None
        except (ValueError, IndexError):
            fail(f"no cell {fragment} in the table", fragment, "outside the table")
            continue
        if row["exact"] is not None and cell != row["exact"].value:
            fail(f"cell {fragment} does not hold the quoted text", row["exact"].value,
                 cell or "")
        elif row["digest"] is not None and cell is not None and \
                hashlib.sha256(cell.encode("utf-8")).hexdigest() != row["digest"].value:
            fail(f"cell {fragment} does not have the recorded text hash", row["digest"].value,
                 hashlib.sha256(cell.encode("utf-8")).hexdigest())
    return check



_DISPLAY_QUERY = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?annotation ?fragment ?where ?exact ?value WHERE {
  ?annotation oa:hasTarget ?target .
  ?target oa:hasSelector ?cell .
  ?cell dcterms:conformsTo <""" + RFC7111 + """> ; rdf:value ?fragment .
  OPTIONAL { ?cell rdfs:label ?where }
  OPTIONAL { ?target oa:hasSelector ?quote . ?quote rdf:type oa:TextQuoteSelector ;
             oa:exact ?exact }
  OPTIONAL { ?annotation oa:hasBody/kg:value ?value . FILTER(isLiteral(?value)) }
}
"""


def evidence_text(dataset: ox.Store, annotation: str) -> str | None:
    """What a page shows for a cell annotation ("row 12, date_of_death: ۱۳۶۷/۰۵/۱۰"), or
    None if `annotation` does not select a table cell. A cell too long to quote shows the
    claim's short excerpt."""
    rows = list(dataset.query(_DISPLAY_QUERY, use_default_graph_as_union=True,
                              substitutions={ox.Variable("annotation"):
                                             ox.NamedNode(annotation)}))
    if not rows:
        return None
    row = rows[0]
    text = row["exact"] or row["value"]
    cell = cell_ref(row["fragment"].value, row["where"].value if row["where"] else None,
                    text.value if text is not None else None)
    column = cell.column or (f"column {cell.col}" if cell.col else None)
    where = f"row {cell.row}" + (f", {column}" if column else "")
    return f"{where}: {cell.text}" if cell.text is not None else where
