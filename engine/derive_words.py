"""Readings a report states in words instead of figures (issue 14, mechanisms 6-7).

- completion without a number (已竣工, 已全部完工, 已建成投用 …): `done_stated`;
- the stage a milestone target demands (开工 2, 建成 4, 投用 5) against the stage reached: `stage_gap`;
- stated comparisons (低于目标1.2个百分点, 滞后序时进度6.5个百分点, 完成年度目标的61.5%, 超序时进度):
  a gap or ratio taken directly, only where no figure was matched (numbers decide first);
- the report's own verdict / approved-change / not-started words are flags (rules/lexicon/flags.yaml).
"""

from __future__ import annotations

import re

from .extract.comparisons import find_comparisons
from .extract.lexicon import get_lexicon
from .extract.matching import rung
from .extract.numbers import normalize
from .extract.subprojects import reached_count

# the rung a target's verb demands; 加快建设X / 推进Y (ongoing work) demand none
_VERB_RUNG = {"开工": 2, "开建": 2, "动工": 2, "新开工": 2, "开工建设": 2, "启动建设": 2,
              "建成": 4, "基本建成": 4, "全面建成": 4, "新建": 4, "建成改造": 4, "完工": 4, "基本完工": 4, "竣工": 4}
_FAMILY_RUNG = {"开工": 2, "投用": 5}
_PREPARATORY = ("前期工作", "前期", "可研", "规划设计", "方案设计")
# 全覆盖, 全面完成, 实现…全部: the aim is 100 %, so a stated rate (覆盖率92.3%) is the completion ratio
_IMPLICIT_FULL = re.compile(r"全覆盖|全面覆盖|全部覆盖|全域覆盖|全面完成|全部完成|全部建成|全面建成|全部改造|应(.)尽\1"
                            r"|实现[^，。；,]{0,12}(全部|全覆盖|100%)|100%(覆盖|完成)")
_RATE = re.compile(r"([\u4e00-\u9fff]{1,2})率")


def target_rung(target: dict, counted: bool = False) -> int | None:
    """The stage rank a milestone target asks for this year, or None (no stage named). `counted`: a count or amount
    target too (新建幼儿园2所 asks for buildings finished) — for a task whose report gave no comparable figure."""
    if target.get("kind") != "milestone" and not (counted and target.get("kind") in ("count", "amount")):
        return None
    obj = (target.get("object") or "").rstrip("。；，")
    if obj.endswith(_PREPARATORY):
        return 1  # 加快推进X前期工作: being at 前期 is the aim
    verb, family = target.get("verb") or "", target.get("verb_family")
    if verb in _VERB_RUNG:
        return _VERB_RUNG[verb]
    return _FAMILY_RUNG.get(family)


def add_word_readings(record: dict, evidence: dict, targets: list[dict], flag_names: list[str],
                      text: str, tp: float, measures: list[dict] | None = None) -> None:
    """Fill the fields read from words; never overwrite a figure matched from numbers."""
    # a count target whose report gave no comparable figure, only a stage (幼儿园主体均已完工): the stage tells. Under
    # way, only to clear it — a 仍在前期 or 未启动 anywhere in a long report may be about another of its parts; at 前期
    # as the highest stage named (4个菜市场均处于前期选址阶段), no part is further on, so it tells both ways
    stage_rank = record.get("stage_rank")
    counted = (not any(k in record for k in ("ratio", "growth_actual", "limit_excess")) and stage_rank is not None
               and (stage_rank <= 1 or not {"仍在前期", "未启动"} & set(flag_names)))
    rungs = [r for r in (target_rung(t, counted) for t in targets) if r is not None]
    if rungs:
        record["target_stage_rank"] = max(rungs)
        if "stage_rank" in record:
            record["stage_gap"] = record["target_stage_rank"] - record["stage_rank"]
            evidence["stage_gap"] = evidence.get("stage", {})
    needed = max(4, record.get("target_stage_rank", 4))  # 已完工 does not satisfy 建成投用
    if "已完成" in flag_names and "预计完成" not in flag_names and (stage_rank is None or stage_rank >= needed):
        record["done_stated"] = True  # a lower stage stated anywhere means part is not finished
    _stated_comparisons(record, evidence, targets, text, tp)
    _implicit_full_target(record, evidence, measures, text, tp)
    _enumerated_projects(record, evidence, targets, text, tp)


