"""Commands that write or dump the store: `kg build`, `kg load`, `kg export`, `kg refresh`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import formats
from kg.cli.group import atomic_output, main, progress_bar, settings, store_option
from kg.store import LoadSource, StoreError, check_graph_iri, default_graph_for, open_store


@main.command()
@store_option
@click.option("--no-validate", is_flag=True, help="Skip the SHACL gate (not recommended).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def build(store: str | None, no_validate: bool, quiet: bool) -> None:
    """Build a fresh store from ontology/, shapes/ and data/.

    The new store is SHACL-validated before it replaces the old one; on any failure the
    old store is left exactly as it was.
    """
    from kg.build import build as run_build  # SHACL (pySHACL, rdflib) only for this command

    config = settings(store=store)
    with open_store(config) as s, progress_bar("Building", quiet) as bar:
        report = run_build(s, Path(config.project_dir), validate=not no_validate, progress=bar)
    click.echo(f"Built {config.store}: {report.quads} quads in {len(report.graphs)} public "
               f"graphs, {report.restricted_quads} restricted quads.", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@store_option
@click.option("--graph", metavar="IRI",
              help="Named graph for triples without one (default: one public graph per file).")
@click.option("--format", "fmt", metavar="F",
              help=f"Input format ({', '.join(formats.names('rdf'))}); default: from the "
                   "extension.")
@click.option("--compact", is_flag=True,
              help="Reorganise the store for reading afterwards (slower load, faster pages and "
                   "queries; kg build always does it).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def load(files: tuple[Path, ...], store: str | None, graph: str | None, fmt: str | None,
         compact: bool, quiet: bool) -> None:
    """Bulk-load RDF files (N-Triples, N-Quads, Turtle, TriG, RDF/XML, JSON-LD; .gz too).

    All or nothing: on a syntax error anywhere the store is left unchanged and the file and
    line are reported.
    """
    config = settings(store=store)
    if graph is not None:
        check_graph_iri(graph)
    sources = []
    for path in files:
        if not path.is_file():
            raise StoreError(f"{path}: no such file")
        sources.append(LoadSource(path, formats.for_path(path, fmt),
                                  graph or default_graph_for(path)))
    with open_store(config) as s, progress_bar("Loading", quiet) as bar:
        report = s.load(sources, progress=bar, compact=compact)
    click.echo(f"Loaded {len(files)} file(s): {report.quads} quads now in "
               f"{len(report.graphs)} public graphs, {report.restricted_quads} restricted "
               "quads.", err=True)


@main.command()
@store_option
@click.option("--format", "fmt", default="nq", show_default=True, metavar="F",
              help=f"Output format ({', '.join(formats.names('rdf'))}); ttl, nt and rdfxml "
                   "merge the graphs.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE (gzipped if it ends in .gz) instead of stdout.")
@click.option("--full", is_flag=True, help="Include restricted data (never publish this).")
def export(store: str | None, fmt: str, output: Path | None, full: bool) -> None:
    """Export the public dataset, streamed; a file is written whole or not at all."""
    config = settings(store=store)
    info = formats.rdf(fmt)
    view = "full" if full else "public"
    with open_store(config) as s:
        if output is None:
            s.dump(sys.stdout.buffer, info, view)
            sys.stdout.buffer.flush()
            return
        with atomic_output(output) as handle:
            s.dump(handle, info, view)
    click.echo(f"Wrote {output}.", err=True)


@main.command()
@store_option
def refresh(store: str | None) -> None:
    """Tell every kg process that the data changed (after writes by other tools).

    A remote store gets a new version marker, so each `kg serve` over it drops its caches
    within `remote_version_check` seconds; an embedded store is only written by kg, so
    nothing is needed there.
    """
    config = settings(store=store)
    with open_store(config) as s:
        s.refresh()
    click.echo(f"Refreshed {config.store}.", err=True)
