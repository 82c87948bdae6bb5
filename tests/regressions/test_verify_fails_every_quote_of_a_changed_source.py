"""Regression: when a source's archived text or table was missing or changed, `kg
verify-quotes` reported its first quote and skipped the others, then counted them as
verified ("135 of 136 quotes verified" with a whole table unchecked). Every quote of such a
source now fails, and the report gives the shared reason once with a count."""

from __future__ import annotations

import shutil
from pathlib import Path

from kg.config import PROJECT_DIR
from kg.evidence import failure_lines, quote_count, verify_quotes
from kg.ingest.archive import archive_dir
from kg.ingest.cells import verify_cells
from kg.ingest.run import run_import
from kg.store import DiskStore

EXAMPLE = PROJECT_DIR / "data" / "examples" / "victims.csv"
SOURCES = PROJECT_DIR.parent / "shared" / "sources"


def test_every_cell_of_a_changed_table_fails(store_copy: DiskStore, import_request) -> None:
    run_import(store_copy, import_request(EXAMPLE))
    folder = archive_dir(store_copy, None)
    dataset = store_copy.dataset("full")
    check = verify_cells([folder], dataset)
    assert not check.failures and len(check.annotations) == 43
    archived = next(folder.glob("*.csv"))
    archived.chmod(0o644)
    archived.write_text(archived.read_text(encoding="utf-8").replace("EX-001", "EX-101"),
                        encoding="utf-8")
    check = verify_cells([folder], dataset)
    assert len(check.failures) == 43
    assert {f.problem for f in check.failures} == {"archived table hash differs"}
    lines = failure_lines(check.failures)
    assert len(lines) == 2 and lines[1].startswith("  … and 42 more quote(s) of ")


def test_every_quote_of_a_missing_text_fails(built_store_dir: Path, tmp_path: Path) -> None:
    dataset = DiskStore(built_store_dir).dataset("full")
    empty = tmp_path / "sources"
    empty.mkdir()
    assert not verify_quotes(SOURCES, dataset)
    failures = verify_quotes(empty, dataset)
    assert len(failures) == quote_count(dataset) > 1
    assert {f.problem for f in failures} == {"archived text missing"}
    shutil.rmtree(empty)
