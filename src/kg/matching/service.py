"""The W3C Reconciliation Service API 0.2 over the matcher: manifest, query batches,
suggest and property proposals, as plain dicts (the Flask blueprint only transports them).

Entities are identified by their path under the identifier space (`person/<slug>`), as
Wikidata's service uses Q-ids: `identifierSpace + id` is the kg IRI, which is what a
`kg_iri` column of the next import holds (the `iri` extension column gives it whole).
Only the public view is ever read: restricted people are never candidates here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kg.dates import MONTHS
from kg.errors import KgError
from kg.matching.index import MatchIndex
from kg.matching.profiles import Profile
from kg.matching.records import Record, parse_date, parse_int, parse_year
from kg.matching.scoring import Candidate, match_record
from kg.namespaces import KG, PREFIXES
from kg.wording import N_

#: Reconciliation types: one per kind of entity, named by its class IRI.
TYPES = {  # names marked for the catalog: the preview card says them in its language
    "person": (PREFIXES["schema"] + "Person", N_("Person")),
    "organisation": (PREFIXES["org"] + "Organization", N_("Organisation")),
    "place": (PREFIXES["schema"] + "Place", N_("Place")),
    "event": (KG + "Event", N_("Event")),
}
_KIND_OF_TYPE = {alias.casefold(): kind for kind, (iri, name) in TYPES.items()
                 for alias in (kind, iri, name, "schema:" + name, "org:Organization",
                               "kg:" + name)}
_KIND_OF_TYPE["organization"] = "organisation"

#: Query properties (pid -> the record field it fills), with the names OpenRefine shows.
QUERY_PROPERTIES = {
    "father_name": "Father's name", "birth_year": "Birth year", "age": "Age at death",
    "date_of_death": "Date of death", "prison": "Prison or place", "place_of_death":
    "Place of death", "affiliation": "Affiliation",
}
_PID_ALIASES = {KG + "fatherName": "father_name", PREFIXES["schema"] + "birthDate": "birth_year",
                KG + "ageAtDeath": "age", PREFIXES["schema"] + "deathDate": "date_of_death",
                KG + "heldIn": "prison", PREFIXES["schema"] + "deathPlace": "place_of_death",
                KG + "affiliation": "affiliation", "place": "prison"}
MAX_QUERIES = 100
MAX_LIMIT = 50
DEFAULT_LIMIT = 5


class QueryError(KgError):
    """A request the client can fix (bad JSON, wrong shape): answered with 400."""


def manifest(base_iri: str, service_url: str) -> dict[str, Any]:
    """The service manifest: `service_url` is where this server answers (no trailing /)."""
    types = [{"id": iri, "name": name} for iri, name in TYPES.values()]
    return {
        "versions": ["0.2"],
        "name": "kg — people, organisations, places and events (who says so)",
        "identifierSpace": base_iri + "id/",
        "schemaSpace": base_iri + "ontology#",
        "documentation": service_url + "/reconcile/docs",
        "view": {"url": service_url + "/id/{{id}}"},
        "preview": {"url": service_url + "/reconcile/preview?id={{id}}", "width": 420,
                    "height": 220},
        "defaultTypes": types,
        "suggest": {
            "entity": {"service_url": service_url, "service_path": "/reconcile/suggest/entity"},
            "type": {"service_url": service_url, "service_path": "/reconcile/suggest/type"},
            "property": {"service_url": service_url,
                         "service_path": "/reconcile/suggest/property"},
        },
        "extend": {"propose_properties": {"service_url": service_url,
                                          "service_path": "/reconcile/propose_properties"},
                   "property_settings": []},
    }


def parse_batch(text: str) -> dict[str, dict[str, Any]]:
    """The `queries` parameter: a JSON object of query id -> query."""
    try:
        batch = json.loads(text)
    except ValueError as exc:
        raise QueryError(f"queries: not JSON ({exc}) — send a JSON object of queries") from exc
    if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
        raise QueryError('queries: expected {"q0": {"query": "..."}, ...}')
    if len(batch) > MAX_QUERIES:
        raise QueryError(f"queries: at most {MAX_QUERIES} per batch — split the batch")
    return batch


def kind_of(type_id: str) -> str | None:
    return _KIND_OF_TYPE.get(type_id.strip().casefold())


def _values(v: Any, base_iri: str) -> list[str]:
    """A property value as strings: entity values by IRI, lists flattened."""
    items = v if isinstance(v, list) else [v]
    out = []
    for item in items:
        if isinstance(item, dict):
            ident = str(item.get("id") or "")
            if ident:
                out.append(ident if ident.startswith(("http://", "https://"))
                           else base_iri + "id/" + ident)
            elif item.get("name"):
                out.append(str(item["name"]))
        elif isinstance(item, bool):
            continue
        elif item is not None and str(item).strip():
            out.append(str(item).strip())
    return out


def record_of(query: Mapping[str, Any], base_iri: str) -> tuple[Record, list[str] | None, int]:
    """A reconciliation query as a record, the kinds it asks for, and its limit."""
    text = query.get("query")
    if text is not None and not isinstance(text, str):
        raise QueryError("query: expected a string")
    types = query.get("type")
    type_ids = [types] if isinstance(types, str) else list(types or [])
    kinds = [k for k in (kind_of(str(t)) for t in type_ids) if k]
    if type_ids and not kinds:
        kinds = ["none"]  # an unknown type: nothing of it here
    try:
        limit = int(query.get("limit") or DEFAULT_LIMIT)
    except (TypeError, ValueError) as exc:
        raise QueryError("limit: expected a number") from exc
    record = Record(names=[text.strip()] if text and text.strip() else [],
                    kind=kinds[0] if len(kinds) == 1 else None)
    for prop in query.get("properties") or []:
        if not isinstance(prop, dict) or "pid" not in prop:
            raise QueryError('properties: expected [{"pid": ..., "v": ...}]')
        pid = str(prop["pid"])
        pid = _PID_ALIASES.get(pid, pid)
        values = _values(prop.get("v"), base_iri)
        if not values:
            continue
        if pid == "father_name":
            record.father_names += values
        elif pid == "birth_year":
            record.birth = parse_year(values[0])
        elif pid == "age":
            record.age = parse_int(values[0])
        elif pid == "date_of_death":
            record.death = parse_date(values[0])
        elif pid in ("prison", "place_of_death"):
            record.places += values
        elif pid == "affiliation":
            record.affiliations += values
    return record, kinds or None, max(1, min(limit, MAX_LIMIT))


def local_id(iri: str, base_iri: str) -> str:
    prefix = base_iri + "id/"
    return iri[len(prefix):] if iri.startswith(prefix) else iri


def describe(index: MatchIndex, profile: Profile) -> str:
    """One line saying who or what this is: 'executed 1 June 2014 · Iran · People's Mojahedin
    Organization of Iran'."""
    parts = []
    for death in sorted(profile.deaths, key=lambda d: d.earliest)[:2]:
        if death.precision == "day":
            when = f"{death.earliest.day} {MONTHS[death.earliest.month - 1]} {death.earliest.year}"
        elif death.precision == "month":
            when = f"{MONTHS[death.earliest.month - 1]} {death.earliest.year}"
        elif death.earliest.year == death.latest.year:
            when = str(death.earliest.year)
        else:
            when = f"{death.earliest.isoformat()} – {death.latest.isoformat()}"
        parts.append("died " + when + (" (inferred)" if death.inferred else ""))
    for lo, hi in profile.births[:1]:
        parts.append(f"born {lo}" if lo == hi else f"born {lo}–{hi}")
    for iri in sorted(profile.places)[:2] + sorted(profile.affiliations)[:2]:
        other = index.profile(iri)
        parts.append(other.label if other else iri.rsplit("/", 1)[-1])
    other_script = [t for t, lang, _ in profile.names if lang == "fa"][:1]
    return " · ".join(other_script + parts)


