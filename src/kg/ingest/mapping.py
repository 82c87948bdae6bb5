"""The import mapping: a CSVW table description plus kg's own column properties (`kg:*`),
found the way CSVW says, given with --metadata, or taken from a bundled template.

CSVW (https://www.w3.org/TR/tabular-metadata/) declares what it can: column names,
datatypes and their formats (enumerations are `format` regexes), `required`, `null`,
`separator`, `lang`, `aboutUrl`/`valueUrl` URI templates and the `dialect` (encoding,
delimiter). The `csvw` package parses and type-checks those. What CSVW cannot say lives in
namespaced common properties: which claim a column becomes (`kg:property`, `kg:value`), the
calendar of bare dates (`kg:calendar`), which kinds of entity a name may match
(`kg:types`), whether unknown places may be created (`kg:allowNew`), columns of which at
least one must be filled (`kg:requireOneOf`), and the source's title, publisher and date
(`dc:title`, `dc:publisher`, `dc:issued`).
"""

from __future__ import annotations

import codecs
import json
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import csvw
from csvw.dsv_dialects import ENCODING_MAP

from kg.errors import KgError
from kg.names import fold
from kg.namespaces import ID, PREFIXES
from kg.written_dates import AUTO, CALENDARS

#: What a column's cells become (`kg:value`), or its role in the row (`kg:role`).
VALUE_KINDS = ("name", "text", "integer", "concept", "date", "entity")
ROLES = ("id", "kg_iri", "access")
TEMPLATES = ("victims",)
_CSVW_PREFIXES = {"dc": "http://purl.org/dc/terms/", "org": "http://www.w3.org/ns/org#",
                  "csvw": "http://www.w3.org/ns/csvw#"}


class MappingError(KgError):
    """The table's metadata cannot be used; the message names the file and the fix."""


@dataclass(frozen=True)
class ColumnSpec:
    """One declared column: its CSVW description and what kg makes of its cells."""

    name: str
    csvw: csvw.Column
    role: str | None = None
    kind: str | None = None
    property: str | None = None
    lang: str | None = None
    calendar: str = AUTO
    types: tuple[str, ...] = ()
    allow_new: bool = False
    concepts: dict[str, str] = field(default_factory=dict)
    value_url: Any = None
    separator: str | None = None

    def read(self, text: str) -> Any:
        """The cell through CSVW's datatype, `required`, `null` and `separator` rules;
        raises ValueError with csvw's reason."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.csvw.read(text)

    @cached_property
    def concept_keys(self) -> dict[str, str]:
        """kg:concepts by their match keys (made once, not for every cell)."""
        return {match_key(k): v for k, v in self.concepts.items()}

    def allowed_values(self) -> list[str] | None:
        """The values of an enumeration declared as a `format` of alternatives."""
        datatype = self.csvw.inherit("datatype")
        fmt = datatype.format if datatype is not None else None
        if isinstance(fmt, str) and all(part.replace("-", "").isalnum()
                                        for part in fmt.split("|")):
            return fmt.split("|")
        return None


@dataclass(frozen=True)
class Mapping:
    """A table's mapping: columns by name, the identity template and the source's details."""

    origin: str
    table: csvw.Table
    columns: dict[str, ColumnSpec]
    require_one_of: tuple[tuple[str, ...], ...]
    about_url: Any
    properties: dict[str, Any]

    @property
    def dialect(self) -> Any:
        """The metadata's dialect, or CSVW's default one when it declares none (UTF-8, comma,
        a header line), as the CSVW spec says."""
        return self.table.dialect or csvw.Dialect()

    def column(self, role: str) -> str | None:
        """The name of the column with this kg role (id, kg_iri, access), if there is one."""
        return next((c.name for c in self.columns.values() if c.role == role), None)

    def id_column(self) -> str:
        """The record id column's name (every mapping has one: `parse` checks)."""
        name = self.column("id")
        assert name is not None
        return name

    def source_detail(self, key: str) -> str | None:
        """dc:title, dc:publisher or dc:issued from the metadata, as text."""
        for name in (f"dc:{key}", f"dcterms:{key}", f"http://purl.org/dc/terms/{key}"):
            value = self.properties.get(name)
            if isinstance(value, dict):
                value = value.get("@value") or value.get("schema:name") or value.get("name")
            if value:
                return str(value)
        return None


