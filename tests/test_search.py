"""Name search: folding of scripts and transliterations, and the index over a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.names import fold, skeleton, tokens
from kg.search import SearchIndex, index_for, label_rows
from kg.store import Store
from tests.webdata import memory_store

ID = "https://kg.example.org/id/"


@pytest.mark.parametrize(("a", "b"), [
    ("Khosravi", "Khosrowi"),
    ("Mojahedin", "Mujahideen"),
    ("Rouhani", "Rowhani"),
    ("Rouhani", "Ruhani"),
    ("Hosseini", "Hoseyni"),
    ("Gholamreza", "Qolamreza"),
    ("Ramadhan", "Ramazan"),
    ("Khamenei", "Xamenei"),
    ("Ebrahim", "Ibrahim"),
])
def test_transliteration_variants_share_a_skeleton(a: str, b: str) -> None:
    assert skeleton(fold(a)) == skeleton(fold(b))


def test_different_names_keep_different_skeletons() -> None:
    assert skeleton("khosravi") != skeleton("khamenei")
    assert skeleton("raisi") != skeleton("rouhani")


def test_fold_removes_case_and_diacritics() -> None:
    assert fold("Agnès CALLAMARD") == "agnes callamard"
    assert fold("Gholām-Rezā") == "gholam-reza"
    assert fold("Raïssi") == "raissi"


def test_fold_unifies_persian_letters() -> None:
    # Arabic yeh and kaf are written by many keyboards for Persian ye and kaf.
    assert fold("كريمي") == fold("کریمی")
    # Harakat (short-vowel marks) and tatweel do not matter.
    assert fold("خُسرَوی") == fold("خسروی")
    assert fold("خســروی") == fold("خسروی")
    # Persian and Arabic-Indic digits are digits.
    assert fold("۱۳۶۷") == "1367"


def test_zwnj_joins_a_word_but_its_parts_are_keys_too() -> None:
    assert tokens("خامنه‌ای") == ["خامنهای"]
    assert set(tokens("خامنه‌ای", split_zwnj=True)) == {"خامنهای", "خامنه", "ای"}


def _index() -> SearchIndex:
    rows = [
        (ID + "person/a", "http://www.w3.org/2000/01/rdf-schema#label", "Gholamreza Khosravi",
         "en"),
        (ID + "person/a", "http://www.w3.org/2000/01/rdf-schema#label", "غلامرضا خسروی", "fa"),
        (ID + "person/b", "http://www.w3.org/2000/01/rdf-schema#label", "Ali Khamenei", "en"),
        (ID + "person/b", "http://www.w3.org/2000/01/rdf-schema#label", "علی خامنه‌ای", "fa"),
        (ID + "org/mek", "http://www.w3.org/2000/01/rdf-schema#label",
         "People's Mojahedin Organization of Iran", "en"),
        (ID + "org/mek", "http://www.w3.org/2004/02/skos/core#altLabel", "MEK", "en"),
        (ID + "place/evin", "http://www.w3.org/2000/01/rdf-schema#label", "Evin Prison", "en"),
        (ID + "event/evin", "http://www.w3.org/2000/01/rdf-schema#label",
         "1988 executions at Evin Prison", "en"),
    ]
    return SearchIndex(rows)


@pytest.mark.parametrize(("query", "expected"), [
    ("Khosravi", "person/a"),
    ("khosrowi", "person/a"),
    ("KHOSRAVI", "person/a"),
    ("khos", "person/a"),
    ("خسروي", "person/a"),  # Arabic yeh
    ("gholamreza khosravi", "person/a"),
    ("Mujahideen", "org/mek"),
    ("mek", "org/mek"),
    ("خامنه ای", "person/b"),  # space instead of ZWNJ
    ("خامنهای", "person/b"),  # nothing instead of ZWNJ
])
def test_search_finds(query: str, expected: str) -> None:
    hits = _index().search(query)
    assert hits and hits[0].iri == ID + expected, [h.iri for h in hits]


def test_exact_name_ranks_before_longer_names() -> None:
    hits = _index().search("evin prison")
    assert [h.iri for h in hits] == [ID + "place/evin", ID + "event/evin"]


def test_every_word_must_match() -> None:
    assert _index().search("khosravi evin") == []
    assert _index().search("   ") == []


def test_matched_label_is_reported() -> None:
    hit = _index().search("mek")[0]
    assert hit.label == "People's Mojahedin Organization of Iran"
    assert hit.matched == "MEK"


@pytest.fixture(scope="module")
def store() -> Store:
    return memory_store()


def test_index_over_bundled_data(store: Store) -> None:
    index = index_for(store)
    for query in ("Khosravi", "Khosrowi", "غلامرضا خسروی"):
        assert index.search(query)[0].iri == ID + "person/gholamreza-khosravi"
    assert index.search("Mujahideen")[0].iri == ID + "org/mek"
    # Claims, annotations and other plumbing are not search results.
    assert all("/annotation/" not in h.iri for h in index.search("seed"))


def test_index_is_cached_per_store_version(store: Store) -> None:
    assert index_for(store) is index_for(store)


def test_index_file_cache_round_trip(tmp_path: Path, built_store_dir: Path) -> None:
    """Another process (here: another store object on the same directory) reads the index
    file the first one wrote, instead of building it again."""
    import shutil

    from kg.cache import version_dir
    from kg.store import DiskStore

    shutil.copytree(built_store_dir, tmp_path / "store")
    first_process = DiskStore(tmp_path / "store")
    first = index_for(first_process, ID)
    assert list(version_dir(first_process).glob("search-index-*.sqlite"))
    second = index_for(DiskStore(tmp_path / "store"), ID)
    assert second is not first  # read back from the file
    assert second.search("khosravi")[0].iri == ID + "person/gholamreza-khosravi"


def test_label_rows_only_entities_under_base(store: Store) -> None:
    rows = list(label_rows(store, ID))
    assert rows and all(r[0].startswith(ID) for r in rows)


def test_the_shared_file_answers_as_the_index_does(store: Store, tmp_path: Path) -> None:
    """What the server's workers read (the index's file) ranks exactly as the index built in
    memory, for whole names, prefixes, single letters, scripts and transliterations."""
    from kg.search import SharedSearchIndex, _write_index

    built = SearchIndex(label_rows(store, ID))
    path = tmp_path / "search.sqlite"
    with path.open("wb") as out:
        _write_index(built, out)
    shared = SharedSearchIndex(path)
    assert len(shared) == len(built)
    for query in ("Khosravi", "Khosrowi", "khos", "k", "e", "غلامرضا خسروی", "خسر", "mek",
                  "Mujahideen", "evin prison", "1988", "gholam reza", "nothing-like-this"):
        for limit in (1, 5, 50):
            assert ([h.as_json() for h in shared.search(query, limit)]
                    == [h.as_json() for h in built.search(query, limit)]), (query, limit)
