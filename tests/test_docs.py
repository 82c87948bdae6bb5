"""Docs that cannot drift: the README's settings table, commands and Quick start; ruff clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import click

from kg.cli import main
from kg.config import PROJECT_DIR, settings_table

README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")


def test_readme_settings_table_matches_the_code() -> None:
    block = re.search(r"<!-- settings-table -->\n(.*?)\n<!-- /settings-table -->", README, re.S)
    assert block, "README lost its settings table markers"
    assert block.group(1).strip() == settings_table().strip()


def test_readme_names_every_command() -> None:
    for name in main.list_commands(click.Context(main)):
        assert f"`kg {name}" in README, f"README does not document `kg {name}`"


def test_quick_start_is_two_lines() -> None:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```[a-z]*\n(.*?)```", section, re.S)
    assert block
    lines = block.group(1).strip().splitlines()
    assert len(lines) == 2
    assert "kg serve" in lines[0]
    assert "pytest" in lines[1]


def test_code_is_ruff_clean() -> None:
    beside = Path(sys.executable).parent / "ruff"  # the venv's, even when not on PATH
    ruff = str(beside) if beside.exists() else shutil.which("ruff") or "ruff"
    result = subprocess.run([ruff, "check", "src", "tests", "bench"], cwd=PROJECT_DIR,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
