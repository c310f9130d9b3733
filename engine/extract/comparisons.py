"""Stated comparisons: gaps and ratios a report writes out instead of raw figures.

`低于目标1.2个百分点`, `滞后序时进度6.5个百分点`, `超序时进度`, `完成年度目标的61.5%`, `完成全年任务的六成`
are direct readings of the gap or the completion ratio, usable even when no target figure exists.
The phrasings live in rules/lexicon/comparisons.yaml (office staff extend it; no code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..library_messages import regex_problem
from .finders import char_gate, char_tests, chars_pass, checks_of, first_chars, possible
from .lexicon import LEXICON_DIR, LexiconError, _read

KINDS = ("target_gap", "time_gap", "time_ahead", "target_ratio")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", 0)}


@dataclass(frozen=True)
class ComparisonEntry:
    name: str
    kind: str
    sign: int
    patterns: tuple[re.Pattern, ...]
    exclude: re.Pattern | None
    checks: tuple = ()  # per pattern: literals a match needs (finders.checks_of), tested before the regex runs


def _compile(stem: str, i: int, name: str, rx: str) -> re.Pattern:
    try:
        return re.compile(rx)
    except re.error as exc:
        raise LexiconError(f"词库文件 {stem}.yaml 第{i + 1}条（{name}）：「{rx}」不是合法的正则表达式（{regex_problem(exc)}）") from None


def load_comparisons(directory: Path | str | None = None) -> tuple[ComparisonEntry, ...]:
    d = Path(directory) if directory else LEXICON_DIR
    data = _read(d / "comparisons.yaml", "comparisons")
    out = []
    for i, e in enumerate(data["entries"]):
        name = e.get("name") or ""
        where = f"词库文件 comparisons.yaml 第{i + 1}条（{name}）"
        if e.get("kind") not in KINDS:
            raise LexiconError(f"{where}：kind「{e.get('kind')}」不在 {'/'.join(KINDS)} 中")
        patterns = e.get("patterns") or []
        if not isinstance(patterns, list) or not patterns:
            raise LexiconError(f"{where}：patterns 应为非空列表")
        compiled = tuple(_compile("comparisons", i, name, p) for p in patterns)
        if e["kind"] != "time_ahead" and any("value" not in p.groupindex for p in compiled):
            raise LexiconError(f"{where}：patterns 须含命名组 (?P<value>…)")
        exclude = e.get("exclude") or []
        ex = re.compile("|".join(f"(?:{x})" for x in exclude)) if exclude else None
        sign = e.get("sign", 1)
        if sign not in (1, -1):
            raise LexiconError(f"{where}：sign 应为 1 或 -1，实为「{sign}」")
        out.append(ComparisonEntry(name, e["kind"], sign, compiled, ex, tuple(checks_of(p, first_chars(p.pattern)) for p in compiled)))
    return tuple(out)


@lru_cache(maxsize=1)
def get_comparisons() -> tuple[ComparisonEntry, ...]:
    return load_comparisons()


def _value(entry: ComparisonEntry, raw: str, text: str, end: int) -> float | None:
    if raw in _CN_DIGITS and text.startswith("成", end):  # 六成 = 60%
        return _CN_DIGITS[raw] / 10
    try:
        v = float(raw)
    except ValueError:
        return None
    if entry.kind == "target_ratio":
        return round(v / 100, 4)
    if entry.kind == "time_gap":
        return round(entry.sign * v / 100, 4)  # 个百分点 of time progress, as a fraction
    return round(entry.sign * v, 4)  # target_gap: growth points


def _overlaps(rx: re.Pattern | None, text: str, s: int, e: int) -> bool:
    if rx is None:
        return False
    lo = max(0, s - 20)
    return any(m.start() < e and m.end() > s for m in rx.finditer(text, lo, min(len(text), e + 20)))


_PLANS: dict[int, tuple] = {}  # id(entries) -> (entries, plan): by identity, as hashing the entries costs µs


def _plan(entries: tuple[ComparisonEntry, ...]) -> tuple[re.Pattern | None, tuple, tuple | None]:
    """(gate, [(entry, pattern, checks, tests)], screens): as finders.plan, the characters of a text, found in one
    pass, skip most patterns before any word is tested."""
    cached = _PLANS.get(id(entries))
    if cached is not None and cached[0] is entries:
        return cached[1]
    steps, chars = [], set()
    for entry in entries:
        for k, rx in enumerate(entry.patterns):
            checks = entry.checks[k] if entry.checks else ()
            tests = char_tests(checks)
            for c, _ in tests or ():
                chars |= c
            steps.append((entry, rx, checks, tests))
    # every step's checks, for the early return; None when a step has none (it may match any text)
    screens = tuple(checks for _, _, checks, _ in steps) if all(checks for _, _, checks, _ in steps) else None
    if len(_PLANS) > 8:
        _PLANS.clear()
    plan = _PLANS[id(entries)] = (entries, (char_gate(chars), tuple(steps), screens))
    return plan[1]


def find_comparisons(norm: str, entries: tuple[ComparisonEntry, ...] | None = None) -> list[dict]:
    """Every stated comparison, in text order; overlapping readings keep the first entry's."""
    gate, steps, screens = _plan(entries if entries is not None else get_comparisons())
    if screens is not None:  # a plain loop, not all(<genexpr>): it runs for every text, mostly to fail
        for checks in screens:
            if possible(checks, norm):
                break
        else:
            return []  # no pattern has its required words in the text: the loop below would skip every one
    present = set(gate.findall(norm)) if gate is not None else None
    found: list[dict] = []
    taken: list[tuple[int, int]] = []
    for entry, rx, checks, tests in steps:
        if tests is not None and not chars_pass(tests, present):
            continue  # the text's characters already fail a test
        if checks and not possible(checks, norm):
            continue
        for m in rx.finditer(norm):
            s, e = m.span()
            if any(a < e and s < b for a, b in taken) or _overlaps(entry.exclude, norm, s, e):
                continue
            value = None
            if entry.kind != "time_ahead":
                value = _value(entry, m.group("value"), norm, m.end("value"))
                if value is None:
                    continue
            taken.append((s, e))
            found.append({"kind": entry.kind, "name": entry.name, "value": value, "span": [s, e], "quote": None})
    found.sort(key=lambda c: c["span"][0])
    return found
