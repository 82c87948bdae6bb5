"""Reading a table file: its bytes and hash, its encoding, its rows numbered as RFC 7111
numbers them, and its header matched to the mapping's columns.

Why not csvw's own reader: evidence needs each cell's exact text and its RFC 7111 position
(records counted from the header line, which is row 1, so a quoted cell spanning lines still
counts as one row), and the importer must report every problem of the file at once, while
`csvw.Table.iterdicts` reports physical line numbers and stops or skips at bad rows. The
metadata's dialect (encoding, delimiter, quote character, header) is honoured here; typing
cells stays with csvw (`ColumnSpec.read`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.ingest.mapping import Mapping
from kg.ingest.report import CellError

_SPREADSHEETS = {".xlsx", ".xls", ".xlsm", ".ods", ".numbers"}
_EXPORT = ("export it as CSV in UTF-8: LibreOffice: File > Save As > Text CSV, character set "
           "Unicode (UTF-8); Excel: File > Save As > CSV UTF-8 (Comma delimited)")


class TableError(KgError):
    """The file cannot be read as a table at all (not one cell can be trusted)."""


@dataclass(frozen=True)
class Row:
    """One record: its RFC 7111 row number (the header is row 1) and its cells."""

    number: int
    cells: dict[str, str]
    #: RFC 7111 column number (1-based) of each mapped column.
    columns: dict[str, int]


@dataclass
class Table:
    """A table's bytes, hash and rows, and what was wrong with its header."""

    path: Path
    data: bytes
    sha256: str
    encoding: str
    header: list[str]
    rows: list[Row]
    errors: list[CellError] = field(default_factory=list)


def _guess_encoding(data: bytes) -> str:
    """The likely encoding of bytes that are not UTF-8, for the error message."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        return "Windows-1252 or another legacy encoding"
    arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff")
    return "Windows-1256 (Arabic/Persian)" if arabic else "Windows-1252 or Latin-1"


def decode(path: Path, data: bytes, declared: str) -> tuple[str, str]:
    """The text and the encoding used: UTF-8 (BOM or not) unless the dialect declares
    another; other bytes are refused, naming the likely encoding and the fix."""
    codec = codecs.lookup(declared or "utf-8").name
    if codec == "utf-8":
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            likely = _guess_encoding(data)
            raise TableError(
                f"{path}:{line}: not UTF-8 (it looks like {likely}) — save it as UTF-8 "
                f"(LibreOffice: Save As > Text CSV > Character set: Unicode (UTF-8); Excel: "
                f"CSV UTF-8), or declare its encoding in the metadata: \"dialect\": "
                f"{{\"encoding\": \"windows-1256\"}}") from None
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TableError(f"{path}:{line}: not {declared} as the metadata's dialect declares "
                         f"(byte {data[exc.start]:#04x}) — fix the declared encoding") from None


def read_table(path: Path, mapping: Mapping) -> Table:
    """Read and split the file; header problems are collected as errors, not raised."""
    if path.suffix.lower() in _SPREADSHEETS:
        raise TableError(f"{path}: a spreadsheet, not a CSV table — {_EXPORT}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"{path}: cannot read it ({exc.strerror})") from None
    dialect = mapping.dialect
    text, encoding = decode(path, data, dialect.encoding)
    if "\x00" in text:
        raise TableError(f"{path}: holds NUL bytes, so it is not a text table — {_EXPORT}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter,
                        quotechar=dialect.quoteChar or '"', doublequote=dialect.doubleQuote,
                        skipinitialspace=dialect.skipInitialSpace, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise TableError(f"{path}:{reader.line_num}: broken CSV quoting ({exc}) — close the "
                         "quoted cell or double the quote character inside it") from None
    table = Table(path, data, hashlib.sha256(data).hexdigest(), encoding, [], [])
    if not records or not any(cell.strip() for cell in records[0]):
        raise TableError(f"{path}:1: no header line — the first row must name the columns "
                         f"({', '.join(mapping.columns)})")
    header = [cell.strip() for cell in records[0]]
    table.header = header
    positions = _match_header(table, mapping, header)
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line is not a record
        if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
            table.errors.append(CellError(
                number, "", record[len(header)],
                f"the row has {len(record)} cells but the header names {len(header)} columns "
                f"— remove the extra cells or add a column name"))
        cells = {name: record[i] if i < len(record) else "" for name, i in positions.items()}
        table.rows.append(Row(number, cells, {n: i + 1 for n, i in positions.items()}))
    return table


def _match_header(table: Table, mapping: Mapping, header: list[str]) -> dict[str, int]:
    """Column name -> index in the file; unknown and repeated names are errors."""
    known = {name.casefold(): name for name in mapping.columns}
    positions: dict[str, int] = {}
    for i, title in enumerate(header):
        name = known.get(title.casefold())
        if name is None:
            table.errors.append(CellError(
                1, title or f"column {i + 1}", title,
                "not a column of this mapping — rename it to one of "
                f"{', '.join(mapping.columns)}, or describe it in the metadata"))
        elif name in positions:
            table.errors.append(CellError(1, name, title, "the column appears twice — keep one"))
        else:
            positions[name] = i
    for name, spec in mapping.columns.items():
        if spec.csvw.required and name not in positions:
            table.errors.append(CellError(1, name, "", "required column missing — add it to "
                                                       "the header"))
    for group in mapping.require_one_of:
        if not any(name in positions for name in group):
            table.errors.append(CellError(1, group[0], "", f"one of the columns "
                                          f"{' or '.join(group)} is needed — add one"))
    return positions
