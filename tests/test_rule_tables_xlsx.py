"""`duban rules export-table` / `import-table`: a decision table through Excel and back (engine/rulebook/table_xlsx.py)."""

import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.rulebook.load import load_rulebook
from engine.rulebook.diff import rules_diff

from .conftest import RULES

ROOT = RULES.parent
FULING = ROOT / "facts" / "fuling-2023"


@pytest.fixture
def rules(tmp_path):
    dest = tmp_path / "rules"
    shutil.copytree(RULES, dest)
    return dest


def export(rules, tmp_path, name="时序进度"):
    out = tmp_path / f"{name}.xlsx"
    result = CliRunner().invoke(main, ["rules", "export-table", name, str(rules), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def sheet_cells(path, name="时序进度"):
    ws = openpyxl.load_workbook(path)[name]
    header = [c.value for c in ws[1]]
    return ws, header, {row[0].value: {h: c for h, c in zip(header, row)} for row in ws.iter_rows(min_row=2)}


def test_export_is_one_row_per_band_with_drop_down_lists(rules, tmp_path):
    ws, header, rows = sheet_cells(export(rules, tmp_path))
    assert header == ["编号", "标题", "适用对象", "完成率", "未读子目标数", "领先时序", "落后时序", "时序进度", "目标类型", "状态",
                      "严重程度", "督办级别", "说明"]
    assert list(rows) == ["R-TP-01", "R-TP-07", "R-TP-02", "R-TP-03", "R-TP-04", "R-TP-05", "R-TP-08", "R-IN-03", "R-IN-14", "R-IN-04", "R-IN-05", "R-IN-13"]
    assert rows["R-IN-13"]["时序进度"].value == ">= 1.0" and rows["R-TP-04"]["时序进度"].value in (None, "")
    assert rows["R-TP-04"]["落后时序"].value == "({tolerance}, {severe_gap}]" and rows["R-TP-04"]["状态"].value == "滞后"
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["J"] == '"已完成,超时序,正常,滞后,严重滞后,待核实,已调整,符合预期,符合时间节点要求,不达预期"'
    assert lists["K"] == '"错误,警告,提示"' and lists["L"] == '"提醒,督办,约谈,通报,问责"' and lists["C"] == '"任务,指标"'


def test_unchanged_round_trip_writes_nothing(rules, tmp_path):
    before = {p.name: p.read_bytes() for p in (rules / "tables").iterdir()}
    for name in ("时序进度", "增速", "上限"):
        result = CliRunner().invoke(main, ["rules", "import-table", str(export(rules, tmp_path, name)), str(rules)])
        assert result.exit_code == 0 and f"决策表「{name}」没有变化" in result.output, result.output
    assert {p.name: p.read_bytes() for p in (rules / "tables").iterdir()} == before


EDGE_AT_0_1 = {"R-TP-03": "<= 0.1", "R-TP-04": "(0.1, {severe_gap}]", "R-TP-08": "<= 0.1"}  # tolerance 0.15 → 0.10


def _import_edge_edit(rules, tmp_path, rows_edited):
    """The tolerance edge typed as 0.1 into the 落后时序 cells of `rows_edited` in an exported 时序进度.xlsx, imported."""
    path = export(rules, tmp_path)
    wb = openpyxl.load_workbook(path)
    _, header, rows = sheet_cells(path)
    col = header.index("落后时序") + 1
    for row_id in rows_edited:
        wb["时序进度"].cell(rows[row_id]["落后时序"].row, col).value = EDGE_AT_0_1[row_id]
    wb.save(path)
    return CliRunner().invoke(main, ["rules", "import-table", str(path), str(rules)])


def test_one_threshold_edited_in_excel_changes_exactly_the_tasks_in_between(rules, tmp_path):
    """Tolerance 0.15 → 0.10 for tasks, typed into the three cells that share the edge (R-TP-03, R-TP-04 and the
    deadline row R-TP-08, whose outcome equals R-TP-04's, so it may also stay: next test); rules diff names the tasks
    whose 落后时序 lies in (0.10, 0.15] and that were 正常 by R-TP-03 — computed here from the old result's figures."""
    old = tmp_path / "old"
    shutil.copytree(rules, old)
    result = _import_edge_edit(rules, tmp_path, ("R-TP-03", "R-TP-04", "R-TP-08"))
    assert result.exit_code == 0, result.output
    assert "R-TP-03 落后时序：<= {tolerance} → <= 0.1" in result.output
    text = (rules / "tables" / "时序进度.yaml").read_text(encoding="utf-8")
    assert '落后时序: "<= 0.1"' in text or "落后时序: <= 0.1" in text
    assert text.startswith("# 时序进度：") and "fuling_seq_107" in text  # comments and examples kept

    diff = rules_diff(old, rules, FULING, "2023-09")
    before = {t["id"]: t for t in diff_result(old)["tasks"]}
    expected = sorted(i for i, t in before.items() if t["status"] == "正常" and 0.10 < t["metrics"].get("shortfall", -1) <= 0.15
                      and any(f["rule"] == "R-TP-03" for f in t["findings"]))
    assert expected, "the shipped example has tasks in the band"
    assert sorted(c["id"] for c in diff["changes"]) == expected
    assert all(c["status"] == ["正常", "滞后"] and c["rules_added"] == ["R-TP-04"] and c["rules_removed"] == ["R-TP-03"] for c in diff["changes"])


def diff_result(rules_dir):
    from engine.check import run_check

    return run_check(FULING, "2023-09", rules_dir, "vectorised").result


def test_one_edge_moved_alone_is_a_gap_named_on_the_sheet(rules, tmp_path):
    before = (rules / "tables" / "时序进度.yaml").read_bytes()
    path = export(rules, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws, header, rows = sheet_cells(path)
    wb["时序进度"].cell(rows["R-TP-03"]["落后时序"].row, header.index("落后时序") + 1).value = "<= 0.1"
    wb.save(path)
    result = CliRunner().invoke(main, ["rules", "import-table", str(path), str(rules)])
    assert result.exit_code == 2
    line = rows["R-TP-03"]["落后时序"].row
    assert "按表中的内容修改后，规则库将有以下错误，决策表未改动" in result.output
    assert f"工作表「时序进度」第 {line} 行（R-TP-03）：决策表「时序进度」有空档：任务，" in result.output, result.output
    assert (rules / "tables" / "时序进度.yaml").read_bytes() == before


def test_bad_cells_name_sheet_row_and_column(rules, tmp_path):  # hand-written mistakes a clerk makes
    path = export(rules, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws, header, rows = sheet_cells(path)
    sheet = wb["时序进度"]
    sheet.cell(rows["R-TP-04"]["落后时序"].row, header.index("落后时序") + 1).value = "(15%, 40%]"
    sheet.cell(rows["R-TP-05"]["落后时序"].row, header.index("落后时序") + 1).value = "=0.4"
    wb.save(path)
    result = CliRunner().invoke(main, ["rules", "import-table", str(path), str(rules)])
    assert result.exit_code == 2
    r4, r5 = rows["R-TP-04"]["落后时序"].row, rows["R-TP-05"]["落后时序"].row
    assert f"工作表「时序进度」第 {r4} 行「落后时序」列（G{r4}）：单元格「(15%, 40%]」中的「15%」应为数字或 {{参数名}}" in result.output
    assert f"工作表「时序进度」第 {r5} 行「落后时序」列（G{r5}）是公式「=0.4」" in result.output


def test_a_band_added_in_the_sheet_becomes_a_row(rules, tmp_path):
    path = export(rules, tmp_path, "上限")
    wb = openpyxl.load_workbook(path)
    ws = wb["上限"]
    header = [c.value for c in ws[1]]
    # hand-written: split 超出上限 > 0 into (0, 1] 滞后 and > 1 严重滞后
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == "R-LM-01":
            ws.cell(r, header.index("超出上限") + 1).value = "(0, 1]"
    ws.append({header.index(k) + 1: v for k, v in {"编号": "R-LM-03", "标题": "控制类目标大幅超出上限", "超出上限": "> 1",
                                                    "状态": "严重滞后", "严重程度": "错误", "说明": "实际值超出上限{超出上限:.2f}（「{引文}」）"}.items()})
    wb.save(path)
    result = CliRunner().invoke(main, ["rules", "import-table", str(path), str(rules)])
    assert result.exit_code == 0, result.output
    assert "R-LM-03 （新增一档）" in result.output
    book = load_rulebook(rules)
    lm03 = next(r for r in book.rules if r.id == "R-LM-03")
    assert lm03.status == "严重滞后" and lm03.message == "实际值超出上限{limit_excess:.2f}（「{quote}」）"
    assert lm03.table_row.number == 5  # the sheet's order is the table's order
    assert json.dumps([r.id for r in book.rules]).count("R-LM-") == 3


def test_an_edge_left_in_the_deadline_row_is_no_conflict(rules, tmp_path):
    """R-TP-08 (at the deadline) and R-TP-04 give the same outcome (滞后, 警告, 提醒): left at 0.15 while R-TP-03 and
    R-TP-04 move to 0.10, the two rows overlap harmlessly and the import takes the edit."""
    result = _import_edge_edit(rules, tmp_path, ("R-TP-03", "R-TP-04"))
    assert result.exit_code == 0, result.output
    assert "R-TP-03 落后时序：<= {tolerance} → <= 0.1" in result.output and "R-TP-08" not in result.output


def test_rules_diff_names_the_table_rows(rules, tmp_path):
    from engine.rulebook.diff import diff_text

    old = tmp_path / "old"
    shutil.copytree(rules, old)
    path = rules / "tables" / "时序进度.yaml"
    text = path.read_text(encoding="utf-8")
    # the first two "<= {tolerance}" cells are the task rows R-TP-03 and R-TP-08 (the third is the indicators')
    path.write_text(text.replace('"<= {tolerance}"', '"<= 0.1"', 2).replace('"({tolerance}, {severe_gap}]"', '"(0.1, {severe_gap}]"'),
                    encoding="utf-8")
    diff = rules_diff(old, rules, FULING, "2023-09")
    assert diff["table_rows"] == {"R-TP-03": "「时序进度」第 4 行", "R-TP-04": "「时序进度」第 5 行"}
    assert "新触发 R-TP-04（决策表「时序进度」第 5 行）；" in diff_text(diff) and "不再触发 R-TP-03（决策表「时序进度」第 4 行）" in diff_text(diff)
