"""The `kg` command: thin click shells over the library (kg.store, kg.build, kg.validate ...)."""

from __future__ import annotations

import contextlib
import gzip
import os
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox

from kg.config import Config, SettingError
from kg.query_runner import RESULT_FORMATS
from kg.rdf_formats import FormatError, by_name, for_path, format_names
from kg.store import (
    LoadSource,
    Store,
    StoreError,
    check_graph_iri,
    default_graph_for,
    open_store,
)

EXIT_FAILURE = 1
EXIT_ERROR = 2


class KgGroup(click.Group):
    """Turns every expected failure into one `Error: ...` line and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (StoreError, SettingError, FormatError, OSError) as exc:
            if os.environ.get("KG_DEBUG"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_FAILURE)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was changed.", err=True)
            ctx.exit(130)


def store_option(f: Callable) -> Callable:
    return click.option(
        "--store", "store", metavar="DIR|URL|memory",
        help="Store location (default: $KG_STORE or var/store).")(f)


def _config(ctx: click.Context, **overrides: Any) -> Config:
    base: Config = ctx.obj
    merged = {k: v for k, v in overrides.items() if v is not None}
    return Config.load(merged) if merged or base is None else base


def _progress(label: str, quiet: bool) -> Iterator[Callable[[int, int, str], None] | None]:
    """A click progress bar on a terminal; nothing when piped or --quiet."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int, what: str) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            bar.__enter__()
            state["bar"] = bar
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


progress_bar = contextlib.contextmanager(_progress)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
@click.pass_context
def main(ctx: click.Context) -> None:
    """kg: a sourced knowledge graph for human-rights documentation.

    Settings come from defaults, then KG_* environment variables, then these flags.
    """
    try:
        ctx.obj = Config.load()
    except SettingError as exc:
        raise click.UsageError(str(exc)) from None


@main.command()
@store_option
@click.option("--no-validate", is_flag=True, help="Skip the SHACL gate (not recommended).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def build(ctx: click.Context, store: str | None, no_validate: bool, quiet: bool) -> None:
    """Build a fresh store from ontology/, shapes/ and data/.

    The new store is SHACL-validated before it replaces the old one; on any failure the
    old store is left exactly as it was.
    """
    from kg.build import build as run_build

    config = _config(ctx, store=store)
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
              help=f"Input format ({', '.join(format_names())}); default: from the extension.")
@click.option("--compact", is_flag=True,
              help="Reorganise the store for reading afterwards (slower load, faster pages and "
                   "queries; kg build always does it).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def load(ctx: click.Context, files: tuple[Path, ...], store: str | None, graph: str | None,
         fmt: str | None, compact: bool, quiet: bool) -> None:
    """Bulk-load RDF files (N-Triples, N-Quads, Turtle, TriG, RDF/XML, JSON-LD; .gz too).

    All or nothing: on a syntax error anywhere the store is left unchanged and the file and
    line are reported.
    """
    config = _config(ctx, store=store)
    if graph is not None:
        check_graph_iri(graph)
    sources = []
    for path in files:
        if not path.is_file():
            raise StoreError(f"{path}: no such file")
        sources.append(LoadSource(path, for_path(path, fmt), graph or default_graph_for(path)))
    with open_store(config) as s, progress_bar("Loading", quiet) as bar:
        report = s.load(sources, progress=bar, compact=compact)
    click.echo(f"Loaded {len(files)} file(s): {report.quads} quads now in "
               f"{len(report.graphs)} public graphs, {report.restricted_quads} restricted "
               "quads.", err=True)


QUERY_FORMATS = {"table": None, **RESULT_FORMATS}


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(path_type=Path, dir_okay=False,
                                                             exists=True),
              help="Read the query from a file.")
@store_option
@click.option("--format", "fmt", default=None, metavar="F",
              help="SELECT/ASK: table, json, xml, csv, tsv (default table). "
                   f"CONSTRUCT/DESCRIBE: {', '.join(format_names())} (default ttl).")
