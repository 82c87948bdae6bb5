"""Regression: a record id written in Persian or Arabic-Indic digits ('۱۲') minted other IRIs
than the same id in ASCII digits ('12'), though `slug` says it writes digits in ASCII: a list
re-exported by a spreadsheet that changed its digits replaced every claim and made every
person anew. Now both are one record; within one list, they are the same id twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.report import ImportErrors
from kg.ingest.run import run_import
from kg.store import DiskStore

HEADER = "record_id,name_en,age\n"


def test_the_same_ids_in_other_digits_change_no_claim(store_copy: DiskStore, import_request,
                                                       tmp_path: Path) -> None:
    table = tmp_path / "digits.csv"
    table.write_text(HEADER + "V-۱۲,Someone Twelve,30\nV-٣4,Someone Thirty-four,41\n",
                     encoding="utf-8")
    first = run_import(store_copy, import_request(table))
    assert len(first.added) == 4
    table.write_text(HEADER + "V-12,Someone Twelve,30\nV-34,Someone Thirty-four,41\n",
                     encoding="utf-8")
    again = run_import(store_copy, import_request(table))
    assert (again.added, again.changed, again.removed) == ([], [], [])
    people = {row["p"].value for row in store_copy.query(
        "SELECT ?p WHERE { ?r <http://www.w3.org/ns/csvw#describes> ?p }")}
    assert {p.rsplit("-", 1)[-1] for p in people} >= {"12", "34"}


def test_one_id_in_two_digit_scripts_is_a_duplicate(store_copy: DiskStore, import_request,
                                                    tmp_path: Path) -> None:
    table = tmp_path / "twice.csv"
    table.write_text(HEADER + "۷,Seven,30\n7,Seven again,31\n", encoding="utf-8")
    with pytest.raises(ImportErrors) as refused:
        run_import(store_copy, import_request(table))
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "record_id")]
    assert "the same IRI as '۷' as row 2" in refused.value.lines()[0]
