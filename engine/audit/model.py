"""What every audit check works on (Context, Text) and what it returns (Finding)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..result import KIND_ZH, Finding  # noqa: F401  (one definition; re-exported for the checks)
from ..statuses import SEVERITIES, SEVERITY_ZH  # noqa: F401  (one definition; re-exported for the checks)

FIELD_ZH = {"progress": "进展", "text": "任务文字", "source_text": "进展表任务文字", "units": "责任单位"}


@dataclass
class Text:
    """One text an item carries: the progress as reported, or the task text."""

    field: str  # "progress" | "text" | "source_text"
    value: str


@dataclass
class Unit:
    """A plan item with its progress entry and the engine's judgement (any may be missing)."""

    item: object  # engine.facts.workspace.Item
    entry: object | None  # engine.facts.workspace.Entry
    result: dict | None  # the item's dict in result.json
    judgement: object | None = None  # engine.judge.classify.Judgement

    @property
    def seq(self) -> str | None:
        if self.entry is not None and self.entry.source_seq:
            return self.entry.source_seq
        return self.item.seq

    def target(self, **extra) -> dict:
        out = {"kind": self.item.kind, "id": self.item.id, "seq": self.seq}
        out.update({k: v for k, v in extra.items() if v is not None})
        return out

    def texts(self) -> list[Text]:
        """The report's own words: the progress text and, when it differs, the task text as printed."""
        out = []
        if self.entry is not None and self.entry.text:
            out.append(Text("progress", self.entry.text))
        if self.entry is not None and self.entry.source_text:
            out.append(Text("source_text", self.entry.source_text))
        else:
            out.append(Text("text", self.item.text))
        return out


@dataclass
class Context:
    workspace: Path
    period: str
    year: int  # plan year
    month: int  # the period's last month
    as_of: str  # YYYY-MM-DD
    region: str
    units: list[Unit]
    result: dict
    terms: dict
    patterns: list = field(default_factory=list)  # engine.audit.patterns.Pattern
    cache: dict = field(default_factory=dict)  # per-run memo of derived lookups (plan unit names, …)

    @property
    def as_of_month(self) -> tuple[int, int]:
        return int(self.as_of[:4]), int(self.as_of[5:7])


def snippet(text: str, start: int, end: int, reach: int = 24) -> str:
    """The quoted text around a span: its clause (a short clause runs on to the next one), so the quote
    reads as the report's own words."""
    marks = "，。；;,\n"
    lo = start
    while lo > 0 and text[lo - 1] not in marks and start - lo < reach:
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in marks and hi - end < reach:
        hi += 1
    if hi - lo < 14 and hi < len(text) and text[hi] in "，,":  # 截至8月末， → 截至8月末，社会融资规模达2128.19亿元
        hi += 1
        while hi < len(text) and text[hi] not in marks and hi - end < reach:
            hi += 1
    return text[lo:hi].strip()


@dataclass
class CheckSpec:
    id: str
    title: str  # Chinese, short
    scope: str  # "facts" | "memo" | "text"
    run: object  # callable(ctx) -> iterable of Finding
    reported_only: bool = False  # a text check that is about what a report states, not about a plan's aims


CHECKS: dict[str, CheckSpec] = {}


def check(check_id: str, title: str, scope: str = "facts"):
    """Register an audit check; its docstring says what it catches and why."""

    def register(fn):
        CHECKS[check_id] = CheckSpec(check_id, title, scope, fn)
        fn.check_id = check_id
        return fn

    return register


@dataclass
class Hit:
    """A text check's match: span in the text it was given, plus what to tell the user."""

    start: int
    end: int
    severity: str
    message: str
    suggestion: str
    quote: str | None = None  # default: the clause around the span


TEXT_CHECKS: dict[str, CheckSpec] = {}


def text_check(check_id: str, title: str, reported_only: bool = False):
    """Register a check that reads one text (a progress text, a task text or a memo line) on its own.
    reported_only: skip plan task texts (力争6月底前开工 is an aim, not a stale forecast)."""

    def register(fn):
        TEXT_CHECKS[check_id] = CHECKS[check_id] = CheckSpec(check_id, title, "text", fn, reported_only)
        fn.check_id = check_id
        return fn

    return register
