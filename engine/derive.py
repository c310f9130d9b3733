"""derive: one flat fact record per plan item for a period — the only input the evaluators see.

Fields are exactly rulebook/fields.py's FIELDS (missing values are absent, never None or NaN).
Evidence (the quoted spans behind each number) is kept beside the record for the findings.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from . import extract
from .derive_words import add_word_readings
from .extract.deadlines import due_month
from .extract.matching import mark_copies
from .facts.workspace import Entry, Item, Workspace, period_months

PLACEHOLDERS = {"/", "／", "-", "—", "——", "无", "暂无", "同上", "略", "待补充", "待填报", "空", "见上", "n/a", "N/A"}
STAGE_RANKS = {"未启动": 0, "前期": 1, "开工": 2, "主体施工": 3, "完工": 4, "投用": 5}
NUMERIC_KINDS = ("amount", "count", "ratio")
BATCHED = ("ratio", "shortfall", "lead")  # not compared with time progress before a year-end batch (R-ST-08)


@dataclass(slots=True)
class Derived:
    item: Item
    entry: Entry | None
    record: dict
    evidence: dict = field(default_factory=dict)  # field → {"quote", "span", "source"}
    matches: list = field(default_factory=list)


def time_progress(period: str, as_of: str | None, params: dict) -> float:
    year, month = period_months(period)
    spec = params.get("time_progress") or {"method": "months"}
    method = spec.get("method", "months")
    if method == "days":
        day = dt.date.fromisoformat(as_of) if as_of else dt.date(year, month, calendar.monthrange(year, month)[1])
        days = 366 if calendar.isleap(day.year) else 365
        return round(day.timetuple().tm_yday / days, 4)
    if method == "curve":
        points = sorted({0: 0.0, **{int(k): float(v) for k, v in spec["curve"].items()}, 12: spec["curve"].get(12, 1.0)}.items())
        for (m0, v0), (m1, v1) in zip(points, points[1:]):
            if m0 <= month <= m1:
                return round(v0 + (v1 - v0) * (month - m0) / (m1 - m0), 4)
    return round(month / 12, 4)


@lru_cache(maxsize=64)
def _month(period: str) -> int:
    return period_months(period)[1]  # a bad period raises each time (exceptions are not cached)


def item_time_progress(item: Item, period: str, tp: float, year: int | None) -> tuple[float, int | None]:
    """A task due before December (完成时限 6月底前, or 6月底前建成… in its words) is measured against its own
    deadline: half done in March of a June task is on time, and at the deadline it is due in full. (time progress,
    due month) — the month None when the year's end is the deadline."""
    due = due_month(item.deadline, item.text if item.kind == "task" else None, year)
    if due is None:
        return tp, None
    month = _month(period)
    return (1.0 if month >= due.month else max(tp, round(month / due.month, 4))), due.month


def derive_item(item: Item, entry: Entry | None, period: str, tp: float, aggregation: str = "worst",
                year: int | None = None) -> Derived:
    month = _month(period)
    tp, due = item_time_progress(item, period, tp, year)
    record: dict = {"kind": item.kind, "text": item.text, "month": month, "time_progress": tp}
    if due is not None:
        record["due_month"] = due
    evidence: dict = {}
    text = (entry.text if entry else "") or ""
    stripped = text.strip().strip("。.")
    record["placeholder"] = stripped in PLACEHOLDERS
    record["has_progress"] = bool(stripped) and not record["placeholder"]
    record["progress_len"] = len(stripped)
    if text:
        record["progress"] = text
    targets = item.targets or []
    quantified = [t for t in targets if t.get("quantity") is not None]
    primary = quantified[0] if quantified else (targets[0] if targets else None)
    record["target_kind"] = primary.get("kind", "qualitative") if primary else "qualitative"
    record["quantified"] = bool(quantified)
    if primary and primary.get("direction"):
        record["direction"] = primary["direction"]
    derived = Derived(item=item, entry=entry, record=record, evidence=evidence)
    if entry is None or not record["has_progress"]:
        return derived

    measures = mark_copies(targets, entry.measures, text)  # 改造5座公厕：… repeats the task, it is no actual
    reading = {"measures": measures, "data_period": entry.data_period, "stage": entry.stage, "flags": entry.flags}
    matches = extract.match_targets(targets, reading, period) if targets else []
    derived.matches = matches
    _numbers_from_matches(record, evidence, targets, matches, measures, tp, aggregation)

    stage = entry.stage or {}
    if stage.get("name") in STAGE_RANKS:
        record["stage"] = stage["name"]
        record["stage_rank"] = STAGE_RANKS[stage["name"]]
        evidence["stage"] = _quote(stage)
    names = [f.get("name") for f in entry.flags if f.get("name")]
    if names:
        record["flags"] = "、" + "、".join(dict.fromkeys(names)) + "、"
        evidence["flags"] = {"quote": "；".join(f.get("quote", "") for f in entry.flags), "span": entry.flags[0].get("span"), "source": "progress"}
        for f in entry.flags:  # each flag's own words and place, so a finding on one flag quotes its clause
            evidence.setdefault(f"flag:{f.get('name')}", {"quote": f.get("quote", ""), "span": f.get("span"), "source": "progress"})
    period_info = entry.data_period or {}
    end_month = period_info.get("end_month")
    if isinstance(end_month, int) and 1 <= end_month <= 12:
        record["data_end_month"] = end_month
        record["data_lag_months"] = month - end_month
        evidence["data_end_month"] = {"quote": period_info.get("label", ""), "span": period_info.get("span"), "source": "progress"}
    add_word_readings(record, evidence, targets, names, text, tp, measures)
    if "年底认定" in names and month < 12 and record.get("ratio", 0) < 1:
        for key in BATCHED:  # 认定批次集中在年底: this year's figure comes in one batch later, not month by month
            record.pop(key, None)  # (a target already met stays met: 初步核定33.33%, 年底统一公布)
    if entry.measures and all(m.get("forecast") for m in entry.measures):
        record["forecast_only"] = True  # every figure is only expected
    return derived


