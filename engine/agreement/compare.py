"""Compare a check's result (result.json's shape) with the office's calls: recall of what the office
found lagging, what duban flags that the office calls normal (with the evidence behind each), the
待核实 share, indicator agreement, a confusion table and every disagreement."""

from __future__ import annotations

import re

import pandas as pd

from ..importing.join import Candidate, join_key, join_rows
from ..facts.plan_tasks import task_roots as _task_roots
from ..statuses import LAGGING, OK
from ..statuses import UNCLEAR as UNSURE
from .key import KeyRow, official_class


def duban_class(status: str) -> str:
    if status in LAGGING:
        return "滞后"
    if status == UNSURE:
        return UNSURE
    if status in OK:
        return "正常"
    return status  # a class of its own (e.g. an approved change), compared as such


def _seq_match(rows: list[KeyRow], items: list[dict], taken: set) -> dict[int, int]:
    """CSV keys: 序号 is the report's own (or the item id T003/I03); the text, when given, must agree."""
    out = {}
    by_id = {item["id"]: i for i, item in enumerate(items)}
    for r, row in enumerate(rows):
        seq = (row.seq or "").strip()
        hits = [by_id[seq]] if seq in by_id else [
            i for i, item in enumerate(items)
            if str(item.get("seq") or "") == seq and item["kind"] == row.kind and i not in taken]
        if row.text and len(hits) != 1:
            hits = [i for i in hits if join_key(items[i]["text"]) == join_key(row.text)] or hits
        if hits and hits[0] not in taken:
            out[r] = hits[0]
            taken.add(hits[0])
    return out


def match_key(rows: list[KeyRow], items: list[dict]) -> tuple[dict[int, int], list[KeyRow]]:
    """key row index → item index; stated rows (a status annex) first, so they win over the general listing."""
    taken: set[int] = set()
    matched: dict[int, int] = {}
    textual = [r for r, row in enumerate(rows) if row.text and (not row.seq or not row.by_seq or row.implied)]
    plain = [r for r in range(len(rows)) if r not in textual]
    matched.update({plain[k]: v for k, v in _seq_match([rows[r] for r in plain], items, taken).items()})
    for stated in (True, False):
        group = [r for r in textual if rows[r].implied != stated]
        for kind in ("task", "indicator"):
            subset = [r for r in group if rows[r].kind == kind]
            pool = [i for i, item in enumerate(items) if item["kind"] == kind and i not in taken]
            candidates = [Candidate(n, str(items[i].get("seq") or "") or None, items[i].get("name") or items[i]["text"])
                          for n, i in enumerate(pool)]
            joined = join_rows(candidates, [(rows[r].seq, rows[r].text) for r in subset], use_seq=not stated)
            for r, join in zip(subset, joined):
                if join.target is not None and pool[join.target] not in taken:
                    matched[r] = pool[join.target]
                    taken.add(pool[join.target])
    unmatched = [rows[r] for r in range(len(rows)) if r not in matched]
    return matched, unmatched


_UNIT_SUFFIX = re.compile(r"[（(][^）)]*[）)]\s*$")
_GROWTH_SUFFIX = re.compile(r"(增长|增速|增幅)$")


def indicator_stem(name: str) -> str:
    """'固定资产投资增长（%）' → '固定资产投资': what a task restating the indicator's target starts with."""
    return _GROWTH_SUFFIX.sub("", _UNIT_SUFFIX.sub("", name or "").strip())


def link_indicators(rows: list[KeyRow], matched: dict[int, int], items: list[dict]) -> dict[int, tuple[str, str]]:
    """Indicators the key gives no call for take the call of the key's task that restates them
    ("固定资产投资增长10%。" for 固定资产投资增长（%）): item index → (official, key ref)."""
    called = {i for i in matched.values() if items[i]["kind"] == "indicator"}
    tasks = [(join_key(rows[r].text), rows[r]) for r in matched if rows[r].kind == "task"]
    tasks += [(join_key(row.text), row) for row in rows if row.kind == "task" and row.text]
    out = {}
    for i, item in enumerate(items):
        if item["kind"] != "indicator" or i in called:
            continue
        stem = join_key(indicator_stem(item.get("name") or item["text"]))
        if len(stem) < 4:
            continue
        for text, row in tasks:
            if text.startswith(stem):
                out[i] = (row.official, f"{row.ref}「{row.text[:30]}」")
                break
    return out


