"""Dates as lists write them: both calendars, both digit sets, partial dates and ranges."""

from __future__ import annotations

import pytest

from kg.written_dates import DateFormError, read_date

CASES = {
    "1988-08-01": ("gregorian", "1988-08-01", "day", "1988-08-01", "1988-08-01"),
    "1988-08": ("gregorian", "1988-08", "month", "1988-08-01", "1988-08-31"),
    "1988": ("gregorian", "1988", "year", "1988-01-01", "1988-12-31"),
    "10 August 1988": ("gregorian", "1988-08-10", "day", "1988-08-10", "1988-08-10"),
    "August 1988": ("gregorian", "1988-08", "month", "1988-08-01", "1988-08-31"),
    "1367/05/10": ("solar-hijri", "1988-08-01", "day", "1988-08-01", "1988-08-01"),
    "1367-05-10": ("solar-hijri", "1988-08-01", "day", "1988-08-01", "1988-08-01"),
    "۱۳۶۷/۰۵/۱۰": ("solar-hijri", "1988-08-01", "day", "1988-08-01", "1988-08-01"),
    "١٣٦٧/٠٥/١٠": ("solar-hijri", "1988-08-01", "day", "1988-08-01", "1988-08-01"),
    "مرداد ۱۳۶۷": ("solar-hijri", "1988", "span", "1988-07-23", "1988-08-22"),
    "Mordad 1367": ("solar-hijri", "1988", "span", "1988-07-23", "1988-08-22"),
    "Amordad 1367": ("solar-hijri", "1988", "span", "1988-07-23", "1988-08-22"),
    "1367": ("solar-hijri", "1988", "span", "1988-03-21", "1989-03-20"),
    "1988-07/1988-09": ("gregorian", "1988", "span", "1988-07-01", "1988-09-30"),
    # A date cell exported with its (midnight) time, as spreadsheets write date columns.
    "1988-08-10 00:00:00": ("gregorian", "1988-08-10", "day", "1988-08-10", "1988-08-10"),
    "1988-08-10T00:00Z": ("gregorian", "1988-08-10", "day", "1988-08-10", "1988-08-10"),
    "1367/05/19 00:00": ("solar-hijri", "1988-08-10", "day", "1988-08-10", "1988-08-10"),
}


@pytest.mark.parametrize("text", sorted(CASES))
def test_every_written_form_reads_to_exact_bounds(text: str) -> None:
    written = read_date(text)
    d = written.date
    assert (written.calendar, d.lexical, d.precision, d.earliest.isoformat(),
            d.latest.isoformat()) == CASES[text]
    assert written.verbatim == text


@pytest.mark.parametrize("text", ["1367/12/30", "1988-02-30", "10/08/1988", "2500", "foo",
                                  "1988-13", "Mordad 2024", ""])
def test_what_fits_no_form_is_refused_with_a_fix(text: str) -> None:
    with pytest.raises(DateFormError):
        read_date(text)


def test_a_time_of_day_is_refused_not_dropped() -> None:
    with pytest.raises(DateFormError, match=r"a time of day \(14:30\).*write the date alone "
                                            r"\(1988-08-10\)"):
        read_date("1988-08-10 14:30:00")


def test_the_declared_calendar_reads_bare_numbers() -> None:
    assert read_date("1367", "solar-hijri").calendar == "solar-hijri"
    with pytest.raises(DateFormError, match="Solar Hijri"):
        read_date("1367", "gregorian")
    assert read_date("Mordad 1367", "gregorian").calendar == "solar-hijri"  # named month
