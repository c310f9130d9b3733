"""Periods and dates: data of another period than the report's, forecasts dated in the past, years
outside the plan's window, impossible dates (13月, 9月31日)."""

from __future__ import annotations

import calendar
import re

from ...periods import int_or_none, periods_in
from ..model import Context, Finding, Hit, check, snippet, text_check

DATE_RE = re.compile(r"(?<![\d.])(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日)?")
YEAR_RE = re.compile(r"(?<![\d.])(\d{4})年(?!代)")
_PAST_PLAN = ("原计划", "原定", "原预计", "按计划")  # 原计划6月开工，已于7月开工 is narrative, not a forecast


def _forecast_before(ctx: Context, text: str, start: int) -> bool:
    """A forecast word earlier in the same clause (a 、-list continues the clause)."""
    lo = start
    while lo > 0 and text[lo - 1] not in "，。；;：:！？\n" and start - lo < 30:
        lo -= 1
    clause = text[lo:start]
    if any(p in clause for p in _PAST_PLAN):
        return False
    return any(w in clause for w in ctx.terms["forecast_words"])


@check("A-DT-01", "数据期早于报告期")
def stale_period(ctx: Context):
    """The progress's dominant data period ends before the report's (截至8月末 in a 1-9月 report): the
    figures are a month or more old, and the memo would compare them with a 9-month time progress."""
    for u in ctx.units:
        period = (u.entry.data_period if u.entry else None) or {}
        end = period.get("end_month")
        if not isinstance(end, int) or end >= ctx.month:
            continue
        text = u.entry.text
        stated = [p for p in periods_in(text) if p[3] == end]
        current = [p for p in periods_in(text) if p[3] == ctx.month]
        if stated and not current:
            start, stop = stated[0][:2]
            severity, quote = "warn", snippet(text, start, stop)
        else:  # the period was only inferred, or the text also gives current figures: a hint
            where = text.find(f"{end}月")
            severity = "info"
            quote = snippet(text, where, where + len(f"{end}月")) if where >= 0 else period.get("label", "")
        yield Finding("A-DT-01", severity, u.target(field="progress"), quote,
                      f"数据截止到 {end} 月（{period.get('label', '')}），早于报告期 {ctx.period}（1-{ctx.month}月）",
                      f"请更新为截至 {ctx.month} 月底（1-{ctx.month}月）的数据，或注明暂无更新数据的原因")


@text_check("A-DT-02", "数据期晚于截止日期", reported_only=True)
def future_period(ctx: Context, text: str):
    """A stated period that ends after the report's as-of date (截至10月底 in a report as of 2023-09-30):
    the report mixes in figures from outside its period."""
    as_year, as_month = ctx.as_of_month
    as_day = int(ctx.as_of[8:10])
    for start, stop, year, month, day in periods_in(text):
        if month is None or not 1 <= month <= 12 or _forecast_before(ctx, text, start):
            continue
        y = year or as_year
        if (y, month, day or calendar.monthrange(y, month)[1]) > (as_year, as_month, as_day):
            yield Hit(start, stop, "warn", f"数据期「{text[start:stop]}」晚于本报告的数据截止日期 {ctx.as_of}",
                      f"改用截至 {as_month} 月底的数据，或把该数据留到下一期报告")


