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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.guard import InputRefused, Limits, check_table
from kg.ingest.mapping import Mapping, match_key
from kg.ingest.report import CellError

_SPREADSHEETS = {".xlsx", ".xls", ".xlsm", ".ods", ".numbers"}
#: How spreadsheet files begin (zip: xlsx, ods, numbers; OLE2: xls), whatever their name.
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
#: Other files given as a table by mistake, by how they begin, and what to do instead.
_OTHER_MAGIC = {b"\x1f\x8b": "a gzip-compressed file — unpack it first (gunzip)",
                b"%PDF": "a PDF document, not a table — export the list from the spreadsheet "
                         "it was made in as CSV in UTF-8"}
#: Delimiters other than the declared one that exported tables use.
_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars", ",": "commas"}
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


def _utf16(data: bytes) -> bool:
    """UTF-16 (or -32), with a byte order mark or without: text whose every other byte is
    NUL (Excel's "Unicode text" and many Windows tools write it)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    head = data[:4096]
    return len(head) >= 4 and head.count(0) * 3 >= len(head)


def _guess_encoding(data: bytes) -> str:
    """The likely encoding of bytes that are not UTF-8, for the error message."""
    if _utf16(data):
        return "UTF-16"
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        return "Windows-1252 or another legacy encoding"
    arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff")
    return "Windows-1256 (Arabic/Persian)" if arabic else "Windows-1252 or Latin-1"


def _declare(likely: str) -> str:
    """The dialect's encoding name for the encoding a message names as likely."""
    return "utf-16" if likely == "UTF-16" else "windows-1256"


def _ascii_compatible(codec: str) -> bool:
    return 'a,;\t|"\r\n'.encode(codec, "replace") == b'a,;\t|"\r\n'


def _declared_wrongly(data: bytes, codec: str) -> bool:
    """A legacy single-byte encoding declared for a file that is UTF-8 (it was converted as
    the first refusal advised, the metadata kept): every byte decodes, as mojibake. Or
    UTF-16 declared for a file without its NULs."""
    if _ascii_compatible(codec):
        if data.isascii():
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return codec.startswith(("utf-16", "utf-32")) and not _utf16(data)


def _codec(declared: str) -> str:
    """The codec a declared encoding names (UTF-8 if none; a BOM is read either way)."""
    codec = codecs.lookup(declared or "utf-8").name
    return "utf-8" if codec == "utf-8-sig" else codec


def decode(path: Path, data: bytes, declared: str) -> tuple[str, str]:
    """The text and the encoding used: UTF-8 (BOM or not) unless the dialect declares
    another; other bytes are refused, naming the likely encoding and the fix."""
    codec = _codec(declared)
    if _utf16(data) and _ascii_compatible(codec):
        # UTF-16 without a BOM decodes as UTF-8 (with NULs): name it before anything else.
        raise TableError(
            f"{path}:1: not {'UTF-8' if codec == 'utf-8' else declared} but UTF-16 (every "
            "other byte is NUL) — save it as UTF-8 (LibreOffice: Save As > Text CSV > "
            "Character set: Unicode (UTF-8); Excel: CSV UTF-8), or declare its encoding in "
            "the metadata: \"dialect\": {\"encoding\": \"utf-16\"}")
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
                f"{{\"encoding\": \"{_declare(likely)}\"}}") from None
    if _declared_wrongly(data, codec):
        raise TableError(
            f"{path}:1: the metadata's dialect declares {declared}, but the file is "
            f"{'UTF-8' if _ascii_compatible(codec) else 'not UTF-16'}: read as {declared} "
            "its letters would be garbled — set the dialect's encoding to utf-8 (or remove "
            "it), or save the file in the declared encoding")
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TableError(f"{path}:{line}: not {declared} as the metadata's dialect declares "
                         f"(byte {data[exc.start]:#04x}) — fix the declared encoding") from None


