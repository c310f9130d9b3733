"""Example facts written relative to parameters, and checked against derive's own definitions.

An example may write a number as an expression over parameters — `"{tolerance}"`,
`"{tolerance} + 0.01"`, `"0.75 - {tolerance}"`, `"-{ahead_margin}"` — so a boundary example stays on
the boundary when the office tunes the parameter (docs/rules.md §7). Only numbers, {参数名}, + and −:
nothing is evaluated as code.

`contradictions` checks the figures an example gives against how engine/derive.py computes them
(领先时序 = 完成率 − 时序进度; 落后时序 = 应完成进度 − 完成率 with 应完成进度 between 0 and the time progress
— counted targets are due in whole units; 增速差距 = 目标增速 − 实际增速; 数据滞后月数 = 报告月份 − 数据截止月);
the same test decides which sample points the decision-table checks (table_check.py) consider possible.
"""

from __future__ import annotations

import re

from .hints import show

EPS = 0.0011  # derive rounds to 4 decimals; examples are written to 2 or 3
_TOKEN = re.compile(r"\s*(?:(\{[^{}]*\})|([+\-−])|(\d+(?:\.\d+)?))")
NONNEGATIVE = ("ratio", "progress_len", "aims", "aims_unread", "stage_rank", "time_progress")


class ExprError(ValueError):
    """A Chinese message for an expression that cannot be read."""


def looks_like_expr(value) -> bool:
    return isinstance(value, str) and "{" in value


def param_expr(text: str, params: dict) -> float:
    """The value of `{tolerance} + 0.01`-style text; ExprError (Chinese) when it cannot be read."""
    pos, total, sign, expect_term = 0, 0.0, 1.0, True
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"「{text}」中「{text[pos:].strip()[:10]}」看不懂：只能写数字、{{参数名}}、加号和减号")
        pos = m.end()
        name, op, number = m.groups()
        if op:
            if not expect_term:
                sign, expect_term = (1.0 if op == "+" else -1.0), True
            elif op in "-−":
                sign = -sign
            continue
        if not expect_term:
            raise ExprError(f"「{text}」中两个数之间缺少加号或减号")
        if name:
            key = name[1:-1].strip()
            value = params.get(key)
            if key not in params:
                raise ExprError(f"「{text}」引用了未知的参数「{key}」")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ExprError(f"「{text}」引用的参数「{key}」不是数字（{show(value)}）")
            term = float(value)
        else:
            term = float(number)
        total, sign, expect_term = total + sign * term, 1.0, False
    if expect_term:
        raise ExprError(f"「{text}」不完整：加号或减号后缺少数字或参数")
    return round(total, 6)


def _f(value) -> str:
    return f"{value:g}"


def contradictions(fact: dict) -> list[str]:
    """What in this fact cannot come out of derive (Chinese, one sentence each); [] when consistent."""
    out = []
    get = fact.get
    for name in NONNEGATIVE:
        if isinstance(get(name), (int, float)) and get(name) < -EPS:
            out.append(f"{_ZH[name]} {_f(get(name))} 不能为负数")
    tp, ratio, lead, short = get("time_progress"), get("ratio"), get("lead"), get("shortfall")
    if tp is not None and tp > 1 + EPS:
        out.append(f"时序进度 {_f(tp)} 不能大于 1")
    if None not in (ratio, tp, lead) and abs(lead - (ratio - tp)) > EPS:
        out.append(f"领先时序应为 完成率 − 时序进度 = {_f(ratio)} − {_f(tp)} = {_f(round(ratio - tp, 4))}，示例写的是 {_f(lead)}")
    if None not in (ratio, tp, short) and not (-ratio - EPS <= short <= tp - ratio + EPS):
        out.append(f"落后时序应为 时序进度 − 完成率 = {_f(tp)} − {_f(ratio)} = {_f(round(tp - ratio, 4))}"
                   f"（个数类目标按整个计时可以更小，但不小于 −完成率），示例写的是 {_f(short)}")
    if None not in (short, lead) and short > -lead + EPS:
        out.append(f"落后时序 {_f(short)} 不能大于 −领先时序（{_f(-lead)}）")
    if None not in (ratio, lead) and tp is None and not (-EPS <= ratio - lead <= 1 + EPS):
        out.append(f"完成率 {_f(ratio)} 与领先时序 {_f(lead)} 推出的时序进度 {_f(round(ratio - lead, 4))} 不在 0 到 1 之间")
    if None not in (ratio, short) and tp is None and not (-EPS <= ratio + short <= 1 + EPS):
        out.append(f"完成率 {_f(ratio)} 与落后时序 {_f(short)} 推出的应完成进度 {_f(round(ratio + short, 4))} 不在 0 到 1 之间")
    actual, target, gap = get("growth_actual"), get("growth_target"), get("growth_shortfall")
    if None not in (actual, target, gap) and abs(gap - (target - actual)) > EPS * 10:
        out.append(f"增速差距应为 目标增速 − 实际增速 = {_f(target)} − {_f(actual)} = {_f(round(target - actual, 4))}，示例写的是 {_f(gap)}")
    month, end, lag = get("month"), get("data_end_month"), get("data_lag_months")
    if None not in (month, end, lag) and abs(lag - (month - end)) > EPS:
        out.append(f"数据滞后月数应为 报告月份 − 数据截止月 = {_f(month)} − {_f(end)} = {_f(month - end)}，示例写的是 {_f(lag)}")
    aims, unread = get("aims"), get("aims_unread")
    if None not in (aims, unread) and unread > aims + EPS:
        out.append(f"未读子目标数 {_f(unread)} 不能大于子目标数 {_f(aims)}")
    return out


_ZH = {"ratio": "完成率", "progress_len": "进展字数", "aims": "子目标数", "aims_unread": "未读子目标数", "stage_rank": "阶段序号",
       "time_progress": "时序进度"}
