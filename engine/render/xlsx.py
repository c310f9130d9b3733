"""ledger.xlsx, the 台账: sheets 任务 / 指标 / 督查发现 / 说明. Frozen header, filters, status cells coloured by
class, widths sized for Chinese. Text is always stored as text: a task text like "=HYPERLINK(…)" must never
become a formula in the office's Excel (CSV/formula injection).

The workbook is written directly (xlsx_write.py: the bytes openpyxl writes for it, without importing openpyxl and
numpy, ~0.2 s of a fresh `duban check`, or building a cell object per value); a value it does not write itself (one
openpyxl would refuse or store differently: control characters, a bool, a date …) sends the whole ledger through
openpyxl (xlsx_openpyxl.py), as before."""

from __future__ import annotations

import re

from ..statuses import SEVERITY_ZH
from .context import RenderContext
from .repro import as_of_time

FILL_COLOURS = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE"}
FORMULA_START = ("=", "+", "-", "@")
MAX_WIDTH = {"wide": 60, "normal": 24}

TASK_COLUMNS = [("序号", "no", "normal"), ("任务编号", "id", "normal"), ("类别", "category", "normal"),
                ("工作任务", "text", "wide"), ("责任区领导", "leaders_text", "normal"),
                ("责任单位", "lead_units_text", "normal"), ("配合单位", "coop_units_text", "normal"),
                ("任务进展情况", "progress_text", "wide"), ("完成率", "ratio", "pct"), ("时序进度", "time_progress", "pct"),
                ("状态", "status", "status"), ("判定依据", "status_reason", "wide"), ("督办措施", "escalation", "normal")]
INDICATOR_COLUMNS = [("序号", "no", "normal"), ("指标编号", "id", "normal"), ("指标", "name", "wide"),
                     ("全年目标", "annual_target_text", "normal"), ("责任单位", "lead_units_text", "normal"),
                     ("完成情况", "progress_text", "wide"), ("评价", "status", "status"),
                     ("判定依据", "status_reason", "wide")]
FINDING_HEADERS = ["对象", "序号", "编号", "规则", "规则名称", "规则版本", "严重程度", "判定", "督办措施", "说明",
                   "引用原文", "目标原文"]


_WIDE = re.compile("[\u2e80-\U0010ffff]")


def display_width(text: str) -> int:
    """A CJK character (U+2E80 and above) is two columns wide in Excel's default font metrics."""
    return 2 * len(text) - len(_WIDE.sub("", text))


def column_widths(headers: list[str], rows: list[list], kinds: list[str]) -> list[int]:
    widths = []
    for col, (head, kind) in enumerate(zip(headers, kinds)):
        longest = max([display_width(head) + 4] + [display_width(str(v[col])) for v in rows if v[col] is not None])
        widths.append(min(longest + 2, MAX_WIDTH.get(kind, 16)))
    return widths


def body_style(value, kind: str, colour: str | None = None) -> str:
    if colour:
        return f"督办状态{colour}"
    if kind == "wide":
        return "督办正文换行"
    return "督办百分比" if kind == "pct" and isinstance(value, (int, float)) else "督办正文"


def _value(item, attr):
    value = getattr(item, attr)
    if attr == "no" and isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)  # 序号 as a number, so Excel sorts 2 before 10
    return value if value not in ("", None) else None


def ledger_sheets(ctx: RenderContext) -> list[tuple]:
    """Each sheet as (title, headers, rows, kinds, status column, row colours), in the workbook's order."""
    kinds = [k for _, _, k in TASK_COLUMNS]
    sheets = [("任务", [h for h, _, _ in TASK_COLUMNS], [[_value(t, a) for _, a, _ in TASK_COLUMNS] for t in ctx.tasks],
               kinds, kinds.index("status") + 1, [t.status_class for t in ctx.tasks])]
    kinds = [k for _, _, k in INDICATOR_COLUMNS]
    sheets.append(("指标", [h for h, _, _ in INDICATOR_COLUMNS],
                   [[_value(i, a) for _, a, _ in INDICATOR_COLUMNS] for i in ctx.indicators], kinds,
                   kinds.index("status") + 1, [i.status_class for i in ctx.indicators]))
    rows, classes = [], []
    for item in ctx.tasks + ctx.indicators:
        for f in item.findings:
            rows.append(["任务" if item.kind == "task" else "指标", item.no, item.id, f.rule, f.title, f.rule_version,
                         SEVERITY_ZH.get(f.severity, f.severity), f.status, f.escalation, f.message, f.quote, f.target_quote])
            classes.append({"error": "red", "warn": "yellow"}.get(f.severity, "green"))
    sheets.append(("督查发现", FINDING_HEADERS, rows, ["normal"] * 9 + ["wide", "wide", "normal"],
                   FINDING_HEADERS.index("严重程度") + 1, classes))
    about = [("工作区", ctx.workspace), ("地区", ctx.region), ("报告期", f"{ctx.period}（{ctx.period_label}）"),
             ("数据截至", ctx.as_of), ("时序进度", ctx.time_progress), ("规则摘要", ctx.rules_digest),
             ("数据摘要", ctx.data_digest), ("引擎", ctx.engine),
             ("颜色", "红：严重滞后、滞后、不达预期；黄：待核实；绿：正常推进、已完成、超时序、符合预期、符合时间节点要求")]
    sheets.append(("说明", ["项目", "内容"], [list(r) for r in about], ["normal", "wide"], None, None))
    return sheets


def ledger_properties(ctx: RenderContext) -> dict[str, str]:
    """The workbook's core properties (openpyxl's names), but its times."""
    return {"title": f"{ctx.region}{ctx.period_label}重点任务台账", "subject": ctx.title,
            "keywords": f"{ctx.workspace}; {ctx.period}; {ctx.as_of}; {ctx.rules_digest}; {ctx.data_digest}",
            "description": ctx.provenance, "creator": "duban", "lastModifiedBy": "duban"}


def ledger_xlsx(ctx: RenderContext) -> bytes:
    from . import xlsx_write

    sheets, properties, when = ledger_sheets(ctx), ledger_properties(ctx), as_of_time(ctx.as_of)
    data = xlsx_write.workbook(sheets, properties, when)
    if data is None:  # a value the direct writer leaves to openpyxl
        from .xlsx_openpyxl import ledger_workbook

        data = ledger_workbook(sheets, properties, when)
    return data
