"""Entity pages (`/page/<kind>/<slug>`) and their JSON twins: names, claims, links, events.

The linked-data blueprint answers `/id/...` and sends browsers here with a 303; this module
only renders. The gathering is in `kg.entity` (`read_entity`), the wording in
`kg.web.entity_view`, and both the HTML and the JSON are made from one `EntityPage`, so they
say the same thing. A page is read and worded per language: the HTML in the reader's, the
JSON twin in English unless `?lang=` asks for another.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from urllib.parse import quote

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request

from kg.cache import Cached
from kg.dates import PreciseDate
from kg.entity.queries import MAX_CLAIMS
from kg.entity.reader import read_entity
from kg.entity.refs import valid_slug
from kg.ingest.provlog import Run, import_log
from kg.labels import labels, language_of
from kg.linked_data import alternates
from kg.matching.merging import replaced_by
from kg.store import Store
from kg.web.context import get_config, get_store
from kg.web.entity_view import EntityPage, entity_page
from kg.web.figure_view import quantity_links
from kg.web.i18n import current, data_language
from kg.wording import RTL, direction, wording

bp = Blueprint("entities", __name__)


def _read(store: Store, base: str, iri: str, offset: int, lang: str) -> EntityPage | None:
    entity = read_entity(store, iri, base=base, claims_offset=offset, lang=lang)
    return entity_page(entity, base, wording(lang)) if entity is not None else None


#: Recently read entity pages: hub pages (the main event, linked from home) are read again
#: and again while costing the most to gather.
ENTITY_PAGES = Cached[EntityPage | None]("entity-page", _read, warm=False, max_entries=512)


def _lookup(slug: str, lang: str, suffix: str = "") -> EntityPage:
    if not valid_slug(slug):
        abort(404)
    try:
        offset = max(int(request.args.get("claims", 0)), 0)
    except ValueError:
        offset = 0
    base = get_config().base_iri
    new = replaced_by(get_store(), base + "id/" + slug)
    if new is not None and new.startswith(base + "id/"):  # merged (kg merge): 301 there
        query = request.query_string.decode("ascii", "replace")
        abort(redirect(f"/page/{new[len(base) + 3:]}{suffix}" + (f"?{query}" if query else ""),
                       301))
    found = ENTITY_PAGES.get(get_store(), base, base + "id/" + slug, offset, lang)
    if found is None:
        abort(404)
    return found


#: The import runs of a table (a source page's import log), per store version: every
#: import makes a new version.
IMPORT_LOGS = Cached[list[Run]]("import-log", import_log, warm=False, max_entries=256)


@dataclass(frozen=True)
class ImportRun:
    """An import run as its source page shows it: the day (in both calendars) and the time
    (UTC) it started, and the run as the log has it."""

    day: PreciseDate
    time: str
    run: Run
    #: Who ran it, as the log names them (`kg import --agent`, else the user's name).
    who: str | None = None

    def as_json(self) -> dict[str, object]:
        return {**asdict(self.run), "agentLabel": self.who}


def imports_of(slug: str, iri: str, lang: str) -> list[ImportRun]:
    """The import log of a source page: the runs that imported the table, newest first,
    with who ran each (none for other pages)."""
    if not slug.startswith("source/"):
        return []
    store = get_store()
    runs = IMPORT_LOGS.get(store, iri)
    who = labels(store, (r.agent for r in runs if r.agent), lang)
    return [ImportRun(PreciseDate.from_values(r.started[:10]), r.started[11:16], r,
                      str(who[r.agent]) if r.agent in who else None) for r in runs]


def _links(slug: str) -> str:
    """`Link` header naming the data twins, so clients find the RDF and JSON versions."""
    return ", ".join([*alternates(slug, slug), f'</id/{slug}>; rel="canonical"'])


def figures_about(iri: str, lang: str) -> list[dict]:
    """Links to the contested-figure pages of quantities about this entity (an event)."""
    return quantity_links(get_store(), get_config().base_iri, iri, wording(lang))


@bp.get("/page/<path:slug>")
def page(slug: str) -> Response | str:
    if slug.endswith(".json"):
        return twin(slug.removesuffix(".json"))
    lang = current()
    view = _lookup(slug, lang)
    e = view.entity
    html = render_template(
        "entities/page.html", e=e, view=view, slug=slug, rtl=RTL,
        page_size=MAX_CLAIMS, figures=figures_about(e.iri, lang), graph=neighbourhood(view),
        explore=f"/explore?focus={quote(e.iri, safe='')}", imports=imports_of(slug, e.iri, lang))
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = _links(slug)
    return response


def twin(slug: str) -> Response:
    """The page's data as JSON (what the HTML shows, for scripts and the graph explorer)."""
    lang = data_language()
    view = _lookup(slug, lang, ".json")
    response = jsonify({**view.as_json(), "figures": figures_about(view.entity.iri, lang),
                        "imports": [r.as_json() for r in imports_of(slug, view.entity.iri, lang)]})
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
    dir: str = "ltr"
    lang: str | None = None


def neighbourhood(view: EntityPage, width: int = 580, height: int = 340) -> dict[str, object]:
    """A radial layout of the entity's neighbours, drawn as SVG by the template (no JS)."""
    cx, cy = width / 2, height / 2
    n = len(view.neighbours)
    placed = []
    rx, ry = width / 2 - 170, height / 2 - 45  # room for labels beside the nodes
    for i, (node, relation) in enumerate(view.neighbours):
        angle = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        cos = math.cos(angle)
        side = "middle" if abs(cos) < 0.2 else ("right" if cos > 0 else "left")
        lx = x + (10 if side == "right" else -10 if side == "left" else 0)
        ly = y + (4 if side != "middle" else (-12 if y < cy else 20))
        label = node.label if len(node.label) <= 21 else node.label[:20] + "…"
        # SVG anchors text by its start or end, which flip with the text's direction.
        way = direction(node.label, language_of(node.label))
        anchor = ("middle" if side == "middle"
                  else "start" if (side == "right") == (way == "ltr") else "end")
        placed.append(Placed(label, node.label, node.page, relation, round(x, 1), round(y, 1),
                             anchor, round(lx, 1), round(ly, 1), way,
                             language_of(node.label)))
    label = view.entity.label
    center = label if len(label) <= 30 else label[:29] + "…"
    return {"width": width, "height": height, "cx": cx, "cy": cy, "nodes": placed,
            "center": center, "center_dir": direction(label, language_of(label))}
