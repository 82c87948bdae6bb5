"""One settings table for every entry point: defaults < KG_* environment < flags < tests.

`SETTINGS` is the only place a setting is declared: the `Config` class, the CLI flags that
set them (`kg.cli.options.setting_option`) and the README table are all made from it, so a
default is written once and a bad value fails the same way wherever it comes from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, make_dataclass, replace
from pathlib import Path
from typing import Any

from kg.errors import KgError

#: The checkout that holds ontology/, shapes/, data/ (src/kg/config.py -> three levels up).
PROJECT_DIR = Path(__file__).resolve().parents[2]


class SettingError(KgError, ValueError):
    """A setting has a value that cannot be used; the message names the setting and the fix."""


@dataclass(frozen=True)
class Setting:
    """One documented setting: its name, type, default, parser and help."""

    name: str
    type: type
    default: Any
    parse: Callable[[str], Any]
    help: str
    #: How the README shows the default, when the value depends on the machine.
    shown_default: str | None = None

    @property
    def env(self) -> str:
        return "KG_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _count(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"expected a whole number (0 or more), got {text!r}") from None
    if value < 0:
        raise ValueError(f"expected a whole number (0 or more), got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise ValueError(f"expected a positive number of seconds, got {text!r}")
    return value


#: Dialects of kg.store.dialects (listed here: config sits below the store package).
REMOTE_ENGINES = ("auto", "oxigraph", "virtuoso", "fuseki", "graphdb", "generic")


def _remote_engine(text: str) -> str:
    value = text.strip().lower()
    if value not in REMOTE_ENGINES:
        raise ValueError(f"expected one of {', '.join(REMOTE_ENGINES)}, got {text!r}")
    return value


def _base_iri(text: str) -> str:
    if not text.startswith(("http://", "https://")) or not text.endswith("/"):
        raise ValueError(f"expected an http(s) IRI ending in '/', such as "
                         f"https://kg.example.org/, got {text!r}")
    return text


def _text(text: str) -> str:
    return text


def _optional(text: str) -> str | None:
    return text or None


SETTINGS: tuple[Setting, ...] = (
    Setting("store", str, "var/store", _text,
            "Store location: a directory for the embedded Oxigraph store, `memory` for an "
            "in-memory store, or the URL of a SPARQL 1.1 server (e.g. `http://127.0.0.1:7878`)."),
    Setting("base_iri", str, "https://kg.example.org/", _base_iri,
            "Base under which entity IRIs are minted; the server answers `/id/...` for it."),
    Setting("host", str, "127.0.0.1", _text, "Interface `kg serve` listens on."),
    Setting("port", int, 5000, _count, "Port `kg serve` listens on."),
    Setting("workers", int, 0, _count,
            "Web server worker processes; 0 sizes them for the machine (CPU count)."),
    Setting("threads", int, 4, _count, "Threads per web server worker."),
    Setting("query_timeout", float, 30.0, _seconds,
            "Seconds a SPARQL query may run before its work is stopped and the client gets 503."),
    Setting("max_rows", int, 100_000, _count,
            "Most result rows (or triples) a query may return; more is cut and signalled."),
    Setting("max_response_bytes", int, 100_000_000, _count,
            "Most bytes a query response may hold; more is cut and signalled."),
    Setting("result_cache_bytes", int, 64 * 1024 * 1024, _count,
            "Bytes of SPARQL results each web worker caches per store version (0: no cache)."),
    Setting("graph_wait", float, 5.0, _seconds,
            "Seconds a graph-explorer request waits for the graph projection of a new store "
            "version before answering 202 (the page retries)."),
    Setting("write_enabled", bool, False, _bool,
            "Accept SPARQL Update on /sparql (also needs `write_token`)."),
    Setting("write_token", str | None, None, _optional,
            "Bearer token that SPARQL Update requests must present when writes are enabled."),
    Setting("remote_engine", str, "auto", _remote_engine,
            "Which SPARQL server a remote store is (`auto`: from its `Server` header; or "
            f"{', '.join(f'`{n}`' for n in REMOTE_ENGINES[1:])}): URL layout, load method, "
            "row caps."),
    Setting("remote_query_url", str | None, None, _optional,
            "Query endpoint of a remote store (default: the engine's, e.g. `<store URL>/query` "
            "for Oxigraph, `<store URL>/sparql` for Virtuoso)."),
    Setting("remote_update_url", str | None, None, _optional,
            "Update endpoint of a remote store (default: the engine's, e.g. "
            "`<store URL>/update`)."),
    Setting("remote_store_url", str | None, None, _optional,
            "Graph Store Protocol endpoint of a remote store (default: the engine's, e.g. "
            "`<store URL>/store`, `<store URL>/sparql-graph-crud`)."),
    Setting("remote_batch_quads", int, 100_000, _count,
            "Quads per Graph Store request when loading into a server that cannot take one "
            "large update (Virtuoso)."),
    Setting("remote_read_timeout", float, 600.0, _seconds,
            "Seconds kg waits for a remote store's answer to its own reads (warm-ups, pages, "
            "dumps); `/sparql` queries wait `query_timeout`."),
    Setting("remote_version_check", float, 0.5, _seconds,
            "Seconds between reads of the version marker a remote store holds: a write by "
            "another kg process is seen within this time."),
    Setting("max_line_bytes", int, 16 * 1024 * 1024, _count,
            "Longest line an RDF file, table or SPARQL update may have, in bytes; a longer one "
            "is refused before parsing (minified JSON-LD is one line)."),
    Setting("max_nesting", int, 100, _count,
            "Deepest nesting of brackets, blank nodes, collections, quoted triples, JSON "
            "objects or XML elements accepted in RDF and SPARQL (the parsers recurse; "
            "thousands of levels crash or stall them)."),
    Setting("max_entity_expansion", int, 10_000_000, _count,
            "Most bytes the entity references of an RDF/XML file may expand to in all "
            "(the \"billion laughs\" guard); 0 refuses any entity declaration."),
    Setting("max_unpacked_bytes", int, 20_000_000_000, _count,
            "Most bytes a compressed (.gz) input may unpack to."),
    Setting("max_unpack_ratio", int, 200, _count,
            "Highest unpacked/compressed size ratio accepted for a .gz input past its first "
            "64 MiB (RDF packs about 16:1; decompression bombs about 1000:1)."),
    Setting("max_cell_bytes", int, 1_000_000, _count,
            "Largest cell a table (CSV/TSV) to import may hold, in bytes."),
    Setting("validation_memory", int, 3 * 1024 ** 3, _count,
            "Most address space, in bytes, the validation page's SHACL run (a child process) "
            "may take; past it the run fails alone and the page says so."),
    Setting("project_dir", str, str(PROJECT_DIR), _text,
            "Directory holding `ontology/`, `shapes/` and `data/` for `kg build`.",
            shown_default="the checkout"),
    Setting("sources", str, str(PROJECT_DIR.parent / "shared" / "sources"), _text,
            "Directory of archived source texts that quotes are verified against.",
            shown_default="`../shared/sources`"),
    Setting("archive", str | None, None, _optional,
            "Directory where `kg import` archives each imported table by its SHA-256 (cell "
            "evidence is verified against it); default: `archive/` in a store directory, the "
            "store's cache directory otherwise (set it for a remote store)."),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def parse_setting(name: str, raw: str, origin: str | None = None) -> Any:
    """`raw` parsed by the setting's parser; a SettingError naming where it came from."""
    setting = BY_NAME[name]
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise SettingError(f"{origin or setting.flag}: {exc}") from None


