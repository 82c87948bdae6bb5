"""Commands that check the data: `kg validate`, `kg verify-quotes`, `kg anchor`."""

from __future__ import annotations

from pathlib import Path

import click
import pyoxigraph as ox

from kg.cli.group import EXIT_FAILURE, EXIT_USAGE, atomic_output, main, settings, store_option
from kg.config import Config
from kg.errors import KgError
from kg.store import StoreError, open_store


def _dataset(config: Config, files: bool) -> ox.Store:
    """The store's full view, or with --files the project's files staged in memory."""
    if files:
        from kg.build import load_project

        return load_project(Path(config.project_dir))
    return open_store(config).dataset()


@main.command()
@store_option
@click.option("--files", is_flag=True,
              help="Validate the project's ontology/, shapes/ and data/ files, not a store.")
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text",
              show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the report to FILE (format from --format).")
@click.pass_context
def validate(ctx: click.Context, store: str | None, files: bool, fmt: str,
             output: Path | None) -> None:
    """SHACL-validate the store (restricted data included) against the editorial rules.

    Prints one line per result (severity, focus node, path, value, message, shape). Exit
    codes: 0 conforms, 1 violations found, 2 could not validate.
    """
    from kg.validate import validate as run_validate  # pySHACL loads only here

    config = settings(store=store)
    try:
        report = run_validate(_dataset(config, files))
    except (KgError, OSError) as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(EXIT_USAGE)
    rendered = {"text": report.text, "turtle": report.to_turtle, "json": report.to_json}[fmt]()
    if output is not None:
        with atomic_output(output) as handle:
            handle.write(rendered.encode("utf-8"))
    click.echo(rendered, nl=not rendered.endswith("\n"))
    ctx.exit(0 if report.conforms else EXIT_FAILURE)


@main.command("verify-quotes")
@store_option
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False),
              help="Directory of archived source texts (default: $KG_SOURCES or "
                   "../shared/sources).")
@click.option("--files", is_flag=True,
              help="Verify the project's data files instead of a store.")
@click.pass_context
def verify_quotes_command(ctx: click.Context, store: str | None, sources: Path | None,
                          files: bool) -> None:
    """Check every quote sits at its offsets in the archived text whose SHA-256 matches.

    Reports each failure (source, annotation, what is wrong, expected and found) and exits
    1 if there is any, or if the selectors together rebuild 15 or more consecutive words of
    a source.
    """
    from kg.evidence import MAX_RUN, exposed_runs, failure_lines, quote_count, verify_quotes
    from kg.ingest.archive import archive_dir
    from kg.ingest.cells import verify_cells

    config = settings(store=store, sources=str(sources) if sources else None)
    sources_dir = Path(config.sources)
    if not sources_dir.is_dir():
        raise StoreError(f"{sources_dir}: no such directory of archived sources "
                         "(set --sources or KG_SOURCES)")
    dataset = _dataset(config, files)
    folders = [sources_dir] if files else [archive_dir(open_store(config), config.archive),
                                           sources_dir]
    cells = verify_cells(folders, dataset)  # imported tables' cells, checked in kg.ingest
    failures = verify_quotes(sources_dir, dataset) + cells.failures  # texts, then cells
    for line in failure_lines(failures):
        click.echo(line)
    quotes = quote_count(dataset) + len(cells.annotations)
    click.echo(f"{quotes - len(failures)} of {quotes} quotes verified against {sources_dir}"
               + (f" ({len(cells.annotations)} of them table cells, also against "
                  f"{folders[0]})" if cells.annotations else "") + ".", err=True)
    runs = exposed_runs(sources_dir, dataset)  # the copy limit, graph-wide
    too_long = [run for run in runs if run.too_long]
    for run in too_long:
        click.echo(str(run))
    if not too_long:
        longest = max(runs, key=lambda run: run.words, default=None)
        click.echo(f"Copy limit holds: at most {longest.words if longest else 0} consecutive "
                   f"words of any archived source can be rebuilt from the graph's selectors "
                   f"together{f' ({longest.source})' if longest else ''}; the limit is "
                   f"{MAX_RUN}.", err=True)
    ctx.exit(EXIT_FAILURE if failures or too_long else 0)


@main.command()
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False),
              help="Directory of archived source texts (default: $KG_SOURCES).")
def anchor(sources: Path | None) -> None:
    """Compute each quote's selectors (prefix, suffix, start, end) in data/ from the texts.

    Maintainers write only the exact quote; this fills in the rest, so offsets are never
    counted by hand.
    """
    from kg.evidence import AnchorError, anchor_data

    config = settings(sources=str(sources) if sources else None)
    try:
        done = anchor_data(Path(config.project_dir) / "data", Path(config.sources))
    except AnchorError as exc:
        raise StoreError(str(exc)) from None
    for path, count in done.items():
        click.echo(f"{path}: {count} quotes anchored", err=True)
