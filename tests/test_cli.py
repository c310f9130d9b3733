"""The command-line contract: exit codes, result.json's shape, and nothing written on bad input."""

import json
import shutil

import pytest

from .conftest import RULES, run_cli

TASK_KEYS = {"id", "seq", "text", "lead_units", "status", "escalation", "findings"}
FINDING_KEYS = {"rule", "severity", "message", "evidence"}


@pytest.fixture(scope="module")
def checked(tmp_path_factory, fuling_ws):
    out = tmp_path_factory.mktemp("out")
    result = run_cli("check", fuling_ws, "--period", "2023-09", "--out", out)
    assert result.returncode == 0, result.stderr
    return out, json.loads((out / "result.json").read_text(encoding="utf-8")), result


def test_result_json_contract(checked):
    _, result, _ = checked
    for key in ("workspace", "period", "time_progress", "rules_digest", "tasks", "indicators", "summary"):
        assert key in result
    assert result["period"] == "2023-09" and result["time_progress"] == 0.75
    assert result["rules_digest"].startswith("sha256:")
    for item in result["tasks"] + result["indicators"]:
        assert TASK_KEYS <= item.keys()
        assert isinstance(item["seq"], str)
        for finding in item["findings"]:
            assert FINDING_KEYS <= finding.keys()
    assert sum(result["summary"]["tasks"].values()) == len(result["tasks"]) == 206
    assert sum(result["summary"]["indicators"].values()) == len(result["indicators"]) == 13


def test_memo_and_stdout(checked):
    out, result, proc = checked
    memo = (out / "memo.md").read_text(encoding="utf-8")
    from engine.render.context import build_context

    lagging = build_context(result).memo.counts.tasks_lagging  # per plan task, as the memo's 附件2 lists them
    assert lagging and f"{lagging}项推进较为滞后" in memo
    assert "已写出" in proc.stdout


def test_format_json_writes_only_result(tmp_path, fuling_ws):
    result = run_cli("check", fuling_ws, "--period", "2023-09", "--out", tmp_path, "--format", "json", "--engine", "vectorised")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_engines_agree_on_the_example(tmp_path, fuling_ws):
    outs = {}
    for engine in ("durable_rules", "vectorised"):
        out = tmp_path / engine
        assert run_cli("check", fuling_ws, "--period", "2023-09", "--out", out, "--format", "json", "--engine", engine).returncode == 0
        data = json.loads((out / "result.json").read_text(encoding="utf-8"))
        outs[engine] = [(t["id"], t["status"], [f["rule"] for f in t["findings"]]) for t in data["tasks"] + data["indicators"]]
    assert outs["durable_rules"] == outs["vectorised"]


def test_fail_on_lagging_exit_code(tmp_path, fuling_ws):
    result = run_cli("check", fuling_ws, "--period", "2023-09", "--out", tmp_path, "--format", "json", "--fail-on-lagging")
    assert result.returncode == 1


def test_missing_period_is_bad_input(tmp_path, fuling_ws):
    result = run_cli("check", fuling_ws, "--period", "2023-06", "--out", tmp_path)
    assert result.returncode == 2 and "2023-06" in result.stderr and "已有报告期：2023-09" in result.stderr
    assert not any(tmp_path.iterdir())


def test_malformed_facts_exit_2_and_nothing_written(tmp_path, fuling_ws):
    ws = tmp_path / "ws"
    shutil.copytree(fuling_ws, ws)
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.json").write_text("上一次的结果", encoding="utf-8")
    plan = ws / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("    lead_units:", "    lead_unit:", 1), encoding="utf-8")
    result = run_cli("check", ws, "--period", "2023-09", "--out", out)
    assert result.returncode == 2
    assert "plan.yaml:" in result.stderr and "lead_unit" in result.stderr and "是否想写「lead_units」" in result.stderr
    assert (out / "result.json").read_text(encoding="utf-8") == "上一次的结果"


def test_broken_yaml_names_the_line(tmp_path, fuling_ws):
    ws = tmp_path / "ws"
    shutil.copytree(fuling_ws, ws)
    progress = ws / "progress" / "2023-09.yaml"
    lines = progress.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5] + " : : ["
    progress.write_text("\n".join(lines), encoding="utf-8")
    result = run_cli("check", ws, "--period", "2023-09", "--out", tmp_path / "out")
    assert result.returncode == 2 and "2023-09.yaml:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_rule_with_a_typo_exit_2(tmp_path, fuling_ws):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "tables" / "时序进度.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('落后时序: "({tolerance}', '落后时续: "({tolerance}'), encoding="utf-8")
    line = path.read_text(encoding="utf-8").split("\n").index('    落后时续: "({tolerance}, {severe_gap}]"') + 1
    result = run_cli("check", fuling_ws, "--period", "2023-09", "--rules", rules, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert f"时序进度.yaml:{line}:5" in result.stderr and "未知的事实字段「落后时续」" in result.stderr and "落后时序" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_engine_and_format(tmp_path, fuling_ws):
    assert run_cli("check", fuling_ws, "--period", "2023-09", "--engine", "drools").returncode == 2
    assert run_cli("check", fuling_ws, "--period", "2023-09", "--format", "pdf").returncode == 2


def test_rules_test_command_runs_examples():
    result = run_cli("rules", "test")
    assert result.returncode == 0, result.stdout
    assert " passed, 0 failed" in result.stdout
