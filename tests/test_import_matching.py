"""An import of a list that re-spells people of the bundled data: the rows are reported as
candidates (never merged), attach to those people once `kg_iri` is filled in (their claims
beside the older sources' claims, the page showing both), and a re-import does not undo a
merge."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest.run import ImportRequest, run_import
from kg.matching.merging import REPLACED_BY, merge
from kg.namespaces import ID
from kg.store import DiskStore
from tests.conftest import make_app

KHOSRAVI = ID + "person/gholamreza-khosravi"
MESDAGHI = ID + "person/iraj-mesdaghi"
KANAANI = ID + "person/nasser-kanaani"
POURMOHAMMADI = ID + "person/mostafa-pourmohammadi"
NAYYERI = ID + "person/hossein-ali-nayyeri"
SEED_SOURCE = ID + "source/seed-article"
LIST_SOURCE = ID + "source/respelt"
HEADER = "record_id,kg_iri,name_en,name_fa,father_name,affiliation,date_of_death\n"


def rows(first: str = "", second: str = "", *more: str) -> str:
    """R-1: another Latin transliteration; R-2: Arabic yeh; R-4: Arabic kaf and yeh; R-5: a
    ZWNJ inside the surname (the graph has it joined); R-6: a compound given name split and
    re-spelt. R-3 is nobody in the graph."""
    iris = [*more, "", "", ""][:3]
    return HEADER + (
        f"R-1,{first},Gholam-Reza Khosrowi,,,MEK,1393/03/11\n"
        f"R-2,{second},,ایرج مصداقي,,,\n"
        "R-3,,Example Newcomer,,,,1367/05/10\n"
        f"R-4,{iris[0]},,ناصر كنعاني,,,\n"
        f"R-5,{iris[1]},,مصطفی پور\u200cمحمدی,,,\n"
        f"R-6,{iris[2]},Hosein Ali Nayeri,,,,\n")


def request(path: Path) -> ImportRequest:
    return ImportRequest(path, template="victims", title="A re-spelt list",
                         publisher="Example Centre", published="2024-05-01")


@pytest.fixture
def store_dir(built_store_dir: Path, tmp_path: Path) -> Path:
    shutil.copytree(built_store_dir, tmp_path / "store")
    return tmp_path / "store"


def about(store: DiskStore, claim: str) -> set[str]:
    rows = store.query(f"SELECT ?p WHERE {{ <{ID}claim/{claim}> "
                       "<https://kg.example.org/ontology#about> ?p }")
    return {r["p"].value for r in rows}


def test_respelt_people_are_reported_then_attached_once_confirmed(store_dir: Path,
                                                                  tmp_path: Path) -> None:
    table = tmp_path / "respelt.csv"
    table.write_text(rows(), encoding="utf-8")
    out = tmp_path / "candidates.csv"
    result = subprocess.run(
        [sys.executable, "-m", "kg", "import", str(table), "--template", "victims", "--title",
         "A re-spelt list", "--publisher", "Example Centre", "--store", str(store_dir),
         "--candidates", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "5 rows may be people already in the graph (not merged" in result.stdout
    assert f"row 2 (R-1, Gholam-Reza Khosrowi) may be <{KHOSRAVI}>" in result.stdout
    found = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    first = {r["row"]: r for r in found if r["rank"] == "1"}
    assert first["2"]["candidate"] == KHOSRAVI and first["3"]["candidate"] == MESDAGHI
    assert first["5"]["candidate"] == KANAANI and first["6"]["candidate"] == POURMOHAMMADI
    assert first["7"]["candidate"] == NAYYERI
    assert {first[n]["match"] for n in ("5", "6", "7")} == {"false"}  # names alone
    assert first["2"]["match"] == "true" and "death_date agrees" in first["2"]["features"]
    assert first["3"]["match"] == "false"  # a name alone is never a match
    assert "4" not in first  # a newcomer: nobody in the graph
    with DiskStore(store_dir) as store:
        # Unconfirmed, each row made its own person: nothing was merged.
        assert about(store, "respelt-r-1-date-of-death") == {ID + "person/respelt-r-1"}
        for n in (1, 2, 4, 5, 6):
            assert store.query(f"ASK {{ <{ID}person/respelt-r-{n}> ?p ?o }}")
        table.write_text(rows(KHOSRAVI, f"<{MESDAGHI}>", KANAANI, POURMOHAMMADI, NAYYERI),
                         encoding="utf-8")
        report = run_import(store, request(table))
        assert [c.row for c in report.candidates] == []  # confirmed rows are not matched
        assert about(store, "respelt-r-1-date-of-death") == {KHOSRAVI}
        assert about(store, "respelt-r-2-name-fa") == {MESDAGHI}
        assert about(store, "respelt-r-4-name-fa") == {KANAANI}
        assert about(store, "respelt-r-5-name-fa") == {POURMOHAMMADI}
        assert about(store, "respelt-r-6-name-en") == {NAYYERI}
        for n in (1, 2, 4, 5, 6):
            assert not store.query(f"ASK {{ <{ID}person/respelt-r-{n}> ?p ?o }}")
        # The old labels stay beside the new source's spelling, each in its own graph.
        labels = {r["l"].value for r in store.query(
            f"SELECT ?l WHERE {{ <{KANAANI}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")}
        assert {"ناصر کنعانی", "ناصر كنعاني"} <= labels
        sources = {r["s"].value for r in store.query(
            f"SELECT DISTINCT ?s WHERE {{ ?c <https://kg.example.org/ontology#about> "
            f"<{KHOSRAVI}> ; <http://purl.org/dc/terms/source> ?s }}")}
        assert {SEED_SOURCE, LIST_SOURCE} <= sources
        page = make_app(store).test_client().get("/page/person/gholamreza-khosravi.json")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert SEED_SOURCE in text and LIST_SOURCE in text


def test_a_reimport_keeps_a_merge(store_dir: Path, tmp_path: Path) -> None:
    table = tmp_path / "respelt.csv"
    table.write_text(rows(), encoding="utf-8")
    retired = ID + "person/respelt-r-1"
    with DiskStore(store_dir) as store:
        run_import(store, request(table))
        merge(store, KHOSRAVI, retired, reason="same person, confirmed by the family",
              agent="tester")
        again = run_import(store, request(table))
        assert again.unchanged, again.text()
        assert not store.query(f"ASK {{ <{retired}> ?p ?o FILTER(?p != <{REPLACED_BY}>) }}")
        assert about(store, "respelt-r-1-date-of-death") == {KHOSRAVI}
        assert all(c.iri != KHOSRAVI for c in again.candidates if c.row == 2)
        # A kg_iri naming the retired IRI attaches to the person it was merged into.
        table.write_text(rows(retired), encoding="utf-8")
        assert run_import(store, request(table)).unchanged
