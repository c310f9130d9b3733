"""One decision-table cell → the condition a rule file would write for it.

    >= 1.0            [0.05, 0.15)        ({tolerance}, {severe_gap}]       < {ahead_margin}
    左右              左右、以上          非 左右、以上       非 > 0          有 / 无        是 / 否        （空）= 任意

The result is the same mapping a rule file's `when:` holds ({字段: {比较: 值}}), so the table is read by the
very ConditionReader the rule files go through: the same checks, messages and IR.
"""

from __future__ import annotations

import re

from ..store.yamlio import LocDict
from .fields import FIELDS, resolve_field

ANY = ("", "-", "—", "－", "任意", "不限")
EXISTS = {"有": True, "存在": True}
MISSING = ("无", "没有", "缺失")
NEGATE = ("非", "不是", "not ")
OPEN = {"[": "ge", "［": "ge", "【": "ge", "(": "gt", "（": "gt"}
CLOSE = {"]": "le", "］": "le", "】": "le", ")": "lt", "）": "lt"}
COMPARE = (("≥", "ge"), (">=", "ge"), ("＞＝", "ge"), ("≤", "le"), ("<=", "le"), ("＜＝", "le"), ("!=", "ne"), ("≠", "ne"),
           ("==", "eq"), (">", "gt"), ("＞", "gt"), ("<", "lt"), ("＜", "lt"), ("=", "eq"), ("＝", "eq"))
OP_TEXT = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "eq": "=", "ne": "≠"}
NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")
PARAM = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
INTERVAL = re.compile(r"^([\[(（［【])\s*([^,，]+?)\s*[,，]\s*([^,，]+?)\s*([\])）］】])$")


class CellError(ValueError):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


def _loc(data: dict, at: dict) -> LocDict:
    node = LocDict(data)
    node.line, node.col = at.get("line"), at.get("col")
    node.key_pos = {k: (node.line, node.col) for k in data}
    return node


def _value(text: str, cell: str):
    text = text.strip()
    m = PARAM.fullmatch(text)
    if m:
        return {"param": m.group(1)}
    if NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    raise CellError(f"单元格「{cell}」中的「{text}」应为数字或 {{参数名}}", "如 >= 1.0、({tolerance}, {severe_gap}]")


def parse_cell(raw, column: str, at: dict):
    """The condition for `column` (a fact field, Chinese or English) or None (any value); CellError when unreadable.
    The column name itself is checked by the ConditionReader (unknown field → did-you-mean)."""
    if raw is None or (isinstance(raw, str) and raw.strip() in ANY):
        return None
    field = resolve_field(str(column).strip())
    ftype = FIELDS[field].type if field else None
    if not isinstance(raw, str):  # 1.0, true: "equals"
        return _loc({column: raw}, at)
    text = raw.strip()
    for word in NEGATE:
        if text.startswith(word) and len(text) > len(word):
            inner = parse_cell(text[len(word):], column, at)
            if inner is None:
                raise CellError(f"单元格「{raw}」：「非」后面缺少条件")
            return _loc({"not": inner}, at)
    if text in EXISTS:
        return _loc({column: _loc({"exists": True}, at)}, at)
    if text in MISSING:
        return _loc({"not": _loc({column: _loc({"exists": True}, at)}, at)}, at)
    m = INTERVAL.match(text)
    if m:
        low, high = _value(m.group(2), raw), _value(m.group(3), raw)
        return _loc({column: _loc({OPEN[m.group(1)]: low, CLOSE[m.group(4)]: high}, at)}, at)
    for symbol, op in COMPARE:
        if text.startswith(symbol):
            return _loc({column: _loc({op: _value(text[len(symbol):], raw)}, at)}, at)
    if ftype == "num":
        return _loc({column: _value(text, raw)}, at)
    if ftype == "str" and "、" in text:
        words = [w.strip() for w in text.split("、") if w.strip()]
        return _loc({column: _loc({"in": words}, at)}, at)
    return _loc({column: text}, at)  # 左右, 是 / 否: "equals", checked by the reader


def cell_bounds(cond) -> list[float]:
    """The numbers a compiled condition compares with (for the sample points of table_check)."""
    out = []
    for leaf in cond.leaves():
        values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
        out.extend(float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool))
    return out
