"""Project stage (前期 … 投用) and flags (暂缓, 被通报 …) of a progress text."""

from __future__ import annotations

from typing import NamedTuple

from .lexicon import Lexicon, hits
from .scan import Scan
from .periods import _excluded


class StageHit(NamedTuple):
    name: str
    rank: int
    percent: float | None  # a construction percent stated with it (主体施工完成60%)
    start: int
    end: int  # the end of the stage word, or of its percent


PERCENT_WINDOW = 14  # 主体施工完成60%: the percent follows the stage word closely


def _negated(sc: Scan, cs: int, start: int, negators: tuple[str, ...]) -> bool:
    if start - cs > 200:  # a long clause: by bisection, not a scan of the clause per stage word
        return any(sc.has_word(n, cs, start) for n in negators)
    prefix = sc.norm[cs:start]
    return any(n in prefix for n in negators)


def find_stage(sc: Scan, measures: list[dict]) -> dict | None:
    """The highest stage reached, as stated (not forecast, not negated)."""
    lx: Lexicon = sc.lx
    found = []
    for i, m in hits(lx.stage_words, lx.stages, sc.norm, lx.steps["stages"], None, sc.word_spans[3]):
        e = lx.stages[i]
        s, end = m.start(), m.end()
        if e.exclude is not None and _excluded(sc.norm, s, end, e.exclude):
            continue
        cs, ce = sc.clause(s)
        if e.negatable and _negated(sc, cs, s, lx.stage_negators):
            continue
        # 建成绿色工厂29家 counts things built; it is not the stage of a project
        # (only the numbers from `end` on can qualify: sc.quantities are in num_start order)
        qs, first = sc.quantities, sc.first_quantity_from(end)
        counted = False
        for k in range(first, len(qs)):
            if qs[k].num_start >= min(ce, end + 16):
                break
            if qs[k].unit.kind in ("count", "amount"):
                counted = True
                break
        if counted:
            continue
        percent = None
        pq_end = end
        for k in range(first, len(qs)):
            if qs[k].num_start > min(ce, end + PERCENT_WINDOW):
                break
            if qs[k].unit.name == "%":
                percent, pq_end = qs[k].value, qs[k].end
                break
        name, rank = e.name, e.rank
        if percent is not None and rank > 3 and percent < 100:
            name, rank = "主体施工", 3  # 完工80% is not finished
        elif rank != 3:
            percent, pq_end = None, end
        found.append(StageHit(name, rank, percent, s, pq_end))
    if not found:
        return None
    # a stated construction percent describes the main project (完成总进度92%)
    with_pct = [h for h in found if h.rank == 3 and h.percent is not None and h.percent < 100]
    if with_pct:
        best = with_pct[0]
    else:
        # several projects at different stages, in different sentences: no single stage
        built = {h.rank for h in found if h.rank >= 2}
        if len(built) >= 2 and len({sc.sentence(h.start)[0] for h in found if h.rank >= 2}) >= 2:
            return None
        best = max(found, key=lambda h: (h.rank, -h.start))
    name, rank, percent, s, e = best
    return {"name": name, "rank": rank, "percent": percent, "quote": None, "span": [s, e]}


def find_flags(sc: Scan) -> list[dict]:
    out, seen = [], set()
    norm = sc.norm
    for i, m in hits(sc.lx.flag_words, sc.lx.flags, norm, sc.lx.steps["flags"], seen, sc.word_spans[4]):  # a found flag's patterns are skipped
        e = sc.lx.flags[i]
        if e.name in seen:
            continue
        if e.exclude is not None and _excluded(norm, m.start(), m.end(), e.exclude):
            continue
        seen.add(e.name)
        out.append({"name": e.name, "quote": None, "span": [m.start(), m.end()]})
    out.sort(key=lambda f: f["span"][0])
    return out
