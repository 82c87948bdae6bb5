"""The ontology documentation page (`/ontology`), generated from the store's ontology graph."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from kg.entity import EntityReader
from kg.ontology_doc import curie, generate
from kg.web import get_config, get_store
from kg.web.pagecache import cached

bp = Blueprint("ontology", __name__)


@bp.get("/ontology")
def page() -> str:
    store = get_store(current_app)
    doc = cached(current_app, "ontology", lambda: generate(store))
    reader = EntityReader(store, get_config(current_app).base_iri)
    anchors = {t.iri: t.anchor for t in doc.classes + doc.properties + doc.individuals}
    anchors.update({s.term.iri: s.term.anchor for s in doc.schemes})
    return render_template("ontology/index.html", doc=doc, curie=curie, anchors=anchors,
                           page_of=reader.page_of)
