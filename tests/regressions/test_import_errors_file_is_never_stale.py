"""Regression: `kg import --errors OUT.csv` wrote the file only when cells were bad, so after
a run refused as a whole (a semicolon-delimited file, bad metadata) or a clean import, the
OUT.csv of an earlier run was still there, listing errors this run did not have. Now the
file is written on every run: the cells' errors, one line for a whole-file refusal, or only
the header when the table imported. A blank or letterless --publisher ("  ", "...") was
accepted and minted the organisation <id/org/>; it is refused like a missing one."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest.mapping import MappingError
from kg.ingest.run import run_import
from kg.store import DiskStore


def _errors(table: Path, store_dir: Path, out: Path) -> list[dict[str, str]]:
    result = subprocess.run(
        [sys.executable, "-m", "kg", "import", str(table), "--template", "victims", "--title",
         "T", "--publisher", "P", "--store", str(store_dir), "--skip-matching", "--errors",
         str(out)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_run_writes_its_own_errors(store_copy: DiskStore, tmp_path: Path) -> None:
    store_dir = store_copy.path
    table, out = tmp_path / "list.csv", tmp_path / "reports" / "errors.csv"
    table.write_text("record_id,name_en,name_en\nE-1,A,B\n", encoding="utf-8")
    assert [(r["row"], r["column"]) for r in _errors(table, store_dir, out)] == [
        ("1", "name_en")]
    table.write_text("record_id;name_en\nE-1;A\n", encoding="utf-8")
    (refusal,) = _errors(table, store_dir, out)
    assert refusal["row"] == "" and "separated by semicolons" in refusal["message"]
    table.write_text("record_id,name_en\nE-1,A\n", encoding="utf-8")
    assert _errors(table, store_dir, out) == []


@pytest.mark.parametrize("publisher", ["  ", "..."])
def test_a_blank_publisher_is_refused(store_copy: DiskStore, import_request, tmp_path: Path,
                                      publisher: str) -> None:
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en\nE-1,A\n", encoding="utf-8")
    with pytest.raises(MappingError, match="needs a title and a publisher"):
        run_import(store_copy, import_request(table, publisher=publisher))
