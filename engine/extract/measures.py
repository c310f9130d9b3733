"""Measures: each number of a text with its verb, object, kind, period and status.

The text is tokenised once (scan.py: one pass per token class over the whole text); each number is
then read with bisect lookups: no per-number regex scan of the text (the 1M-text benchmark).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .lexicon import Lexicon
from .numbers import Quantity
from .scan import Scan, Token

_FILLER = set("为达了约到至是已共计 、和及分别均")
_CHAIN = ("并", "并且", "和", "及", "、", "且")  # 新建并投用130个: both verbs govern the figure
_CHAIN_LAST = frozenset(w[-1] for w in _CHAIN)
VERB_AFTER = 8  # 10条道路基本完工: a verb this close after the unit is the number's verb
GAP_VERB = 24  # a verb further than this from its number is not taken as the number's verb


CLEAN_CACHED = 64  # pieces up to this length are cleaned once per lexicon (they recur across texts)
CLEAN_CACHE_SIZE = 1 << 15  # entries; the cache is emptied when full


def clean(lx: Lexicon, s: str) -> str:
    """Drop generic words, numbers and punctuation: what is left names the thing counted.
    A regex sub costs ~2 µs (the stopword trie is tried at every character); a cache hit ~0.1 µs."""
    if not s:
        return s
    cache = lx.clean_cache
    out = cache.get(s)
    if out is None:
        out = lx.stopword_re.sub("", s)
        if len(s) <= CLEAN_CACHED:
            if len(cache) >= CLEAN_CACHE_SIZE:
                cache.clear()
            cache[s] = out
    return out


def _object(sc: Scan, nouns: str, k: int, q: Quantity, verb: Token | None, cs: int, ce: int,
            prev_end: int) -> tuple[str | None, int]:
    """Object noun phrase and the end of the quoted span; `verb`: the number's verb when it is before it."""
    norm, lx = sc.norm, sc.lx
    if verb is not None:
        # 引育20个创新团队、200名创新人才: after a list separator the object follows the unit
        lo = sc.after_last_sep(max(verb.end, prev_end), q.start)
        between = clean(lx, nouns[lo:q.start].replace("\x00", ""))
        if between:
            return between[:24], q.end
    # after the unit, up to the next verb / number / clause end: 拆除150万平方米违法建筑
    stop = ce
    i = bisect_left(sc.verb_starts, q.end)
    if i < len(sc.verbs) and sc.verbs[i].start < stop:
        stop = sc.verbs[i].start
    if k + 1 < len(sc.quantities) and sc.quantities[k + 1].start < stop:
        stop = sc.quantities[k + 1].start
    i = bisect_left(sc.seps, q.end)
    cut = norm[q.end:min(stop, sc.seps[i]) if i < len(sc.seps) else stop]
    after = clean(lx, cut)
    if after and len(after) <= 16:
        return after, q.end + len(cut.rstrip("，。；、 "))
    if verb is not None:
        pv = sc.verb_before(cs, verb.start)
        before = clean(lx, nouns[max(cs, pv.end if pv else cs):verb.start].replace("\x00", ""))
        if before:
            return before[-16:], q.end
    return None, q.end


def _kind(sc: Scan, q: Quantity, verb: Token | None, cs: int, prev_end: int, per_capita) -> str:
    u = q.unit
    if per_capita is not None and _within(per_capita, cs, q.start, q.start):
        return "ratio"  # 每千人口托位数2.7个 is a density, not a count
    if u.kind in ("percent", "points"):
        if verb is not None and verb.end <= q.num_start:
            v = verb
            if v.info.generic:  # 涨幅控制在3%: the growth word sits before the generic verb
                g = sc.verb_before(cs, v.start)
                if g is not None and g.end == v.start and g.info.family == "增长":
                    v = g
            gap = sc.norm[max(verb.end, prev_end):q.num_start]
            if v.info.family == "增长" and all(c in _FILLER for c in gap):
                return "growth"
        if u.kind == "percent" and sc.lx.progress_re.search(sc.norm[max(cs, q.num_start - 16):q.start]):
            return "progress_pct"
        return "ratio"
    return "count" if u.kind == "count" else "amount"


