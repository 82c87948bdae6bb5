"""Cell text -> RDF value: names with their language, integers, concepts, dates written in
either calendar, and existing entities found by name. A cell that fits none raises
CellProblem with what is wrong and the fix; nothing is guessed or created silently."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.ingest.lookup import EntityIndex, NotFound
from kg.ingest.mapping import ColumnSpec, match_key
from kg.namespaces import ID, KG, PREFIXES
from kg.written_dates import EXAMPLES, DateFormError, read_date

XSD = PREFIXES["xsd"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
SEM = PREFIXES["sem"]
TIME = PREFIXES["time"]
PRECISION_IRIS = {"day": TIME + "unitDay", "month": TIME + "unitMonth",
                  "year": TIME + "unitYear", "span": KG + "unitSpan"}
CALENDAR_IRIS = {"gregorian": KG + "Gregorian", "solar-hijri": KG + "SolarHijri"}
#: Words a cell may hold before it is kept as an excerpt plus the cell's hash (quotes stay
#: short phrases: no 15-word run of a source is ever rebuilt from the graph).
QUOTE_WORDS = 12
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


class CellProblem(ValueError):
    """What is wrong with a cell and how to fix it (the caller adds file, row, column)."""


@dataclass
class Value:
    """A cell's RDF value, the triples describing it (a date node), and an entity created
    for it (only where the column allows new entities)."""

    term: ox.NamedNode | ox.Literal
    triples: list[ox.Triple] = field(default_factory=list)
    created: str | None = None
    #: A date's Gregorian day bounds (for the checks across a row: kg.ingest.plausibility).
    bounds: tuple[dt.date, dt.date] | None = None


def script_language(text: str) -> str:
    """`fa` for text in Arabic script, else `en` (names in lists are Persian or Latin)."""
    return "fa" if _ARABIC.search(text) else "en"


def _name(spec: ColumnSpec, text: str) -> Value:
    if not any(c.isalpha() for c in text):
        raise CellProblem("no letters, so not a name — leave the cell empty when the name is "
                          "unknown (placeholders such as '-' or '?' would become names)")
    lang = script_language(text)
    if spec.lang == "fa" and lang != "fa":
        raise CellProblem("not in Persian script — move it to name_en or other_names")
    if spec.lang == "en" and lang == "fa":
        raise CellProblem("Persian script in a Latin-script column — move it to name_fa or "
                          "other_names")
    return Value(ox.Literal(unicodedata.normalize("NFC", text), language=spec.lang or lang))


def excerpt(text: str) -> str:
    """The text, or its first QUOTE_WORDS words and an ellipsis."""
    words = text.split()
    return text if len(words) <= QUOTE_WORDS else " ".join(words[:QUOTE_WORDS]) + " …"


def _text(spec: ColumnSpec, text: str) -> Value:
    return Value(ox.Literal(excerpt(text), language=spec.lang or script_language(text)))


def _integer(spec: ColumnSpec, text: str) -> Value:
    try:
        number = spec.read(text.strip())
    except ValueError as exc:
        datatype = spec.csvw.inherit("datatype")
        low, high = (datatype.minimum, datatype.maximum) if datatype is not None else (None,
                                                                                       None)
        bounds = (f" from {low} to {high}" if low is not None and high is not None else
                  f" of at least {low}" if low is not None else
                  f" of at most {high}" if high is not None else "")
        raise CellProblem(f"{_csvw_reason(exc)} — write a whole number{bounds}") from None
    return Value(ox.Literal(str(int(number)), datatype=ox.NamedNode(XSD + "integer")))


def _concept(spec: ColumnSpec, text: str) -> Value:
    key = text.strip()
    if spec.concepts:
        folded = spec.concept_keys
        if match_key(key) not in folded:
            raise CellProblem(f"not an allowed value — write one of {', '.join(spec.concepts)} "
                              "(or leave it empty)")
        return Value(ox.NamedNode(folded[match_key(key)]))
    allowed = spec.allowed_values()
    if allowed is not None and key not in allowed:
        # As for kg:concepts columns and access: "Executed" is executed.
        lowered = {match_key(a): a for a in allowed}
        if match_key(key) not in lowered:
            raise CellProblem(f"not an allowed value — write one of {', '.join(allowed)} "
                              "(or leave it empty)")
        key = lowered[match_key(key)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Value(ox.NamedNode(spec.value_url.expand(**{spec.name: key})))


def _date(spec: ColumnSpec, text: str, node: ox.NamedNode) -> Value:
    return date_value(text, spec.calendar, node)


def date_value(text: str, calendar: str, node: ox.NamedNode) -> Value:
    """A kg:DateValue node for a written date: Gregorian value, precision, day bounds and
    the calendar it was written in."""
    try:
        written = read_date(text, calendar)
    except DateFormError as exc:
        message = str(exc)
        if " — " not in message:
            message += f" — correct it; kg reads dates such as {EXAMPLES}"
        raise CellProblem(message) from None
    d = written.date
    if d.earliest > dt.date.today():
        raise CellProblem(f"in the future (from {d.earliest.isoformat()}) — correct the date")
    xsd = ox.NamedNode(XSD + "date")
    triples = [
        ox.Triple(node, RDF_TYPE, ox.NamedNode(KG + "DateValue")),
        ox.Triple(node, ox.NamedNode(KG + "dateValue"),
                  ox.Literal(d.lexical, datatype=ox.NamedNode(XSD + written.datatype))),
        ox.Triple(node, ox.NamedNode(KG + "precision"), ox.NamedNode(PRECISION_IRIS[d.precision])),
        ox.Triple(node, ox.NamedNode(SEM + "hasEarliestBeginTimeStamp"),
                  ox.Literal(d.earliest.isoformat(), datatype=xsd)),
        ox.Triple(node, ox.NamedNode(SEM + "hasLatestEndTimeStamp"),
                  ox.Literal(d.latest.isoformat(), datatype=xsd)),
        ox.Triple(node, ox.NamedNode(KG + "calendar"),
                  ox.NamedNode(CALENDAR_IRIS[written.calendar])),
    ]
    return Value(node, triples, bounds=(d.earliest, d.latest))


def _csvw_reason(exc: ValueError) -> str:
    """csvw's reason in the user's words ("invalid lexical value for decimal: x" is "not a
    number"; "Invalid value for integer" is "not a whole number")."""
    text = str(exc)
    if text.lower().startswith(("invalid value for decimal", "invalid lexical value")):
        return "not a number"
    if text.lower().startswith("invalid value for integer"):
        return "not a whole number"
    return text.split(":")[0]


def new_entity_iri(spec: ColumnSpec, text: str, slug: Callable[[str], str]) -> str:
    """IRI of a place a column may create: id/place/<slug of the name>."""
    return f"{ID}place/{slug(text)}"


def cell_value(spec: ColumnSpec, text: str, *, node: ox.NamedNode,
               index: EntityIndex | None, slug: Callable[[str], str]) -> Value:
    """The RDF value of one (non-empty) cell or list item of a value column."""
    if spec.kind == "name":
        return _name(spec, text)
    if spec.kind == "text":
        return _text(spec, text)
    if spec.kind == "integer":
        return _integer(spec, text)
    if spec.kind == "concept":
        return _concept(spec, text)
    if spec.kind == "date":
        return _date(spec, text, node)
    assert spec.kind == "entity" and index is not None
    what = _entity_word(spec)
    try:
        return Value(ox.NamedNode(index.match(text, what)))
    except NotFound as exc:
        if not spec.allow_new or "names " in str(exc)[:6]:
            raise CellProblem(str(exc)) from None
    iri = ox.NamedNode(new_entity_iri(spec, text, slug))
    lang = script_language(text)
    triples = [ox.Triple(iri, RDF_TYPE, ox.NamedNode(t)) for t in spec.types[:1]]
    triples.append(ox.Triple(iri, RDFS_LABEL, ox.Literal(text.strip(), language=lang)))
    return Value(iri, triples, created=iri.value)


def _entity_word(spec: ColumnSpec) -> str:
    first = spec.types[0].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return {"Prison": "prison", "Place": "place", "Organization": "organisation"}.get(
        first, first.lower())