class _ConfigBase:
    """Behaviour of the generated Config class (its fields come from SETTINGS)."""

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None,
             environ: Mapping[str, str] | None = None) -> Config:
        """Defaults, then KG_* variables, then explicit overrides (CLI flags, tests); None
        skips an override. Text overrides go through the setting's parser."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = environ.get(setting.env)
            if raw is not None:
                values[setting.name] = parse_setting(setting.name, raw, setting.env)
        for name, value in (overrides or {}).items():
            if value is None:
                continue
            if name not in BY_NAME:
                raise SettingError(f"unknown setting {name!r} (known: {', '.join(BY_NAME)})")
            if isinstance(value, str):
                value = parse_setting(name, value)
            values[name] = value
        return cls(**values)  # type: ignore[return-value]

    def replace(self, **changes: Any) -> Config:
        return replace(self, **changes)  # type: ignore[type-var]

    @property
    def worker_count(self) -> int:
        return self.workers or max(2, os.cpu_count() or 1)  # type: ignore[attr-defined]


#: Resolved settings, one field per row of SETTINGS; build with `Config.load()`.
Config = make_dataclass(
    "Config", [(s.name, s.type, field(default=s.default)) for s in SETTINGS],
    bases=(_ConfigBase,), frozen=True, namespace={"__module__": __name__})


def settings_table() -> str:
    """The Markdown table of settings that the README carries (a test keeps them in step)."""
    rows = ["| setting | environment | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = s.shown_default or f"`{s.default}`"
        rows.append(f"| {s.name} | `{s.env}` | {default} | {s.help} |")
    return "\n".join(rows)
