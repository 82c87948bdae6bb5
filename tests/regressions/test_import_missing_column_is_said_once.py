"""Regression: a table without a record_id column (or without name_fa and name_en) got the
header's error and then the same complaint again on every row ("the record id is empty",
"no name"): a thousand lines for one missing column, with the cells' real errors lost among
them. Now the header says it once, the other cells' errors are still all reported, and an age
that is not a number says so in words ("not a number", not csvw's "invalid lexical value")."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.report import ImportErrors
from kg.ingest.run import run_import
from kg.store import DiskStore


@pytest.mark.parametrize(("header", "column"), [("name_en,age", "record_id"),
                                                ("record_id,age", "name_fa")])
def test_said_once(store_copy: DiskStore, import_request, tmp_path: Path, header: str,
                   column: str) -> None:
    table = tmp_path / "list.csv"
    table.write_text(f"{header}\nA,30\nB,x\nC,27.5\nD,31\n", encoding="utf-8")
    with pytest.raises(ImportErrors) as refused:
        run_import(store_copy, import_request(table))
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (1, column), (3, "age"), (4, "age")]
    assert "'x': not a number — write a whole number" in refused.value.lines()[1]
    assert "'27.5': not a whole number — write a whole number" in refused.value.lines()[2]
