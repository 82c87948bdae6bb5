"""The `kg` command: thin click shells over the library, one module per family of commands."""

from kg.cli import data, matching, quality, query, serve
from kg.cli.group import main

__all__ = ["data", "main", "matching", "quality", "query", "serve"]
