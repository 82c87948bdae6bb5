"""Commands for "who is this?": `kg match` (candidates for a list, for review), `kg merge`
and `kg split` (identity decisions, recorded with who and why, undoable)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.group import EXIT_FAILURE, atomic_output, main, settings, store_option
from kg.ingest.mapping import TEMPLATES, locate
from kg.ingest.report import ImportErrors
from kg.ingest.table import read_table
from kg.store import open_store


@main.command("match")
@click.argument("table", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--metadata", type=click.Path(path_type=Path, dir_okay=False),
              help="CSVW metadata describing the table (default: TABLE-metadata.json beside it).")
@click.option("--template", type=click.Choice(TEMPLATES),
              help="Use a bundled mapping instead of metadata (as kg import does).")
@store_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the candidates CSV here (default: stdout).")
@click.option("--limit", default=3, show_default=True, help="Candidates per row.")
@click.option("--min-score", default=50.0, show_default=True,
              help="Leave out candidates scoring below this (0-100).")
@click.option("--full", is_flag=True,
              help="Include restricted people (never share the output publicly).")
@click.pass_context
def match_command(ctx: click.Context, table: Path, metadata: Path | None, template: str | None,
                  store: str | None, output: Path | None, limit: int, min_score: float,
                  full: bool) -> None:
    """Candidates in the graph for each row of TABLE, with scores and features, as CSV
    (row, record_id, name, rank, candidate, label, score, match, features).

    The table is read as kg import reads it. Nothing is written to the store. To attach a
    row to a person, put the candidate's IRI in the row's kg_iri column and import the
    table; rows that already have a kg_iri are left out.
    """
    # The matcher (rapidfuzz) loads only for these commands.
    from kg.matching.imports import candidates_csv, flat, table_candidates
    from kg.matching.lists import PRIOR_SHARE

    config = settings(store=store)
    mapping = locate(table, metadata, template)
    read = read_table(table, mapping)
    if read.errors:
        problem = ImportErrors(table, read.errors)
        for line in problem.lines():
            click.echo(line, err=True)
        click.echo(f"Error: {table}: {len(problem.errors)} error(s) in reading it; nothing "
                   "was matched", err=True)
        ctx.exit(EXIT_FAILURE)
    with open_store(config) as s:
        found = table_candidates(s, mapping, read.rows, view="full" if full else "public",
                                 base=config.base_iri + "id/", limit=limit,
                                 min_score=min_score,
                                 notify=lambda message: click.echo(message, err=True))
    text = candidates_csv(flat(found.rows), [(item.row, item.key, item.name)
                                             for item in found.rows if not item.candidates])
    if output is None:
        click.echo(text, nl=False)
    else:
        with atomic_output(output) as handle:
            handle.write(text.encode("utf-8"))
    with_candidates = sum(1 for item in found.rows if item.candidates)
    matched = sum(1 for item in found.rows if item.candidates and item.candidates[0].match)
    click.echo(f"{len(found.rows)} rows: {with_candidates} with candidates, {matched} clear "
               f"matches (review them; nothing was merged). To weigh chance namesakes, "
               f"{found.listed_share:.0%} of the list's people were taken to be in the graph "
               f"already (estimated from its {len(found.rows)} rows, starting from "
               f"{PRIOR_SHARE:.0%}).", err=True)


@main.command("merge")
@click.argument("keep")
@click.argument("retire")
@store_option
@click.option("--reason", required=True, help="Why these are one person (recorded).")
@click.option("--agent", help="Who decides (recorded; default: your user name).")
def merge_command(keep: str, retire: str, store: str | None, reason: str,
                  agent: str | None) -> None:
    """Merge RETIRE into KEEP: every statement naming RETIRE, in every graph, names KEEP;
    claims keep their sources; RETIRE redirects to KEEP. Undo with `kg split --undo`."""
    from kg.matching.merging import expand, merge

    config = settings(store=store)
    base = config.base_iri + "id/"
    with open_store(config) as s:
        done = merge(s, expand(keep, base), expand(retire, base), reason=reason, agent=agent,
                     base=base)
    click.echo(f"Merged: {done.moved} statements in {len(done.graphs)} graphs; recorded as "
               f"{done.iri}.", err=True)


@main.command("split")
@click.argument("person")
@store_option
@click.option("--source", "sources", multiple=True,
              help="A source whose statements are about the other person (repeatable).")
@click.option("--into", help="The other person's new IRI (default: PERSON-split-N).")
@click.option("--label", help="A name for the other person, if the sources give none.")
@click.option("--undo", "undo", metavar="MERGE", help="Undo this merge instead.")
@click.option("--reason", required=True, help="Why these are two people (recorded).")
@click.option("--agent", help="Who decides (recorded; default: your user name).")
def split_command(person: str, store: str | None, sources: tuple[str, ...], into: str | None,
                  label: str | None, undo: str | None, reason: str, agent: str | None) -> None:
    """Split PERSON: the statements of the given sources move to another IRI (or, with
    --undo MERGE, a merge is reverted; PERSON is then the kept IRI, for the record)."""
    from kg.matching.merging import expand, free_iri, split, undo_merge

    config = settings(store=store)
    base = config.base_iri + "id/"
    with open_store(config) as s:
        if undo:
            done = undo_merge(s, expand(undo, base), reason=reason, agent=agent, base=base)
        else:
            if not sources:
                raise click.UsageError("name at least one --source, or --undo a merge")
            iri = expand(person, base)
            target = expand(into, base) if into else free_iri(s, iri)
            done = split(s, iri, sources=[expand(x, base) for x in sources], into=target,
                         reason=reason, agent=agent, label=label, base=base)
    click.echo(f"Split: {done.moved} statements in {len(done.graphs)} graphs; recorded as "
               f"{done.iri}.", err=True)

