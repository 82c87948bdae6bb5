"""Who is this? One matcher for imports, `kg match` and the reconciliation service.

`index_for(store, view=...)` gives the per-version index of candidates; `match_record`
ranks candidates for a `Record` (a row via `record_from_row`, or a query) with the
features behind each score; `match` is True only for a clear, corroborated name match.
Nothing here writes to the store: merging people is `kg.matching.merging`, on request.
"""

from kg.matching.index import MatchIndex, index_for
from kg.matching.records import Record, Span, parse_date, parse_year, record_from_row
from kg.matching.scoring import Candidate, match_record

__all__ = ["Candidate", "MatchIndex", "Record", "Span", "index_for", "match_record",
           "parse_date", "parse_year", "record_from_row"]
