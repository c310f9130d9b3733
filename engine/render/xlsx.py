"""ledger.xlsx, the 台账: sheets 任务 / 指标 / 督查发现 / 说明. Frozen header, filters, status cells coloured by
class, widths sized for Chinese. Text is always stored as text: a task text like "=HYPERLINK(…)" must never
become a formula in the office's Excel (CSV/formula injection)."""

from __future__ import annotations

import io
import re
import weakref
from copy import copy

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..statuses import SEVERITY_ZH
from .context import RenderContext
from .repro import as_of_time, normalise_zip

FILL_COLOURS = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE"}
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
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


def named_styles() -> list[NamedStyle]:
    """Every look a ledger cell can have, as named styles registered once per workbook: assigning a
    Font/Border/Alignment per cell makes openpyxl hash each object into its style tables (~1 s for a
    district ledger); a named style is looked up by name. Office users also see them in the style gallery."""
    def style(name, font, alignment, fill=None, number_format="General"):
        return NamedStyle(name=name, font=font, border=BORDER, alignment=alignment, number_format=number_format,
                          fill=fill or PatternFill())

    body, wide = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
    found = [style("督办表头", Font(name="黑体", bold=True), Alignment(horizontal="center", vertical="center"),
                   PatternFill("solid", fgColor="D9E1F2")),
             style("督办正文", Font(name="仿宋_GB2312"), body), style("督办正文换行", Font(name="仿宋_GB2312"), wide),
             style("督办百分比", Font(name="仿宋_GB2312"), body, number_format="0%")]
    found += [style(f"督办状态{colour}", Font(name="仿宋_GB2312"), body, PatternFill("solid", fgColor=rgb))
              for colour, rgb in FILL_COLOURS.items()]
    return found


def body_style(value, kind: str, colour: str | None = None) -> str:
    if colour:
        return f"督办状态{colour}"
    if kind == "wide":
        return "督办正文换行"
    return "督办百分比" if kind == "pct" and isinstance(value, (int, float)) else "督办正文"


_NAMED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # workbook → {style name: its NamedStyle}


def _named(ws, style: str):
    """The workbook's registered NamedStyle of that name, looked up once per workbook: `cell.style = name` searches
    the workbook's style names (a list built per call) for every cell."""
    found = _NAMED.setdefault(ws.parent, {})
    if style not in found:
        names = ws.parent._named_styles
        found[style] = names[style] if style in names.names else None
    return found[style]


def put(ws, row: int, col: int, value, style: str):
    cell = ws.cell(row=row, column=col)
    cell.value = value
    named = _named(ws, style)
    if named is None:
        cell.style = style  # a built-in style openpyxl registers on first use, or its own error for an unknown name
    else:
        cell._style = copy(named.as_tuple())  # exactly what openpyxl's `cell.style = name` assigns
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store a leading "=" as a formula
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    return cell


def sheet(wb, title: str, headers: list[str], rows: list[list], kinds: list[str], status_col: int | None = None,
          classes: list[str] | None = None):
    ws = wb.create_sheet(title)
    for col, head in enumerate(headers, 1):
        put(ws, 1, col, head, "督办表头")
    for r, values in enumerate(rows, 2):
        for col, (value, kind) in enumerate(zip(values, kinds), 1):
            put(ws, r, col, value, body_style(value, kind, classes[r - 2] if status_col == col and classes else None))
    ws.freeze_panes = "A2"
    print_setup(ws)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows) + 1, 2)}"
    for col, (head, kind) in enumerate(zip(headers, kinds), 1):
        longest = max([display_width(head) + 4] + [display_width(str(v[col - 1])) for v in rows if v[col - 1] is not None])
        ws.column_dimensions[get_column_letter(col)].width = min(longest + 2, MAX_WIDTH.get(kind, 16))
    return ws


def print_setup(ws) -> None:
    """Printed as offices print a ledger: A4 landscape, every column on the page width, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.horizontalCentered = True


def _value(item, attr):
    value = getattr(item, attr)
    if attr == "no" and isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)  # 序号 as a number, so Excel sorts 2 before 10
    return value if value not in ("", None) else None


def ledger_xlsx(ctx: RenderContext) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for style in named_styles():
        wb.add_named_style(style)
    kinds = [k for _, _, k in TASK_COLUMNS]
    sheet(wb, "任务", [h for h, _, _ in TASK_COLUMNS], [[_value(t, a) for _, a, _ in TASK_COLUMNS] for t in ctx.tasks],
          kinds, kinds.index("status") + 1, [t.status_class for t in ctx.tasks])
    kinds = [k for _, _, k in INDICATOR_COLUMNS]
    sheet(wb, "指标", [h for h, _, _ in INDICATOR_COLUMNS],
          [[_value(i, a) for _, a, _ in INDICATOR_COLUMNS] for i in ctx.indicators], kinds, kinds.index("status") + 1,
          [i.status_class for i in ctx.indicators])
    rows, classes = [], []
    for item in ctx.tasks + ctx.indicators:
        for f in item.findings:
            rows.append(["任务" if item.kind == "task" else "指标", item.no, item.id, f.rule, f.title, f.rule_version,
                         SEVERITY_ZH.get(f.severity, f.severity), f.status, f.escalation, f.message, f.quote, f.target_quote])
            classes.append({"error": "red", "warn": "yellow"}.get(f.severity, "green"))
    sheet(wb, "督查发现", FINDING_HEADERS, rows,
          ["normal"] * 9 + ["wide", "wide", "normal"], FINDING_HEADERS.index("严重程度") + 1, classes)
    about = [("工作区", ctx.workspace), ("地区", ctx.region), ("报告期", f"{ctx.period}（{ctx.period_label}）"),
             ("数据截至", ctx.as_of), ("时序进度", ctx.time_progress), ("规则摘要", ctx.rules_digest),
             ("数据摘要", ctx.data_digest), ("引擎", ctx.engine),
             ("颜色", "红：严重滞后、滞后、不达预期；黄：待核实；绿：正常推进、已完成、超时序、符合预期、符合时间节点要求")]
    sheet(wb, "说明", ["项目", "内容"], [list(r) for r in about], ["normal", "wide"])
    props = wb.properties
    when = as_of_time(ctx.as_of)
    props.title, props.subject = f"{ctx.region}{ctx.period_label}重点任务台账", ctx.title
    props.keywords = f"{ctx.workspace}; {ctx.period}; {ctx.as_of}; {ctx.rules_digest}; {ctx.data_digest}"
    props.description = ctx.provenance
    props.creator = props.lastModifiedBy = "duban"
    props.created = props.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue(), when)  # openpyxl stamps "modified" with the clock at save
