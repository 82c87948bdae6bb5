"""Authored SPARQL in shapes (targets, constraints, dataset rules) made fit for Oxigraph:
`FILTER NOT EXISTS { X }` rewritten as `MINUS { X }` where both mean the same.

Why: Oxigraph 0.5 evaluates `FILTER [NOT] EXISTS` by re-running the inner pattern per
solution (measured: 1.7 s for 975 annotations, against 0.01 s as MINUS); `kg.shapes_sparql`
never generates it, and this rewrites what shape authors write.
"""

from __future__ import annotations

import re

_VAR = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


def _block(text: str, start: int) -> int:
    """Index just after the brace block opening at `start` (strings are not braced here)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    raise ValueError("unbalanced braces")


def _group_start(text: str, pos: int) -> int:
    """Index of the brace opening the group that `pos` is in."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                return i
            depth -= 1
    return 0


def _without_filters(text: str) -> str:
    out, i = [], 0
    for match in re.finditer(r"FILTER\s*\(", text):
        if match.start() < i:
            continue
        out.append(text[i:match.start()])
        depth, j = 0, match.end() - 1
        while j < len(text):
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
            if depth == 0:
                break
        i = j
    out.append(text[i:])
    return "".join(out)


def minus_rewrite(query: str) -> str:
    """`FILTER NOT EXISTS { X }` as `MINUS { X }` where both mean the same: the block ends
    its group (MINUS applies to what precedes it), X binds in its own triple patterns every
    variable it shares with the group before it (MINUS does not pass bindings in), and it
    shares at least one. Other uses are left as written."""
    pattern = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{")
    pos = 0
    while True:
        match = pattern.search(query, pos)
        if match is None:
            return query
        start = match.end() - 1
        end = _block(query, start)
        inner = query[start + 1:end - 1]
        rest = query[end:].lstrip()
        before = query[_group_start(query, match.start()):match.start()]
        shared = set(_VAR.findall(inner)) & set(_VAR.findall(_without_filters(before)))
        bound_inside = set(_VAR.findall(_without_filters(inner)))
        outer_in_filters = set(_VAR.findall(inner)) - bound_inside
        ends_group = rest.startswith("}") or pattern.match(rest) is not None
        if shared and shared <= bound_inside and not (outer_in_filters & set(
                _VAR.findall(before))) and ends_group:
            query = query[:match.start()] + "MINUS {" + inner + "}" + query[end:]
        pos = match.start() + 1
