"""Which field values the importer itself wrote, so a re-import can tell a clerk's hand edit from its
own earlier output. Kept beside the facts in .duban/imported.json (commit it with them).

A field the importer would change is a conflict when its current value is not what the importer last
wrote there (or the clerk added it): without --force nothing is written; with --force the old files are
backed up to .duban/backup/ first.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from ..errors import InputError
from .diff import show_change
from ..store.yamlio import atomic_write_text

STATE = Path(".duban") / "imported.json"


def fingerprint(value) -> str:
    plain = json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()[:12]


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class ImportState:
    def __init__(self, root: Path, force: bool):
        self.root, self.force = root, force
        path = root / STATE
        self.tracked = path.exists()
        self.data: dict = _load(path) if self.tracked else {}
        self.conflicts: list[str] = []

    def may_write(self, scope: str, item_id: str, key: str, current, new) -> bool:
        """True when the importer may replace `current` by `new` (records nothing yet)."""
        if current is None or _plain(current) == _plain(new):
            return True
        recorded = self.data.get(scope, {}).get(item_id, {}).get(key)
        hand_edited = self.tracked and recorded != fingerprint(current)
        if hand_edited:
            shown_current, shown_new = show_change(current, new, limit=24)
            self.conflicts.append(f"{scope} {item_id} {key}：现值「{shown_current}」是手工修改的，导入值为「{shown_new}」")
            return self.force
        return True

    def record(self, scope: str, item_id: str, key: str, value) -> None:
        self.data.setdefault(scope, {}).setdefault(item_id, {})[key] = fingerprint(value)

    def backup(self, paths: list[Path]) -> list[Path]:
        saved = []
        for path in paths:
            if path.exists():
                digest = hashlib.sha1(path.read_bytes()).hexdigest()[:8]
                dest = self.root / ".duban" / "backup" / f"{path.stem}.{digest}{path.suffix}"
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
                saved.append(dest)
        return saved

    def save(self) -> None:
        atomic_write_text(self.root / STATE, json.dumps(self.data, ensure_ascii=False, sort_keys=True, indent=1) + "\n")


def _load(path: Path) -> dict:
    """scope → item id → field → fingerprint; a file broken by hand or by a bad merge is refused, not half-trusted."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
        data = None
    if not (isinstance(data, dict) and all(
            isinstance(items, dict) and all(isinstance(fields, dict) and all(isinstance(v, str) for v in fields.values())
                                            for fields in items.values()) for items in data.values())):
        raise InputError("导入记录文件已损坏，无法判断哪些内容是手工修改的", file=str(path),
                         hint="如能从版本库恢复请恢复；否则删除该文件后重新导入（之后的一次导入会覆盖手工修改）")
    return data


