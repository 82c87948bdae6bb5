"""What the importer and `kg match` ask the matcher: for each row of a table, the people
already in the graph from other sources that it may denote — reported, never merged. The
importer attaches a row to an existing person only when the user confirms by giving that
person's IRI (`kg_iri`); a row that has one is not matched again.

Rows come from the importer's reader (`kg.ingest.table`: encodings, CSVW dialects, RFC 7111
row numbers) and are read through the table's mapping: a column counts for what its
`kg:property` says (a label, a father's name, a date of death...), whatever it is called.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.ingest.mapping import Mapping
from kg.ingest.report import RowCandidate, review_csv
from kg.ingest.table import Row
from kg.matching.index import MatchIndex, index_at_hand, index_for
from kg.matching.lists import match_list
from kg.matching.profiles import Profile
from kg.matching.records import Record, record_from_values
from kg.matching.scoring import Candidate
from kg.namespaces import ID
from kg.store import Store, View

#: Candidates below this score are not worth a reviewer's time.
REPORT_SCORE = 50.0
CSV_COLUMNS = ["row", "record_id", "name", "rank", "candidate", "label", "score", "match",
               "features"]


@dataclass
class RowCandidates:
    """A row (its number in the file and its record id) and who it may be."""

    row: int
    key: str
    name: str
    candidates: list[Candidate] = field(default_factory=list)

    def flat(self) -> list[RowCandidate]:
        return [RowCandidate(self.row, self.key, self.name, rank, c.iri, c.name, c.score,
                             c.match, c.why())
                for rank, c in enumerate(self.candidates, start=1)]


def row_record(mapping: Mapping, row: Row) -> Record:
    """What a row says about its person, by the properties its mapping gives its columns
    (list cells split as the mapping says; dates read in the column's calendar)."""
    values = []
    for name, text in row.cells.items():
        spec = mapping.columns.get(name)
        if spec is None or spec.property is None or not text.strip():
            continue
        parts = text.split(spec.separator) if spec.separator else [text]
        values += [(spec.property, part.strip(), spec.calendar) for part in parts
                   if part.strip()]
    key = row.cells.get(mapping.id_column(), "").strip()
    return record_from_values(values, key or str(row.number))


def confirmed(mapping: Mapping, row: Row) -> bool:
    """Whether the row already names its person (a kg_iri cell): nothing to find."""
    column = mapping.column("kg_iri")
    return bool(column and row.cells.get(column, "").strip())


@dataclass
class ListCandidates:
    """Who each row may be, and the share of the list's people the graph already holds as
    estimated from all its rows (which weighs how telling a shared prison or date is)."""

    rows: list[RowCandidates]
    listed_share: float


def candidates_for_rows(index: MatchIndex, records: Iterable[tuple[int, Record]], *,
                        own_source: str | None = None, own_iris: Iterable[str] = (),
                        limit: int = 3, min_score: float = REPORT_SCORE) -> ListCandidates:
    """Candidates for every row, leaving out the table's own people (those the same source
    alone describes, or IRIs the importer mints for these rows)."""
    own = set(own_iris)
    numbered = list(records)
    found, share = match_list(index, [record for _n, record in numbered], limit + 5)
    out = []
    for (number, record), ranking in zip(numbered, found, strict=True):
        kept = [c for c in ranking.candidates
                if c.score >= min_score and c.iri not in own
                and not (own_source and c.profile.sources <= {own_source}
                         and c.profile.sources)]
        out.append(RowCandidates(number, record.key, record.names[0] if record.names else "",
                                 kept[:limit]))
    return ListCandidates(out, share)


def table_candidates(store: Store, mapping: Mapping, rows: Iterable[Row], *,
                     source: str | None = None, own_iris: Iterable[str] = (),
                     view: View = "public", base: str = ID, limit: int = 3,
                     min_score: float = REPORT_SCORE,
                     notify: Callable[[str], None] | None = None) -> ListCandidates:
    """Candidates for the rows of a table that do not name their person yet. The match
    index is only built (or read) when some row needs it; `notify` is told before it is
    built (a user would otherwise wait in silence: it is most of the time on a large graph)."""
    records = [(row.number, row_record(mapping, row)) for row in rows
               if not confirmed(mapping, row)]
    if not records:
        return ListCandidates([], 0.0)
    if notify is not None and not index_at_hand(store, base, view):
        notify(f"Matching {len(records)} rows against the graph: building the match index "
               "of this version of the store first (once per version; slow on a large "
               "graph)")
    return candidates_for_rows(index_for(store, base, view), records, own_source=source,
                               own_iris=own_iris, limit=limit, min_score=min_score)


def flat(found: Iterable[RowCandidates]) -> list[RowCandidate]:
    return [c for item in found for c in item.flat()]


def candidates_csv(candidates: Iterable[RowCandidate],
                   empty_rows: Iterable[tuple[int, str, str]] = ()) -> str:
    """One line per candidate (and one per row given in `empty_rows`, without any), by row,
    for a reviewer's spreadsheet: the candidate IRI is what goes into kg_iri."""
    lines = [(c.row, c.rank, [c.row, c.record_id, c.name, c.rank, c.iri, c.label,
                              f"{c.score:.1f}", "true" if c.match else "false", c.features])
             for c in candidates]
    lines += [(row, 0, [row, key, name, "", "", "", "", "", ""])
              for row, key, name in empty_rows]
    return review_csv(CSV_COLUMNS, (line for _row, _rank, line in
                                    sorted(lines, key=lambda x: x[:2])))


def confirmed_person(index: MatchIndex, iri: str) -> Profile | None:
    """The person a `kg_iri` cell names, if the index's view knows them (None: a typo or
    someone the view cannot see — the importer reports it)."""
    profile = index.profile(iri.strip())
    return profile if profile is not None and profile.kind == "person" else None
