"""The home page: what the graph holds and where to start."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from kg.web import get_store

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    store = get_store(current_app)
    rows = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    graphs = [(r["g"].value, int(r["n"].value)) for r in rows]
    return render_template("home/index.html", graphs=graphs)
