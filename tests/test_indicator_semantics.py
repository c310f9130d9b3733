"""Indicator targets end to end, from an imported table: growth with 左右 / 以上, cumulative
quantities pro-rated by 时序进度, upper limits (以内), and qualitative targets."""

import json

import pytest

from .conftest import run_cli

ROWS = [
    ("1", "地区生产总值增长（%）", "前三季度，地区生产总值同比增长5.4%", "6%左右"),
    ("2", "固定资产投资增长（%）", "前三季度，固定资产投资同比增长5.4%", "6%以上"),
    ("3", "城镇调查失业率（%）", "9月末城镇调查失业率为5.2%", "5.5%以内"),
    ("4", "城区空气质量优良天数", "前三季度，空气质量优良天数达到228天", "330天"),
    ("5", "节能减排约束性指标", "各项工作有序推进，预计能够完成市上下达任务", "完成市上下达任务"),
    ("6", "规上工业能耗增速（%）", "前三季度，规上工业能耗同比增长12.5%", "2.16%以内"),
    ("7", "进出口总额增长（%）", "前三季度，外贸进出口总额同比下降11.7%", "5%"),
    ("8", "新增城镇就业（万人）", "前三季度，全区城镇新增就业18591人", "2万人"),
]
EXPECTED = {"1": "符合预期", "2": "不达预期", "3": "符合预期", "4": "符合时间节点要求", "5": "符合时间节点要求",
            "6": "不达预期", "7": "不达预期", "8": "符合时间节点要求"}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ind")
    table = tmp / "indicators.csv"
    lines = ["序号,指标名称,完成情况,全年目标,牵头责任单位"] + [",".join(r) + ",区统计局" for r in ROWS]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws = tmp / "ws"
    assert run_cli("import", table, "--into", ws, "--region", "某区", "--year", "2024", "--period", "2024-09").returncode == 0
    out = tmp / "out"
    proc = run_cli("check", ws, "--period", "2024-09", "--out", out, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return {i["seq"]: i for i in json.loads((out / "result.json").read_text(encoding="utf-8"))["indicators"]}


@pytest.mark.parametrize("seq", sorted(EXPECTED))
def test_indicator_status(result, seq):
    item = result[seq]
    assert item["status"] == EXPECTED[seq], (item["name"], item["status_reason"], item["metrics"])


def test_employment_is_scaled_not_9295_times(result):
    assert result["8"]["metrics"]["ratio"] == pytest.approx(0.9296, abs=0.001)
