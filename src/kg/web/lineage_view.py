"""How a claim's lineage is worded, wherever a claim is shown: its chain step by step and its
independent origins ("1 independent origin (NCRI), repeated by 3 sources").

Entity pages, the explorer's who-says-so panel and the contested-figure pages all say it in
these words (in the language of the `Wording` they are given), and their JSON twins carry
the same text beside the lineage's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from babel.lists import format_list

from kg.entity.model import Ref
from kg.entity.refs import ref
from kg.labels import labels as label_lookup
from kg.lineage import Lineage, claim_lineages
from kg.store import Store
from kg.wording import ENGLISH, N_, Wording, isolate

#: How a step back along the chain begins, from the claim itself or from one further up.
_LEADS = {"quoted": N_("Quotes"), "derived": N_("Derived from")}
_LEADS_UP = {"quoted": N_("The claim of {claimants} quotes"),
             "derived": N_("The claim of {claimants} is derived from")}
#: The rest of a step, by what is known of the claim it points to; {claim} is "the claim",
#: linked to it.
STEP_TEXTS = {
    (True, True): N_("{lead} {claim} of {claimants} in {publication}"),
    (True, False): N_("{lead} {claim} of {claimants}"),
    (False, True): N_("{lead} {claim} in {publication}"),
    (False, False): N_("{lead} {claim}"),
}
THE_CLAIM = N_("the claim")


@dataclass
class LineageStep:
    """One step back along a claim's chain, worded: '<lead> the claim of <claimants> in
    <publication>'."""

    lead: str  # "Derived from", "Quotes", or "The claim of X is derived from" further up
    #: The whole step's wording, {claim}, {claimants} and {publication} left to be filled
    #: (with links on a page); `text` fills them with labels.
    template: str
    source: Ref  # the claim it takes its figure or statement from
    claimants: list[Ref]
    publication: Ref | None
    note: str | None

    def text(self, wording: Wording = ENGLISH) -> str:
        """The step as plain text (the explorer's panel, the JSON twins)."""
        return self.template.format(
            claim=wording(THE_CLAIM), claimants=_and([c.label for c in self.claimants], wording),
            publication=isolate(self.publication.label, wording) if self.publication else "")

    def as_json(self) -> dict[str, Any]:
        return {"lead": self.lead, "template": self.template, "source": self.source.as_json(),
                "claimants": [w.as_json() for w in self.claimants],
                "publication": self.publication.as_json() if self.publication else None,
                "note": self.note}


def _and(names: list[str], wording: Wording) -> str:
    """'A and B' / 'A، B و C', each name set off by direction."""
    return format_list([isolate(n, wording) for n in names], locale=wording.lang) if names \
        else ""


def lineage_steps(lineage: Lineage, refs: dict[str, Ref], wording: Wording = ENGLISH
                  ) -> list[LineageStep]:
    """The claim's chain, nearest step first: what it quotes or is derived from, then what
    those claims take theirs from."""
    w = wording
    steps = []
    for link in lineage.links:
        kind = "quoted" if link.kind == "quoted" else "derived"
        lead = w(_LEADS[kind])
        if link.claim != lineage.claim:
            by = lineage.facts(link.claim)
            who = _and([refs[c].label for c in by.claimants], w) if by else ""
            lead = w(_LEADS_UP[kind], claimants=who or w(N_("an unattributed claimant")))
        source = lineage.facts(link.source_claim)
        claimants = [refs[c] for c in source.claimants] if source else []
        publication = refs[source.publication] if source and source.publication else None
        template = w(STEP_TEXTS[(bool(claimants), publication is not None)])
        steps.append(LineageStep(lead, template.replace("{lead}", lead.replace("{", "{{")
                                                         .replace("}", "}}")),
                                 refs[link.source_claim], claimants, publication, link.note))
    return steps


def witnesses(lineage: Lineage, refs: dict[str, Ref], wording: Wording = ENGLISH
              ) -> list[str]:
    """Who each independent origin is: its claimants' labels ('unattributed' when none)."""
    return [_and([refs[c].label for c in group], wording) or wording(N_("unattributed"))
            for group in lineage.group_claimants()]


def origins_text(lineage: Lineage, refs: dict[str, Ref], wording: Wording = ENGLISH) -> str:
    """'1 independent origin (NCRI), repeated by 3 sources': corroboration counted in
    origins (witnesses), repetitions apart."""
    w = wording
    n = lineage.independent_origins
    if n == 0:
        return w(N_("No origin: the chain loops back on itself"))
    if lineage.is_origin:
        text = w(N_("1 independent origin (this claim)"))
    else:
        who = w(N_("; ")).join(witnesses(lineage, refs, w))
        text = (w(N_("1 independent origin ({who})"), who=who) if n == 1 else
                w(N_("{n} independent origins ({who})"), n=w.number(n), who=who))
    sources, claims = len(lineage.repeated_in), len(lineage.repeats)
    if sources:
        text += (w(N_(", repeated by 1 source")) if sources == 1 else
                 w(N_(", repeated by {n} sources"), n=w.number(sources)))
    elif claims:
        text += (w(N_(", repeated by 1 claim")) if claims == 1 else
                 w(N_(", repeated by {n} claims"), n=w.number(claims)))
    return text


def lineage_refs(store: Store, base: str, lineages: Iterable[Lineage], lang: str = "en"
                 ) -> dict[str, Ref]:
    """A Ref (label in `lang`, and page) for every IRI these lineages name, in one label
    lookup."""
    lineages = list(lineages)
    labels = label_lookup(store, {i for found in lineages for i in found.named()}, lang)
    return {i: ref(i, labels, base) for found in lineages for i in found.iris()}


def lineage_json(store: Store, base: str, claims: Iterable[str],
                 wording: Wording = ENGLISH) -> dict[str, dict[str, Any]]:
    """For each claim, the JSON fields that show its lineage: the data (`lineage`, IRIs
    with labels and pages), the chain worded (`lineageSteps`) and `originsText`."""
    w = wording
    found = claim_lineages(store, claims)
    refs = lineage_refs(store, base, found.values(), w.lang)
    return {iri: {"lineage": lineage.to_json(lambda i: refs[i].as_json()),
                  "lineageSteps": [s.as_json() for s in lineage_steps(lineage, refs, w)],
                  "originsText": origins_text(lineage, refs, w)}
            for iri, lineage in found.items()}