AGGREGATIONS = ("worst", "all", "any")  # params.yaml aim_aggregation: how several quantified aims give one status


def _numbers_from_matches(record, evidence, targets, matches, measures, tp, aggregation: str = "worst") -> None:
    """Each quantified aim judged on its own; the task takes the worst aim's figure (`worst`), the best
    (`any`), or — `all` — the worst only once every aim has a figure. Every aim is listed in the evidence."""
    ratios, growths, excesses, aims = [], [], [], []
    for match in matches:
        target = targets[match["target"]]
        if target.get("quantity") is None:
            continue
        measure = measures[match["measure"]] if match.get("measure") is not None else None
        entry = None
        if target.get("kind") == "growth" and target.get("direction") == "以内" and match.get("growth") is not None:
            entry = excesses, round(float(match["growth"]) - float(target["quantity"]), 4)  # 能耗增速控制在2.16%以内
        elif target.get("kind") == "growth" and match.get("growth") is not None:
            entry = growths, round(float(target["quantity"]) - float(match["growth"]), 4)
        elif target.get("direction") == "以内" and match.get("actual") is not None:
            entry = excesses, round(float(match["actual"]) - float(target["quantity"]), 4)
        elif match.get("ratio") is not None:
            entry = ratios, -round(float(match["ratio"]), 4)  # negated: for every list, larger = worse
        if entry:
            entry[0].append((entry[1], target, match, measure))
        aims.append(_aim(target, match, measure))
    unread = sum(1 for a in aims if a["figure"] is None)
    if aims:
        record["aims"] = len(aims)
        record["aims_unread"] = unread
    if aggregation == "all" and unread:
        return  # every aim must have a figure before the task is judged
    choose = min if aggregation == "any" else max
    worst_ratio = choose(ratios, key=lambda x: x[0]) if ratios else None
    worst_growth = choose(growths, key=lambda x: x[0]) if growths else None
    worst_excess = choose(excesses, key=lambda x: x[0]) if excesses else None
    if worst_ratio:
        worst_ratio = (-worst_ratio[0], *worst_ratio[1:])
    if worst_ratio:
        ratio, target, match, measure = worst_ratio
        record["ratio"] = ratio
        due = _due(tp, target)
        record["shortfall"] = round(due - ratio, 4)
        record["lead"] = round(ratio - tp, 4)
        evidence["ratio"] = _pair(target, measure, match)
        evidence["shortfall"] = evidence["lead"] = evidence["ratio"]
        if due != tp:
            evidence["shortfall"] = dict(evidence["ratio"], due=due)
    if worst_growth:
        gap, target, match, measure = worst_growth
        record["growth_actual"] = round(float(match["growth"]), 4)
        record["growth_target"] = round(float(target["quantity"]), 4)
        record["growth_shortfall"] = gap
        if target.get("direction"):
            record["direction"] = target["direction"]
        for key in ("growth_actual", "growth_target", "growth_shortfall"):
            evidence[key] = _pair(target, measure, match)
    if worst_excess:
        excess, target, match, measure = worst_excess
        record["limit_excess"] = excess
        record["direction"] = "以内"
        evidence["limit_excess"] = _pair(target, measure, match)
    if len(aims) > 1:  # a compound task: every aim with its figure, beside the deciding one
        for key in ("ratio", "shortfall", "lead", "growth_actual", "growth_target", "growth_shortfall", "limit_excess"):
            if key in evidence:
                evidence[key] = dict(evidence[key], aims=aims)


def _quote(item: dict, source: str = "progress") -> dict:
    return {"quote": item.get("quote", ""), "span": item.get("span"), "source": source}


def _pair(target: dict, measure: dict | None, match: dict) -> dict:
    quote = measure.get("quote", "") if measure else ""
    return {"quote": quote, "span": measure.get("span") if measure else None, "source": "progress",
            "target_quote": target.get("quote", ""), "reason": match.get("reason", "")}


def _due(tp: float, target: dict) -> float:
    """The share due by now. Things counted one by one are due in whole units: 新增智能工厂2个 in
    September is 1 due (not 1.5), so 1 built is on time; 建成1座 is due only in December."""
    qty = target.get("quantity")
    if target.get("kind") != "count" or not qty or qty != int(qty) or qty > 100:
        return tp
    if str(target.get("unit") or "").startswith(("万", "亿", "千", "百")):
        return tp  # 新增就业1万人 is ten thousand people, not one thing: due in proportion
    return round(int(tp * qty + 1e-9) / qty, 4)


def _aim(target: dict, match: dict, measure: dict | None) -> dict:
    """One aim of a compound task with its figure, for the explanation (figure None: no comparable figure)."""
    figure = match.get("growth") if target.get("kind") == "growth" else match.get("ratio")
    if figure is None and target.get("direction") == "以内":
        figure = match.get("actual")
    return {"target": target.get("quote", ""), "quote": measure.get("quote", "") if measure else "",
            "actual": match.get("actual"), "figure": figure, "kind": target.get("kind")}


def derive_workspace(ws: Workspace, period: str, params: dict) -> tuple[list[Derived], float]:
    progress = ws.progress.get(period)
    tp = time_progress(period, progress.as_of if progress else None, params)
    entries = progress.entries if progress else {}
    aggregation = params.get("aim_aggregation", "worst")
    year = ws.plan.year
    return [derive_item(item, entries.get(item.id), period, tp, aggregation, year) for item in ws.plan.items()], tp
