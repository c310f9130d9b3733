"""`duban audit` as a click command (the lead registers it with main.add_command(audit_cmd)): exit codes,
the terminal checklist, the output files and their contracts."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import click
import pytest
from click.testing import CliRunner

from engine.audit.command import audit_cmd

from .test_audit_checks import PERIOD, make_ws


@click.group()
def cli():
    """A stand-in for engine.cli.main."""


cli.add_command(audit_cmd)


def invoke(*args):
    return CliRunner().invoke(cli, ["audit", *map(str, args)])


@pytest.fixture(scope="module")
def clean_ws(tmp_path_factory):
    return make_ws(tmp_path_factory.mktemp("clean") / "ws", [
        {"id": "T001", "text": "地区生产总值增长6.5%。", "progress": "前三季度，GDP同比增长7.6%，超过年度目标。"}])


@pytest.fixture(scope="module")
def typo_ws(tmp_path_factory):
    return make_ws(tmp_path_factory.mktemp("typo") / "ws", [
        {"id": "T001", "text": "地区生产总值增长6.5%。", "progress": "前三季度，GDP同比增长7.6%，己完成年度目标。"},
        {"id": "T002", "text": "工业投资增长12%。", "progress": "截至8月末，工业投资同比增长14.2％，技改投资占比41.3%。"}])


@pytest.fixture(scope="module")
def warn_ws(tmp_path_factory):
    return make_ws(tmp_path_factory.mktemp("warn") / "ws", [
        {"id": "T001", "text": "地区生产总值增长6.5%。", "progress": "截至8月末，GDP同比增长7.6%。"}])


def test_exit_0_without_errors(clean_ws, tmp_path):
    result = invoke(clean_ws, "--period", PERIOD, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "错误 0" in result.output
    data = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert data["workspace"] == "ws" and data["period"] == PERIOD and data["summary"]["error"] == 0


def test_exit_1_with_errors_and_the_checklist(typo_ws, tmp_path):
    result = invoke(typo_ws, "--period", PERIOD, "--out", tmp_path, "--format", "json,junit,sarif")
    assert result.exit_code == 1, result.output
    assert "【错误】" in result.output and "【警告】" in result.output
    line = next(x for x in result.output.splitlines() if "A-TX-01" in x)
    assert line.strip().startswith("任务 T001（序号1） · A-TX-01 · ") and "「" in line and "建议：改为「已」" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.json", "audit.junit.xml", "audit.sarif"]


def test_audit_json_contract(typo_ws, tmp_path):
    invoke(typo_ws, "--period", PERIOD, "--out", tmp_path)
    data = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert set(data) >= {"workspace", "period", "findings", "summary"}
    for f in data["findings"]:
        assert set(f) >= {"check", "severity", "target", "quote", "message", "suggestion"}
        assert f["severity"] in ("error", "warn", "info")
        assert f["target"]["kind"] in ("task", "indicator", "memo") and "id" in f["target"] and "seq" in f["target"]
    assert data["summary"]["error"] == sum(f["severity"] == "error" for f in data["findings"])
    assert {"A-TX-01", "A-DT-01", "A-NU-03"} <= set(data["summary"]["by_check"])


def test_junit_and_sarif(typo_ws, tmp_path):
    invoke(typo_ws, "--period", PERIOD, "--out", tmp_path, "--format", "junit,sarif")
    suite = ET.parse(tmp_path / "audit.junit.xml").getroot()
    assert suite.tag == "testsuite" and int(suite.get("failures")) >= 3
    assert suite.find("testcase/failure") is not None
    assert any(c.get("classname") == "A-TX-04" and c.find("failure") is None for c in suite.iter("testcase"))
    sarif = json.loads((tmp_path / "audit.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    result = next(r for r in run["results"] if r["ruleId"] == "A-TX-01")
    assert result["level"] == "error" and rule_ids[result["ruleIndex"]] == "A-TX-01"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == f"progress/{PERIOD}.yaml" and location["region"]["startLine"] > 1


def test_warnings_fail_only_on_request(warn_ws):
    assert invoke(warn_ws, "--period", PERIOD).exit_code == 0
    assert invoke(warn_ws, "--period", PERIOD, "--fail-on-warn").exit_code == 1


def test_info_is_hidden_unless_asked(tmp_path):
    ws = make_ws(tmp_path / "ws", [{"id": "T001", "text": "确保粮食产量稳定在44万吨。", "progress": "前三季度，总产量 33万吨。"}])
    hidden = invoke(ws, "--period", PERIOD).output
    assert "【提示】" in hidden and "提示项未列出" in hidden and "A-NU-05" not in hidden
    assert "A-NU-05" in invoke(ws, "--period", PERIOD, "--show-info").output


@pytest.mark.parametrize("args, words", [
    (("--period", "2023-13"), ["--period"]),
    (("--period", "2023-06"), ["2023-06", "进展文件"]),
    (("--period", PERIOD, "--format", "pdf"), ["pdf"]),
    (("--period", PERIOD, "--memo", "nowhere.md"), ["找不到报告文件"]),
    (("--period", PERIOD, "--audit-rules", "nowhere"), ["审核词表目录不存在"]),
])
def test_exit_2_on_bad_input(clean_ws, tmp_path, args, words):
    result = invoke(clean_ws, *args, "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output
    assert result.output.startswith("错误：")
    assert not (tmp_path / "out").exists()  # nothing written on bad input


def test_missing_workspace_exits_2(tmp_path):
    result = invoke(tmp_path / "nothing", "--period", PERIOD)
    assert result.exit_code == 2 and "工作区目录不存在" in result.output


def test_broken_audit_rules_exit_2(clean_ws, tmp_path):
    import shutil

    from engine.audit.patterns import default_audit_dir

    folder = tmp_path / "audit"
    shutil.copytree(default_audit_dir(), folder)
    (folder / "typos.yaml").write_text("patterns:\n  - {id: X, find: 甲, severity: nope, message: m, must_fire: [甲]}\n",
                                       encoding="utf-8")
    result = invoke(clean_ws, "--period", PERIOD, "--audit-rules", folder)
    assert result.exit_code == 2 and "typos.yaml" in result.output and "X" in result.output
