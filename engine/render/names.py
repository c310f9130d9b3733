"""Safe file names for notices/<unit>.docx and leaders/<name>.md: a unit name is data from a table and may
contain "/", "..", control characters or be very long; it must never escape the output folder."""

from __future__ import annotations

import re
import unicodedata

from ..statuses import LAGGING_TASKS

MAX_BYTES = 150  # UTF-8 bytes of the stem: 50 Chinese characters, well under every file system's 255
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def safe_stem(name: str) -> str:
    text = unicodedata.normalize("NFC", str(name))
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\.{2,}", "_", text)
    text = re.sub(r"_+", "_", text).strip(" ._")
    while len(text.encode("utf-8")) > MAX_BYTES:
        text = text[:-1]
    text = text.rstrip(" .")
    if not text or text.upper().split(".")[0] in _RESERVED:
        text = "_" + text if text else "未命名"
    return text


def unique_names(names: list[str]) -> dict[str, str]:
    """Two units that clean to the same stem ("区/县" and "区_县") get -2, -3 in sorted order: deterministic."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(dict.fromkeys(names)):
        stem = base = safe_stem(name)
        n = 2
        while stem.lower() in used:
            stem = f"{base}-{n}"
            n += 1
        used.add(stem.lower())
        out[name] = stem
    return out


NOTICE_STATUSES = LAGGING_TASKS  # a lead unit with a task in one of these gets a 督办通知单


def output_file_names(result: dict) -> dict:
    """Which file holds whose notice or leader page, keyed by the name as the facts spell it; result.json carries
    it, so when "区/局" and "区:局" (or two names differing by a control character) clean to the same file name
    and one gets -2, a reader finds out which is which. The renderer takes its stems from here."""
    tasks = result.get("tasks") or []
    units = [u for t in tasks if t.get("status") in NOTICE_STATUSES for u in t.get("lead_units") or []]
    leaders = [n for t in tasks for n in t.get("leaders") or []]
    return {"notices": {u: f"notices/{s}" for u, s in unique_names(units).items()},
            "leaders": {n: f"leaders/{s}" for n, s in unique_names(leaders).items()}}
