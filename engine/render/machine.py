"""Machine outputs for portals and CI: result.json (the contract, unchanged), findings.junit.xml, findings.sarif."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from .. import __version__
from ..statuses import LAGGING
from .context import ItemView, RenderContext

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warn": "warning", "info": "note"}


def result_json(result: dict) -> bytes:
    return (json.dumps(result, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _provenance(ctx: RenderContext) -> dict:
    return {"workspace": ctx.workspace, "region": ctx.region, "period": ctx.period, "as_of": ctx.as_of,
            "time_progress": ctx.time_progress, "engine": ctx.engine, "rules_digest": ctx.rules_digest,
            "data_digest": ctx.data_digest}


def junit_xml(ctx: RenderContext) -> bytes:
    """One testcase per task/indicator: lagging → <failure>, 待核实 → <skipped>, the rest pass. No timestamps."""
    root = ET.Element("testsuites", name=f"duban {ctx.workspace} {ctx.period}")
    total = failures = skipped = 0
    for kind, label, items in (("task", "任务", ctx.tasks), ("indicator", "指标", ctx.indicators)):
        suite = ET.SubElement(root, "testsuite", name=f"{ctx.workspace}.{label}")
        props = ET.SubElement(suite, "properties")
        for key, value in _provenance(ctx).items():
            ET.SubElement(props, "property", name=key, value=str(value))
        n_fail = n_skip = 0
        for item in items:
            case = ET.SubElement(suite, "testcase", classname=f"{ctx.workspace}.{label}",
                                 name=f"{item.id} 序号{item.no} {item.name[:60]}")
            if item.status in LAGGING:
                n_fail += 1
                failure = ET.SubElement(case, "failure", message=f"{item.status}：{item.status_reason}", type=item.status)
                failure.text = _details(item)
            elif item.status == "待核实":
                n_skip += 1
                ET.SubElement(case, "skipped", message=f"待核实：{item.status_reason}")
        suite.set("tests", str(len(items)))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(n_skip))
        total, failures, skipped = total + len(items), failures + n_fail, skipped + n_skip
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _details(item: ItemView) -> str:
    lines = [f"责任单位：{item.lead_units_text or '—'}", f"进展：{item.progress_text or '未报送'}"]
    for f in item.findings:
        lines.append(f"[{f.rule} v{f.rule_version} {f.severity}] {f.message}" + (f"（引文「{f.quote}」）" if f.quote else ""))
    return "\n".join(lines)


def sarif(ctx: RenderContext) -> bytes:
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
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "duban", "semanticVersion": __version__, "rules": rules}},
            "automationDetails": {"id": f"{ctx.workspace}/{ctx.period}"},
            "properties": _provenance(ctx),
            "results": results,
        }],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
