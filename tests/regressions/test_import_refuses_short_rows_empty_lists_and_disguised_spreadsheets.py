"""Regression: a row with fewer cells than the header was padded silently (a missing
delimiter shifts every later cell into the wrong column, and so into the wrong claim); an
extra cell was reported as `FILE:ROW::` with no column; a header-only table imported as a
source with no claims (and as a new version of a list would remove every claim of it); and
an .xlsx saved under a .csv name was read as a header of binary garbage (a gzipped or PDF
file was "not UTF-8, it looks like Windows-1252"). Each is now one
`FILE:ROW:COLUMN: 'value': what is wrong — the fix` line (or a one-line refusal), exit 1,
and the store unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest.report import ImportErrors
from kg.ingest.run import run_import
from kg.ingest.table import TableError
from kg.store import DiskStore


def test_short_and_long_rows_name_their_column(store_copy: DiskStore, tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en,age\nR-1,A,30\nR-2,B 31\nR-3,C,32,extra\n",
                     encoding="utf-8")
    version = store_copy.version
    result = subprocess.run(
        [sys.executable, "-m", "kg", "import", str(table), "--template", "victims", "--title",
         "T", "--publisher", "P", "--store", str(store_copy.path)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(table))]
    # The first missing cell by its header name; a cell beyond the header by its number.
    assert [line.split(":")[1:3] for line in lines] == [["3", "age"], ["4", "column 4"]]
    assert "a delimiter may be missing" in lines[0] and " — add the missing cells" in lines[0]
    assert "'extra'" in lines[1]
    assert store_copy.version == version


def test_a_header_only_table_is_refused(store_copy: DiskStore, import_request,
                                        tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en,age\nR-1,A,30\n", encoding="utf-8")
    run_import(store_copy, import_request(table))
    table.write_text("record_id,name_en,age\n\n", encoding="utf-8")
    version = store_copy.version
    with pytest.raises(ImportErrors) as refused:
        run_import(store_copy, import_request(table))
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "record_id")]
    assert "header but no records" in refused.value.lines()[0]
    assert store_copy.version == version


@pytest.mark.parametrize(("start", "message"), [
    (b"PK\x03\x04\x14\x00\x06\x00", r"a spreadsheet .* CSV UTF-8"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", r"a spreadsheet .* CSV UTF-8"),
    (b"\x1f\x8b\x08\x00", "a gzip-compressed file — unpack it first"),
    (b"%PDF-1.4\n", "a PDF document, not a table — export"),
])
def test_other_files_under_a_csv_name(store_copy: DiskStore, import_request, tmp_path: Path,
                                      start: bytes, message: str) -> None:
    table = tmp_path / "list.csv"
    table.write_bytes(start + bytes(range(256)) * 4)
    with pytest.raises(TableError, match=r"list\.csv: " + message):
        run_import(store_copy, import_request(table))
