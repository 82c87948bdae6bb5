"""One settings object for every entry point: defaults < KG_* environment < flags < tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

#: The checkout that holds ontology/, shapes/, data/ (src/kg/config.py -> three levels up).
PROJECT_DIR = Path(__file__).resolve().parents[2]


class SettingError(ValueError):
    """A setting has a value that cannot be used; the message names the setting."""


@dataclass(frozen=True)
class Setting:
    """One documented setting: its name, default, parser and help (the README table is checked)."""

    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str

    @property
    def env(self) -> str:
        return "KG_" + self.name.upper()


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {text!r}")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(f"expected a non-negative integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise ValueError(f"expected a positive number, got {text!r}")
    return value


def _iri(text: str) -> str:
    if not text.startswith(("http://", "https://")) or not text.endswith("/"):
        raise ValueError(f"expected an http(s) IRI ending in '/', got {text!r}")
    return text


def _optional(text: str) -> str | None:
    return text or None


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "var/store", str,
            "Store location: a directory for the embedded Oxigraph store, `memory` for an "
            "in-memory store, or the URL of a SPARQL 1.1 server (e.g. `http://127.0.0.1:7878`)."),
    Setting("base_iri", "https://kg.example.org/", _iri,
            "Base under which entity IRIs are minted; the server answers `/id/...` for it."),
    Setting("host", "127.0.0.1", str, "Interface `kg serve` listens on."),
    Setting("port", 5000, _positive_int, "Port `kg serve` listens on."),
    Setting("workers", 0, _positive_int,
            "Web server worker processes; 0 sizes them for the machine (CPU count)."),
    Setting("threads", 4, _positive_int, "Threads per web server worker."),
    Setting("query_timeout", 30.0, _positive_float,
            "Seconds a SPARQL query may run before its work is stopped and the client gets 503."),
    Setting("max_rows", 100_000, _positive_int,
            "Most result rows (or triples) a query may return; more is cut and signalled."),
    Setting("max_response_bytes", 100_000_000, _positive_int,
            "Most bytes a query response may hold; more is cut and signalled."),
    Setting("result_cache_bytes", 64 * 1024 * 1024, _positive_int,
            "Bytes of SPARQL results each web worker caches per store version (0: no cache)."),
    Setting("write_enabled", False, _bool,
            "Accept SPARQL Update on /sparql (also needs `write_token`)."),
    Setting("write_token", None, _optional,
            "Bearer token that SPARQL Update requests must present when writes are enabled."),
    Setting("remote_query_url", None, _optional,
            "Query endpoint of a remote store (default: `<store URL>/query`, Oxigraph's layout)."),
    Setting("remote_update_url", None, _optional,
            "Update endpoint of a remote store (default: `<store URL>/update`)."),
    Setting("remote_store_url", None, _optional,
            "Graph Store Protocol endpoint of a remote store (default: `<store URL>/store`)."),
    Setting("project_dir", str(PROJECT_DIR), str,
            "Directory holding `ontology/`, `shapes/` and `data/` for `kg build`."),
    Setting("sources", str(PROJECT_DIR.parent / "shared" / "sources"), str,
            "Directory of archived source texts that quotes are verified against."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    """Resolved settings; build with `Config.load()`."""

    store: str = "var/store"
    base_iri: str = "https://kg.example.org/"
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 0
    threads: int = 4
    query_timeout: float = 30.0
    max_rows: int = 100_000
    max_response_bytes: int = 100_000_000
    result_cache_bytes: int = 64 * 1024 * 1024
    write_enabled: bool = False
    write_token: str | None = None
    remote_query_url: str | None = None
    remote_update_url: str | None = None
    remote_store_url: str | None = None
    project_dir: str = str(PROJECT_DIR)
    sources: str = str(PROJECT_DIR.parent / "shared" / "sources")
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(
        cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> Config:
        """Defaults, then KG_* variables, then explicit overrides (CLI flags, tests); None skips."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = environ.get(setting.env)
            if raw is not None:
                try:
                    values[setting.name] = setting.parse(raw)
                except ValueError as exc:
                    raise SettingError(f"{setting.env}: {exc}") from None
        for name, value in (overrides or {}).items():
            if value is None:
                continue
            if name not in _BY_NAME:
                raise SettingError(f"unknown setting {name!r}")
            if isinstance(value, str) and _BY_NAME[name].parse is not str:
                try:
                    value = _BY_NAME[name].parse(value)
                except ValueError as exc:
                    raise SettingError(f"--{name.replace('_', '-')}: {exc}") from None
            values[name] = value
        return cls(**values)

    def replace(self, **changes: Any) -> Config:
        return replace(self, **changes)

    @property
    def worker_count(self) -> int:
        return self.workers or max(2, os.cpu_count() or 1)


def settings_table() -> str:
    """The Markdown table of settings that the README carries (a test keeps them in step)."""
    rows = ["| setting | environment | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = s.default
        if s.name in {"project_dir", "sources"}:
            default = "the checkout" if s.name == "project_dir" else "`../shared/sources`"
        else:
            default = f"`{default}`"
        rows.append(f"| {s.name} | `{s.env}` | {default} | {s.help} |")
    return "\n".join(rows)


assert [f.name for f in fields(Config) if f.name != "extra"] == [s.name for s in SETTINGS]
