"""Regression: a header written "Date of death" or "Name-EN" was refused as not a column
(only case was ignored), CSVW `titles` declared in the metadata were not used to match the
header at all, and the empty column that spreadsheets export after the last one (a trailing
comma) was an error "'': not a column of this mapping". Now case, spaces, hyphens and
underscores do not count, a column's titles match, and an unnamed column is an error only
when it holds values."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.report import ImportErrors
from kg.ingest.run import run_import
from kg.store import DiskStore


def test_spaces_hyphens_and_a_trailing_empty_column(store_copy: DiskStore, import_request,
                                                    tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text(" Record ID ,Name-EN,Date of death,\nH-1,A,1988,\nH-2,B,1367,\n",
                     encoding="utf-8")
    report = run_import(store_copy, import_request(table))
    assert sorted((c.row, c.column) for c in report.added) == [
        (2, "date_of_death"), (2, "name_en"), (3, "date_of_death"), (3, "name_en")]


def test_an_unnamed_column_with_values_is_an_error(store_copy: DiskStore, import_request,
                                                   tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en,\nH-1,A,\nH-2,B,stray\n", encoding="utf-8")
    with pytest.raises(ImportErrors) as refused:
        run_import(store_copy, import_request(table))
    assert [(e.row, e.column) for e in refused.value.errors] == [(1, "column 3")]
    assert "a column without a name holds values — name it" in refused.value.lines()[0]


def test_csvw_titles_match_the_header(store_copy: DiskStore, import_request, template_metadata,
                                      tmp_path: Path) -> None:
    def titled(meta: dict) -> None:
        for column in meta["tableSchema"]["columns"]:
            if column["name"] == "date_of_death":
                column["titles"] = {"fa": ["تاریخ اعدام"], "en": ["Executed on"]}

    table = tmp_path / "list.csv"
    # Written with an Arabic yeh (ي), as the title is not: letter variants do not count.
    table.write_text("record_id,name_en,تاريخ اعدام\nH-1,A,۱۳۶۷/۰۵/۱۰\n", encoding="utf-8")
    report = run_import(store_copy, import_request(table, template_metadata(titled)))
    assert ("date_of_death", "۱۳۶۷/۰۵/۱۰") in {(c.column, c.text) for c in report.added}
