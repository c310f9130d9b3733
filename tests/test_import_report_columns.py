"""Reports that split their prose into 工作进展 | 存在问题 | 下步打算, and indicator tables that give the growth its
own column (指标名称 | 单位 | 年度目标 | 1-10月完成 | 同比增长（%）): 存在问题 is part of the report (it is where many
reports say why a task lags), 下步打算 is named and left out of the judgement, a growth column becomes the
growth the rules compare."""

from __future__ import annotations

import json

import pytest

from engine.importing.headers import header_field
from engine.importing.rows import growth_sentence, report_text

from .conftest import FULING, run_cli
from .test_render_context import fuling_result  # noqa: F401  (shared fixture)

openpyxl = pytest.importorskip("openpyxl")


@pytest.mark.parametrize("header, field", [
    # hand-written spellings
    ("存在问题", "problems"), ("存在的问题", "problems"), ("困难和问题", "problems"), ("主要问题", "problems"),
    ("存在问题及原因", "problems"), ("存在问题及下步打算", "problems"), ("问题和下一步工作计划", "problems"),
    ("存在困难及下步措施", "problems"), ("下步打算", "next_steps"), ("下一步工作计划", "next_steps"),
    ("下步工作措施", "next_steps"), ("同比增长（%）", "growth"), ("增速", "growth"), ("1-10月增速（%）", "growth"),
    ("比上年增长(%)", "growth"), ("同比±%", "growth"),
    # other offices' headers (hand-written): cooperating units, schedules read as deadlines, results as progress
    ("参与单位", "coop_units"), ("协作部门", "coop_units"), ("进度安排", "deadline"), ("时间安排", "deadline"),
    ("完成节点", "deadline"), ("工作成效", "progress"), ("本期值", "progress"), ("实际值", "progress"),
    ("指标值", "annual_target"),
    # the report itself, with its problems or plans in the same column
    ("工作进展及存在问题", "progress"), ("进展情况和下步打算", "progress"),
    # an indicator's name met while scanning for the header row, and a target
    ("地区生产总值增速（%）", None), ("规上工业增加值增长（%）", None), ("增长目标", "text"),
])
def test_header_roles(header, field):
    assert header_field(header) == field


def test_growth_cells_read_as_the_report_would_write_them():  # hand-written
    assert growth_sentence("-3.4") == "同比下降3.4%"
    assert growth_sentence("5.1") == "同比增长5.1%"
    assert growth_sentence("+2") == "同比增长2%"
    assert growth_sentence("增长6.2%") == "增长6.2%"
    assert growth_sentence("3.0%") == "同比增长3.0%"


def test_report_text_joins_the_columns():  # hand-written
    assert report_text("已建成充电桩260个", "", "选址难、电力增容慢。", "") == "已建成充电桩260个。存在问题：选址难、电力增容慢。"
    assert report_text("1.05", "3.2", "", "万人") == "1.05万人。同比增长3.2%"
    assert report_text("", "-2.1", "", "%") == "同比下降2.1%"
    assert report_text("已完成。", "", "无", "") == "已完成。"
    assert report_text("5.1", "", "", "%") == "5.1%", "a bare figure takes the row's unit, growth column or not"
    assert report_text("5.1", "", "", "") == "5.1"
    assert report_text("", "", "", "") is None


@pytest.mark.parametrize("cell, problems", [  # hand-written 存在问题及下步打算 cells: the plans are cut off
    ("部分路段协调难度大，进度偏慢。下步将加强协调，确保年底完成。", "部分路段协调难度大，进度偏慢。"),
    ("1.资金未到位；2.下步打算：积极争取专项债券资金5亿元。", "1.资金未到位"),
    ("（一）存在问题：征地拆迁慢。（二）下步措施：加快征拆，力争完成20户。", "征地拆迁慢。"),
    ("下一步，加快施工进度，确保完成全年目标。", None),
    ("受雨季影响，下一步施工难度加大。", "受雨季影响，下一步施工难度加大。"),
    ("无。下阶段继续推进。", None),
])
def test_a_problems_and_plans_cell_keeps_only_the_problems(cell, problems):
    text = report_text("已完成5个。", "", cell, "")
    assert text == ("已完成5个。" if problems is None else f"已完成5个。存在问题：{problems}")


def _run(tmp_path, book, period, year):
    ws, out = tmp_path / "ws", tmp_path / "out"
    imported = run_cli("import", book, "--into", ws, "--region", "某区", "--year", year, "--period", period)
    assert imported.returncode == 0, imported.stderr
    checked = run_cli("check", ws, "--period", period, "--out", out, "--format", "json")
    assert checked.returncode == 0, checked.stderr
    return imported, json.loads((out / "result.json").read_text(encoding="utf-8"))


