"""duban audit: a checklist of the defects a report should not go out with (docs/audit.md).

    run_audit(workspace, period, memo=None) -> AuditReport      # runs `duban check` first
    audit_check_run(run, workspace, period, data, memo=None)     # on an existing CheckRun

Every finding has a check id (A-CP-01 …), a severity (error / warn / info), a target (task / indicator
id and 序号, or a memo line / paragraph), the quoted text, a Chinese message and a suggested fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..periods import month_end, period_months
from ..statuses import SEVERITY_RANK
from .checks import completeness, consistency, dates, numbers, text  # noqa: F401 (register)
from .model import CHECKS, SEVERITIES, TEXT_CHECKS, Context, Finding, Unit, snippet
from .patterns import AuditData, load_audit_data

__all__ = ["AuditReport", "Finding", "run_audit", "audit_check_run", "load_audit_data", "CHECKS"]


@dataclass
class AuditReport:
    workspace: str
    period: str
    findings: list[Finding]
    checks: list[str]  # ids of the checks that ran
    memo: str | None = None
    context: Context | None = field(default=None, repr=False)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def summary(self) -> dict:
        by_check: dict[str, int] = {}
        for f in self.findings:
            by_check[f.check] = by_check.get(f.check, 0) + 1
        return {**{s: self.count(s) for s in SEVERITIES}, "total": len(self.findings),
                "by_check": dict(sorted(by_check.items())), "checks_run": self.checks, "memo": self.memo}

    def to_dict(self) -> dict:
        return {"workspace": self.workspace, "period": self.period,
                "findings": [f.to_dict() for f in self.findings], "summary": self.summary()}


def run_audit(workspace: str | Path, period: str, memo: str | Path | None = None, rules_dir=None,
              audit_dir=None, engine: str = "auto") -> AuditReport:
    from ..check import run_check

    period_months(period)
    data = load_audit_data(audit_dir)  # before the engine run: a broken word list fails fast
    run = run_check(workspace, period, rules_dir, engine)
    return audit_check_run(run, workspace, period, data, memo)


def make_context(run, workspace, period: str, data: AuditData) -> Context:
    result = run.result
    by_id = {item["id"]: item for item in result["tasks"] + result["indicators"]}
    units = [Unit(j.derived.item, j.derived.entry, by_id.get(j.derived.item.id), j) for j in run.judgements]
    year, month = period_months(period)
    as_of = result.get("as_of") or month_end(period)
    return Context(workspace=Path(workspace), period=period, year=int(result.get("year") or year), month=month,
                   as_of=as_of, region=result.get("region", ""), units=units, result=result, terms=data.terms,
                   patterns=data.patterns)


def audit_check_run(run, workspace, period: str, data: AuditData, memo: str | Path | None = None) -> AuditReport:
    ctx = make_context(run, workspace, period, data)
    findings: list[Finding] = []
    for spec in CHECKS.values():
        if spec.scope == "facts":
            findings.extend(spec.run(ctx))
    for u in ctx.units:
        for text in u.texts():
            findings.extend(text_findings(ctx, text.value, lambda s, e, t=text: u.target(field=t.field, span=[s, e]),
                                          plan_text=text.field == "text"))
    ran = [c for c, spec in CHECKS.items() if spec.scope != "memo"]
    memo_name = None
    if memo is not None:
        from .checks.memo import audit_memo

        memo_findings, memo_name = audit_memo(ctx, Path(memo), findings)
        findings.extend(memo_findings)
        ran += [c for c, spec in CHECKS.items() if spec.scope == "memo"]
    findings = _dedupe(findings)
    findings.sort(key=lambda f: SEVERITY_RANK[f.severity])  # stable: within a severity, report order
    return AuditReport(workspace=ctx.result.get("workspace") or Path(workspace).name, period=period,
                       findings=findings, checks=sorted(ran), memo=memo_name, context=ctx)


def text_findings(ctx: Context, text: str, target, plan_text: bool = False) -> list[Finding]:
    """All text checks on one text; target(start, end) gives the finding's target. plan_text: the text
    is a plan's task text, so checks about what a report states (dates already past) do not apply."""
    out = []
    if not text:
        return out
    for spec in TEXT_CHECKS.values():
        if plan_text and spec.reported_only:
            continue
        for hit in spec.run(ctx, text):
            quote = hit.quote or snippet(text, hit.start, hit.end)
            core = re.sub(r"\s+", "", text[hit.start:hit.end + 4])  # memo quotes start anywhere; the words after match
            out.append(Finding(spec.id, hit.severity, target(hit.start, hit.end), quote, hit.message, hit.suggestion, core))
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.check, f.target.get("kind"), f.target.get("id"), f.target.get("field"), f.quote, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
