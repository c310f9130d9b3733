"""Consistency: the same task listed twice with different progress, a text that claims completion
while the numbers fall short, a filed status (reported_status) that the evidence contradicts."""

from __future__ import annotations

import difflib
import re

from ...statuses import LAGGING, OK
from ..model import Context, Finding, Unit, check

_PUNCT = re.compile(r"[\s，。、；：！？,.;:!?“”‘’\"'（）()《》〈〉【】\[\]—\-]")
STALL_FLAGS = ("暂缓", "暂停", "无进展", "未启动", "无法按期", "未实现时序")


def _norm(text: str) -> str:
    return _PUNCT.sub("", text or "")


def _grams(text: str) -> set:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def duplicate_pairs(ctx: Context) -> list[tuple[Unit, Unit]]:
    """(first, later) pairs: plan items with duplicate_of, and items of one kind whose task texts are the
    same or nearly so (bigram overlap ≥ 0.85 — 联系重点项目 / 联系重点企业 stays apart). A task listed
    four times gives three pairs, each with its first listing."""
    if "dup_pairs" not in ctx.cache:
        ctx.cache["dup_pairs"] = _duplicate_pairs(ctx)
    return ctx.cache["dup_pairs"]


def _duplicate_pairs(ctx: Context) -> list[tuple[Unit, Unit]]:
    order = {u.item.id: k for k, u in enumerate(ctx.units)}
    by_id = {u.item.id: u for u in ctx.units}
    parent = {u.item.id: u.item.id for u in ctx.units}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    def join(a: str, b: str) -> None:
        ra, rb = sorted((root(a), root(b)), key=order.get)
        parent[rb] = ra

    for u in ctx.units:
        if u.item.duplicate_of in by_id:
            join(u.item.duplicate_of, u.item.id)
    # Jaccard ≥ 0.85 needs sizes within 0.85 of each other: compare neighbours by size only
    grams = sorted(((u, _grams(_norm(u.item.text))) for u in ctx.units), key=lambda x: len(x[1]))
    for i, (a, ga) in enumerate(grams):
        for b, gb in grams[i + 1:]:
            if len(ga) < 0.85 * len(gb):
                break
            if a.item.kind == b.item.kind and ga and len(ga & gb) >= 0.85 * len(ga | gb):
                join(a.item.id, b.item.id)
    return [(by_id[root(u.item.id)], u) for u in ctx.units if root(u.item.id) != u.item.id]


def _clause(text: str, start: int, end: int) -> str:
    lo = max((text.rfind(c, 0, start) for c in "，。；;,"), default=-1) + 1
    hi = min((k for k in (text.find(c, end) for c in "，。；;,") if k >= 0), default=len(text))
    return text[lo:hi].strip() or text[max(0, start - 8):end + 8]


