"""The limits hostile input is held to, read from the settings table, and the refusal error."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.config import BY_NAME, Config
from kg.errors import KgError


class InputRefused(KgError, ValueError):
    """A file or request that kg will not parse; the message names it, says why and how to go
    on (usually: fix the file, or raise the named setting)."""


def refuse(where: str | Path, line: int | None, reason: str, setting: str | None = None
           ) -> InputRefused:
    """`FILE:LINE: reason — fix`, with the setting that raises the limit when there is one."""
    place = f"{where}:{line}" if line else str(where)
    fix = ""
    if setting is not None:
        fix = (f" — refused before parsing; if the input is trusted, raise the limit "
               f"(setting {setting}, {BY_NAME[setting].env})")
    return InputRefused(f"{place}: {reason}{fix}")


@dataclass(frozen=True)
class Limits:
    """What one input may cost before it reaches a parser; defaults are the settings'."""

    max_line_bytes: int = BY_NAME["max_line_bytes"].default
    max_nesting: int = BY_NAME["max_nesting"].default
    max_entity_expansion: int = BY_NAME["max_entity_expansion"].default
    max_unpacked_bytes: int = BY_NAME["max_unpacked_bytes"].default
    max_unpack_ratio: int = BY_NAME["max_unpack_ratio"].default
    max_cell_bytes: int = BY_NAME["max_cell_bytes"].default

    @classmethod
    def from_config(cls, config: Config) -> Limits:
        return cls(config.max_line_bytes, config.max_nesting,  # type: ignore[attr-defined]
                   config.max_entity_expansion, config.max_unpacked_bytes,  # type: ignore[attr-defined]
                   config.max_unpack_ratio, config.max_cell_bytes)  # type: ignore[attr-defined]

    @classmethod
    def current(cls) -> Limits:
        """Defaults and KG_* variables: for code paths that are not handed a Config."""
        return cls.from_config(Config.load())