def _role(sc: Scan, q: Quantity, cs: int, ce: int) -> str | None:
    """part: 其中… (a breakdown); list: 15个城市更新项目中 (the size of a list, not an actual).
    Read from the first and last non-blank characters of the clause, found once per clause:
    stripping the clause text around every number was quadratic in a long clause."""
    norm = sc.norm
    first = cs if cs < len(norm) and not norm[cs].isspace() else sc.first_solid(cs)
    if first + 2 <= q.start and norm.startswith("其中", first):
        return "part"
    if first >= q.start:  # nothing but blanks before the number
        last = sc.last_solid(ce)
        if last >= q.end and norm[last] == "中":
            return "list"
    return None


def _cumulative(sc: Scan, q: Quantity, before: Token | None, cs: int, period, year_word) -> bool:
    """累计150户 / 现有38个 / 贷款余额: a stock, not this year's figure. Read from the cumulative
    words in the clause before the number (starting at cs or later, ending by q.start); one after the verb,
    or any 累计…, counts. Each test is a bisection: a walk over the clause's words per number made a
    long clause quadratic (and cubic, as the text from each word to the number was cleaned)."""
    norm, lx = sc.norm, sc.lx
    ss, se = sc.sentence(q.num_start)
    vend = before.end if before is not None else cs
    for m in sc.markers_ending("cumulative", q.start - 1, q.start):
        if m.start >= cs and (m.start >= vend or m.text.startswith("累计")) and not clean(lx, norm[m.end:q.start]):
            return True  # 新增60户、累计150户
    # in a quarterly report 累计 usually means since January, unless a this-year
    # figure is set against it (累计建成3450个，其中今年新建612个)
    if sc.has_marker(("cumulative", True), cs, q.start) and sc.has_marker("this_year", q.end, se):
        return True
    if sc.has_marker(("cumulative", False), max(cs, vend), q.start):  # 现有38个, 贷款余额
        this_year = (period is not None and not period.point) or sc.has_marker("this_year", ss, q.start) or (
            year_word is not None and sc.has_word(year_word, ss, q.start))
        return not this_year
    return False


def _within(spans, lo: int, hi: int, end_hi: int) -> bool:
    """Scan.has_marker on the spans of one key, fetched once per text (see Scan.marker_spans)."""
    starts, ends, _ = spans
    i = bisect_left(starts, lo)  # the first candidate has the smallest end: tokens do not overlap
    return i < len(starts) and starts[i] < hi and ends[i] <= end_hi