def parse_records(text: str, delimiter: str = ",", quotechar: str = '"',
                  doublequote: bool = True, skipinitialspace: bool = False) -> Iterator[
                      tuple[int, list[str]]]:
    """Each record and the line it starts on. Cells may be as long as the max_cell_bytes
    setting allows (the guard refuses longer ones before this runs), not only the csv
    module's default 128 KiB: the limit is raised, process-wide, to that setting."""
    limit = Limits.current().max_cell_bytes
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                        quotechar=quotechar, doublequote=doublequote,
                        skipinitialspace=skipinitialspace, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RecordError(start, reader.line_num, str(exc)) from None
        yield start, record


class RecordError(ValueError):
    """A record the csv module cannot split: where it starts, where reading stopped, why."""

    def __init__(self, start: int, stop: int, reason: str) -> None:
        super().__init__(reason)
        self.start, self.stop, self.reason = start, stop, reason


def _refuse_early(path: Path, dialect: Any, codec: str) -> None:
    """Before the file is read whole: what it is not (a directory, a spreadsheet, UTF-16
    undeclared), then the guard's bounds on its cells and lines (`kg.guard.check_table`)."""
    if path.is_dir():
        raise TableError(f"{path}: a directory, not a table — give the CSV file itself")
    if path.suffix.lower() in _SPREADSHEETS:
        raise TableError(f"{path}: a spreadsheet, not a CSV table — {_EXPORT}")
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise TableError(f"{path}: cannot read it ({exc.strerror})") from None
    if head.startswith(_SPREADSHEET_MAGIC):
        raise TableError(f"{path}: a spreadsheet (xlsx, ods or xls) saved under a CSV name, "
                         f"not a CSV table — {_EXPORT}")
    for magic, what in _OTHER_MAGIC.items():
        if head.startswith(magic):
            raise TableError(f"{path}: {what}")
    if not _ascii_compatible(codec) or _utf16(head):
        return  # decode() names UTF-16; the csv module's cell limit still holds
    try:
        # Bytes are counted, not characters: any ASCII-compatible encoding reads as latin-1
        # here; whether the text decodes is checked next, with a message naming the fix.
        check_table(path, Limits.current(), delimiter=dialect.delimiter, encoding="latin-1")
    except InputRefused as exc:
        raise TableError(str(exc)) from None


def read_table(path: Path, mapping: Mapping) -> Table:
    """Read and split the file; header problems are collected as errors, not raised."""
    dialect = mapping.dialect
    declared = dialect.python_encoding
    _refuse_early(path, dialect, _codec(declared))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"{path}: cannot read it ({exc.strerror})") from None
    text, encoding = decode(path, data, declared)
    if "\x00" in text:
        raise TableError(f"{path}: holds NUL bytes, so it is not a text table — {_EXPORT}")
    try:
        records = [record for _, record in parse_records(
            text, dialect.delimiter, dialect.quoteChar or '"', dialect.doubleQuote,
            dialect.skipInitialSpace)]
    except RecordError as exc:
        where = (f"the quoted cell that opens on line {exc.start} is never closed"
                 if "unexpected end of data" in exc.reason else exc.reason)
        raise TableError(f"{path}:{exc.start}: broken CSV quoting ({where}) — close the "
                         "quoted cell or double the quote character inside it") from None
    table = Table(path, data, hashlib.sha256(data).hexdigest(), encoding, [], [])
    if not records or not any(cell.strip() for cell in records[0]):
        raise TableError(f"{path}:1: no header line — the first row must name the columns "
                         f"({', '.join(mapping.columns)})")
    _refuse_other_delimiter(path, mapping, records[0])
    header = [cell.strip() for cell in records[0]]
    table.header = header
    unnamed = {i for i, title in enumerate(header) if not title}
    filled = {i for record in records[1:] for i in unnamed if i < len(record) and
              record[i].strip()}
    positions = _match_header(table, mapping, header, unnamed - filled)
    width = len(header)
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line is not a record
        if len(record) > width and any(c.strip() for c in record[width:]):
            extra = next(i for i in range(width, len(record)) if record[i].strip())
            table.errors.append(CellError(
                number, f"column {extra + 1}", record[extra],
                f"the row has {len(record)} cells but the header names {width} columns "
                f"— remove the extra cells or add a column name"))
        elif len(record) < width:
            table.errors.append(CellError(
                number, header[len(record)] or f"column {len(record) + 1}", "",
                f"the row has {len(record)} cells but the header names {width} columns (a "
                "delimiter may be missing, shifting the cells after it) — add the missing "
                "cells, empty ones too"))
        cells = {name: record[i] if i < len(record) else "" for name, i in positions.items()}
        if not "".join(record).isprintable():  # a ZWNJ, a mark, a newline somewhere
            # A cell of only spaces and invisible marks (a stray ZWNJ or right-to-left mark)
            # looks empty in a spreadsheet, so it is read as empty.
            for name in [n for n, text in cells.items() if text and not text.strip(_INVISIBLE)]:
                cells[name] = ""
        table.rows.append(Row(number, cells, {n: i + 1 for n, i in positions.items()}))
    if not table.rows and not table.errors:
        table.errors.append(CellError(
            2, mapping.id_column(), "", "the table has a header but no records — add the "
            "rows below the header (an empty list would remove every claim of an earlier "
            "version of it)"))
    return table


