"""Target ↔ measure matching: same kind, convertible unit, compatible verb family, similar object.

Precision first: a wrong ratio misleads the supervisor more than a missing one, so a measure
is taken only with positive evidence (same verb family or a similar object name), or when it
is the only comparable figure for the only target of its kind.
"""

from __future__ import annotations

from functools import lru_cache

from .lexicon import Lexicon
from .units import convert

MIN_SIM = 0.34  # object similarity that counts as evidence on its own
# head nouns that name a kind of thing, not the thing: 招商推介活动 is measured by 推介会, 宣传活动 by 宣讲
GENERIC_HEADS = ("活动", "工作", "行动")
# 实施城市更新项目20个 — 开工18个，完工7个: a project carried out this year counts once it has started, as offices
# count it; the one figure at the 开工 rung is the actual
STARTED_VERBS = ("实施",)
_KINDS = {"growth": ("growth",), "ratio": ("ratio",), "amount": ("amount", "count"),
          "count": ("count", "amount")}


@lru_cache(maxsize=1 << 15)
def _grams(s: str) -> frozenset[str]:
    """Character bigrams (cached: the same names are compared for every period and every target)."""
    if not s:
        return frozenset()
    g = frozenset({s[i:i + 2] for i in range(len(s) - 1)})
    return g or frozenset((s,))


def similarity(a: str, b: str) -> float:
    return _similarity(_grams(a), b)


def _similarity(ga: frozenset[str], b: str) -> float:
    gb = _grams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


@lru_cache(maxsize=64)
def _period_month(period: str | None) -> int | None:
    try:
        return int(str(period).split("-")[1])
    except (IndexError, ValueError):
        return None


def _head(obj: str) -> str:
    """The head noun's last character, looked for in the measure's words: 园区 vs 工厂 differ; a generic head
    (招商推介活动) is read through to the word before it (推介), so 招商推介会 measures it."""
    for generic in GENERIC_HEADS:
        if obj.endswith(generic) and len(obj) > len(generic):
            return obj[-len(generic) - 1]
    return obj[-1]


def _named(m: dict) -> bool:
    """Whether a measure names what it counts (an object, or words before its figure)."""
    return bool(m.get("context") or m.get("object"))


_TARGET_RUNG = {"新建": 4}  # 新建幼儿园2所 asks for buildings finished, as 建成 does (the stage lexicon has no 新建)
_PARTS = ("主体", "土建", "基础工程", "主体工程", "主体结构")  # 2所幼儿园主体均已完工: the structure, not the building


def measure_rung(lx: Lexicon, m: dict) -> int | None:
    """The stage a figure reports: its verb's rung, but 完工/建成 of a building's 主体 or 土建 is the structure only
    (主体施工, 3), as the stage reading has it."""
    r = rung(lx, m.get("verb"))
    if r is not None and r >= 4 and any(p in (m.get("object") or "") + (m.get("context") or "") for p in _PARTS):
        return 3
    return r


def rung(lx: Lexicon, verb: str | None) -> int | None:
    """The stage a verb names (开工 2 … 完工/建成 4 … 投用 5), from the stage lexicon; None for 新建, 完成…"""
    return lx.verb_rungs.get(verb) if verb else None


def mark_copies(targets: list[dict], measures: list[dict], text: str) -> list[dict]:
    """Measures that only repeat a target's own words (改造5座公厕：已完成3座): copies flagged `copied`.
    A repeat counts only as a heading — at the start of the text or of a sentence, or followed by ：
    — and only when another figure in the same unit is there to be the actual."""
    out = measures
    for t in targets:
        quote = t.get("quote") or ""
        if t.get("quantity") is None or len(quote) < 3:
            continue
        for j, m in enumerate(measures):
            if m.get("copied") or m["quantity"] != t["quantity"] or m["unit"] != t.get("unit"):
                continue
            at = text.find(quote, max(0, m["span"][0] - len(quote)), m["span"][1] + len(quote))
            if at < 0:
                continue
            before, after = text[:at].rstrip()[-1:], text[at + len(quote):at + len(quote) + 1]
            heading = before in ("", "。", "；", ";", "\n", "】", "）") or after in ("：", ":")
            others = any(k != j and o["unit"] == m["unit"] and not o.get("forecast") for k, o in enumerate(measures))
            if heading and others:
                if out is measures:
                    out = [dict(x) for x in measures]
                out[j]["copied"] = True
                _under_heading(out, j, t, text)
    return out


