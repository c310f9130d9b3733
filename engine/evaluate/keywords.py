"""Literal keyword matching shared by both evaluators: "…" in a keyword matches any run of text."""

from __future__ import annotations

import re
from functools import lru_cache

GAP = "…"


def _pattern(keyword: str) -> str:
    parts = [re.escape(p) for p in keyword.replace("...", GAP).split(GAP)]
    return ".*?".join(parts)


@lru_cache(maxsize=4096)
def keyword_regex(keyword: str) -> re.Pattern:
    return re.compile(_pattern(keyword), re.S)


@lru_cache(maxsize=1024)
def keyword_matcher(keywords: tuple[str, ...]):
    """One precompiled alternation for a whole keyword list (Python's re tries every alternative at
    every position, so it is exact — unlike durable_rules' $mt): its `search`, truthy on a hit."""
    return re.compile("|".join(f"(?:{_pattern(k)})" for k in keywords) or "(?!)", re.S).search


def find_keyword(text: str, keywords) -> re.Match | None:
    """The earliest match of any keyword (used for quoting evidence)."""
    best = None
    for keyword in keywords:
        match = keyword_regex(keyword).search(text)
        if match and (best is None or match.start() < best.start()):
            best = match
    return best


def contains_any(text: str, keywords) -> bool:
    return any(keyword_regex(k).search(text) for k in keywords)
