"""The result model, defined once: a Finding (what a rule or an audit check found), the Judgement of one item,
the item's dict in result.json (item_result) and the whole result.json (build_result). `duban check`, the
bench's in-memory partitions and the audit (through run_check) all build their result here, so the JSON
contract (docs/interfaces.md, schema duban/result@1) has one author.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .judge.history import escalation
from .outputs.jsonio import floats_safe, values_floats_safe
from .periods import period_label
from .statuses import STATUSES_INDICATOR, STATUSES_TASK

if TYPE_CHECKING:
    from .derive import Derived
    from .rulebook.ir import Rulebook

RESULT_SCHEMA = "duban/result@1"
KIND_ZH = {"task": "任务", "indicator": "指标", "memo": "报告"}
METRIC_FIELDS = ("ratio", "time_progress", "shortfall", "lead", "growth_actual", "growth_target", "growth_shortfall",
                 "limit_excess", "stage", "data_end_month", "target_kind", "direction")


@dataclass(slots=True)
class Finding:
    """What a rule (R-…) or an audit check (A-…) found.

    A rule finding sits inside its item in result.json, so it has no `target`; it carries the rule's title,
    version, the status and escalation it asks for, the evidence, and the waiver that exempts it. An audit
    finding names its `target` (task / indicator / memo line), quotes the words and suggests a fix. The
    positional order (id, severity, target, quote, message, suggestion, core) is the audit checks' call form.
    """

    rule: str  # rule id, or audit check id (also readable as `.check`)
    severity: str  # error / warn / info
    target: dict | None = None  # audit: {"kind": task|indicator|memo, "id", "seq", …}; None for a rule finding
    quote: str = ""
    message: str = ""
    suggestion: str = ""
    core: str = field(default="", compare=False, repr=False)  # audit: matched text ± 6 chars, to spot one defect twice
    title: str = ""
    version: int | None = None
    status: str | None = None
    escalation: str | None = None
    evidence: dict = field(default_factory=dict)
    waived: dict | None = None  # the waiver that exempts this finding (shown, counted, not deciding)
    # True: every value of to_dict() but `waived` was found float-safe when the finding was made (make_finding), so
    # result_floats_safe need not walk it again; None: not known, walked. The evidence is not changed after that.
    floats_ok: bool | None = field(default=None, compare=False, repr=False)

    @property
    def check(self) -> str:
        return self.rule

    def to_dict(self) -> dict:
        """result.json's finding (a rule finding) or audit.json's (an audit finding, which has a target)."""
        if self.target is not None:
            return {"check": self.rule, "severity": self.severity, "target": dict(self.target), "quote": self.quote,
                    "message": self.message, "suggestion": self.suggestion}
        out = {"rule": self.rule, "title": self.title, "rule_version": self.version, "severity": self.severity,
               "status": self.status, "escalation": self.escalation, "message": self.message, "evidence": self.evidence}
        if self.waived:
            out["waived"] = self.waived
        return out

    def label(self) -> str:
        """An audit finding's 目标 as shown on the terminal: 任务 T022（序号13）, 报告 memo.md:12."""
        t = self.target or {}
        name = f"{KIND_ZH.get(t.get('kind'), t.get('kind'))} {t.get('id')}"
        if t.get("kind") != "memo" and t.get("seq"):
            name += f"（序号{t['seq']}）"
        return name


@dataclass(slots=True)
class Judgement:
    """One item's judgement: exactly one status, why, the escalation step, and every finding."""

    derived: Derived
    status: str
    status_reason: str
    escalation: str | None
    findings: list[Finding] = field(default_factory=list)


def summarise(judgements: list[Judgement], kind: str, statuses: tuple[str, ...]) -> dict:
    counts = {s: 0 for s in statuses}
    for j in judgements:
        if j.derived.item.kind == kind:
            counts[j.status] = counts.get(j.status, 0) + 1
    return counts


def item_result(j: Judgement, period: str, history: list, params: dict) -> dict:
    item, entry, record = j.derived.item, j.derived.entry, j.derived.record
    out = {
        "id": item.id,
        "seq": (entry.source_seq if entry and entry.source_seq else item.seq),
        "kind": item.kind,
        "category": item.category,
        "text": item.text,
        "leaders": item.leaders,
        "lead_units": item.lead_units,
        "coop_units": item.coop_units,
        "duplicate_of": item.duplicate_of,
        "progress_text": entry.text if entry else None,
        "reported_status": entry.reported_status if entry else None,
        "status": j.status,
        "status_reason": j.status_reason,
        "escalation": escalation(item.id, j.status, j.escalation, period, history, params),
        "targets": [{"quote": t.get("quote"), "quantity": t.get("quantity"), "unit": t.get("unit"), "kind": t.get("kind"),
                     "direction": t.get("direction")} for t in item.targets],
        "metrics": {k: record[k] for k in METRIC_FIELDS if k in record},
        "findings": [f.to_dict() for f in j.findings],
    }
    if item.kind == "indicator":
        out["name"] = item.name or item.text
        out["annual_target_text"] = item.annual_target_text
    return out


