"""Periods, defined once: the reading of a report period (YYYY-MM), a date (YYYY-MM-DD) and a plan year for every
door (the CLI options of import/check/audit/eval, progress files, waivers); the period's label (前三季度); the
as-of defaults; and the explicit data periods a text states (截至8月末, 1-9月, 上半年), which the audit compares
with the report period. (The extractor's lexicon-driven reading of data periods, which feeds the rules, is
engine/extract/periods.py; its vocabulary is rules/lexicon, not a pattern here.)

Two as-of defaults, on purpose, when a progress file gives no `as_of`:
- default_as_of(period) = the 28th: the judging day of `duban check` (waivers active on it), the render's
  「数据截至」 and the roll-up/agreement/bench; kept as it was so result.json and every output stay byte-identical;
- month_end(period) = the real last day: the audit's data cut-off, so 「截至9月30日」 in a 2023-09 report is not late.

Python's `\\d` matches full-width digits and `$` matches before a trailing newline, so `２０２３-09` and
"2023-09\\n" used to pass the pattern at import and be refused (or counted as another period) later. Here only
ASCII digits count and the whole text must match; the message says what is wrong with the text.
"""

from __future__ import annotations

import calendar
import datetime
import re

from .errors import InputError

PERIOD_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])\Z")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
YEARS = (1900, 2999)  # four-digit plan years; the same bounds plan.yaml's `year` is checked against
_FULL_WIDTH = re.compile(r"[０-９－]")


def _what_is_wrong(text: str) -> str | None:
    """A hint for the two mistakes a pattern cannot explain on its own."""
    if _FULL_WIDTH.search(text):
        return "其中有全角数字或全角横线，请改用半角数字和“-”"
    if text != text.strip():
        return "前后有空格或换行，请删去"
    return None


def valid_period(text) -> bool:
    return isinstance(text, str) and PERIOD_RE.match(text) is not None


def period_months(period, field: str = "--period") -> tuple[int, int]:
    """(year, month) of a report period; a Chinese error naming the field otherwise."""
    match = PERIOD_RE.match(period) if isinstance(period, str) else None
    if not match:
        hint = _what_is_wrong(period) if isinstance(period, str) else None
        raise InputError(f"报告期应写成 YYYY-MM（例如 2023-09 表示 1-9月），实为「{period}」", field=field, hint=hint)
    return int(match.group(1)), int(match.group(2))


def valid_date(text) -> bool:
    """YYYY-MM-DD in ASCII digits and a real calendar day: the pattern alone lets 2023-02-30 through, which date
    arithmetic later refuses with a traceback."""
    if not isinstance(text, str) or not DATE_RE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def date_problem(text) -> tuple[str, str | None]:
    """The message and hint for a date that is not valid_date()."""
    hint = None
    if isinstance(text, str):
        hint = _what_is_wrong(text)
        if hint is None and DATE_RE.match(text):
            hint = "这一天在日历上不存在"
    return f"截止日期应写成 YYYY-MM-DD，实为「{text}」", hint


def check_date(text, field: str) -> str:
    if not valid_date(text):
        message, hint = date_problem(text)
        raise InputError(message, field=field, hint=hint)
    return text


def check_year(year, field: str = "--year") -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]:
        raise InputError(f"年度应为四位年份，实为「{year}」", field=field, hint="例如 2023")
    return year


PERIOD_LABELS = {3: "一季度", 6: "上半年", 9: "前三季度", 12: "全年"}


def period_label(period: str) -> str:
    """2023-09 → 前三季度, 2023-05 → 1-5月."""
    month = int(period[5:7])
    return PERIOD_LABELS.get(month, f"1-{month}月")


def default_as_of(period: str) -> str:
    """The judging day when the progress file gives none: the 28th of the report month (see the module doc)."""
    return f"{period}-28"


def month_end(period: str) -> str:
    """The last calendar day of the report month, YYYY-MM-DD: the audit's data cut-off."""
    year, month = period_months(period)
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


# explicit statements of the period a text's data covers (the audit's reading)
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}
_MONTH = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
DATA_PERIOD_RE = re.compile(
    rf"截至(?:(\d{{4}})年)?{_MONTH}月(?:(\d{{1,2}})日|底|末|份|中旬|上旬|下旬)?"
    rf"|(?<![\d.])(?:(\d{{4}})年)?1\s*[-—－~～至到]\s*{_MONTH}月(?:份)?"
    r"|(前三季度|三季度|第三季度|上半年|前两季度|二季度|第二季度|一季度|第一季度)")
_QUARTER_END = {"前三季度": 9, "三季度": 9, "第三季度": 9, "上半年": 6, "前两季度": 6, "二季度": 6, "第二季度": 6,
                "一季度": 3, "第一季度": 3}


def _month(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) if text.isdigit() else _CN_MONTH.get(text)


def int_or_none(text):
    return int(text) if text else None


def periods_in(text: str):
    """(start, end, year|None, end_month, day|None) for every explicit data period in a text."""
    for m in DATA_PERIOD_RE.finditer(text):
        if m.group(6):
            yield m.start(), m.end(), None, _QUARTER_END[m.group(6)], None
        elif m.group(2):
            day = int(m.group(3)) if m.group(3) else None
            yield m.start(), m.end(), int_or_none(m.group(1)), _month(m.group(2)), day
        else:
            yield m.start(), m.end(), int_or_none(m.group(4)), _month(m.group(5)), None
