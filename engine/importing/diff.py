"""What a (re-)import changes, item by item, in words a clerk reads — shown by --dry-run and after writing."""

from __future__ import annotations

import yaml

WATCHED_ITEM_KEYS = ("seq", "category", "name", "text", "annual_target_text", "deadline", "leaders", "lead_units",
                     "coop_units")
WATCHED_ENTRY_KEYS = ("text", "reported_status", "source_seq")
BOOKKEEPING_KEYS = {"seq": "序号", "source_seq": "进展表序号"}  # numbering, not content: summarised in one line
CONTEXT = 8  # characters kept either side of a difference


def _text(value) -> str:
    return "、".join(map(str, value)) if isinstance(value, list) else str(value if value is not None else "")


def _short(value, limit: int = 30) -> str:
    text = _text(value)
    return text if len(text) <= limit else text[:limit] + "…"


def show_change(old, new, limit: int = 30) -> tuple[str, str]:
    """Both values cut to the part where they differ (with a little context), so two long texts that share
    their first 30 characters do not print as the same 「…」 twice."""
    a, b = _text(old), _text(new)
    if len(a) <= limit and len(b) <= limit:
        return a, b
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    lo = max(0, start - CONTEXT)

    def cut(text: str) -> str:
        hi = min(len(text), len(text) - end + CONTEXT)
        middle = text[lo:hi]
        if len(middle) > limit + 2 * CONTEXT:
            middle = middle[:limit + 2 * CONTEXT] + "…"
        return ("…" if lo else "") + middle + ("…" if hi < len(text) and not middle.endswith("…") else "")

    return cut(a), cut(b)


def _changed(prefix: str, item_id: str, key: str, before, after, bookkeeping: dict) -> str | None:
    if key in BOOKKEEPING_KEYS:
        bookkeeping.setdefault(key, []).append(item_id)
        return None
    old, new = show_change(before or "", after or "")
    return f"{prefix} {item_id} {key}：「{old}」→「{new}」"


def _summarise(bookkeeping: dict) -> list[str]:
    lines = []
    for key, ids in bookkeeping.items():
        example = "、".join(ids[:3]) + ("等" if len(ids) > 3 else "")
        lines.append(f"{BOOKKEEPING_KEYS[key]}变化 {len(ids)} 处（{example}）")
    return lines


def _items(doc: dict | None) -> dict:
    out = {}
    for group in ("indicators", "tasks"):
        for item in (doc or {}).get(group) or []:
            if isinstance(item, dict) and "id" in item:
                out[item["id"]] = item
    return out


def plan_changes(old_text: str | None, new_text: str) -> list[str]:
    old, new = _items(yaml.safe_load(old_text) if old_text else None), _items(yaml.safe_load(new_text))
    lines, bookkeeping = [], {}
    for item_id, item in new.items():
        before = old.get(item_id)
        if before is None:
            lines.append(f"新增 {item_id}「{_short(item.get('name') or item.get('text'))}」")
            continue
        for key in WATCHED_ITEM_KEYS:
            if before.get(key) != item.get(key):
                lines.append(_changed("修改", item_id, key, before.get(key), item.get(key), bookkeeping))
    lines.extend(f"删除 {item_id}" for item_id in old if item_id not in new)
    return [line for line in lines if line] + _summarise(bookkeeping)


def progress_changes(old_text: str | None, new_text: str) -> list[str]:
    old = (yaml.safe_load(old_text) or {}).get("entries") or {} if old_text else {}
    new = (yaml.safe_load(new_text) or {}).get("entries") or {}
    lines, bookkeeping = [], {}
    for item_id, entry in new.items():
        before = old.get(item_id)
        entry = entry if isinstance(entry, dict) else {"text": entry}
        if before is None:
            lines.append(f"新增进展 {item_id}「{_short(entry.get('text'))}」")
            continue
        before = before if isinstance(before, dict) else {"text": before}
        for key in WATCHED_ENTRY_KEYS:
            if before.get(key) != entry.get(key):
                lines.append(_changed("修改进展", item_id, key, before.get(key), entry.get(key), bookkeeping))
    return [line for line in lines if line] + _summarise(bookkeeping)
