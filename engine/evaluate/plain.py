"""The plain evaluator: the rule IR evaluated directly in Python, record by record.

It is the reference both engines (durable_rules, vectorised) are tested against, so it stays small
and obvious; explain.py and the rule examples use it too. `make_evaluator("plain", …)` selects it.
"""

from __future__ import annotations

from ..rulebook.ir import All, Any_, Leaf, Not, Rule
from .keywords import contains_any


def holds(cond, record: dict) -> bool:
    if isinstance(cond, Leaf):
        return leaf_holds(cond, record.get(cond.field))
    if isinstance(cond, All):
        return all(holds(c, record) for c in cond.items)
    if isinstance(cond, Any_):
        return any(holds(c, record) for c in cond.items)
    if isinstance(cond, Not):
        return not holds(cond.item, record)
    raise TypeError(f"unknown condition {cond!r}")


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
        out = []
        for record in records:
            kind = record.get("kind")
            out.append([r.id for r in self.rules if kind in r.applies_to and holds(r.when, record)])
        return out