def _under_heading(measures: list[dict], j: int, t: dict, text: str) -> None:
    """The figures after a copied heading, up to the sentence end, report on the heading's task:
    改造5座公厕：已完成3座 — 完成 here means 改造."""
    end = min([p for p in (text.find(c, measures[j]["span"][1]) for c in "。；;\n") if p >= 0] or [len(text)])
    for m in measures[j + 1:]:
        if m["span"][0] >= end:
            break
        if m["unit"] == measures[j]["unit"] and not m.get("copied") and t.get("verb_family"):
            m["also_families"] = [*m.get("also_families", ()), t["verb_family"]]
            if not m.get("context"):
                m["context"] = t.get("object") or ""


def mark_list_totals(measures: list[dict]) -> list[dict]:
    """13个治理项目，已完工9个，正在施工4个: a count that later figures of its unit add up to is the size of
    the list they break down, not an actual (role `list`, as 15个项目中 already is)."""
    out = measures
    for j in range(len(measures) - 2):  # (two later figures at least are needed to add up to it)
        m = measures[j]
        if m.get("kind") != "count" or m.get("role") or not m.get("quantity"):
            continue
        unit = m.get("unit")
        later = [o["quantity"] for o in measures[j + 1:j + 5] if o.get("unit") == unit and o.get("kind") == "count"
                 and not o.get("forecast") and o.get("quantity")]
        for k in range(2, len(later) + 1):
            if abs(sum(later[:k]) - m["quantity"]) < 1e-9:
                if out is measures:
                    out = [dict(x) for x in measures]
                out[j]["role"] = "list"
                break
    return out


_CONVERTIBLE: dict[int, tuple] = {}  # id(lexicon) → (lexicon, {(from unit, to unit): convertible})


def _convertible(lx: Lexicon) -> dict:
    cached = _CONVERTIBLE.get(id(lx))
    if cached is None or cached[0] is not lx:
        if len(_CONVERTIBLE) > 8:
            _CONVERTIBLE.clear()
        cached = _CONVERTIBLE[id(lx)] = (lx, {})
    return cached[1]


def _measure_view(lx: Lexicon, m: dict, month: int | None) -> tuple:
    """What match reads of a measure, read once per text rather than once per target: (unit, family,
    verb, lexicon verb, rung, also families, the reason fixed by the measure alone (rank, text) or None,
    累计 under 截至, cumulative, text to compare names with, item, role, period penalty)."""
    mverb = m.get("verb")
    if m.get("copied"):
        fixed = (1, "是照抄的目标原文")
    elif m.get("forecast"):
        fixed = (2, "只是预计数")
    elif m.get("role") == "list":
        fixed = (1, "是清单总数")
    else:
        fixed = None
    dp = m.get("data_period")
    cum_label = "累计" in (m.get("quote") or "") and str((dp or {}).get("label", "")).startswith("截至")
    stale = bool(month and dp and dp.get("end_month") not in (None, month))
    return (m["unit"], m.get("verb_family"), mverb, lx.verbs.get(mverb or ""),
            measure_rung(lx, m), m.get("also_families", ()), fixed, cum_label,
            m.get("cumulative"), (m.get("context") or "") + (m.get("object") or ""), m.get("item"), m.get("role"), stale)


