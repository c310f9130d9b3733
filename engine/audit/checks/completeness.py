"""Completeness: every plan item has progress for the period, a lead unit and (tasks) a leader."""

from __future__ import annotations

from ..model import Context, Finding, check


def _is_placeholder(text: str, placeholders: list[str]) -> bool:
    stripped = text.strip().strip("。.；;，,").strip()
    return not stripped or stripped in placeholders


@check("A-CP-01", "本期缺少进展")
def missing_progress(ctx: Context):
    """A plan task or indicator with no progress entry for the period: the report would silently drop it."""
    for u in ctx.units:
        if u.entry is None:
            yield Finding(
                "A-CP-01", "error", u.target(), u.item.text[:60],
                f"计划中的{'指标' if u.item.kind == 'indicator' else '任务'}在 {ctx.period} 没有进展",
                "请牵头单位补报本期进展；如该任务本期确实不报，在进展文件中写明原因")


@check("A-CP-02", "进展为空或只有占位符")
def placeholder_progress(ctx: Context):
    """Progress that is empty or only "/", "暂无", "同上": nothing to judge, and 同上 depends on row order."""
    for u in ctx.units:
        if u.entry is None or not _is_placeholder(u.entry.text or "", ctx.terms["placeholders"]):
            continue
        # indicator tables use "/" by convention for 暂无数据 (with a footnote), so only warn there
        severity = "warn" if u.item.kind == "indicator" else "error"
        shown = (u.entry.text or "").strip() or "（空）"
        yield Finding("A-CP-02", severity, u.target(field="progress"), shown,
                      f"进展只有「{shown}」，没有实际内容", "请补写本期实际进展（做了什么、数字、时间节点）")


@check("A-CP-03", "缺少牵头单位")
def missing_lead_unit(ctx: Context):
    """No 牵头责任单位: nobody is accountable for the item in the memo."""
    for u in ctx.units:
        if not u.item.lead_units:
            yield Finding("A-CP-03", "error", u.target(field="units"), u.item.text[:60], "没有牵头责任单位",
                          "在计划（plan.yaml 的 lead_units）中补充牵头责任单位")


@check("A-CP-04", "缺少牵头领导")
def missing_leader(ctx: Context):
    """A task with no 牵头领导. Indicator tables carry no leaders, so only tasks are checked; a task with
    no category was added from a progress table (not in the decomposition plan), so that is only info."""
    for u in ctx.units:
        if u.item.kind != "task" or u.item.leaders:
            continue
        from_plan = bool(u.item.category)
        yield Finding(
            "A-CP-04", "warn" if from_plan else "info", u.target(field="units"), u.item.text[:60],
            "没有牵头领导" if from_plan else "没有牵头领导（该任务不在分解方案中，是从进展表导入的新条目）",
            "在计划中补充牵头领导" if from_plan else "核对该任务是否对应分解方案中的某项任务；是则合并，否则补充牵头领导")
