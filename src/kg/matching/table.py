"""Rows of a list for `kg match`: column -> cell text, numbered as the file numbers them.

STOPGAP, to be replaced by the importer's table reader (issue 11, `kg.ingest`) when it
lands: it will read encodings, dialects and CSVW metadata and report cell errors; the
matcher needs only this interface — (row number, {column: text}) — so swapping the reader
changes nothing else.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kg.errors import KgError

TEMPLATES = {"victims"}


class TableError(KgError):
    """The table cannot be read as the template says."""


def read_rows(path: Path, template: str = "victims") -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as RFC 7111 counts it, the header being row 1; cells by column name)."""
    if template not in TEMPLATES:
        raise TableError(f"--template {template}: unknown — use one of {sorted(TEMPLATES)}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not ({"name_en", "name_fa"} & set(reader.fieldnames)):
                raise TableError(f"{path}:1: no name_en or name_fa column — the victims "
                                 "template needs at least one name column")
            for number, row in enumerate(reader, start=2):
                yield number, {k: (v or "").strip() for k, v in row.items() if k}
    except UnicodeDecodeError as exc:
        raise TableError(f"{path}: not UTF-8 ({exc.reason}) — save the file as UTF-8") from exc