@text_check("A-DT-03", "预计日期早于截止日期", reported_only=True)
def forecast_in_past(ctx: Context, text: str):
    """A forecast or plan date (预计…于2013年11月完成) that is already past at the as-of date: either a
    wrong year or a stale forecast."""
    as_year, as_month = ctx.as_of_month
    for m in DATE_RE.finditer(text):
        year, month = int_or_none(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12 or not _forecast_before(ctx, text, m.start()):
            continue
        if year is not None and year < ctx.year:
            yield Hit(m.start(), m.end(), "error",
                      f"预计 / 计划的日期「{m.group(0)}」早于报告年度 {ctx.year} 年，年份多半写错",
                      f"核对年份（是否应为 {ctx.year} 年或 {ctx.year + 1} 年）")
        elif (year or ctx.year) == as_year and month < as_month:
            yield Hit(m.start(), m.end(), "warn", f"预计 / 计划的日期「{m.group(0)}」在数据截止日期 {ctx.as_of} 之前已过",
                      "写明实际是否已完成；未完成的，更新预计完成时间")


@text_check("A-DT-04", "年份超出计划年度范围")
def year_out_of_window(ctx: Context, text: str):
    """A year-month date more than five years from the plan's year (该项目已于2003年5月建成 in a 2023
    report), or a year that cannot be meant (2103年, 1923年): usually a typo. History stated as such
    (2011年以来) and plans to 2035 are normal and not flagged."""
    seen = set()
    for m in DATE_RE.finditer(text):
        year = int_or_none(m.group(1))
        if year is None or _forecast_before(ctx, text, m.start()):
            continue  # forecasts are A-DT-03's
        seen.add(m.start())
        if not ctx.year - 5 <= year <= ctx.year + 5 and not _since(text, m.end()):
            yield Hit(m.start(), m.end(), "warn", f"日期「{m.group(0)}」距离计划年度 {ctx.year} 年较远，请核对年份",
                      f"核对年份是否应为 {ctx.year} 年前后")
    for m in YEAR_RE.finditer(text):
        year = int(m.group(1))
        if m.start() not in seen and not ctx.year - 40 <= year <= ctx.year + 30 and not _since(text, m.end()):
            yield Hit(m.start(), m.end(), "warn", f"年份「{m.group(0)}」超出计划年度 {ctx.year} 年前后的合理范围",
                      "核对年份是否写错")


def _since(text: str, end: int) -> bool:
    return text.startswith(("以来", "至今", "起"), end)


@text_check("A-DT-05", "不存在的日期")
def impossible_date(ctx: Context, text: str):
    """13月, 0月, 9月31日, 2月30日: dates that do not exist."""
    for m in DATE_RE.finditer(text):
        year, month, day = int_or_none(m.group(1)), int(m.group(2)), int_or_none(m.group(3))
        if text.startswith("个", m.start(2) + len(m.group(2))):
            continue
        if not 1 <= month <= 12:
            yield Hit(m.start(), m.end(), "error", f"「{m.group(0)}」：月份不存在", "核对月份")
        elif day is not None:
            last = calendar.monthrange(year or 2024, month)[1]  # no year: allow 2月29日
            if not 1 <= day <= last:
                yield Hit(m.start(), m.end(), "error", f"「{m.group(0)}」：{month}月没有{day}日", "核对日期")


def later_periods(text: str, date: str, year: int):
    """(start, stop, end date) for every data period the text states that ends after `date` (YYYY-MM-DD):
    截至10月底 quoted in a memo dated 2023年9月30日. A period without a year is the plan year's; without a day,
    it runs to the month's end. Forecasts (预计10月底完成) are not data periods."""
    when = (int(date[:4]), int(date[5:7]), int(date[8:10]))
    for start, stop, y, month, day in periods_in(text):
        if month is None or not 1 <= month <= 12 or any(w in text[max(0, start - 6):start] for w in ("预计", "计划", "力争")):
            continue
        y = y or year
        end = (y, month, day or calendar.monthrange(y, month)[1])
        if end > when:
            yield start, stop, f"{end[0]:04d}-{end[1]:02d}-{end[2]:02d}"


MEMO_DATE_RE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$")


def memo_date(memo) -> str | None:
    """The date the memo is signed with: the last line of its text (before the annexes) that is only a date."""
    for block in reversed(memo.cover):
        m = MEMO_DATE_RE.match(block.text) if not block.is_row else None
        if m:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


@check("A-MM-07", "报告日期早于引用的数据期", scope="memo")
def memo_date_before_data(ctx: Context, memo):
    """The memo's date (落款) precedes a data period it quotes (dated 2023年9月30日, quoting 截至10月底):
    either the memo is dated too early or the figure belongs to the next report."""
    date = memo_date(memo)
    if date is None:
        return
    for block in memo.blocks:
        for cell in (block.cells if block.is_row else [block.text]):
            for start, stop, end in later_periods(cell, date, ctx.year):
                yield Finding("A-MM-07", "warn", block.target, snippet(cell, start, stop),
                              f"报告日期 {date} 早于引用的数据期「{cell[start:stop]}」（至 {end}）",
                              "用 duban check --date 写上实际成文日期，或把该数据留到下一期报告")
