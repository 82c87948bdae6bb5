"""ontology/ + shapes/ + data/ -> a fresh store, SHACL-validated before it replaces the old one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.config import PROJECT_DIR
from kg.formats import FormatError, for_path, formats
from kg.namespaces import ONTOLOGY_GRAPH, SHAPES_GRAPH
from kg.store import (
    LoadReport,
    LoadSource,
    MemoryStore,
    Partitions,
    Store,
    StoreError,
    default_graph_for,
)
from kg.store.base import Progress
from kg.validate import validate

DATA_EXTENSIONS = {ext for f in formats("rdf") for ext in f.extensions
                   if ext not in {".json", ".xml"}}


class BuildError(StoreError):
    """The bundled files do not make a valid graph; the old store was left as it was."""


def _files(directory: Path, patterns: Iterable[str]) -> list[Path]:
    found: set[Path] = set()
    for pattern in patterns:
        found.update(p for p in directory.glob(pattern) if p.is_file())
    return sorted(found)


def bundled_sources(project_dir: Path) -> list[LoadSource]:
    """Every file `kg build` reads, with the graph its triples belong to."""
    sources: list[LoadSource] = []
    for sub, graph in (("ontology", ONTOLOGY_GRAPH), ("shapes", SHAPES_GRAPH)):
        for path in _files(project_dir / sub, ["**/*.ttl"]):
            sources.append(LoadSource(path, for_path(path), graph))
    data = project_dir / "data"
    for path in _files(data, ["**/*"]):
        name = path.name.lower().removesuffix(".gz")
        if not any(name.endswith(ext) for ext in DATA_EXTENSIONS):
            continue
        try:
            fmt = for_path(path)
        except FormatError:
            continue
        sources.append(LoadSource(path, fmt, default_graph_for(path)))
    if not sources:
        raise BuildError(f"{project_dir}: no ontology/, shapes/ or data/ files to build from")
    return sources


def shacl_gate(dataset: Partitions) -> None:
    """Refuse a dataset with SHACL violations (warnings and infos pass)."""
    report = validate(dataset.full)
    if not report.conforms:
        raise BuildError(
            f"SHACL validation failed with {len(report.violations)} violation(s); "
            "nothing was replaced. Run `kg validate` on the files for the full report. First: "
            + report.violations[0].line()
        )


def build(store: Store, project_dir: Path, *, validate: bool = True,
          progress: Progress | None = None,
          extra: Sequence[LoadSource] = ()) -> LoadReport:
    """Build a fresh dataset from the project's files; the old one stays on any failure."""
    sources = bundled_sources(project_dir) + list(extra)
    return store.load(sources, replace=True, check=shacl_gate if validate else None,
                      progress=progress, compact=True)


def load_project(root: Path = PROJECT_DIR) -> ox.Store:
    """The project's ontology, shapes and data as `kg build` reads them, in a scratch store."""
    staged = MemoryStore()
    staged.load(bundled_sources(root))
    return staged.dataset()
