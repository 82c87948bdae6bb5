"""A rewrite Virtuoso 7 needs: property paths with `*` whose start comes from VALUES.

Virtuoso answers `VALUES ?root { <A> <B> } ?class rdfs:subClassOf* ?root` with "transitive
start not given": it needs a constant at one end of a transitive path when it compiles the
query (a trailing VALUES, a FILTER or `^path` do not help either; measured on 7.2.5). The
same query written as a UNION with one branch per value, the value put in place of the
variable and bound with BIND, runs. Applied only after Virtuoso refused a query with that
message, to the single-variable VALUES blocks at the start of a group.
"""

from __future__ import annotations

import re

TRANSITIVE_ERROR = "transitive start not given"

_SKIP = re.compile(r"""\#[^\n]*|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|<[^<>"{}|^`\\\s]*>""")
_VALUES = re.compile(r"VALUES\s*(?:([?$]\w+)|\(\s*([?$]\w+)\s*\))\s*\{([^{}]*)\}", re.I)


def _close(text: str, start: int) -> int:
    """Index of the `}` closing the group that is open at `start`."""
    depth = 0
    i = start
    while i < len(text):
        m = _SKIP.match(text, i)
        if m:
            i = m.end()
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise ValueError("unbalanced braces")


def _terms(block: str) -> list[str]:
    return [m.group() for m in re.finditer(r'<[^>]*>|"(?:[^"\\]|\\.)*"[^\s()]*|[^\s()]+',
                                           block)]


def unroll_values(query: str) -> str | None:
    """The query with each single-variable VALUES block turned into a UNION of its values
    (None if there is none to unroll)."""
    m = _VALUES.search(query)
    if m is None:
        return None
    var, values = m.group(1) or m.group(2), _terms(m.group(3))
    end = _close(query, m.end())
    rest = query[m.end():end]
    name = re.escape(var[1:])
    branches = []
    for value in values:
        body = re.sub(rf"[?$]{name}\b", lambda _m, v=value: v, rest)
        branches.append(f"{{ BIND({value} AS {var}) {body} }}")
    unrolled = query[:m.start()] + " UNION ".join(branches) + query[end:]
    return unroll_values(unrolled) or unrolled
