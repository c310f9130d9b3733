"""Numbers and units: a unit on another scale than the target's, shares above 100%, full-width and
half-width characters mixed, spaces inside numbers or before units."""

from __future__ import annotations

import re

from ..model import Context, Finding, Hit, check, text_check

_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 1e4, "亿": 1e8}
PCT_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[%％]")
FULL_DIGITS = re.compile(r"[０-９]")


def _base(unit: str) -> tuple[str, float]:
    """万人 → (人, 1e4); 亿元 → (元, 1e8); 平方米 → (平方米, 1)."""
    scale = 1.0
    while len(unit) > 1 and unit[0] in _SCALES:
        scale *= _SCALES[unit[0]]
        unit = unit[1:]
    return unit, scale


def _fmt(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _short(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


@check("A-NU-01", "单位与目标的量级不一致")
def unit_scale(ctx: Context):
    """The progress states the number matched to a target in another magnitude of the same unit
    (18591人 against a target in 万人, 万元 against 亿元). Convertible, but the memo then compares
    numbers a reader cannot line up; the report should use the target's unit."""
    for u in ctx.units:
        if u.judgement is None or u.entry is None:
            continue
        for match in u.judgement.derived.matches:
            if match.get("measure") is None:
                continue
            target = u.item.targets[match["target"]]
            measure = u.entry.measures[match["measure"]]
            t_unit, m_unit = target.get("unit") or "", measure.get("unit") or ""
            (t_base, t_scale), (m_base, m_scale) = _base(t_unit), _base(m_unit)
            if not t_unit or not m_unit or t_base != m_base or t_scale == m_scale:
                continue
            actual = match.get("actual")
            shown = f"（折合 {_fmt(actual)}{t_unit}）" if isinstance(actual, (int, float)) else ""
            yield Finding(
                "A-NU-01", "warn", u.target(field="progress"), measure.get("quote", ""),
                f"目标「{target.get('quote', '')}」以「{t_unit}」计，进展写作「{measure.get('quote', '')}」以「{m_unit}」计{shown}",
                f"与目标统一单位，写作「{_short(actual)}{t_unit}」" if shown else f"与目标统一使用「{t_unit}」")


def _last(text: str, words) -> int:
    return max((text.rfind(w) + len(w) for w in words if w in text), default=-1)


@text_check("A-NU-02", "占比超过100%")
def share_over_100(ctx: Context, text: str):
    """A rate that is a share of a whole (覆盖率, 占比, 合格率) above 100%. 完成率 and growth may exceed
    100%; the nearest keyword before the number in the same clause decides which is meant."""
    for m in PCT_RE.finditer(text):
        if float(m.group(1)) <= 100:
            continue
        lo = max(0, m.start() - 20)
        clause = re.split(r"[，。；;,：:]", text[lo:m.start()])[-1]
        if _last(clause, ctx.terms["share_words"]) > _last(clause, ctx.terms["not_share_words"]):
            yield Hit(m.start() - len(clause), m.end(), "warn",
                      f"「{clause.strip()}{m.group(0)}」是占比类指标，不应超过 100%",
                      "核对口径（是否为完成率、增速，或分子分母写反）后改正")


@text_check("A-NU-03", "全角半角混用")
def mixed_width(ctx: Context, text: str):
    """Full-width ％ or digits next to half-width % or digits in the same text: the document was pieced
    together from several sources and the figures need a second look."""
    if "％" in text and "%" in text:
        at = text.find("％")
        yield Hit(at, at + 1, "warn", "同一段文字中全角「％」与半角「%」混用", "统一为半角「%」")
    full = FULL_DIGITS.search(text)
    if full and re.search(r"[0-9]", text):
        yield Hit(full.start(), full.end(), "warn", "同一段文字中全角数字与半角数字混用", "统一为半角数字")


@text_check("A-NU-04", "全角百分号")
def full_width_percent(ctx: Context, text: str):
    """A full-width ％ in a text that has no half-width %: a house-style point, info only."""
    if "％" in text and "%" not in text:
        at = text.find("％")
        yield Hit(at, at + 1, "info", "使用了全角「％」，报告其余部分用半角「%」", "统一为半角「%」")


def _space_res(units: list[str]):
    latin = "|".join(re.escape(u) for u in units if not re.match(r"[\u4e00-\u9fff]", u))
    cjk = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True) if re.match(r"[\u4e00-\u9fff]", u))
    sp = "[ \u00a0]+"  # a full-width space (附件1　标题) is 公文 layout, not a slip
    return (
        (re.compile(rf"\d{sp}\d"), "warn", "数字中间有空格", "删去空格"),  # 1 000
        (re.compile(rf"\d{sp}(?:{latin})"), "warn", "数字与单位之间有空格", "删去空格"),  # 3 %
        (re.compile(rf"\d(?:{cjk}|{latin}){sp}\d"), "warn", "两个数字之间只有空格，缺少分隔符", "用「、」或「，」分隔"),  # 379户 665人
        # 207 项, 总产量 166万吨: a space between Chinese and digits is a house-style point (some styles want it)
        (re.compile(rf"[\u4e00-\u9fff]{sp}\d|\d{sp}[\u4e00-\u9fff]"), "info", "文字与数字之间有空格", "按公文习惯删去空格"),
    )


_CACHE: dict = {}


@text_check("A-NU-05", "数字中或单位前有空格")
def stray_spaces(ctx: Context, text: str):
    """Spaces inside a number (1 000), between a number and %, or between two figures (379户 665人):
    a lost separator or a Word table artefact. A space between Chinese and a number is only info."""
    if " " not in text and "\u00a0" not in text:
        return
    key = tuple(ctx.terms["measure_units"])
    res = _CACHE.get(key) or _CACHE.setdefault(key, _space_res(ctx.terms["measure_units"]))
    taken: list[tuple[int, int]] = []
    for regex, severity, label, fix in res:
        for m in regex.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken) or _caption(text, m.start()):
                continue
            taken.append(m.span())
            start, end = _widen(text, m.start(), m.end(), ctx.terms["measure_units"])
            yield Hit(start, end, severity, f"{label}：「{text[start:end]}」", fix)


def _caption(text: str, at: int) -> bool:
    """表1  2022年… / 附件2 推进…: a caption number followed by its title, not a figure."""
    while at > 0 and text[at - 1].isdigit():
        at -= 1
    return text.endswith(("表", "图", "附件", "附表", "第"), 0, at)


def _widen(text: str, start: int, end: int, units: list[str]) -> tuple[int, int]:
    """9户 6 → 379户 665人: the whole figures on both sides, for the message."""
    while start > 0 and (text[start - 1].isdigit() or text[start - 1] == "."):
        start -= 1
    while end < len(text) and (text[end].isdigit() or text[end] == "."):
        end += 1
    unit = next((u for u in sorted(units, key=len, reverse=True) if text.startswith(u, end)), "")
    return start, end + len(unit)
