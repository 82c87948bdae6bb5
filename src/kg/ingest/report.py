"""What an import tells its user: every bad cell as `FILE:ROW:COLUMN: 'value': what is wrong
— the fix` (and as CSV with --errors), and the report of what an import added, changed and
removed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError


@dataclass(frozen=True)
class CellError:
    """One problem, at its RFC 7111 row (the header is row 1) and column name."""

    row: int
    column: str
    value: str
    message: str

    def line(self, path: Path | str) -> str:
        return f"{path}:{self.row}:{self.column}: {self.value!r}: {self.message}"


class ImportErrors(KgError):
    """The table has bad cells: all of them, nothing written."""

    def __init__(self, path: Path | str, errors: list[CellError]) -> None:
        self.path = path
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))
        rows = len({e.row for e in self.errors})
        super().__init__(f"{path}: {len(self.errors)} error(s) in {rows} row(s); nothing was "
                         "imported")

    def lines(self) -> list[str]:
        return [e.line(self.path) for e in self.errors]

    def csv_text(self) -> str:
        """row, column, value, message — one line per error, for a spreadsheet."""
        return errors_csv([(e.row, e.column, e.value, e.message) for e in self.errors])


def errors_csv(rows: list[tuple[int | str, str, str, str]]) -> str:
    """The --errors file: a header and one line per error. It is written on every run (no
    lines when the table imported; one line without row or column when the whole file was
    refused), so a file left by an earlier run never passes for this one's."""
    return review_csv(["row", "column", "value", "message"], rows)


#: What a spreadsheet takes for the start of a formula when a cell begins with it.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def review_csv(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    """A CSV written for people to open in a spreadsheet (errors, candidates): a text cell
    that would start a formula there ('=HYPERLINK(...)' in an imported name) gets a leading
    apostrophe, which spreadsheets show as text (OWASP's advice on CSV injection). Numbers
    are left as they are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([f"'{cell}" if isinstance(cell, str) and cell.startswith(_FORMULA)
                      else cell for cell in row] for row in rows)
    return out.getvalue()


@dataclass
class ClaimChange:
    """A claim added, changed or removed, with the cell it comes from (row, column, text)."""

    claim: str
    row: int | None
    column: str
    text: str

    def line(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.column}: {self.text}"


@dataclass(frozen=True)
class RowCandidate:
    """A person already in the graph, from another source, whom a row may denote (found by
    `kg.matching`): reported, never merged. Writing `iri` in the row's kg_iri column and
    importing again attaches the row's claims to that person."""

    row: int
    record_id: str
    name: str
    rank: int
    iri: str
    label: str
    score: float
    match: bool
    features: str

    def line(self) -> str:
        verdict = "clear match" if self.match else f"score {self.score:.0f}"
        return (f"row {self.row} ({self.record_id}, {self.name}) may be <{self.iri}> "
                f"{self.label} — {verdict}: {self.features}")


@dataclass
class ImportReport:
    """What an import did (or, dry, would do)."""

    table: str
    source: str
    sha256: str
    rows: int
    dry_run: bool = False
    activity: str | None = None
    previous: str | None = None
    added: list[ClaimChange] = field(default_factory=list)
    changed: list[ClaimChange] = field(default_factory=list)
    removed: list[ClaimChange] = field(default_factory=list)
    moved: int = 0
    restricted_rows: int = 0
    created: list[str] = field(default_factory=list)
    quads_added: int = 0
    quads_removed: int = 0
    warnings: int = 0
    #: Rows whose cells contradict each other, imported as the list gives them.
    row_warnings: list[CellError] = field(default_factory=list)
    #: People already in the graph whom rows may denote (rows with a kg_iri excepted).
    candidates: list[RowCandidate] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.changed or self.removed or self.moved)

    def text(self, limit: int = 20) -> str:
        verb = "would import" if self.dry_run else "imported"
        lines = [f"{self.table}: {verb} {self.rows} rows as source <{self.source}> "
                 f"(sha256 {self.sha256[:12]}…)",
                 f"claims: {len(self.added)} added, {len(self.changed)} changed, "
                 f"{len(self.removed)} removed"
                 + (f"; evidence of {self.moved} moved to other cells" if self.moved else "")
                 + (f"; {self.restricted_rows} restricted rows" if self.restricted_rows else "")]
        for title, items in (("added", self.added), ("changed", self.changed),
                             ("removed", self.removed)):
            for item in items[:limit]:
                lines.append(f"  {title}: {item.line()}")
            if len(items) > limit:
                lines.append(f"  … and {len(items) - limit} more {title}")
        for iri in self.created:
            lines.append(f"  new entity: <{iri}>")
        if self.candidates:
            rows = len({c.row for c in self.candidates})
            lines.append(f"{rows} rows may be people already in the graph (not merged: to "
                         "attach one, write the person's IRI in its kg_iri column and import "
                         "again):")
            lines += [f"  {c.line()}" for c in self.candidates[:limit]]
            if len(self.candidates) > limit:
                lines.append(f"  … and {len(self.candidates) - limit} more candidates "
                             "(--candidates FILE writes them all)")
        if self.row_warnings:
            lines.append(f"{len(self.row_warnings)} row(s) contradict themselves (imported as "
                         "the list gives them; check them against the list's own sources):")
            lines += [f"  row {w.row}: {w.message}" for w in self.row_warnings[:limit]]
            if len(self.row_warnings) > limit:
                lines.append(f"  … and {len(self.row_warnings) - limit} more")
        if self.warnings:
            lines.append(f"SHACL: {self.warnings} warning(s) on what changed (run kg validate)")
        if self.activity:
            previous = f", after <{self.previous}>" if self.previous else ""
            lines.append(f"import log: <{self.activity}>{previous}")
        return "\n".join(lines) + "\n"
