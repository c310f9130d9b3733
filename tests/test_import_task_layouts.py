"""Task tables headed as other offices head them (hand-written layouts; Fuling's are in test_import_headers_content.py):
every column is read or named, and every task is judged as an office would.

What the layouts exercise: a 完成进度（%） column (the unit's own share, written into the report as 完成进度64%);
the aims in their own column beside the task's name (工作事项 | 具体目标, 任务名称 | 目标要求) — a milestone there too;
责任科室 for the unit; a short report on a milestone (主体结构已封顶, R-ST-07)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli

openpyxl = pytest.importorskip("openpyxl")

TASKS = [  # aim, progress, 完成进度, 存在问题, official call
    ("新建5G基站500个", "已建成5G基站320个", "64", "", "正常"),
    ("建成区文化馆新馆", "主体结构已封顶", "", "", "正常"),
    ("完成老旧小区改造30个", "已完成改造8个", "26.7", "资金到位慢", "滞后"),
    ("开工建设城北污水处理厂", "项目尚未开工", "0", "用地报批未完成", "滞后"),
    ("深化国资国企改革", "完成3家国企整合重组，印发《国企改革三年行动方案》", "", "", "正常"),
]
LAYOUTS = {
    "percent_done_and_problems": (["序号", "重点工作", "责任领导", "牵头单位", "协办单位", "完成时限", "1-9月进展", "完成进度（%）", "存在问题"],
                                  lambda n, t: [n, t[0], "张三", "区发改委", "区财政局", "2024年12月", t[1], t[2], t[3]]),
    "aims_beside_the_item": (["序号", "工作事项", "具体目标", "分管领导", "责任科室", "推进情况"],
                             lambda n, t: [n, "重点工作", t[0], "李四", "综合科", t[1]]),
    "aims_first": (["目标要求", "任务名称", "进展情况", "进度"],
                   lambda n, t: [t[0], "任务" + n, t[1], (t[2] + "%") if t[2] else ""]),
}
CALLS = {"正常": {"正常", "超时序", "已完成"}, "滞后": {"滞后", "严重滞后"}}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_an_unfamiliar_task_header_is_read_and_judged(layout, tmp_path):
    header, row = LAYOUTS[layout]
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["2024年重点工作推进情况"])
    sheet.append(header)
    for n, task in enumerate(TASKS, start=1):
        sheet.append(row(str(n), task))
    book, ws = tmp_path / f"{layout}.xlsx", tmp_path / "ws"
    wb.save(book)
    imported = run_cli("import", book, "--into", ws, "--region", "某区", "--year", "2024", "--period", "2024-09")
    assert imported.returncode == 0, imported.stderr
    assert "无法识别" not in imported.stdout + imported.stderr and "只导入了" not in imported.stdout + imported.stderr
    checked = run_cli("check", ws, "--period", "2024-09", "--out", tmp_path / "out", "--format", "json")
    assert checked.returncode == 0, checked.stderr
    tasks = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))["tasks"]
    assert [t["status"] in CALLS[official] for t, (*_, official) in zip(tasks, TASKS)] == [True] * len(TASKS), \
        [(t["status"], official) for t, (*_, official) in zip(tasks, TASKS)]


def test_a_second_column_read_as_the_same_field_is_named(tmp_path):  # hand-written
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["序号", "重点任务", "工作内容", "进展情况"])
    sheet.append(["1", "推进城市更新", "改造老旧小区30个", "已完成改造12个"])
    book = tmp_path / "t.xlsx"
    wb.save(book)
    imported = run_cli("import", book, "--into", tmp_path / "ws", "--region", "某区", "--year", "2024", "--period", "2024-09")
    assert imported.returncode == 0, imported.stderr
    assert "第3列「工作内容」与第2列「重点任务」都读作「目标任务」，只导入了第2列" in imported.stdout + imported.stderr
