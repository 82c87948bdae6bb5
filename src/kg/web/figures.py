"""Contested-figure pages (`/figure/<event path>/<counted item>`, with `.json` twins) and
their index (`/figures`): every figure the sources give for one disputed quantity, drawn
on a chart against the date it was published and listed in a table.

The gathering is in `kg.figures`, the wording in `kg.web.figure_view`; the chart
(static/js/figure.js, Chart.js) draws the same data the table shows, handed to it in a JSON
script tag, and the twin is that data.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template

from kg.figures import Quantity, quantities, read_dispute
from kg.labels import labels as label_lookup
from kg.web.context import get_config, get_store
from kg.web.explore import CSP
from kg.web.figure_view import SHAPES, figure_page, quantity_links, slug
from kg.web.i18n import current, data_language, script_strings
from kg.wording import wording

bp = Blueprint("figures", __name__)


@bp.after_request
def _security_headers(response: Response) -> Response:
    """The chart needs no inline script or style: these pages get the strictest policy."""
    response.headers["Content-Security-Policy"] = CSP
    return response


def _links(lang: str) -> list[dict]:
    return quantity_links(get_store(), get_config().base_iri, wording=wording(lang))


@bp.get("/figures")
def index() -> str:
    return render_template("figures/index.html", figures=_links(current()))


@bp.get("/figures.json")
def index_twin() -> Response:
    return jsonify(figures=_links(data_language()))


def _lookup(path: str) -> Quantity:
    base = get_config().base_iri
    found = next((q for q in quantities(get_store()) if slug(q, base) == path), None)
    if found is None:
        abort(404)
    return found


@bp.get("/figure/<path:path>")
def page(path: str) -> Response | str:
    twin = path.endswith(".json")
    quantity = _lookup(path.removesuffix(".json"))
    dispute = read_dispute(get_store(), quantity.event, quantity.counted)
    if dispute is None:
        abort(404)
    lang = data_language() if twin else current()
    labels = label_lookup(get_store(), dispute.labels, lang) if lang != "en" else None
    data = figure_page(dispute, get_config().base_iri, wording(lang), labels)
    here = "/figure/" + path.removesuffix(".json")
    if twin:
        response = jsonify(data)
    else:
        boot = {"lang": lang, "dir": "rtl" if wording(lang).rtl else "ltr",
                "strings": script_strings("figure.js")}
        response = Response(render_template("figures/page.html", data=data, here=here,
                                            shapes=SHAPES, boot=boot), mimetype="text/html")
    response.headers["Link"] = f'<{here}.json>; rel="alternate"; type="application/json"'
    return response
