"""Regression: CSVW metadata that declares no `dialect` (CSVW's default then applies: UTF-8,
comma, one header line) crashed `kg import` with an AttributeError traceback."""

from __future__ import annotations

import json
from pathlib import Path

from kg.ingest.run import run_import
from kg.store import DiskStore

METADATA = {
    "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
    "url": "custom.csv",
    "tableSchema": {"columns": [
        {"name": "id", "titles": "Id", "required": True, "kg:role": "id"},
        {"name": "name", "titles": "Name", "lang": "en", "kg:property": "rdfs:label",
         "kg:value": "name"},
        {"name": "date", "titles": "Executed on", "kg:property": "schema:deathDate",
         "kg:value": "date"},
    ]},
}


def test_metadata_without_a_dialect_reads_the_csvw_default(store_copy: DiskStore,
                                                            import_request,
                                                            tmp_path: Path) -> None:
    table = tmp_path / "custom.csv"
    table.write_text("Id,Name,Executed on\nC-1,Custom Person,1367/05/10\n", encoding="utf-8")
    metadata = tmp_path / "custom.csv-metadata.json"
    metadata.write_text(json.dumps(METADATA), encoding="utf-8")
    report = run_import(store_copy, import_request(table, metadata))
    assert [(c.row, c.column, c.text) for c in report.added] == [
        (2, "date", "1367/05/10"), (2, "name", "Custom Person")]