def candidate_json(index: MatchIndex, candidate: Candidate, base_iri: str) -> dict[str, Any]:
    iri, name = TYPES[candidate.kind]
    return {"id": local_id(candidate.iri, base_iri), "name": candidate.name,
            "description": describe(index, candidate.profile),
            "type": [{"id": iri, "name": name}], "score": candidate.score,
            "features": [f.as_json() for f in candidate.features]
            + [{"id": f"{f.id}_agrees", "value": bool(f.agrees)} for f in candidate.features
               if f.id != "name" and f.agrees is not None],
            "match": candidate.match}


def reconcile(index: MatchIndex, batch: Mapping[str, Mapping[str, Any]],
              base_iri: str) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Answer a query batch: each query id -> its ranked candidates."""
    out = {}
    for key, query in batch.items():
        record, kinds, limit = record_of(query, base_iri)
        found = match_record(index, record, limit, kinds) if record.names else []
        out[key] = {"result": [candidate_json(index, c, base_iri) for c in found]}
    return out


def suggest_types(prefix: str) -> list[dict[str, str]]:
    folded = prefix.strip().casefold()
    return [{"id": iri, "name": name} for iri, name in TYPES.values()
            if not folded or name.casefold().startswith(folded)
            or iri.casefold().startswith(folded)]


def suggest_properties(prefix: str, properties: Mapping[str, str]) -> list[dict[str, str]]:
    folded = prefix.strip().casefold()
    return [{"id": pid, "name": name} for pid, name in properties.items()
            if not folded or pid.startswith(folded) or name.casefold().startswith(folded)
            or any(w.startswith(folded) for w in name.casefold().split())]
