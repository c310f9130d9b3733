"""A fresh `duban check` imports what it uses: the commands that live beside their step of the pipeline (audit, bench,
rollup, query, rules export/import) are registered by name and imported when used (engine/cli_zh.py LazyCommands)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click

from engine.cli_zh import LazyCommands

ROOT = Path(__file__).resolve().parents[1]
LAZY_MODULES = ["engine.audit.command", "engine.bench.command", "engine.rollup.command", "engine.rulebook.commands"]


def _modules_after(code: str) -> dict:
    probe = code + "\nimport json, sys\nprint(json.dumps({m: m in sys.modules for m in %r}))" % LAZY_MODULES
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_importing_the_cli_imports_no_sub_command_module():
    assert _modules_after("import engine.cli") == {m: False for m in LAZY_MODULES}


def test_check_help_imports_no_sub_command_module_and_audit_imports_only_its_own():
    run = "from engine.cli import main\ntry:\n    main(%r, standalone_mode=False)\nexcept SystemExit:\n    pass"
    assert not any(_modules_after(run % (["check", "--help"],)).values())
    assert _modules_after(run % (["audit", "--help"],)) == {m: m == "engine.audit.command" for m in LAZY_MODULES}


def test_every_command_is_listed_and_found():
    from engine.cli import main, rules_group

    assert {"audit", "bench", "rollup", "query", "check"} <= set(main.commands)
    assert {"export-params", "import-params", "export-table", "import-table", "test"} <= set(rules_group.commands)
    for group in (main, rules_group):
        for name, command in group.commands.items():
            assert isinstance(command, click.Command) and command.name == name


def test_lazy_commands_behave_as_a_dict():
    @click.command("here")
    def here():
        pass

    commands = LazyCommands({"here": here}, {"audit": "engine.audit.command:audit_cmd", "here": "no.such:module"})
    assert list(commands) == ["here", "audit"] and len(commands) == 2 and "audit" in commands
    assert commands["here"] is here  # a name already registered is not replaced by a lazy one
    assert commands.get("missing") is None and "missing" not in commands
    replacement = click.Command("audit")
    commands["audit"] = replacement  # registering over a lazy name drops the lazy one, nothing is imported
    assert commands.get("audit") is replacement and commands.loaded() == [here, replacement]
    lazy = LazyCommands({}, {"audit": "engine.audit.command:audit_cmd"})
    assert [c.name for c in lazy.values()] == ["audit"] and type(lazy["audit"]).__name__.startswith("Zh")
