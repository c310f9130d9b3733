"""findings.sarif (SARIF 2.1.0) and findings.junit.xml for portals and CI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from engine.render.context import build_context
from engine.render.machine import junit_xml, sarif

from .test_render_context import fuling_result  # noqa: F401  (shared fixture)

LEVEL = {"error": "error", "warn": "warning", "info": "note"}


@pytest.fixture(scope="module")
def outputs(fuling_result):
    ctx = build_context(fuling_result)
    return fuling_result, json.loads(sarif(ctx)), ET.fromstring(junit_xml(ctx))


def test_sarif_shape(outputs):
    result, doc, _ = outputs
    assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r["id"] for r in result["rules"]]
    assert all(r["shortDescription"]["text"] for r in rules)
    for key in ("workspace", "period", "as_of", "rules_digest", "data_digest"):
        assert run["properties"][key] == result[key]


def test_sarif_results_follow_the_findings(outputs):
    result, doc, _ = outputs
    run = doc["runs"][0]
    findings = [(item, f) for item in result["tasks"] + result["indicators"] for f in item["findings"]]
    assert len(run["results"]) == len(findings) > 0
    rules = run["tool"]["driver"]["rules"]
    levels = set()
    for (item, f), res in zip(findings, run["results"]):
        assert res["ruleId"] == f["rule"]
        if "ruleIndex" in res:
            assert rules[res["ruleIndex"]]["id"] == f["rule"]
        assert res["level"] == LEVEL[f["severity"]]
        levels.add(res["level"])
        assert res["message"]["text"] == f["message"]
        logical = res["locations"][0]["logicalLocations"][0]
        assert logical["name"] == item["id"] and item["id"] in logical["fullyQualifiedName"]
        assert res["properties"]["seq"] == item["seq"]
        assert res["properties"]["quote"] == (f.get("evidence") or {}).get("quote")
    assert levels == {"error", "warning", "note"}


def test_junit_counts(outputs):
    result, _, root = outputs
    t, i = result["summary"]["tasks"], result["summary"]["indicators"]
    assert root.tag == "testsuites"
    assert int(root.get("tests")) == len(result["tasks"]) + len(result["indicators"])
    assert int(root.get("failures")) == t["滞后"] + t["严重滞后"] + i["不达预期"]
    assert int(root.get("skipped")) == t["待核实"] + i["待核实"]
    cases = root.findall(".//testcase")
    assert len(cases) == int(root.get("tests"))
    failing = next(item for item in result["tasks"] if item["status"] == "严重滞后")
    case = next(c for c in cases if c.get("name").startswith(f"{failing['id']} "))
    assert failing["status_reason"] in case.find("failure").get("message")
    props = {p.get("name"): p.get("value") for p in root.find("testsuite/properties")}
    assert props["rules_digest"] == result["rules_digest"] and props["data_digest"] == result["data_digest"]
    assert "timestamp" not in junit_xml(build_context(result)).decode()
