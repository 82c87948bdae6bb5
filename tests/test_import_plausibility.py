"""`kg.ingest.plausibility`: a row that contradicts itself (born after its death, an age the
dates rule out) is reported, and imported as the list gives it; dates known only to the
year, or in the Solar Hijri calendar, are never called inconsistent when a reading fits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.ingest.plausibility import AGE, BIRTH, DEATH, Given, row_warnings
from kg.ingest.run import ImportRequest, run_import
from kg.store import DiskStore
from kg.written_dates import read_date


def _given(birth: str, death: str, age: int | None = None) -> dict[str, Given]:
    b, d = read_date(birth).date, read_date(death).date
    out = {BIRTH: Given("birth_year", birth, (b.earliest, b.latest)),
           DEATH: Given("date_of_death", death, (d.earliest, d.latest))}
    if age is not None:
        out[AGE] = Given("age", str(age), years=age)
    return out


@pytest.mark.parametrize(("birth", "death", "age"), [
    ("1960", "1988-08-01", 27), ("1960", "1988-08-01", 28),  # a year of birth: 27 or 28
    ("1340", "1367/05/10", 26), ("1340", "1367/05/10", 27),  # a Solar Hijri year straddles
    ("1961-09-01", "1988-08-01", 26), ("1988", "1988", 0), ("1950", "1367", None)])
def test_rows_some_reading_fits_pass(birth: str, death: str, age: int | None) -> None:
    assert row_warnings(_given(birth, death, age)) == []


def test_a_birth_after_the_death_is_said() -> None:
    (warning,) = row_warnings(_given("1990", "1988-08-01"))
    assert warning == "born '1990' (birth_year) after dying '1988-08-01' (date_of_death)"


@pytest.mark.parametrize(("birth", "death", "age", "fits"), [
    ("1960", "1988-08-01", 50, "27-28"), ("1340", "1367/05/10", 28, "26-27"),
    ("1961-09-01", "1988-08-01", 27, "26")])
def test_an_age_the_dates_rule_out_is_said(birth: str, death: str, age: int, fits: str) -> None:
    (warning,) = row_warnings(_given(birth, death, age))
    assert warning.endswith(f"(which give {fits})")


def test_the_import_reports_them_and_imports_the_rows(built_store_dir: Path,
                                                      tmp_path: Path) -> None:
    shutil.copytree(built_store_dir, tmp_path / "store")
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en,birth_year,date_of_death,age\n"
                     "P-1,One Person,1990,1988-08-01,\nP-2,Two Person,1960,1988-08-01,28\n",
                     encoding="utf-8")
    with DiskStore(tmp_path / "store") as store:
        report = run_import(store, ImportRequest(table, template="victims", title="A list",
                                                 publisher="Example Centre", candidates=False))
    assert [w.row for w in report.row_warnings] == [2]
    assert "row 2: born '1990' (birth_year) after dying" in report.text()
    assert len(report.added) == 7  # every cell imported as the list gives it