def test_fuling_problems_split_into_their_own_column_judge_the_same(tmp_path, fuling_result):
    """Fuling's Q3 report writes 存在问题：… inside the progress; the same words in a 存在问题 column must give the
    same statuses (序号 2, 12, 24, 77, 108, 201: 严重滞后 on growth, 滞后 on a 通报 or a stop, and one 正常)."""
    rows = []
    for task in fuling_result["tasks"]:
        text = task.get("progress_text") or ""
        for marker in ("存在问题：", "主要问题："):
            if marker in text:
                before, after = text.split(marker, 1)
                rows.append((task["seq"], task["text"], before, after, task["status"]))
                break
    assert len(rows) >= 6
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["序号", "重点任务", "牵头单位", "工作进展", "存在问题", "下步打算"])
    for seq, text, before, after, _ in rows:
        sheet.append([seq, text, "区发展改革委", before, after, "持续推进。"])
    book = tmp_path / "split.xlsx"
    wb.save(book)
    imported, result = _run(tmp_path, book, "2023-09", "2023")
    assert "「下步打算」是下步工作安排，不参与判定" in imported.stdout + imported.stderr
    judged = {t["seq"]: t["status"] for t in result["tasks"]}
    assert judged == {seq: status for seq, *_, status in rows}
    assert {"严重滞后", "滞后", "正常"} <= set(judged.values())


# hand-written: a district's 1-10月 monthly report, indicator figures in their own cells
INDICATORS = [  # 指标名称, 单位, 年度目标, 1-10月完成, 同比增长（%）, expected
    ("地区生产总值", "%", "6", "", "5.6", "符合预期"),
    ("社会消费品零售总额", "%", "8", "", "9.2", "符合预期"),
    ("规模以上工业增加值", "%", "7", "", "2.3", "不达预期"),
    ("外贸进出口总额", "%", "5", "", "-3.4", "不达预期"),
    ("新增城镇就业", "万人", "1.2", "1.05", "", "符合时间节点要求"),
]


def test_indicator_figures_in_their_own_columns_are_all_judged(tmp_path):
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "主要经济指标"
    sheet.append(["2025年主要经济指标完成情况（1-10月）"])
    sheet.append(["指标名称", "单位", "年度目标", "1-10月完成", "同比增长（%）", "责任单位"])
    for name, unit, target, done, growth, _ in INDICATORS:
        sheet.append([name, unit, target, done, growth, "区统计局"])
    book = tmp_path / "indicators.xlsx"
    wb.save(book)
    imported, result = _run(tmp_path, book, "2025-10", "2025")
    assert "无法识别" not in imported.stdout + imported.stderr
    judged = {i["name"].split("（")[0]: i["status"] for i in result["indicators"]}
    assert judged == {name: expected for name, *_, expected in INDICATORS}
    gdp = next(i for i in result["indicators"] if i["name"].startswith("地区生产总值"))
    assert gdp["metrics"]["growth_target"] == 6.0 and gdp["metrics"]["growth_actual"] == 5.6


def test_fuling_2022_growth_indicators_in_their_own_columns_judge_the_same(tmp_path):
    """Fuling's 2022 table writes the growth into the name (地区生产总值增速（%）｜6.5｜2.6); the same real figures laid
    out as many districts do (地区生产总值｜%｜6.5｜｜2.6 under 同比增长（%）) must give the same statuses, and a level
    in % (…比重（%）) keeps its figure in the 完成 column."""
    source = openpyxl.load_workbook(FULING / "fuling_2022_indicators.xlsx").active
    rows = [r for r in source.iter_rows(min_row=2, values_only=True) if r[1] and "（%）" in str(r[1])]
    assert sum("增速" in r[1] for r in rows) >= 4 and any("比重" in r[1] for r in rows)
    own, split = openpyxl.Workbook(), openpyxl.Workbook()
    own.active.append(["序号", "指标名称", "2022年预期目标", "2022年完成情况"])
    split.active.append(["序号", "指标名称", "单位", "年度目标", "全年完成", "同比增长（%）"])
    for seq, name, target, actual in rows:
        own.active.append([seq, name, target, actual])
        stem = str(name).replace("（%）", "")
        growth = "增速" in stem
        split.active.append([seq, stem.replace("增速", ""), "%", target, "" if growth else actual, actual if growth else ""])
    own.save(tmp_path / "own.xlsx")
    split.save(tmp_path / "split.xlsx")
    _, by_own = _run(tmp_path / "a", tmp_path / "own.xlsx", "2022-12", "2022")
    _, by_split = _run(tmp_path / "b", tmp_path / "split.xlsx", "2022-12", "2022")
    statuses = lambda result: [i["status"] for i in result["indicators"]]  # noqa: E731
    assert statuses(by_split) == statuses(by_own)
    grown = [i for i in by_split["indicators"] if i["metrics"].get("growth_actual") is not None]
    assert len(grown) == sum("增速" in r[1] or "增长" in r[1] for r in rows) and {i["status"] for i in grown} == {"符合预期", "不达预期"}
    # 单位GDP能耗降低 | % | 3.3: the name says what the figure is, so the target stays 降低3.3%, not a growth
    energy = next(i for i in by_split["indicators"] if i["name"].startswith("单位GDP能耗降低"))
    assert "增长" not in (energy.get("annual_target_text") or "") and "growth_target" not in energy["metrics"]
