"""Data extension (Reconciliation API 0.2): columns OpenRefine can add to matched rows —
names in each language, dates, prison, affiliation, sources — and the property proposals
that list them. Read from the same public profiles the matcher scores."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kg.labels import labels
from kg.matching.index import MatchIndex
from kg.matching.profiles import Profile
from kg.matching.records import Span
from kg.matching.service import TYPES, QueryError, kind_of, local_id
from kg.store import Store

#: Extension properties: id -> (name, kinds it applies to).
PROPERTIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "iri": ("kg IRI", ("person", "organisation", "place", "event")),
    "label_en": ("Name (English)", ("person", "organisation", "place", "event")),
    "label_fa": ("Name (Persian)", ("person", "organisation", "place", "event")),
    "other_names": ("Other names", ("person", "organisation", "place", "event")),
    "father_name": ("Father's name", ("person",)),
    "birth_year": ("Birth year", ("person",)),
    "date_of_death": ("Date of death", ("person",)),
    "prison": ("Prison or place", ("person",)),
    "affiliation": ("Affiliation", ("person",)),
    "sources": ("Sources", ("person", "organisation", "place", "event")),
}
MAX_IDS = 500


def propose(type_id: str | None, limit: int | None = None) -> dict[str, Any]:
    kind = kind_of(type_id) if type_id else None
    found = [{"id": pid, "name": name} for pid, (name, kinds) in PROPERTIES.items()
             if kind is None or kind in kinds]
    out: dict[str, Any] = {"properties": found[:limit] if limit else found}
    if type_id:
        out["type"] = type_id
    if limit:
        out["limit"] = limit
    return out


def _date_text(span: Span) -> str:
    text = _date_value(span)
    return text + " (inferred)" if span.inferred else text


def _date_value(span: Span) -> str:
    if span.precision == "day":
        return span.earliest.isoformat()
    if span.precision == "month":
        return span.earliest.isoformat()[:7]
    if span.earliest.year == span.latest.year and span.precision == "year":
        return str(span.earliest.year)
    return f"{span.earliest.isoformat()}/{span.latest.isoformat()}"


def _names(profile: Profile, lang: str | None) -> list[str]:
    if lang is None:  # alternative names, any language
        return sorted({t for t, _l, rank in profile.names if rank >= 3})
    return sorted({t for t, lg, rank in profile.names if lg == lang and rank < 3})


def _cells(store: Store, index: MatchIndex, profile: Profile, pid: str,
           base_iri: str, named: Mapping[str, str]) -> list[dict[str, Any]]:
    def entities(iris: Iterable[str]) -> list[dict[str, Any]]:
        return [{"id": local_id(i, base_iri), "name": named.get(i, i)} for i in sorted(iris)]

    if pid == "iri":
        return [{"str": profile.iri}]
    if pid in ("label_en", "label_fa"):
        return [{"str": t} for t in _names(profile, pid[-2:])]
    if pid == "other_names":
        return [{"str": t} for t in _names(profile, None)]
    if pid == "father_name":
        return [{"str": t} for t in sorted(set(profile.fathers))]
    if pid == "birth_year":
        return [{"int": lo} if lo == hi else {"str": f"{lo}/{hi}"}
                for lo, hi in sorted(set(profile.births))]
    if pid == "date_of_death":
        return [{"str": _date_text(d)} for d in sorted(profile.deaths, key=lambda d: d.earliest)]
    if pid == "prison":
        return entities(profile.places)
    if pid == "affiliation":
        return entities(profile.affiliations)
    if pid == "sources":
        return entities(profile.sources)
    return []


def extend(store: Store, index: MatchIndex, query: Mapping[str, Any],
           base_iri: str) -> dict[str, Any]:
    """Rows of the asked properties for the asked ids (unknown ids get empty cells)."""
    ids = query.get("ids")
    props = query.get("properties")
    if not isinstance(ids, list) or not isinstance(props, list):
        raise QueryError('extend: expected {"ids": [...], "properties": [{"id": ...}]}')
    if len(ids) > MAX_IDS:
        raise QueryError(f"extend: at most {MAX_IDS} ids per request")
    pids = [str(p.get("id")) for p in props if isinstance(p, dict)]
    unknown = [p for p in pids if p not in PROPERTIES]
    if unknown:
        raise QueryError(f"extend: unknown property {unknown[0]!r} — see propose_properties")
    profiles = {}
    for ident in ids:
        ident = str(ident)
        iri = ident if ident.startswith(("http://", "https://")) else base_iri + "id/" + ident
        profiles[ident] = index.profile(iri)
    wanted: set[str] = set()
    for profile in profiles.values():
        if profile is not None:
            wanted |= profile.places | profile.affiliations | profile.sources
    named = {}
    for iri in wanted:
        other = index.profile(iri)
        if other is not None:
            named[iri] = other.label
    named.update(labels(store, [i for i in wanted if i not in named]))
    rows = {ident: {pid: (_cells(store, index, p, pid, base_iri, named) if p else [])
                    for pid in pids} for ident, p in profiles.items()}
    meta = []
    for pid in pids:
        entry: dict[str, Any] = {"id": pid, "name": PROPERTIES[pid][0]}
        if pid in ("prison", "affiliation"):
            iri, name = TYPES["place" if pid == "prison" else "organisation"]
            entry["type"] = {"id": iri, "name": name}
        meta.append(entry)
    return {"meta": meta, "rows": rows}
