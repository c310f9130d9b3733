"""The memo as the office prints it: plan tasks (each listed once, engine/facts/plan_tasks.py), counts taken from
the same lists the annexes print, the annexes in the office's format, and the sentences (memo_prose.py).

附件1 主要指标完成情况 / 附件2 推进较为滞后的任务 / 附件3 正常推进的任务 / 附件4 需进一步核实的任务:
each a four- or five-column table (序号, 目标任务, 完成情况, 牵头责任单位[, 责任领导]). ANNEXES is the
one column definition: memo.md / memo.html read it through `memo.annexes`, and
engine/render/docx_build.py builds memo.docx's tables (landscape sections) from it."""

from __future__ import annotations

from dataclasses import dataclass

from ..statuses import LAGGING_TASKS as LAGGING  # the memo's 未实现依时序推进: tasks 严重滞后, 滞后
from ..statuses import ON_TRACK_TASKS as NORMAL
from . import memo_prose as prose
from .context import Counts, ItemView, LagGroup, cn_date, counts_of, fold_duplicates


@dataclass(frozen=True)
class Column:
    head: str
    attr: str  # the ItemView field the cell shows
    width_mm: float  # the columns of an annex add up to TYPE_WIDTH_MM

    @property
    def percent(self) -> str:
        """The width as a share of the line, for HTML: 12 mm → 5.1"""
        return f"{self.width_mm * 100 / TYPE_WIDTH_MM:.1f}"


@dataclass(frozen=True)
class AnnexSpec:
    number: int
    key: str  # the MemoView list it prints
    title: str  # {n}: the number of rows; {year} {region} {period_label}
    columns: tuple


# the landscape annex section: A4 297 × 210 mm, margins 20 / 22 / 30 / 30 mm (type area 237 × 168 mm); the widths
# below add up to TYPE_WIDTH_MM and were chosen on the Fuling tables so that a row wraps the same in each column
TYPE_WIDTH_MM = 237
MARGINS_MM = {"top": 20, "bottom": 22, "left": 30, "right": 30}
_SEQ = Column("序号", "seqs_text", 12)
ANNEXES = (
    AnnexSpec(1, "indicators", "{year}年{region}主要指标{period_label}完成情况表",
              (_SEQ, Column("指标名称", "name", 44), Column("全年目标", "annual_target_text", 28),
               Column("完成情况", "progress_status_text", 125), Column("牵头责任单位", "lead_units_text", 28))),
    AnnexSpec(2, "lagging", "推进较为滞后的任务（{n}项）",
              (_SEQ, Column("目标任务", "text", 64), Column("完成情况", "progress_text", 118),
               Column("牵头责任单位", "lead_units_text", 26), Column("责任领导", "leaders_text", 17))),
    AnnexSpec(3, "normal", "正常推进的任务（{n}项）",
              (_SEQ, Column("目标任务", "text", 64), Column("完成情况", "progress_text", 137),
               Column("牵头责任单位", "lead_units_text", 24))),
    AnnexSpec(4, "unclear", "需进一步核实的任务（{n}项）",
              (_SEQ, Column("目标任务", "text", 55), Column("完成情况", "progress_text", 90),
               Column("牵头责任单位", "lead_units_text", 30), Column("需核实的内容", "plain_reason", 50))),
)


@dataclass(frozen=True)
class Annex:
    number: int
    label: str  # 附件2
    title: str  # 推进较为滞后的任务（15项）
    columns: tuple
    rows: tuple  # ItemView, one per plan task


@dataclass(frozen=True)
class MemoView:
    date: str
    date_cn: str
    counts: Counts
    rows_total: int
    tasks: tuple
    lagging: tuple
    lagging_groups: tuple
    normal: tuple
    unclear: tuple
    adjusted: tuple
    indicators: tuple
    missed_indicators: tuple
    merged: tuple
    annexes: tuple
    prose: prose.MemoProse


DOCUMENTED = (MemoView, Annex, Column, prose.MemoProse, prose.ProseGroup, prose.Item)  # docs/templates.md


def build_memo(result: dict, tasks: list[ItemView], indicators: list[ItemView], date: str) -> MemoView:
    plan = fold_duplicates(tasks)
    lagging = tuple(t for s in LAGGING for t in plan if t.status == s)
    lists = {"indicators": tuple(indicators), "lagging": lagging,
             "normal": tuple(t for t in plan if t.status in NORMAL), "unclear": tuple(t for t in plan if t.status == "待核实")}
    counts = counts_of([t.status for t in plan], [i.status for i in indicators])
    names = {"year": result["year"], "region": result["region"], "period_label": result["period_label"]}
    annexes = tuple(Annex(a.number, f"附件{a.number}", a.title.format(n=len(lists[a.key]), **names), a.columns,
                          lists[a.key]) for a in ANNEXES)
    groups = tuple(LagGroup(status=s, title=f"{s}的任务（{n}项）", tasks=tuple(t for t in lagging if t.status == s))
                   for s in LAGGING if (n := sum(1 for t in lagging if t.status == s)))
    adjusted = tuple(t for t in plan if t.status == "已调整")
    missed = tuple(i for i in indicators if i.status == "不达预期")
    merged = tuple(t for t in plan if t.also_seqs)
    text = _prose(result, counts, groups, missed, lists["unclear"], adjusted, merged, annexes, len(tasks))
    return MemoView(date=date, date_cn=cn_date(date), counts=counts, rows_total=len(tasks), tasks=plan, lagging=lagging,
                    lagging_groups=groups, normal=lists["normal"], unclear=lists["unclear"], adjusted=adjusted,
                    indicators=tuple(indicators), missed_indicators=missed, merged=merged, annexes=annexes, prose=text)


def _prose(result, counts, groups, missed, unclear, adjusted, merged, annexes, rows_total) -> prose.MemoProse:
    region, label = result["region"], result["period_label"]
    see = {a.number: a for a in annexes}
    unclear_intro = prose.unclear_intro(unclear)
    return prose.MemoProse(
        intro=f"现将{result['year']}年{region}政府工作报告重点任务{label}推进情况报告如下。",
        tasks_overview=prose.tasks_overview(counts, adjusted),
        indicators_overview=prose.indicators_overview(counts),
        note=prose.duplicate_note(rows_total, list(merged)),
        lagging_groups=tuple(prose.ProseGroup(g.title, tuple(prose.task_item(n, t) for n, t in enumerate(g.tasks, 1)))
                             for g in groups),
        no_lagging="本期没有推进较为滞后的任务。",
        indicator_items=tuple(prose.indicator_item(n, i) for n, i in enumerate(missed, 1)),
        no_missed="本期没有不达预期的主要指标。",
        unclear_intro=unclear_intro,
        attachments=tuple(f"{n}.{see[n].title}" for n in sorted(see)))
