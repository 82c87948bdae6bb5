"""Regression: the CSV files written for review in a spreadsheet (`kg import --errors`,
`kg import --candidates`, `kg match`) copied cells verbatim, so an imported cell such as
=HYPERLINK("http://…","click") became a live formula when the file was opened (CSV
injection). Now a text cell that would start a formula begins with an apostrophe."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from kg.ingest.report import review_csv
from kg.store import DiskStore

FORMULA = '=HYPERLINK("http://example.org/","click")'


def test_an_errors_file_shows_a_formula_as_text(store_copy: DiskStore, tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    errors = tmp_path / "errors.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["record_id", "name_en", "age"], ["R-1", "A", FORMULA],
                                      ["R-2", "B", "-5"]])
    result = subprocess.run(
        [sys.executable, "-m", "kg", "import", str(table), "--template", "victims", "--title",
         "T", "--publisher", "P", "--store", str(store_copy.path), "--errors", str(errors)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    rows = list(csv.DictReader(io.StringIO(errors.read_text(encoding="utf-8"))))
    assert [r["value"] for r in rows] == ["'" + FORMULA, "'-5"]


def test_numbers_and_plain_text_are_left_as_they_are() -> None:
    text = review_csv(["a", "b", "c", "d"], [[3, "-2", "@x", "Evin Prison"], [-1.5, "", "x", "="]])
    assert list(csv.reader(io.StringIO(text)))[1:] == [["3", "'-2", "'@x", "Evin Prison"],
                                                       ["-1.5", "", "x", "'="]]
