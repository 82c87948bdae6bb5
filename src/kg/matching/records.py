"""What is matched: a row of a list or a reconciliation query, as the values it gives.

Lists give dates in the Gregorian or the Solar Hijri calendar, at any precision, with
Persian or Arabic-Indic digits; ages instead of birth years; prisons and affiliations by
name or by kg IRI. Everything is read here into one `Record`, so features compare like with
like. Nothing here is stored: values worked out from a row (a Solar Hijri month as a
Gregorian span, a birth year from an age) exist only for the comparison.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import jdatetime

from kg.dates import JALALI_MONTHS, JALALI_MONTHS_FA, MONTHS
from kg.names import fold

#: Kinds of entity the matcher knows, by the names reconciliation types and templates use.
KINDS = ("person", "organisation", "place", "event")


@dataclass(frozen=True)
class Span:
    """A date as a day range with its precision ('day', 'month', 'year', ...)."""

    earliest: dt.date
    latest: dt.date
    precision: str
    #: The graph's date was worked out, not stated (shown as such wherever it appears).
    inferred: bool = False

    def overlaps(self, other: Span) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest

    def within(self, other: Span) -> bool:
        return other.earliest <= self.earliest and self.latest <= other.latest

    def gap_days(self, other: Span) -> int:
        """Days between the two spans (0 when they overlap)."""
        if self.overlaps(other):
            return 0
        return min(abs((self.earliest - other.latest).days),
                   abs((other.earliest - self.latest).days))


@dataclass
class Record:
    """One thing to find in the graph: its names and whatever else the row or query gives.

    `places` and `affiliations` hold names or IRIs (an IRI is compared as such).
    """

    names: list[str]
    kind: str | None = "person"
    father_names: list[str] = field(default_factory=list)
    #: Birth year as a range (a Solar Hijri year straddles two Gregorian ones).
    birth: tuple[int, int] | None = None
    age: int | None = None
    death: Span | None = None
    places: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    #: The row's own key (record id, row number): reports and the benchmark name rows by it.
    key: str = ""

    def birth_range(self, death: Span | None = None) -> tuple[int, int] | None:
        """Birth year as a range: given, or worked out from an age at the (row's or the
        candidate's) date of death, which leaves a year of doubt."""
        if self.birth is not None:
            return self.birth
        when = self.death or death
        if self.age is not None and when is not None:
            return when.earliest.year - self.age - 1, when.latest.year - self.age
        return None


# --- reading cell values ------------------------------------------------------------------

_DIGITS = str.maketrans({**{chr(0x0660 + i): str(i) for i in range(10)},
                         **{chr(0x06F0 + i): str(i) for i in range(10)}})
_NUMERIC = re.compile(r"^(\d{3,4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
#: Month names, folded, to (calendar, month): English, Solar Hijri in Latin (with the usual
#: alternative spellings) and in Persian.
_MONTH_NAMES: dict[str, tuple[str, int]] = {}
for _i, _name in enumerate(MONTHS):
    _MONTH_NAMES[fold(_name)] = ("gregorian", _i + 1)
    _MONTH_NAMES[fold(_name[:3])] = ("gregorian", _i + 1)
for _names in (JALALI_MONTHS, JALALI_MONTHS_FA):
    for _i, _name in enumerate(_names):
        _MONTH_NAMES[fold(_name).replace("\u200c", "")] = ("solar-hijri", _i + 1)
_MONTH_NAMES.update({"amordad": ("solar-hijri", 5), "shahrivar": ("solar-hijri", 6),
                     "shahrivar ": ("solar-hijri", 6), "ordibehesht": ("solar-hijri", 2),
                     "farvardin": ("solar-hijri", 1), "esfand": ("solar-hijri", 12)})
#: Years before this are Solar Hijri (1300s SH are the 1920s-2020s).
SOLAR_HIJRI_BEFORE = 1600


def parse_year(text: str | int | None) -> tuple[int, int] | None:
    """A year written in any digits, as Gregorian years: a Solar Hijri year (before 1600)
    runs from March to March, so it is two."""
    if text is None or text == "":
        return None
    if isinstance(text, int):
        year = text
    else:
        match = re.search(r"\d{3,4}", str(text).translate(_DIGITS))
        if not match:
            return None
        year = int(match.group())
    return (year + 621, year + 622) if year < SOLAR_HIJRI_BEFORE else (year, year)


def parse_int(text: str | int | float | None) -> int | None:
    if text is None or text == "":
        return None
    if isinstance(text, int | float):
        return int(text)
    match = re.search(r"\d+", str(text).translate(_DIGITS))
    return int(match.group()) if match else None


def _span(calendar: str, year: int, month: int | None, day: int | None) -> Span:
    if calendar == "solar-hijri":
        if day is not None and month is not None:
            d = jdatetime.date(year, month, day).togregorian()
            return Span(d, d, "day")
        if month is not None:
            first = jdatetime.date(year, month, 1).togregorian()
            nxt = (jdatetime.date(year + (month == 12), month % 12 + 1, 1).togregorian())
            return Span(first, nxt - dt.timedelta(days=1), "month")
        return Span(jdatetime.date(year, 1, 1).togregorian(),
                    jdatetime.date(year + 1, 1, 1).togregorian() - dt.timedelta(days=1), "year")
    if day is not None and month is not None:
        d = dt.date(year, month, day)
        return Span(d, d, "day")
    if month is not None:
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return Span(first, nxt - dt.timedelta(days=1), "month")
    return Span(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def parse_date(text: str | None) -> Span | None:
    """'2014-06-01', '1988-08', '1988', '1367/05/12', '۱۳۶۷/۵/۱۲', '12 Mordad 1367',
    'August 1988', '۱۲ مرداد ۱۳۶۷' -> a span (None if it is not a date)."""
    if not text:
        return None
    raw = fold(str(text)).translate(_DIGITS).replace("\u200c", "").strip()
    try:
        match = _NUMERIC.match(raw)
        if match:
            year, month, day = (int(g) if g else None for g in match.groups())
        elif (match := _DMY.match(raw)):
            day, month, year = (int(g) for g in match.groups())
        else:
            words = re.findall(r"\d+|[^\W\d_]+", raw)
            numbers = [int(w) for w in words if w.isdigit()]
            months = [_MONTH_NAMES[w] for w in words if w in _MONTH_NAMES]
            years = [n for n in numbers if n >= 100]
            if not years or len(months) > 1:
                return None
            year = years[0]
            days = [n for n in numbers if n < 100]
            calendar, month = months[0] if months else ("", None)
            day = days[0] if days and month else None
            if calendar == "solar-hijri" and year >= SOLAR_HIJRI_BEFORE:
                return None
            if calendar == "gregorian" and year < SOLAR_HIJRI_BEFORE:
                return None
        assert year is not None
        calendar = "solar-hijri" if year < SOLAR_HIJRI_BEFORE else "gregorian"
        return _span(calendar, year, month, day)
    except (ValueError, AssertionError):
        return None


def split_values(text: str | None) -> list[str]:
    """A cell holding several values separated by ';' (other_names, places)."""
    if not text:
        return []
    return [part.strip() for part in str(text).split(";") if part.strip()]


#: Columns of the victim template (RECORDS.md) the matcher reads.
VICTIM_COLUMNS = ("name_fa", "name_en", "other_names", "father_name", "birth_year", "age",
                  "prison", "place_of_death", "date_of_death", "affiliation")


def record_from_row(row: Mapping[str, str | None], key: str = "") -> Record:
    """A row of the victim template (column -> cell text) as a record to match."""
    def cell(name: str) -> str:
        value = row.get(name)
        return str(value).strip() if value is not None else ""

    names = [n for n in (cell("name_en"), cell("name_fa")) if n]
    names += split_values(cell("other_names"))
    return Record(
        names=names, kind="person", father_names=split_values(cell("father_name")),
        birth=parse_year(cell("birth_year")), age=parse_int(cell("age")),
        death=parse_date(cell("date_of_death")),
        places=split_values(cell("prison")) + split_values(cell("place_of_death")),
        affiliations=split_values(cell("affiliation")),
        key=key or cell("record_id"))