@click.option("--full", is_flag=True, help="Query the full view, restricted data included.")
@click.pass_context
def query(ctx: click.Context, query: str | None, query_file: Path | None, store: str | None,
          fmt: str | None, full: bool) -> None:
    """Run a SPARQL query against the store and print the results to stdout."""
    if (query is None) == (query_file is None):
        raise click.UsageError("give a QUERY or -f FILE (exactly one)")
    text = query_file.read_text(encoding="utf-8") if query_file else query
    config = _config(ctx, store=store)
    with open_store(config) as s:
        result = s.query(text, view="full" if full else "public")
        out = sys.stdout.buffer
        if isinstance(result, ox.QueryBoolean):
            _write_boolean(result, fmt, out)
        elif isinstance(result, ox.QuerySolutions):
            _write_solutions(result, fmt, out)
        else:
            info = by_name(fmt or "ttl")
            ox.serialize(result, out, info.ox) if not info.has_graphs else ox.serialize(
                (ox.Quad(t.subject, t.predicate, t.object) for t in result), out, info.ox)
        out.flush()


def _check_query_format(fmt: str | None) -> str:
    fmt = (fmt or "table").lower()
    if fmt not in QUERY_FORMATS:
        raise FormatError(f"unknown result format {fmt!r} (known: {', '.join(QUERY_FORMATS)})")
    return fmt


def _write_boolean(result: ox.QueryBoolean, fmt: str | None, out) -> None:
    fmt = _check_query_format(fmt)
    if fmt == "table":
        out.write(b"true\n" if bool(result) else b"false\n")
    else:
        result.serialize(out, QUERY_FORMATS[fmt])


def _write_solutions(result: ox.QuerySolutions, fmt: str | None, out) -> None:
    fmt = _check_query_format(fmt)
    if fmt != "table":
        result.serialize(out, QUERY_FORMATS[fmt])
        return
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
@click.option("--format", "fmt", default="nq", show_default=True,
              type=click.Choice(["nq", "trig", "ttl", "nt", "jsonld", "xml"]),
              help="Output format (ttl/nt/xml merge the graphs).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE (gzipped if it ends in .gz) instead of stdout.")