def _stated_comparisons(record: dict, evidence: dict, targets: list[dict], text: str, tp: float) -> None:
    found = find_comparisons(normalize(text))
    if not found:
        return
    growth_targets = [t for t in targets if t.get("kind") == "growth" and t.get("quantity") is not None]
    growth_task = bool(growth_targets) or record.get("target_kind") == "growth"
    for c in found:
        c["quote"] = text[c["span"][0]:c["span"][1]]
        quote = {"quote": c["quote"], "span": c["span"], "source": "progress", "reason": f"进展直接写明（{c['name']}）"}
        kind, value = c["kind"], c["value"]
        if kind == "target_ratio" and not growth_task and "ratio" not in record:
            _set_ratio(record, evidence, value, tp, quote)
        elif kind == "time_gap" and "ratio" not in record and "growth_shortfall" not in record:
            _set_ratio(record, evidence, round(tp - value, 4), tp, quote)
        elif kind == "target_gap" and "growth_shortfall" not in record and "ratio" not in record:
            record["growth_shortfall"] = value
            if growth_targets and growth_targets[0].get("direction") != "以内":
                target = growth_targets[0]
                record["growth_target"] = round(float(target["quantity"]), 4)
                record["growth_actual"] = round(float(target["quantity"]) - value, 4)
                if target.get("direction"):
                    record["direction"] = target["direction"]
                quote = dict(quote, target_quote=target.get("quote", ""))
            for key in ("growth_shortfall", "growth_target", "growth_actual"):
                if key in record:
                    evidence[key] = quote
        elif kind == "time_ahead":
            record["ahead_stated"] = True
            evidence["ahead_stated"] = quote


def _set_ratio(record: dict, evidence: dict, ratio: float, tp: float, quote: dict) -> None:
    if record.get("aims_unread"):
        record["aims_unread"] -= 1  # the words gave the figure the numbers did not
    record["ratio"] = ratio
    record["shortfall"] = round(tp - ratio, 4)
    record["lead"] = round(ratio - tp, 4)
    for key in ("ratio", "shortfall", "lead"):
        evidence[key] = quote


def _implicit_full_target(record: dict, evidence: dict, measures: list[dict] | None, text: str, tp: float) -> None:
    """全覆盖 / 全面完成 / 实现…全部 with no figure: a 覆盖率/完成率/安装率 X% in the progress is the ratio.
    The rate must name what the task names (覆盖 for 全覆盖) or be a plain 完成率."""
    task = record.get("text") or ""
    if record.get("quantified") or "ratio" in record or not measures or not _IMPLICIT_FULL.search(task):
        return
    best = None
    for m in measures:
        if m.get("forecast") or m.get("unit") != "%" or m.get("kind") not in ("ratio", "progress_pct"):
            continue
        start = m["span"][0]
        found = _RATE.findall(text[max(0, start - 10):start] + "|" + (m.get("context") or ""))
        rate = found[-1] if found else None  # the rate word nearest the figure
        if rate is None or not (rate[-1] == "成" or rate in task or rate[-1] in task):
            continue
        value = round(float(m["quantity"]) / 100, 4)
        if 0 <= value <= 1.5 and (best is None or value < best[0]):
            best = (value, m)
    if best:
        value, m = best
        quote = {"quote": m.get("quote", ""), "span": m.get("span"), "source": "progress",
                 "reason": "目标为全覆盖/全面完成（即100%），进展中的比率即完成率"}
        _set_ratio(record, evidence, value, tp, quote)


def _enumerated_projects(record: dict, evidence: dict, targets: list[dict], text: str, tp: float) -> None:
    """建成城乡社区综合服务体试点5个 against `A、B、C、D综合服务体已基本建成，E正开展改建`: 4 of 5 reached
    the stage 建成 demands. Read only when no figure was matched."""
    if "ratio" in record:
        return
    lx = get_lexicon()
    for t in targets:
        need = rung(lx, t.get("verb"))
        if t.get("kind") != "count" or not t.get("quantity") or need is None or need < 2:
            continue
        found = reached_count(text, need)
        if found is None:
            continue
        reached, named, items = found
        quote = "；".join(i["quote"] for i in items if i["rank"] >= need)
        _set_ratio(record, evidence, round(reached / float(t["quantity"]), 4), tp, {
            "quote": quote, "span": items[0]["span"], "source": "progress", "target_quote": t.get("quote", ""),
            "reason": f"逐项列出的项目中{reached}个已达到目标要求的阶段（共列出{named}个有阶段的项目）"})
        record["subprojects_reached"] = reached
        return
