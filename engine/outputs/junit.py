"""JUnit XML for CI: findings.junit.xml of `duban check` (one testcase per task / indicator) and audit.junit.xml of
`duban audit` (one testcase per finding, one passing case per check that found nothing). No timestamps."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..statuses import LAGGING, UNCLEAR
from . import provenance


def _totals(element: ET.Element, tests: int, failures: int, skipped: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", str(skipped))


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def check_junit(ctx) -> bytes:
    """One testcase per task/indicator: lagging → <failure>, 待核实 → <skipped>, the rest pass."""
    root = ET.Element("testsuites", name=f"duban {ctx.workspace} {ctx.period}")
    total = failures = skipped = 0
    for label, items in (("任务", ctx.tasks), ("指标", ctx.indicators)):
        suite = ET.SubElement(root, "testsuite", name=f"{ctx.workspace}.{label}")
        props = ET.SubElement(suite, "properties")
        for key, value in provenance(ctx).items():
            ET.SubElement(props, "property", name=key, value=str(value))
        n_fail = n_skip = 0
        for item in items:
            case = ET.SubElement(suite, "testcase", classname=f"{ctx.workspace}.{label}",
                                 name=f"{item.id} 序号{item.no} {item.name[:60]}")
            if item.status in LAGGING:
                n_fail += 1
                failure = ET.SubElement(case, "failure", message=f"{item.status}：{item.status_reason}", type=item.status)
                failure.text = _details(item)
            elif item.status == UNCLEAR:
                n_skip += 1
                ET.SubElement(case, "skipped", message=f"{UNCLEAR}：{item.status_reason}")
        _totals(suite, len(items), n_fail, n_skip)
        total, failures, skipped = total + len(items), failures + n_fail, skipped + n_skip
    _totals(root, total, failures, skipped)
    return _xml_bytes(root)


def _details(item) -> str:
    lines = [f"责任单位：{item.lead_units_text or '—'}", f"进展：{item.progress_text or '未报送'}"]
    for f in item.findings:
        lines.append(f"[{f.rule} v{f.rule_version} {f.severity}] {f.message}" + (f"（引文「{f.quote}」）" if f.quote else ""))
    return "\n".join(lines)


def audit_junit(report) -> bytes:
    """One testcase per finding (error / warn fail, info is skipped) and one passing case per check
    that found nothing, so CI shows which checks ran."""
    from ..audit.model import CHECKS

    by_check: dict[str, list] = {c: [] for c in report.checks}
    for f in report.findings:
        by_check.setdefault(f.check, []).append(f)
    suite = ET.Element("testsuite", name=f"duban-audit {report.workspace} {report.period}")
    _totals(suite, sum(max(1, len(v)) for v in by_check.values()),
            sum(1 for f in report.findings if f.severity in ("error", "warn")), report.count("info"))
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
    return _xml_bytes(suite)
