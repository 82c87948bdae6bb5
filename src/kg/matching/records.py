"""What is matched: a row of a list or a reconciliation query, as the values it gives.

A row says things about a person through properties (RECORDS.md: `rdfs:label`,
`kg:fatherName`, `schema:deathDate`...), whatever its columns are called; the importer's
mapping says which column gives which property, and `record_from_values` reads those values
into one `Record`, so features compare like with like. Dates are read by
`kg.written_dates`, the one reader of written dates (both calendars, any digits, any
precision); a date that cannot be read tells nothing. Nothing here is stored: values worked
out from a row (a Solar Hijri month as a Gregorian span, a birth year from an age) exist
only for the comparison.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kg.namespaces import KG, PREFIXES
from kg.written_dates import AUTO, DateFormError, normalise, read_date

#: Kinds of entity the matcher knows, by the names reconciliation types and templates use.
KINDS = ("person", "organisation", "place", "event")
SCHEMA, RDFS, SKOS = PREFIXES["schema"], PREFIXES["rdfs"], PREFIXES["skos"]

#: What each property a row gives is to the matcher (the properties of RECORDS.md).
FIELDS = {
    RDFS + "label": "name", SKOS + "prefLabel": "name", SCHEMA + "name": "name",
    SKOS + "altLabel": "other_name", KG + "fatherName": "father",
    SCHEMA + "birthDate": "birth", KG + "ageAtDeath": "age", SCHEMA + "deathDate": "death",
    KG + "heldIn": "place", SCHEMA + "deathPlace": "place", KG + "affiliation": "affiliation",
}


@dataclass(frozen=True)
class Span:
    """A date as a day range with its precision ('day', 'month', 'year', 'span'...)."""

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


def parse_date(text: str | int | None, calendar: str = AUTO) -> Span | None:
    """A written date (`kg.written_dates` reads it) as a span; None if it is not one."""
    if text is None or not str(text).strip():
        return None
    try:
        written = read_date(str(text), calendar)
    except DateFormError:
        return None
    return Span(written.date.earliest, written.date.latest, written.date.precision)


def parse_year(text: str | int | None, calendar: str = AUTO) -> tuple[int, int] | None:
    """A year (or any date) as Gregorian years: a Solar Hijri year runs from March to March,
    so it is two."""
    span = parse_date(text, calendar)
    return None if span is None else (span.earliest.year, span.latest.year)


def parse_int(text: str | int | float | None) -> int | None:
    if text is None or text == "":
        return None
    if isinstance(text, int | float):
        return int(text)
    match = re.search(r"\d+", normalise(str(text)))
    return int(match.group()) if match else None


def record_from_values(values: Iterable[tuple[str, str] | tuple[str, str, str]],
                       key: str = "") -> Record:
    """A record from what a row says: (property IRI, text[, calendar of its dates]) pairs,
    one per value (a list cell gives one per item). Names by `rdfs:label` come first."""
    record = Record([], kind="person", key=key)
    others: list[str] = []
    for value in values:
        prop, text = value[0], value[1].strip()
        calendar = value[2] if len(value) > 2 else AUTO  # type: ignore[misc]
        what = FIELDS.get(prop)
        if not text or what is None:
            continue
        if what == "name":
            record.names.append(text)
        elif what == "other_name":
            others.append(text)
        elif what == "father":
            record.father_names.append(text)
        elif what == "birth":
            record.birth = record.birth or parse_year(text, calendar)
        elif what == "age":
            record.age = record.age if record.age is not None else parse_int(text)
        elif what == "death":
            record.death = record.death or parse_date(text, calendar)
        elif what == "place":
            record.places.append(text)
        elif what == "affiliation":
            record.affiliations.append(text)
    record.names += others
    return record


def split_values(text: str | None) -> list[str]:
    """A cell holding several values separated by ';' (other_names, places)."""
    if not text:
        return []
    return [part.strip() for part in str(text).split(";") if part.strip()]


#: Columns of the bundled victim template (RECORDS.md) and the property each gives; the
#: list columns are split at ';'. Other tables are read through their mapping.
VICTIM_COLUMNS = {
    "name_en": RDFS + "label", "name_fa": RDFS + "label", "other_names": SKOS + "altLabel",
    "father_name": KG + "fatherName", "birth_year": SCHEMA + "birthDate",
    "age": KG + "ageAtDeath", "prison": KG + "heldIn", "place_of_death": SCHEMA + "deathPlace",
    "date_of_death": SCHEMA + "deathDate", "affiliation": KG + "affiliation",
}
_LISTS = {"other_names", "father_name", "prison", "place_of_death", "affiliation"}


def record_from_row(row: Mapping[str, str | None], key: str = "") -> Record:
    """A row of the victim template (column -> cell text) as a record to match."""
    values = []
    for column, prop in VICTIM_COLUMNS.items():
        text = row.get(column)
        if text is None:
            continue
        parts = split_values(str(text)) if column in _LISTS else [str(text)]
        values += [(prop, part) for part in parts]
    cell = row.get("record_id")
    return record_from_values(values, key or (str(cell).strip() if cell else ""))
