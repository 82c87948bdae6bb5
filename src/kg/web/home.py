"""The home page: what the graph holds (counts by kind, sources and dates) and where to start."""

from __future__ import annotations

from flask import Blueprint, render_template

from kg.linked_data import page_of
from kg.overview import KIND_COUNTS, SOURCES, STARTING_POINTS
from kg.web.context import get_config, get_store
from kg.web.figure_view import quantity_links

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    store = get_store()
    base = get_config().base_iri
    start = STARTING_POINTS.get(store)
    return render_template(
        "home/index.html", counts=KIND_COUNTS.get(store), sources=SOURCES.get(store),
        main_event=start["main_event"], people=start["people"], total=store.count(),
        figures=quantity_links(store, base),
        page_of=lambda iri: page_of(iri, base) or iri)
