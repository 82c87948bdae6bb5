"""Reading `kg:DateValue` nodes from the store: one SPARQL pattern, one decoder.

A date in the graph is a node with `kg:dateValue`, `kg:precision`, day-precise bounds and
`kg:inferred`. Entity pages, the timeline, the home page and the graph projection all read
dates; they all use `date_pattern` and `decode` (or `decode_props` for generic `?node ?p ?o`
rows), so a change of the model changes one place.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from kg.cache import Cached
from kg.dates import PreciseDate
from kg.namespaces import KG, PREFIXES, sparql_prefixes
from kg.store import Store

SEM = PREFIXES["sem"]
#: Properties that date a thing or a claim, by their short names on pages.
DATE_PROPERTIES = {KG + "date": "date", KG + "beginDate": "began", KG + "endDate": "ended"}
FAR = PreciseDate.from_values("9999").earliest
_P = sparql_prefixes()


def date_pattern(node: str = "?d", prefix: str = "") -> str:
    """Graph pattern binding the parts of the date value `node`: ?{prefix}v, ?{prefix}prec,
    ?{prefix}lo, ?{prefix}hi, ?{prefix}inf (all but the value optional)."""
    v = f"?{prefix}"
    return (f"{node} kg:dateValue {v}v . OPTIONAL {{ {node} kg:precision {v}prec }} "
            f"OPTIONAL {{ {node} sem:hasEarliestBeginTimeStamp {v}lo }} "
            f"OPTIONAL {{ {node} sem:hasLatestEndTimeStamp {v}hi }} "
            f"OPTIONAL {{ {node} kg:inferred {v}inf }}")


def _text(row: Any, name: str) -> str | None:
    term = row[name]
    return term.value if term is not None else None


def decode(row: Any, prefix: str = "") -> PreciseDate:
    """The date bound by `date_pattern(..., prefix)` in a solution."""
    return PreciseDate.from_values(
        row[prefix + "v"].value, _text(row, prefix + "prec"), _text(row, prefix + "lo"),
        _text(row, prefix + "hi"), inferred=_text(row, prefix + "inf") in ("true", "1"))


def decode_props(props: dict[str, str]) -> PreciseDate:
    """A date value from its properties as read by a generic (?node ?p ?o) query."""
    return PreciseDate.from_values(
        props[KG + "dateValue"], props.get(KG + "precision"),
        props.get(SEM + "hasEarliestBeginTimeStamp"), props.get(SEM + "hasLatestEndTimeStamp"),
        inferred=props.get(KG + "inferred") in ("true", "1"))


def _values(var: str, iris: list[str]) -> str:
    return f"VALUES {var} {{ " + " ".join(str(ox.NamedNode(i)) for i in iris) + " }"


def published_dates_of(store: Store, sources: list[str] | None) -> dict[str, PreciseDate]:
    """Publication date of each source (every kg:Source when `sources` is None)."""
    if sources is not None and not sources:
        return {}
    head = "?pub a kg:Source . " if sources is None else _values("?pub", sources)
    rows = store.query(_P + f"SELECT ?pub ?v ?prec ?lo ?hi ?inf WHERE {{ {head} "
                       f"?pub kg:published ?d . {date_pattern()} }}")
    return {r["pub"].value: decode(r) for r in rows}


def event_dates_of(store: Store, events: list[str] | None) -> dict[str, PreciseDate]:
    """One date per event (every kg:Event when `events` is None): its own kg:date/begin/end,
    else what its time claims state (the earliest, when sources disagree).

    A begin and an end become one span from the begin's earliest to the end's latest day.
    """
    if events is not None and not events:
        return {}
    values = "?ev a kg:Event ." if events is None else _values("?ev", events)
    head = (_P + f"SELECT ?ev ?p ?v ?prec ?lo ?hi ?inf WHERE {{ {values} "
            "VALUES ?p { kg:date kg:beginDate kg:endDate } ")
    found: dict[str, dict[str, PreciseDate]] = defaultdict(dict)
    rows = [(r, "") for r in store.query(head + f"?ev ?p ?d . {date_pattern()} }}")]
    rows += [(r, "~") for r in store.query(
        head + f"?c kg:about ?ev ; a kg:TimeClaim ; ?p ?d . {date_pattern()} }}")]
    for r, mark in rows:
        key = mark + r["p"].value.rsplit("#", 1)[-1]
        date = decode(r)
        old = found[r["ev"].value].get(key)
        if old is None or date.earliest < old.earliest:
            found[r["ev"].value][key] = date
    out: dict[str, PreciseDate] = {}
    for ev, by in found.items():
        for mark in ("", "~"):
            if mark + "date" in by:
                out[ev] = by[mark + "date"]
                break
            begin, end = by.get(mark + "beginDate"), by.get(mark + "endDate")
            if begin and end:
                out[ev] = PreciseDate.span(begin, end)
                break
            if begin or end:
                out[ev] = begin or end  # type: ignore[assignment]
                break
    return out


#: Every event's date and every source's publication date, per store version (entity pages,
#: the timeline and the home page ask for them on every view).
EVENT_DATES = Cached[dict[str, PreciseDate]]("event-dates",
                                             lambda store: event_dates_of(store, None))
PUBLISHED = Cached[dict[str, PreciseDate]]("published-dates",
                                           lambda store: published_dates_of(store, None))
