"""Measures: each number of a text with its verb, object, kind, period and status.

One pass per token class (numbers, verbs, markers, periods) over the whole text, then
bisect lookups per number: no per-number regex scan of the text (the 1M-text benchmark).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from .lexicon import Lexicon
from .numbers import Quantity, scan
from .periods import Period, find_periods

CLAUSE_BREAK = re.compile(r"[，,。；;：:！？!?\n（）()【】\[\]]")
SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]")
# Itemisation of progress: ①②, 一是/二是, （一）, 1. / 1、 at a clause start.
ITEM_RE = re.compile(r"(?=[①②③④⑤⑥⑦⑧⑨⑩一二三四五六七八九十（(\d])"
                     r"(?:[①②③④⑤⑥⑦⑧⑨⑩]|(?<![一二三四五六七八九十])[一二三四五六七八九十]是"
                     r"|[（(][一二三四五六七八九十][）)]|(?:^|(?<=[。；;\n]))\d{1,2}[、.](?!\d))")
_SENTENCE_CHARS = set("。；;！？!?\n")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_FILLER = set("为达了约到至是已共计 、和及分别均")
VERB_AFTER = 8  # 10条道路基本完工: a verb this close after the unit is the number's verb
GAP_VERB = 24
_SEP = re.compile("[、和及与]")  # a verb further than this from its number is not taken as the number's verb
_START = attrgetter("start")
_BLANKS = re.compile(r"\s*")  # \s is exactly str.isspace(), what str.strip() strips
_FIRST = itemgetter(0)


class Token:
    __slots__ = ("start", "end", "text", "info")

    def __init__(self, start: int, end: int, text: str, info):
        self.start, self.end, self.text, self.info = start, end, text, info  # info: Verb or role


class Scan:
    """Everything tokenised once for one text."""

    def __init__(self, norm: str, lx: Lexicon):
        self.norm, self.lx = norm, lx
        self.clause_breaks = [m.start() for m in CLAUSE_BREAK.finditer(norm)]
        self.sentence_breaks = [i for i in self.clause_breaks if norm[i] in _SENTENCE_CHARS]
        self.quantities: list[Quantity] = scan(norm, lx)
        self.verbs = [Token(m.start(), m.end(), m.group(), lx.verbs[m.group()])
                      for m in lx.verb_re.finditer(norm)]
        self.verb_starts = [t.start for t in self.verbs]
        self.markers = [Token(m.start(), m.end(), m.group(), lx.marker_role[m.group()])
                        for m in lx.marker_re.finditer(norm)]
        self.periods: list[Period] = find_periods(norm, lx)
        self.items = [(m.start(), _item_no(m.group())) for m in ITEM_RE.finditer(norm)] if (
            "是" in norm or "（" in norm or "(" in norm or "①" in norm or "、" in norm) else []
        self.seps = [m.start() for m in _SEP.finditer(norm)]
        self._nouns = None
        self._num_starts: list[int] | None = None
        self._by_key: dict | None = None  # marker key -> (starts, ends, tokens), see has_marker
        self._word_at: dict[str, list[int]] = {}
        self._solid: dict[int, int] = {}  # first_solid (keys pos) and last_solid (keys -pos-1)

    # Lookups by bisection, so that a long text does not cost (numbers x numbers): quantities,
    # periods, items and markers are each in text order and do not overlap.

    def first_quantity_from(self, pos: int) -> int:
        """Index of the first quantity whose number starts at or after pos (num_start never
        decreases along self.quantities: each starts after the previous regex match)."""
        if self._num_starts is None:
            self._num_starts = [q.num_start for q in self.quantities]
        return bisect_left(self._num_starts, pos)

    def period_before(self, lo: int, hi: int) -> Period | None:
        """The last period starting in [lo, hi)."""
        i = bisect_left(self.periods, hi, key=_START)
        return self.periods[i - 1] if i and self.periods[i - 1].start >= lo else None

    def _markers_by_key(self, key) -> tuple[list[int], list[int], list[Token]] | None:
        """Markers of one key, in text order. Keys: a role (forecast, cumulative …), and for the
        cumulative words ("cumulative", True) for 累计… and ("cumulative", False) for the others."""
        if self._by_key is None:
            self._by_key = {}
            for t in self.markers:
                keys = (t.info, (t.info, t.text.startswith("累计"))) if t.info == "cumulative" else (t.info,)
                for k in keys:
                    starts, ends, tokens = self._by_key.setdefault(k, ([], [], []))
                    starts.append(t.start)
                    ends.append(t.end)
                    tokens.append(t)
        return self._by_key.get(key)

    def has_marker(self, key, lo: int, hi: int, end_hi: int | None = None) -> bool:
        """Whether a marker of `key` starts in [lo, hi) and ends by end_hi (default hi). By bisection:
        a walk over the markers of the clause for every number made a long clause quadratic."""
        if not self.markers:
            return False
        spans = self._markers_by_key(key)
        if spans is None:
            return False
        starts, ends, _ = spans
        i = bisect_left(starts, lo)  # the first candidate has the smallest end: tokens do not overlap
        return i < len(starts) and starts[i] < hi and ends[i] <= (hi if end_hi is None else end_hi)

    def markers_ending(self, key, lo: int, hi: int) -> list[Token]:
        """Markers of `key` ending in [lo, hi], in text order."""
        spans = self._markers_by_key(key) if self.markers else None
        if spans is None:
            return []
        _, ends, tokens = spans
        return tokens[bisect_left(ends, lo):bisect_right(ends, hi)]

    def first_solid(self, pos: int) -> int:
        """The first non-blank position at or after pos (len(norm) if none): norm[pos:].lstrip()."""
        at = self._solid.get(pos)
        if at is None:
            at = self._solid[pos] = _BLANKS.match(self.norm, pos).end()
        return at

    def last_solid(self, pos: int) -> int:
        """The last non-blank position before pos (-1 if none): norm[:pos].rstrip()."""
        at = self._solid.get(-pos - 1)
        if at is None:
            at = pos - 1
            while at >= 0 and self.norm[at].isspace():
                at -= 1
            self._solid[-pos - 1] = at
        return at

    def has_word(self, word: str, lo: int, hi: int) -> bool:
        """word in self.norm[lo:hi], without copying the slice."""
        at = self._word_at.get(word)
        if at is None:
            at, p = [], self.norm.find(word)
            while p >= 0:
                at.append(p)
                p = self.norm.find(word, p + 1)
            self._word_at[word] = at
        i = bisect_left(at, lo)
        return i < len(at) and at[i] + len(word) <= hi

    def after_last_sep(self, lo: int, hi: int) -> int:
        """Position after the last list separator (、和及与) in [lo, hi), else lo."""
        i = bisect_left(self.seps, hi) - 1
        return self.seps[i] + 1 if i >= 0 and self.seps[i] >= lo else lo

    @property
    def nouns(self) -> str:
        """The text with verbs, quantities and periods blanked out (same length): what is left
        around a number names the thing counted. Built once, sliced per number."""
        if self._nouns is None:
            chars = list(self.norm)
            spans = [(q.start, q.end) for q in self.quantities] + [(p.start, p.end) for p in self.periods]
            spans += [(t.start, t.end) for t in self.verbs if t.info.family is not None]
            for a, b in spans:
                chars[a:b] = "\x00" * (b - a)
            self._nouns = "".join(chars)
        return self._nouns

    def clause(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.clause_breaks, pos - 1)
        s = self.clause_breaks[i - 1] + 1 if i else 0
        e = self.clause_breaks[i] if i < len(self.clause_breaks) else len(self.norm)
        return s, e

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.sentence_breaks, pos - 1)
        s = self.sentence_breaks[i - 1] + 1 if i else 0
        e = self.sentence_breaks[i] if i < len(self.sentence_breaks) else len(self.norm)
        return s, e

    def verb_before(self, lo: int, hi: int) -> Token | None:
        """The nearest real verb ending at or before hi and starting at or after lo."""
        i = bisect_right(self.verb_starts, hi - 1) - 1
        while i >= 0 and self.verbs[i].start >= lo:
            t = self.verbs[i]
            if t.end <= hi and t.info.family is not None:
                return t
            i -= 1
        return None

    def verb_after(self, lo: int, hi: int) -> Token | None:
        i = bisect_left(self.verb_starts, lo)
        while i < len(self.verbs) and self.verbs[i].start < hi:
            if self.verbs[i].info.family is not None:
                return self.verbs[i]
            i += 1
        return None

    def item_at(self, pos: int) -> int | None:
        """The number of the last item starting before pos."""
        if not self.items:
            return None
        i = bisect_left(self.items, pos, key=_FIRST)
        return self.items[i - 1][1] if i else None


def _item_no(s: str) -> int | None:
    if s[0] in _CIRCLED:
        return _CIRCLED.index(s[0]) + 1
    for ch in s:
        if ch.isdigit():
            return int(s.rstrip("、."))
        if ch in "一二三四五六七八九十":
            return "一二三四五六七八九十".index(ch) + 1
    return None


def clean(lx: Lexicon, s: str) -> str:
    """Drop generic words, numbers and punctuation: what is left names the thing counted."""
    return lx.stopword_re.sub("", s)


def _object(sc: Scan, k: int, q: Quantity, verb: Token | None, cs: int, ce: int,
            prev_end: int) -> tuple[str | None, int]:
    """Object noun phrase and the end of the quoted span."""
    norm, lx = sc.norm, sc.lx
    if verb is not None and verb.end <= q.start:
        # 引育20个创新团队、200名创新人才: after a list separator the object follows the unit
        lo = sc.after_last_sep(max(verb.end, prev_end), q.start)
        between = clean(lx, _strip_tokens(sc, lo, q.start))
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
    if verb is not None and verb.end <= q.start:
        pv = sc.verb_before(cs, verb.start)
        before = clean(lx, _strip_tokens(sc, max(cs, pv.end if pv else cs), verb.start))
        if before:
            return before[-16:], q.end
    return None, q.end


def _kind(sc: Scan, q: Quantity, verb: Token | None, cs: int, prev_end: int) -> str:
    u = q.unit
    if sc.has_marker("per_capita", cs, q.start):
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


def _role(sc: Scan, q: Quantity, cs: int, ce: int, obj: str | None) -> str | None:
    """part: 其中… (a breakdown); list: 15个城市更新项目中 (the size of a list, not an actual).
    Read from the first and last non-blank characters of the clause, found once per clause:
    stripping the clause text around every number was quadratic in a long clause."""
    norm = sc.norm
    first = sc.first_solid(cs)
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


def build(norm: str, lx: Lexicon, year: int | None = None, scan_: Scan | None = None) -> tuple[Scan, list[dict]]:
    """The measures of a text as plain dicts (plus internal `context` and `item`)."""
    sc = scan_ or Scan(norm, lx)
    out: list[dict] = []
    year_word = f"{year}年" if year else None
    for k, q in enumerate(sc.quantities):
        cs, ce = sc.clause(q.num_start)
        verb = sc.verb_before(max(cs, q.start - GAP_VERB), q.start)
        if verb is None:  # 10条道路基本完工, 5个项目已开工: the verb follows
            verb = sc.verb_after(q.end, min(ce, q.end + VERB_AFTER))
        prev = sc.quantities[k - 1] if k else None
        prev_end = prev.end if prev is not None and cs <= prev.end <= q.start else cs
        kind = _kind(sc, q, verb, cs, prev_end)
        value = q.value
        if kind == "growth" and value > 0:
            sign = verb.info.sign
            if verb.info.generic:
                g = sc.verb_before(cs, verb.start)
                sign = g.info.sign if g is not None and g.info.family == "增长" else 1
            value = value * sign
        obj, qend = _object(sc, k, q, verb, cs, ce, prev_end)
        forecast = sc.has_marker("forecast", cs, q.start) or sc.has_marker(
            "forecast", q.end, min(ce, q.end + 5), end_hi=ce)  # 预计…, or …预计 within 4 characters
        ss, _ = sc.sentence(q.num_start)
        period = sc.period_before(ss, q.start)
        before = verb if verb is not None and verb.end <= q.start else None
        cumulative = sc.has_marker("cumulative", cs, q.start) and _cumulative(sc, q, before, cs, period, year_word)
        start = q.start
        if before is not None and before.start >= prev_end:
            start = before.start
            if norm[max(0, start - 1):start] == "已":
                start -= 1
        elif prev_end > cs:  # 引育10名领军人才、200名…: quote from after the previous figure
            start = prev_end
            while start < q.start and norm[start] in "、，,和及与 ":
                start += 1
        lo = sc.after_last_sep(prev_end, q.start) if prev_end > cs else prev_end
        ctx = clean(lx, _strip_tokens(sc, lo, q.start))
        if len(ctx) < 3 and prev_end == cs and q.unit.kind in ("percent", "points"):
            # 产值增速5.7%: the subject is in the previous clause
            pcs, _ = sc.clause(max(0, cs - 1))
            ctx = clean(lx, _strip_tokens(sc, pcs, q.start))
        if obj and obj not in ctx:
            ctx += obj
        out.append({
            "quantity": round(value, 6),
            "unit": q.unit.name,
            "verb": verb.text if verb is not None else None,
            "verb_family": verb.info.family if verb is not None else None,
            "object": obj,
            "kind": kind,
            "direction": q.qualifier,
            "data_period": period.as_dict() if period else None,
            "forecast": forecast,
            "cumulative": cumulative,
            "quote": None,  # filled by the caller from the original text
            "span": [start, qend],
            "context": ctx[-24:],
            "item": sc.item_at(q.start),
            "role": _role(sc, q, cs, ce, obj),
        })
        if not ctx and len(out) > 1:  # 其中拆除1.8万平方米 / 已建成3个: the subject of the list head
            prev = out[-2]
            if sc.sentence(prev["span"][0])[0] == ss:
                out[-1]["context"] = prev["context"]
    if "分别" in norm:
        apply_respectively(sc, out)
    return sc, out


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
