"""A report written as numbered paragraphs, not a table (hand-written; Fuling's reports are tables and keep being
read as tables): every item is imported with its units, leaders and progress and judged."""

from __future__ import annotations

import json

import pytest

from engine.importing.prose import prose_table
from tests.conftest import run_cli

docx = pytest.importorskip("docx")

PARAGRAPHS = [  # hand-written
    "某区2024年政府工作报告重点任务前三季度推进情况",
    "一、扎实推进产业发展",
    "1.新建5G基站300个。（牵头单位：区经信委；责任领导：王副区长）",
    "进展情况：截至9月底，已建成5G基站240个。",
    "2.开工建设城北污水处理厂。（牵头单位：区住建委；配合单位：区规划自然资源局、区生态环境局）",
    "进展情况：受用地报批影响，项目尚未开工。",
    "存在问题：用地指标未落实。",
    "下步打算：积极向市级部门争取用地指标。",
    "二、持续改善民生",
    "（3）完成老旧小区改造30个。进展情况：已完成改造8个，其余正在施工。",
    "4.完成高标准农田建设1.5万亩。（责任单位：区农业农村委）",
    "1.5万亩已全部完成建设，并通过市级验收。",
]


def test_numbered_paragraphs_are_read_as_the_table_they_would_be():
    table = prose_table(PARAGRAPHS, "r.docx")
    assert table.location == "正文" and table.title == PARAGRAPHS[0]
    rows = table.rows[1:]
    assert [r[0] for r in rows] == ["1", "2", "3", "4"]  # "1.5万亩…" is prose, not item 1
    assert rows[0][1:] == ["一、扎实推进产业发展", "新建5G基站300个。", "王副区长", "区经信委", "", "截至9月底，已建成5G基站240个。"]
    assert rows[1][5] == "区规划自然资源局、区生态环境局"
    assert rows[1][6] == "受用地报批影响，项目尚未开工。存在问题：用地指标未落实。"  # 下步打算 left out
    assert rows[2][1:3] == ["二、持续改善民生", "完成老旧小区改造30个。"] and rows[2][6] == "已完成改造8个，其余正在施工。"
    assert rows[3][4] == "区农业农村委" and rows[3][6].startswith("1.5万亩已全部完成")
    assert table.ref(1) == "正文第3段"


def test_too_few_items_are_no_table():
    assert prose_table(["一、总体情况", "今年以来，各项工作有序推进。"], "r.docx") is None
    assert prose_table(["1.新建5G基站300个。", "2.开工建设城北污水处理厂。"], "r.docx") is None  # no progress at all


def test_a_prose_report_is_imported_and_judged(tmp_path):
    document = docx.Document()
    for text in PARAGRAPHS:
        document.add_paragraph(text)
    report, ws = tmp_path / "前三季度推进情况.docx", tmp_path / "ws"
    document.save(report)
    imported = run_cli("import", report, "--into", ws, "--region", "某区", "--year", "2024", "--period", "2024-09")
    assert imported.returncode == 0, imported.stderr
    assert "按编号段落读出 4 项" in imported.stdout + imported.stderr
    checked = run_cli("check", ws, "--period", "2024-09", "--out", tmp_path / "out", "--format", "json")
    assert checked.returncode == 0, checked.stderr
    tasks = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))["tasks"]
    assert [(t["seq"], t["status"]) for t in tasks] == [("1", "正常"), ("2", "滞后"), ("3", "严重滞后"), ("4", "已完成")]
    assert tasks[0]["lead_units"] == ["区经信委"] and tasks[0]["leaders"] == ["王副区长"]
