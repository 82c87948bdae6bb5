"""How an entity page words what `kg.entity` read: claim groups and their order, count text,
claim kinds, assertions, lineage and independent origins, name kinds, types, event roles and
the neighbourhood's relations.

The HTML page and its JSON twin are both made from an `EntityPage`, so they say the same
thing in the same words, in the language of the `Wording` the page was made with (the
strings are marked `N_` for the message catalog).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from babel.lists import format_list

from kg.datevalues import FAR
from kg.entity.model import Claim, Count, Entity, EventEntry, Name, Quote, Ref, Value
from kg.entity.queries import MAX_ASSERTED
from kg.entity.refs import structural
from kg.evidence import CellRef
from kg.labels import Label, language_of
from kg.namespaces import KG, PREFIXES, local_name
from kg.web.lineage_view import LineageStep, lineage_steps, origins_text
from kg.wording import ENGLISH, N_, Wording, isolate

#: Linked entities drawn around the entity in its neighbourhood.
MAX_NEIGHBOURS = 14
#: How a claim of each class is named where it has no statement.
KIND_LABELS = {KG + "CountClaim": N_("count"), KG + "TimeClaim": N_("date"),
               KG + "IdentityClaim": N_("identity"), KG + "Allegation": N_("allegation"),
               KG + "AttributeClaim": N_("recorded value"), KG + "Claim": N_("claim")}
#: Claim groups in page order ("Count: people" is a "Count").
GROUP_ORDER = (N_("Date"), N_("Count"), N_("Part in events"), N_("Allegations"),
               N_("Offices and memberships"), N_("Possible identity"), N_("Recorded details"),
               N_("Statements"))
#: What the properties of a victim list's attribute claims are called (the group of the
#: claims giving a value of each); others by their label or local name.
_SCHEMA, _RDFS, _SKOS = PREFIXES["schema"], PREFIXES["rdfs"], PREFIXES["skos"]
ATTRIBUTE_WORDS = {
    _RDFS + "label": N_("Name"), _SKOS + "altLabel": N_("Other spelling"),
    KG + "fatherName": N_("Father's name"), _SCHEMA + "gender": N_("Sex"),
    _SCHEMA + "birthDate": N_("Birth"), KG + "ageAtDeath": N_("Age at death"),
    KG + "affiliation": N_("Affiliation"), KG + "heldIn": N_("Held in"),
    _SCHEMA + "deathPlace": N_("Place of death"), _SCHEMA + "deathDate": N_("Date of death"),
    KG + "burialPlace": N_("Burial place"), KG + "victimStatus": N_("Fate recorded"),
    KG + "note": N_("Note"),
}
#: Properties a person has one value of, so that lists giving different values disagree
#: (names, spellings, affiliations, prisons and notes may all hold at once).
SINGLE_VALUED = frozenset({
    _SCHEMA + "deathDate", _SCHEMA + "birthDate", _SCHEMA + "gender", KG + "ageAtDeath",
    _SCHEMA + "deathPlace", KG + "burialPlace", KG + "fatherName", KG + "victimStatus"})
#: How a claim's dates are named beside their value (kg.datevalues.DATE_PROPERTIES).
DATE_WORDS = {"date": N_("date"), "began": N_("began"), "ended": N_("ended")}
AGENT = PREFIXES["prov"] + "Agent"


@dataclass
class ClaimView:
    """A claim with the words its card shows."""

    claim: Claim
    group: str
    kind_label: str
    value: str | None  # the count, or an attribute claim's literal value, as text
    asserts: list[tuple[str, str, Ref | None]]  # (kind, text, the node it links to)
    #: Its group's place in GROUP_ORDER.
    rank: int = len(GROUP_ORDER)
    #: Its dates' property names, worded.
    date_words: dict[str, str] | None = None
    lineage_steps: list[LineageStep] = field(default_factory=list)
    #: '1 independent origin (NCRI), repeated by 3 sources'.
    origins_text: str | None = None
    #: Its evidence, each with, for a table cell, the words for where the cell is ('row 12,
    #: date_of_death') and the whole line ('row 12, date_of_death: ۱۳۶۷/۰۵/۱۰').
    evidence: list[tuple[Quote, str | None, str | None]] = field(default_factory=list)
    #: An attribute claim's value when it is a node (an organisation, a place, a concept).
    value_node: Ref | None = None

    def as_json(self) -> dict[str, Any]:
        return {**self.claim.as_json(), "group": self.group, "value": self.value,
                "asserts": [{"kind": k, "text": t, "node": n.as_json() if n else None}
                            for k, t, n in self.asserts],
                "originsText": self.origins_text,
                "evidence": [{**q.as_json(), "place": place, "text": line}
                             for q, place, line in self.evidence]}


@dataclass
class EntityPage:
    """An entity with the words its page shows; `as_json` is the page's JSON twin."""

    entity: Entity
    names: list[tuple[str, str, str]]  # (text, its languages, "name" or "also known as")
    types: list[Ref]
    claim_groups: list[tuple[str, list[ClaimView]]]
    neighbours: list[tuple[Ref, str]]  # (linked entity, how it is linked)
    wording: Wording = ENGLISH
    #: Per group of more than one claim: '3 competing claims', '2 claims giving the same
    #: value' or '4 claims' (statements that are not values of one thing do not compete).
    group_notes: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            **self.entity.as_json(),
            "names": [{"text": t, "lang": lang, "property": p} for t, lang, p in self.names],
            "types": [t.as_json() for t in self.types],
            "claims": [{"group": g, "note": self.group_notes.get(g),
                        "claims": [c.as_json() for c in cs]} for g, cs in self.claim_groups],
            "events": [{**ev.as_json(), "role": event_role(ev, self.wording)}
                       for ev in self.entity.events],
            "neighbours": [{"node": n.as_json(), "relation": r} for n, r in self.neighbours],
        }


