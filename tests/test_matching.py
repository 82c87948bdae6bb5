"""The matcher: name folding for people's names, dates as lists write them, features, the
match rule, and the restricted partition kept out of public matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import bundled_sources
from kg.config import PROJECT_DIR
from kg.formats import for_path
from kg.matching import Record, index_for, match_record, parse_date, parse_year, record_from_row
from kg.matching.imports import candidates_for_rows, confirmed_person
from kg.matching.namesim import similarity
from kg.names import fold, latin_skeleton, name_tokens
from kg.store import LoadSource, MemoryStore, Store

ID = "https://kg.example.org/id/"
FIXTURE = Path(__file__).parent / "data" / "matching_fixture.trig"


@pytest.fixture(scope="module")
def store() -> Store:
    store = MemoryStore()
    store.load(bundled_sources(PROJECT_DIR) + [LoadSource(FIXTURE, for_path(FIXTURE),
                                                          "https://kg.example.org/graph/x")])
    return store


@pytest.mark.parametrize(("persian", "latin"), [
    ("غلامرضا", "Gholamreza"), ("خسروی", "Khosravi"), ("موسوی", "Mousavi"), ("جواد", "Javad"),
    ("فاطمه", "Fatemeh"), ("عباس", "Abbas"), ("مژگان", "Mojgan"), ("صادقی", "Sadeghi")])
def test_persian_and_latin_spellings_share_a_skeleton(persian: str, latin: str) -> None:
    assert latin_skeleton(fold(persian)) == latin_skeleton(fold(latin))


def test_name_tokens_drop_ezafe_and_titles() -> None:
    assert name_tokens("Rah-e Kargar") == ["rah", "kargar"]
    assert name_tokens("Hojjat-ol-Eslam Ahmadi") == ["ahmadi"]
    assert name_tokens("خانه‌ی امید") == ["خانه", "امید"]
    assert name_tokens("Ayatollah") == ["ayatollah"]  # nothing else left: kept
    assert name_tokens("Hojjat Ahmadi") == ["hojjat", "ahmadi"]  # a given name, not a title


@pytest.mark.parametrize(("a", "b", "low"), [
    ("Gholam Reza Khosravi", "Gholamreza Khosravi", 1.0),  # split compound
    ("Khosravi, Gholam-Reza", "Gholamreza Khosravi", 1.0),  # order, hyphen
    ("غلام رضا خسروي", "غلامرضا خسروی", 1.0),  # Arabic yeh, space in the compound
    ("غلام‌رضا خسروی", "غلامرضا خسروی", 1.0),  # ZWNJ
    ("Hossein Kazimi", "Hosein Kazemi", 0.9),  # transliteration
    ("Ali Khosarvi", "Ali Khosravi", 0.9),  # typo
    ("حسین کاظمی", "Hossein Kazemi", 0.9),  # script
    ("Nemat Ollah Ahmadi", "Nematollah Ahmadi", 1.0),  # -ollah written apart
    ("نعمت الله احمدی", "نعمت‌الله احمدی", 1.0),
    ("Mohammad Ali Rahimi", "Mohammadali Rahimi", 1.0),
    ("Ali Ahamdi", "Ali Ahmadi", 0.9),  # two letters swapped: one typo
    ("Hossein Ghasemi", "Hussein Qasemi", 0.9),
])
def test_same_names(a: str, b: str, low: float) -> None:
    assert similarity(a, b) >= low


@pytest.mark.parametrize(("a", "b"), [("Mahmoud Ahmadi", "Mohammad Ahmadi"),
                                      ("Karimi Ali", "Ali Rahimi"),
                                      ("Ali Ahmadi", "Alireza Ahmadi"),
                                      # alike in consonants, different names
                                      ("Hossein Ahmadi", "Hassan Ahmadi"),
                                      ("Hamid Ahmadi", "Hamed Ahmadi"),
                                      # a surname and the same with a suffix
                                      ("Ali Karimi", "Ali Karimian"),
                                      ("Ali Karimi", "Ali Karimzadeh"),
                                      ("علی کریمی", "علی کریم‌زاده")])
def test_different_names(a: str, b: str) -> None:
    assert similarity(a, b) <= 0.6


def test_dates_in_both_calendars_and_digits() -> None:
    day = parse_date("1367/05/12")
    assert day and day.precision == "day" and day.earliest.isoformat() == "1988-08-03"
    assert parse_date("۱۲ مرداد ۱۳۶۷") == day == parse_date("12 Mordad 1367")
    month = parse_date("Mordad 1367")
    assert month and (month.earliest.isoformat(), month.latest.isoformat()) == (
        "1988-07-23", "1988-08-22")
    assert parse_date("1367/05", "solar-hijri") == month
    assert parse_date("August 1988").precision == "month"  # type: ignore[union-attr]
    assert parse_date("not a date") is None
    assert parse_year("۱۳۴۰") == (1961, 1962)


def test_attribute_claims_of_an_imported_list_are_read(store: Store) -> None:
    profile = index_for(store).profile(ID + "person/test-list-17")
    assert profile is not None
    assert profile.fathers == ["Kazem"] and profile.births == [(1961, 1961)]
    assert ID + "place/evin-prison" in profile.places
    assert profile.sources == {ID + "source/test-list"}


def test_curated_participation_dates_the_death(store: Store) -> None:
    profile = index_for(store).profile(ID + "person/gholamreza-khosravi")
    assert profile and [d.earliest.isoformat() for d in profile.deaths] == ["2014-06-01"]
    assert ID + "org/mek" in profile.affiliations


def test_features_separate_namesakes(store: Store) -> None:
    row = {"record_id": "9", "name_en": "Bahram Golshiri", "father_name": "Kazem",
           "age": "27", "prison": "Evin", "date_of_death": "12 Mordad 1367"}
    found = match_record(index_for(store), record_from_row(row))
    assert found[0].iri == ID + "person/test-list-17" and found[0].match
    features = {f.id: f for f in found[0].features}
    assert features["father_name"].agrees and features["place"].agrees
    assert features["death_date"].agrees and features["death_date"].value < 1  # day in month
    assert features["birth_year"].agrees  # age 27 in 1988 ~ born 1961
    namesake = next(c for c in found if c.iri == ID + "person/test-list-18")
    assert {f.id: f.agrees for f in namesake.features}["birth_year"] is False
    assert "father_name agrees" in found[0].why()


def test_a_namesake_without_evidence_is_no_match(store: Store) -> None:
    found = match_record(index_for(store), Record(["Bahram Golshiri"], places=["Evin"]))
    assert found and not any(c.match for c in found)  # both in Evin as far as we know


def test_restricted_people_are_never_public_candidates(store: Store) -> None:
    record = Record(["Zarrintaj Witnesson"])
    assert match_record(index_for(store), record) == []
    assert index_for(store).profile(ID + "person/test-hidden-witness") is None
    full = match_record(index_for(store, view="full"), record)
    assert full[0].iri == ID + "person/test-hidden-witness"


def test_import_rows_get_candidates_from_other_sources_only(store: Store) -> None:
    index = index_for(store)
    rows = [(2, {"record_id": "a", "name_en": "Gholam-Reza Khosrowi",
                 "date_of_death": "1393/03/11"}),
            (3, {"record_id": "17", "name_fa": "بهرام گلشيري", "father_name": "کاظم"}),
            (4, {"record_id": "x", "name_en": ""})]
    found = candidates_for_rows(index, [(n, record_from_row(cells)) for n, cells in rows],
                                own_source=ID + "source/test-list").rows
    assert [c.iri for c in found[0].candidates][:1] == [ID + "person/gholamreza-khosravi"]
    assert found[0].candidates[0].match
    # The list's own people (only its own source describes them) are not candidates.
    assert found[1].candidates == [] and found[2].candidates == []
    assert confirmed_person(index, ID + "person/gholamreza-khosravi") is not None
    assert confirmed_person(index, ID + "org/mek") is None
