"""From features to a score and a decision: candidates ranked, and `match` only when the name
matches, another field agrees, nothing disagrees and no other candidate comes close.

The score (0-100) is the name's similarity (70 points at most) plus points for each field
that agrees (more for rarer, more telling agreements: a father's name, a day of death) less
points for each that disagrees. `match` is deliberately strict: a documenter decides the
rest, with the features in front of them; kg never merges on a score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.matching.features import (
    Feature,
    birth_feature,
    death_feature,
    father_feature,
    iri_feature,
)
from kg.matching.index import MatchIndex
from kg.matching.namesim import best_similarity, similarity
from kg.matching.profiles import Profile
from kg.matching.records import Record

NAME_POINTS = 70.0
AGREE_POINTS = {"father_name": 15.0, "birth_year": 10.0, "place": 8.0, "death_date": 15.0,
                "affiliation": 6.0}
DISAGREE_POINTS = {"father_name": 25.0, "birth_year": 20.0, "place": 10.0,
                   "death_date": 25.0, "affiliation": 4.0}
#: `match` needs at least this name similarity (a transliteration or script change passes;
#: an initial for a given name does not) ...
MATCH_NAME = 0.9
#: ... another field agreeing, none disagreeing, the next candidate at least this many
#: points behind ...
MATCH_MARGIN = 5.0
#: ... and agreements rare enough: at most this many of the name's other bearers (namesakes
#: in the graph, and those expected among the people the record may denote who are not in
#: it) expected to agree by chance.
MATCH_CHANCE = 0.25
#: How many people not in the graph a record may denote, for each one in it, when nothing
#: else tells: as many again (a query on its own). A whole list tells more: `kg.matching.lists`
#: estimates from its rows how much of it the graph already holds.
OUTSIDE_ODDS = 1.0
#: A namesake a field rules out counts as this much of a person (lists make mistakes).
RULED_OUT = 0.1
#: Candidates whose names are less alike than this are not scored further.
NAME_FLOOR = 0.45
#: Most candidates scored in full per query (the most alike names first) ...
DETAILED = 300
#: ... and only those whose names are nearly as alike as the most alike.
NAME_WINDOW = 0.3


@dataclass
class Candidate:
    """One entity the record may denote, with its score and the features behind it."""

    iri: str
    name: str
    kind: str
    score: float
    features: list[Feature]
    profile: Profile = field(repr=False)
    match: bool = False

    @property
    def chance(self) -> float:
        """How likely another person of the same name would agree on all that agrees."""
        value = 1.0
        for f in self.features:
            if f.id != "name" and f.agrees:
                value *= f.chance
        return value

    def why(self) -> str:
        """The features in words: 'name 0.95; death_date agrees (0.7); place disagrees'."""
        parts = []
        for f in self.features:
            if f.id == "name":
                parts.append(f"name {f.value:.2f}")
            elif f.agrees is None:
                parts.append(f"{f.id} cannot tell")
            else:
                parts.append(f"{f.id} {'agrees' if f.agrees else 'disagrees'} ({f.value:.2f})")
        return "; ".join(parts)


def _resolved(index: MatchIndex, values: list[str], kinds: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for value in values:
        out |= index.resolve(value, kinds)
    return out


def features_of(index: MatchIndex, record: Record, profile: Profile, name: Feature,
                places: set[str], affiliations: set[str]) -> list[Feature]:
    found = [name]
    if profile.kind == "person":
        found += [f for f in (
            father_feature(record, profile, index.rates),
            birth_feature(record, profile, index.rates),
            death_feature(record, profile, index.rates),
            iri_feature("place", places, profile.places, index.parents,
                        index.rates.place_share),
            iri_feature("affiliation", affiliations, profile.affiliations, {},
                        index.rates.org_share),
        ) if f is not None]
    return found


def score_of(features: Iterable[Feature]) -> float:
    total = 0.0
    for f in features:
        if f.id == "name":
            total += NAME_POINTS * f.value
        elif f.agrees:
            total += AGREE_POINTS.get(f.id, 5.0) * f.value
        elif f.agrees is False:
            total -= DISAGREE_POINTS.get(f.id, 5.0)
    return round(max(0.0, min(100.0, total)), 2)


def _namesakes(scored: list[Candidate]) -> float:
    """People in the graph whose names match as well as the best candidate's, counted as
    other people the record may denote: one each, or a fraction for those a field rules
    out (lists do err, but rarely)."""
    return 1.0 + sum(RULED_OUT if any(f.agrees is False for f in c.features) else 1.0
                     for c in scored[1:] if c.features[0].value >= MATCH_NAME)


def _bearers(index: MatchIndex, record: Record, profile: Profile) -> float:
    """Expected bearers of the candidate's name that the record matched best (its own
    spelling, not the record's: a typo is not a rare name)."""
    best = max(((similarity(a, b), b) for a in record.names for b, _l, _r in profile.names),
               default=(0.0, ""))
    return index.bearers(best[1]) if best[1] else float(index.people)


