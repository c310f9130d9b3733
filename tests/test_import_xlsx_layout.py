"""Merged cells, uncalculated formulas and over-wide rows in .xlsx (issue 15): no row may silently lose its
牵头领导 / 牵头单位 because the clerk merged the cell over several tasks, and no layout may crash the reader."""

from __future__ import annotations

import openpyxl
import pytest

from engine.errors import InputError
from engine.importing.csv_xlsx import MAX_CELLS, MAX_COLUMNS, read_tables

from .conftest import FULING, run_cli

FULING_TASKS = FULING / "fuling_2023_plan_tasks.xlsx"


def _merge_repeated_runs(source, dest, columns: tuple[str, ...]) -> int:
    """The Fuling table as a clerk often lays it out: each run of equal values down a column is one merged cell."""
    wb = openpyxl.load_workbook(source)
    ws = wb.active
    header = [c.value for c in ws[1]]
    merged = 0
    for name in columns:
        col = header.index(name) + 1
        row = 2
        while row <= ws.max_row:
            end = row
            value = ws.cell(row, col).value
            while end + 1 <= ws.max_row and value and ws.cell(end + 1, col).value == value:
                end += 1
            if end > row:
                for r in range(row + 1, end + 1):
                    ws.cell(r, col).value = None
                ws.merge_cells(start_row=row, start_column=col, end_row=end, end_column=col)
                merged += 1
            row = end + 1
    wb.save(dest)
    return merged


def test_fuling_table_with_merged_leader_columns_reads_like_the_unmerged_one(tmp_path):
    dest = tmp_path / "merged.xlsx"
    merged = _merge_repeated_runs(FULING_TASKS, dest, ("牵头领导", "牵头责任单位"))
    assert merged >= 20  # the real table repeats leaders over long runs of tasks
    assert read_tables(dest)[0].rows == read_tables(FULING_TASKS)[0].rows


def test_fuling_merged_import_gives_every_task_its_leader(tmp_path):
    dest = tmp_path / "merged.xlsx"
    _merge_repeated_runs(FULING_TASKS, dest, ("牵头领导", "牵头责任单位"))
    for name, source in (("merged", dest), ("plain", FULING_TASKS)):
        proc = run_cli("import", source, "--into", tmp_path / name, "--region", "涪陵区", "--year", "2023")
        assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "merged" / "plan.yaml").read_text(encoding="utf-8").count("leaders:") == \
        (tmp_path / "plain" / "plan.yaml").read_text(encoding="utf-8").count("leaders:")
    plain = (tmp_path / "plain" / "plan.yaml").read_text(encoding="utf-8").split("tasks:")[1]
    assert (tmp_path / "merged" / "plan.yaml").read_text(encoding="utf-8").split("tasks:")[1] == plain


def test_hand_written_layout_title_row_block_merges_and_merge_past_the_data(tmp_path):
    # hand-written: a merged title across the sheet, the header on row 3, two 3-row merges side by side, a stale hidden value
    # inside a merge, and a merge running far below the last row of data
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件1"
    ws["A1"] = "某某区2024年重点工作任务分解表"
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["分管领导", "责任单位", "编号", "工作任务", "时限"])
    ws.append(["王五", "区水利局", "一", "整治河道8公里", "年底前"])
    ws.append([None, None, "二", "新建泵站2座", None])
    ws.append([None, "过期的隐藏值", "三", "疏浚沟渠15公里", None])
    ws.append(["赵六", "区城管局", "四", "新建公厕20座", None])
    ws.merge_cells("A4:A6")
    ws.merge_cells("B4:B6")
    ws.merge_cells("E4:E7")
    ws.merge_cells("D8:D5000")  # below the data: adds no rows
    path = tmp_path / "block.xlsx"
    wb.save(path)
    rows = read_tables(path)[0].rows
    assert rows[0] == ["某某区2024年重点工作任务分解表"] * 5
    assert rows[1] == [""] * 5
    assert rows[3:7] == [["王五", "区水利局", "一", "整治河道8公里", "年底前"],
                         ["王五", "区水利局", "二", "新建泵站2座", "年底前"],
                         ["王五", "区水利局", "三", "疏浚沟渠15公里", "年底前"],
                         ["赵六", "区城管局", "四", "新建公厕20座", "年底前"]]
    assert len(rows) == 7


def test_uncalculated_formula_is_named_with_its_cell(tmp_path):
    # hand-written: openpyxl writes a formula with no cached value, as scripts and some online editors do
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["序号", "工作任务", "牵头单位"])
    ws.append(["1", "新建道路3公里", '=CONCATENATE("区","交通局")'])
    ws.append(["2", "改造老旧小区5个", "区住建委"])
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    table = read_tables(path)[0]
    assert table.rows[1] == ["1", "新建道路3公里", ""]
    assert table.warnings == ["工作表「任务」单元格 C2 是公式但没有计算结果，已按空白读取（请在 Excel/WPS 中打开该文件并保存一次，再导入）"]
    proc = run_cli("import", path, "--into", tmp_path / "ws", "--region", "测试区", "--year", "2023")
    assert proc.returncode == 0, proc.stderr
    assert "formula.xlsx 工作表「任务」单元格 C2 是公式但没有计算结果" in proc.stdout + proc.stderr


def test_fuling_cached_formulas_give_no_warning():
    assert read_tables(FULING_TASKS)[0].warnings == []


def test_a_stray_cell_at_column_xfd_is_refused_with_its_row(tmp_path):
    # hand-written: one stray note at the sheet's last column would pad every row to 16,384 cells
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务"])
    ws.append(["1", "新建道路3公里"])
    ws["XFD3"] = "备注"
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_tables(path)
    assert err.value.format() == (f"{path}: 工作表「Sheet」第3行有内容的列数为 16,384，超过 {MAX_COLUMNS:,} 列上限，拒绝读取"
                                  "（表格右侧很远处可能有多余的内容，请在 Excel/WPS 中删除后再导入）")


def test_many_rows_padded_to_a_wide_row_are_refused_before_padding(tmp_path):
    # hand-written: 6,000 one-cell rows and one row 999 columns wide: padding would make 6 million cells
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("宽表")
    ws.append(["x"] * 999)
    for i in range(6000):
        ws.append([str(i)])
    path = tmp_path / "ragged.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_tables(path)
    assert f"工作表「宽表」有 6,001 行 × 999 列，超过 {MAX_CELLS:,} 个单元格上限，拒绝读取" in err.value.format()


def test_wide_csv_row_is_refused_with_its_line(tmp_path):
    # hand-written
    path = tmp_path / "wide.csv"
    path.write_text("序号,工作任务\n1,新建道路3公里\n" + ",".join(["x"] * 1500) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_tables(path)
    assert f"{path}: 第3行有内容的列数为 1,500，超过 {MAX_COLUMNS:,} 列上限" in err.value.format()

