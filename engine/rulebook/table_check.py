"""Checks on a decision table when the rulebook loads (like Drools' guided-table verification):

- 空档 (gap, error): a possible fact inside the table's 前提 that no row covers;
- 重叠 (overlap, error under `first`): a fact two rows both match with different outcomes — the lower row
  would silently never decide it; same outcome is allowed (the lower row fires only where the upper does not);
- 不可达 (unreachable, error): a row no possible fact reaches (under `first`: every fact it matches is taken
  by an earlier row).

"Possible facts" are sample points: every edge a cell names, the midpoints between edges and a value beyond
each end, for every condition column, crossed, and kept only when derive could produce them
(fact_check.contradictions: 领先时序 = 完成率 − 时序进度 and so on). Each problem names the row's file:line:col
and an example fact in Chinese.
"""

from __future__ import annotations

import itertools

from ..errors import Problem, RuleError
from ..evaluate.plain import holds
from ..statuses import SEVERITY_ZH
from .fact_check import contradictions
from .fields import FIELDS
from .hints import show

KNOWN_TEXT = {"direction": ("以上", "左右", "以内"), "kind": ("task", "indicator")}
OTHER = "（其他）"
COUPLED = (("ratio", "shortfall", "lead"),)  # derive sets these together or not at all
MIRROR = {"shortfall": "lead", "lead": "shortfall"}  # 落后时序 = −领先时序 for a target not counted in whole units
SHARES = ("ratio", "time_progress", "shortfall", "lead")
TYPICAL_TIME = (0.25, 0.5, 0.75, 1.0)  # quarter ends, when a table names the time progress itself
KIND_ZH = {"task": "任务", "indicator": "指标"}
MAX_POINTS = 60000


def _numbers(field: str, conds: list, mirrored: list) -> list:
    edges = sorted({round(v, 6) for c in conds for v in _bounds(c, field)} | {round(-v, 6) for c in conds for v in _bounds(c, MIRROR.get(field, "")) if mirrored})
    if not edges:
        return [None, 0.5 if field in SHARES else 1.0]
    step = 0.25 if field in SHARES else max(1.0, (edges[-1] - edges[0]) / 2)
    values = {edges[0] - step, edges[-1] + step}
    values.update(edges)
    values.update((a + b) / 2 for a, b in zip(edges, edges[1:]))
    if field == "ratio":
        values.update((0.0, 0.5))
    return [None] + sorted(round(v, 6) for v in values)


def _bounds(cond, field):
    for leaf in cond.leaves() if cond is not None else ():
        if leaf.field == field:
            values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
            yield from (float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool))


def _texts(field: str, conds: list) -> list:
    seen = list(KNOWN_TEXT.get(field, ()))
    for cond in conds:
        for leaf in cond.leaves() if cond is not None else ():
            if leaf.field == field and leaf.op in ("eq", "ne", "in"):
                for v in leaf.value if isinstance(leaf.value, tuple) else (leaf.value,):
                    if v not in seen:
                        seen.append(v)
    return [None] + seen + [OTHER]


def _timed_shares(conds: list) -> list[dict]:
    """When a table names 时序进度 itself, the four shares are sampled together, as derive makes them: every
    time progress a cell names (and the quarter ends), and for each, the ratios that put 完成率, 落后时序 and
    领先时序 on, between and beyond every edge (落后时序 = 时序进度 − 完成率, 领先时序 = −落后时序); a record
    without a ratio has only its time progress."""
    times = sorted({v for v in _numbers("time_progress", conds, mirrored=False) if v is not None and 0 <= v <= 1}
                   | set(TYPICAL_TIME))
    ratios = [v for v in _numbers("ratio", conds, mirrored=False) if v is not None]
    shortfalls = [v for v in _numbers("shortfall", conds, mirrored=True) if v is not None]
    out = []
    for tp in times:
        out.append({"time_progress": tp})
        for ratio in sorted({*ratios, *(round(tp - s, 6) for s in shortfalls)}, reverse=True):  # smallest gap first
            if ratio >= 0:
                out.append({"time_progress": tp, "ratio": ratio, "shortfall": round(tp - ratio, 6),
                            "lead": round(ratio - tp, 6)})
    return out


def sample_points(table) -> list[dict]:
    conds = [rule.when for _, rule in table.rows] + [s for s in table.scope if s is not None]
    fields = []
    for cond in conds:
        for leaf in cond.leaves():
            if leaf.field not in fields and leaf.field != "kind":
                fields.append(leaf.field)
    joint = _timed_shares(conds) if "time_progress" in fields else None
    if joint is not None:
        fields = [f for f in fields if f not in SHARES]
    axes = []
    for field in fields:
        ftype = FIELDS[field].type
        if ftype == "num":
            axes.append(_numbers(field, conds, mirrored=True))
        elif ftype == "bool":
            axes.append([None, True, False])
        else:
            axes.append(_texts(field, conds))
    kinds = sorted({k for _, rule in table.rows for k in rule.applies_to})
    points = []
    for shares in joint or [{}]:
        for values in itertools.product(*axes):
            point = {**shares, **{f: v for f, v in zip(fields, values) if v is not None}}
            if not _possible(point, [*fields, *shares]):
                continue
            for kind in kinds:
                points.append(dict(point, kind=kind))
            if len(points) > MAX_POINTS:
                raise RuleError(f"决策表「{table.name}」的条件组合太多（超过 {MAX_POINTS} 种），无法检查空档和重叠",
                                file=table.file, hint="请减少条件列，或把表拆成两张")
    return points


