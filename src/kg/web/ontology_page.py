"""The ontology documentation page (`/ontology`), generated from the store's ontology graph."""

from __future__ import annotations

from flask import Blueprint, render_template

from kg.linked_data import page_of
from kg.ontology_doc import ONTOLOGY_DOC, curie
from kg.web.context import get_config, get_store

bp = Blueprint("ontology", __name__)


@bp.get("/ontology")
def page() -> str:
    doc = ONTOLOGY_DOC.get(get_store())
    base = get_config().base_iri
    anchors = {t.iri: t.anchor for t in doc.classes + doc.properties + doc.individuals}
    anchors.update({s.term.iri: s.term.anchor for s in doc.schemes})
    return render_template("ontology/index.html", doc=doc, curie=curie, anchors=anchors,
                           page_of=lambda iri: page_of(iri, base))
