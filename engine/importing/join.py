"""Attach incoming table rows to the plan items already in a workspace.

By 序号 when both sides carry it (and the texts agree), else by text: exact, then normalised
(punctuation, quotes ‘’“”, spaces, leading "1、"), then fuzzy above a threshold with a clear winner.
Unmatched and ambiguous rows are reported; an ambiguous row is never silently picked.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

FUZZY_MIN = 0.86  # similarity a fuzzy match needs
FUZZY_MARGIN = 0.04  # and how far ahead of the runner-up it must be
_PUNCT = re.compile(r"[\s\u3000，。、；：！？,.;:!?‘’“”'\"「」『』《》〈〉（）()\[\]【】…—\-·]+")
_LEAD = re.compile(r"^\s*(?:\d{1,4}|[一二三四五六七八九十]+)\s*[、.．]")


def join_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _LEAD.sub("", text)
    return _PUNCT.sub("", text)


@dataclass
class Candidate:
    index: int  # position in the existing list
    seq: str | None
    text: str


@dataclass
class JoinResult:
    target: int | None  # index of the existing item, None when unmatched
    how: str  # 序号 / 原文 / 规范化 / 近似(0.93) / 未匹配 / 歧义
    detail: str = ""


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def join_rows(existing: list[Candidate], rows: list[tuple[str | None, str]], use_seq: bool = True) -> list[JoinResult]:
    """rows: (seq, text) per incoming row. One existing item takes at most one row per table.

    use_seq=False for tables with their own local numbering (a status annex listing 7 tasks as 1–7)."""
    taken: set[int] = set()
    results: list[JoinResult | None] = [None] * len(rows)
    keys = [join_key(c.text) for c in existing]
    by_text: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    by_seq: dict[str, list[int]] = {}
    for i, cand in enumerate(existing):
        by_text.setdefault(cand.text, []).append(i)
        by_key.setdefault(keys[i], []).append(i)
        if cand.seq:
            by_seq.setdefault(cand.seq, []).append(i)

    def free(indices):
        return [i for i in indices if i not in taken]

    def claim(row_index, target, how, detail=""):
        taken.add(target)
        results[row_index] = JoinResult(target, how, detail)

    # passes in order of confidence, so a weak match never steals a strong one's item
    for row_index, (seq, text) in enumerate(rows if use_seq else []):
        hits = free(by_seq.get(seq or "", []))
        if len(hits) == 1 and _similar(keys[hits[0]], join_key(text)) >= 0.5:
            claim(row_index, hits[0], "序号")
    for how, index, key_of in (("原文", by_text, lambda t: t), ("规范化", by_key, join_key)):
        for row_index, (seq, text) in enumerate(rows):
            if results[row_index] is None:
                hits = free(index.get(key_of(text), []))
                if hits:
                    claim(row_index, hits[0], how)
    for row_index, (seq, text) in enumerate(rows):
        if results[row_index] is not None:
            continue
        key = join_key(text)
        scored = sorted(((_similar(key, keys[i]), i) for i in range(len(existing)) if i not in taken), reverse=True)
        if scored and scored[0][0] >= FUZZY_MIN:
            best, runner = scored[0], (scored[1] if len(scored) > 1 else (0.0, None))
            if best[0] - runner[0] >= FUZZY_MARGIN:
                claim(row_index, best[1], f"近似({best[0]:.2f})")
            else:
                results[row_index] = JoinResult(None, "歧义", f"与两项相近（{best[0]:.2f} / {runner[0]:.2f}），未自动选择")
        else:
            results[row_index] = JoinResult(None, "未匹配", f"最相近 {scored[0][0]:.2f}" if scored else "")
    return results  # type: ignore[return-value]
