"""The `kg` command group and what every command shares: settings from the one settings
table, the store option, error handling and exit codes, progress bars, atomic output files."""

from __future__ import annotations

import contextlib
import gzip
import importlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from kg.config import BY_NAME, Config, SettingError
from kg.errors import KgError

EXIT_FAILURE = 1
EXIT_USAGE = 2
#: The module of `kg.cli` that defines each command. Only the module of the command being
#: run is imported (all of them for `kg --help`): `kg load` need not wait for csvw, pyshacl
#: or Flask to be imported, which took half a second of every command's start.
COMMAND_MODULES = {
    "build": "data", "load": "data", "export": "data", "refresh": "data",
    "import": "importing", "import-template": "importing", "import-log": "importing",
    "match": "matching", "merge": "matching", "split": "matching",
    "validate": "quality", "verify-quotes": "quality", "anchor": "quality",
    "query": "query", "stats": "query", "serve": "serve",
}


class KgGroup(click.Group):
    """Turns every expected failure into one `Error: ...` line: exit 1 for bad input or
    data, 2 for a bad setting or option (wherever it came from). Commands are found through
    COMMAND_MODULES."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"kg.cli.{module}")  # its commands register on `main`
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingError as exc:
            if os.environ.get("KG_DEBUG"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except (KgError, OSError) as exc:
            if os.environ.get("KG_DEBUG"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_FAILURE)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was changed.", err=True)
            ctx.exit(130)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """kg: a sourced knowledge graph for human-rights documentation.

    Settings come from defaults, then KG_* environment variables, then these flags.
    """


def setting_option(name: str, *, secondary: str | None = None,
                   metavar: str | None = None) -> Callable[[Callable], Callable]:
    """A flag for one row of the settings table: its help comes from there, and its value is
    parsed there (so `--port abc` and `KG_PORT=abc` fail with the same message)."""
    setting = BY_NAME[name]
    if setting.type is bool:
        flags = f"{setting.flag}/{secondary or '--no-' + setting.flag[2:]}"
        return click.option(flags, name, default=None, help=setting.help)
    return click.option(setting.flag, name, default=None, metavar=metavar or name.upper(),
                        help=setting.help)


store_option = setting_option("store", metavar="DIR|URL|memory")


def settings(**flags: Any) -> Config:
    """The resolved settings: defaults, KG_* variables, then the flags given (None skips)."""
    return Config.load({k: v for k, v in flags.items() if v is not None})


@contextlib.contextmanager
def progress_bar(label: str, quiet: bool) -> Iterator[Callable[[int, int, str], None] | None]:
    """A click progress bar on a terminal; nothing when piped or --quiet."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int, what: str) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            bar.__enter__()
            state["bar"] = bar
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Any]:
    """A file that appears at `path` only when fully written (gzipped for .gz). It stays
    readable by its owner only, as the temporary file is made: exports with --full, import
    error lists and validation reports can hold restricted data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as raw:
            if path.suffix == ".gz":
                with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
                    yield handle
            else:
                yield raw
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
