"""SPARQL requests parsed in this process (updates): nesting that would crash the parser.

pyoxigraph's SPARQL parser recurses: measured with 0.5.13, parentheses or groups 10,000 deep
crash the process (stack overflow), and a collection 10,000 deep in INSERT DATA takes 29 s.
"""

from __future__ import annotations

import functools

from kg.guard.limits import Limits, refuse
from kg.guard.nesting import check_depth

#: Requests up to this length have their passes memoised (a pure function of the text:
#: clients repeat their queries, and a check costs ~20 us); longer ones, such as big
#: updates, are not kept.
MEMO_LENGTH = 4096


def check_sparql(text: str, limits: Limits, where: str = "the SPARQL request") -> None:
    """Refuse a request nested deeper than `limits.max_nesting` or with an overlong line."""
    if len(text) <= MEMO_LENGTH:
        _check_memoised(text, limits, where)
    else:
        _check(text, limits, where)


def _check(text: str, limits: Limits, where: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    longest = max(map(len, data.split(b"\n")), default=0)
    if longest > limits.max_line_bytes:
        raise refuse(where, None, f"a line longer than {limits.max_line_bytes} bytes",
                     "max_line_bytes")
    check_depth(where, data, limits.max_nesting)


_check_memoised = functools.lru_cache(maxsize=1024)(_check)
