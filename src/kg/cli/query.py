"""Commands that read the store: `kg query` and `kg stats`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

import click
import pyoxigraph as ox

from kg import formats
from kg.cli.group import main, settings, store_option
from kg.guard import Limits, check_sparql
from kg.query.inspection import inspect
from kg.store import open_store

TABLE = "table"


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(path_type=Path, dir_okay=False,
                                                             exists=True),
              help="Read the query from a file.")
@store_option
@click.option("--format", "fmt", default=None, metavar="F",
              help=f"SELECT/ASK: {TABLE}, {', '.join(formats.names('results'))} (default "
                   f"{TABLE}). CONSTRUCT/DESCRIBE: {', '.join(formats.names('rdf'))} "
                   "(default ttl).")
@click.option("--full", is_flag=True, help="Query the full view, restricted data included.")
def query(query: str | None, query_file: Path | None, store: str | None, fmt: str | None,
          full: bool) -> None:
    """Run a SPARQL query against the store and print the results to stdout."""
    if (query is None) == (query_file is None):
        raise click.UsageError("give a QUERY or -f FILE (exactly one)")
    text = query_file.read_text(encoding="utf-8") if query_file else query
    config = settings(store=store)
    where = str(query_file) if query_file else "the query"
    check_sparql(text or "", Limits.from_config(config), where)  # before any parser
    inspect(text or "")  # SERVICE and LOAD: kg never fetches from the network
    with open_store(config) as s:
        result = s.query(text or "", view="full" if full else "public")
        out = sys.stdout.buffer
        if isinstance(result, ox.QueryBoolean | ox.QuerySolutions):
            write_results(result, fmt, out)
        else:
            target = formats.rdf(fmt or "ttl")
            triples: Any = result
            if target.has_graphs:
                triples = (ox.Quad(t.subject, t.predicate, t.object) for t in result)
            ox.serialize(triples, out, target.ox)
        out.flush()


def write_results(result: ox.QueryBoolean | ox.QuerySolutions, fmt: str | None,
                  out: IO[bytes]) -> None:
    """SELECT/ASK results as a readable table, or in a SPARQL results format."""
    if (fmt or TABLE).lower() != TABLE:
        result.serialize(out, formats.lookup(fmt or "", "results").ox)
    elif isinstance(result, ox.QueryBoolean):
        out.write(b"true\n" if bool(result) else b"false\n")
    else:
        names = [v.value for v in result.variables]
        rows = [[_cell(row[n]) for n in names] for row in result]
        widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
        lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
        out.write(("\n".join(lines) + f"\n({len(rows)} rows)\n").encode("utf-8"))


def _cell(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    return str(term).strip("<>") if isinstance(term, ox.NamedNode) else str(term)


@main.command()
@store_option
def stats(store: str | None) -> None:
    """Counts of quads, graphs and typed entities in the public view."""
    from kg.overview import GRAPH_SIZES, TYPE_COUNTS

    config = settings(store=store)
    with open_store(config) as s:
        click.echo(f"store: {config.store} ({s.kind})")
        click.echo(f"quads: {s.count()}")
        graphs = GRAPH_SIZES.get(s)
        click.echo(f"graphs: {len(graphs)}")
        for g in graphs:
            click.echo(f"  {g.quads:>10}  {g.graph}")
        click.echo("types:")
        for iri, n in TYPE_COUNTS.get(s)[:25]:
            click.echo(f"  {n:>10}  {iri}")
