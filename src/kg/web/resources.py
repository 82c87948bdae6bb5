"""Linked-data doors: /id/... and /graph/... (303), /data/... documents, dumps, VoID."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, send_file

from kg import cache
from kg import linked_data as ld
from kg.formats import negotiate
from kg.matching.merging import replaced_by
from kg.sparql.protocol import CORS_HEADERS
from kg.web.context import get_config, get_store

bp = Blueprint("resources", __name__)

_EXT_MEDIA = {ext: f.media_type for ext, f in ld.DOC_FORMATS.items()}


def _links(path: str, page: str | None) -> str:
    """`Link` header naming every representation of the resource at `path`."""
    return ", ".join(ld.alternates(path, page))


def _see_other(path: str, page: str | None) -> Response:
    """303 to the HTML page (`page`, if there is one) or the RDF document, by Accept (Cool
    URIs 4.3)."""
    choice = negotiate(request.headers.get("Accept"), ld.DOC_OFFERS)
    if choice is None or (choice == "html" and page is None):
        choice = "ttl"
    target = f"/page/{page}" if choice == "html" else f"/data/{path}.{choice}"
    response = Response(f"See {target}\n", status=303, mimetype="text/plain")
    response.headers["Location"] = request.host_url.rstrip("/") + target
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = _links(path, page)
    response.headers.extend(CORS_HEADERS)
    return response


def _moved(iri: str, suffix: str = "") -> Response | None:
    """301 from an IRI merged into another (kg merge) to the one that replaces it."""
    base = get_config().base_iri + "id/"
    new = replaced_by(get_store(), iri)
    if new is None or not new.startswith(base):
        return None
    target = "/id/" + new[len(base):] if not suffix else "/data/" + new[len(base):] + suffix
    response = Response(f"Merged into {new}\n", status=301, mimetype="text/plain")
    response.headers["Location"] = request.host_url.rstrip("/") + target
    response.headers.extend(CORS_HEADERS)
    return response


@bp.get("/id/<path:path>")
def identifier(path: str) -> Response:
    """A minted entity IRI: 303 to its page or data; 301 to the IRI it was merged into;
    404 if the public view never names it."""
    store = get_store()
    iri = ld.iri_for(get_config().base_iri, "id/" + path)
    if iri is None:
        abort(404)
    moved = _moved(iri)
    if moved is not None:
        return moved
    if not ld.exists(store, iri):
        abort(404)
    return _see_other(path, path)


@bp.get("/graph/<path:path>")
def graph(path: str) -> Response:
    """A named-graph IRI: 303 to its contents as RDF, or for browsers to the page of the
    source document the graph records (a graph has no HTML page of its own)."""
    store = get_store()
    base = get_config().base_iri
    iri = ld.iri_for(base, "graph/" + path)
    if iri is None or not ld.graph_exists(store, iri):
        abort(404)
    source = ld.source_of_graph(store, iri)
    page = source[len(base) + 3:] if source and source.startswith(base + "id/") else None
    return _see_other("graph/" + path, page)


@bp.get("/data/<path:path>")
def document(path: str) -> Response:
    """The RDF document describing an entity (or holding a graph), in the extension's format."""
    stem, dot, ext = path.rpartition(".")
    if not dot or ext not in ld.DOC_FORMATS:
        abort(404)
    store = get_store()
    config = get_config()
    if stem.startswith("graph/"):
        iri = ld.iri_for(config.base_iri, stem)
        if iri is None or not ld.graph_exists(store, iri):
            abort(404)
        found = ld.graph_triples(store, iri, config.max_rows)
    else:
        iri = ld.iri_for(config.base_iri, "id/" + stem)
        moved = _moved(iri, "." + ext) if iri else None
        if moved is not None:
            return moved
        if iri is None or not ld.exists(store, iri):
            abort(404)
        found = ld.describe(store, iri)
    response = Response(ld.serialize(found.triples, ext), mimetype=_EXT_MEDIA[ext])
    response.headers["Content-Type"] = _EXT_MEDIA[ext]
    page = None if stem.startswith("graph/") else stem
    response.headers["Link"] = _links(stem, page) + f', <{iri}>; rel="describes"'
    response.headers.extend(CORS_HEADERS)
    if found.truncated:
        response.headers["X-KG-Truncated"] = "rows"
    return response


@bp.get("/dumps/<name>")
def dump(name: str) -> Response:
    """The public dataset, gzipped, written once per store version and served from disk."""
    if name not in ld.DUMPS:
        abort(404)
    # Just after a new version, its dump may take minutes to write (behind the version's
    # other files): the previous version's is sent meanwhile.
    path = ld.dump_file(get_store(), name, wait=cache.STALE_AFTER)
    response = send_file(path, mimetype="application/gzip", as_attachment=True,
                         download_name=name, conditional=True, etag=True, max_age=300)
    response.headers.extend(CORS_HEADERS)
    return response


@bp.get("/.well-known/void")
def void() -> Response:
    """VoID of the public dataset (Turtle by default; other RDF formats by Accept)."""
    config = get_config()
    triples = ld.void_description(get_store(), config.base_iri, request.host_url)
    offers = tuple((m, e) for m, e in ld.DOC_OFFERS if e != "html")
    ext = negotiate(request.headers.get("Accept"), offers) or "ttl"
    response = Response(ld.serialize(triples, ext), mimetype=_EXT_MEDIA[ext])
    response.headers["Content-Type"] = _EXT_MEDIA[ext]
    response.headers["Vary"] = "Accept"
    response.headers.extend(CORS_HEADERS)
    return response
