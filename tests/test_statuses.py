"""The status vocabulary has one home (engine/statuses.py); the groups agree with the rulebook's statuses."""

import re
from pathlib import Path

from engine import statuses
from engine.rulebook import ir

ENGINE = Path(__file__).resolve().parent.parent / "engine"


def test_groups_are_made_of_known_statuses():
    for group in (statuses.LAGGING, statuses.LAGGING_TASKS, statuses.ON_TRACK_TASKS, statuses.OK, statuses.YELLOW):
        assert set(group) <= set(statuses.ALL_STATUSES), group
    assert set(statuses.LAGGING_TASKS) <= set(statuses.LAGGING) & set(statuses.STATUSES_TASK)
    assert not set(statuses.OK) & set(statuses.LAGGING)
    assert statuses.UNCLEAR not in statuses.OK + statuses.LAGGING
    assert set(statuses.STATUS_RANK) == set(statuses.ALL_STATUSES) == set(statuses.URGENCY)


def test_colours_and_ranks():
    assert [statuses.status_class(s) for s in ("严重滞后", "不达预期", "待核实", "已完成", "已调整", None)] == \
        ["red", "red", "yellow", "green", "green", "green"]
    assert sorted(["info", "bogus", "error", "warn"], key=statuses.severity_rank) == ["error", "warn", "info", "bogus"]
    assert statuses.severity_rank("bogus", 3) == 3


def test_rulebook_reexports_the_same_objects():
    assert ir.STATUSES_TASK is statuses.STATUSES_TASK and ir.SEVERITIES is statuses.SEVERITIES


def test_no_second_definition_of_a_status_group():
    """A module-level tuple of status words outside statuses.py would be a second definition that can drift."""
    words = "|".join(statuses.ALL_STATUSES)
    pattern = re.compile(rf'^[A-Z_]+ = (?:frozenset\(\{{)?\(?"(?:{words})"')
    offenders = [f"{p.relative_to(ENGINE)}:{n}" for p in ENGINE.rglob("*.py") if p.name != "statuses.py"
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.match(line)]
    assert offenders == []
