"""Scan: one text tokenised once — clause and sentence breaks, numbers with units, verbs, markers,
periods, itemisation — with bisect lookups, so that reading each number's verb, object and period
never rescans the text (measures.py builds on it)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import attrgetter, itemgetter

from .lexicon import Lexicon
from .numbers import Quantity, scan
from .periods import Period, find_periods
from .words import find as find_words

CLAUSE_BREAK = re.compile(r"[，,。；;：:！？!?\n（）()【】\[\]]")
SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]")
# Itemisation of progress: ①②, 一是/二是, （一）, 1. / 1、 at a clause start.
ITEM_RE = re.compile(r"(?=[①②③④⑤⑥⑦⑧⑨⑩一二三四五六七八九十（(\d])"
                     r"(?:[①②③④⑤⑥⑦⑧⑨⑩]|(?<![一二三四五六七八九十])[一二三四五六七八九十]是"
                     r"|[（(][一二三四五六七八九十][）)]|(?:^|(?<=[。；;\n]))\d{1,2}[、.](?!\d))")
_SENTENCE_CHARS = set("。；;！？!?\n")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_SEP_CHARS = frozenset("、和及与")  # list separators (引育20个创新团队、200名创新人才)
_BREAK_OR_SEP = re.compile(CLAUSE_BREAK.pattern[:-1] + "".join(sorted(_SEP_CHARS)) + "]")  # clause breaks or separators
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
        breaks = [m.start() for m in _BREAK_OR_SEP.finditer(norm)]  # one pass for clause breaks and separators
        self.clause_breaks = [i for i in breaks if norm[i] not in _SEP_CHARS]
        self.seps = [i for i in breaks if norm[i] in _SEP_CHARS]
        self.sentence_breaks = [i for i in self.clause_breaks if norm[i] in _SENTENCE_CHARS]
        self.quantities: list[Quantity] = scan(norm, lx)
        verbs, roles = lx.verbs, lx.marker_role
        # verbs, markers, period, stage and flag words in one pass (words.py); the stage and flag words for stages.py
        self.word_spans = spans = find_words(lx, norm)
        self.verbs = [Token(s, e, w, verbs[w]) for s, e in spans[0] for w in (norm[s:e],)]
        self.verb_starts = [t.start for t in self.verbs]
        self.markers = [Token(s, e, w, roles[w]) for s, e in spans[1] for w in (norm[s:e],)]
        self.periods: list[Period] = find_periods(norm, lx, spans[2])
        self.items = [(m.start(), _item_no(m.group())) for m in ITEM_RE.finditer(norm)] if (
            "是" in norm or "（" in norm or "(" in norm or "①" in norm or "、" in norm) else []
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

    def marker_spans(self, key) -> tuple[list[int], list[int], list[Token]] | None:
        """(starts, ends, tokens) of the markers of `key`, or None when the text has none."""
        return self._markers_by_key(key) if self.markers else None

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
            norm = self.norm
            spans = [(q.start, q.end) for q in self.quantities] + [(p.start, p.end) for p in self.periods]
            spans += [(t.start, t.end) for t in self.verbs if t.info.family is not None]
            spans.sort()
            pieces, at = [], 0  # the text between the (merged) spans, NULs over them
            for a, b in spans:
                if b <= at:
                    continue
                if a > at:
                    pieces.append(norm[at:a])
                    at = a
                pieces.append("\x00" * (b - at))
                at = b
            pieces.append(norm[at:])
            self._nouns = "".join(pieces)
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
