"""`duban eval --suggest`: try the rulebook's numeric parameters over a small grid, one at a time, and
say which settings raise agreement with the office without losing any officially lagging task.
Advice only: each candidate params.yaml is checked and judged in memory, never written.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..check import judge_period
from ..errors import DubanError
from ..evaluate import make_evaluator
from ..facts.workspace import Workspace
from ..rulebook.load import load_rulebook
from ..facts.waivers import active_waivers, load_waivers
from .compare import duban_class

FACTORS = (0.6, 0.8, 1.2, 1.4)  # ±20 %, ±40 %
_ENGINE_READ = ("status_precedence", "indicator_precedence", "escalation_ladder", "escalation_streak", "time_progress")


def numeric_params(params: dict) -> dict[str, float]:
    return {k: v for k, v in params.items() if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in _ENGINE_READ}


def grid(value: float) -> list[float]:
    """The values tried for one parameter: whole numbers stay whole; a zero is tried at small steps."""
    if value == 0:
        return [0.5, 1.0]
    out = []
    for factor in FACTORS:
        candidate = round(value * factor) if isinstance(value, int) else round(value * factor, 3)
        if candidate != value and candidate not in out:
            out.append(candidate)
    if not out and isinstance(value, int):  # a small count (stale_months: 1): one step either way
        out = [v for v in (value - 1, value + 1) if v >= 0]
    return out


def with_param(params_text: str, name: str, value) -> str | None:
    """params.yaml with one top-level number changed, its comments kept; None when the line is not plain."""
    pattern = re.compile(rf"^({re.escape(name)}:[ \t]*)([-+]?\d+(?:\.\d+)?)", re.M)
    if not pattern.search(params_text):
        return None
    return pattern.sub(lambda m: f"{m.group(1)}{value}", params_text, count=1)


def _score(statuses: dict[str, str], pairs: list[dict], kinds: dict[str, str]) -> dict:
    compared = agree = found = flagged = unsure = 0
    for pair in pairs:
        status = statuses.get(pair["id"])
        if status is None:
            continue
        mine = duban_class(status)
        if kinds.get(pair["id"]) == "task":
            found += pair["official"] == "滞后" and mine == "滞后"
            flagged += pair["official"] == "正常" and mine == "滞后"
        if mine == "待核实":
            unsure += 1
            continue
        compared += 1
        agree += mine == pair["official"]
    return {"recall_found": found, "normal_flagged": flagged, "agree": agree, "compared": compared, "unsure": unsure}


def suggest(ws: Workspace, period: str, rules_dir: Path, pairs: list[dict], as_of: str) -> dict:
    params_text = (rules_dir / "params.yaml").read_text(encoding="utf-8")
    base_book = load_rulebook(rules_dir, params_text=params_text)
    waivers = load_waivers(ws.path, set(ws.plan.by_id()), {r.id for r in base_book.rules})
    active = {key: w.to_dict() for key, w in active_waivers(waivers, as_of).items()}
    kinds = {item.id: item.kind for item in ws.plan.items()}

    def run(text: str) -> dict:
        book = load_rulebook(rules_dir, params_text=text)
        judged, _ = judge_period(ws, period, book, make_evaluator("vectorised", book.rules), active)
        return _score({j.derived.item.id: j.status for j in judged}, pairs, kinds)

    baseline = run(params_text)
    tried, better = 0, []
    for name, value in numeric_params(base_book.params).items():
        for candidate in grid(value):
            text = with_param(params_text, name, candidate)
            if text is None:
                continue
            try:
                score = run(text)
            except DubanError:  # out of range, or contradicts another parameter: not a setting to advise
                continue
            tried += 1
            if score["recall_found"] >= baseline["recall_found"] and score["agree"] > baseline["agree"]:
                better.append({"param": name, "from": value, "to": candidate, **score})
    better.sort(key=lambda s: (-s["agree"], s["normal_flagged"], s["param"]))
    return {"baseline": baseline, "tried": tried, "factors": list(FACTORS), "better": better}
