"""The shape of the code that issue 10 asked for, kept: small modules, no import cycles (a
function-level import counts), no probing of objects with hasattr/getattr, one format table,
one cache facility, and a README layout that matches the tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx

from kg.config import PROJECT_DIR

SRC = PROJECT_DIR / "src"
MODULES = sorted((SRC / "kg").rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


NAMES = {module_name(p): p for p in MODULES}


def imports(path: Path, package: str = "") -> set[str]:
    """kg modules `path` (a module of `package`) imports anywhere in its body (functions
    included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in NAMES else base)
    return {name for name in found if name in NAMES}


def test_no_module_is_over_500_lines() -> None:
    long = {module_name(p): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}


def test_no_import_cycles_counting_function_level_imports() -> None:
    graph = nx.DiGraph()
    for name, path in NAMES.items():
        graph.add_node(name)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph.add_edges_from((name, target) for target in imports(path, package)
                             if target != name)
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == []


def test_the_cycle_check_sees_function_level_imports(tmp_path: Path) -> None:
    """Positive control: an import inside a function is found."""
    path = SRC / "kg" / "build.py"
    assert "kg.validate" in imports(path)
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from kg.web.app import create_app\n")
    assert "kg.web.app" in imports(source)


def test_nothing_is_probed_with_hasattr_or_getattr() -> None:
    """Stores say what they can do (Store.capabilities); nothing asks objects what they
    have."""
    probes = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in {"hasattr", "getattr"}):
                probes.append(f"{module_name(path)}:{node.lineno}")
    assert probes == []


MEDIA_TYPE = re.compile(r"""["'](?:application|text)/(?:[\w.+-]+)""")


def test_media_types_are_written_only_in_the_format_table() -> None:
    allowed = {"kg.formats"}
    seen = {}
    for path in MODULES:
        name = module_name(path)
        if name in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        hits = [m.group() for m in MEDIA_TYPE.finditer(text)
                if not m.group().endswith(("/html", "/plain", "/x-www-form-urlencoded",
                                           "/gzip", "/json", "/sparql-query",
                                           "/sparql-update", "/xhtml+xml", "/csv"))]
        if hits:
            seen[name] = hits
    assert seen == {}


def test_caches_live_in_the_cache_facility() -> None:
    """No module-level cache beside kg.cache: no module-level name saying CACHE and no
    module-level LRU (an OrderedDict) anywhere else."""
    suspects = []
    for path in MODULES:
        if module_name(path) == "kg.cache":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    value = node.value
                    called = (value.func.attr if isinstance(value, ast.Call)
                              and isinstance(value.func, ast.Attribute) else
                              value.func.id if isinstance(value, ast.Call)
                              and isinstance(value.func, ast.Name) else "")
                    if isinstance(target, ast.Name) and (
                            "CACHE" in target.id.upper() or called == "OrderedDict"):
                        suspects.append(f"{module_name(path)}.{target.id}")
    assert suspects == []


def test_readme_layout_names_every_module_and_package() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    missing = []
    for path in sorted((SRC / "kg").iterdir()):
        if path.name.startswith("_") or path.name in {"__pycache__"}:
            continue
        shown = path.name + ("/" if path.is_dir() else "")
        if shown not in layout:
            missing.append(shown)
    assert missing == []
