"""Matching a whole list: the share of its people the graph holds, estimated from its rows,
and the decisions that follow (kg.matching.lists)."""

from __future__ import annotations

import random

import pytest

from kg.matching.features import Feature
from kg.matching.lists import MAX_SHARE, PRIOR_SHARE, listed_share, outside_odds
from kg.matching.profiles import Profile
from kg.matching.scoring import OUTSIDE_ODDS, Candidate, Ranking


def _ranking(name: float, namesakes: float, bearers: float, chance: float) -> Ranking:
    """A ranking whose first candidate's name is `name` alike and whose prison agrees with
    `chance` of people sharing it by chance."""
    features = [Feature("name", name, name >= 0.9), Feature("place", 1.0, True, chance)]
    profile = Profile("https://kg.example.org/id/person/p", "person", "P")
    return Ranking([Candidate(profile.iri, "P", "person", 80.0, features, profile)],
                   namesakes, bearers, True)


def _mixed_list(inside: float, rows: int, seed: int = 7) -> list[Ranking]:
    """A list of which `inside` are people of the graph (a fitting candidate, rare or common
    name) and the rest people outside it (mostly no name in the graph at all; some common
    names, whose bearers fit by chance)."""
    rnd = random.Random(seed)
    out = []
    for _ in range(rows):
        bearers = rnd.choice([0.05, 0.3, 2.0, 10.0])
        if rnd.random() < inside:
            out.append(_ranking(1.0, 1 + bearers, bearers, 0.2))
        elif bearers >= 2.0 and rnd.random() < 0.5:
            out.append(_ranking(1.0, bearers, bearers, 0.2))
        else:
            out.append(Ranking([]))  # nobody of that name in the graph
    return out


@pytest.mark.parametrize("inside", [0.3, 0.6, 0.8])
def test_the_share_of_a_long_list_in_the_graph_is_estimated_from_its_rows(
        inside: float) -> None:
    assert listed_share(_mixed_list(inside, 4000)) == pytest.approx(inside, abs=0.06)


def test_a_short_list_leans_on_the_prior() -> None:
    short = listed_share(_mixed_list(0.9, 10))
    assert PRIOR_SHARE < short < 0.75


def test_no_list_counts_as_wholly_inside_the_graph() -> None:
    everyone = [_ranking(1.0, 1.0, 0.01, 0.2) for _ in range(5000)]
    assert listed_share(everyone) == MAX_SHARE
    assert outside_odds(MAX_SHARE) > 0


def test_a_list_mostly_in_the_graph_makes_a_shared_prison_telling_for_a_rarer_name() -> None:
    # The one bearer of the name in the graph, and two expected among as many people again:
    # a shared prison (one in five) is not enough for a query on its own, but is when the
    # list says that four in five of its people are in the graph.
    row = _ranking(1.0, 1.0, 2.0, 0.2)
    row.decide(OUTSIDE_ODDS)
    assert not row.candidates[0].match
    row.decide(outside_odds(0.8))
    assert row.candidates[0].match


def test_a_namesake_in_the_graph_still_stops_a_match_whatever_the_list() -> None:
    row = _ranking(1.0, 3.0, 0.1, 0.2)
    row.decide(outside_odds(MAX_SHARE))
    assert not row.candidates[0].match
