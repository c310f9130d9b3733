"""SARIF 2.1.0 for code-scanning portals: findings.sarif of `duban check` (a result per rule finding, located
at its item) and audit.sarif of `duban audit` (a result per audit finding, located in the workspace files or
the memo). One run each; the same envelope and levels."""

from __future__ import annotations

from .. import __version__
from . import provenance
from .json import json_bytes

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warn": "warning", "info": "note"}


def sarif_bytes(run: dict) -> bytes:
    return json_bytes({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]})


def check_sarif(ctx) -> bytes:
    rules = [{"id": r["id"], "name": r["id"], "shortDescription": {"text": r.get("title") or r["id"]},
              "properties": {"version": r.get("version")}} for r in ctx.rules]
    index = {r["id"]: n for n, r in enumerate(rules)}
    results = []
    for item in ctx.tasks + ctx.indicators:
        for f in item.findings:
            entry = {
                "ruleId": f.rule,
                "level": SARIF_LEVEL.get(f.severity, "note"),
                "message": {"text": f.message},
                "locations": [{
                    "logicalLocations": [{"name": item.id, "fullyQualifiedName": f"{ctx.workspace}/{item.kind}/{item.id}",
                                          "kind": "object"}],
                    "message": {"text": f"序号 {item.no}：{item.name}"},
                }],
                "partialFingerprints": {"dubanItemRule/v1": f"{ctx.workspace}/{item.id}/{f.rule}"},
                "properties": {"task_id": item.id, "seq": item.seq, "kind": item.kind, "status": item.status,
                               "finding_status": f.status, "escalation": f.escalation, "rule_version": f.rule_version,
                               "quote": f.quote, "target_quote": f.target_quote, "evidence_source": f.source,
                               "values": f.values, "thresholds": f.thresholds, "lead_units": list(item.lead_units)},
            }
            if f.rule in index:
                entry["ruleIndex"] = index[f.rule]
            results.append(entry)
    return sarif_bytes({
        "tool": {"driver": {"name": "duban", "semanticVersion": __version__, "rules": rules}},
        "automationDetails": {"id": f"{ctx.workspace}/{ctx.period}"},
        "properties": provenance(ctx),
        "results": results,
    })


def _audit_location(report, f) -> dict:
    t = f.target
    ctx = report.context
    logical = [{"name": t.get("id"), "kind": t.get("kind"), "fullyQualifiedName": f"{t.get('kind')}:{t.get('id')}"}]
    if t.get("kind") == "memo":
        loc = {"logicalLocations": logical}
        if t.get("file"):
            loc["physicalLocation"] = {"artifactLocation": {"uri": t["file"]}}
            if t.get("line"):
                loc["physicalLocation"]["region"] = {"startLine": t["line"]}
        return loc
    uri, line = None, None
    if ctx is not None:
        unit = next((u for u in ctx.units if u.item.id == t.get("id")), None)
        if unit is not None and unit.entry is not None and t.get("field") in ("progress", "source_text"):
            uri, line = f"progress/{report.period}.yaml", unit.entry.line
        elif unit is not None:
            uri, line = "plan.yaml", unit.item.line
    loc = {"logicalLocations": logical}
    if uri:
        loc["physicalLocation"] = {"artifactLocation": {"uri": uri, "uriBaseId": "WORKSPACE"}}
        if line:
            loc["physicalLocation"]["region"] = {"startLine": line}
    return loc


def audit_sarif(report) -> bytes:
    from ..audit.model import CHECKS

    used = sorted({f.check for f in report.findings} | set(report.checks))
    rules = [{"id": c, "name": c.replace("-", ""), "shortDescription": {"text": CHECKS[c].title if c in CHECKS else c},
              "fullDescription": {"text": " ".join((CHECKS[c].run.__doc__ or "").split()) if c in CHECKS else c}}
             for c in used]
    results = [{"ruleId": f.check, "ruleIndex": used.index(f.check), "level": SARIF_LEVEL[f.severity],
                "message": {"text": f"{f.message}「{f.quote}」 建议：{f.suggestion}"},
                "locations": [_audit_location(report, f)],
                "properties": {"target": f.target, "quote": f.quote, "suggestion": f.suggestion}}
               for f in report.findings]
    base = report.context.workspace.resolve().as_uri() + "/" if report.context is not None else None
    run = {"tool": {"driver": {"name": "duban-audit", "informationUri": "docs/audit.md", "rules": rules}},
           "results": results}
    if base:
        run["originalUriBaseIds"] = {"WORKSPACE": {"uri": base}}
    return sarif_bytes(run)
