"""Matching a whole list: how much of it the graph already holds, told by the list itself.

One query on its own cannot tell whether the person it names is likely to be in the graph,
so `match` assumes as many people again outside it (`scoring.OUTSIDE_ODDS`), each of whom
might share the name and, by chance, a prison or a date. A list of thousands of rows tells
more: rows with rare names that fit someone closely say the list and the graph overlap;
rows whose names the graph lacks say they do not. The share of the list's people who are
in the graph is estimated from all its rows at once (the maximum a posteriori estimate of a
two-part mixture, by expectation-maximisation, as record-linkage tools since Fellegi and
Sunter have done), and the odds of someone being outside the graph follow from it. A short
list leans on the prior; the estimate is capped so a list never counts as wholly inside.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kg.matching.index import MatchIndex
from kg.matching.records import Record
from kg.matching.scoring import Ranking, rank_record

#: What a query on its own assumes: half the people a record may denote are not in the graph.
PRIOR_SHARE = 0.5
#: The prior weighs as much as this many rows (a Beta prior centred on PRIOR_SHARE): a list
#: of 50 rows moves the estimate half way, one of thousands nearly all the way.
PRIOR_ROWS = 50
#: A list never counts as more than this much inside the graph (people outside it bear the
#: same names, whatever the list says).
MAX_SHARE = 0.9
ROUNDS = 200


def listed_share(rankings: Sequence[Ranking]) -> float:
    """The share of the list's people the graph holds, estimated from its rankings."""
    weights = [r.in_graph_weight() for r in rankings]
    share = PRIOR_SHARE
    for _ in range(ROUNDS):
        inside = sum(share * a / (share * a + (1 - share) * b)
                     for a, b in weights if share * a + (1 - share) * b > 0)
        updated = (inside + PRIOR_ROWS * PRIOR_SHARE) / (len(weights) + PRIOR_ROWS)
        settled = abs(updated - share) < 1e-6
        share = updated
        if settled:
            break
    return min(share, MAX_SHARE)


def outside_odds(share: float) -> float:
    """People outside the graph a row may denote for each one inside it."""
    return (1 - share) / share


def match_list(index: MatchIndex, records: Iterable[Record], limit: int = 5,
               kinds: Iterable[str] | None = None) -> tuple[list[Ranking], float]:
    """The best `limit` candidates for each record, best first, decided with the share of
    the list the graph holds (returned beside them, for the report)."""
    kinds = tuple(kinds) if kinds else None
    records = list(records)
    rankings = [rank_record(index, record, limit, kinds) if record.names else Ranking([])
                for record in records]
    share = listed_share([r for r, record in zip(rankings, records, strict=True)
                          if record.names])
    odds = outside_odds(share)
    for ranking in rankings:
        ranking.decide(odds)
    return rankings, share
