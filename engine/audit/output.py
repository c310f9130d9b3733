"""The audit's outputs: the Chinese checklist on the terminal, and audit.json / audit.junit.xml /
audit.sarif (each rendered in memory first, then written atomically)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import InputError
from ..yamlio import atomic_write_bytes
from .model import CHECKS, SEVERITIES, SEVERITY_ZH

FORMATS = ("json", "junit", "sarif")
FILE_NAMES = {"json": "audit.json", "junit": "audit.junit.xml", "sarif": "audit.sarif"}
SARIF_LEVEL = {"error": "error", "warn": "warning", "info": "note"}


def parse_formats(text: str | None) -> list[str]:
    formats = [f.strip().lower() for f in (text or "json").split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(f"未知的输出格式「{'、'.join(unknown) or text}」", field="--format", hint=f"可用：{','.join(FORMATS)}")
    return list(dict.fromkeys(formats))


def checklist(report, show_info: bool = True) -> list[str]:
    """The terminal checklist, grouped by severity; each line:
    目标(id/序号) · 检查 id · 消息 · 「引文」 · 建议."""
    lines = [f"审核 {report.workspace} {report.period}"
             + (f"（含报告 {report.memo}）" if report.memo else "")
             + "：" + "，".join(f"{SEVERITY_ZH[s]} {report.count(s)}" for s in SEVERITIES)]
    for severity in SEVERITIES:
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines.append("")
        lines.append(f"【{SEVERITY_ZH[severity]}】{len(group)} 项")
        if severity == "info" and not show_info:
            lines.append("  （提示项未列出；加 --show-info 显示）")
            continue
        for f in group:
            lines.append(f"  {f.label()} · {f.check} · {f.message} · 「{_one_line(f.quote)}」 · 建议：{f.suggestion}")
    if not report.findings:
        lines.append("未发现问题。")
    return lines


def _one_line(text: str, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def audit_json(report) -> bytes:
    return (json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def audit_junit(report) -> bytes:
    """One testcase per finding (error / warn fail, info is skipped) and one passing case per check
    that found nothing, so CI shows which checks ran."""
    by_check: dict[str, list] = {c: [] for c in report.checks}
    for f in report.findings:
        by_check.setdefault(f.check, []).append(f)
    failures = sum(1 for f in report.findings if f.severity in ("error", "warn"))
    skipped = report.count("info")
    cases = sum(max(1, len(v)) for v in by_check.values())
    suite = ET.Element("testsuite", name=f"duban-audit {report.workspace} {report.period}", tests=str(cases),
                       failures=str(failures), errors="0", skipped=str(skipped))
    for check_id, found in by_check.items():
        title = CHECKS[check_id].title if check_id in CHECKS else check_id
        if not found:
            ET.SubElement(suite, "testcase", classname=check_id, name=f"{title}：未发现问题")
            continue
        for f in found:
            case = ET.SubElement(suite, "testcase", classname=check_id, name=f"{title}：{f.label()}")
            text = f"{f.message}\n「{f.quote}」\n建议：{f.suggestion}"
            if f.severity == "info":
                ET.SubElement(case, "skipped", message=f.message).text = text
            else:
                ET.SubElement(case, "failure", type=f.severity, message=f.message).text = text
    ET.indent(suite)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="utf-8") + b"\n"


def _location(report, f) -> dict:
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
    used = sorted({f.check for f in report.findings} | set(report.checks))
    rules = [{"id": c, "name": c.replace("-", ""), "shortDescription": {"text": CHECKS[c].title if c in CHECKS else c},
              "fullDescription": {"text": " ".join((CHECKS[c].run.__doc__ or "").split()) if c in CHECKS else c}}
             for c in used]
    results = [{"ruleId": f.check, "ruleIndex": used.index(f.check), "level": SARIF_LEVEL[f.severity],
                "message": {"text": f"{f.message}「{f.quote}」 建议：{f.suggestion}"},
                "locations": [_location(report, f)],
                "properties": {"target": f.target, "quote": f.quote, "suggestion": f.suggestion}}
               for f in report.findings]
    base = report.context.workspace.resolve().as_uri() + "/" if report.context is not None else None
    run = {"tool": {"driver": {"name": "duban-audit", "informationUri": "docs/audit.md", "rules": rules}},
           "results": results}
    if base:
        run["originalUriBaseIds"] = {"WORKSPACE": {"uri": base}}
    sarif = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return (json.dumps(sarif, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


RENDER = {"json": audit_json, "junit": audit_junit, "sarif": audit_sarif}


def write_outputs(report, out_dir: Path, formats: list[str]) -> list[Path]:
    rendered = {FILE_NAMES[f]: RENDER[f](report) for f in formats}  # render all before writing any
    written = []
    for name, data in rendered.items():
        atomic_write_bytes(out_dir / name, data)
        written.append(out_dir / name)
    return written
