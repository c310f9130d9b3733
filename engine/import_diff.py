"""What a (re-)import changes, item by item, in words a clerk reads — shown by --dry-run and after writing."""

from __future__ import annotations

import yaml

WATCHED_ITEM_KEYS = ("seq", "category", "name", "text", "annual_target_text", "leaders", "lead_units", "coop_units")
WATCHED_ENTRY_KEYS = ("text", "reported_status", "source_seq")


def _short(value, limit: int = 30) -> str:
    text = "、".join(value) if isinstance(value, list) else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _items(doc: dict | None) -> dict:
    out = {}
    for group in ("indicators", "tasks"):
        for item in (doc or {}).get(group) or []:
            if isinstance(item, dict) and "id" in item:
                out[item["id"]] = item
    return out


def plan_changes(old_text: str | None, new_text: str) -> list[str]:
    old, new = _items(yaml.safe_load(old_text) if old_text else None), _items(yaml.safe_load(new_text))
    lines = []
    for item_id, item in new.items():
        before = old.get(item_id)
        if before is None:
            lines.append(f"新增 {item_id}「{_short(item.get('name') or item.get('text'))}」")
            continue
        for key in WATCHED_ITEM_KEYS:
            if before.get(key) != item.get(key):
                lines.append(f"修改 {item_id} {key}：「{_short(before.get(key) or '')}」→「{_short(item.get(key) or '')}」")
    lines.extend(f"删除 {item_id}" for item_id in old if item_id not in new)
    return lines


def progress_changes(old_text: str | None, new_text: str) -> list[str]:
    old = (yaml.safe_load(old_text) or {}).get("entries") or {} if old_text else {}
    new = (yaml.safe_load(new_text) or {}).get("entries") or {}
    lines = []
    for item_id, entry in new.items():
        before = old.get(item_id)
        entry = entry if isinstance(entry, dict) else {"text": entry}
        if before is None:
            lines.append(f"新增进展 {item_id}「{_short(entry.get('text'))}」")
            continue
        before = before if isinstance(before, dict) else {"text": before}
        for key in WATCHED_ENTRY_KEYS:
            if before.get(key) != entry.get(key):
                lines.append(f"修改进展 {item_id} {key}：「{_short(before.get(key) or '')}」→「{_short(entry.get(key) or '')}」")
    return lines
