"""The plain evaluator: the rule IR evaluated directly in Python, record by record.

It is the reference both engines (durable_rules, vectorised) are tested against, so it stays small
and obvious; explain.py and the rule examples use it too. `make_evaluator("plain", …)` selects it.
"""

from __future__ import annotations

from ..rulebook.ir import Leaf, Rule
from .keywords import contains_any
from .walk import ConditionVisitor


class _Holds(ConditionVisitor[bool]):
    def leaf(self, cond: Leaf, record: dict) -> bool:
        return leaf_holds(cond, record.get(cond.field))

    def all_(self, cond, record: dict) -> bool:
        return all(self.visit(c, record) for c in cond.items)

    def any_(self, cond, record: dict) -> bool:
        return any(self.visit(c, record) for c in cond.items)

    def not_(self, cond, record: dict) -> bool:
        return not self.visit(cond.item, record)


holds = _Holds().visit  # holds(cond, record) -> bool


def fires(rule: Rule, record: dict) -> bool:
    """The rule applies to the record's kind and its condition holds."""
    return record.get("kind") in rule.applies_to and holds(rule.when, record)


def leaf_holds(leaf: Leaf, value) -> bool:
    if leaf.op == "exists":
        return (value is not None) == leaf.value
    if value is None:
        return False  # a comparison on a missing field is false
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        value = round(float(value), 6)
    op, want = leaf.op, _const(leaf.value)
    if op == "eq":
        return value == want
    if op == "ne":
        return value != want
    if op == "lt":
        return value < want
    if op == "le":
        return value <= want
    if op == "gt":
        return value > want
    if op == "ge":
        return value >= want
    if op == "between":
        return want[0] <= value <= want[1]
    if op == "in":
        return value in want
    if op == "contains":
        return isinstance(value, str) and contains_any(value, want)
    raise ValueError(f"unknown operator {op}")


def _const(value):
    """Constants are rounded like values (the loader already does; hand-built IR may not)."""
    if isinstance(value, tuple):
        return tuple(_const(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(float(value), 6)
    return value


class PlainEvaluator:
    name = "plain"

    def __init__(self, rules: list[Rule]):
        self.rules = rules

    def evaluate(self, records: list[dict]) -> list[list[str]]:
        """For each record, the ids of the rules that fire, in rulebook order."""
        return [[r.id for r in self.rules if fires(r, record)] for record in records]