_ITEMS: dict[int, tuple] = {}  # id(item) → (item, its targets list, whether its own fields are float-safe)


def _item_floats_safe(item) -> bool:
    """floats_safe over the fields item_result copies from the item: the same for every period, walked once."""
    hit = _ITEMS.get(id(item))
    if hit is not None and hit[0] is item and hit[1] is item.targets:
        return hit[2]
    safe = values_floats_safe((item.id, item.seq, item.kind, item.category, item.text, item.leaders, item.lead_units,
                               item.coop_units, item.duplicate_of, item.targets, item.name, item.annual_target_text))
    if len(_ITEMS) > 16384:  # the item is held, so its id is not reused while cached; keep the cache bounded
        _ITEMS.clear()
    _ITEMS[id(item)] = (item, item.targets, safe)
    return safe


def row_floats_safe(row: dict, j: Judgement) -> bool:
    """floats_safe(row) for row = item_result(j, …), walking only what was not walked where it was made: the item's
    own fields once per item, a finding's evidence when make_finding built it (Finding.floats_ok), the rest here."""
    if not _item_floats_safe(j.derived.item):
        return False
    for finding in j.findings:
        if not finding.floats_ok:
            if not floats_safe(finding.to_dict()):
                return False
        elif finding.waived is not None and not floats_safe(finding.waived):
            return False
    return values_floats_safe((row["seq"], row["progress_text"], row["reported_status"], row["status"], row["status_reason"],
                               *row["escalation"].values(), *row["metrics"].values()))


def result_floats_safe(result: dict, judgements: list[Judgement], rows: list[dict]) -> bool:
    """floats_safe(result) for result = build_result(…, judgements=judgements, items=rows) with rows[k] =
    item_result(judgements[k], …), unchanged since: the JSON writer may then skip its own walk (floats_checked)."""
    if len(rows) != len(judgements) or len(result["tasks"]) + len(result["indicators"]) != len(rows):
        return floats_safe(result)
    for row, j in zip(rows, judgements):
        if not row_floats_safe(row, j):
            return False
    return floats_safe([value for key, value in result.items() if key != "tasks" and key != "indicators"])


def rule_entry(rule) -> dict:
    """A rule as result.json lists it; a decision-table row also names its table and row (docs/rules.md §1.3)."""
    entry = {"id": rule.id, "title": rule.title, "version": rule.version}
    row = rule.table_row
    if row is not None:
        entry["table"] = {"name": row.table, "row": row.number}
    return entry


def build_result(*, workspace: str, region: str, year: int, period: str, as_of: str | None, time_progress: float,
                 book: Rulebook, engine: str, data_digest: str, judgements: list[Judgement], items: list[dict],
                 history: list, waivers: dict, history_statuses: bool = True) -> dict:
    """result.json of one workspace-period, keys in contract order. items: item_result of each judgement;
    history: earlier periods, oldest first, each (period, {item id: status}); history_statuses: also carry each
    earlier period's statuses (duban check does, so the dashboard draws trends; the bench partitions do not)."""
    result = {
        "schema": RESULT_SCHEMA,
        "workspace": workspace,
        "region": region,
        "year": year,
        "period": period,
        "period_label": period_label(period),
        "as_of": as_of,
        "time_progress": time_progress,
        "time_progress_method": (book.params.get("time_progress") or {}).get("method", "months"),
        "engine": engine,
        "rules_digest": book.digest,
        "data_digest": data_digest,
        "rules": [rule_entry(r) for r in book.rules],
        "history": [p for p, _ in history],
    }
    if history_statuses:
        result["history_statuses"] = {p: statuses for p, statuses in history}
    result.update({
        "tasks": [r for r in items if r["kind"] == "task"],
        "indicators": [r for r in items if r["kind"] == "indicator"],
        "waivers": waivers,
        "summary": {
            "tasks": summarise(judgements, "task", STATUSES_TASK),
            "indicators": summarise(judgements, "indicator", STATUSES_INDICATOR),
            "waived_findings": sum(1 for j in judgements for f in j.findings if f.waived),
        },
    })
    return result
