"""Enumerated sub-projects (issue 14, mechanism 2): a progress text that names projects one by one, each
with its own stage — `A、B、C综合服务体已基本建成，D正开展改建` — read as how many reached the stage the
target's verb demands. Only clauses with a stage and a named subject count; a clause with its own count
figure is left to the number matching (`已建成3个`)."""

from __future__ import annotations

import re

from .lexicon import get_lexicon
from .measures import build
from .numbers import normalize
from .stages import find_stage

_CLAUSES = re.compile(r"[^。；;，,\n]+")
_ITEM_HEAD = re.compile(r"^\s*(?:[①-⑳]|[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])\s*")
_SOFT = re.compile(r"[已正在目前现均全部基本积极有序加快抓紧完成进行开展同时并且还也其中的等]")


def stage_items(text: str) -> list[dict]:
    """One entry per clause that names its subject(s) and states a stage: {names, rank, stage, quote, span}."""
    lx = get_lexicon()
    out = []
    for m in _CLAUSES.finditer(text):
        clause = m.group()
        head = _ITEM_HEAD.match(clause)
        offset = head.end() if head else 0
        body = clause[offset:]
        norm = normalize(body)
        sc, measures = build(norm, lx)
        if any(q["kind"] in ("count", "amount") for q in measures):
            continue  # 已建成3个: the figure says how many, the matching reads it
        stage = find_stage(sc, measures)
        if not stage:
            continue
        subject = _SOFT.sub("", body[:stage["span"][0]]).strip(" ：:")
        if len(subject) < 2:
            continue  # 正在装修: a continuation of the previous clause, not another project
        names = [n for n in re.split(r"[、和及与]", subject) if len(_SOFT.sub("", n).strip()) >= 2]
        start = m.start() + offset
        out.append({"names": max(1, len(names)), "rank": stage["rank"], "stage": stage["name"],
                    "quote": text[start:start + stage["span"][1]], "span": [start, start + stage["span"][1]]})
    return out


def reached_count(text: str, rung: int) -> tuple[int, int, list[dict]] | None:
    """(projects at or above `rung`, projects named with a stage, the clauses) — None when none reached it:
    then the enumeration may be about another aim of the task, and no ratio is read from it."""
    items = stage_items(text)
    reached = sum(i["names"] for i in items if i["rank"] >= rung)
    if not reached:
        return None
    return reached, sum(i["names"] for i in items), items
