"""The `kg` command: exit codes, one-line errors, all-or-nothing writes, every command helped."""

from __future__ import annotations

import gzip
import importlib
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import click
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.cli.group import COMMAND_MODULES

EX = "http://example.org/"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, as a user types it."""
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.fixture
def data(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.ttl"
    good.write_text(f'<{EX}a> <{EX}name> "A" .\n<{EX}b> <{EX}name> "B" .\n')
    bad = tmp_path / "bad.nt"
    bad.write_text(f'<{EX}a> <{EX}name> "A" .\n<{EX}b> <{EX}name> B .\n')
    return {"good": good, "bad": bad}


def test_every_command_has_help() -> None:
    runner = CliRunner()
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        command = main.get_command(ctx, name)
        assert command is not None and command.help and len(command.help.strip()) > 20, name


def test_every_command_is_found_where_the_group_looks_for_it() -> None:
    """Commands are imported lazily (COMMAND_MODULES): one missing from the table would
    not run, one listed in the wrong module would not be found."""
    modules = {module for module in COMMAND_MODULES.values()}
    for module in sorted(modules | {"data", "importing", "matching", "quality", "query",
                                    "serve"}):
        importlib.import_module(f"kg.cli.{module}")
    assert {name: command.callback.__module__ for name, command in main.commands.items()} == {
        name: f"kg.cli.{module}" for name, module in COMMAND_MODULES.items()}


def test_a_command_imports_only_its_own_module() -> None:
    """`kg load` starts without importing csvw (tables), pyshacl or Flask."""
    code = ("import sys; from kg.cli import main\n"
            "try: main(['load', '--help'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('csvw', 'flask', 'kg.cli.importing', 'kg.cli.serve') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_load_query_export_round_trip(tmp_path: Path, data) -> None:
    store = str(tmp_path / "store")
    assert run("load", str(data["good"]), "--store", store).returncode == 0
    result = run("query", f"SELECT ?n WHERE {{ ?x <{EX}name> ?n }} ORDER BY ?n", "--store",
                 store, "--format", "csv")
    assert result.returncode == 0
    assert result.stdout.split() == ["n", "A", "B"]
    out = tmp_path / "dump.nq.gz"
    assert run("export", "--store", store, "-o", str(out)).returncode == 0
    with gzip.open(out, "rb") as handle:
        assert len(list(ox.parse(handle, ox.RdfFormat.N_QUADS))) == 2


def test_bad_file_gives_file_and_line_and_changes_nothing(tmp_path: Path, data) -> None:
    store = str(tmp_path / "store")
    run("load", str(data["good"]), "--store", store)
    result = run("load", str(data["good"]), str(data["bad"]), "--graph", EX + "g", "--store",
                 store)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {data['bad']}:2:")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    count = run("query", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", "--store", store,
                "--format", "csv")
    assert count.stdout.split()[1] == "2"


@pytest.mark.parametrize(("args", "message"), [
    (["load", "missing.ttl"], "no such file"),
    (["load", "{good}", "--format", "yaml"], "unknown format"),
    (["load", "{good}", "--graph", "not an iri"], "invalid graph IRI"),
    (["query", "SELECT * WHERE {{ ?s ?p ?o }}"], "no kg store here yet"),
    (["query", "SELEC nothing", "--store", "{store}"], "SPARQL syntax error"),
    (["export", "--store", "{missing}"], "no kg store here yet"),
    (["query", "ASK {{}}", "--store", "{good}"], "not a directory"),
])
def test_bad_input_is_one_clear_line(tmp_path: Path, data, args: list[str],
                                     message: str) -> None:
    store = tmp_path / "store"
    run("load", str(data["good"]), "--store", str(store))
    values = {"good": data["good"], "store": store, "missing": tmp_path / "none"}
    args = [a.format(**values) for a in args]
    if "--store" not in args:
        args += ["--store", str(tmp_path / "empty")]
    result = run(*args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_export_failure_leaves_no_partial_file(tmp_path: Path) -> None:
    out = tmp_path / "dump.nq"
    result = run("export", "--store", str(tmp_path / "none"), "-o", str(out))
    assert result.returncode == 1
    assert list(tmp_path.iterdir()) == []


def test_query_formats(tmp_path: Path, data) -> None:
    store = str(tmp_path / "store")
    run("load", str(data["good"]), "--store", store)
    as_json = run("query", f"SELECT ?n {{ ?x <{EX}name> ?n }}", "--format", "json", "--store",
                  store)
    assert len(json.loads(as_json.stdout)["results"]["bindings"]) == 2
    ask = run("query", "ASK { ?s ?p ?o }", "--store", store)
    assert ask.stdout.strip() == "true"
    graph = run("query", f"CONSTRUCT WHERE {{ ?x <{EX}name> ?n }}", "--format", "nt",
                "--store", store)
    assert len(graph.stdout.strip().splitlines()) == 2
    query_file = tmp_path / "q.rq"
    query_file.write_text(f"SELECT ?n {{ ?x <{EX}name> ?n }}")
    table = run("query", "-f", str(query_file), "--store", store)
    assert "(2 rows)" in table.stdout


def test_stats(tmp_path: Path, data) -> None:
    store = str(tmp_path / "store")
    run("load", str(data["good"]), "--store", store)
    result = run("stats", "--store", store)
    assert result.returncode == 0
    assert "quads: 2" in result.stdout


def test_serve_refuses_a_port_in_use(tmp_path: Path, data) -> None:
    store = str(tmp_path / "store")
    run("load", str(data["good"]), "--store", store)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = run("serve", "--store", store, "--port", str(port))
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_settings_come_from_the_environment(tmp_path: Path, data) -> None:
    import os

    store = str(tmp_path / "envstore")
    env = {**os.environ, "KG_STORE": store}
    assert run("load", str(data["good"]), env=env).returncode == 0
    assert (Path(store) / "kg-store.json").is_file()
    bad = run("stats", env={**env, "KG_PORT": "many"})
    assert bad.returncode == 2
    assert "KG_PORT" in bad.stderr


def test_validate_exit_codes(built_store_dir: Path, tmp_path: Path) -> None:
    ok = run("validate", "--store", str(built_store_dir))
    assert ok.returncode == 0, ok.stdout[-2000:]
    assert ok.stdout.startswith("Conforms: True")
    report = tmp_path / "report.json"
    run("validate", "--store", str(built_store_dir), "--format", "json", "-o", str(report))
    assert json.loads(report.read_text())["conforms"] is True
    missing = run("validate", "--store", str(tmp_path / "none"))
    assert missing.returncode == 2


def test_validate_reports_a_violation(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix schema: <https://schema.org/> .\n"
                   "<https://kg.example.org/id/person/nameless> a schema:Person .\n")
    from kg.config import PROJECT_DIR

    shapes = sorted(str(p) for p in (PROJECT_DIR / "shapes").glob("*.ttl"))
    ontology = sorted(str(p) for p in (PROJECT_DIR / "ontology").glob("*.ttl"))
    assert run("load", *ontology, "--graph", "https://kg.example.org/graph/ontology",
               "--store", store).returncode == 0
    assert run("load", *shapes, "--graph", "https://kg.example.org/graph/shapes",
               "--store", store).returncode == 0
    assert run("load", str(bad), "--store", store).returncode == 0
    result = run("validate", "--store", store)
    assert result.returncode == 1
    assert "Violation: <https://kg.example.org/id/person/nameless>" in result.stdout


def test_verify_quotes(built_store_dir: Path, tmp_path: Path) -> None:
    from kg.config import Config

    sources = Path(Config.load().sources)
    ok = run("verify-quotes", "--store", str(built_store_dir), "--sources", str(sources))
    assert ok.returncode == 0, ok.stdout
    assert "Copy limit holds: at most 14 consecutive words" in ok.stderr  # issue 13
    tampered = tmp_path / "sources"
    shutil.copytree(sources, tampered)
    for text in tampered.iterdir():
        text.write_text(text.read_text(encoding="utf-8").replace("1988", "1989"),
                        encoding="utf-8")
    bad = run("verify-quotes", "--store", str(built_store_dir), "--sources", str(tampered))
    assert bad.returncode == 1
    assert "hash" in bad.stdout
