"""Indicator tables headed as other offices head them (hand-written layouts; Fuling's own are in
test_import_headers_content.py): each is imported and judged, none is skipped or left 待核实 for its layout.

What the layouts exercise: a target column named by the year's start (年初目标) or 预期 (年度预期); the unit in a
header's bracket (年度目标（%）) or only in the name's (地区生产总值（亿元）); an indicator table whose name column is
headed 项目 (only its growth column says what it is); a bare growth target beside a growth column in a money unit
(地区生产总值 | 亿元 | 6 | 1520.3 | 5.2: 6 is the growth, the level actual exceeds it 250 times)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli

openpyxl = pytest.importorskip("openpyxl")

ROWS = [  # name, unit, target, 1-9月 level, growth %, expected
    ("地区生产总值", "亿元", "6", "1520.3", "5.2", "符合预期"),
    ("规模以上工业增加值", "%", "8", "", "6.1", "不达预期"),
    ("固定资产投资", "%", "10", "", "-2.5", "不达预期"),
    ("社会消费品零售总额", "亿元", "7", "610.2", "6.8", "符合预期"),
    ("城镇新增就业", "万人", "2", "1.6", "", "符合时间节点要求"),
]
LAYOUTS = {
    "unit_column_and_rank": (["指标", "单位", "2024年目标", "1-9月", "增速(%)", "排名"],
                             lambda r: [r[0], r[1], r[2], r[3], r[4], "3"]),
    "unit_in_the_name": (["主要经济指标", "全年目标", "前三季度完成值", "同比增减（%）"],
                         lambda r: [f"{r[0]}（{r[1]}）", r[2], r[3], r[4]]),
    "start_of_year_target": (["序号", "指标名称", "计量单位", "年初目标", "本期完成", "增长%", "责任单位"],
                             lambda r: ["1", r[0], r[1], r[2], r[3], r[4], "区统计局"]),
    "headed_project": (["项目", "年度预期", "实际完成", "比上年±%"],
                       lambda r: [f"{r[0]}（{r[1]}）", r[2], r[3], r[4]]),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_an_unfamiliar_indicator_header_is_imported_and_judged(layout, tmp_path):
    header, row = LAYOUTS[layout]
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "指标"
    sheet.append(["2024年主要经济指标完成情况"])
    sheet.append(header)
    for r in ROWS:
        sheet.append(row(r))
    book, ws = tmp_path / f"{layout}.xlsx", tmp_path / "ws"
    wb.save(book)
    imported = run_cli("import", book, "--into", ws, "--region", "某区", "--year", "2024", "--period", "2024-09")
    assert imported.returncode == 0, imported.stderr
    assert "指标 5 行" in imported.stdout and "跳过" not in imported.stdout + imported.stderr
    checked = run_cli("check", ws, "--period", "2024-09", "--out", tmp_path / "out", "--format", "json")
    assert checked.returncode == 0, checked.stderr
    result = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    judged = {i["name"].split("（")[0]: i["status"] for i in result["indicators"]}
    assert judged == {name: expected for name, *_, expected in ROWS}


def test_a_unit_in_a_target_header_goes_with_its_bare_cells(tmp_path):  # hand-written
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["指标名称", "年度目标（亿元）", "上半年完成（亿元）"])
    sheet.append(["一般公共预算收入", "32", "17.1"])
    book, ws = tmp_path / "t.xlsx", tmp_path / "ws"
    wb.save(book)
    assert run_cli("import", book, "--into", ws, "--region", "某区", "--year", "2024", "--period", "2024-06").returncode == 0
    plan = (ws / "plan.yaml").read_text(encoding="utf-8")
    assert "annual_target_text: 32亿元" in plan
    assert "17.1亿元" in (ws / "progress" / "2024-06.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name, cell, text, direction", [  # hand-written: a bound beside a bare figure
    ("城镇调查失业率（%）", "5.5以内", "城镇调查失业率5.5%以内", "以内"),
    ("城镇调查失业率（%）", "不超过5.5", "城镇调查失业率不超过5.5%", "以内"),
    ("单位GDP能耗下降（%）", "3左右", "单位GDP能耗下降3%左右", "左右"),
    ("居民消费价格涨幅（%）", "3以下", "居民消费价格涨幅3%以下", "以内"),
    ("森林覆盖率（%）", "≥55", "森林覆盖率≥55%", None),
    ("一般公共预算收入（亿元）", "45", "一般公共预算收入45亿元", None),
])
def test_a_bound_around_a_bare_target_keeps_the_unit_after_the_figure(name, cell, text, direction):
    from engine import extract
    from engine.importing.merge import indicator_target_text
    assert indicator_target_text(name, cell) == text
    targets = [t for t in extract.read_targets(text) if t.get("quantity") is not None]
    assert targets and targets[0]["unit"] in ("%", "亿元")
    if direction:
        assert targets[0].get("direction") == direction


LEVELS = [  # hand-written: levels and ceilings, judged in September (name, unit, target, 1-9月, growth %, expected)
    ("森林覆盖率", "%", "55.5", "55.6", "", "符合预期"),
    ("空气质量优良天数比例", "%", "≥88", "86.3", "", "不达预期"),  # a rate is a level: not scaled by time (R-IN-14)
    ("城镇化率", "%", "72", "71.2", "", "不达预期"),
    ("PM2.5平均浓度", "微克/立方米", "35", "31", "", "符合预期"),  # lower is better: 35 is a ceiling
    ("居民消费价格涨幅", "%", "3左右", "0.4", "", "符合预期"),  # a ceiling, not a growth to reach
    ("城镇调查失业率", "%", "5.5", "5.9", "", "不达预期"),
    ("新增城镇就业", "万人", "2", "1.6", "", "符合时间节点要求"),  # a count accumulates: scaled by time
    ("全体居民人均可支配收入", "元", "增长6%", "38560", "5.8", "符合预期"),
]


def test_levels_and_ceilings_in_an_indicator_table_are_judged_as_such(tmp_path):
    book = tmp_path / "指标.xlsx"
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["指标名称", "单位", "年度目标", "1-9月完成", "同比增长（%）", "责任单位"])
    for row in LEVELS:
        sheet.append([*row[:5], "区统计局"])
    wb.save(book)
    ws, out = tmp_path / "ws", tmp_path / "out"
    assert run_cli("import", book, "--into", ws, "--region", "某区", "--year", "2024", "--period", "2024-09").returncode == 0
    checked = run_cli("check", ws, "--period", "2024-09", "--out", out, "--format", "json")
    assert checked.returncode == 0, checked.stderr
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert {i["name"].split("（")[0]: i["status"] for i in result["indicators"]} == {r[0]: r[-1] for r in LEVELS}


@pytest.mark.parametrize("name, cell, text", [  # hand-written: the lower the better, unless the name is a reduction
    ("城镇调查失业率（%）", "5.5", "城镇调查失业率5.5%以内"),
    ("居民消费价格涨幅（%）", "3左右", "居民消费价格涨幅3%以内"),
    ("PM2.5平均浓度（微克/立方米）", "35", "PM2.5平均浓度35微克/立方米以内"),
    ("单位地区生产总值能耗下降（%）", "3", "单位地区生产总值能耗下降3%"),
    ("城镇调查失业率（%）", "不低于5", "城镇调查失业率不低于5%"),
    ("森林覆盖率（%）", "55.5", "森林覆盖率55.5%"),
])
def test_a_ceiling_indicator_reads_its_bare_figure_as_the_ceiling(name, cell, text):
    from engine.importing.merge import indicator_target_text
    assert indicator_target_text(name, cell) == text


def test_fuling_2022_ceiling_and_rate_indicators_keep_their_readings(tmp_path):
    """Real text (Fuling's 2022 table, year end): 城镇调查失业率 ≤5.5 with 5% is within its ceiling; a rate at year end
    short of its target is R-IN-13 (R-IN-14 is for the months before December); a rate reached is R-IN-03."""
    from tests.conftest import FULING

    ws, out = tmp_path / "ws", tmp_path / "out"
    assert run_cli("import", FULING / "fuling_2022_indicators.xlsx", "--into", ws, "--region", "涪陵区", "--year", "2022",
                   "--period", "2022-12").returncode == 0
    assert run_cli("check", ws, "--period", "2022-12", "--out", out, "--format", "json").returncode == 0
    judged = {i["name"]: (i["status"], [f["rule"] for f in i["findings"]])
              for i in json.loads((out / "result.json").read_text(encoding="utf-8"))["indicators"]}
    assert judged["城镇调查失业率（%）"] == ("符合预期", ["R-IN-06"])
    assert judged["森林覆盖率（%）*"] == ("不达预期", ["R-IN-13"])
    assert judged["科技进步贡献率（%）"] == ("符合预期", ["R-IN-03"])