@dataclass
class Ranking:
    """A record's candidates, best first, and what the decision on the first needs: how many
    namesakes in the graph compete with it, how many bearers of its name to expect among as
    many people again, and whether it leads the next by the margin."""

    candidates: list[Candidate]
    namesakes: float = 0.0
    bearers: float = 0.0
    clear_lead: bool = False

    @property
    def plausible(self) -> bool:
        """The first candidate's name matches and nothing of it disagrees: the record may be
        this person (and is, if what agrees is telling enough)."""
        if not self.candidates:
            return False
        features = self.candidates[0].features
        return (features[0].value >= MATCH_NAME
                and not any(f.agrees is False for f in features))

    def odds_against(self, outside_odds: float) -> float:
        """Other people expected to fit the record as well as the first candidate: namesakes
        in the graph and, `outside_odds` for each person in it, bearers of the name outside
        it, each agreeing by chance."""
        top = self.candidates[0]
        return (max(self.namesakes - 1, 0) + outside_odds * self.bearers) * top.chance

    def in_graph_weight(self) -> tuple[float, float]:
        """How well the record fits people in the graph (the first candidate and its
        namesakes) and people outside it (bearers of the name), on one scale."""
        if not self.plausible:
            return 0.0, 1.0
        chance = self.candidates[0].chance
        return 1.0 + max(self.namesakes - 1, 0) * chance, self.bearers * chance

    def decide(self, outside_odds: float = OUTSIDE_ODDS) -> None:
        """`match` on the first candidate: its name matches, another field agrees, none
        disagrees, it leads the next by the margin, and what agrees is rare enough that none
        of the name's other bearers would be expected to agree by chance (a rare name makes
        a shared prison telling; a common one needs a day or a father's name)."""
        if not self.candidates:
            return
        top = self.candidates[0]
        top.match = (self.plausible and self.clear_lead
                     and any(f.agrees for f in top.features if f.id != "name")
                     and self.odds_against(outside_odds) <= MATCH_CHANCE)


def rank_record(index: MatchIndex, record: Record, limit: int = 5,
                kinds: Iterable[str] | None = None) -> Ranking:
    """The best `limit` candidates for `record`, best first, not yet decided on."""
    kinds = tuple(kinds) if kinds else ((record.kind,) if record.kind else None)
    by_group: dict[int, list[int]] = defaultdict(list)
    for n in index.candidates(record.names, kinds):
        by_group[index.group[n]].append(n)
    alike = []
    names = index.names_of_groups(by_group)
    for g, members in by_group.items():
        value = best_similarity(record.names, names[g])
        if value >= NAME_FLOOR:
            alike.append((value, g, members))
    alike.sort(key=lambda item: -item[0])
    chosen: list[tuple[float, int]] = []
    for value, _g, members in alike:
        if value < alike[0][0] - NAME_WINDOW:
            break
        chosen += [(value, n) for n in members]
        if len(chosen) >= DETAILED:
            break
    chosen = chosen[:DETAILED]
    named = [(Feature("name", value, value >= MATCH_NAME), profile) for (value, _n), profile
             in zip(chosen, index.profiles_of([n for _v, n in chosen]), strict=True)]
    places = _resolved(index, record.places, ("place",))
    affiliations = _resolved(index, record.affiliations, ("organisation",))
    scored = []
    for feature, profile in named:
        features = features_of(index, record, profile, feature, places, affiliations)
        scored.append(Candidate(profile.iri, "", profile.kind, score_of(features),
                                features, profile))
    scored.sort(key=lambda c: (-c.score, c.iri))
    for c in scored[:limit]:
        c.name = c.profile.label
    if not scored:
        return Ranking([])
    runner_up = scored[1].score if len(scored) > 1 else -1.0
    return Ranking(scored[:limit], _namesakes(scored),
                   _bearers(index, record, scored[0].profile),
                   runner_up <= scored[0].score - MATCH_MARGIN)


def match_record(index: MatchIndex, record: Record, limit: int = 5,
                 kinds: Iterable[str] | None = None, *,
                 outside_odds: float = OUTSIDE_ODDS) -> list[Candidate]:
    """The best `limit` candidates for `record`, best first; the first has `match` True
    when the decision rule above holds."""
    ranking = rank_record(index, record, limit, kinds)
    ranking.decide(outside_odds)
    return ranking.candidates
