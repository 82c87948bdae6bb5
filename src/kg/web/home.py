"""The home page: what the graph holds (counts by type, sources and dates) and where to start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, render_template

from kg.dates import PreciseDate
from kg.entity import EntityReader, event_dates_of
from kg.namespaces import sparql_prefixes
from kg.search import local_name
from kg.web import get_config, get_store
from kg.web.pagecache import cached

bp = Blueprint("home", __name__)
PREFIXES = sparql_prefixes()

#: What a reader counts, and the classes (with their subclasses spelled out, since the union
#: view holds no inferred types) that make up each kind.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("People", ("schema:Person", "kg:UnidentifiedPerson")),
    ("Groups and unnamed agents", ("kg:PersonGroup", "kg:UnidentifiedAgent")),
    ("Organisations", ("org:Organization", "schema:Organization", "schema:NGO",
                       "schema:GovernmentOrganization", "kg:Court")),
    ("Places", ("schema:Place", "schema:Country", "schema:City", "kg:Prison", "kg:MassGrave",
                "schema:Cemetery")),
    ("Events", ("kg:Event", "sem:Event", "schema:Event")),
    ("Sources", ("kg:Source",)),
    ("Claims", ("kg:Claim", "kg:CountClaim", "kg:TimeClaim", "kg:Allegation",
                "kg:IdentityClaim")),
    ("Evidence passages", ("oa:Annotation",)),
    ("Participations in events", ("kg:Participation",)),
    ("Offices and memberships", ("org:Membership",)),
)
_KIND_VALUES = " ".join(f'({t} "{kind}")' for kind, types in KINDS for t in types)


@dataclass
class Count:
    label: str
    n: int


def overview() -> dict[str, Any]:
    """Everything the home page shows, computed once per store version."""
    store = get_store(current_app)
    reader = EntityReader(store, get_config(current_app).base_iri)
    counts = [Count(kind, int(r["n"].value)) for kind, r in (
        (r["kind"].value, r) for r in store.query(PREFIXES + f"""
            SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {{
              VALUES (?t ?kind) {{ {_KIND_VALUES} }} ?s a ?t }} GROUP BY ?kind"""))]
    order = [kind for kind, _ in KINDS]
    counts.sort(key=lambda c: order.index(c.label))

    sources = []
    for r in store.query(PREFIXES + """
            SELECT ?s (SAMPLE(?title) AS ?t) (SAMPLE(?typeLabel) AS ?type) (SAMPLE(?v) AS ?dv)
                   (SAMPLE(?prec) AS ?p) (SAMPLE(?lo) AS ?l) (SAMPLE(?hi) AS ?h)
                   (SAMPLE(?inf) AS ?i) (COUNT(DISTINCT ?c) AS ?claims)
            WHERE {
              ?s a kg:Source .
              OPTIONAL { ?s dcterms:title ?title }
              OPTIONAL { ?s kg:sourceType/skos:prefLabel ?typeLabel }
              OPTIONAL { ?s kg:published ?d . ?d kg:dateValue ?v .
                         OPTIONAL { ?d kg:precision ?prec }
                         OPTIONAL { ?d sem:hasEarliestBeginTimeStamp ?lo }
                         OPTIONAL { ?d sem:hasLatestEndTimeStamp ?hi }
                         OPTIONAL { ?d kg:inferred ?inf } }
              OPTIONAL { ?c dcterms:source ?s }
            } GROUP BY ?s"""):
        date = None
        if r["dv"] is not None:
            date = PreciseDate.from_values(
                r["dv"].value, _v(r, "p"), _v(r, "l"), _v(r, "h"),
                inferred=_v(r, "i") in ("true", "1"))
        sources.append({"page": reader.page_of(r["s"].value) or r["s"].value,
                        "title": _v(r, "t") or local_name(r["s"].value), "type": _v(r, "type"),
                        "date": date, "claims": int(r["claims"].value)})
    far = PreciseDate.from_values("9999").earliest
    sources.sort(key=lambda s: (s["date"].earliest if s["date"] else far, s["title"]))

    main_event = None
    rows = list(store.query(PREFIXES + """
        SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE { ?e a kg:Event . ?c kg:about ?e }
        GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1"""))
    if rows:
        iri = rows[0]["e"].value
        main_event = {"page": reader.page_of(iri), "label": reader.labels([iri])[iri],
                      "claims": int(rows[0]["n"].value),
                      "date": event_dates_of(store, [iri]).get(iri)}
    people = []
    rows = list(store.query(PREFIXES + """
        SELECT ?p (COUNT(DISTINCT ?x) AS ?n) WHERE {
          ?p a schema:Person .
          { ?x kg:about ?p } UNION { ?x kg:participant ?p } UNION { ?x org:member ?p }
        } GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 8"""))
    labels = reader.labels(r["p"].value for r in rows)
    for r in rows:
        iri = r["p"].value
        people.append({"page": reader.page_of(iri), "label": labels[iri],
                       "links": int(r["n"].value)})
    return {"counts": counts, "sources": sources, "main_event": main_event, "people": people,
            "total": store.count()}


def _v(row: Any, name: str) -> str | None:
    term = row[name]
    return term.value if term is not None else None


@bp.get("/")
def index() -> str:
    return render_template("home/index.html", **cached(current_app, "home", overview))
