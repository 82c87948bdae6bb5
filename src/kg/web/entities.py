"""Entity pages (`/page/<kind>/<slug>`) and their JSON twins: names, claims, links, events.

The linked-data blueprint answers `/id/...` and sends browsers here with a 303; this module
only renders. All gathering is in `kg.entity`, so the HTML and the JSON say the same thing.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from markupsafe import Markup

from kg.dates import PreciseDate
from kg.entity import (
    MAX_CLAIMS,
    Entity,
    EntityReader,
    Node,
    event_dates_of,
    published_dates_of,
    valid_slug,
)
from kg.web import get_config, get_store
from kg.web.pagecache import cached

bp = Blueprint("entities", __name__)

RTL_LANGUAGES = {"fa", "ar", "he", "ur", "ps", "ckb"}


def all_event_dates() -> dict[str, PreciseDate]:
    """Every event's date, once per store version (entity pages and the timeline share it)."""
    store = get_store(current_app)
    return cached(current_app, "event-dates", lambda: event_dates_of(store, None))


def reader() -> EntityReader:
    store = get_store(current_app)
    dates = all_event_dates()
    published = cached(current_app, "published", lambda: published_dates_of(store, None))
    return EntityReader(store, get_config(current_app).base_iri,
                        event_dates=lambda evs: {e: dates[e] for e in evs if e in dates},
                        published=lambda srcs: {s: published[s] for s in srcs if s in published})


def _lookup(slug: str) -> tuple[EntityReader, Entity]:
    if not valid_slug(slug):
        abort(404)
    try:
        offset = max(int(request.args.get("claims", 0)), 0)
    except ValueError:
        offset = 0
    r = reader()
    entity = _read_cached(r, r.iri_of(slug), offset)
    if entity is None:
        abort(404)
    return r, entity


_RECENT: OrderedDict[tuple[str, str, int], Entity | None] = OrderedDict()
_RECENT_LOCK = threading.Lock()
RECENT_ENTITIES = 512


def _read_cached(r: EntityReader, iri: str, offset: int) -> Entity | None:
    """Read through a small per-process LRU keyed by store version: the data only changes
    with the version, and hub pages (the main event, linked from home) are read again and
    again while costing the most to gather."""
    key = (r.store.version, iri, offset)
    with _RECENT_LOCK:
        if key in _RECENT:
            _RECENT.move_to_end(key)
            return _RECENT[key]
    entity = r.read(iri, claims_offset=offset)
    with _RECENT_LOCK:
        _RECENT[key] = entity
        while len(_RECENT) > RECENT_ENTITIES:
            _RECENT.popitem(last=False)
    return entity


def _links(slug: str) -> str:
    """`Link` header naming the data twins, so clients find the RDF and JSON versions."""
    return ", ".join([
        f'</data/{slug}.ttl>; rel="alternate"; type="text/turtle"',
        f'</data/{slug}.jsonld>; rel="alternate"; type="application/ld+json"',
        f'</page/{slug}.json>; rel="alternate"; type="application/json"',
        f'</id/{slug}>; rel="canonical"',
    ])


def node_link(node: Node) -> Markup:
    """A link to the node's page (or its label with the IRI as title). A function, not a
    Jinja macro: a hub page draws ~120 links, and macro calls were a third of its render."""
    if node.page:
        return Markup('<a href="{}">{}</a>').format(node.page, node.label)
    return Markup('<span title="{}">{}</span>').format(node.iri, node.label)


@bp.get("/page/<path:slug>")
def page(slug: str) -> Response | str:
    if slug.endswith(".json"):
        return twin(slug.removesuffix(".json"))
    _, entity = _lookup(slug)
    html = render_template(
        "entities/page.html", e=entity, slug=slug, rtl=RTL_LANGUAGES, page_size=MAX_CLAIMS,
        link=node_link,
        graph=neighbourhood(entity), explore=f"/explore?focus={quote(entity.iri, safe='')}")
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = _links(slug)
    return response


def twin(slug: str) -> Response:
    """The page's data as JSON (what the HTML shows, for scripts and the graph explorer)."""
    _, entity = _lookup(slug)
    response = jsonify(entity.as_json())
    response.headers["Link"] = _links(slug)
    return response


@dataclass
class Placed:
    """A node of the neighbourhood drawing, with its position and label anchor."""

    label: str
    full: str
    page: str | None
    relation: str
    x: float
    y: float
    anchor: str
    lx: float
    ly: float


def neighbourhood(entity: Entity, width: int = 580, height: int = 340) -> dict[str, object]:
    """A radial layout of the entity's neighbours, drawn as SVG by the template (no JS)."""
    cx, cy = width / 2, height / 2
    n = len(entity.neighbours)
    placed = []
    rx, ry = width / 2 - 170, height / 2 - 45  # room for labels beside the nodes
    for i, (node, relation) in enumerate(entity.neighbours):
        angle = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        lx = x + (10 if anchor == "start" else -10 if anchor == "end" else 0)
        ly = y + (4 if anchor != "middle" else (-12 if y < cy else 20))
        label = node.label if len(node.label) <= 21 else node.label[:20] + "…"
        placed.append(Placed(label, node.label, node.page, relation, round(x, 1), round(y, 1),
                             anchor, round(lx, 1), round(ly, 1)))
    center = entity.label if len(entity.label) <= 30 else entity.label[:29] + "…"
    return {"width": width, "height": height, "cx": cx, "cy": cy, "nodes": placed,
            "center": center}