def build(norm: str, lx: Lexicon, year: int | None = None, scan_: Scan | None = None) -> tuple[Scan, list[dict]]:
    """The measures of a text as plain dicts (plus internal `context` and `item`).
    One loop over the numbers; the text's lookups (clause breaks, marker spans, nouns) are fetched once."""
    sc = scan_ or Scan(norm, lx)
    out: list[dict] = []
    qs = sc.quantities
    if not qs:
        return sc, out
    year_word = f"{year}年" if year else None
    nouns, breaks, size = sc.nouns, sc.clause_breaks, len(norm)
    n_breaks = len(breaks)
    forecast_spans, cumulative_spans = sc.marker_spans("forecast"), sc.marker_spans("cumulative")
    per_capita = sc.marker_spans("per_capita")
    items, periods, sbreaks = sc.items, sc.periods, sc.sentence_breaks
    prev = None
    for k, q in enumerate(qs):
        qstart, qend = q.start, q.end
        i = bisect_right(breaks, q.num_start - 1)  # the clause: Scan.clause inlined
        cs = breaks[i - 1] + 1 if i else 0
        ce = breaks[i] if i < n_breaks else size
        verb = sc.verb_before(max(cs, qstart - GAP_VERB), qstart)
        if verb is None:  # 10条道路基本完工, 5个项目已开工: the verb follows
            verb = sc.verb_after(qend, min(ce, qend + VERB_AFTER))
        prev_end = prev.end if prev is not None and cs <= prev.end <= qstart else cs
        prev = q
        ukind = q.unit.kind
        if per_capita is None and ukind != "percent" and ukind != "points":
            kind = "count" if ukind == "count" else "amount"  # _kind's last line, without the call
        else:
            kind = _kind(sc, q, verb, cs, prev_end, per_capita)
        value = q.value
        if kind == "growth" and value > 0:
            sign = verb.info.sign
            if verb.info.generic:
                g = sc.verb_before(cs, verb.start)
                sign = g.info.sign if g is not None and g.info.family == "增长" else 1
            value = value * sign
        before = verb if verb is not None and verb.end <= qstart else None
        obj, span_end = _object(sc, nouns, k, q, before, cs, ce, prev_end)
        # 预计…, or …预计 within 4 characters
        forecast = forecast_spans is not None and (
            _within(forecast_spans, cs, qstart, qstart) or _within(forecast_spans, qend, min(ce, qend + 5), ce))
        i = bisect_right(sbreaks, q.num_start - 1)  # the sentence start: Scan.sentence inlined
        ss = sbreaks[i - 1] + 1 if i else 0
        period = sc.period_before(ss, qstart) if periods else None
        cumulative = cumulative_spans is not None and _within(cumulative_spans, cs, qstart, qstart) and _cumulative(
            sc, q, before, cs, period, year_word)
        start = qstart
        if before is not None and before.start >= prev_end:
            start = before.start
            if start and norm[start - 1] == "已":
                start -= 1
        elif prev_end > cs:  # 引育10名领军人才、200名…: quote from after the previous figure
            start = prev_end
            while start < qstart and norm[start] in "、，,和及与 ":
                start += 1
        lo = sc.after_last_sep(prev_end, qstart) if prev_end > cs else prev_end
        ctx = clean(lx, nouns[lo:qstart].replace("\x00", ""))
        if len(ctx) < 3 and prev_end == cs and ukind in ("percent", "points"):
            # 产值增速5.7%: the subject is in the previous clause
            pcs, _ = sc.clause(max(0, cs - 1))
            ctx = clean(lx, nouns[pcs:qstart].replace("\x00", ""))
        if obj and obj not in ctx:
            ctx += obj
        chained = _chained_families(sc, verb, cs) if (
            verb is not None and verb.start > cs and norm[verb.start - 1] in _CHAIN_LAST) else None
        if verb is not None and verb.text == "完成" and verb.start > cs:
            done = _work_done(sc, verb, cs)
            if done is not None:
                chained = [*(chained or []), done]
        m = {
            "quantity": round(value, 6),
            "unit": q.unit.name,
            "verb": verb.text if verb is not None else None,
            "verb_family": verb.info.family if verb is not None else None,
            "object": obj,
            "kind": kind,
            "direction": q.qualifier,
            "data_period": {"label": period.label, "end_month": period.end_month, "end_day": period.end_day} if period else None,
            "forecast": forecast,
            "cumulative": cumulative,
            "quote": None,  # filled by the caller from the original text
            "span": [start, span_end],
            "context": ctx[-24:],
            "item": sc.item_at(qstart) if items else None,
            "role": _role(sc, q, cs, ce),
        }
        if chained:
            m["also_families"] = chained
        if not ctx and out:  # 其中拆除1.8万平方米 / 已建成3个: the subject of the list head
            last = out[-1]
            if sc.sentence(last["span"][0])[0] == ss:
                m["context"] = last["context"]
        out.append(m)
    if "分别" in norm:
        apply_respectively(sc, out)
    return sc, out


