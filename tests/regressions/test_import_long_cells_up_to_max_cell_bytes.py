"""Regression: a cell longer than the csv module's default 131,072 characters (a long note)
was refused as "broken CSV quoting (field larger than field limit)", although the
max_cell_bytes setting allows 1,000,000 bytes, and the table guard (`kg.guard.check_table`)
that the README says runs before import was never called. Now such a cell imports and its
evidence verifies; a cell past max_cell_bytes is refused by the guard, naming the setting,
before the file is read; an unclosed quote is reported on the line where it opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.cells import verify_cells
from kg.ingest.run import run_import
from kg.ingest.table import TableError
from kg.store import DiskStore


def test_a_200kb_cell_imports_and_verifies(store_copy: DiskStore, import_request,
                                           tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text(f"record_id,name_en,note\nL-1,A,\"{'note ' * 40_000}\"\n",
                     encoding="utf-8")
    report = run_import(store_copy, import_request(table))
    assert sorted(c.column for c in report.added) == ["name_en", "note"]
    check = verify_cells([store_copy.path / "archive"], store_copy.dataset("full"))
    assert len(check.annotations) == 2 and not check.failures


def test_a_cell_past_the_setting_is_refused_naming_it(
        store_copy: DiskStore, import_request, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_MAX_CELL_BYTES", "1000")
    table = tmp_path / "list.csv"
    table.write_text(f"record_id,name_en,note\nL-1,A,ok\nL-2,B,{'x' * 2000}\n",
                     encoding="utf-8")
    version = store_copy.version
    with pytest.raises(TableError, match=r"list\.csv:3: a cell longer than 1000 bytes.*"
                                         "KG_MAX_CELL_BYTES"):
        run_import(store_copy, import_request(table))
    assert store_copy.version == version


def test_an_unclosed_quote_is_reported_where_it_opens(store_copy: DiskStore, import_request,
                                                      tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text('record_id,name_en,note\nL-1,A,"never closed\nL-2,B,x\nL-3,C,y\n',
                     encoding="utf-8")
    with pytest.raises(TableError, match=r"list\.csv:2: .*opens on line 2 is never closed"):
        run_import(store_copy, import_request(table))