def _possible(point: dict, fields: list) -> bool:
    for group in COUPLED:
        present = [f in point for f in group if f in fields]
        if any(present) and not all(present):
            return False
    return not contradictions(point)


def _describe(point: dict) -> str:
    parts = []
    for field, value in point.items():
        if field == "kind":
            continue
        shown = show(value) if not isinstance(value, float) else f"{value:g}"
        parts.append(f"{FIELDS[field].alias}={shown}")
    return f"{KIND_ZH.get(point.get('kind'), point.get('kind'))}，" + ("、".join(parts) or "各列均无值")


def _applies(rule, point) -> bool:
    return point["kind"] in rule.applies_to and holds(rule.when, point)


def check_table(table) -> list[Problem]:
    """Problems (gaps, overlaps, unreachable rows); sets each `first` row's shadowing of earlier same-outcome rows."""
    from .tables import shadow

    rows = table.rows
    points = sample_points(table)
    problems: list[Problem] = []
    reached = [False] * len(rows)
    overlaps: dict[tuple, dict] = {}
    gap = None
    for point in points:
        hits = [i for i, (_, rule) in enumerate(rows) if _applies(rule, point)]
        if not hits:
            if gap is None and any(s is None or holds(s, point) for s in table.scope):
                gap = point
            continue
        if table.policy == "collect":
            for i in hits:
                reached[i] = True
            continue
        reached[hits[0]] = True
        for j in hits[1:]:
            overlaps.setdefault((hits[0], j), point)
    if gap is not None:
        near = _nearest(rows, gap)
        names = "、".join(f"第 {rows[i][0].number} 行（{rows[i][1].id}）" for i in near)
        meta = rows[near[0]][0]
        problems.append(Problem(f"决策表「{table.name}」有空档：{_describe(gap)} 时没有任何一行适用", file=table.file,
                                line=meta.line, col=meta.col, hint=f"离它最近的是{names}；"
                                "请检查相邻两行的边界是否接上，如 <= {tolerance} 与 > {tolerance}"))
    shadowed: dict[int, list] = {}
    for (i, j), point in sorted(overlaps.items()):
        a, b = rows[i], rows[j]
        if _outcome(a[1]) == _outcome(b[1]):
            shadowed.setdefault(j, []).append(a[1])
            continue
        problems.append(Problem(
            f"决策表「{table.name}」第 {b[0].number} 行（{b[1].id}）与第 {a[0].number} 行（{a[1].id}）重叠：{_describe(point)} 时两行都适用，"
            f"结论不同（{_outcomes_text(b[1], a[1])}）", file=table.file, line=b[0].line, col=b[0].col,
            hint=f"命中策略为 first 时只取第 {a[0].number} 行；请让两行的区间不相交，如 ({{tolerance}}, {{severe_gap}}] 与 > {{severe_gap}}"))
    for i, ok in enumerate(reached):
        if not ok:
            meta, rule = rows[i]
            why = "它适用的情况都已被上面的行取走" if table.policy == "first" else "没有任何可能的事实满足它的全部条件"
            problems.append(Problem(f"决策表「{table.name}」第 {meta.number} 行（{rule.id}）永远不会生效：{why}", file=table.file,
                                    line=meta.line, col=meta.col, hint="请检查这一行的区间，或删去这一行"))
    if not problems:
        for j, earlier in shadowed.items():
            shadow(rows[j][1], earlier)
    return problems


def _outcome(rule) -> tuple:
    return rule.status, rule.severity, rule.escalation


def _outcome_text(rule) -> str:
    return rule.status or "只作提示"


def _outcomes_text(b, a) -> str:
    """"严重滞后 / 滞后"; two rows with one status differ in severity or escalation, so those are named then."""
    if _outcome_text(a) != _outcome_text(b):
        return f"{_outcome_text(b)} / {_outcome_text(a)}"
    return " / ".join(f"{_outcome_text(r)}（{'，'.join([SEVERITY_ZH.get(r.severity, r.severity or '')] + [r.escalation or '不督办'])}）"
                      for r in (b, a))


def _nearest(rows, point) -> list:
    """The rows that miss the point by the fewest comparisons, nearest edge first (the rows whose edges leave the gap)."""
    scored = []
    for i, (_, rule) in enumerate(rows):
        if point["kind"] not in rule.applies_to:
            continue
        failing, distance = 0, 0.0
        for leaf in rule.when.leaves():
            if holds(leaf, point):
                continue
            failing += 1
            value = point.get(leaf.field)
            if isinstance(value, (int, float)) and isinstance(leaf.value, (int, float)) and not isinstance(leaf.value, bool):
                distance += abs(value - leaf.value)
        scored.append((failing, round(distance, 6), i))
    scored.sort()
    return [i for f, d, i in scored if (f, d) == scored[0][:2]] if scored else [0]
