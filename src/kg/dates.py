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

from kg.wording import ENGLISH, N_, Wording

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

#: Each precision's name for readers.
PRECISION_WORDS = {"day": N_("day"), "month": N_("month"), "year": N_("year"),
                   "part-of-month": N_("part of month"), "season": N_("season"),
                   "range": N_("date range")}
#: Month names as the catalog knows them (`N_`): a page says them through its `Wording`.
MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
          N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
          N_("December"))
JALALI_MONTHS = (N_("Farvardin"), N_("Ordibehesht"), N_("Khordad"), N_("Tir"), N_("Mordad"),
                 N_("Shahrivar"), N_("Mehr"), N_("Aban"), N_("Azar"), N_("Dey"), N_("Bahman"),
                 N_("Esfand"))
#: The Solar Hijri months as Persian writes them, for reading dates typed in Persian (the
#: matcher); pages say month names through their `Wording`.
JALALI_MONTHS_FA = tuple(jdatetime.date.j_months_fa)
#: Northern-hemisphere season a span starting in each month belongs to (None: ambiguous).
_SEASONS = ("winter", None, "spring", "spring", None, "summer", "summer", None, "autumn",
            "autumn", None, "winter")
#: The Solar Hijri year's seasons, three months each from Farvardin (its new year is the
#: March equinox, so they are the astronomical seasons).
_JALALI_SEASONS = ("spring", "summer", "autumn", "winter")
#: How each precision word is said, with and without a year.
_DAY = N_("{day} {month} {year}")
_MONTH = N_("{month} {year}")
_PARTS = {"early": N_("early {month} {year}"), "mid": N_("mid {month} {year}"),
          "late": N_("late {month} {year}")}
_PARTS_NO_YEAR = {"early": N_("early {month}"), "mid": N_("mid {month}"),
                  "late": N_("late {month}")}
_SEASON_WORDS = {"spring": N_("spring {year}"), "summer": N_("summer {year}"),
                 "autumn": N_("autumn {year}"), "winter": N_("winter {year}")}
_BETWEEN = N_("between {start} and {end}")
_BCE = N_("{year} BCE")

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

    def label(self, wording: Wording = ENGLISH) -> str:
        """The Gregorian reading at the stated precision: '1 June 2014', 'July 1988', 'late
        July 1988' (in `wording`'s language)."""
        if self.parts:
            return f"{self.parts[0].label(wording)} – {self.parts[1].label(wording)}"
        w = wording
        year, month, day = parse_lexical(self.lexical)
        if self.precision == "day" and month and day:
            return w.digits(w(_DAY, day=day, month=w(MONTHS[month - 1]), year=_year(year, w)))
        if self.precision == "month" and month:
            return w.digits(w(_MONTH, month=w(MONTHS[month - 1]), year=_year(year, w)))
        if self.precision == "year":
            return w.digits(_year(year, w))
        low, high = self.earliest, self.latest
        if self.precision == "part-of-month":
            part = _part_of_month((low.year, low.month, low.day), (high.year, high.month,
                                                                   high.day))
            if part:
                return w.digits(w(_PARTS[part], month=w(MONTHS[low.month - 1]),
                                  year=_year(low.year, w)))
        if self.precision == "season":
            season = _SEASONS[low.month - 1]
            if season and (high - low).days < 100:
                return w.digits(w(_SEASON_WORDS[season], year=_year(low.year, w)))
        return w(_BETWEEN, start=day_label(low, w), end=day_label(high, w))

    def solar_hijri(self, wording: Wording = ENGLISH) -> str:
        """The same date in the Solar Hijri calendar, no finer than the stated precision:
        '11 Khordad 1393', 'Tir–Mordad 1367', 'late Tir – early Mordad 1367' for late July
        1988, 'autumn 1367'."""
        w = wording
        low, high = _jalali(self.earliest), _jalali(self.latest)

        def month(m: int) -> str:
            return w(JALALI_MONTHS[m - 1])

        if self.precision == "day" and not self.is_span:
            return w.digits(w(_DAY, day=low.day, month=month(low.month), year=low.year))
        if self.precision == "year" and low.year != high.year:
            return w.digits(f"{low.year}–{high.year}")
        if self.precision == "season":
            season = _jalali_season(self.earliest, self.latest)
            if season is not None:
                return w.digits(w(_SEASON_WORDS[_JALALI_SEASONS[season[1]]], year=season[0]))
        if self.precision == "part-of-month":
            found = _jalali_parts(low, high, w)
            if found:
                return w.digits(found)
        if (low.year, low.month) == (high.year, high.month):
            return w.digits(w(_MONTH, month=month(low.month), year=low.year))
        if low.year == high.year:
            return w.digits(w(_MONTH, month=f"{month(low.month)}–{month(high.month)}",
                              year=low.year))
        return w.digits(f"{w(_MONTH, month=month(low.month), year=low.year)} – "
                        f"{w(_MONTH, month=month(high.month), year=high.year)}")

    def as_json(self) -> dict[str, object]:
        return {"value": self.lexical, "precision": self.precision, "label": self.label(),
                "earliest": self.earliest.isoformat(), "latest": self.latest.isoformat(),
                "solarHijri": self.solar_hijri(), "inferred": self.inferred}


