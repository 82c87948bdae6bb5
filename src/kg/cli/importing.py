"""Commands that bring records in: `kg import`, `kg import-template`, `kg import-log`."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.group import EXIT_FAILURE, atomic_output, main, setting_option, settings, store_option
from kg.errors import KgError
from kg.ingest.mapping import TEMPLATES, template_text
from kg.ingest.provlog import import_log
from kg.ingest.report import ImportErrors, errors_csv
from kg.ingest.rows import slug, source_iri
from kg.ingest.run import ImportRequest, run_import
from kg.matching.imports import candidates_csv
from kg.store import open_store


@main.command("import")
@click.argument("table", type=click.Path(path_type=Path, dir_okay=False))
@store_option
@click.option("--metadata", type=click.Path(path_type=Path, dir_okay=False),
              help="CSVW metadata describing the table (default: TABLE-metadata.json beside it).")
@click.option("--template", type=click.Choice(TEMPLATES),
              help="Use a bundled mapping instead of metadata (see kg import-template).")
@click.option("--title", help="Title of the list (else dc:title in the metadata).")
@click.option("--publisher", help="Who published the list: the claimant of every claim.")
@click.option("--published", metavar="DATE", help="When it was published (e.g. 2024-05-01).")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option("--errors", "errors_out", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the errors as CSV (row, column, value, message).")
@click.option("--agent", help="Who runs the import, for the import log (default: OS user).")
@click.option("--candidates", "candidates_out", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the people already in the graph whom rows may be, as CSV.")
@click.option("--name", metavar="NAME",
              help="The list's name in kg, which its IRIs are made from (default: kg:slug in "
                   "the metadata, else the file name); give a list's name to import a renamed "
                   "file as its new version.")
@click.option("--skip-matching", is_flag=True,
              help="Do not look for rows' people in the graph (faster on a large graph).")
@setting_option("archive", metavar="DIR")
@click.pass_context
def import_table(ctx: click.Context, table: Path, store: str | None, metadata: Path | None,
                 template: str | None, title: str | None, publisher: str | None,
                 published: str | None, dry_run: bool, errors_out: Path | None,
                 agent: str | None, candidates_out: Path | None, name: str | None,
                 skip_matching: bool, archive: str | None) -> None:
    """Import a table (a victim list as CSV) as claims of a source, each evidenced by its cell.

    Every bad cell is reported as FILE:ROW:COLUMN (rows as RFC 7111 counts them: the header
    is row 1) and nothing is written; importing the same file again changes nothing. Rows
    that may be people already in the graph (from other sources) are reported, never merged:
    write the person's IRI in a row's kg_iri column and import again to attach it.
    """
    config = settings(store=store, archive=archive)
    request = ImportRequest(table, metadata, template, title, publisher, published, dry_run,
                            agent, config.archive, not skip_matching,
                            notify=lambda message: click.echo(
                                f"{message}; --skip-matching leaves matching out", err=True),
                            name=name)
    errors: str | None = None  # written on every run: an earlier run's file never lingers
    with open_store(config) as s:
        try:
            report = run_import(s, request)
        except ImportErrors as exc:
            errors = exc.csv_text()
            for line in exc.lines():
                click.echo(line, err=True)
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_FAILURE)
        except (KgError, OSError) as exc:
            errors = errors_csv([("", "", "", str(exc))])
            raise
        else:
            errors = errors_csv([])
        finally:
            if errors_out is not None and errors is not None:
                with atomic_output(errors_out) as handle:
                    handle.write(errors.encode("utf-8"))
    if candidates_out is not None:
        with atomic_output(candidates_out) as handle:
            handle.write(candidates_csv(report.candidates).encode("utf-8"))
    click.echo(report.text(), nl=False)


@main.command("import-template")
@click.argument("name", type=click.Choice(TEMPLATES), default="victims")
def import_template(name: str) -> None:
    """Print a bundled template's CSVW metadata, to copy beside a table and adapt."""
    click.echo(template_text(name), nl=False)


@main.command("import-log")
@click.argument("table")
@store_option
def import_log_command(table: str, store: str | None) -> None:
    """List the import runs of a table (by file name or source IRI), newest first."""
    source = table if table.startswith(("http://", "https://")) else \
        source_iri(slug(Path(table).stem))
    with open_store(settings(store=store)) as s:
        runs = import_log(s, source)
    if not runs:
        click.echo(f"no imports of <{source}>", err=True)
        return
    for run in runs:
        previous = f" after {run.previous}" if run.previous else ""
        click.echo(f"{run.started} {run.iri} by {run.agent}: +{run.added} ~{run.changed} "
                   f"-{run.removed} sha256 {run.sha256[:12]}{previous}")
