"""How a claim's lineage is worded, wherever a claim is shown: its chain step by step and its
independent origins ("1 independent origin (NCRI), repeated by 3 sources").

Entity pages, the explorer's who-says-so panel and the contested-figure pages all say it in
these words, and their JSON twins carry the same text beside the lineage's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kg.entity.model import Ref
from kg.entity.refs import ref
from kg.labels import labels as label_lookup
from kg.lineage import Lineage, claim_lineages
from kg.store import Store


@dataclass
class LineageStep:
    """One step back along a claim's chain, worded: '<lead> the claim of <claimants> in
    <publication>'."""

    lead: str  # "Derived from", "Quotes", or "The claim of X is derived from" further up
    source: Ref  # the claim it takes its figure or statement from
    claimants: list[Ref]
    publication: Ref | None
    note: str | None

    def as_json(self) -> dict[str, Any]:
        return {"lead": self.lead, "source": self.source.as_json(),
                "claimants": [w.as_json() for w in self.claimants],
                "publication": self.publication.as_json() if self.publication else None,
                "note": self.note}


def lineage_steps(lineage: Lineage, refs: dict[str, Ref]) -> list[LineageStep]:
    """The claim's chain, nearest step first: what it quotes or is derived from, then what
    those claims take theirs from."""
    steps = []
    for link in lineage.links:
        lead = "Quotes" if link.kind == "quoted" else "Derived from"
        if link.claim != lineage.claim:
            by = lineage.facts(link.claim)
            who = " and ".join(refs[w].label for w in by.claimants) if by else ""
            lead = (f"The claim of {who or 'an unattributed claimant'} "
                    + ("quotes" if link.kind == "quoted" else "is derived from"))
        source = lineage.facts(link.source_claim)
        steps.append(LineageStep(
            lead, refs[link.source_claim],
            [refs[w] for w in source.claimants] if source else [],
            refs[source.publication] if source and source.publication else None, link.note))
    return steps


def witnesses(lineage: Lineage, refs: dict[str, Ref]) -> list[str]:
    """Who each independent origin is: its claimants' labels ('unattributed' when none)."""
    return [" and ".join(refs[w].label for w in group) or "unattributed"
            for group in lineage.group_claimants()]


def origins_text(lineage: Lineage, refs: dict[str, Ref]) -> str:
    """'1 independent origin (NCRI), repeated by 3 sources': corroboration counted in
    origins (witnesses), repetitions apart."""
    n = lineage.independent_origins
    if n == 0:
        return "No origin: the chain loops back on itself"
    if lineage.is_origin:
        text = "1 independent origin (this claim)"
    else:
        text = (f"{n} independent origin{'s' if n != 1 else ''} "
                f"({'; '.join(witnesses(lineage, refs))})")
    sources, claims = len(lineage.repeated_in), len(lineage.repeats)
    if sources:
        text += f", repeated by {sources} source{'s' if sources != 1 else ''}"
    elif claims:
        text += f", repeated by {claims} claim{'s' if claims != 1 else ''}"
    return text


def lineage_refs(store: Store, base: str, lineages: Iterable[Lineage]) -> dict[str, Ref]:
    """A Ref (label and page) for every IRI these lineages name, in one label lookup."""
    lineages = list(lineages)
    labels = label_lookup(store, {i for found in lineages for i in found.named()})
    return {i: ref(i, labels, base) for found in lineages for i in found.iris()}


def lineage_json(store: Store, base: str, claims: Iterable[str]) -> dict[str, dict[str, Any]]:
    """For each claim, the JSON fields that show its lineage: the data (`lineage`, IRIs
    with labels and pages), the chain worded (`lineageSteps`) and `originsText`."""
    found = claim_lineages(store, claims)
    refs = lineage_refs(store, base, found.values())
    return {iri: {"lineage": lineage.to_json(lambda i: refs[i].as_json()),
                  "lineageSteps": [s.as_json() for s in lineage_steps(lineage, refs)],
                  "originsText": origins_text(lineage, refs)}
            for iri, lineage in found.items()}
