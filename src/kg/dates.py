"""Dates as sources give them: value at its precision, day bounds, and the Solar Hijri reading.

The graph stores a `kg:DateValue` with `kg:dateValue` (xsd:date, xsd:gYearMonth or xsd:gYear),
`kg:precision` (a time:TemporalUnit) and day-precise earliest/latest bounds. Pages must never
show "1 January 1988" for a year-only date, so everything here formats at the stated precision
and draws vague dates as spans. Iranian sources date events in the Solar Hijri calendar, so
every date is also given in it (via jdatetime), again no finer than the precision.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

import jdatetime

TIME = "http://www.w3.org/2006/time#"
KG = "https://kg.example.org/ontology#"

#: Precision IRIs -> short names used by templates and the JSON twins.
PRECISIONS: dict[str, str] = {
    TIME + "unitDay": "day",
    TIME + "unitMonth": "month",
    TIME + "unitYear": "year",
    KG + "unitPartOfMonth": "part-of-month",
    KG + "unitSeason": "season",
    KG + "unitSpan": "span",  # a range, or a month or year of another calendar: the bounds
}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
JALALI_MONTHS = tuple(jdatetime.date.j_months_en)
JALALI_MONTHS_FA = tuple(jdatetime.date.j_months_fa)
#: Northern-hemisphere season a span starting in each month belongs to (None: ambiguous).
_SEASONS = ("winter", None, "spring", "spring", None, "summer", "summer", None, "autumn",
            "autumn", None, "winter")
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

_LEXICAL = re.compile(r"^(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_lexical(text: str) -> tuple[int, int | None, int | None]:
    """Year, month, day of an xsd:date / gYearMonth / gYear lexical form (timezone ignored)."""
    match = _LEXICAL.match(text.strip())
    if not match:
        raise ValueError(f"not an xsd date, gYearMonth or gYear: {text!r}")
    year, month, day = match.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def precision_name(iri: str | None, lexical: str | None = None) -> str:
    """The short precision name; without an IRI, guessed from the lexical form's shape."""
    if iri and iri in PRECISIONS:
        return PRECISIONS[iri]
    if lexical:
        _, month, day = parse_lexical(lexical)
        return "day" if day else "month" if month else "year"
    return "day"


def bounds_of(lexical: str) -> tuple[dt.date, dt.date]:
    """First and last day a lexical date can denote, when the graph gives no explicit bounds."""
    year, month, day = parse_lexical(lexical)
    if day and month:
        d = dt.date(year, month, day)
        return d, d
    if month:
        start = dt.date(year, month, 1)
        end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        return start, end
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@dataclass(frozen=True)
class PreciseDate:
    """A date with its precision and bounds; `earliest == latest` only for a single day."""

    lexical: str
    precision: str
    earliest: dt.date
    latest: dt.date
    inferred: bool = False
    note: str | None = None
    #: For a span built from a begin date and an end date, those two dates.
    parts: tuple[PreciseDate, PreciseDate] | None = None

    @classmethod
    def from_values(cls, lexical: str, precision_iri: str | None = None,
                    earliest: str | None = None, latest: str | None = None,
                    inferred: bool = False, note: str | None = None) -> PreciseDate:
        """Build from the literal values a query returns; missing bounds come from the value."""
        low, high = bounds_of(lexical)
        if earliest:
            low = dt.date(*(int(x) for x in parse_lexical(earliest) if x is not None))
        if latest:
            high = dt.date(*(int(x) for x in parse_lexical(latest) if x is not None))
        return cls(lexical, precision_name(precision_iri, lexical), low, high, inferred, note)

    @property
    def is_span(self) -> bool:
        """Whether the date covers more than one day, so a timeline draws it as a bar."""
        return self.earliest != self.latest

    @classmethod
    def span(cls, begin: PreciseDate, end: PreciseDate) -> PreciseDate:
        """From a begin date to an end date, each keeping its own precision."""
        return cls(f"{begin.lexical}/{end.lexical}", "range", begin.earliest, end.latest,
                   begin.inferred or end.inferred, parts=(begin, end))

    def label(self) -> str:
        """English reading at the stated precision: '1 June 2014', 'July 1988', 'late July 1988'."""
        if self.parts:
            return f"{self.parts[0].label()} – {self.parts[1].label()}"
        year, month, day = parse_lexical(self.lexical)
        if self.precision == "day" and month and day:
            return f"{day} {MONTHS[month - 1]} {_year(year)}"
        if self.precision == "month" and month:
            return f"{MONTHS[month - 1]} {_year(year)}"
        if self.precision == "year":
            return _year(year)
        if self.precision == "part-of-month":
            part = _part_of_month(self.earliest, self.latest)
            if part:
                return f"{part} {MONTHS[self.earliest.month - 1]} {_year(self.earliest.year)}"
        if self.precision == "season":
            season = _SEASONS[self.earliest.month - 1]
            if season and (self.latest - self.earliest).days < 100:
                return f"{season} {_year(self.earliest.year)}"
        return f"between {day_label(self.earliest)} and {day_label(self.latest)}"

    def solar_hijri(self, persian: bool = False) -> str:
        """The same date in the Solar Hijri calendar, no finer than the stated precision."""
        low, high = _jalali(self.earliest), _jalali(self.latest)
        months = JALALI_MONTHS_FA if persian else JALALI_MONTHS

        def fmt(*parts: object) -> str:
            text = " ".join(str(p) for p in parts)
            return text.translate(_FA_DIGITS) if persian else text

        if self.precision == "day" and not self.is_span:
            return fmt(low.day, months[low.month - 1], low.year)
        if self.precision == "year" and low.year != high.year:
            return fmt(f"{low.year}–{high.year}")
        if (low.year, low.month) == (high.year, high.month):
            return fmt(months[low.month - 1], low.year)
        if low.year == high.year:
            return fmt(f"{months[low.month - 1]}–{months[high.month - 1]}", low.year)
        return fmt(months[low.month - 1], low.year, "–", months[high.month - 1], high.year)

    def as_json(self) -> dict[str, object]:
        return {"value": self.lexical, "precision": self.precision, "label": self.label(),
                "earliest": self.earliest.isoformat(), "latest": self.latest.isoformat(),
                "solarHijri": self.solar_hijri(), "inferred": self.inferred}


@functools.lru_cache(maxsize=8192)
def _jalali(day: dt.date) -> jdatetime.date:
    """Cached: a hub page converts the same few days dozens of times (jdatetime is slow)."""
    return jdatetime.date.fromgregorian(date=day)


def day_label(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {_year(day.year)}"


def _year(year: int) -> str:
    return str(year) if year > 0 else f"{1 - year} BCE"


def _part_of_month(low: dt.date, high: dt.date) -> str | None:
    """'early', 'mid' or 'late' when the bounds sit in one month's thirds."""
    if (low.year, low.month) != (high.year, high.month):
        return None
    if low.day <= 1 and high.day <= 11:
        return "early"
    if 9 <= low.day <= 12 and 19 <= high.day <= 21:
        return "mid"
    if 19 <= low.day <= 22 and high.day >= 28:
        return "late"
    return None


def parse_bound(text: str | None) -> dt.date | None:
    """A user-supplied filter bound: '1988', '1988-07' or '1988-07-19' (None if blank or bad)."""
    if not text:
        return None
    try:
        return bounds_of(text.strip())[0]
    except ValueError:
        return None


def parse_upper_bound(text: str | None) -> dt.date | None:
    """Like `parse_bound`, but '1988' means up to 31 December 1988."""
    if not text:
        return None
    try:
        return bounds_of(text.strip())[1]
    except ValueError:
        return None
