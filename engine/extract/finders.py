"""Running a lexicon file's patterns over a text fast, with the same hits in the same order.

A pattern is tried only when the text can hold a match: it must contain every literal the pattern
cannot match without (required_literals), one of its possible first characters (first_chars), and for
a triggered entry the trigger word. These are necessary conditions only, so the hits never change;
most patterns are skipped with a few `in` tests instead of a regex scan.
"""

from __future__ import annotations

import re
import re._parser as _sre_parse  # only to read a pattern's structure (speed)

TRIGGER_REACH = 20  # a triggered pattern is searched this far around each trigger occurrence


def _first_chars(items) -> frozenset | None:
    """The characters a parsed pattern can start with, when that is a small literal set."""
    if not items:
        return None
    op, av = items[0]
    name = str(op)
    if name == "LITERAL":
        return frozenset(chr(av))
    if name == "SUBPATTERN":
        return _first_chars(list(av[3]))
    if name == "BRANCH":
        out = set()
        for branch in av[1]:
            f = _first_chars(list(branch))
            if f is None:
                return None
            out |= f
        return frozenset(out)
    if name == "IN" and all(str(o) == "LITERAL" for o, _ in av):
        return frozenset(chr(v) for _, v in av)
    if name in ("MAX_REPEAT", "MIN_REPEAT") and av[0] >= 1:
        return _first_chars(list(av[2]))
    return None


def first_chars(pattern: str) -> frozenset | None:
    try:
        return _first_chars(list(_sre_parse.parse(pattern)))
    except Exception:  # noqa: BLE001 - an optimisation only; never fail loading for it
        return None


def _required(items) -> list[tuple[str, ...]]:
    """What every match must contain, as a list of alternatives (one of each tuple must occur): runs
    of literals, and one literal per branch of an alternation (|). Groups that must match are
    entered; anything optional, a character class or a branch without a literal ends a run."""
    out, run = [], []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            run.append(chr(av))
            continue
        if run:
            out.append(("".join(run),))
            run = []
        if name == "SUBPATTERN" and not av[1] and not av[2]:  # no inline flags (e.g. (?i:…))
            out.extend(_required(list(av[3])))
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and av[0] >= 1:
            out.extend(_required(list(av[2])))
        elif name == "BRANCH":
            picks = []
            for branch in av[1]:
                needed = _required(list(branch))
                singles = [alts[0] for alts in needed if len(alts) == 1]
                if not singles:
                    break
                picks.append(max(singles, key=len))
            else:
                out.append(tuple(dict.fromkeys(picks)))
    if run:
        out.append(("".join(run),))
    return out


def required_literals(pattern) -> tuple[tuple[str, ...], ...]:
    if pattern.flags & re.IGNORECASE:
        return ()
    try:
        return tuple(dict.fromkeys(_required(list(_sre_parse.parse(pattern.pattern)))))
    except Exception:  # noqa: BLE001 - an optimisation only
        return ()


def checks_of(r: re.Pattern, first: frozenset | None) -> tuple[tuple[str, ...], ...]:
    """The tests a text must pass for r to match in it (one string of each tuple must occur): its required
    literals, then its possible first characters. The cheapest test first (few alternatives, then long
    words), so a text fails fast: the order of the tests changes their cost, never their outcome."""
    checks = tuple(dict.fromkeys(required_literals(r) + ((tuple(sorted(first)),) if first else ())))
    return tuple(sorted(checks, key=lambda alts: (len(alts), -min(map(len, alts)))))


def possible(checks, text: str) -> bool:
    """Whether text passes every test of checks_of (hits inlines this loop: it runs per pattern and text)."""
    for alternatives in checks:
        for s in alternatives:
            if s in text:
                break
        else:
            return False
    return True


def char_tests(checks) -> tuple[tuple[frozenset, bool], ...] | None:
    """Per test of checks_of, what the text's characters must show for it to pass: every character of a
    lone string (True), or one first character of the alternatives (False). None when there is no test."""
    return tuple((frozenset(alts[0]), True) if len(alts) == 1 else (frozenset(s[0] for s in alts), False)
                 for alts in checks) or None


def chars_pass(tests, present: set) -> bool:
    """Whether the characters present in a text (char_gate's findall) allow every test."""
    for chars, every in tests:
        if (not chars <= present) if every else present.isdisjoint(chars):
            return False
    return True


def char_gate(chars) -> re.Pattern | None:
    """A character class of chars: findall gives the ones a text contains, in one pass."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]") if chars else None


def plan(entries) -> list[tuple]:
    """Per entry with patterns: (index, trigger, [(regex, checks)]); checks: tuples of strings, one
    of each must occur in the text (required literals, then the possible first characters)."""
    out = []
    for i, e in enumerate(entries):
        if e.regexes:
            out.append((i, e.trigger, [(r, checks_of(r, first)) for r, first in zip(e.regexes, e.firsts)]))
    return out


class WordMatch:
    """A word hit found by words.find: the methods of re.Match that hits' callers use, for the word (the trie regex
    has no groups: group() is the word, groupdict() is empty)."""

    __slots__ = ("_start", "_end", "string")

    def __init__(self, start: int, end: int, string: str):
        self._start, self._end, self.string = start, end, string

    def start(self, group=0) -> int:
        if group not in (0,):
            raise IndexError("no such group")
        return self._start

    def end(self, group=0) -> int:
        if group not in (0,):
            raise IndexError("no such group")
        return self._end

    def span(self, group=0) -> tuple[int, int]:
        return self.start(group), self.end(group)

    def group(self, *groups):
        if groups not in ((), (0,)):
            raise IndexError("no such group")
        return self.string[self._start:self._end]

    def groupdict(self, default=None) -> dict:
        return {}


def hits(words: tuple, entries, text: str, steps=None, done: set | None = None, spans=None):
    """(entry index, match) for every word and pattern hit, words first; overlaps are kept.
    done: names the caller needs no more hits of (it may add to it between hits): their patterns are not run.
    spans: the (start, end) of this file's words in text, when words.find has found them (the same as its regex's
    matches): the regex pass is skipped and each word yields a WordMatch.
    (The character gate of comparisons.py does not pay here: with ~30 cheap tests per text it costs what it saves.)"""
    rx, owner = words
    if spans is None:
        for m in rx.finditer(text):
            yield owner[m.group()], m
    else:
        for s, e in spans:
            yield owner[text[s:e]], WordMatch(s, e, text)
    for i, trigger, patterns in steps if steps is not None else plan(entries):
        if done and entries[i].name in done:
            continue
        windows = None
        for r, checks in patterns:
            possible = True
            for alternatives in checks:  # plain loops: generator expressions cost more than the tests
                for s in alternatives:
                    if s in text:
                        break
                else:
                    possible = False
                    break
            if not possible:
                continue
            if windows is None:
                windows = _windows(text, trigger) if trigger else ((0, len(text)),)
                if not windows:
                    break
            for lo, hi in windows:
                for m in r.finditer(text, lo, hi):
                    yield i, m


def _windows(text: str, trigger: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    p = text.find(trigger)
    while p >= 0:
        lo, hi = max(0, p - TRIGGER_REACH), min(len(text), p + len(trigger) + TRIGGER_REACH)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
        p = text.find(trigger, p + 1)
    return out
