"""Regression: a range of Solar Hijri days written with slashes ("1367/05/10 - 1367/05/20",
"۱۳۶۷/۰۵/۱۰ تا ۱۳۶۷/۰۵/۲۰") was not a date, because the range was split at every slash;
"مرداد ماه ۱۳۶۷" (the month's name followed by "month", as Persian often writes it) was not
a date either, nor were a hyphen between two years ("1367-1368"), a month before its year
("08/1988", "05/1367") or a comma after the month ("10 August, 1988"); and a birth year or
date of death in the future (2030) was imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.report import ImportErrors
from kg.ingest.run import run_import
from kg.store import DiskStore
from kg.written_dates import read_date

SPANS = {
    "1367/05/10 - 1367/05/20": ("1988-08-01", "1988-08-11"),
    "۱۳۶۷/۰۵/۱۰ تا ۱۳۶۷/۰۵/۲۰": ("1988-08-01", "1988-08-11"),
    "1988-07/1988-09": ("1988-07-01", "1988-09-30"),
    "مرداد ماه ۱۳۶۷": ("1988-07-23", "1988-08-22"),
    "مهر\u200cماه ۱۳۶۷": ("1988-09-23", "1988-10-22"),
    "۱۰ مرداد ماه ۱۳۶۷": ("1988-08-01", "1988-08-01"),
    "1367-1368": ("1988-03-21", "1990-03-20"),
    "1988-1989": ("1988-01-01", "1989-12-31"),
    "08/1988": ("1988-08-01", "1988-08-31"),
    "۰۵/۱۳۶۷": ("1988-07-23", "1988-08-22"),
    "10 August, 1988": ("1988-08-10", "1988-08-10"),
}


@pytest.mark.parametrize("text", list(SPANS))
def test_read(text: str) -> None:
    date = read_date(text).date
    assert (date.earliest.isoformat(), date.latest.isoformat()) == SPANS[text]


def test_imported_and_future_dates_refused(store_copy: DiskStore, import_request,
                                           tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    rows = "".join(f"S-{i},A{i},,\"{text}\"\n" for i, text in enumerate(SPANS))
    table.write_text("record_id,name_en,birth_year,date_of_death\n" + rows
                     + "S-99,Z,2030,2031-01-01\n", encoding="utf-8")
    with pytest.raises(ImportErrors) as refused:
        run_import(store_copy, import_request(table))
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (len(SPANS) + 2, "birth_year"), (len(SPANS) + 2, "date_of_death")]
    assert "in the future (from 2030-01-01) — correct the date" in refused.value.lines()[0]
    table.write_text("record_id,name_en,birth_year,date_of_death\n" + rows, encoding="utf-8")
    report = run_import(store_copy, import_request(table))
    assert len([c for c in report.added if c.column == "date_of_death"]) == len(SPANS)
