"""How an entity page words what `kg.entity` read: claim groups and their order, count text,
claim kinds, assertions, lineage and independent origins, name kinds, types, event roles and
the neighbourhood's relations.

The HTML page and its JSON twin are both made from an `EntityPage`, so they say the same
thing in the same words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from kg.datevalues import FAR
from kg.entity.model import Claim, Count, Entity, EventEntry, Name, Ref
from kg.entity.queries import MAX_ASSERTED
from kg.entity.refs import structural
from kg.namespaces import KG
from kg.web.lineage_view import LineageStep, lineage_steps, origins_text

#: Linked entities drawn around the entity in its neighbourhood.
MAX_NEIGHBOURS = 14
#: How a claim of each class is named where it has no statement.
KIND_LABELS = {KG + "CountClaim": "count", KG + "TimeClaim": "date",
               KG + "IdentityClaim": "identity", KG + "Allegation": "allegation",
               KG + "Claim": "claim"}
#: Claim groups in page order (by the start of their name: "Count: people" is a "Count").
GROUP_ORDER = ("Date", "Count", "Part in events", "Allegations", "Offices and memberships",
               "Possible identity", "Statements")


@dataclass
class ClaimView:
    """A claim with the words its card shows."""

    claim: Claim
    group: str
    kind_label: str
    value: str | None  # the count, as text
    asserts: list[tuple[str, str, Ref | None]]  # (kind, text, the node it links to)
    lineage_steps: list[LineageStep] = field(default_factory=list)
    #: '1 independent origin (NCRI), repeated by 3 sources'.
    origins_text: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {**self.claim.as_json(), "group": self.group, "value": self.value,
                "asserts": [{"kind": k, "text": t, "node": n.as_json() if n else None}
                            for k, t, n in self.asserts],
                "originsText": self.origins_text}


@dataclass
class EntityPage:
    """An entity with the words its page shows; `as_json` is the page's JSON twin."""

    entity: Entity
    names: list[tuple[str, str, str]]  # (text, its languages, "name" or "also known as")
    types: list[Ref]
    claim_groups: list[tuple[str, list[ClaimView]]]
    neighbours: list[tuple[Ref, str]]  # (linked entity, how it is linked)

    def as_json(self) -> dict[str, Any]:
        return {
            **self.entity.as_json(),
            "names": [{"text": t, "lang": lang, "property": p} for t, lang, p in self.names],
            "types": [t.as_json() for t in self.types],
            "claims": [{"group": g, "claims": [c.as_json() for c in cs]}
                       for g, cs in self.claim_groups],
            "events": [{**ev.as_json(), "role": event_role(ev)} for ev in self.entity.events],
            "neighbours": [{"node": n.as_json(), "relation": r} for n, r in self.neighbours],
        }


def entity_page(entity: Entity, base: str) -> EntityPage:
    """The page of `entity` (whose IRIs are minted under `base`)."""
    views = [claim_view(c, entity.iri) for c in entity.claims]
    return EntityPage(entity, [name_row(n) for n in entity.names], type_refs(entity.types),
                      claim_groups(views), neighbours(entity, views, base))


def claim_view(claim: Claim, entity: str) -> ClaimView:
    return ClaimView(claim, group_name(claim), KIND_LABELS[claim.kind],
                     count_text(claim.count) if claim.count else None,
                     assertion_lines(claim, entity),
                     lineage_steps(claim.lineage, claim.lineage_refs) if claim.lineage else [],
                     origins_text(claim.lineage, claim.lineage_refs) if claim.lineage else None)


def count_text(count: Count) -> str:
    """A count claim's figure: '30,000', '4,000 – 5,000', '≥ 33,700', '≤ 500', '2,800 or
    3,800' or '?'."""

    def num(x: str) -> str:
        try:
            return f"{int(float(x)):,}"
        except ValueError:
            return x

    exact, low, high = count.exact, count.low, count.high
    if count.alternatives:
        return " or ".join(num(x) for x in count.alternatives)
    if exact is not None:
        return num(exact)
    if low is not None and high is not None:
        return f"{num(low)} – {num(high)}"
    if low is not None:
        return f"≥ {num(low)}"
    if high is not None:
        return f"≤ {num(high)}"
    return "?"


