"""One result model (engine/result.py) and one writer per machine format (engine/outputs/) for check and audit."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

from engine import outputs
from engine.audit.output import parse_formats as audit_formats
from engine.errors import InputError
from engine.outputs.junit import audit_junit
from engine.outputs.sarif import SARIF_SCHEMA, audit_sarif
from engine.render import parse_formats as check_formats
from engine.result import Finding

ENGINE = Path(__file__).resolve().parent.parent / "engine"


def test_one_finding_class_one_writer_per_format():
    defs = {name: [str(p.relative_to(ENGINE)) for p in ENGINE.rglob("*.py")
                   if re.search(rf"^(class {name}\b|def {name}\b)", p.read_text(encoding="utf-8"), re.M)]
            for name in ("Finding", "parse_formats", "check_junit", "audit_junit", "check_sarif", "audit_sarif")}
    assert defs == {"Finding": ["result.py"], "parse_formats": ["outputs/__init__.py"],
                    "check_junit": ["outputs/junit.py"], "audit_junit": ["outputs/junit.py"],
                    "check_sarif": ["outputs/sarif.py"], "audit_sarif": ["outputs/sarif.py"]}
    offenders = [str(p.relative_to(ENGINE)) for p in ENGINE.rglob("*.py")
                 if "sarif-2.1.0" in p.read_text(encoding="utf-8") and p.name != "sarif.py"]
    assert offenders == []


def test_rule_and_audit_findings_serialise_as_before():
    rule = Finding(rule="R-TP-01", severity="warn", title="时序", version=2, status="滞后", escalation=None,
                   message="完成率低于时序进度", evidence={"quote": "已完成3座"})
    assert rule.to_dict() == {"rule": "R-TP-01", "title": "时序", "rule_version": 2, "severity": "warn", "status": "滞后",
                              "escalation": None, "message": "完成率低于时序进度", "evidence": {"quote": "已完成3座"}}
    rule.waived = {"reason": "已批准"}
    assert rule.to_dict()["waived"] == {"reason": "已批准"}
    audit = Finding("A-TX-01", "error", {"kind": "task", "id": "T095", "seq": "36"}, "己完成", "「己」误作「已」", "改为「已」")
    assert audit.check == "A-TX-01" and audit.label() == "任务 T095（序号36）"
    assert audit.to_dict() == {"check": "A-TX-01", "severity": "error", "target": {"kind": "task", "id": "T095", "seq": "36"},
                               "quote": "己完成", "message": "「己」误作「已」", "suggestion": "改为「已」"}
    memo = Finding("A-MM-01", "warn", {"kind": "memo", "id": "memo.md:12"}, "共12项", "数字不符", "改正")  # hand-written
    assert memo.label() == "报告 memo.md:12"


def test_parse_formats_for_both_commands():
    assert check_formats("md, DOCX,md,sarif") == ["md", "docx", "sarif"]
    assert audit_formats(None) == ["json"] and audit_formats("SARIF,json,sarif") == ["sarif", "json"]
    with pytest.raises(InputError) as err:
        audit_formats("md")
    assert "「md」" in str(err.value) and "json,junit,sarif" in str(err.value)
    with pytest.raises(InputError):
        outputs.parse_formats(" , ", ("json",))


def _report(findings, checks):  # hand-written: a report without a workspace context
    return SimpleNamespace(workspace="某区-2024", period="2024-06", findings=findings, checks=checks, context=None,
                           count=lambda s: sum(1 for f in findings if f.severity == s))


def test_audit_junit_and_sarif_on_a_hand_written_report():
    found = [Finding("A-TX-01", "error", {"kind": "task", "id": "T1", "seq": "1"}, "己完成", "错字", "改正"),
             Finding("A-NU-03", "info", {"kind": "indicator", "id": "I2", "seq": "2"}, "5％", "全半角混用", "统一")]
    report = _report(found, ["A-TX-01", "A-NU-03", "A-CP-01"])
    suite = ET.fromstring(audit_junit(report))
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped"), suite.get("errors")) == ("3", "1", "1", "0")
    assert [c.get("classname") for c in suite] == ["A-TX-01", "A-NU-03", "A-CP-01"]
    doc = json.loads(audit_sarif(report))
    assert doc["$schema"] == SARIF_SCHEMA and doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert [r["level"] for r in run["results"]] == ["error", "note"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["A-CP-01", "A-NU-03", "A-TX-01"]
    assert "originalUriBaseIds" not in run
