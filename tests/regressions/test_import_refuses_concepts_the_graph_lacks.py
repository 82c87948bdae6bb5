"""Regression: a mapping whose enumeration allowed a value the graph has no concept for
(`"format": "executed|shot"` with the template's status valueUrl) imported the cell as a
claim whose value was a new, undescribed IRI, `.../victim-status/shot`: an unknown value
silently became a new term. Every such cell is now a row error naming the IRI."""

from __future__ import annotations

import pytest

from kg.ingest.report import ImportErrors
from kg.ingest.run import run_import
from kg.store import DiskStore

STATUSES = "executed|presumed-executed|disappeared|died-in-custody"


def _allow_shot(meta: dict) -> None:
    for column in meta["tableSchema"]["columns"]:
        if column["name"] == "status":
            column["datatype"]["format"] = STATUSES + "|shot"


def test_a_status_the_graph_lacks_is_a_row_error(store_copy: DiskStore, import_request,
                                                 template_metadata, tmp_path) -> None:
    table = tmp_path / "list.csv"
    table.write_text("record_id,name_en,status\nK-1,One Person,shot\nK-2,Two Person,executed\n"
                     "K-3,Three Person,shot\n", encoding="utf-8")
    before = store_copy.version
    with pytest.raises(ImportErrors) as caught:
        run_import(store_copy, import_request(table, template_metadata(_allow_shot)))
    assert [(e.row, e.column, e.value) for e in caught.value.errors] == [
        (2, "status", "shot"), (4, "status", "shot")]
    assert "no concept <https://kg.example.org/id/concept/victim-status/shot>" in \
        caught.value.errors[0].message
    assert store_copy.version == before
