"""Run every rule's own examples (pass and fail cases) through both evaluators."""

from __future__ import annotations

from dataclasses import dataclass

from ..evaluate.plain import holds
from .ir import Rulebook


@dataclass
class ExampleOutcome:
    rule_id: str
    example: str
    expected: bool
    fired: bool

    @property
    def passed(self) -> bool:
        return self.expected == self.fired


def run_examples(book: Rulebook) -> list[ExampleOutcome]:
    out = []
    for rule in book.rules:
        for ex in rule.examples:
            record = {k: v for k, v in ex.fact.items() if v is not None}
            fired = record.get("kind") in rule.applies_to and holds(rule.when, record)
            out.append(ExampleOutcome(rule.id, ex.name, ex.expect, fired))
    return out
