"""Run every rule's own examples (pass and fail cases), and say what the examples leave untested."""

from __future__ import annotations

from dataclasses import dataclass

from ..evaluate.plain import fires
from .fields import FIELDS
from .hints import show
from .ir import STATUSES_INDICATOR, STATUSES_TASK, Rulebook

BOUNDARY_OPS = ("lt", "le", "gt", "ge", "eq", "ne")


@dataclass
class ExampleOutcome:
    rule_id: str
    example: str
    expected: bool
    fired: bool
    detail: str | None = None  # a text example (task + progress): what the pipeline gave, in Chinese

    @property
    def passed(self) -> bool:
        return self.expected == self.fired

    def line(self) -> str:
        mark = "通过" if self.passed else "失败"
        if self.detail is not None:
            return f"{mark}  {self.rule_id}.{self.example}  文字示例：{self.detail}"
        return f"{mark}  {self.rule_id}.{self.example}  期望{'触发' if self.expected else '不触发'}，实际{'触发' if self.fired else '不触发'}"


def run_examples(book: Rulebook, text: bool = True) -> list[ExampleOutcome]:
    """Every fact example; with text, every task + progress example through the whole pipeline too."""
    out = []
    for rule in book.rules:
        for ex in rule.examples:
            record = {k: v for k, v in ex.fact.items() if v is not None}
            fired = fires(rule, record)
            out.append(ExampleOutcome(rule.id, ex.name, ex.expect, fired))
    if text:
        out.extend(run_text_examples(book))
    return out


def run_text_examples(book: Rulebook) -> list[ExampleOutcome]:
    from ..evaluate.plain import PlainEvaluator
    from .text_examples import run_text_example

    evaluator, out = PlainEvaluator(book.rules), []
    for rule in book.rules:
        for ex in rule.text_examples:
            passed, detail = run_text_example(book, rule.id, ex, evaluator)
            out.append(ExampleOutcome(rule.id, ex.name, True, passed, detail))
    return out


def coverage_lines(book: Rulebook, outcomes: list[ExampleOutcome]) -> list[str]:
    """What the passing examples leave untested, in three lines: rules without a firing or a
    non-firing example; statuses no example produces; numeric parameters no example sits exactly on
    (where < and <= differ). Word-list parameters are not counted: any one word proves little."""
    texts = [o for o in outcomes if o.detail is not None]
    outcomes = [o for o in outcomes if o.detail is None]
    passed = [o for o in outcomes if o.passed]
    fires = {o.rule_id for o in passed if o.expected}
    quiet = {o.rule_id for o in passed if not o.expected}
    n = len(book.rules)
    no_fire = [r.id for r in book.rules if r.id not in fires]
    no_quiet = [r.id for r in book.rules if r.id not in quiet]
    if not no_fire and not no_quiet:
        rules_part = f"{n} 条规则均有触发与不触发示例"
    else:
        parts = [f"缺少触发示例：{'、'.join(no_fire)}" if no_fire else "", f"缺少不触发示例：{'、'.join(no_quiet)}" if no_quiet else ""]
        rules_part = f"{n} 条规则中，" + "；".join(p for p in parts if p)
    given = {r.status for r in book.rules if r.status}
    shown = {r.status for r in book.rules if r.status and r.id in fires}
    missing = [s for s in dict.fromkeys(STATUSES_TASK + STATUSES_INDICATOR) if s in given and s not in shown]
    lines = [f"覆盖：{rules_part}；未被示例覆盖的状态：{'、'.join(missing) or '无'}"]

    examples = {(r.id, e.name): e for r in book.rules for e in r.examples}
    facts_by_rule: dict[str, list[dict]] = {}
    for o in passed:
        facts_by_rule.setdefault(o.rule_id, []).append(examples[(o.rule_id, o.example)].fact)
    uses: dict[tuple[str, str], list[str]] = {}  # (param, field) -> rule ids
    for rule in book.rules:
        for field, op, pname in rule.param_refs:
            value = book.params.get(pname)
            if op in BOUNDARY_OPS and isinstance(value, (int, float)) and not isinstance(value, bool):
                uses.setdefault((pname, field), []).append(rule.id)
    untouched = []
    for (pname, field), rule_ids in uses.items():
        edge = round(float(book.params[pname]), 6)
        facts = [f for rid in rule_ids for f in facts_by_rule.get(rid, [])]
        if not any(f.get(field) == edge for f in facts):
            untouched.append(f"  {pname}（{FIELDS[field].alias} = {show(book.params[pname])}）：{'、'.join(dict.fromkeys(rule_ids))}")
    names = sorted({p for p, _ in uses})
    if untouched:
        lines.append(f"参数边界：{len(names)} 个数值参数中，以下没有示例恰好落在边界上（< 与 <= 的区别未经检验）：")
        lines.extend(untouched)
    elif names:
        lines.append(f"参数边界：{len(names)} 个数值参数（{'、'.join(names)}）均有示例恰好落在边界上")
    if texts:
        with_text = {o.rule_id for o in texts if o.passed}
        lacking = [r.id for r in book.rules if r.id not in with_text]
        lines.append(f"文字示例（任务原文 + 进展原文，走完整流程）：{len(texts)} 个，{len(with_text)} 条规则有通过的文字示例"
                     + (f"；缺少：{'、'.join(lacking)}" if lacking else "；每条规则都有"))
    return lines
