"""Dates keep their precision in English and in the Solar Hijri calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.dates import PreciseDate, bounds_of, parse_bound, parse_upper_bound, precision_name
from kg.wording import wording

DAY = "http://www.w3.org/2006/time#unitDay"
MONTH = "http://www.w3.org/2006/time#unitMonth"
YEAR = "http://www.w3.org/2006/time#unitYear"
PART = "https://kg.example.org/ontology#unitPartOfMonth"
SEASON = "https://kg.example.org/ontology#unitSeason"


def test_day_precision_reads_as_a_day_in_both_calendars() -> None:
    d = PreciseDate.from_values("2014-06-01", DAY)
    assert d.label() == "1 June 2014"
    assert d.solar_hijri() == "11 Khordad 1393"
    assert d.solar_hijri(wording("fa")) == "۱۱ خرداد ۱۳۹۳"
    assert not d.is_span


def test_month_is_never_shown_as_a_day() -> None:
    d = PreciseDate.from_values("1988-07", MONTH)
    assert d.label() == "July 1988"
    assert (d.earliest, d.latest) == (dt.date(1988, 7, 1), dt.date(1988, 7, 31))
    assert d.is_span
    # July 1988 straddles two Solar Hijri months.
    assert d.solar_hijri() == "Tir–Mordad 1367"


def test_year_spans_two_solar_hijri_years() -> None:
    d = PreciseDate.from_values("1988", YEAR)
    assert d.label() == "1988"
    assert d.solar_hijri() == "1366–1367"


def test_part_of_month_and_season_use_the_bounds() -> None:
    late = PreciseDate.from_values("1988-07", PART, "1988-07-21", "1988-07-31")
    assert late.label() == "late July 1988"
    fall = PreciseDate.from_values("1988", SEASON, "1988-09-22", "1988-12-21")
    assert fall.label() == "autumn 1988"
    odd = PreciseDate.from_values("1988", SEASON, "1988-02-03", "1988-05-01")
    assert odd.label() == "between 3 February 1988 and 1 May 1988"


def test_span_keeps_each_end_precision() -> None:
    begin = PreciseDate.from_values("1988-07", PART, "1988-07-21", "1988-07-31")
    end = PreciseDate.from_values("1988-09", MONTH)
    span = PreciseDate.span(begin, end)
    assert span.label() == "late July 1988 – September 1988"
    assert (span.earliest, span.latest) == (dt.date(1988, 7, 21), dt.date(1988, 9, 30))
    assert span.as_json()["precision"] == "range"


def test_inferred_flag_travels_to_json() -> None:
    d = PreciseDate.from_values("2014", YEAR, inferred=True)
    assert d.as_json()["inferred"] is True


@pytest.mark.parametrize(("text", "low", "high"), [
    ("1988", dt.date(1988, 1, 1), dt.date(1988, 12, 31)),
    ("1988-02", dt.date(1988, 2, 1), dt.date(1988, 2, 29)),
    ("1988-12", dt.date(1988, 12, 1), dt.date(1988, 12, 31)),
    ("1988-07-19", dt.date(1988, 7, 19), dt.date(1988, 7, 19)),
    ("1988-07-19Z", dt.date(1988, 7, 19), dt.date(1988, 7, 19)),
])
def test_bounds_of_lexical_forms(text: str, low: dt.date, high: dt.date) -> None:
    assert bounds_of(text) == (low, high)


def test_precision_guessed_only_without_iri() -> None:
    assert precision_name(None, "1988-07") == "month"
    assert precision_name(SEASON, "1988") == "season"


def test_filter_bounds_ignore_garbage() -> None:
    assert parse_bound("1988") == dt.date(1988, 1, 1)
    assert parse_upper_bound("1988") == dt.date(1988, 12, 31)
    assert parse_bound("1988-13") is None
    assert parse_bound("<script>") is None
    assert parse_upper_bound("") is None


def test_persian_reading_puts_precision_words_in_persian() -> None:
    fa = wording("fa")
    late = PreciseDate.from_values("1988-07", PART, "1988-07-21", "1988-07-31")
    assert late.label(fa) == "اواخر ژوئیه ۱۹۸۸"
    assert late.solar_hijri(fa) == "اواخر تیر – اوایل مرداد ۱۳۶۷"
    fall = PreciseDate.from_values("1988", SEASON, "1988-09-22", "1988-12-21")
    assert fall.label(fa) == "پاییز ۱۹۸۸" and fall.solar_hijri(fa) == "پاییز ۱۳۶۷"
    odd = PreciseDate.from_values("1988", SEASON, "1988-02-03", "1988-05-01")
    assert odd.label(fa) == "میان ۳ فوریه ۱۹۸۸ و ۱ مه ۱۹۸۸".translate(
        str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert PreciseDate.from_values("1988", YEAR).solar_hijri(fa) == "۱۳۶۶–۱۳۶۷"


def test_solar_hijri_reads_parts_and_seasons_of_its_own_months() -> None:
    """'late Mordad 1367' when the bounds sit in the last third of Mordad; a part of a
    Gregorian month straddling two Solar Hijri months names both."""
    mordad = PreciseDate.from_values("1988-08", PART, "1988-08-12", "1988-08-21")
    assert mordad.label() == "mid August 1988"
    assert mordad.solar_hijri() == "late Mordad 1367"
    assert mordad.solar_hijri(wording("fa")) == "اواخر مرداد ۱۳۶۷"
    early_sep = PreciseDate.from_values("1988-09", PART, "1988-09-01", "1988-09-10")
    assert early_sep.solar_hijri() == "mid Shahrivar 1367"
    late_july = PreciseDate.from_values("1988-07", PART, "1988-07-21", "1988-07-31")
    assert late_july.solar_hijri() == "late Tir – early Mordad 1367"
    esfand = PreciseDate.from_values("1989-03", PART, "1989-03-12", "1989-03-30")
    assert esfand.solar_hijri() == "late Esfand 1367 – early Farvardin 1368"
    autumn = PreciseDate.from_values("1988", SEASON, "1988-09-22", "1988-12-21")
    assert autumn.solar_hijri() == "autumn 1367"
    into_fall = PreciseDate.from_values("1988", SEASON, "1988-09-01", "1988-12-21")
    assert into_fall.solar_hijri() == "Shahrivar–Azar 1367"  # not a Solar Hijri season


def test_bounds_typed_in_persian_digits() -> None:
    assert parse_bound("۱۹۸۸-۰۷") == dt.date(1988, 7, 1)
    assert parse_upper_bound("١٩٨٨") == dt.date(1988, 12, 31)