def match(lx: Lexicon, targets: list[dict], reading: dict, period: str | None) -> list[dict]:
    quantified = [i for i, t in enumerate(targets) if t.get("kind") in _KINDS and t.get("quantity") is not None]
    if not quantified:  # milestones and qualitative aims: no figure is compared
        return [_result(lx, i, t, [], None, None) for i, t in enumerate(targets)]
    measures = mark_list_totals(reading.get("measures") or [])
    month = _period_month(period)
    items = sorted({m["item"] for m in measures if m.get("item")})
    aligned = len(quantified) > 1 and len(items) >= len(quantified)
    pairs, why_not = [], {}
    gen = lx.generic_families
    conv = _convertible(lx)
    views: list = [None] * len(measures)  # a measure's view, read when a target first gets past its kind
    kind_counts: dict = {}
    for x in quantified:
        kind_counts[targets[x]["kind"]] = kind_counts.get(targets[x]["kind"], 0) + 1
    for k, i in enumerate(quantified):
        t = targets[i]
        tkind, tunit = t["kind"], t["unit"]
        tobj = t.get("object") or ""
        tgrams = None  # computed once per target, only if a measure gets that far
        kinds_ok = _KINDS.get(tkind, ())
        tf, tverb = t.get("verb_family"), t.get("verb")
        tv = lx.verbs.get(tverb or "")
        tr = _TARGET_RUNG.get(tverb) or (lx.verb_rungs.get(tverb) if tverb else None)
        t_specific = bool(tf and tf not in gen)
        t_stock = None  # whether the target is itself a stock (its quote says 累计 …), read when first needed
        head = _head(tobj) if tkind == "count" and len(tobj) >= 2 else None
        item_k = items[k] if aligned else None
        rank, reason = -1, None  # the most telling reason this target got no measure (first of the best rank)
        cands = []
        for j, m in enumerate(measures):
            if m["kind"] not in kinds_ok:  # the commonest rejection
                if rank < 0:
                    rank, reason = 0, "类型不同"
                continue
            view = views[j]
            if view is None:
                view = views[j] = _measure_view(lx, m, month)
            munit, mf, mverb, mv, mr, also, fixed, cum_label, cumulative, mtext, mitem, role, stale = view
            ok = conv.get((munit, tunit))
            if ok is None:
                ok = conv[munit, tunit] = convert(lx, 1.0, munit, tunit) is not None
            if not ok:
                if rank < 0:
                    rank, reason = 0, "单位不可换算"
                continue
            if tf and mf and tf != mf and tf not in gen and mf not in gen and not (
                    (tv is not None and mf in tv.also) or (mv is not None and tf in mv.also) or tf in also):
                if rank < 1:
                    rank, reason = 1, f"动词不同族（{mverb or mf}≠{tverb or tf}）"
                continue
            if tr is not None and mr is not None and mr < tr:
                if rank < 1:
                    rank, reason = 1, f"阶段低于目标（{mverb}＜{tverb}）"  # 完工 never satisfies 建成投用
                continue
            if fixed is not None:  # copied (改造5座公厕：已完成3座), a forecast, a list's size (15个项目中)
                if fixed[0] > rank:
                    rank, reason = fixed
                continue
            if tf == "新增" and cum_label:
                if rank < 2:
                    rank, reason = 2, "是累计数"  # 新增充电桩500个 vs 截至8月末累计建成2860个
                continue
            if cumulative:
                if t_stock is None:
                    quote = t.get("quote") or ""
                    t_stock = any(w in quote for w in lx.markers["cumulative"])
                if not t_stock:  # unless the target is itself a stock (贷款余额突破800亿元)
                    if rank < 2:
                        rank, reason = 2, "是累计数"
                    continue
            if head is not None and mtext and head not in mtext:
                if rank < 1:
                    rank, reason = 1, f"对象不同（{m.get('object') or m.get('context')}≠{tobj}）"
                continue  # the head noun (last character) differs: 园区 vs 工厂
            if tgrams is None:
                tgrams = _grams((t.get("context") or "") + tobj)
            sim = _similarity(tgrams, mtext)
            fam = bool(t_specific and tf == mf)
            score = 2.0 * fam + 2.0 * sim
            if aligned and mitem == item_k:
                score += 1.5
            if role == "part":
                score -= 1.0  # 其中人工造林320公顷 is a part of the figure before it
            if stale:
                score -= 0.3
            cands.append((score, sim, fam, j))
        if not cands:
            if rank < 1:
                rank, reason = 1, "没有可比的数字"
            why_not[i] = (rank, reason)
            continue
        whole = [c for c in cands if not views[c[3]][11]] or cands
        n_fam = sum(1 for c in whole if c[2])
        only_kind = kind_counts[tkind] == 1
        # 已完工5个，正在施工4个，其余3个处于招标阶段: for the only count target, the one figure stated at a finished
        # rung (完工/竣工/建成 …) is what was done; figures at lower rungs are work still under way
        only_finished = only_started = None
        if only_kind:
            rare_unit = lx.unit_names[tunit].dimension not in ("money", "item", "person", "percent")
            finished = [c for c in whole if (views[c[3]][4] or 0) >= 4]
            if len(finished) == 1 and (tkind == "count" or rare_unit):  # 已完工42公里，在建35公里 too
                only_finished = finished[0][3]
            if tverb in STARTED_VERBS and tkind == "count":
                started = [c for c in whole if views[c[3]][4] == 2]
                if len(started) == 1:
                    only_started, only_finished = started[0][3], None
        n, paired = len(cands), False
        for score, sim, fam, j in cands:
            evidence = sim >= MIN_SIM or (aligned and views[j][10] == item_k)
            if fam and (sim >= 0.15 or n_fam == 1):
                evidence = True
            if not evidence and len(whole) == 1 and only_kind and (
                    tkind in ("growth", "ratio") or lx.unit_names[tunit].dimension not in ("money", "item", "person", "percent")):
                evidence = True  # the only growth (or 亿立方米) figure for the only such target
            if not evidence and j == only_finished:
                evidence = True
            if j == only_started:
                evidence, score = True, score + 3.0  # ahead of the 完工 figure of the same family
            if not evidence and len(whole) == 1 and only_kind and not _named(measures[j]):
                evidence = True  # a bare figure (完成17.1亿元, a table's 上半年完成 cell) names nothing else
            if evidence:
                pairs.append((score, -j, i, j, sim, fam, n))
                paired = True
        if not paired and rank < 1:
            rank, reason = 1, "有同类数字但对象不明，不取"
        if rank >= 0:
            why_not[i] = (rank, reason)
    pairs.sort(reverse=True)
    chosen: dict[int, tuple] = {}
    used = set()
    for score, _, i, j, sim, fam, n in pairs:
        if i in chosen or j in used:
            continue
        chosen[i] = (j, sim, fam, n)
        used.add(j)
    return [_result(lx, i, t, measures, chosen.get(i), why_not.get(i, (0, None))[1])
            for i, t in enumerate(targets)]


