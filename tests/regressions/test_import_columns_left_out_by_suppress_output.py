"""Regression: a list with columns of its own that are not for kg (comments, a source
column) could not be imported without deleting them from the file: the mapping refused a
column that says neither what its cells become nor a role. CSVW's `suppressOutput: true`
now leaves such a column out (its cells stay in the archived file), and does so for a
column that names a property too."""

from __future__ import annotations

from pathlib import Path

from kg.ingest.run import run_import
from kg.store import DiskStore


def _leave_out(meta: dict) -> None:
    columns = meta["tableSchema"]["columns"]
    columns.append({"name": "comments", "suppressOutput": True})
    for column in columns:
        if column["name"] == "note":
            column["suppressOutput"] = True


def test_suppressed_columns_are_read_but_not_imported(store_copy: DiskStore, import_request,
                                                      template_metadata,
                                                      tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en,note,comments\nS-1,One Person,a note,internal remark\n",
                     encoding="utf-8")
    report = run_import(store_copy, import_request(table, template_metadata(_leave_out)))
    assert [(c.row, c.column) for c in report.added] == [(2, "name_en")]
    for text in ("internal remark", "a note"):
        assert not bool(store_copy.query(f'ASK {{ ?s ?p "{text}" }}', view="full"))
    assert bool(store_copy.query('ASK { ?s ?p "One Person" }'))
