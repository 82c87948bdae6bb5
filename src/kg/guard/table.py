"""Tables to import (CSV, TSV): binary or wrongly encoded files, overlong lines and cells.

Python's csv module reads a whole line before it sees a cell, so a gigabyte cell costs a
gigabyte before `csv.field_size_limit` can refuse it. This scan counts cell lengths on the
raw bytes, quote-aware, in bounded memory.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.guard.limits import Limits, refuse
from kg.guard.stream import chunks


def check_table(path: Path, limits: Limits, *, delimiter: str = ",",
                encoding: str = "utf-8") -> None:
    """Refuse (InputRefused naming the file, line and reason) a table whose cells or lines
    pass the limits, that is binary or not in `encoding`, or that unpacks (.gz) too far.
    Call it before any CSV reader opens the file."""
    separators = re.compile(re.escape(delimiter.encode(encoding)) + rb"|\r\n|\n|\r")
    limit = limits.max_cell_bytes
    quoted = False
    cell = 0  # bytes of the cell being read, across chunks
    for chunk in chunks(path, limits, encoding=encoding, what="table"):
        offset = 0
        for index, part in enumerate(chunk.data.split(b'"')):
            if index:
                quoted = not quoted
            at = offset  # where the cell that breaks the limit (if one does) is
            if quoted:
                cell += len(part) + 1
            else:
                pieces = separators.split(part)
                cell += len(pieces[0])
                if len(pieces) > 1 and cell <= limit:
                    cell = max(map(len, pieces[1:]))
                    if cell > limit:
                        at += _long_piece(part, separators, limit)
                    cell = len(pieces[-1]) if cell <= limit else cell
            if cell > limit:
                raise refuse(path, chunk.line_at(at), f"a cell longer than {limit} bytes",
                             "max_cell_bytes")
            offset += len(part) + 1


def _long_piece(part: bytes, separators: re.Pattern[bytes], limit: int) -> int:
    """Where in `part` the first cell past `limit` starts (only on refusal)."""
    start = 0
    for match in separators.finditer(part):
        if start and match.start() - start > limit:
            return start
        start = match.end()
    return start