def entity_page(entity: Entity, base: str, wording: Wording = ENGLISH) -> EntityPage:
    """The page of `entity` (whose IRIs are minted under `base`), in `wording`'s language."""
    w = wording
    views = [claim_view(c, entity.iri, w) for c in entity.claims]
    groups = claim_groups(views)
    return EntityPage(entity, [name_row(n, w) for n in entity.names], type_refs(entity.types),
                      groups, neighbours(entity, views, base, w), w,
                      {g: note for g, cs in groups if (note := group_note(cs, w))})


def claim_view(claim: Claim, entity: str, wording: Wording = ENGLISH) -> ClaimView:
    w = wording
    rank, group = group_name(claim, w)
    lineage, refs = claim.lineage, claim.lineage_refs
    attribute = claim.attribute[1] if claim.attribute else None
    return ClaimView(claim, group, w(KIND_LABELS[claim.kind]),
                     count_text(claim.count, w) if claim.count else
                     _attribute_text(attribute, w) if attribute else None,
                     assertion_lines(claim, entity, w), rank,
                     {p: w(DATE_WORDS.get(p, p)) for p, _ in claim.dates},
                     lineage_steps(lineage, refs, w) if lineage else [],
                     origins_text(lineage, refs, w) if lineage else None,
                     [evidence_words(q, w) for q in claim.quotes],
                     attribute.node if attribute else None)


def _attribute_text(value: Value, wording: Wording) -> str | None:
    """An attribute claim's literal value as text (whole numbers in the reader's digits)."""
    if value.text is None:
        return None
    if value.datatype == PREFIXES["xsd"] + "integer" and value.text.lstrip("-").isdigit():
        return wording.number(int(value.text))
    return value.text


def group_note(views: list[ClaimView], wording: Wording = ENGLISH) -> str | None:
    """How a group's claims relate: values of one thing compete when they differ, agree
    when they do not; other statements are only counted."""
    if len(views) < 2:
        return None
    w, n = wording, wording.number(len(views))
    values = [_value_key(v) for v in views]
    if any(key is None for key in values):
        return w(N_("{n} claims"), n=n)
    if len(set(values)) > 1:
        return w(N_("{n} competing claims"), n=n)
    return w(N_("{n} claims giving the same value"), n=n)


