"""What the importer asks the matcher: for each row, the people already in the graph from
other sources that it may denote — reported, never merged. The importer attaches a row to
an existing person only when the user confirms by giving that person's IRI (`kg_iri`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kg.matching.index import MatchIndex
from kg.matching.profiles import Profile
from kg.matching.records import record_from_row
from kg.matching.scoring import Candidate, match_record

#: Candidates below this score are not worth a reviewer's time.
REPORT_SCORE = 50.0


@dataclass
class RowCandidates:
    """A row (its number in the file and its record id) and who it may be."""

    row: int
    key: str
    name: str
    candidates: list[Candidate] = field(default_factory=list)


def candidates_for_rows(index: MatchIndex, rows: Iterable[tuple[int, Mapping[str, str]]], *,
                        own_source: str | None = None, own_iris: Iterable[str] = (),
                        limit: int = 3, min_score: float = REPORT_SCORE) -> list[RowCandidates]:
    """Candidates for every row, leaving out the table's own people (those the same source
    alone describes, or IRIs the importer mints for these rows)."""
    own = set(own_iris)
    out = []
    for number, cells in rows:
        record = record_from_row(cells, key=str(number))
        if not record.names:
            out.append(RowCandidates(number, cells.get("record_id", ""), ""))
            continue
        found = [c for c in match_record(index, record, limit + 5)
                 if c.score >= min_score and c.iri not in own
                 and not (own_source and c.profile.sources <= {own_source}
                          and c.profile.sources)]
        out.append(RowCandidates(number, cells.get("record_id", ""), record.names[0],
                                 found[:limit]))
    return out


def confirmed_person(index: MatchIndex, iri: str) -> Profile | None:
    """The person a `kg_iri` cell names, if the index's view knows them (None: a typo or
    someone the view cannot see — the importer reports it)."""
    profile = index.profile(iri.strip())
    return profile if profile is not None and profile.kind == "person" else None
