"""ledger.xlsx: sheets, frozen header, filters, status colours, widths — and text that looks like a formula stays text."""

from __future__ import annotations

import copy
import io
import zipfile

import openpyxl
import pytest

from engine.render.context import build_context
from engine.render.xlsx import ledger_xlsx

from .test_render_context import fuling_result  # noqa: F401  (shared fixture)

INJECTIONS = ['=HYPERLINK("http://evil.example/","点我")', "-1+2", "+1", "@SUM(A1:A2)"]
FILL = {"严重滞后": "FFC7CE", "滞后": "FFC7CE", "不达预期": "FFC7CE", "待核实": "FFEB9C"}


@pytest.fixture(scope="module")
def ledger(fuling_result):
    hostile = copy.deepcopy(fuling_result)
    for task, text in zip(hostile["tasks"], INJECTIONS):
        task["text"] = text
    hostile["tasks"][0]["progress_text"] = "=1+1"
    data = ledger_xlsx(build_context(hostile))
    return data, openpyxl.load_workbook(io.BytesIO(data)), hostile


def column(ws, header):
    heads = [c.value for c in ws[1]]
    return heads.index(header) + 1


def test_sheets_header_filter(ledger):
    _, wb, result = ledger
    assert wb.sheetnames == ["任务", "指标", "督查发现", "说明"]
    rows = {"任务": len(result["tasks"]), "指标": len(result["indicators"]),
            "督查发现": sum(len(x["findings"]) for x in result["tasks"] + result["indicators"])}
    for name, n in rows.items():
        ws = wb[name]
        assert ws.max_row == n + 1
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{n + 1}"
        assert all(c.font.b for c in ws[1])


def test_formula_like_text_is_stored_as_text(ledger):
    data, wb, _ = ledger
    ws = wb["任务"]
    col = column(ws, "工作任务")
    for row, text in enumerate(INJECTIONS, 2):
        cell = ws.cell(row=row, column=col)
        assert cell.value == text and cell.data_type == "s"
        assert cell.quotePrefix, "Excel keeps it text even after the cell is edited"
    progress = ws.cell(row=2, column=column(ws, "任务进展情况"))
    assert progress.value == "=1+1" and progress.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), f"{name} contains a formula"


def test_status_cells_are_coloured_by_class(ledger):
    _, wb, result = ledger
    for sheet, items in (("任务", result["tasks"]), ("指标", result["indicators"])):
        ws = wb[sheet]
        col = column(ws, "状态" if sheet == "任务" else "评价")
        seen = set()
        for row, item in enumerate(items, 2):
            cell = ws.cell(row=row, column=col)
            assert cell.value == item["status"]
            assert cell.fill.fgColor.rgb.endswith(FILL.get(item["status"], "C6EFCE")), (sheet, item["status"])
            seen.add(FILL.get(item["status"], "C6EFCE"))
        assert len(seen) == 3, f"{sheet}: the example has red, yellow and green rows"


def test_widths_fit_chinese(ledger):
    _, wb, _ = ledger
    ws = wb["任务"]
    width = lambda header: ws.column_dimensions[openpyxl.utils.get_column_letter(column(ws, header))].width  # noqa: E731
    assert width("工作任务") >= 40 and width("任务进展情况") >= 40
    assert width("序号") <= 12
    assert width("责任单位") >= 2 * len("区发展改革委")
    assert ws.cell(row=2, column=column(ws, "工作任务")).alignment.wrap_text


def test_numbers_stay_numbers(ledger):
    _, wb, result = ledger
    ws = wb["任务"]
    ratios = [ws.cell(row=r, column=column(ws, "完成率")).value for r in range(2, ws.max_row + 1)]
    assert any(isinstance(v, float) for v in ratios)
    assert ws.cell(row=2, column=column(ws, "完成率")).number_format in ("0%", "General")
    seqs = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert all(isinstance(s, int) for s in seqs if s is not None and str(s).isdigit())


def test_about_sheet_and_properties(ledger):
    _, wb, result = ledger
    about = {row[0].value: row[1].value for row in wb["说明"].iter_rows(min_row=2)}
    assert about["规则摘要"] == result["rules_digest"] and about["数据摘要"] == result["data_digest"]
    assert about["数据截至"] == result["as_of"]
    assert wb.properties.created == wb.properties.modified
    assert wb.properties.modified.date().isoformat() == result["as_of"]


def test_severity_is_chinese_and_sheets_print_landscape_with_the_header_repeated(ledger):
    _, wb, _ = ledger
    findings = wb["督查发现"]
    col = column(findings, "严重程度")
    values = {findings.cell(row=r, column=col).value for r in range(2, findings.max_row + 1)}
    assert values and values <= {"错误", "警告", "提示"}, values
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows in ("1:1", "$1:$1"), ws.title