def expand(name: str, origin: str) -> str:
    """A prefixed name (kg's prefixes, and CSVW's dc/org) or an absolute IRI."""
    if name.startswith(("http://", "https://")):
        return name
    prefix, _, local = name.partition(":")
    namespace = PREFIXES.get(prefix) or _CSVW_PREFIXES.get(prefix)
    if not namespace or not local:
        raise MappingError(f"{origin}: {name!r} is neither an IRI nor a prefixed name with a "
                           f"known prefix ({', '.join(PREFIXES)})")
    return namespace + local


def _column(col: csvw.Column, origin: str) -> ColumnSpec:
    props = dict(col.common_props)
    where = f"{origin}: column {col.name!r}"
    role, kind = props.get("kg:role"), props.get("kg:value")
    if role is not None and role not in ROLES:
        raise MappingError(f"{where}: kg:role {role!r} is not one of {', '.join(ROLES)}")
    if kind is not None and kind not in VALUE_KINDS:
        raise MappingError(f"{where}: kg:value {kind!r} is not one of {', '.join(VALUE_KINDS)}")
    if col.suppressOutput:  # CSVW: read, but none of it output (a kg:role still applies)
        kind = None
    if role is None and kind is None:
        if col.suppressOutput:
            return ColumnSpec(name=col.name, csvw=col)
        raise MappingError(f"{where}: say what its cells become (kg:property and kg:value), "
                           "its role (kg:role), or that it is left out (\"suppressOutput\": "
                           "true)")
    prop = props.get("kg:property")
    if kind is not None and not prop:
        raise MappingError(f"{where}: kg:value needs kg:property (the property it gives)")
    calendar = props.get("kg:calendar", AUTO)
    if calendar not in CALENDARS:
        raise MappingError(f"{where}: kg:calendar {calendar!r} is not one of "
                           f"{', '.join(CALENDARS)}")
    concepts = {k: expand(v, where) for k, v in (props.get("kg:concepts") or {}).items()}
    if kind == "concept" and not concepts and col.valueUrl is None:
        raise MappingError(f"{where}: a concept column needs kg:concepts or a valueUrl")
    if kind == "entity" and not props.get("kg:types"):
        raise MappingError(f"{where}: an entity column needs kg:types (the classes it may "
                           "match, e.g. [\"schema:Place\"])")
    lang = col.inherit("lang")
    return ColumnSpec(
        name=col.name, csvw=col, role=role, kind=kind,
        property=expand(prop, where) if prop else None,
        lang=None if lang in (None, "und") else str(lang), calendar=calendar,
        types=tuple(expand(t, where) for t in props.get("kg:types") or ()),
        allow_new=bool(props.get("kg:allowNew", False)), concepts=concepts,
        value_url=col.valueUrl, separator=col.inherit("separator"))


def match_key(text: str) -> str:
    """A header cell or an enumerated value as it is matched against the mapping's: case,
    spaces, hyphens, underscores, ZWNJ and Persian letter variants do not count ("Date of
    death" is date_of_death, "Presumed executed" is presumed-executed), folded as search
    folds names."""
    return re.sub(r"[\s\-_\u200c]+", "_", fold(text).strip()).strip("_")


#: Dialect settings the importer reads as CSVW's defaults only: cell evidence is re-read from
#: the archived table with just its encoding and delimiter, and rows are counted from a
#: single header line (RFC 7111).
_DIALECT_DEFAULTS = {"header": True, "headerRowCount": 1, "skipRows": 0, "skipColumns": 0,
                     "commentPrefix": None, "quoteChar": '"', "doubleQuote": True,
                     "skipInitialSpace": False}


