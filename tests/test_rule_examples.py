"""Every shipped rule's own examples, through both evaluators. `pytest -k R-TP-04` runs one rule."""

import pytest

from engine.evaluate.durable_adapter import DurableEvaluator
from engine.evaluate.plain import PlainEvaluator
from engine.rulebook.load import load_rulebook

from .conftest import RULES

BOOK = load_rulebook(RULES)
CASES = [(rule, ex) for rule in BOOK.rules for ex in rule.examples]


def test_every_rule_has_a_firing_and_a_non_firing_example():
    for rule in BOOK.rules:
        kinds = {ex.expect for ex in rule.examples}
        assert kinds == {True, False}, f"{rule.id} needs at least one fire and one no_fire example"


@pytest.mark.parametrize("rule,example", CASES, ids=[f"{r.id}.{e.name}" for r, e in CASES])
def test_example(rule, example):
    record = {k: v for k, v in example.fact.items() if v is not None}
    plain = PlainEvaluator([rule]).evaluate([record])[0]
    assert (rule.id in plain) == example.expect


def test_examples_agree_on_durable_rules():
    """One durable run over all examples (a worker process per run is the expensive part)."""
    records, expected = [], []
    for rule, ex in CASES:
        records.append({k: v for k, v in ex.fact.items() if v is not None})
        expected.append((rule.id, ex.expect))
    fired = DurableEvaluator(BOOK.rules).evaluate(records)
    plain = PlainEvaluator(BOOK.rules).evaluate(records)
    assert fired == plain
    for (rule_id, expect), got in zip(expected, fired):
        assert (rule_id in got) == expect, rule_id
