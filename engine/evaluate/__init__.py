"""evaluate: decide which rules fire on which fact records. Two engines, one rule IR."""

from __future__ import annotations

from ..errors import InputError
from ..rulebook.ir import Rule

ENGINES = ("durable_rules", "vectorised")


def make_evaluator(name: str, rules: list[Rule], **options):
    """options: isolate=False runs durable_rules in this process (for supervised workers only)."""
    if name == "durable_rules":
        from .durable_adapter import DurableEvaluator

        return DurableEvaluator(rules, **options)
    if name == "vectorised":
        from .vectorised import VectorisedEvaluator

        return VectorisedEvaluator(rules)
    if name == "plain":  # the simple reference the other two are tested against
        from .plain import PlainEvaluator

        return PlainEvaluator(rules)
    raise InputError(f"未知的规则引擎「{name}」", field="--engine", hint=f"可用：{'、'.join(ENGINES)}")
