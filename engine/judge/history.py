"""Escalation across reporting periods: consecutive lagging periods climb the ladder
(params: escalation_streak), a rule's own step (被上级通报 → 通报) jumps higher, catching up releases.

Each step is recorded once per period: the result carries the step and the periods that led to it.
"""

from __future__ import annotations

from ..statuses import LAGGING


def streak_step(streak: int, params: dict) -> str | None:
    table = {int(k): v for k, v in (params.get("escalation_streak") or {}).items()}
    if streak <= 0 or not table:
        return None
    return table[max(k for k in table if k <= streak)] if any(k <= streak for k in table) else None


def escalation(item_id: str, status: str, rule_step: str | None, period: str, history: list[tuple[str, dict]], params: dict) -> dict:
    """history: earlier periods, oldest first, each (period, {item_id: status})."""
    if status not in LAGGING:  # most items: only whether the previous period was lagging matters
        was_lagging = bool(history) and history[-1][1].get(item_id) in LAGGING
        return {"step": None, "periods": [], "streak": 0, "released": was_lagging,
                "note": "已赶上进度，解除督办" if was_lagging else None}
    ladder = params.get("escalation_ladder", [])
    previous = [p for p, statuses in history if statuses.get(item_id) in LAGGING]
    streak_periods = []
    for p, statuses in reversed(history):
        if statuses.get(item_id) not in LAGGING:
            break
        streak_periods.insert(0, p)
    periods = streak_periods + [period]
    steps = [s for s in (streak_step(len(periods), params), rule_step) if s in ladder]
    step = max(steps, key=ladder.index) if steps else None
    note = f"连续 {len(periods)} 期滞后" if len(periods) > 1 else ("首次滞后" if not previous else "再次滞后")
    return {"step": step, "periods": periods, "streak": len(periods), "released": False, "note": note}
