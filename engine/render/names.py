"""Safe file names for notices/<unit>.docx and leaders/<name>.md: a unit name is data from a table and may
contain "/", "..", control characters or be very long; it must never escape the output folder."""

from __future__ import annotations

import re
import unicodedata

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
