"""Regression: a table saved as UTF-8 (as the refusal of its Windows-1256 version advised)
whose metadata still declared `"encoding": "windows-1256"` imported without a word, its
Persian names garbled ("نمونه" became "ظ†ظ…ظˆظ†ظ‡"), because every byte decodes in a
single-byte encoding; a UTF-8 file declared UTF-16 decoded to CJK noise the same way. Now
both are refused naming the fix, and a real Windows-1256 file declared so still imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.run import run_import
from kg.ingest.table import TableError
from kg.store import DiskStore

TEXT = "record_id,name_fa,name_en\nW-1,نمونه,Example\n"


@pytest.mark.parametrize("encoding", ["windows-1256", "utf-16"])
def test_utf8_declared_otherwise_is_refused(store_copy: DiskStore, import_request,
                                            template_metadata, tmp_path: Path,
                                            encoding: str) -> None:
    table = tmp_path / "list.csv"
    table.write_text(TEXT, encoding="utf-8")
    version = store_copy.version
    with pytest.raises(TableError, match=rf"declares {encoding}, but the file is .*garbled — "
                                         "set the dialect's encoding to utf-8"):
        run_import(store_copy, import_request(table, template_metadata(encoding=encoding)))
    assert store_copy.version == version


def test_windows_1256_declared_so_imports(store_copy: DiskStore, import_request,
                                          template_metadata, tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_bytes(TEXT.encode("cp1256"))
    report = run_import(store_copy, import_request(
        table, template_metadata(encoding="windows-1256")))
    assert "نمونه" in {c.text for c in report.added}
