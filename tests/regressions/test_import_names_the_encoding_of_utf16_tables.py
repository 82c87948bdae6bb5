"""Regression: a UTF-16 table without a byte order mark (every other byte NUL) was refused as
"holds NUL bytes, so it is not a text table", and one with a BOM was told to declare
"windows-1256"; a dialect encoding csvw knows by another name ("UTF-8-BOM") crashed with a
LookupError, and one nobody knows ("klingon") was silently read as UTF-8. Now UTF-16 is named
with the fix (`"encoding": "utf-16"`), read when declared, and its cells verify; unknown
encodings are refused by the metadata check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.ingest.cells import verify_cells
from kg.ingest.mapping import MappingError, template_text
from kg.ingest.run import ImportRequest, run_import
from kg.ingest.table import TableError
from kg.store import DiskStore

TEXT = "record_id,name_fa,name_en\r\nU-1,نمونه,Example\r\n"


@pytest.fixture
def store(built_store_dir: Path, tmp_path: Path) -> DiskStore:
    shutil.copytree(built_store_dir, tmp_path / "store")
    return DiskStore(tmp_path / "store")


def _request(path: Path, metadata: Path | None = None) -> ImportRequest:
    return ImportRequest(path, metadata, None if metadata else "victims", "A list",
                         "Example Centre", "2024-05-01", candidates=False)


def _metadata(tmp_path: Path, encoding: str) -> Path:
    meta = json.loads(template_text("victims"))
    meta["dialect"]["encoding"] = encoding
    path = tmp_path / f"meta-{encoding}.json"
    path.write_text(json.dumps(meta), encoding="utf-8")
    return path


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_is_named_with_the_fix(store: DiskStore, tmp_path: Path, codec: str) -> None:
    table = tmp_path / "list.csv"
    table.write_bytes(TEXT.encode(codec))
    version = store.version
    with pytest.raises(TableError, match=r"list\.csv:1: .*UTF-16.*\"encoding\": \"utf-16\""):
        run_import(store, _request(table))
    assert store.version == version


def test_declared_utf16_is_read_and_its_cells_verify(store: DiskStore, tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_bytes(TEXT.encode("utf-16"))
    report = run_import(store, _request(table, _metadata(tmp_path, "utf-16")))
    assert sorted(c.text for c in report.added) == ["Example", "نمونه"]
    check = verify_cells([store.path / "archive"], store.dataset("full"))
    assert len(check.annotations) == 2 and not check.failures


def test_encodings_csvw_renames_or_does_not_know(store: DiskStore, tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    report = run_import(store, _request(table, _metadata(tmp_path, "UTF-8-BOM")))
    assert len(report.added) == 2
    with pytest.raises(MappingError, match="encoding 'klingon' is not an encoding"):
        run_import(store, _request(table, _metadata(tmp_path, "klingon")))
