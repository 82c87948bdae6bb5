"""Checks across one row's cells: a birth after the death, an age at death that the dates
of birth and death rule out. They are warnings, not errors: the list says what it says and
its claims are imported as it gives them (contested facts stay as stated), but a row that
contradicts itself is most often a slip of entry that its compiler will want to see.

Dates are compared by their bounds, so a value known only to the year (or a Solar Hijri
year, which straddles two Gregorian ones) is never called inconsistent when some reading of
it fits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kg.namespaces import KG, PREFIXES

BIRTH = PREFIXES["schema"] + "birthDate"
DEATH = PREFIXES["schema"] + "deathDate"
AGE = KG + "ageAtDeath"


@dataclass(frozen=True)
class Given:
    """One cell's value as the checks read it: a date's bounds, or an age."""

    column: str
    text: str
    #: A date's earliest and latest day.
    bounds: tuple[dt.date, dt.date] | None = None
    years: int | None = None


def row_warnings(given: dict[str, Given]) -> list[str]:
    """What a row's values say against each other (`given`: by property IRI)."""
    birth, death, age = given.get(BIRTH), given.get(DEATH), given.get(AGE)
    if not (birth and death and birth.bounds and death.bounds):
        return []
    (born_first, born_last), (died_first, died_last) = birth.bounds, death.bounds
    if born_first > died_last:
        return [f"born {birth.text!r} ({birth.column}) after dying {death.text!r} "
                f"({death.column})"]
    if age is None or age.years is None:
        return []
    low, high = _age(born_last, died_first), _age(born_first, died_last)
    if low <= age.years <= high:
        return []
    span = str(low) if low == high else f"{low}-{high}"
    return [f"age {age.years} ({age.column}) does not fit born {birth.text!r} and died "
            f"{death.text!r} (which give {span})"]


def _age(born: dt.date, died: dt.date) -> int:
    """Completed years between two days (never below 0)."""
    return max(0, died.year - born.year - ((died.month, died.day) < (born.month, born.day)))
