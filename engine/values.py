"""How a value is shown to people, defined once. One function, format_value(value, style), with the four
places a value is written out as its styles:

- "message": a rule message's placeholders ({ratio:.0%}); None → —, numbers through the format spec or `g`;
- "evidence": evidence values in the outputs (the templates' `val` filter); floats to four significant digits;
- "explain": `duban explain`'s fact and condition values; None → （缺失）, text quoted 「…」 (cut at 40);
- "yaml": a value as the clerk would have typed it in YAML, for rulebook error messages; None → 空, true/false.

Every style shows a bool as 是 / 否 except "yaml" (true / false)."""

from __future__ import annotations

STYLES = ("message", "evidence", "explain", "yaml")
_NONE = {"message": "—", "evidence": "None", "explain": "（缺失）", "yaml": "空"}


def format_value(value, style: str = "message", spec: str = "") -> str:
    if value is None:
        return _NONE[style]
    if isinstance(value, bool):
        if style == "yaml":
            return "true" if value else "false"
        return "是" if value else "否"
    if style == "message" and isinstance(value, (int, float)):
        if spec.endswith("%"):
            digits = spec[1] if spec.startswith(".") else "0"
            return f"{value * 100:.{digits}f}%"
        return format(value, spec) if spec else f"{value:g}"
    if isinstance(value, float):
        if style == "evidence":
            return f"{value:.4g}"
        if style == "explain":
            return f"{value:g}"
        if style == "yaml" and value.is_integer():
            return repr(value)
    if style == "explain":
        if isinstance(value, str):
            return f"「{value[:40]}…」" if len(value) > 40 else f"「{value}」"
        if isinstance(value, tuple):
            return "、".join(format_value(v, style) for v in value)
    if style == "yaml":
        if isinstance(value, list):
            return "[" + ", ".join(format_value(v, style) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{format_value(k, style)}: {format_value(v, style)}" for k, v in value.items()) + "}"
    return str(value)


def message_value(value, spec: str = "") -> str:
    return format_value(value, "message", spec)


def evidence_value(value) -> str:
    """Evidence values for people: 是/否 rather than True/False, at most four significant digits."""
    return format_value(value, "evidence")


def explain_value(value) -> str:
    return format_value(value, "explain")


def yaml_value(value) -> str:
    """A value as the clerk would have typed it in YAML."""
    return format_value(value, "yaml")