def _check_dialect(dialect: Any, origin: str) -> None:
    """Refuse a dialect the importer would misread: csvw replaces an unknown encoding with
    UTF-8 and keeps a delimiter of several characters, both silently."""
    if dialect is None:
        return
    if not isinstance(dialect, dict):
        raise MappingError(f"{origin}: \"dialect\" is a JSON object (e.g. {{\"encoding\": "
                           "\"utf-8\", \"delimiter\": \",\"}})")
    encoding = dialect.get("encoding", "utf-8")
    try:
        codecs.lookup(ENCODING_MAP.get(encoding, encoding))
    except (LookupError, TypeError):
        raise MappingError(f"{origin}: dialect encoding {encoding!r} is not an encoding kg "
                           "knows — write one such as utf-8, windows-1256 or utf-16") from None
    delimiter = dialect.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '\r\n"':
        raise MappingError(f"{origin}: dialect delimiter {delimiter!r} is not one character — "
                           "write one such as \",\", \";\" or \"\\t\"")
    for key, default in _DIALECT_DEFAULTS.items():
        if key in dialect and dialect[key] != default:
            raise MappingError(f"{origin}: dialect {key} {json.dumps(dialect[key])} is not "
                               f"supported by kg import — remove it (the default is "
                               f"{json.dumps(default)}) and export "
                               "the table with one header line and double quotes")


def parse(metadata: dict[str, Any], origin: str) -> Mapping:
    """A mapping from parsed CSVW metadata (a table description)."""
    if "tables" in metadata:
        tables = metadata["tables"]
        if len(tables) != 1:
            raise MappingError(f"{origin}: describe one table per import (found {len(tables)})")
        metadata = {**{k: v for k, v in metadata.items() if k != "tables"}, **tables[0]}
    metadata.setdefault("url", "table.csv")
    _check_dialect(metadata.get("dialect"), origin)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = csvw.Table.fromvalue(metadata)
    except (ValueError, TypeError, KeyError) as exc:
        raise MappingError(f"{origin}: not a usable CSVW table description ({exc})") from None
    columns = {}
    for col in table.tableSchema.columns:
        if col.virtual:
            continue
        if not col.name:
            raise MappingError(f"{origin}: every column needs a name")
        columns[col.name] = _column(col, origin)
    ids = [c for c in columns.values() if c.role == "id"]
    if len(ids) != 1:
        raise MappingError(f"{origin}: exactly one column needs \"kg:role\": \"id\" (the record "
                           f"id, stable within the list); found {len(ids)}")
    groups = tuple(tuple(g) for g in table.common_props.get("kg:requireOneOf", []))
    for group in groups:
        unknown = [c for c in group if c not in columns]
        if unknown:
            raise MappingError(f"{origin}: kg:requireOneOf names unknown columns {unknown}")
    about = table.tableSchema.aboutUrl
    if about is None:
        about = csvw.metadata.URITemplate("person/{_table}-{" + ids[0].name + "}")
    return Mapping(origin, table, columns, groups, about, dict(table.common_props))


def template_text(name: str) -> str:
    """The bundled template's metadata, as a file to start from."""
    if name not in TEMPLATES:
        raise MappingError(f"no template {name!r}; bundled templates: {', '.join(TEMPLATES)}")
    return resources.files("kg.ingest").joinpath(f"templates/{name}.csv-metadata.json") \
        .read_text(encoding="utf-8")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise MappingError(f"{path}: cannot read the metadata ({exc.strerror})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise MappingError(f"{path}: CSVW metadata is a JSON object")
    return data


def locate(table: Path, metadata: Path | None, template: str | None) -> Mapping:
    """--metadata, else --template, else `TABLE-metadata.json` or `csv-metadata.json` beside
    the table (CSVW's default locations, https://www.w3.org/TR/tabular-data-model/#locating-metadata)."""
    if metadata is not None and template is not None:
        raise MappingError("give --metadata or --template, not both")
    if metadata is not None:
        return parse(_read_json(metadata), str(metadata))
    if template is not None:
        return parse(json.loads(template_text(template)), f"template {template}")
    for candidate in (table.with_name(table.name + "-metadata.json"),
                      table.with_name("csv-metadata.json")):
        if candidate.is_file():
            return parse(_read_json(candidate), str(candidate))
    raise MappingError(
        f"{table}: no metadata says what its columns mean — use --template victims, or write "
        f"{table.name}-metadata.json beside it (start from `kg import-template victims`)")


def about_iri(mapping: Mapping, variables: dict[str, str]) -> str:
    """The row's entity IRI from the aboutUrl template, relative to the id/ base."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expanded = mapping.about_url.expand(**variables)
    return expanded if expanded.startswith(("http://", "https://")) else ID + expanded
