"""One condition walker (engine/evaluate/walk.py) and one Evaluator interface for every engine."""

import re
from pathlib import Path

import pytest

from engine.evaluate import make_evaluator
from engine.evaluate.durable_compile import _Compiler
from engine.evaluate.plain import fires, holds
from engine.evaluate.walk import ConditionVisitor, Evaluator
from engine.judge.explain import trace
from engine.rulebook.ir import All, Any_, Leaf, Not, Rule

ENGINE = Path(__file__).resolve().parent.parent / "engine"

# hand-written: 完成率 below 0.8 and not 已完成, or the stage is missing
COND = Any_((All((Leaf("ratio", "lt", 0.8), Not(Leaf("flags_text", "contains", ("已完成",))))), Leaf("stage", "exists", False)))
RULE = Rule(id="R-X-01", title="t", description="", applies_to=("task",), when=COND, status="滞后", severity="warn",
            escalation=None, message="m")


def test_no_isinstance_chain_over_the_condition_tree_outside_walk():
    chains = [str(p.relative_to(ENGINE)) for p in ENGINE.rglob("*.py") if p.name != "walk.py"
              and re.search(r"isinstance\(\w+, Not\)", p.read_text(encoding="utf-8"))]
    assert chains == []


@pytest.mark.parametrize("record, expected", [
    ({"kind": "task", "ratio": 0.5, "stage": "开工", "flags_text": ""}, True),
    ({"kind": "task", "ratio": 0.5, "stage": "开工", "flags_text": "项目已完成"}, False),
    ({"kind": "task", "ratio": 0.9}, True),
    ({"kind": "indicator", "ratio": 0.5}, False),
])
def test_every_walk_agrees(record, expected):
    assert fires(RULE, record) is expected
    for name in ("plain", "vectorised"):
        assert make_evaluator(name, [RULE]).evaluate([record]) == ([["R-X-01"]] if expected else [[]])
    lines = trace(COND, record)
    assert lines[0]["holds"] is holds(COND, record) and lines[0]["text"].startswith("任一满足")
    assert [ln["text"].startswith("  " * 2) for ln in lines].count(True) == 3  # the three leaves under all/any


def test_negation_normal_form_has_no_not():
    nnf = _Compiler().push_not(Not(COND))
    seen = []

    class Kinds(ConditionVisitor):
        def leaf(self, c):
            seen.append("leaf")

        def all_(self, c):
            seen.append("all")
            [self.visit(i) for i in c.items]

        def any_(self, c):
            seen.append("any")
            [self.visit(i) for i in c.items]

        def not_(self, c):
            seen.append("not")
            self.visit(c.item)

    Kinds().visit(nnf)
    assert "not" not in seen and seen[0] == "all"  # not(any) → all


def test_a_visitor_missing_a_kind_of_node_cannot_be_made():
    class LeavesOnly(ConditionVisitor):
        def leaf(self, c):
            return c.field

    with pytest.raises(TypeError, match="not_"):
        LeavesOnly()


def test_engines_are_evaluators_and_unknown_nodes_are_refused():
    for name in ("plain", "vectorised"):
        assert isinstance(make_evaluator(name, [RULE]), Evaluator)
    with pytest.raises(TypeError):
        holds(("ratio", "lt", 1), {})
