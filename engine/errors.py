"""User-facing errors. Every message is Chinese and names the place: file, line, column, field.

Exit codes (the CLI contract): 2 = bad input (facts, rules, tables, templates), 3 = internal error.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    col: int | None = None  # 1-based
    field: str | None = None
    hint: str | None = None

    def format(self) -> str:
        where = ""
        if self.file:
            where = str(self.file)
            if self.line:
                where += f":{self.line}"
                if self.col:
                    where += f":{self.col}"
            where += ": "
        text = where
        if self.field:
            text += f"字段「{self.field}」："
        text += self.message
        if self.hint:
            text += f"（{self.hint}）"
        return text


class DubanError(Exception):
    """An error the user can fix. Carries one or more problems, all reported together."""

    exit_code = 2

    def __init__(self, message: str | None = None, *, problems: list[Problem] | None = None, **where):
        self.problems = list(problems or [])
        if message is not None:
            self.problems.insert(0, Problem(message, **where))
        super().__init__(self.format())

    def format(self) -> str:
        return "\n".join(p.format() for p in self.problems)

    def __reduce__(self):  # keeps the problems when an error crosses a process boundary
        return _rebuild, (type(self), self.problems)


def _rebuild(cls: type[DubanError], problems: list[Problem]) -> DubanError:
    return cls(problems=problems)


class InputError(DubanError):
    """Facts, tables or templates that cannot be read as given."""


class RuleError(DubanError):
    """A rulebook, parameter or lexicon file with mistakes; the rulebook never runs with any."""


class EngineError(DubanError):
    """The rule engine itself failed (crash, hang, refused fact): an internal error, exit 3."""

    exit_code = 3


class Collector:
    """Collects problems so that all mistakes in a file are shown at once."""

    def __init__(self, file: str | None = None):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, message: str, *, line=None, col=None, field=None, hint=None, file=None) -> None:
        self.problems.append(Problem(message, file=file or self.file, line=line, col=col, field=field, hint=hint))

    def raise_if_any(self, cls: type[DubanError] = InputError) -> None:
        if self.problems:
            raise cls(problems=self.problems)
