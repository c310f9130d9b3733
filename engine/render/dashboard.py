"""What dashboard.html shows beyond the render context: the rows in the report's own 序号 order, and the chart
section's numbers (lagging share by responsible unit, by leader, by category; the trend per unit when earlier
periods were judged). Every number counts plan tasks, as the memo does (engine/facts/plan_tasks.py): a task the
progress table lists under two 序号 counts once, with its most urgent row's status; the task table itself
still shows every row of the report."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..audit.memo_read import cn_number
from ..facts.plan_tasks import group_rows, lead_row
from ..statuses import LAGGING_TASKS, STATUS_RANK
from .context import RenderContext

UNCATEGORISED = "未分类"
MAX_DRAWN = 20  # more groups than this: only those with a lagging task are drawn, the rest are counted
_SEQ_NOISE = re.compile(r"[\s()（）、.．,，:：第项号#]")


@dataclass(frozen=True)
class ShareBar:
    group: str
    total: int
    lagging: int
    serious: int

    @property
    def share(self) -> float:
        return self.lagging / self.total if self.total else 0.0


@dataclass(frozen=True)
class ShareChart:
    key: str
    title: str
    bars: tuple
    not_drawn: int  # groups without a lagging task left out of a long chart


@dataclass(frozen=True)
class Decided:
    """What the 判定依据 cell shows: the figure the status came from, not always the completion ratio.
    kind: ratio (完成率 against 时序进度), growth (增速 against its target), words (a reported fact with no
    figure: the rule's title), none (nothing judged by a figure)."""
    kind: str
    value: float | None = None
    mark: float | None = None  # the dashed line: time progress, or the growth target
    text: str = ""

    def width(self, full: int) -> str:
        """Bar length in px: a ratio of 1, or the growth target, is the whole bar (longer values are capped)."""
        scale = self.mark if self.kind == "growth" else 1.0
        share = (self.value or 0.0) / scale if scale and scale > 0 else 0.0
        return f"{full * min(max(share, 0.0), 1.0):.1f}"

    def mark_at(self, full: int) -> str:
        return f"{full * (1.0 if self.kind == 'growth' else min(max(self.mark or 0.0, 0.0), 1.0)):.1f}"


# evidence values that mean a finding was decided by a figure of this kind
_RATIO_KEYS = {"ratio", "shortfall", "lead", "time_progress"}
_GROWTH_KEYS = {"growth_shortfall", "growth_actual", "growth_target"}


@dataclass(frozen=True)
class TrendPoint:
    period: str
    total: int
    lagging: int

    @property
    def share(self) -> float:
        return self.lagging / self.total if self.total else 0.0


@dataclass(frozen=True)
class UnitTrend:
    unit: str
    points: tuple


def seq_key(seq: str | None) -> tuple | None:
    """The number a 序号 means: 12, １２, 十二, （十二）, 12-1 → (12, 1); None when it names no number."""
    text = unicodedata.normalize("NFKC", seq or "").strip()
    digits = re.findall(r"\d+", text)
    if digits:
        return tuple(int(d) for d in digits)
    number = cn_number(_SEQ_NOISE.sub("", text)) if text else None
    return (number,) if number is not None else None


def report_order(items) -> tuple:
    """Rows sorted by 序号 as a number; rows without one keep plan order after the numbered ones."""
    keyed = [(seq_key(item.seq), n, item) for n, item in enumerate(items)]
    numbered = sorted((k, n, item) for k, n, item in keyed if k is not None)
    return tuple(item for _, _, item in numbered) + tuple(item for k, _, item in keyed if k is None)


def _share_chart(key: str, title: str, groups_of, tasks) -> ShareChart:
    bars: dict[str, list[int]] = {}
    for task in tasks:
        for group in groups_of(task):
            counts = bars.setdefault(group, [0, 0, 0])
            counts[0] += 1
            counts[1] += task.status in LAGGING_TASKS
            counts[2] += task.status == "严重滞后"
    drawn = [ShareBar(g, *c) for g, c in bars.items()]
    drawn.sort(key=lambda b: (-b.share, -b.lagging, b.group))
    if len(drawn) > MAX_DRAWN:
        kept = [b for b in drawn if b.lagging]
        return ShareChart(key, title, tuple(kept), len(drawn) - len(kept))
    return ShareChart(key, title, tuple(drawn), 0)


def share_charts(ctx: RenderContext) -> tuple:
    tasks = ctx.memo.tasks  # one per plan task
    return (
        _share_chart("unit", "按责任单位", lambda t: t.lead_units or ("（未注明责任单位）",), tasks),
        _share_chart("leader", "按责任区领导", lambda t: t.leaders or ("（未注明区领导）",), tasks),
        _share_chart("category", "按任务类别", lambda t: (t.category or UNCATEGORISED,), tasks),
    )


def unit_trends(ctx: RenderContext) -> tuple:
    """Per responsible unit, the lagging share in every judged period (earlier ones from history_statuses).
    Units that never lagged are left out; an empty tuple when only one period was judged."""
    earlier = ctx.result.get("history_statuses") or {}
    if not earlier:
        return ()
    periods = [*sorted(earlier), ctx.period]
    statuses = {**{p: earlier[p] for p in earlier}, ctx.period: {t.id: t.status for t in ctx.tasks}}
    plan = group_rows(ctx.tasks, lambda t: t.id, lambda t: t.duplicate_of)  # the rows of each plan task
    units = sorted({u for t in ctx.tasks for u in t.lead_units})
    trends = []
    for unit in units:
        mine = [rows for rows in plan if unit in lead_row(rows, lambda r: r.status).lead_units]
        points = []
        for p in periods:
            judged = [lead_row(seen, lambda s: s) for seen in
                      ([statuses[p][r.id] for r in rows if r.id in statuses[p]] for rows in mine) if seen]
            points.append(TrendPoint(p, len(judged), sum(s in LAGGING_TASKS for s in judged)))
        if any(pt.lagging for pt in points):
            trends.append(UnitTrend(unit, tuple(points)))
    return tuple(trends)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def decided(item, metrics: dict, time_progress: float) -> Decided:
    """The figure that decided item's status: the first finding of the item's own status (most severe first),
    read by which values its evidence carries; with no such finding, the ratio, else the growth, else nothing."""
    tp = item.time_progress if item.time_progress is not None else time_progress
    growth = Decided("growth", metrics.get("growth_actual"), metrics.get("growth_target"))
    if growth.value is not None and growth.mark is not None:
        growth = Decided("growth", growth.value, growth.mark,
                         f"增速{_fmt(growth.value)}%，目标{_fmt(growth.mark)}%")
    else:
        growth = None
    ratio = Decided("ratio", item.ratio, tp) if item.ratio is not None else None
    for finding in item.issues:
        keys = set(finding.values)
        if keys & _GROWTH_KEYS and growth:
            return growth
        if keys & _RATIO_KEYS and ratio:
            return ratio
        if not keys:
            return Decided("words", text=finding.title)
    return ratio or growth or Decided("none")


def decided_figures(ctx: RenderContext) -> dict:
    metrics = {raw["id"]: raw.get("metrics") or {} for raw in (*ctx.result["tasks"], *ctx.result["indicators"])}
    return {item.id: decided(item, metrics.get(item.id, {}), ctx.time_progress) for item in (*ctx.tasks, *ctx.indicators)}


def rule_tables(ctx: RenderContext) -> dict:
    """rule id → 决策表「时序进度」第 5 行, for the rules that are decision-table rows (result.json rules[].table)."""
    return {r["id"]: f"决策表「{r['table']['name']}」第 {r['table']['row']} 行" for r in ctx.rules if r.get("table")}


def footer_facts(ctx: RenderContext) -> str:
    """The technical provenance, for the collapsed footer: clerks read the header, auditors open this."""
    return (f"数据目录 {ctx.workspace} · 报告期 {ctx.period} · 数据截至 {ctx.as_of} · 规则摘要 {ctx.rules_digest} · "
            f"数据摘要 {ctx.data_digest} · 判定引擎 {ctx.engine}")


def dashboard_extras(ctx: RenderContext) -> dict:
    """The names dashboard.html.j2 gets besides the render context (docs/templates.md, 看板)."""
    trends = unit_trends(ctx)
    return {"report_tasks": report_order(ctx.tasks), "report_indicators": report_order(ctx.indicators),
            "share_charts": share_charts(ctx), "unit_trends": trends,
            "trend_periods": tuple(p.period for p in trends[0].points) if trends else (),
            "status_rank": STATUS_RANK, "decided": decided_figures(ctx), "footer_facts": footer_facts(ctx),
            "rule_tables": rule_tables(ctx)}
