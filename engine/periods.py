"""One reading of a report period (YYYY-MM), a date (YYYY-MM-DD) and a plan year, for every door: the CLI options
of import/check/audit/eval, progress files, waivers.

Python's `\\d` matches full-width digits and `$` matches before a trailing newline, so `２０２３-09` and
"2023-09\\n" used to pass the pattern at import and be refused (or counted as another period) later. Here only
ASCII digits count and the whole text must match; the message says what is wrong with the text.
"""

from __future__ import annotations

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