@click.option("--full", is_flag=True, help="Include restricted data (never publish this).")
@click.pass_context
def export(ctx: click.Context, store: str | None, fmt: str, output: Path | None,
           full: bool) -> None:
    """Export the public dataset, streamed; a file is written whole or not at all."""
    config = _config(ctx, store=store)
    info = by_name(fmt)
    view = "full" if full else "public"
    with open_store(config) as s:
        if output is None:
            s.dump(sys.stdout.buffer, info, view)
            sys.stdout.buffer.flush()
            return
        with atomic_output(output) as handle:
            s.dump(handle, info, view)
    click.echo(f"Wrote {output}.", err=True)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Any]:
    """A file that appears at `path` only when fully written (gzipped for .gz)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as raw:
            if path.suffix == ".gz":
                with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
                    yield handle
            else:
                yield raw
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@main.command()
@store_option
@click.pass_context
def stats(ctx: click.Context, store: str | None) -> None:
    """Counts of quads, graphs and typed entities in the public view."""
    config = _config(ctx, store=store)
    with open_store(config) as s:
        click.echo(f"store: {config.store} ({s.kind})")
        click.echo(f"quads: {s.count()}")
        rows = s.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                       "GROUP BY ?g ORDER BY DESC(?n)")
        graphs = [(r["g"].value, int(r["n"].value)) for r in rows]
        click.echo(f"graphs: {len(graphs)}")
        for g, n in graphs:
            click.echo(f"  {n:>10}  {g}")
        rows = s.query("SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c } "
                       "GROUP BY ?c ORDER BY DESC(?n) LIMIT 25")
        click.echo("types:")
        for r in rows:
            click.echo(f"  {int(r['n'].value):>10}  {r['c'].value}")


def _port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                             "choose another with --port") from None


@main.command()
@store_option
@click.option("--host", help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 5000).")
@click.option("--workers", type=int, help="Worker processes (default: one per CPU).")
@click.option("--threads", type=int, help="Threads per worker (default 4).")
@click.option("--query-timeout", type=float, help="Seconds a SPARQL query may run.")
@click.option("--max-rows", type=int, help="Most result rows a query may return.")
@click.option("--max-response-bytes", type=int, help="Most bytes a query response may hold.")
@click.option("--base-iri", metavar="IRI",
              help="Base of the minted IRIs the server answers /id/... for.")
@click.option("--write-enabled/--read-only", default=None,
              help="Accept SPARQL Update on /sparql (also needs --write-token).")
@click.option("--write-token", metavar="TOKEN",
              help="Bearer token SPARQL Update requests must present (or $KG_WRITE_TOKEN).")
@click.pass_context
def serve(ctx: click.Context, store: str | None, host: str | None, port: int | None,
          workers: int | None, threads: int | None, query_timeout: float | None,
          max_rows: int | None, max_response_bytes: int | None, base_iri: str | None,
          write_enabled: bool | None, write_token: str | None) -> None:
    """Serve the web app and SPARQL endpoint under Granian (never the Flask dev server).

    If the store does not exist yet it is built from the bundled data first.
    """
    config = _config(ctx, store=store, host=host, port=port, workers=workers, threads=threads,
                     query_timeout=query_timeout, max_rows=max_rows,
                     max_response_bytes=max_response_bytes, base_iri=base_iri,
                     write_enabled=write_enabled, write_token=write_token)
    if config.write_enabled and not config.write_token:
        raise click.UsageError("--write-enabled needs --write-token (or $KG_WRITE_TOKEN)")
    _port_free(config.host, config.port)
    s: Store = open_store(config)
    if not s.exists():
        from kg.build import build as run_build

        click.echo(f"No store at {config.store}: building it from the bundled data.", err=True)
        with progress_bar("Building", False) as bar:
            run_build(s, Path(config.project_dir), progress=bar)
    s.close()
    from kg.web.server import run

    click.echo(f"Serving on http://{config.host}:{config.port}/ "
               f"({config.worker_count} workers x {config.threads} threads)", err=True)
    run(config)


def _dataset(config: Config, files: bool) -> ox.Store:
    """The store's full view, or with --files the project's files staged in memory."""
    if files:
        from kg.validate import load_project

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
    from kg.validate import validate as run_validate

    config = _config(ctx, store=store)
    try:
        report = run_validate(_dataset(config, files))
    except (StoreError, OSError) as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(EXIT_ERROR)
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
def verify_quotes(ctx: click.Context, store: str | None, sources: Path | None,
                  files: bool) -> None:
    """Check every quote sits at its offsets in the archived text whose SHA-256 matches.

    Reports each failure (source, annotation, what is wrong, expected and found) and exits
    1 if there is any, or if the selectors together rebuild 15 or more consecutive words of
    a source.
    """
    from kg.evidence import copy_limit_failures
    from kg.evidence import verify_quotes as run_verify

    config = _config(ctx, store=store, sources=str(sources) if sources else None)
    sources_dir = Path(config.sources)
    if not sources_dir.is_dir():
        raise StoreError(f"{sources_dir}: no such directory of archived sources "
                         "(set --sources or KG_SOURCES)")
    dataset = _dataset(config, files)
    failures = run_verify(sources_dir, dataset)
    for failure in failures:
        click.echo(str(failure))
    quotes = len(list(dataset.query(
        "SELECT ?q WHERE { ?q a <http://www.w3.org/ns/oa#TextQuoteSelector> }",
        use_default_graph_as_union=True)))
    click.echo(f"{quotes - len(failures)} of {quotes} quotes verified against {sources_dir}.",
               err=True)
    too_long = copy_limit_failures(sources_dir, dataset)  # the copy limit, graph-wide
    for run in too_long:
        click.echo(str(run))
    ctx.exit(EXIT_FAILURE if failures or too_long else 0)


@main.command()
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False),
              help="Directory of archived source texts (default: $KG_SOURCES).")
@click.pass_context
def anchor(ctx: click.Context, sources: Path | None) -> None:
    """Compute each quote's selectors (prefix, suffix, start, end) in data/ from the texts.

    Maintainers write only the exact quote; this fills in the rest, so offsets are never
    counted by hand.
    """
    from kg.evidence import AnchorError, anchor_data

    config = _config(ctx, sources=str(sources) if sources else None)
    try:
        done = anchor_data(Path(config.project_dir) / "data", Path(config.sources))
    except AnchorError as exc:
        raise StoreError(str(exc)) from None
    for path, count in done.items():
        click.echo(f"{path}: {count} quotes anchored", err=True)
