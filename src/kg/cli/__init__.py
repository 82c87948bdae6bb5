"""The `kg` command: thin click shells over the library, one module per family of commands."""

from kg.cli import data, importing, quality, query, serve
from kg.cli.group import main

__all__ = ["data", "importing", "main", "quality", "query", "serve"]
