"""Regression: a semicolon- or tab-delimited table (as European Excel and "Unicode text"
exports write them) was reported as one unknown column named after the whole header line,
plus an empty record id on every row; a dialect delimiter of two characters crashed with a
TypeError; `"header": false`, `skipRows` and other dialect settings were silently ignored
(the first line still read as the header). Now the delimiter is named with the fix, a
declared one is read (and its cells verify), and dialects kg cannot honour are refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest.cells import verify_cells
from kg.ingest.mapping import MappingError
from kg.ingest.run import run_import
from kg.ingest.table import TableError
from kg.store import DiskStore

ROWS = [["record_id", "name_fa", "name_en", "age"], ["D-1", "نمونه", "Example, Jr", "30"]]


@pytest.mark.parametrize(("delimiter", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_another_delimiter_is_named_then_read_when_declared(
        store_copy: DiskStore, import_request, template_metadata, tmp_path: Path,
        delimiter: str, named: str) -> None:
    table = tmp_path / "list.csv"
    table.write_text("\n".join(delimiter.join(r) for r in ROWS) + "\n", encoding="utf-8")
    with pytest.raises(TableError, match=rf"list\.csv:1: the columns are separated by {named}"
                                         r".*\"dialect\": \{\"delimiter\""):
        run_import(store_copy, import_request(table))
    report = run_import(store_copy, import_request(table,
                                                   template_metadata(delimiter=delimiter)))
    assert sorted(c.text for c in report.added) == ["30", "Example, Jr", "نمونه"]
    check = verify_cells([store_copy.path / "archive"], store_copy.dataset("full"))
    assert len(check.annotations) == 3 and not check.failures


@pytest.mark.parametrize(("dialect", "message"), [
    ({"delimiter": ";;"}, "delimiter ';;' is not one character"),
    ({"header": False}, "dialect header false is not supported"),
    ({"skipRows": 1}, "dialect skipRows 1 is not supported"),
    ({"quoteChar": "'"}, "dialect quoteChar \"'\" is not supported"),
])
def test_dialects_kg_would_misread_are_refused(store_copy: DiskStore, import_request,
                                               template_metadata, tmp_path: Path,
                                               dialect: dict, message: str) -> None:
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en\nD-1,A\n", encoding="utf-8")
    version = store_copy.version
    with pytest.raises(MappingError, match=message):
        run_import(store_copy, import_request(table, template_metadata(**dialect)))
    assert store_copy.version == version


def test_the_cli_shows_no_traceback(store_copy: DiskStore, template_metadata,
                                    tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en\nD-1,A\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kg", "import", str(table), "--metadata",
         str(template_metadata(delimiter=";;")), "--title", "T", "--publisher", "P",
         "--store", str(store_copy.path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not one character" in result.stderr
