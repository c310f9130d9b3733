"""`duban eval`: how far a check agrees with the office's own calls (see docs/evaluation.md)."""

from __future__ import annotations

from pathlib import Path

from ..periods import default_as_of
from .compare import compare
from .key import read_key
from .report import summary_lines, suggest_lines, write_outputs

__all__ = ["evaluate_workspace", "summary_lines", "suggest_lines", "write_outputs"]


def evaluate_workspace(workspace, period: str, key_path, rules_dir=None, engine: str = "auto", with_suggest: bool = False) -> dict:
    """Run the check for the period and compare it with the key; with_suggest adds the parameter grid."""
    from ..check import run_check
    from ..rulebook.load import default_rules_dir

    rows = read_key(key_path)  # a bad key fails before the check runs
    run = run_check(workspace, period, rules_dir, engine)
    ev = compare(run.result, rows)
    ev["key"] = str(key_path)
    ev["engine"] = run.result.get("engine")
    ev["engine_notice"] = run.engine_notice
    if with_suggest:
        from .suggest import suggest

        as_of = run.workspace.progress[period].as_of or default_as_of(period)
        ev["suggest"] = suggest(run.workspace, period, Path(rules_dir or default_rules_dir()), ev["pairs"], as_of)
    return ev