def _work_done(sc: Scan, verb: Token, cs: int) -> str | None:
    """治理完成14.2公里, 植树已完成1.2万亩: the verb right before 完成 (已/均/全部/基本 between) names the work done,
    so the figure reports on that family too."""
    norm, end = sc.norm, verb.start
    while end > cs and norm[end - 1] in _DONE_FILLER:
        end -= 1
    prev = sc.verb_before(cs, end)
    if prev is None or prev.end != end or prev.info.generic or not prev.info.family or prev.info.family == verb.info.family:
        return None
    return prev.info.family


_DONE_FILLER = frozenset("已均全部基本")


def _chained_families(sc: Scan, verb: Token | None, cs: int) -> list[str]:
    """Families of the verbs joined to this one by 并/和/及 (新建并投用130个): the figure reports on each."""
    out: list[str] = []
    norm = sc.norm
    while verb is not None:
        if verb.start <= cs or norm[verb.start - 1] not in _CHAIN_LAST:
            break  # every link word ends in one of these characters
        head = norm[max(cs, verb.start - 2):verb.start]
        link = next((c for c in _CHAIN if head.endswith(c)), None)
        if link is None:
            break
        prev = sc.verb_before(cs, verb.start - len(link))
        if prev is None or prev.end != verb.start - len(link):
            break
        if prev.info.family and prev.info.family not in out:
            out.append(prev.info.family)
        verb = prev
    return out


def apply_respectively(sc: Scan, out: list[dict]) -> None:
    """A、B分别为X、Y / A X，B Y，分别增长p、q: give the i-th figure after 分别 the i-th subject.

    Each 分别 looks only as far as its neighbours: subjects after the previous figure of its clause, figures
    before the next 分别, and as many earlier figures as it needs — linear in the text, where walking the
    whole clause for every 分别 was quadratic on a long clause without punctuation."""
    norm = sc.norm
    qs = sc.quantities
    pos = norm.find("分别")
    while pos >= 0:
        cs, ce = sc.clause(pos)
        following = norm.find("分别", pos + 2)
        stop = min(ce, following) if following >= 0 else ce
        first = sc.first_quantity_from(pos + 1)
        after = []
        while first + len(after) < len(qs) and qs[first + len(after)].num_start < stop:
            after.append(first + len(after))
        if len(after) >= 2:
            previous = sc.first_quantity_from(pos) - 1  # the last figure before this 分别
            lo = max(cs, qs[previous].end) if previous >= 0 and qs[previous].end <= pos else cs
            names = [clean(sc.lx, x) for x in re.split(r"[、和及与]", _strip_tokens(sc, lo, pos))]
            names = [x for x in names if x]
            if len(names) != len(after):  # subjects carried by the figures of earlier clauses
                names = _earlier_subjects(sc, out, pos, cs, len(after))
            for i, name in zip(after, names):
                out[i]["context"] = name
                out[i]["object"] = out[i]["object"] or name
        pos = following


def _earlier_subjects(sc: Scan, out: list[dict], pos: int, cs: int, wanted: int) -> list[str]:
    """The subjects of the last `wanted` figures of the sentence before the clause at cs (A X，B Y，分别…),
    or none when the sentence has fewer."""
    ss, _ = sc.sentence(pos)
    qs, found = sc.quantities, []
    i = sc.first_quantity_from(cs) - 1
    # q.start <= q.num_start < q.end: only numbers starting in [ss, cs) can qualify
    while i >= 0 and qs[i].num_start >= ss and len(found) < wanted:
        if ss <= qs[i].start and qs[i].end <= cs:
            found.append(i)
        i -= 1
    return [out[i]["context"] for i in reversed(found)] if len(found) == wanted else []


def _strip_tokens(sc: Scan, lo: int, hi: int) -> str:
    """Text of [lo, hi) without verbs, quantities and periods (keeps the nouns)."""
    return sc.nouns[lo:hi].replace("\x00", "")
