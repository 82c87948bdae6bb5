"""The home page: what the graph holds (counts by kind, sources and dates) and where to start."""

from __future__ import annotations

from flask import Blueprint, render_template

from kg.labels import labels
from kg.linked_data import page_of
from kg.overview import KIND_COUNTS, SOURCES, STARTING_POINTS
from kg.web.context import get_config, get_store
from kg.web.figure_view import quantity_links
from kg.web.i18n import current, current_wording

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    store = get_store()
    base = get_config().base_iri
    start = STARTING_POINTS.get(store)
    sources = SOURCES.get(store)
    main_event, people = start["main_event"], start["people"]
    # The cached overview names things in English; the reader's language names them here.
    names = labels(store, [*([main_event["iri"]] if main_event else []),
                           *(p["iri"] for p in people),
                           *(s.type_iri for s in sources if s.type_iri)], current())
    return render_template(
        "home/index.html", counts=KIND_COUNTS.get(store), sources=sources,
        main_event=main_event, people=people, total=store.count(), names=names,
        figures=quantity_links(store, base, wording=current_wording()),
        page_of=lambda iri: page_of(iri, base) or iri)
