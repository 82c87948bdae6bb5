"""One comparison per field of a record and a candidate, each saying agree, disagree or
cannot tell, and how strongly, so that a person can see why a candidate scored as it did."""

from __future__ import annotations

from dataclasses import dataclass

from kg.matching.namesim import form, similarity
from kg.matching.profiles import Profile
from kg.matching.records import Record, Span
from kg.names import latin_skeleton

#: Chance that two different people's fathers' names agree, when the graph cannot tell
#: (lists of this field give a few hundred given names).
FATHER_CHANCE = 0.03


@dataclass(frozen=True, slots=True)
class Rates:
    """How common values are among the people of the graph, to tell how much an agreement
    says: sharing Evin Prison (a third of the victims) says less than sharing a day."""

    place_share: dict[str, float]
    org_share: dict[str, float]
    #: Share of the people with a father's name who have this one (by `father_key`).
    father_share: dict[str, float]
    death_spread_days: int
    birth_spread_years: int

#: Days two dates of death may lie apart and still not count against each other (lists
#: copy dates with a slip of a few days).
DATE_SLACK_DAYS = 15


@dataclass(slots=True)
class Feature:
    """`value` 0..1: how alike (for the name) or how strong the agreement (else);
    `agrees` True/False, or None when one side does not give the field."""

    id: str
    value: float
    agrees: bool | None
    #: How likely a different person would agree as well, by chance (1: says nothing).
    chance: float = 1.0

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "value": round(self.value, 3)}


def father_key(name: str) -> str:
    """A father's name as one key across scripts and spellings (Gholam Reza ~ غلامرضا)."""
    return "".join(latin_skeleton(t) for t in form(name).tokens)


def father_feature(record: Record, profile: Profile, rates: Rates) -> Feature | None:
    """A shared father's name says as much as that name is rare among the fathers the
    graph knows (Mohammad: one in twenty; Zabihollah: one in hundreds)."""
    if not record.father_names or not profile.fathers:
        return None
    value, theirs = max((similarity(a, b), b) for a in record.father_names
                        for b in profile.fathers)
    agrees = True if value >= 0.85 else False if value < 0.6 else None
    chance = rates.father_share.get(father_key(theirs), FATHER_CHANCE) if agrees else 1.0
    return Feature("father_name", value, agrees, chance)


def _candidate_births(profile: Profile) -> list[tuple[int, int]]:
    if not profile.ages:
        return profile.births
    births = list(profile.births)
    for age in profile.ages:
        for death in profile.deaths:
            births.append((death.earliest.year - age - 1, death.latest.year - age))
    return births


def birth_feature(record: Record, profile: Profile, rates: Rates) -> Feature | None:
    """Birth years, or ages at death turned into birth years (a year of doubt each)."""
    theirs = _candidate_births(profile)
    if not theirs:
        return None
    mine = [r for r in (record.birth_range(d) for d in (profile.deaths or [None])) if r]
    if not mine:
        return None
    gap = min(max(lo - h, l - hi, 0) for lo, hi in mine for l, h in theirs)  # noqa: E741
    if gap == 0:
        exact = record.birth is not None and any(b == record.birth for b in profile.births)
        width = min(hi - lo + 1 for lo, hi in mine) + (0 if exact else 2)
        return Feature("birth_year", 1.0 if exact else 0.8, True,
                       min(1.0, width / rates.birth_spread_years))
    return Feature("birth_year", 0.0, False if gap > 2 else None)


def _width_strength(days: int) -> float:
    """How much a shared date says, by the wider of the two spans."""
    return 1.0 if days <= 1 else 0.7 if days <= 31 else 0.5 if days <= 100 else \
        0.3 if days <= 366 else 0.1


def death_feature(record: Record, profile: Profile, rates: Rates) -> Feature | None:
    """A month matches a day inside it; dates apart by more than the slack disagree."""
    if record.death is None or not profile.deaths:
        return None
    mine: Span = record.death
    found = []
    for theirs in profile.deaths:
        if mine.overlaps(theirs):
            wider = max((mine.latest - mine.earliest).days, (theirs.latest - theirs.earliest).days)
            strength = _width_strength(wider + 1)
            if not (mine.within(theirs) or theirs.within(mine)):
                strength *= 0.5
            days = (mine.latest - mine.earliest).days + (theirs.latest - theirs.earliest).days + 1
            found.append(Feature("death_date", strength, True,
                                 min(1.0, days / rates.death_spread_days)))
        else:
            near = mine.gap_days(theirs) <= DATE_SLACK_DAYS
            found.append(Feature("death_date", 0.0, None if near else False))
    agreeing = [f for f in found if f.agrees]
    if agreeing:
        return max(agreeing, key=lambda f: f.value)
    return next((f for f in found if f.agrees is None), found[0])


def _related(a: str, b: str, parents: dict[str, set[str]]) -> bool:
    return a == b or b in parents.get(a, ()) or a in parents.get(b, ())


def iri_feature(name: str, mine: set[str], theirs: set[str], parents: dict[str, set[str]],
                share: dict[str, float], *, disagree: bool = True) -> Feature | None:
    """Places or affiliations as IRIs: any shared (or containing) one agrees."""
    if not mine or not theirs:
        return None
    related = [(a, b) for a in mine for b in theirs if _related(a, b, parents)]
    if related:
        exact = bool(mine & theirs)
        chance = min(max(share.get(a, 0.0), share.get(b, 0.0)) or 1.0 for a, b in related)
        return Feature(name, 1.0 if exact else 0.6, True, chance if exact else 1.0)
    return Feature(name, 0.0, False if disagree else None)