def _first_difference(a: str, b: str) -> tuple[str, str]:
    """The clauses around the largest change between two texts, one from each."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ops = [o for o in sm.get_opcodes() if o[0] != "equal"]
    if not ops:
        return "", ""
    op, i1, i2, j1, j2 = max(ops, key=lambda o: max(o[2] - o[1], o[4] - o[3]))
    return _clause(a, i1, i2), _clause(b, j1, j2)


@check("A-CS-01", "重复任务进展不一致")
def duplicated_tasks(ctx: Context):
    """The same task listed twice (plan items with duplicate_of, or identical task texts). Different
    progress texts mean one of them is outdated: warn. Identical ones only inflate the count: info."""
    for first, later in duplicate_pairs(ctx):
        if first.entry is None or later.entry is None:
            continue
        a, b = first.entry.text, later.entry.text
        ref = f"序号{first.seq}（{first.item.id}）"
        if _norm(a) == _norm(b):
            what = "进展相同" if a == b else "进展仅标点不同"
            yield Finding("A-CS-01", "info", later.target(field="progress", duplicate_of=first.item.id), later.item.text[:40],
                          f"与{ref}是同一任务，重复列出（{what}）", "确认是否需要重复列出；如不需要，删去一处并核对任务总数")
            continue
        old, new = _first_difference(a, b)
        yield Finding(
            "A-CS-01", "warn", later.target(field="progress", duplicate_of=first.item.id), new,
            f"与{ref}是同一任务，但两处进展不同：{ref}写作「{old}」，此处写作「{new}」",
            "两处进展以最新情况为准统一（或删去重复的一处），并核对任务总数")


def _claims(ctx: Context, u: Unit) -> str | None:
    """The words by which the progress says the task is done, if any."""
    text = u.entry.text
    for flag in u.entry.flags:
        span = flag.get("span") or (0, 0)
        if flag.get("name") in ("已完成", "超过目标") and not _about_parts(ctx, _clause(text, span[0], span[1])):
            return flag.get("quote") or flag["name"]
    for word in ctx.terms["completion_claims"]:
        at = text.find(word)
        if at >= 0 and not _hedged(ctx, text, at):
            return word
    for word in ctx.terms["completion_claims_end"]:
        for m in re.finditer(re.escape(word) + r"(?=[，。；;,]|$)", text):
            if not _hedged(ctx, text, m.start()) and not _about_parts(ctx, _clause(text, m.start(), m.end())):
                return word
    return None


def _about_parts(ctx: Context, clause: str) -> bool:
    """龙马大道…整治工程、小田溪社区…综合整治项目已完工 / 其中3个项目已建成: named parts of the task are done,
    which says nothing against a figure that falls short. 15个乡镇、街道已全部完成 still claims the whole."""
    if any(w in clause for w in ctx.terms["completion_whole_words"]):
        return False
    return "、" in clause or any(w in clause for w in ctx.terms["completion_part_words"])


def _hedged(ctx: Context, text: str, at: int) -> bool:
    """秋冬季将全面完成任务, 力争年底前全面完成: a forecast, not a claim."""
    lo = max((text.rfind(c, 0, at) for c in "，。；;,"), default=-1) + 1
    clause = text[lo:at]
    return any(w in clause for w in (*ctx.terms["forecast_words"], "将", "未", "可", "能", "年底前", "年内"))


@check("A-CS-02", "称已完成但数字未达到")
def claimed_complete(ctx: Context):
    """The text says 已完成 / 已建成 / 超过目标 while the engine's numbers fall short (ratio < 1, or the
    growth is below target): either the wording or the figure is wrong."""
    for u in ctx.units:
        if u.entry is None or not u.result:
            continue
        metrics = u.result.get("metrics") or {}
        ratio, gap = metrics.get("ratio"), metrics.get("growth_shortfall")
        short = (ratio is not None and ratio < 1) or (gap is not None and gap > 0)
        claim = _claims(ctx, u) if short else None
        if not claim:
            continue
        numbers = f"完成率 {ratio:.0%}" if ratio is not None and ratio < 1 else f"增速比目标低 {gap:g} 个百分点"
        yield Finding("A-CS-02", "warn", u.target(field="progress"), claim,
                      f"进展称「{claim}」，但按数字{numbers}（{u.result.get('status')}）",
                      "核对数字与表述：未完成的不写“已完成”，或补充完成的依据")


def _stall(ctx: Context, u: Unit) -> str | None:
    for flag in u.entry.flags:
        if flag.get("name") in STALL_FLAGS:
            return flag.get("quote") or flag["name"]
    return next((w for w in ctx.terms["stall_words"] if w in u.entry.text), None)


@check("A-CS-03", "上报状态与证据矛盾")
def filed_status(ctx: Context):
    """reported_status (the status the source table filed) against the evidence: filed 正常 while the
    progress says 无进展 / 暂缓, or while the engine judged 滞后 / 严重滞后 (error when the engine's
    finding is itself an error). Filed 滞后 while the engine judged it done is only info."""
    for u in ctx.units:
        filed = u.entry.reported_status if u.entry else None
        if not filed or not u.result:
            continue
        judged = u.result.get("status")
        severe = max((f.get("severity") for f in u.result.get("findings") or [] if f.get("status") == judged),
                     key=lambda s: {"error": 2, "warn": 1}.get(s, 0), default=None)
        stall = _stall(ctx, u) if filed in OK else None
        target = u.target(field="progress", reported_status=filed, status=judged)
        if stall:
            yield Finding("A-CS-03", "error", target, stall, f"上报为「{filed}」，但进展写明「{stall}」",
                          f"核实后改报为「滞后」或补充说明（引擎判定：{judged}）")
        elif filed in OK and judged in LAGGING:
            yield Finding("A-CS-03", "error" if severe == "error" else "warn", target,
                          _evidence_quote(u), f"上报为「{filed}」，引擎判定为「{judged}」：{u.result.get('status_reason', '')}",
                          "核实数字；确属滞后的改报，并列入未实现“依时序推进”的附件")
        elif filed in LAGGING and judged in OK:
            yield Finding("A-CS-03", "info", target, _evidence_quote(u),
                          f"上报为「{filed}」，引擎判定为「{judged}」", "核实是否仍需列为滞后")


def _evidence_quote(u: Unit) -> str:
    for finding in u.result.get("findings") or []:
        if finding.get("status") == u.result.get("status"):
            quote = (finding.get("evidence") or {}).get("quote")
            if quote:
                return quote
    return (u.entry.text if u.entry else u.item.text)[:40]
