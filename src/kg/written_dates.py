"""Dates as people write them in lists, read into precise Gregorian values with their calendar.

Victim lists give dates in the Gregorian or the Solar Hijri calendar, in Latin, Persian or
Arabic-Indic digits, with month names in English, Persian or one of several Latin spellings
of the Persian names, often only to the month or the year, sometimes as a range. Every form
here becomes a `WrittenDate`: the verbatim text, the calendar it was written in, and a
`PreciseDate` whose value and day bounds are Gregorian. A Solar Hijri day is an exact
Gregorian day; a Solar Hijri month or year, and a range, is a span (precision "span") whose
bounds are exact: nothing is rounded to "the 1st" or guessed. This is the one place that
reads written dates (the importer and `--published` use it).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import jdatetime

from kg.dates import ASCII_DIGITS, PreciseDate
from kg.names import fold, skeleton

GREGORIAN = "gregorian"
SOLAR_HIJRI = "solar-hijri"
AUTO = "auto"
CALENDARS = (GREGORIAN, SOLAR_HIJRI, AUTO)
#: Plausible years per calendar. They do not overlap, so "auto" can tell them apart.
YEARS = {GREGORIAN: (1800, 2100), SOLAR_HIJRI: (1200, 1499)}
EXAMPLES = ("1988-08-01, 1988-08, 10 August 1988, 1367/05/10, مرداد ۱۳۶۷, Mordad 1367, "
            "1988-07/1988-09")

_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff\u061c"))

_GREGORIAN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
                     "september", "october", "november", "december")
#: Latin spellings of the Solar Hijri months seen in lists, and the Persian names.
_SOLAR_MONTHS: tuple[tuple[str, ...], ...] = (
    ("farvardin", "فروردین"), ("ordibehesht", "ordibehesht", "ordibehest", "اردیبهشت"),
    ("khordad", "khordaad", "خرداد"), ("tir", "تیر"),
    ("mordad", "amordad", "mordaad", "مرداد", "امرداد"), ("shahrivar", "shahrewar", "شهریور"),
    ("mehr", "mihr", "مهر"), ("aban", "abaan", "آبان"), ("azar", "azar", "آذر"),
    ("dey", "dei", "day", "دی"), ("bahman", "بهمن"), ("esfand", "esfand", "isfand", "اسفند"),
)


class DateFormError(ValueError):
    """The text is not a date in any form kg reads; the message says why and what to write."""


@dataclass(frozen=True)
class WrittenDate:
    """A date as written (`verbatim`), the calendar it was written in, and its Gregorian
    reading: value at its precision and day bounds."""

    verbatim: str
    calendar: str
    date: PreciseDate

    @property
    def datatype(self) -> str:
        """The XSD type of the Gregorian value: date, gYearMonth or gYear."""
        return {10: "date", 7: "gYearMonth"}.get(len(self.date.lexical), "gYear")


def _month_tables() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    greg = {fold(m): i + 1 for i, m in enumerate(_GREGORIAN_MONTHS)}
    greg.update({fold(m[:3]): i + 1 for i, m in enumerate(_GREGORIAN_MONTHS)})
    greg["sept"] = 9
    solar: dict[str, int] = {}
    for i, names in enumerate(_SOLAR_MONTHS):
        for name in names:
            solar[fold(name)] = i + 1
    solar_skeletons = {skeleton(k): v for k, v in solar.items() if k.isascii()}
    return greg, solar, solar_skeletons


_GREG_MONTHS, _SOLAR, _SOLAR_SKELETONS = _month_tables()
_NUMERIC = re.compile(r"^(\d{3,4})(?:([-/.])(\d{1,2})(?:\2(\d{1,2}))?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_WORDS = re.compile(r"^(?:(\d{1,2})\s+)?([^\W\d_]+)\.?,?\s+(?:(\d{1,2}),?\s+)?(\d{3,4})$")
#: Month and year, month first ("08/1988", "05/1367"): not ambiguous, as the year has 4 digits.
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
#: Range separators: words and dashes first, so that a range of dates written with slashes
#: ("1367/05/10 - 1367/05/20", "۱۳۶۷/۰۵/۱۰ تا ۱۳۶۷/۰۵/۲۰") is split between its dates; then
#: the ISO 8601 interval's slash ("1988-07/1988-09"); then a hyphen between two years
#: ("1367-1368").
_RANGE_SEPARATORS = (re.compile(r"\s*(?:–|—|\bto\b|\s-\s|\bتا\b)\s*"), re.compile(r"\s*/\s*"),
                     re.compile(r"(?<=^\d{4})-(?=\d{4}$)"))
#: A year-first date followed by a time of day ("1988-08-10 00:00:00", "1988-08-10T00:00Z"):
#: how spreadsheets write a date cell when its column is exported as date and time.
_TIMED = re.compile(r"^(\d{3,4}[-/.]\d{1,2}[-/.]\d{1,2})[T ](\d{1,2}):(\d{2})"
                    r"(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
#: "Month" after a Persian month's name ("مرداد ماه ۱۳۶۷", "مهر‌ماه ۱۳۶۷"), dropped.
_MAH = "ماه"


def normalise(text: str) -> str:
    """Digits to ASCII, direction marks dropped, spaces collapsed, NFC."""
    text = unicodedata.normalize("NFC", text).translate(ASCII_DIGITS).translate(_MARKS)
    return " ".join(text.replace("\u200c", " ").split())


def _without_midnight(text: str) -> str:
    """The date of a date-and-time whose time is midnight (what a spreadsheet writes for a
    cell holding only a date); a real time of day is refused, since kg keeps dates to the day
    and would otherwise drop it unsaid."""
    timed = _TIMED.match(text)
    if timed is None:
        return text
    if any(int(part or 0) for part in timed.groups()[1:]):
        raise DateFormError(f"a time of day ({timed[2]}:{timed[3]}) — kg keeps dates to the "
                            f"day: write the date alone ({timed[1]}) and the time in a note")
    return timed[1]


def _calendar_of_year(year: int, declared: str, text: str) -> str:
    if declared != AUTO:
        low, high = YEARS[declared]
        if not low <= year <= high:
            other = SOLAR_HIJRI if declared == GREGORIAN else GREGORIAN
            hint = (f" — it looks {other.replace('-', ' ').title()}: declare the column's "
                    "kg:calendar as auto or " + other if _plausible(year, other) else "")
            raise DateFormError(f"year {year} is not a plausible {declared} year "
                                f"({low}-{high}){hint}")
        return declared
    for calendar in (GREGORIAN, SOLAR_HIJRI):
        if _plausible(year, calendar):
            return calendar
    raise DateFormError(f"year {year} is neither a plausible Gregorian year (1800-2100) nor a "
                        f"Solar Hijri one (1200-1499)")


def _plausible(year: int, calendar: str) -> bool:
    low, high = YEARS[calendar]
    return low <= year <= high


def _gregorian(year: int, month: int | None, day: int | None) -> PreciseDate:
    if month is not None and not 1 <= month <= 12:
        raise DateFormError(f"month {month} does not exist (1-12)")
    if day is not None:
        try:
            d = dt.date(year, month or 1, day)
        except ValueError:
            raise DateFormError(f"day {day} does not exist in {year}-{month:02d}") from None
        return PreciseDate(d.isoformat(), "day", d, d)
    if month is not None:
        lexical = f"{year:04d}-{month:02d}"
        return PreciseDate.from_values(lexical)
    return PreciseDate.from_values(f"{year:04d}")


def _solar(year: int, month: int | None, day: int | None) -> PreciseDate:
    """A Solar Hijri day is one Gregorian day; a month or a year is a span."""
    if month is not None and not 1 <= month <= 12:
        raise DateFormError(f"month {month} does not exist in the Solar Hijri calendar (1-12)")
    try:
        if day is not None:
            d = jdatetime.date(year, month or 1, day).togregorian()
            return PreciseDate(d.isoformat(), "day", d, d)
        first = jdatetime.date(year, month or 1, 1)
        if month is None:
            after = jdatetime.date(year + 1, 1, 1)
        else:
            after = jdatetime.date(year + (month == 12), month % 12 + 1, 1)
    except ValueError:
        raise DateFormError(f"day {day} does not exist in Solar Hijri {year}/{month:02d}") \
            from None
    low = first.togregorian()
    high = after.togregorian() - dt.timedelta(days=1)
    return PreciseDate(f"{low.year:04d}", "span", low, high)


def _numeric(text: str, calendar: str) -> tuple[str, PreciseDate] | None:
    match = _NUMERIC.match(text)
    month_first = _MONTH_YEAR.match(text)
    if month_first:
        year, month = int(month_first[2]), int(month_first[1])
        which = _calendar_of_year(year, calendar, text)
        return which, (_solar if which == SOLAR_HIJRI else _gregorian)(year, month, None)
    if not match:
        if _DAY_FIRST.match(text):
            raise DateFormError("day and month order is ambiguous (10/08/1988 is 10 August in "
                                "some lists and 8 October in others) — write the year first, as "
                                "1988-08-10 or 1367/05/19")
        return None
    year = int(match[1])
    month = int(match[3]) if match[3] else None
    day = int(match[4]) if match[4] else None
    which = _calendar_of_year(year, calendar, text)
    return which, (_solar if which == SOLAR_HIJRI else _gregorian)(year, month, day)


def _month_name(word: str) -> tuple[str, int] | None:
    key = fold(word)
    if key in _GREG_MONTHS:
        return GREGORIAN, _GREG_MONTHS[key]
    if key in _SOLAR:
        return SOLAR_HIJRI, _SOLAR[key]
    if key.isascii() and skeleton(key) in _SOLAR_SKELETONS and len(key) > 3:
        return SOLAR_HIJRI, _SOLAR_SKELETONS[skeleton(key)]
    return None


def _words(text: str) -> tuple[str, PreciseDate] | None:
    match = _WORDS.match(text)
    if not match:
        return None
    named = _month_name(match[2])
    if named is None:
        raise DateFormError(f"{match[2]!r} is not a month name (English, Persian, or a Latin "
                            "spelling of a Persian month such as Mordad)")
    which, month = named
    day_text = match[1] or match[3]
    day = int(day_text) if day_text else None
    year = int(match[4])
    low, high = YEARS[which]
    if not low <= year <= high:
        raise DateFormError(f"year {year} does not fit a {which.replace('-', ' ')} month name "
                            f"({low}-{high})")
    return which, (_solar if which == SOLAR_HIJRI else _gregorian)(year, month, day)


def _single(text: str, calendar: str) -> tuple[str, PreciseDate] | None:
    return _numeric(text, calendar) or _words(text)


def read_date(text: str, calendar: str = AUTO) -> WrittenDate:
    """Read a written date; `calendar` says which calendar bare numbers are in (or "auto":
    by the year, since plausible Gregorian and Solar Hijri years do not overlap).

    Raises DateFormError naming what is wrong and the forms that are read.
    """
    if calendar not in CALENDARS:
        raise ValueError(f"unknown calendar {calendar!r} (expected one of {CALENDARS})")
    verbatim = text
    text = normalise(text)
    if not text:
        raise DateFormError("empty date")
    text = re.sub(rf"(?<=[^\W\d_])\s*{_MAH}(?=\s|$)", "", text)
    text = _without_midnight(text)
    single = _single(text, calendar)
    if single is not None:
        return WrittenDate(verbatim, single[0], single[1])
    for separators in _RANGE_SEPARATORS:
        parts = separators.split(text)
        if len(parts) != 2 or not all(parts):
            continue
        first, last = _single(parts[0], calendar), _single(parts[1], calendar)
        if first and last:
            if first[0] != last[0]:
                raise DateFormError("a range must be written in one calendar — write both "
                                    "ends in the same calendar")
            if last[1].latest < first[1].earliest:
                raise DateFormError("the range ends before it begins — put the earlier date "
                                    "first")
            span = PreciseDate(f"{first[1].earliest.year:04d}", "span",
                               first[1].earliest, last[1].latest)
            return WrittenDate(verbatim, first[0], span)
    raise DateFormError(f"not a date kg can read — write it as one of: {EXAMPLES}")
