"""Regression: a list's identity came from its file name alone, so the same list saved
under another name (victims-2025.csv) was imported as a second list: every record copied as
a new person, the very duplicates re-import must never make. Such a file is now refused
before anything is written, naming the list it repeats; `name=` (`kg import --name`)
imports it as that list's new version."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.mapping import MappingError
from kg.ingest.run import run_import
from kg.store import DiskStore

LIST = "record_id,name_en,status\nR-1,One Person,executed\nR-2,Two Person,disappeared\n"


def test_the_same_file_renamed_is_refused(store_copy: DiskStore, import_request,
                                          tmp_path: Path) -> None:
    (tmp_path / "victims.csv").write_text(LIST, encoding="utf-8")
    run_import(store_copy, import_request(tmp_path / "victims.csv"))
    renamed = tmp_path / "victims-copy.csv"
    renamed.write_text(LIST, encoding="utf-8")
    before = store_copy.version
    with pytest.raises(MappingError, match="this very file was imported before as the list "
                                           "'victims'.*give --name victims"):
        run_import(store_copy, import_request(renamed, title="Another title"))
    assert store_copy.version == before


def test_a_new_version_under_a_new_name_is_refused_then_imported_by_name(
        store_copy: DiskStore, import_request, tmp_path: Path) -> None:
    (tmp_path / "victims.csv").write_text(LIST, encoding="utf-8")
    run_import(store_copy, import_request(tmp_path / "victims.csv"))
    newer = tmp_path / "victims-2025.csv"
    newer.write_text(LIST.replace("disappeared", "executed"), encoding="utf-8")
    with pytest.raises(MappingError, match="a list titled 'A list' from this publisher was "
                                           "imported before as 'victims'.*--name victims"):
        run_import(store_copy, import_request(newer))
    report = run_import(store_copy, import_request(newer, name="victims"))
    assert report.source.endswith("/source/victims")
    assert [(c.row, c.column) for c in report.changed] == [(3, "status")]
    assert not report.added and not report.removed


def test_another_list_of_the_same_publisher_imports(store_copy: DiskStore, import_request,
                                                     tmp_path: Path) -> None:
    (tmp_path / "victims.csv").write_text(LIST, encoding="utf-8")
    run_import(store_copy, import_request(tmp_path / "victims.csv"))
    other = tmp_path / "prisoners.csv"
    other.write_text(LIST.replace("One", "Third"), encoding="utf-8")
    report = run_import(store_copy, import_request(other, title="Another list"))
    assert len(report.added) == 4


def test_another_publishers_copy_of_a_list_is_its_own_source(store_copy: DiskStore,
                                                              import_request,
                                                              tmp_path: Path) -> None:
    """The same file published by someone else is that publisher's source (a relay)."""
    (tmp_path / "victims.csv").write_text(LIST, encoding="utf-8")
    run_import(store_copy, import_request(tmp_path / "victims.csv"))
    copy = tmp_path / "victims-relayed.csv"
    copy.write_text(LIST, encoding="utf-8")
    report = run_import(store_copy, import_request(copy, publisher="Another Centre"))
    assert report.source.endswith("/source/victims-relayed") and len(report.added) == 4
