"""The month a task is due: from a plan's 完成时限 column (2024年6月底前, 二季度, 长期坚持) or from the task's own
words (6月底前建成…, 上半年完成…). Time progress of a task due in June is measured against June, not December.

Only a deadline within the plan's year shortens the year; 12 (or no deadline) leaves it as it is. A task with several
deadlines (6月底前开工，年底前建成) is due at the last of them: the earlier ones are steps, and judging the whole
task by its first step would call it late while it is on time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}
_NUM = r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_QUARTER = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}
_HALF = {"上": 6, "下": 12}
# a column's cell is all deadline: a bare 6月 or 二季度 is the deadline; in a task's prose a month is a deadline only
# when it says so (前 / 之前 / 底前 / 内), since 3月开展… is a date, not a due date
_MONTH = re.compile(r"(?:(20\d\d)年)?" + _NUM + r"月(?:份)?(?:底|末|中旬|下旬|上旬|中)?(前|之前|以前|内)?")
_QUARTER_RE = re.compile(r"(?:(20\d\d)年)?(?:第)?([一二三四1-4])季度(?:末|底)?(前|之前|以前|内)?")
_HALF_RE = re.compile(r"(?:(20\d\d)年)?([上下])半年(?:末|底)?(前|之前|以前|内)?")
_YEAR_END = re.compile(r"(20\d\d)?(?:年底|年末|年内|全年|当年)(前|之前|以前|内)?")  # 2023年底 is one 年
# a date as a cell holds it: 2024-06-30, 2024/6/30, 2024.6, 2024-06 (a 完成时限 cell only, never prose)
_NUMERIC = re.compile(r"(20\d\d)\s*[-/.．]\s*(1[0-2]|0?[1-9])(?!\d)(?:\s*[-/.．]\s*(?:3[01]|[12]\d|0?[1-9])(?!\d))?")
_ONGOING = re.compile(r"长期|持续|常态|每年|逐年|\d{4}\s*[-—–至到]\s*\d{4}年|20\d\d年(?:以后|后)")


class Due(NamedTuple):
    month: int  # 1–12 of the plan's year; 0 = a deadline in an earlier year (overdue all year)
    quote: str  # the words it was read from


def _month(word: str) -> int:
    return _CN[word] if word in _CN else int(word)


def _hits(text: str, year: int | None, prose: bool) -> list[Due]:
    hits = []
    for pattern, month_of in ((_MONTH, _month), (_QUARTER_RE, _QUARTER.__getitem__), (_HALF_RE, _HALF.__getitem__),
                              (_YEAR_END, None), (_NUMERIC, int)):
        if prose and pattern is _NUMERIC:
            continue
        for m in pattern.finditer(text):
            if prose and not m.group(pattern.groups):
                continue  # prose: only 6月底前 / 二季度内, never a bare date (the last group is 前/内)
            stated = m.group(1)
            month = 12 if month_of is None else month_of(m.group(2))
            if year and stated and int(stated) != year:
                if int(stated) > year:
                    continue  # due in a later year: this year is not shortened
                month = 0
            hits.append(Due(month, m.group(0)))
    return hits


@lru_cache(maxsize=1 << 14)
def due_month(deadline: str | None, text: str | None = None, year: int | None = None) -> Due | None:
    """The month a task is due, or None if the year's end (or nothing said). `deadline`: the 完成时限 cell;
    `text`: the task's words, read only when there is no cell."""
    if deadline and deadline.strip():
        if _ONGOING.search(deadline):
            return None
        hits = _hits(deadline, year, prose=False)
    else:
        hits = _hits(text or "", year, prose=True)
    if not hits:
        return None
    last = max(hits, key=lambda d: d.month)
    return last if last.month < 12 else None
