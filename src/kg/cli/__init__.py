"""The `kg` command: thin click shells over the library, one module per family of commands."""

from kg.cli import data, importing, matching, quality, query, serve
from kg.cli.group import main

__all__ = ["data", "importing", "main", "matching", "quality", "query", "serve"]
