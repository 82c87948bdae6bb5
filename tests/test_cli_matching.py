"""`kg match`, `kg merge`, `kg split` as a user types them (real subprocesses)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROWS = """record_id,name_en,name_fa,father_name,age,prison,date_of_death,kg_iri
1,Gholam Reza Khosravi,,,,,2014-06-01,
2,,غلامرضا خسروي,,,,,
3,Nobody Knownname,,,,,,
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def store(tmp_path: Path, built_store_dir: Path) -> str:
    shutil.copytree(built_store_dir, tmp_path / "store")
    return str(tmp_path / "store")


def test_match_writes_candidates_for_review(tmp_path: Path, store: str) -> None:
    table = tmp_path / "list.csv"
    table.write_text(ROWS, encoding="utf-8")
    out = tmp_path / "candidates.csv"
    result = run("match", str(table), "--template", "victims", "--store", store, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "nothing was merged" in result.stderr
    assert "of the list's people were taken to be in the graph already" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    first = [r for r in rows if r["row"] == "2" and r["rank"] == "1"][0]
    assert first["candidate"] == "https://kg.example.org/id/person/gholamreza-khosravi"
    assert first["match"] == "true" and "death_date agrees" in first["features"]
    persian = [r for r in rows if r["row"] == "3" and r["rank"] == "1"][0]
    assert persian["candidate"] == first["candidate"] and persian["match"] == "false"
    assert [r["candidate"] for r in rows if r["row"] == "4"] == [""]


def test_match_says_when_it_builds_the_match_index_first(tmp_path: Path, store: str) -> None:
    """On a large graph building the index is most of the wait: said before it starts, and
    only when it is not there for this version of the store already."""
    table = tmp_path / "list.csv"
    table.write_text(ROWS, encoding="utf-8")
    first = run("match", str(table), "--template", "victims", "--store", store, "-o",
                str(tmp_path / "a.csv"))
    assert first.returncode == 0, first.stderr
    assert "Matching 3 rows against the graph: building the match index" in first.stderr
    again = run("match", str(table), "--template", "victims", "--store", store, "-o",
                str(tmp_path / "b.csv"))
    assert again.returncode == 0 and "building the match index" not in again.stderr


def test_match_refuses_a_table_without_names(tmp_path: Path, store: str) -> None:
    table = tmp_path / "bad.csv"
    table.write_text("record_id,age\n1,30\n", encoding="utf-8")
    result = run("match", str(table), "--store", store)
    assert result.returncode == 1 and "use --template victims" in result.stderr
    result = run("match", str(table), "--template", "victims", "--store", store)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"{table}:1:name_fa: '': one of the columns name_fa or name_en is needed — add one",
        f"Error: {table}: 1 error(s) in reading it; nothing was matched"]


def test_merge_and_undo(store: str) -> None:
    merged = run("merge", "person/hamid-noury", "person/gholamreza-khosravi", "--store", store,
                 "--reason", "test only", "--agent", "tester")
    assert merged.returncode == 0, merged.stderr
    decision = merged.stderr.rsplit("recorded as ", 1)[1].strip().rstrip(".")
    undone = run("split", "person/hamid-noury", "--undo", decision, "--store", store,
                 "--reason", "test undone")
    assert undone.returncode == 0, undone.stderr
    again = run("merge", "person/hamid-noury", "person/gholamreza-khosravi", "--store", store)
    assert again.returncode == 2  # --reason is required


def test_match_refuses_short_rows_by_row_and_column(tmp_path: Path, store: str) -> None:
    """The table is read as `kg import` reads it: a row missing cells names them."""
    table = tmp_path / "short.csv"
    table.write_text("record_id,name_en,age\n1,Someone,30\n2,Someone else\n", encoding="utf-8")
    result = run("match", str(table), "--template", "victims", "--store", store)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{table}:3:age: ")
    assert lines[-1] == f"Error: {table}: 1 error(s) in reading it; nothing was matched"
