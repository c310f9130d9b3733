"""Dependencies true (issue 16): every third-party package engine/ imports is declared in pyproject.toml, and
every declared runtime dependency is imported somewhere in engine/ (none declared and unused)."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# import name → distribution name where they differ
DISTRIBUTION = {"yaml": "pyyaml", "ruamel": "ruamel.yaml", "docx": "python-docx", "durable_rules_engine": "durable-rules",
                "durable": "durable-rules", "zen": "zen-engine", "cn2an": "cn2an"}


def _imported() -> set[str]:
    names = set()
    for path in (ROOT / "engine").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "engine"}


def _declared(group: list[str]) -> set[str]:
    out = set()
    for spec in group:
        name = spec.split(";")[0]
        for sep in "<>=!~[ ":
            name = name.split(sep)[0]
        out.add(name.strip().lower())
    return out


def test_imports_and_declared_dependencies_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _declared(project["dependencies"])
    extras = set().union(*(_declared(g) for g in project.get("optional-dependencies", {}).values()))
    used = {DISTRIBUTION.get(n, n).lower() for n in _imported()}
    assert used - runtime - extras == set(), "imported but not declared"
    assert runtime - used == set(), "declared but never imported"
    assert {"numpy", "pandas"} <= runtime & used
