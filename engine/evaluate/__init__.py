"""evaluate: decide which rules fire on which fact records. Two engines, one rule IR."""

from __future__ import annotations

from ..errors import InputError
from ..rulebook.ir import Rule

ENGINES = ("durable_rules", "vectorised")


def make_evaluator(name: str, rules: list[Rule]):
    if name == "durable_rules":
        from .durable_adapter import DurableEvaluator

        return DurableEvaluator(rules)
    if name == "vectorised":
        from .plain import PlainEvaluator

        return PlainEvaluator(rules)
    raise InputError(f"未知的规则引擎「{name}」", field="--engine", hint=f"可用：{'、'.join(ENGINES)}")
