"""Checks that hostile input passes before any parser sees it: every place RDF, tables or
SPARQL updates enter kg calls one of these and gets `InputRefused` (a KgError naming the file
or request, the line and the reason) or nothing.

- `check_rdf(path, fmt, limits)`: `kg load`, `kg build`, remote loads (through
  `kg.store.loading.bulk_load_files`);
- `check_table(path, limits, delimiter=..., encoding=...)`: tables before import;
- `check_sparql(text, limits)`: SPARQL Update (and queries) before they are parsed here.

`Limits` comes from the settings table (`Limits.from_config(config)`, or `Limits.current()`
for defaults and KG_* variables).
"""

from kg.guard.limits import InputRefused, Limits
from kg.guard.rdf import check_rdf
from kg.guard.sparql import check_sparql
from kg.guard.table import check_table

__all__ = ["InputRefused", "Limits", "check_rdf", "check_sparql", "check_table"]
