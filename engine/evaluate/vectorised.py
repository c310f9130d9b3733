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
from itertools import compress, repeat
from operator import eq, is_, is_not

import numpy as np

from ..rulebook.ir import Leaf, Rule
from .keywords import keyword_matcher
from .plain import leaf_holds
from .walk import ConditionVisitor

_NUMERIC = (float, int, bool)
_NONE = type(None)
_CMP = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}


def round6(values: np.ndarray) -> np.ndarray:
    """np.round(x, 6) where it equals Python's round(x, 6); Python's round elsewhere."""
    with np.errstate(over="ignore", invalid="ignore"):  # inf / huge values are re-rounded below
        scaled = values * 1e6
        rounded = np.rint(scaled)  # np.round's half-to-even
        near_tie = np.abs(scaled - rounded) > 0.5 - 1e-6  # within 1e-6 of a tie
        near_tie |= np.abs(values) >= 1e8
        out = rounded / 1e6
    for i in np.flatnonzero(near_tie):
        out[i] = round(float(values[i]), 6)
    return out


def _num_const(value):
    if isinstance(value, bool):
        return float(value)
    return round(float(value), 6)


class Column:
    """One field over all records: numeric (float array), text (codes) or mixed (raw values)."""

    def __init__(self, records: list, field: str, union=None):
        self.n = n = len(records)
        self.raw = raw = list(map(dict.get, records, repeat(field)))
        missing = raw.count(None)
        types = set(map(type, raw))
        types.discard(_NONE)
        if types <= {float, int, bool}:
            self.kind = "num"
            values = np.fromiter(raw, float, n)  # numpy reads None as NaN
            if not missing:
                self.present = np.ones(n, bool)
            else:  # the NaNs are the missing values, unless a value itself is NaN
                absent = np.isnan(values)
                if float in types and int(np.count_nonzero(absent)) != missing:
                    absent = np.fromiter(map(is_, raw, repeat(None)), bool, n)
                self.present = ~absent
            self.values = round6(values)
        elif types == {str}:
            self.kind = "str"
            self.present = np.fromiter(map(is_not, raw, repeat(None)), bool, n) if missing else np.ones(n, bool)
            self.union = union  # all keywords the rules look for in this field: a text without any is no hit
            self._codes = self._candidates = None
        else:
            self.kind = "mixed"
            self.present = np.fromiter(map(is_not, raw, repeat(None)), bool, n)

    def coded(self) -> "Column":
        """Codes by distinct text (made on first use: a field only searched for keywords needs none)."""
        if self._codes is None:
            self.index: dict[str, int] = {}
            setdefault = self.index.setdefault
            self._codes = self.codes = np.fromiter((-1 if v is None else setdefault(v, len(self.index)) for v in self.raw),
                                                   np.int64, self.n)
            self.distinct = list(self.index)
        return self

    def by_value(self, test) -> np.ndarray:
        """test(value) for each distinct text, spread over the rows (False where missing)."""
        self.coded()
        table = np.fromiter((bool(test(v)) for v in self.distinct), bool, len(self.distinct))
        table = np.append(table, False)  # code -1 (missing) reads the last entry
        return table[self.codes]

    def _passing(self, test, rows=None, texts=None) -> np.ndarray:
        """The rows (of `rows`, holding `texts`; default all) whose text passes test, each distinct text tested once."""
        texts = self.raw if texts is None else texts
        distinct = dict.fromkeys(texts)
        distinct.pop(None, None)
        passed = set(compress(distinct, map(test, distinct)))  # the keyword search, in a C loop
        if not passed:
            return np.zeros(0, np.intp)
        hit = np.flatnonzero(np.fromiter(map(passed.__contains__, texts), bool, len(texts)))
        return hit if rows is None else rows[hit]

    def contains(self, keywords: tuple) -> np.ndarray:
        """The keyword test. A field searched for several keyword lists is first searched once for all
        their keywords together (the union alternation matches wherever any keyword of any list
        matches: exact), and each list is then tried on those rows only."""
        out = np.zeros(self.n, bool)
        match = keyword_matcher(keywords)
        if self.union is None:
            out[self._passing(match)] = True
            return out
        if self._candidates is None:
            rows = self._passing(self.union)
            self._candidates = (rows, [self.raw[i] for i in rows.tolist()])
        rows, texts = self._candidates
        if texts:
            out[self._passing(match, rows, texts)] = True
        return out


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
        return np.zeros(col.n, bool)
    if col.kind == "str" and (op in ("eq", "ne", "in") or (op in _CMP and isinstance(want, str))
                              or (op == "between" and all(isinstance(c, str) for c in want))):
        if op in ("eq", "ne", "in"):  # one C loop over the texts (None never equals a text)
            wanted = [c for c in consts if isinstance(c, str)]
            test = map(eq, col.raw, repeat(wanted[0])) if len(wanted) == 1 else map(frozenset(wanted).__contains__, col.raw)
            hit = np.fromiter(test, bool, col.n) if wanted else np.zeros(col.n, bool)
            return (~hit & col.present) if op == "ne" else hit
        return col.by_value(lambda v: leaf_holds(leaf, v))
    if col.kind == "str" and op == "contains":
        return col.contains(tuple(want))
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
        lists: dict[str, set] = {}
        for rule in rules:
            for leaf in rule.when.leaves():
                if leaf.op == "contains":
                    lists.setdefault(leaf.field, set()).add(tuple(leaf.value))
        # a field searched for several keyword lists: one alternation of all of them first
        self.unions = {f: keyword_matcher(tuple(sorted({k for kws in ls for k in kws}))) for f, ls in lists.items() if len(ls) > 1}

    def _holds(self, cond, cols: dict, cache: dict) -> np.ndarray:
        return _MASKS.visit(cond, cols, cache)

    def matrix(self, records: list[dict]) -> np.ndarray:
        """fired[i, j]: rule j fires on record i."""
        n = len(records)
        unions = self.unions
        cols = {f: Column(records, f, unions.get(f)) for f in self.fields}
        kinds = list(map(dict.get, records, repeat("kind")))
        kind_mask = {k: np.fromiter(map(eq, kinds, repeat(k)), bool, n) for k in {k for r in self.rules for k in r.applies_to}}
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
        ends = np.cumsum(np.bincount(rows, minlength=len(records)))
        starts = np.concatenate(([0], ends[:-1]))
        return list(map(names.__getitem__, map(slice, starts.tolist(), ends.tolist())))  # record i: names[start:end]
