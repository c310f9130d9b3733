# cython: boundscheck=False, wraparound=False
"""One pass over a text for the words of five lexicon lists (verbs, markers, period, stage and flag words): for
each list, the words its trie regex (lexicon.alternation) finds — leftmost, then longest, not overlapping — as
(start, end) spans, in text order. Compiled (compiled.py, words.pxd) it walks a trie of C arrays, ~0.7 µs per
text instead of ~6–9 µs for the five regex passes and their Match objects; run from the .py source, find() uses the
five regexes themselves (a trie walk in Python costs more than they do). tests/test_extract_h1_words.py checks the
walk against the regexes in both modes, tests/test_extract_speed_guard.py the readings compiled and pure.
"""

from __future__ import annotations

from array import array

COMPILED = not __file__.endswith(".py")  # this module runs as an extension (compiled.py)
_BMP = 0x10000  # first characters index a table of this size: a word with a character beyond it keeps the regexes
_Z32 = [0] * 32


class WordPass:
    """The trie of n word lists. Node 0 is the root; root[c] is the node after the first character c, plus one (0: no
    word starts with c); a node's children are child_char/child_node[child_start[k]:child_start[k] + child_count[k]];
    ends[k] has bit li set when a word of list li ends at node k."""

    def __init__(self, lists):
        n = len(lists)
        if not 0 < n <= 32:
            raise ValueError("1 to 32 word lists")
        kids: list[dict] = [{}]
        mask = [0]
        for li in range(n):
            for w in lists[li]:
                if not w:
                    continue  # the regex alternation has no empty word either
                cur = 0
                for ch in w:
                    if ord(ch) >= _BMP:
                        raise ValueError("a word beyond the basic multilingual plane")
                    nxt = kids[cur].get(ch)
                    if nxt is None:
                        nxt = len(kids)
                        kids.append({})
                        mask.append(0)
                        kids[cur][ch] = nxt
                    cur = nxt
                mask[cur] |= 1 << li
        self.n = n
        root = array("i", bytes(4 * _BMP))
        for ch, node in kids[0].items():
            root[ord(ch)] = node + 1
        self.root = root
        self.child_start = array("i", [0] * len(kids))
        self.child_count = array("i", [0] * len(kids))
        self.ends = array("I", mask)
        chars, nodes = array("I"), array("i")
        for k in range(len(kids)):
            self.child_start[k] = len(chars)
            self.child_count[k] = len(kids[k])
            for ch, node in kids[k].items():
                chars.append(ord(ch))
                nodes.append(node)
        chars.append(0)  # never empty: a memoryview of an empty array is fine, but keep one slot for clarity
        nodes.append(0)
        self.child_char, self.child_node = chars, nodes

    def find(self, text: str) -> list:
        """Per list, the (start, end) of its words in text order: at each position the longest word of the list
        starting there, the next searched from its end (what finditer of the list's trie regex gives)."""
        n = self.n
        out = [[] for _ in range(n)]
        nxt = _Z32[:]  # per list: where its next word may start (compiled: C arrays, copied from the list)
        best = _Z32[:]  # per list: the end of its longest word starting at i
        size = len(text)
        i = 0
        while i < size:
            c = ord(text[i])
            if c >= 0x10000 or self.root[c] == 0:
                i += 1
                continue
            node = self.root[c] - 1
            j = i + 1
            found = 0
            while True:
                m = self.ends[node]
                if m:
                    for li in range(n):
                        if m & (1 << li):
                            best[li] = j
                            found |= 1 << li
                if j >= size:
                    break
                c = ord(text[j])
                e = -1
                st = self.child_start[node]
                for k in range(st, st + self.child_count[node]):
                    if self.child_char[k] == c:
                        e = self.child_node[k]
                        break
                if e < 0:
                    break
                node = e
                j += 1
            if found:
                for li in range(n):
                    if found & (1 << li) and nxt[li] <= i:
                        out[li].append((i, best[li]))
                        nxt[li] = best[li]
            i += 1
        return out


def _regexes(lx) -> tuple:
    return (lx.verb_re, lx.marker_re, lx.period_words[0], lx.stage_words[0], lx.flag_words[0])


def _lists(lx) -> list:
    return [list(lx.verbs), list(lx.marker_role), list(lx.period_words[1]), list(lx.stage_words[1]),
            list(lx.flag_words[1])]


def word_pass(lx):
    """The lexicon's WordPass, built on first use and kept on it with the five regexes it was built from (rebuilt if
    any of them was replaced); None when a word is beyond the BMP (the regexes are used then)."""
    regexes = _regexes(lx)
    got = getattr(lx, "_word_pass", None)
    if got is not None and all(a is b for a, b in zip(got[0], regexes)):
        return got[1]
    try:
        wp = WordPass(_lists(lx))
    except ValueError:
        wp = None
    lx._word_pass = (regexes, wp)
    return wp


def find(lx, norm: str) -> list:
    """[verbs, markers, period words, stage words, flag words], each a list of (start, end) in text order."""
    if COMPILED:
        wp = word_pass(lx)
        if wp is not None:
            return wp.find(norm)
    return [[m.span() for m in r.finditer(norm)] for r in _regexes(lx)]