def _value_key(view: ClaimView) -> tuple[Any, ...] | None:
    """What a claim says the value is, comparable across claims; None if it gives none."""
    c = view.claim
    if c.count is not None:
        return ("count", view.value)
    if c.attribute is not None:
        if c.attribute[0] not in SINGLE_VALUED:
            return None
        value = c.attribute[1]
        return ("attribute", value.node.iri if value.node else value.text,
                (value.date.earliest, value.date.latest) if value.date else None)
    if c.dates and c.kind == KG + "TimeClaim":
        return ("dates", tuple((p, d.earliest, d.latest) for p, d in c.dates))
    return None


def evidence_words(quote: Quote, wording: Wording = ENGLISH
                   ) -> tuple[Quote, str | None, str | None]:
    """A quote, and for a table cell where it is and the line that says it."""
    if quote.cell is None:
        return quote, None, None
    place = cell_place(quote.cell, wording)
    text = quote.cell.text
    return quote, place, (wording(N_("{place}: {text}"), place=place,
                                  text=isolate(text, wording, language_of(text)))
                          if text is not None else place)


def cell_place(cell: CellRef, wording: Wording = ENGLISH) -> str:
    """Where an imported claim's cell is: 'row 12, date_of_death' (the header is row 1, as
    the spreadsheet numbers it); the column's name kept as the table has it."""
    w = wording
    column = (isolate(cell.column, w, language_of(cell.column)) if cell.column
              else w(N_("column {number}"), number=w.digits(cell.col)) if cell.col else None)
    row = w(N_("row {row}"), row=w.digits(cell.row))
    return w(N_("{row}, {column}"), row=row, column=column) if column else row


def count_text(count: Count, wording: Wording = ENGLISH) -> str:
    """A count claim's figure: '30,000', '4,000 – 5,000', '≥ 33,700', '≤ 500', '2,800 or
    3,800' or '?' (Persian says 'at least' and 'at most' in words)."""
    w = wording
    exact, low, high = count.exact, count.low, count.high
    if count.alternatives:
        return format_list([w.number(x) for x in count.alternatives], style="or",
                           locale=w.lang)
    if exact is not None:
        return w.number(exact)
    if low is not None and high is not None:
        return w(N_("{low} – {high}"), low=w.number(low), high=w.number(high))
    if low is not None:
        return w(N_("≥ {figure}"), figure=w.number(low))
    if high is not None:
        return w(N_("≤ {figure}"), figure=w.number(high))
    return "?"


def group_name(claim: Claim, wording: Wording = ENGLISH) -> tuple[int, str]:
    """What the claim is about, so that competing values land in one table: the group's
    place in GROUP_ORDER and its name."""
    w = wording
    if claim.kind == KG + "CountClaim":
        unit = claim.count.unit if claim.count else None
        return 1, w(N_("Count: {unit}"), unit=isolate(unit, w)) if unit else w(GROUP_ORDER[1])
    if claim.kind == KG + "TimeClaim":
        props = sorted({p for p, _ in claim.dates})
        if props and props != ["date"]:
            return 0, w(N_("Date ({properties})"), properties=format_list(
                [w(DATE_WORDS.get(p, p)) for p in props], locale=w.lang))
        return 0, w(GROUP_ORDER[0])
    if claim.attribute is not None:
        prop = claim.attribute[0]
        words = ATTRIBUTE_WORDS.get(prop)
        return 6, w(words) if words else local_name(prop)
    if claim.kind == KG + "IdentityClaim":
        rank = 5
    elif claim.kind == KG + "Allegation":
        rank = 3
    else:
        kinds = {a.kind for a in claim.assertions}
        rank = 2 if "participation" in kinds else 4 if "membership" in kinds else 7
    return rank, w(GROUP_ORDER[rank])


