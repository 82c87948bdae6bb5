"""Entity pages (`/page/<kind>/<slug>`) and their JSON twins: names, claims, links, events.

The linked-data blueprint answers `/id/...` and sends browsers here with a 303; this module
only renders. All gathering is in `kg.entity`, so the HTML and the JSON say the same thing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote

from flask import Blueprint, Response, abort, jsonify, render_template, request
from markupsafe import Markup

from kg.cache import Cached
from kg.entity import MAX_CLAIMS, Entity, EntityReader, Node, valid_slug
from kg.linked_data import alternates
from kg.store import Store
from kg.web.context import get_config, get_store

bp = Blueprint("entities", __name__)

RTL_LANGUAGES = {"fa", "ar", "he", "ur", "ps", "ckb"}


def _read(store: Store, base: str, iri: str, offset: int) -> Entity | None:
    return EntityReader(store, base).read(iri, claims_offset=offset)


#: Recently read entities: hub pages (the main event, linked from home) are read again and
#: again while costing the most to gather.
ENTITY_PAGES = Cached[Entity | None]("entity-page", _read, warm=False, max_entries=512)


def _lookup(slug: str) -> Entity:
    if not valid_slug(slug):
        abort(404)
    try:
        offset = max(int(request.args.get("claims", 0)), 0)
    except ValueError:
        offset = 0
    base = get_config().base_iri
    entity = ENTITY_PAGES.get(get_store(), base, base + "id/" + slug, offset)
    if entity is None:
        abort(404)
    return entity


def _links(slug: str) -> str:
    """`Link` header naming the data twins, so clients find the RDF and JSON versions."""
    return ", ".join([*alternates(slug, slug), f'</id/{slug}>; rel="canonical"'])


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
    entity = _lookup(slug)
    html = render_template(
        "entities/page.html", e=entity, slug=slug, rtl=RTL_LANGUAGES, page_size=MAX_CLAIMS,
        link=node_link,
        graph=neighbourhood(entity), explore=f"/explore?focus={quote(entity.iri, safe='')}")
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = _links(slug)
    return response


def twin(slug: str) -> Response:
    """The page's data as JSON (what the HTML shows, for scripts and the graph explorer)."""
    entity = _lookup(slug)
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
