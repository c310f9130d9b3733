"""The condition walker and the evaluator interface, defined once.

A rule's `when` is a tree of Leaf / All / Any_ / Not (engine/rulebook/ir.py). Every pass over that tree — the
plain evaluator's holds(), the vectorised evaluator's column masks, durable_rules' negation normal form and its
JSON emission, `duban explain`'s trace — is a ConditionVisitor: it says what to do at each kind of node, and
visit() does the dispatch (and refuses an unknown node) in one place.

Evaluator is what every engine offers (plain, vectorised, durable_rules; the bench's peers follow it too):
a name for the provenance and evaluate(records) → for each record, the ids of the rules that fire, in
rulebook order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, Protocol, TypeVar, runtime_checkable

from ..rulebook.ir import All, Any_, Leaf, Not, Rule

T = TypeVar("T")
_METHOD = {Leaf: "leaf", All: "all_", Any_: "any_", Not: "not_"}


class ConditionVisitor(ABC, Generic[T]):
    """Subclasses implement leaf / all_ / any_ / not_ (a visitor missing one cannot be made); extra positional
    arguments are passed through."""

    def visit(self, cond, *args) -> T:
        method = _METHOD.get(type(cond))
        if method is None:
            raise TypeError(f"unknown condition {cond!r}")
        return getattr(self, method)(cond, *args)

    @abstractmethod
    def leaf(self, cond: Leaf, *args) -> T:
        ...

    @abstractmethod
    def all_(self, cond: All, *args) -> T:
        ...

    @abstractmethod
    def any_(self, cond: Any_, *args) -> T:
        ...

    @abstractmethod
    def not_(self, cond: Not, *args) -> T:
        ...


@runtime_checkable
class Evaluator(Protocol):
    name: str
    rules: list[Rule]

    def evaluate(self, records: list[dict]) -> list[list[str]]:
        """For each record, the ids of the rules that fire, in rulebook order."""
        ...
