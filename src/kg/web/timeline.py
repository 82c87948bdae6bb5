"""The timeline (`/timeline?from=1988&to=1989`): events at their stated precision, with the
Solar Hijri reading; vague dates are drawn as spans, single days as points (server-side SVG).

On a right-to-left page the drawing is mirrored (time runs from right to left, names on the
right) and the axis marks Solar Hijri years at Nowruz; the filter reads Persian digits too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import jdatetime
from flask import Blueprint, Response, jsonify, render_template, request

from kg.cache import Cached
from kg.dates import PreciseDate, parse_bound, parse_upper_bound
from kg.datevalues import EVENT_DATES
from kg.labels import Label, labels
from kg.linked_data import page_of
from kg.store import Store
from kg.web.context import get_config, get_store
from kg.web.i18n import current, current_wording, data_language

bp = Blueprint("timeline", __name__)
MAX_EVENTS = 400
ROW = 26
LEFT = 330
WIDTH = 1000


@dataclass
class Row:
    iri: str
    label: Label
    page: str | None
    date: PreciseDate
    x: float = 0
    w: float = 0
    y: float = 0


def _all_dated(store: Store) -> list[tuple[str, PreciseDate]]:
    """Every dated event, sorted by earliest day."""
    return sorted(EVENT_DATES.get(store).items(),
                  key=lambda x: (x[1].earliest, x[1].latest, x[0]))


DATED_EVENTS = Cached[list[tuple[str, PreciseDate]]]("dated-events", _all_dated)


def _select(lang: str) -> tuple[list[Row], dt.date | None, dt.date | None, int, str, str,
                              list[int]]:
    """The events in the asked range, named in `lang`."""
    raw_from, raw_to = request.args.get("from", "").strip(), request.args.get("to", "").strip()
    start, end = parse_bound(raw_from), parse_upper_bound(raw_to)
    store = get_store()
    dated = DATED_EVENTS.get(store)
    chosen = [(iri, d) for iri, d in dated
              if (start is None or d.latest >= start) and (end is None or d.earliest <= end)]
    total = len(chosen)
    years = sorted({d.earliest.year for _, d in dated})
    chosen = chosen[:MAX_EVENTS]
    base = get_config().base_iri
    names = labels(store, (iri for iri, _ in chosen), lang)
    rows = [Row(iri, names[iri], page_of(iri, base), d) for iri, d in chosen]
    return rows, start, end, total, raw_from, raw_to, years


def _layout(rows: list[Row], start: dt.date | None, end: dt.date | None,
            rtl: bool = False) -> dict[str, object]:
    """x positions on a linear day scale, mirrored for right-to-left pages, and year ticks
    (at most about a dozen): Gregorian years at 1 January, or Solar Hijri years at Nowruz
    on right-to-left pages."""
    if not rows:
        return {"ticks": [], "height": 0}
    lo = start or min(r.date.earliest for r in rows)
    hi = end or max(r.date.latest for r in rows)
    lo = dt.date(lo.year, 1, 1)
    hi = dt.date(hi.year, 12, 31)
    days = max((hi - lo).days, 1)
    track = WIDTH - LEFT - 20

    def x(day: dt.date) -> float:
        offset = track * max(0, min(days, (day - lo).days)) / days
        return WIDTH - LEFT - offset if rtl else LEFT + offset

    for i, r in enumerate(rows):
        a, b = x(r.date.earliest), x(r.date.latest + dt.timedelta(days=1))
        r.x = round(min(a, b), 1)
        r.w = round(max(abs(b - a), 3), 1)
        r.y = 40 + i * ROW
    years = hi.year - lo.year + 1
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 1000) if years / s <= 12)
    if rtl:
        first = jdatetime.date.fromgregorian(date=lo).year
        starts = [(jdatetime.date(y, 1, 1).togregorian(), y)
                  for y in range(first, first + years + 1)]
    else:
        starts = [(dt.date(y, 1, 1), y) for y in range(lo.year, hi.year + 1)]
    ticks = [(round(x(day), 1), y) for day, y in starts
             if lo <= day <= hi and (y % step == 0 or step == 1)]
    return {"ticks": ticks, "height": 50 + len(rows) * ROW, "width": WIDTH,
            "label_x": WIDTH - LEFT + 12 if rtl else LEFT - 12, "rtl": rtl}


@bp.get("/timeline")
def timeline() -> str:
    rows, start, end, total, raw_from, raw_to, years = _select(current())
    layout = _layout(rows, start, end, rtl=current_wording().rtl)
    return render_template("timeline/index.html", rows=rows, layout=layout,
                           years=years[:40],
                           total=total, shown=len(rows), raw_from=raw_from, raw_to=raw_to,
                           bad_from=bool(raw_from) and start is None,
                           bad_to=bool(raw_to) and end is None)


@bp.get("/timeline.json")
def timeline_json() -> Response:
    rows, _, _, total, _, _, _ = _select(data_language())
    return jsonify({"total": total, "events": [
        {"iri": r.iri, "label": r.label, "page": r.page, "date": r.date.as_json()}
        for r in rows]})