def claim_groups(views: list[ClaimView]) -> list[tuple[str, list[ClaimView]]]:
    """Claims by group, groups in GROUP_ORDER, claims by the date they give, then by when
    their source was published."""
    groups: dict[str, list[ClaimView]] = defaultdict(list)
    for v in views:
        groups[v.group].append(v)

    def order(name: str) -> tuple[int, str]:
        return groups[name][0].rank, name

    def claim_key(v: ClaimView) -> tuple[Any, ...]:
        c = v.claim
        return (c.dates[0][1].earliest if c.dates else FAR,
                c.published.earliest if c.published else FAR, c.iri)

    return [(g, sorted(groups[g], key=claim_key)) for g in sorted(groups, key=order)]


def assertion_lines(claim: Claim, entity: str, wording: Wording = ENGLISH
                    ) -> list[tuple[str, str, Ref | None]]:
    """What the claim asserts, as seen from `entity`: 'victim in ' + the event, 'Name:
    activist of ' + the organisation; a long list of victims by its size."""
    w = wording
    lines: list[tuple[str, str, Ref | None]] = []
    if claim.asserted_total > MAX_ASSERTED:
        lines.append(("many", w(N_("names {count} participations or memberships"),
                                count=w.number(claim.asserted_total)), None))
    for a in claim.assertions:
        participation = a.kind == "participation"
        role = (isolate(a.role, w, language_of(a.role)) if a.role is not None
                else w(N_("participant")) if participation else w(N_("member")))
        if a.involvement is not None:
            role = w(N_("{role} ({involvement})"), role=role,
                     involvement=isolate(a.involvement, w, language_of(a.involvement)))
        who = isolate(a.who.label, w, language_of(a.who.label))
        if a.who.iri == entity:
            text = w(N_("{role} in ")) if participation else w(N_("{role} of "))
            line = (a.kind, text.format(role=role), a.what)
        elif a.what.iri == entity:
            line = (a.kind, w(N_("{who}: {role}"), who=who, role=role), a.who)
        else:
            text = w(N_("{who}: {role} in ")) if participation else w(N_("{who}: {role} of "))
            line = (a.kind, text.format(who=who, role=role), a.what)
        if line not in lines:
            lines.append(line)
    return lines


def name_row(name: Name, wording: Wording = ENGLISH) -> tuple[str, str, str]:
    return (name.text, ", ".join(name.languages),
            wording(N_("also known as")) if name.alias else wording(N_("name")))


def type_refs(types: list[Ref]) -> list[Ref]:
    """Types with capitalised labels, one per label, by label; 'Agent' (prov:Agent) only
    when it is the only one."""
    by_label: dict[str, Ref] = {}
    for t in types:
        label = t.label[:1].upper() + t.label[1:]
        if isinstance(t.label, Label):
            label = Label(label, t.label.lang)
        by_label.setdefault(label, replace(t, label=label))
    if len(by_label) > 1:
        by_label = {k: t for k, t in by_label.items() if k != "Agent" and t.iri != AGENT}
    return sorted(by_label.values(), key=lambda t: t.label)


def event_role(event: EventEntry, wording: Wording = ENGLISH) -> str | None:
    return wording(N_("this event")) if event.itself else event.role


def neighbours(entity: Entity, views: list[ClaimView], base: str,
               wording: Wording = ENGLISH) -> list[tuple[Ref, str]]:
    """Up to MAX_NEIGHBOURS linked entities for the small graph, most direct first: events,
    the entity's links, what its claims assert or are about, what points at it."""
    seen: dict[str, tuple[Ref, str]] = {}

    def add(node: Ref, relation: str) -> None:
        if node.iri != entity.iri and node.page and node.iri not in seen and not \
                structural(node.iri, base) and len(seen) < MAX_NEIGHBOURS:
            seen[node.iri] = (node, relation)

    w = wording
    for ev in entity.events:
        add(ev.event, event_role(ev, w) or w(N_("event")))
    for prop, values in entity.facts:
        for v in values:
            if v.node:
                add(v.node, prop.label)
    for view in views:
        for _, text, node in view.asserts:
            if node:
                add(node, text.strip())
        for n in view.claim.related:
            add(n, view.kind_label)
    for links in entity.incoming:
        for s in links.subjects[:3]:
            add(s, w(N_("{property} (inverse)"), property=links.property.label))
    return list(seen.values())
