"""The status vocabulary, defined once: the statuses a task or indicator can get, their groups, colours and order,
and the severities of a finding. Every module that asks "is this lagging?" or "what colour is this?" imports
from here (rulebook, judge, render, audit, agreement, rollup).

The groups:
- LAGGING: what counts as behind (red) — tasks 严重滞后 / 滞后, indicators 不达预期. JUnit failures, the audit's
  filed-vs-judged check, the roll-up's lagging counts and the 连续滞后 history use it.
- LAGGING_TASKS: the task statuses among them; a lead unit with such a task gets a 督办通知单, and the memo's
  「未实现依时序推进」 count adds them up.
- ON_TRACK_TASKS: the task statuses the memo counts as 依时序推进.
- OK: every status that is not behind and not unclear, for tasks and indicators (what a filed status
  「正常」 may be matched against).
- UNCLEAR: 待核实 — no rule decided; JUnit skips it, the colour is yellow.
"""

from __future__ import annotations

STATUSES_TASK = ("已完成", "超时序", "正常", "滞后", "严重滞后", "待核实", "已调整")  # 已调整: an approved change
STATUSES_INDICATOR = ("符合预期", "符合时间节点要求", "不达预期", "待核实")
ALL_STATUSES = tuple(dict.fromkeys(STATUSES_TASK + STATUSES_INDICATOR))

UNCLEAR = "待核实"
APPROVED_CHANGE = "已调整"  # 经批准暂缓/取消/调整: its own class, neither normal nor lagging
LAGGING = ("严重滞后", "滞后", "不达预期")
LAGGING_TASKS = ("严重滞后", "滞后")
ON_TRACK_TASKS = ("已完成", "超时序", "正常")
OK = ("正常", "已完成", "超时序", "符合预期", "符合时间节点要求")

# 红 / 黄 / 绿: the colour every output (ledger, dashboard, roll-up) uses for a status
RED = LAGGING
YELLOW = (UNCLEAR,)

# the sort order of a 状态 column: the most urgent first
STATUS_RANK = {"严重滞后": 0, "滞后": 1, "不达预期": 1, "待核实": 2, "已调整": 3, "正常": 3, "符合时间节点要求": 3,
               "超时序": 4, "符合预期": 4, "已完成": 5}

# most urgent first, one status per rank: a plan task listed twice, once 滞后 and once 正常, is reported as 滞后
URGENCY = ("严重滞后", "滞后", "不达预期", "待核实", "已调整", "正常", "超时序", "已完成", "符合时间节点要求", "符合预期")

SEVERITIES = ("error", "warn", "info")
SEVERITY_ZH = {"error": "错误", "warn": "警告", "info": "提示"}
SEVERITY_RANK = {s: k for k, s in enumerate(SEVERITIES)}  # error 0, warn 1, info 2


def status_class(status: str | None) -> str:
    """red / yellow / green, the colour every output uses for a status."""
    if status in RED:
        return "red"
    if status in YELLOW:
        return "yellow"
    return "green"


def severity_rank(severity: str | None, unknown: int = 9) -> int:
    """The sort key of a severity: error first; an unknown one after all known ones."""
    return SEVERITY_RANK.get(severity, unknown)