def _result(lx: Lexicon, i: int, t: dict, measures: list[dict], pick, why_not) -> dict:
    kind = t.get("kind")
    if kind == "milestone":
        return {"target": i, "measure": None, "actual": None, "ratio": None, "growth": None,
                "reason": "里程碑目标，无数字可比，看进展阶段"}
    if kind == "qualitative" or t.get("quantity") is None:
        return {"target": i, "measure": None, "actual": None, "ratio": None, "growth": None,
                "reason": "定性目标，无数字可比"}
    if pick is None:
        reason = f"未找到可比的实绩（{why_not}）" if why_not else "未找到可比的实绩"
        return {"target": i, "measure": None, "actual": None, "ratio": None, "growth": None,
                "reason": reason}
    j, sim, fam, n = pick
    m = measures[j]
    actual = convert(lx, m["quantity"], m["unit"], t["unit"])
    actual = round(actual, 6) if actual is not None else None
    ratio = growth = None
    if kind == "growth":
        growth = actual
    elif t.get("direction") != "以内" and t["quantity"] and actual is not None:
        ratio = round(actual / t["quantity"], 4)
    why = []
    if fam:
        why.append(f"动词同族「{t['verb_family']}」")
    if sim >= MIN_SIM:
        why.append(f"名称相近「{m.get('object') or m.get('context')}」")
    if not why:
        mr = measure_rung(lx, m) or 0
        why.append("唯一可比的数字" if n == 1 else "唯一写明已完工的数字" if mr >= 4
                   else "实施类目标按开工计" if mr == 2 and t.get("verb") in STARTED_VERBS else "分项对应")
    unit_note = f"单位可换算（{m['unit']}→{t['unit']}）" if m["unit"] != t["unit"] else f"单位相同（{t['unit']}）"
    return {"target": i, "measure": j, "actual": actual, "ratio": ratio, "growth": growth,
            "reason": "，".join(why) + "，" + unit_note}