def _evidence(item: dict) -> list[dict]:
    """The findings behind duban's call: rule, figures compared, quote."""
    wanted = [f for f in item["findings"] if f.get("status") == item["status"]] or item["findings"]
    out = []
    for f in wanted:
        ev = f.get("evidence") or {}
        out.append({"rule": f["rule"], "message": f.get("message"), "values": ev.get("values") or {},
                    "thresholds": ev.get("thresholds") or {}, "quote": ev.get("quote"), "matched": ev.get("matched"),
                    "target_quote": ev.get("target_quote")})
    return out


def _line(item: dict, official: str, ref: str) -> dict:
    return {"id": item["id"], "seq": item.get("seq"), "kind": item["kind"], "text": item.get("name") or item["text"],
            "official": official, "duban": item["status"], "reason": item.get("status_reason"), "key_ref": ref,
            "evidence": _evidence(item)}


def compare(result: dict, rows: list[KeyRow]) -> dict:
    items = result["tasks"] + result["indicators"]
    matched, unmatched = match_key(rows, items)
    pairs = [(items[i], rows[r].official, rows[r].ref) for r, i in matched.items()]
    linked = link_indicators(rows, matched, items)
    pairs += [(items[i], official, f"由任务推得：{ref}") for i, (official, ref) in linked.items()]
    frame = pd.DataFrame([{"id": it["id"], "kind": it["kind"], "official": official_class(off), "duban": duban_class(it["status"]),
                           "status": it["status"]} for it, off, _ in pairs],
                         columns=["id", "kind", "official", "duban", "status"])
    tasks = frame[frame.kind == "task"]
    indicators = frame[frame.kind == "indicator"]
    lagging = tasks[tasks.official == "滞后"]
    found = lagging[lagging.duban == "滞后"]
    normal = tasks[tasks.official == "正常"]
    flagged_ids = set(normal[normal.duban == "滞后"].id)
    judged_ind = indicators[(indicators.duban != UNSURE) & (indicators.official != UNSURE)]
    agree_ind = judged_ind[judged_ind.official == judged_ind.duban]
    all_tasks = result["tasks"]
    unsure = [t for t in all_tasks if t["status"] == UNSURE]
    root = _task_roots(all_tasks)  # a task the report lists under several 序号 counts once, as in the memo
    by_id = {it["id"]: (it, off, ref) for it, off, ref in pairs}
    disagreements = [_line(*by_id[row.id]) for row in frame.itertuples()
                     if row.official != row.duban and row.duban != UNSURE]
    confusion = pd.crosstab(frame.official, frame.status) if len(frame) else pd.DataFrame()
    return {
        "workspace": result["workspace"], "region": result.get("region"), "period": result["period"],
        "rules_digest": result.get("rules_digest"), "data_digest": result.get("data_digest"),
        "key_rows": len(rows), "matched": len(matched), "indicators_linked_from_tasks": len(linked),
        "unmatched_key_rows": [{"ref": r.ref, "seq": r.seq, "text": r.text[:60], "official": r.official} for r in unmatched],
        "recall": {"found": len(found), "of": len(lagging), "share": _share(len(found), len(lagging)),
                   "missed": [_line(*by_id[i]) for i in lagging[lagging.duban != "滞后"].id]},
        "normal_flagged": {"count": len(flagged_ids), "of": len(normal), "share": _share(len(flagged_ids), len(normal)),
                           "tasks": len({root(i) for i in flagged_ids}), "of_tasks": len({root(i) for i in normal.id}),
                           "items": [_line(*by_id[i]) for i in normal.id if i in flagged_ids]},
        "unsure": {"count": len(unsure), "of": len(all_tasks), "share": _share(len(unsure), len(all_tasks)),
                   "items": [{"id": t["id"], "seq": t.get("seq"), "text": t["text"][:60], "reason": t.get("status_reason")} for t in unsure]},
        "indicators": {"agree": len(agree_ind), "judged": len(judged_ind), "share": _share(len(agree_ind), len(judged_ind)),
                       "with_official": len(indicators), "unsure": int((indicators.duban == UNSURE).sum())},
        "confusion": {"rows": [str(i) for i in confusion.index], "columns": [str(c) for c in confusion.columns],
                      "counts": confusion.astype(int).values.tolist()},
        "disagreements": disagreements,
        "pairs": [{"id": it["id"], "official": official_class(off), "key_ref": ref} for it, off, ref in pairs],
    }


def _share(n: int, of: int) -> float | None:
    return round(n / of, 4) if of else None