#: Marks that show nothing: zero-width (non-)joiners and spaces, direction marks and
#: embeddings, the BOM, the soft hyphen; and whitespace.
_INVISIBLE = ("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066"
              "\u2067\u2068\u2069\u061c\ufeff\u00ad \t\r\n\u00a0\u2009\u202f")


def _refuse_other_delimiter(path: Path, mapping: Mapping, header: list[str]) -> None:
    """A header that is one cell holding the column names joined by another delimiter: the
    file was exported with semicolons (a European Excel) or tabs."""
    declared = mapping.dialect.delimiter
    if len(header) > 1:
        return
    known = {match_key(title) for title in _titles(mapping)}
    for other, named in _OTHER_DELIMITERS.items():
        if other == declared:
            continue
        names = header[0].split(other)
        if len(names) > 1 and sum(match_key(n) in known for n in names) >= 2:
            shown = "\\t" if other == "\t" else other
            raise TableError(
                f"{path}:1: the columns are separated by {named} ({other!r}), not by "
                f"{declared!r} as the mapping declares — export the table with "
                f"{_OTHER_DELIMITERS.get(declared, repr(declared))}, or declare the "
                f"delimiter in metadata beside it ({path.name}-metadata.json, started from "
                f"`kg import-template victims`, with \"dialect\": {{\"delimiter\": "
                f"\"{shown}\"}}) and import without --template")


def _titles(mapping: Mapping) -> dict[str, str]:
    """Every header text a column may have -> its name: the name and the CSVW `titles`."""
    out: dict[str, str] = {}
    for name, spec in mapping.columns.items():
        titles = spec.csvw.titles
        for title in [name] + [t for ts in (titles.values() if titles else ()) for t in ts]:
            out.setdefault(title, name)
    return out


def _match_header(table: Table, mapping: Mapping, header: list[str], ignored: set[int]
                  ) -> dict[str, int]:
    """Column name -> index in the file; unknown and repeated names are errors (an unnamed
    column with no values, as spreadsheets export after the last one, is ignored)."""
    known = {match_key(title): name for title, name in _titles(mapping).items()}
    positions: dict[str, int] = {}
    for i, title in enumerate(header):
        if i in ignored:
            continue
        name = known.get(match_key(title))
        if not title:
            table.errors.append(CellError(
                1, f"column {i + 1}", title, "a column without a name holds values — name it "
                f"(one of {', '.join(mapping.columns)}) or remove it"))
        elif name is None:
            table.errors.append(CellError(
                1, title or f"column {i + 1}", title,
                "not a column of this mapping — rename it to one of "
                f"{', '.join(mapping.columns)}, or describe it in the metadata (with "
                "\"suppressOutput\": true to leave it out)"))
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
