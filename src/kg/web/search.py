"""Name search (`/search?q=`) and its JSON twin (`/search.json?q=`) for the graph explorer."""

from __future__ import annotations

import time

from flask import Blueprint, Response, jsonify, render_template, request

from kg.labels import Label, labels, primary
from kg.linked_data import page_of
from kg.search import Hit, index_for, with_types
from kg.web.context import get_config, get_store
from kg.web.i18n import current

bp = Blueprint("search", __name__)
MAX_QUERY = 200


def _run() -> tuple[str, str, list[Hit], float, list[tuple[str, int]]]:
    """Search, fill types, and apply the optional `type` filter (a type's label)."""
    q = (request.args.get("q") or "").strip()[:MAX_QUERY]
    wanted = (request.args.get("type") or "").strip()
    try:
        limit = min(max(int(request.args.get("limit", 50)), 1), 200)
    except ValueError:
        limit = 50
    started = time.perf_counter()
    store = get_store()
    index = index_for(store, get_config().base_iri + "id/")
    # With a type filter, look further down the ranking so the filter still fills a page.
    hits = with_types(store, index.search(q, limit=limit * 4 if wanted else limit)) if q \
        else []
    facets: dict[str, int] = {}
    for h in hits:
        for _, label in h.types:
            facets[label] = facets.get(label, 0) + 1
    if wanted:
        hits = [h for h in hits if any(label == wanted for _, label in h.types)]
    return q, wanted, hits[:limit], time.perf_counter() - started, sorted(
        facets.items(), key=lambda x: (-x[1], x[0]))


@bp.get("/search")
def search_page() -> str:
    q, wanted, hits, seconds, facets = _run()
    base = get_config().base_iri
    pages = {h.iri: page_of(h.iri, base) for h in hits}
    titles, type_names = _in_language(hits, current())
    return render_template("search/results.html", q=q, wanted=wanted, hits=hits, pages=pages,
                           seconds=seconds, facets=facets, titles=titles,
                           type_names=type_names)


def _in_language(hits: list[Hit], lang: str) -> tuple[dict[str, Label], dict[str, Label]]:
    """Each hit's name and each type's name (by its English label, the filter's key) in the
    reader's language where the graph has them; else the label that was found."""
    found = labels(get_store(), [h.iri for h in hits] + [t for h in hits for t, _ in h.types],
                   lang)
    titles, types = {}, {}
    for h in hits:
        name = found[h.iri]
        titles[h.iri] = name if primary(name.lang) == lang else Label(h.label, h.lang)
        for t, label in h.types:
            own = found[t]
            types[label] = (Label(own[:1].upper() + own[1:], own.lang) if primary(own.lang) == lang
                            else Label(label, "en"))
    return titles, types


@bp.get("/search.json")
def search_json() -> Response:
    q, wanted, hits, seconds, facets = _run()
    base = get_config().base_iri
    results = []
    for h in hits:
        item = h.as_json()
        item["page"] = page_of(h.iri, base)
        results.append(item)
    return jsonify({"query": q, "type": wanted or None, "results": results,
                    "facets": [{"type": t, "count": n} for t, n in facets],
                    "milliseconds": round(seconds * 1000, 2)})
