"""Regression: `status` "Executed" was refused ("did you mean executed?") while `sex`
"Male" and `access` "RESTRICTED" were read, so case counted in one enumeration and not the
others (and "presumed executed" was not presumed-executed); an organisation written with a
ZWNJ where its label has a space ("سازمان مجاهدین‌خلق ایران", as Persian keyboards write
it) was an unknown organisation; and an age out of range said only "write a whole number".
Now case and spaces never count in an enumeration, ZWNJ or space between a name's parts
both match, and the bounds are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.report import ImportErrors
from kg.ingest.run import run_import
from kg.store import DiskStore

ID = "https://kg.example.org/id/"
HEADER = "record_id,name_en,sex,status,access,affiliation,age\n"


def test_case_and_zwnj(store_copy: DiskStore, import_request, tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text(HEADER + "C-1,A,Male,Executed,PUBLIC,سازمان مجاهدین\u200cخلق ایران,30\n"
                     "C-2,B,FEMALE,Presumed executed,,سازمان مجاهدين خلق ايران,\n",
                     encoding="utf-8")
    run_import(store_copy, import_request(table))
    for row, status in (("c-1", "executed"), ("c-2", "presumed-executed")):
        assert store_copy.query(f"ASK {{ <{ID}claim/list-{row}-status> ?p "
                                f"<{ID}concept/victim-status/{status}> }}")
    # Both spellings are the graph's one organisation (its label has a space, a Farsi yeh).
    org = "<http://www.w3.org/ns/org#Organization>"
    assert store_copy.query(f"ASK {{ <{ID}claim/list-c-1-affiliation> ?p ?org . "
                            f"<{ID}claim/list-c-2-affiliation> ?p ?org . ?org a {org} }}")


def test_age_bounds_are_named(store_copy: DiskStore, import_request, tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text(HEADER + "C-1,A,,,,,150\n", encoding="utf-8")
    with pytest.raises(ImportErrors) as refused:
        run_import(store_copy, import_request(table))
    assert refused.value.lines()[0].endswith("— write a whole number from 0 to 120")
