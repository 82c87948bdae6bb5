"""The `kg` command: thin click shells over the library, one module per family of commands
(`kg.cli.group.COMMAND_MODULES` says which; a module is imported when one of its commands
runs)."""

from kg.cli.group import main

__all__ = ["main"]