def group_name(claim: Claim) -> str:
    """What the claim is about, so that competing values land in one table."""
    if claim.kind == KG + "CountClaim":
        unit = claim.count.unit if claim.count else None
        return f"Count: {unit}" if unit else "Count"
    if claim.kind == KG + "TimeClaim":
        props = sorted({p for p, _ in claim.dates})
        return "Date" + (f" ({', '.join(props)})" if props and props != ["date"] else "")
    if claim.kind == KG + "IdentityClaim":
        return "Possible identity"
    if claim.kind == KG + "Allegation":
        return "Allegations"
    kinds = {a.kind for a in claim.assertions}
    if "participation" in kinds:
        return "Part in events"
    if "membership" in kinds:
        return "Offices and memberships"
    return "Statements"


def claim_groups(views: list[ClaimView]) -> list[tuple[str, list[ClaimView]]]:
    """Claims by group, groups in GROUP_ORDER, claims by the date they give, then by when
    their source was published."""
    groups: dict[str, list[ClaimView]] = defaultdict(list)
    for v in views:
        groups[v.group].append(v)

    def order(name: str) -> tuple[int, str]:
        return next((i for i, g in enumerate(GROUP_ORDER) if name.startswith(g)), 99), name

    def claim_key(v: ClaimView) -> tuple[Any, ...]:
        c = v.claim
        return (c.dates[0][1].earliest if c.dates else FAR,
                c.published.earliest if c.published else FAR, c.iri)

    return [(g, sorted(groups[g], key=claim_key)) for g in sorted(groups, key=order)]


def assertion_lines(claim: Claim, entity: str) -> list[tuple[str, str, Ref | None]]:
    """What the claim asserts, as seen from `entity`: 'victim in ' + the event, 'Name:
    activist of ' + the organisation; a long list of victims by its size."""
    lines: list[tuple[str, str, Ref | None]] = []
    if claim.asserted_total > MAX_ASSERTED:
        lines.append(("many", f"names {claim.asserted_total:,} participations or memberships",
                      None))
    for a in claim.assertions:
        participation = a.kind == "participation"
        role = a.role if a.role is not None else ("participant" if participation else "member")
        if a.involvement is not None:
            role += f" ({a.involvement})"
        link = " in " if participation else " of "
        if a.who.iri == entity:
            line = (a.kind, role + link, a.what)
        elif a.what.iri == entity:
            line = (a.kind, f"{a.who.label}: {role}", a.who)
        else:
            line = (a.kind, f"{a.who.label}: {role}{link}", a.what)
        if line not in lines:
            lines.append(line)
    return lines


def name_row(name: Name) -> tuple[str, str, str]:
    return name.text, ", ".join(name.languages), "also known as" if name.alias else "name"


def type_refs(types: list[Ref]) -> list[Ref]:
    """Types with capitalised labels, one per label, by label; 'Agent' (prov:Agent) only
    when it is the only one."""
    by_label: dict[str, Ref] = {}
    for t in types:
        label = t.label[:1].upper() + t.label[1:]
        by_label.setdefault(label, replace(t, label=label))
    if len(by_label) > 1:
        by_label.pop("Agent", None)
    return sorted(by_label.values(), key=lambda t: t.label)


def event_role(event: EventEntry) -> str | None:
    return "this event" if event.itself else event.role


def neighbours(entity: Entity, views: list[ClaimView], base: str) -> list[tuple[Ref, str]]:
    """Up to MAX_NEIGHBOURS linked entities for the small graph, most direct first: events,
    the entity's links, what its claims assert or are about, what points at it."""
    seen: dict[str, tuple[Ref, str]] = {}

    def add(node: Ref, relation: str) -> None:
        if node.iri != entity.iri and node.page and node.iri not in seen and not \
                structural(node.iri, base) and len(seen) < MAX_NEIGHBOURS:
            seen[node.iri] = (node, relation)

    for ev in entity.events:
        add(ev.event, event_role(ev) or "event")
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
            add(s, links.property.label + " (inverse)")
    return list(seen.values())
