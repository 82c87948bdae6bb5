"""Reading a SPARQL request before anything runs: its form, and refusal of what the public
endpoint never runs.

pyoxigraph, `oxigraph serve-read-only` and rdflib all follow `SERVICE` to any address, even
`SERVICE SILENT`, and nothing in their APIs switches that off (see
../shared/design/architecture.md). So `SERVICE` and `LOAD` are refused here, by a tokenizer
that skips strings, comments and IRIs, before a query reaches any engine.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kg.errors import KgError

#: Query forms and the update operations that may open a SPARQL request.
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_FORMS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                "WITH"}

_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n\r]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
      | (?P<pname>(?:[A-Za-z_\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?
                  :(?:[\w.\-:%\u00b7\u00c0-\uffff]|\\.)*)
      | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
      | (?P<word>[A-Za-z_][\w]*)
      | (?P<space>\s+)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


class QueryRefused(KgError, ValueError):
    """A query the public endpoint will not run; the message says why and what to do."""


@dataclass(frozen=True)
class Inspection:
    """What the tokenizer saw: the form, and whether the query names its own dataset."""

    form: str
    is_update: bool
    has_dataset: bool


@functools.lru_cache(maxsize=1024)
def inspect(text: str) -> Inspection:
    """Find the query form and refuse SERVICE/LOAD, ignoring strings, comments and IRIs.
    Cached: clients repeat their queries, and the tokenizer costs ~60 us on a short one."""
    form = None
    has_dataset = False
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "other" and match.group() == "\\":
            raise QueryRefused("escape sequences outside strings and IRIs are not accepted")
        if kind != "word":
            continue
        word = match.group().upper()
        if word == "SERVICE":
            raise QueryRefused(
                "SERVICE (federated query) is not allowed on this endpoint: it would make the "
                "server fetch from other hosts. Query the other endpoint yourself.")
        if word == "LOAD":
            raise QueryRefused("LOAD is not allowed: the server never fetches data from URLs.")
        if word in ("FROM", "USING"):
            has_dataset = True
        if form is None and (word in QUERY_FORMS or word in UPDATE_FORMS):
            form = word
    if form is None:
        return Inspection("UNKNOWN", False, has_dataset)
    return Inspection(form, form in UPDATE_FORMS, has_dataset)
