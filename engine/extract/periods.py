"""Data periods (1-9月, 前三季度, 截至8月末, 截至10月19日 …) found in a text."""

from __future__ import annotations

from .lexicon import Lexicon, hits
from .numbers import cn_value


class Period:
    """A plain class, not a dataclass: periods.pxd makes it a C struct when compiled."""

    __slots__ = ("start", "end", "label", "end_month", "end_day", "point")

    def __init__(self, start: int, end: int, label: str, end_month: int | None, end_day: int | None, point: bool):
        self.start, self.end, self.label = start, end, label
        self.end_month, self.end_day = end_month, end_day
        self.point = point  # 截至… (a stock at a date) rather than a this-year range

    def as_dict(self) -> dict:
        return {"label": self.label, "end_month": self.end_month, "end_day": self.end_day}


def _int(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    v = cn_value(s)
    return int(v) if v is not None else None


def find_periods(norm: str, lx: Lexicon, spans=None) -> list[Period]:
    """All period expressions in text order; overlapping ones keep the earliest, longest.
    spans: the period words' (start, end) in norm when words.find has found them (finders.hits)."""
    found: list[Period] = []
    for i, m in hits(lx.period_words, lx.periods, norm, lx.steps["periods"], None, spans):
        e = lx.periods[i]
        if e.exclude is not None and _excluded(norm, m.start(), m.end(), e.exclude):
            continue
        g = m.groupdict()
        end = _int(g.get("end")) if g.get("end") else e.end_month
        day = _int(g.get("day"))
        if end is None or not 1 <= end <= 12 or (day is not None and not 1 <= day <= 31):
            continue
        start = _int(g.get("start"))
        if start is not None and not 1 <= start <= end:
            continue  # 2022-2023 or 12-3 is not a month range of this year
        label = e.label.format(start=start or "", end=end, day=day or "") if "{" in e.label else e.label
        found.append(Period(m.start(), m.end(), label, end, day, e.point))
    if len(found) < 2:
        return found
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    out: list[Period] = []
    for p in found:
        if out and p.start < out[-1].end:
            continue
        out.append(p)
    return out


def _excluded(norm: str, s: int, e: int, exclude) -> bool:
    """True when an exclusion pattern matches a window overlapping [s, e)."""
    lo = max(0, s - 12)
    for m in exclude.finditer(norm, lo, min(len(norm), e + 12)):
        if m.start() < e and m.end() > s:
            return True
    return False
