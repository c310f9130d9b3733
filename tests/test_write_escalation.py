"""judge.history.escalation against the version before its early return for items not lagging (3198dea), on
generated histories: the same step, periods, streak, release and note for every status (result.json's escalation)."""

from __future__ import annotations

import random

import pytest

from engine.judge.history import escalation, streak_step
from engine.rulebook.load import default_rules_dir, load_rulebook
from engine.statuses import ALL_STATUSES, LAGGING


def reference_escalation(item_id, status, rule_step, period, history, params):
    ladder = params.get("escalation_ladder", [])
    previous = [p for p, statuses in history if statuses.get(item_id) in LAGGING]
    streak_periods = []
    for p, statuses in reversed(history):
        if statuses.get(item_id) not in LAGGING:
            break
        streak_periods.insert(0, p)
    was_lagging = bool(history) and history[-1][1].get(item_id) in LAGGING
    if status not in LAGGING:
        return {"step": None, "periods": [], "streak": 0, "released": was_lagging,
                "note": "已赶上进度，解除督办" if was_lagging else None}
    periods = streak_periods + [period]
    steps = [s for s in (streak_step(len(periods), params), rule_step) if s in ladder]
    step = max(steps, key=ladder.index) if steps else None
    note = f"连续 {len(periods)} 期滞后" if len(periods) > 1 else ("首次滞后" if not previous else "再次滞后")
    return {"step": step, "periods": periods, "streak": len(periods), "released": False, "note": note}


@pytest.mark.parametrize("seed", range(4))
def test_escalation_equals_the_reference_on_generated_histories(seed):
    params = load_rulebook(default_rules_dir()).params
    ladder = params.get("escalation_ladder", [])
    assert ladder, "the shipped params have an escalation ladder"
    rng, seen = random.Random(seed), set()
    for _ in range(3000):
        history = [(f"2023-{m:02d}", {"T1": rng.choice(ALL_STATUSES + LAGGING * 2)} if rng.random() < 0.9 else {})
                   for m in range(1, rng.randrange(6) + 1)]
        status = rng.choice(ALL_STATUSES + LAGGING)
        rule_step = rng.choice((None, *ladder, "不存在的步骤"))
        got = escalation("T1", status, rule_step, "2023-12", history, params)
        assert got == reference_escalation("T1", status, rule_step, "2023-12", history, params)
        seen.add((got["released"], got["note"] if not got["streak"] or got["streak"] < 2 else "连续"))
    assert (True, "已赶上进度，解除督办") in seen and (False, "首次滞后") in seen and (False, "再次滞后") in seen
