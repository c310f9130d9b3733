"""User-facing errors. Every message is Chinese and names the place: file, line, column, field.

Exit codes (the CLI contract): 2 = bad input (facts, rules, tables, templates), 3 = internal error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# C0/C1 controls (ESC starts ANSI sequences), DEL, and the bidi overrides that reorder a line on screen
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNPRINTABLE_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text, *, one_line: bool = False) -> str:
    """Text safe to echo on a terminal: each control character shown as \\xNN, so an escape sequence in a
    file name or a cell cannot recolour, move or clear the screen (and the clerk sees it is there)."""
    pattern = _UNPRINTABLE_OR_BREAK if one_line else _UNPRINTABLE
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                       str(text))


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
            where = printable(self.file, one_line=True)
            if self.line:
                where += f":{self.line}"
                if self.col:
                    where += f":{self.col}"
            where += ": "
        text = where
        if self.field:
            text += f"字段「{printable(self.field, one_line=True)}」："
        text += printable(self.message)
        if self.hint:
            text += f"（{printable(self.hint)}）"
        return text


# the exit codes every command ends with (README「退出码」), defined once
EXIT_OK = 0
EXIT_FOUND = 1  # check --fail-on-lagging: lagging tasks; audit: errors (or warnings, --fail-on-warn); rules test: a failed example
EXIT_BAD_INPUT = 2  # a DubanError: input the user can fix
EXIT_INTERNAL = 3  # an EngineError or any other internal failure


class DubanError(Exception):
    """An error the user can fix. Carries one or more problems, all reported together."""

    exit_code = EXIT_BAD_INPUT

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

    exit_code = EXIT_INTERNAL


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
