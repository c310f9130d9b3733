"""The rule IR: what a rule means, independent of any engine.

Both evaluators (durable_rules and the plain one) read only this. Conditions test one fact field
against constants (parameters are resolved to constants when the rulebook loads), so the IR never
needs cross-field comparisons — the derive step computes differences such as `shortfall`.

Semantics (both evaluators must implement exactly these):
- a comparison on a missing field is false; `not` of it is true;
- `contains` is true when the field holds any of the keywords as a literal substring, where "…" in a
  keyword matches any run of characters (被…通报 matches 被市政府办公厅通报);
- numbers compare as floats rounded to 6 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPS = ("eq", "ne", "lt", "le", "gt", "ge", "between", "in", "contains", "exists")
from ..statuses import SEVERITIES, SEVERITY_ZH, STATUSES_INDICATOR, STATUSES_TASK  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class Leaf:
    field: str
    op: str  # one of OPS
    value: object  # float | str | bool | tuple

    def leaves(self):
        yield self


@dataclass(frozen=True)
class All:
    items: tuple

    def leaves(self):
        for item in self.items:
            yield from item.leaves()


@dataclass(frozen=True)
class Any_:
    items: tuple

    def leaves(self):
        for item in self.items:
            yield from item.leaves()


@dataclass(frozen=True)
class Not:
    item: object

    def leaves(self):
        yield from self.item.leaves()


@dataclass
class Example:
    name: str
    fact: dict
    expect: bool  # True = the rule fires
    line: int | None = None


@dataclass
class Rule:
    id: str
    title: str
    description: str
    applies_to: tuple[str, ...]  # ("task",) / ("indicator",) / both
    when: object  # Leaf | All | Any_ | Not
    status: str | None
    severity: str
    escalation: str | None
    message: str
    version: int = 1
    examples: list[Example] = field(default_factory=list)
    file: str | None = None
    line: int | None = None
    param_refs: tuple = ()  # ((field, op, param), …): the parameters the condition uses, for examples coverage
    referenced: set = field(default_factory=set)  # every parameter the rule names (condition and message)
    text_examples: list = field(default_factory=list)  # task + progress examples (rulebook/text_examples.py)
    table_row: object = None  # rulebook/tables.TableRow when the rule is a decision-table row

    def fields(self) -> list[str]:
        seen = []
        for leaf in self.when.leaves():
            if leaf.field not in seen:
                seen.append(leaf.field)
        return seen


@dataclass
class Rulebook:
    directory: str
    rules: list[Rule]
    params: dict
    digest: str  # sha256 over the rule files and params, as bytes
    lexicon_dir: str | None = None

    def for_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if kind in r.applies_to]
