"""Regression: a name cell holding a placeholder ("-", "?") became the person's label, and a
cell holding only an invisible mark (a stray ZWNJ or right-to-left mark, which looks empty
in a spreadsheet) was a bad cell ("empty date", "not in Persian script"). Now a name needs
letters, and an invisible-only cell is empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.report import ImportErrors
from kg.ingest.run import run_import
from kg.store import DiskStore

HEADER = "record_id,name_fa,name_en,father_name,other_names,date_of_death\n"


def test_placeholders_and_invisible_marks(store_copy: DiskStore, import_request,
                                          tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text(HEADER + "P-1,\u200c,A,-,B;?,\u200f\nP-2,نام,B,,,\u200e \n",
                     encoding="utf-8")
    with pytest.raises(ImportErrors) as refused:
        run_import(store_copy, import_request(table))
    assert [(e.row, e.column, e.value) for e in refused.value.errors] == [
        (2, "father_name", "-"), (2, "other_names", "?")]
    assert "no letters, so not a name — leave the cell empty" in refused.value.lines()[0]
    table.write_text(HEADER + "P-1,\u200c,A,,B,\u200f\nP-2,نام,B,,,\u200e \n", encoding="utf-8")
    report = run_import(store_copy, import_request(table))
    assert sorted((c.row, c.column) for c in report.added) == [
        (2, "name_en"), (2, "other_names"), (3, "name_en"), (3, "name_fa")]
