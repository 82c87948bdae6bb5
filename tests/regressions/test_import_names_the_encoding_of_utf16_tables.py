"""Regression: a UTF-16 table without a byte order mark (every other byte NUL) was refused as
"holds NUL bytes, so it is not a text table", and one with a BOM was told to declare
"windows-1256"; a dialect encoding csvw knows by another name ("UTF-8-BOM") crashed with a
LookupError, and one nobody knows ("klingon") was silently read as UTF-8. Now UTF-16 is named
with the fix (`"encoding": "utf-16"`), read when declared, and its cells verify; unknown
encodings are refused by the metadata check."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.cells import verify_cells
from kg.ingest.mapping import MappingError
from kg.ingest.run import run_import
from kg.ingest.table import TableError
from kg.store import DiskStore

TEXT = "record_id,name_fa,name_en\r\nU-1,نمونه,Example\r\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_is_named_with_the_fix(store_copy: DiskStore, import_request, tmp_path: Path,
                                     codec: str) -> None:
    table = tmp_path / "list.csv"
    table.write_bytes(TEXT.encode(codec))
    version = store_copy.version
    with pytest.raises(TableError, match=r"list\.csv:1: .*UTF-16.*\"encoding\": \"utf-16\""):
        run_import(store_copy, import_request(table))
    assert store_copy.version == version


def test_declared_utf16_is_read_and_its_cells_verify(store_copy: DiskStore, import_request,
                                                     template_metadata, tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_bytes(TEXT.encode("utf-16"))
    report = run_import(store_copy, import_request(table, template_metadata(encoding="utf-16")))
    assert sorted(c.text for c in report.added) == ["Example", "نمونه"]
    check = verify_cells([store_copy.path / "archive"], store_copy.dataset("full"))
    assert len(check.annotations) == 2 and not check.failures


def test_encodings_csvw_renames_or_does_not_know(store_copy: DiskStore, import_request,
                                                 template_metadata, tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    report = run_import(store_copy, import_request(table,
                                                   template_metadata(encoding="UTF-8-BOM")))
    assert len(report.added) == 2
    with pytest.raises(MappingError, match="encoding 'klingon' is not an encoding"):
        run_import(store_copy, import_request(table, template_metadata(encoding="klingon")))