@functools.lru_cache(maxsize=8192)
def _jalali(day: dt.date) -> jdatetime.date:
    """Cached: a hub page converts the same few days dozens of times (jdatetime is slow)."""
    return jdatetime.date.fromgregorian(date=day)


def day_label(day: dt.date, wording: Wording = ENGLISH) -> str:
    w = wording
    return w.digits(w(_DAY, day=day.day, month=w(MONTHS[day.month - 1]),
                      year=_year(day.year, w)))


def _year(year: int, wording: Wording) -> str:
    return str(year) if year > 0 else wording(_BCE, year=1 - year)


Day = tuple[int, int, int]


def _part_of_month(low: Day, high: Day) -> str | None:
    """'early', 'mid' or 'late' when the bounds (year, month, day) sit in one month's
    thirds, in either calendar."""
    if low[:2] != high[:2]:
        return None
    if low[2] <= 1 and high[2] <= 11:
        return "early"
    if 9 <= low[2] <= 12 and 19 <= high[2] <= 21:
        return "mid"
    if 19 <= low[2] <= 22 and high[2] >= 28:
        return "late"
    return None


def _third(day: int) -> str:
    return "early" if day <= 10 else "mid" if day <= 20 else "late"


def _jalali_parts(low: jdatetime.date, high: jdatetime.date, w: Wording) -> str | None:
    """A part of a month read in Solar Hijri months: 'late Mordad 1367' when the bounds sit
    in one third of a month, 'late Tir – early Mordad 1367' when they straddle two."""
    part = _part_of_month((low.year, low.month, low.day), (high.year, high.month, high.day))
    if part:
        return w(_PARTS[part], month=w(JALALI_MONTHS[low.month - 1]), year=low.year)
    months = low.year * 12 + low.month, high.year * 12 + high.month
    if months[1] - months[0] != 1:
        return None
    first = w(_PARTS_NO_YEAR[_third(low.day)], month=w(JALALI_MONTHS[low.month - 1]))
    second = w(_PARTS_NO_YEAR[_third(high.day)], month=w(JALALI_MONTHS[high.month - 1]))
    if low.year == high.year:
        return f"{first} – {w(_MONTH, month=second, year=high.year)}"
    return f"{w(_MONTH, month=first, year=low.year)} – {w(_MONTH, month=second, year=high.year)}"


def _jalali_season(earliest: dt.date, latest: dt.date) -> tuple[int, int] | None:
    """(Solar Hijri year, season index) when the bounds are one of its seasons, give or take
    the three days the sources' equinoxes and solstices differ by."""
    middle = _jalali(earliest + (latest - earliest) / 2)
    season = (middle.month - 1) // 3
    first = jdatetime.date(middle.year, 3 * season + 1, 1)
    after = (jdatetime.date(middle.year + 1, 1, 1) if season == 3
             else jdatetime.date(middle.year, 3 * season + 4, 1))
    start, end = first.togregorian(), after.togregorian() - dt.timedelta(days=1)
    if abs((earliest - start).days) <= 3 and abs((latest - end).days) <= 3:
        return middle.year, season
    return None


#: Persian and Arabic-Indic digits as ASCII ones: a bound typed on a Persian keyboard, a
#: date or a record id written in Persian.
ASCII_DIGITS = str.maketrans({**{chr(0x06F0 + i): str(i) for i in range(10)},
                              **{chr(0x0660 + i): str(i) for i in range(10)}})


def parse_bound(text: str | None) -> dt.date | None:
    """A user-supplied filter bound: '1988', '1988-07' or '1988-07-19', in any digits (None
    if blank or bad)."""
    if not text:
        return None
    try:
        return bounds_of(text.strip().translate(ASCII_DIGITS))[0]
    except ValueError:
        return None


def parse_upper_bound(text: str | None) -> dt.date | None:
    """Like `parse_bound`, but '1988' means up to 31 December 1988."""
    if not text:
        return None
    try:
        return bounds_of(text.strip().translate(ASCII_DIGITS))[1]
    except ValueError:
        return None
