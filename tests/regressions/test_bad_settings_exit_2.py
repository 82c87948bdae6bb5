"""Regression: a bad setting exited 1 or 2 depending on where it came from (`--base-iri nope`
exited 1; `KG_PORT=abc` exited 2 with Python's "invalid literal for int()"). Now every bad
setting is a usage error: exit 2, and a message naming the setting and what it expects."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(("args", "env", "named"), [
    (["serve", "--base-iri", "nope", "--port", "1"], {}, "--base-iri"),
    (["serve", "--port", "abc"], {}, "--port"),
    (["stats"], {"KG_PORT": "abc"}, "KG_PORT"),
    (["stats"], {"KG_QUERY_TIMEOUT": "-3"}, "KG_QUERY_TIMEOUT"),
    (["serve", "--write-token", "t", "--query-timeout", "soon"], {}, "--query-timeout"),
])
def test_a_bad_setting_is_a_usage_error_naming_it(tmp_path, args, env, named) -> None:
    result = subprocess.run([sys.executable, "-m", "kg", *args, "--store", str(tmp_path / "s")],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, **env})
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert named in line and "expected" in line and "Traceback" not in result.stderr
    assert "invalid literal" not in line
