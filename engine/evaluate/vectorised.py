"""The vectorised evaluator: each rule condition evaluated over whole columns with numpy.

Records are turned into one column per field the rules read; every leaf is then one array
comparison, `all`/`any`/`not` are &, |, ~. Same IR semantics as plain.py (the reference):
- a comparison on a missing field is false (a presence mask, not NaN, marks missing values);
- numbers are rounded to 6 decimals exactly as Python's round() does (np.round plus a re-round in
  Python of the rare values near a rounding tie, where the two can differ);
- text columns are coded by distinct value, so `contains` runs the keyword matcher once per distinct
  text and eq / ne / in are integer comparisons;
- a column holding mixed types, or a constant of another type than the column, is evaluated value
  by value with plain.leaf_holds, so even odd inputs give the reference answer.
"""

from __future__ import annotations

import math

import numpy as np

from ..rulebook.ir import Leaf, Rule
from .keywords import keyword_matcher
from .plain import leaf_holds
from .walk import ConditionVisitor

_NUMERIC = (float, int, bool)
_CMP = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}


def round6(values: np.ndarray) -> np.ndarray:
    """np.round(x, 6) where it equals Python's round(x, 6); Python's round elsewhere."""
    with np.errstate(over="ignore", invalid="ignore"):  # inf / huge values are re-rounded below
        scaled = values * 1e6
        out = np.round(scaled) / 1e6
        near_tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
        suspicious = near_tie | (np.abs(values) >= 1e8)
    for i in np.flatnonzero(suspicious):
        out[i] = round(float(values[i]), 6)
    return out


def _num_const(value):
    if isinstance(value, bool):
        return float(value)
    return round(float(value), 6)


class Column:
    """One field over all records: numeric (float array), text (codes) or mixed (raw values)."""

    def __init__(self, values: list):
        self.raw = values
        self.present = np.fromiter((v is not None for v in values), bool, len(values))
        types = set(map(type, values)) - {type(None)}
        if types <= {float, int, bool}:
            self.kind = "num"
            nan = math.nan
            self.values = round6(np.fromiter((nan if v is None else v for v in values), float, len(values)))
        elif types == {str}:
            self.kind = "str"
            self.index: dict[str, int] = {}
            setdefault = self.index.setdefault
            self.codes = np.fromiter((-1 if v is None else setdefault(v, len(self.index)) for v in values), np.int64, len(values))
            self.distinct = list(self.index)
        else:
            self.kind = "mixed"

    def by_value(self, test) -> np.ndarray:
        """test(value) for each distinct text, spread over the rows (False where missing)."""
        table = np.fromiter((bool(test(v)) for v in self.distinct), bool, len(self.distinct))
        table = np.append(table, False)  # code -1 (missing) reads the last entry
        return table[self.codes]


def _leaf(leaf: Leaf, col: Column) -> np.ndarray:
    op, want = leaf.op, leaf.value
    if op == "exists":
        return col.present if want else ~col.present
    consts = want if op in ("in", "between") else (want,)
    if col.kind == "num" and op != "contains" and all(isinstance(c, _NUMERIC) for c in consts):
        v = col.values
        with np.errstate(invalid="ignore"):
            if op == "between":
                hit = (v >= _num_const(want[0])) & (v <= _num_const(want[1]))
            elif op == "in":
                hit = np.isin(v, [_num_const(c) for c in want])
            else:
                hit = _CMP[op](v, _num_const(want))
        return hit & col.present
    if col.kind == "num" and op in ("eq", "ne", "in") and all(isinstance(c, str) for c in consts):
        return col.present & (op == "ne")  # a number never equals a text
    if col.kind == "num" and op == "contains":
        return np.zeros(len(col.raw), bool)
    if col.kind == "str" and (op in ("eq", "ne", "in") or (op in _CMP and isinstance(want, str))
                              or (op == "between" and all(isinstance(c, str) for c in want))):
        if op in ("eq", "ne", "in"):
            codes = [col.index.get(c, -2) for c in consts if isinstance(c, str)]
            hit = np.isin(col.codes, codes)
            return (~hit & col.present) if op == "ne" else hit
        return col.by_value(lambda v: leaf_holds(leaf, v))
    if col.kind == "str" and op == "contains":
        return col.by_value(keyword_matcher(tuple(want)))
    # mixed types or a constant of another type: the reference, value by value
    return np.fromiter((leaf_holds(leaf, v) for v in col.raw), bool, len(col.raw))


class _Masks(ConditionVisitor[np.ndarray]):
    """A condition over whole columns; cache: one mask per distinct leaf, shared by the rules."""

    def leaf(self, cond: Leaf, cols: dict, cache: dict) -> np.ndarray:
        key = (cond.field, cond.op, cond.value)
        if key not in cache:
            cache[key] = _leaf(cond, cols[cond.field])
        return cache[key]

    def all_(self, cond, cols: dict, cache: dict) -> np.ndarray:
        return np.logical_and.reduce([self.visit(c, cols, cache) for c in cond.items])

    def any_(self, cond, cols: dict, cache: dict) -> np.ndarray:
        return np.logical_or.reduce([self.visit(c, cols, cache) for c in cond.items])

    def not_(self, cond, cols: dict, cache: dict) -> np.ndarray:
        return ~self.visit(cond.item, cols, cache)


_MASKS = _Masks()


class VectorisedEvaluator:
    name = "vectorised"

    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self.fields = sorted({f for r in rules for f in r.fields()})
        self.ids = np.array([r.id for r in rules], dtype=object)

    def _holds(self, cond, cols: dict, cache: dict) -> np.ndarray:
        return _MASKS.visit(cond, cols, cache)

    def matrix(self, records: list[dict]) -> np.ndarray:
        """fired[i, j]: rule j fires on record i."""
        n = len(records)
        cols = {f: Column([r.get(f) for r in records]) for f in self.fields}
        kinds = [r.get("kind") for r in records]
        kind_mask = {k: np.fromiter((x == k for x in kinds), bool, n) for k in {k for r in self.rules for k in r.applies_to}}
        fired = np.zeros((n, len(self.rules)), bool)
        cache: dict = {}
        for j, rule in enumerate(self.rules):
            applies = np.logical_or.reduce([kind_mask[k] for k in rule.applies_to])
            if applies.any():
                fired[:, j] = applies & self._holds(rule.when, cols, cache)
        return fired

    def evaluate(self, records: list[dict]) -> list[list[str]]:
        if not records or not self.rules:
            return [[] for _ in records]
        fired = self.matrix(records)
        rows, cols = np.nonzero(fired)  # row-major: rulebook order within a record
        names = self.ids[cols].tolist()
        ends = np.cumsum(np.bincount(rows, minlength=len(records))).tolist()
        out, start = [], 0
        for end in ends:
            out.append(names[start:end])
            start = end
        return out
