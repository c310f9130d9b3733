"""Excel 97-2003 workbooks (.xls): read as the same tables their .xlsx would give — Fuling's real Q3 tables and the
hand-written quarterly district, saved as .xls (tests/fixtures/xls/README.md) — plus date and error cells, an .xls
saved under .xlsx (and the reverse), and a broken one refused in Chinese."""

from __future__ import annotations

import shutil

import pytest

from engine.errors import InputError
from engine.importing.csv_xlsx import read_tables
from tests.conftest import FIXTURES, FULING, run_cli

from .english import english_words

pytest.importorskip("xlrd")
XLS = FIXTURES / "xls"


def _facts(tmp_path, name, books, period, year, region):
    ws = tmp_path / name
    imported = run_cli("import", *books, "--into", ws, "--region", region, "--year", year, "--period", period)
    assert imported.returncode == 0, imported.stderr
    texts = [(ws / "plan.yaml").read_text(encoding="utf-8"), (ws / "progress" / f"{period}.yaml").read_text(encoding="utf-8")]
    for book in books:  # the source file's name is the one expected difference
        texts = [t.replace(book.name, "<source>") for t in texts]
    return texts, imported.stdout + imported.stderr


def test_fuling_tables_saved_as_xls_import_to_the_same_facts(tmp_path):
    names = ("fuling_2023q3_tasks", "fuling_2023q3_indicators")
    xls, said = _facts(tmp_path, "xls", [XLS / f"{n}.xls" for n in names], "2023-09", "2023", "涪陵区")
    xlsx, _ = _facts(tmp_path, "xlsx", [FULING / f"{n}.xlsx" for n in names], "2023-09", "2023", "涪陵区")
    assert xls == xlsx
    assert "任务 206 行" in said and "指标 13 行" in said


def test_a_two_row_merged_header_saved_as_xls_reads_as_its_xlsx(tmp_path):
    from tests.acceptance.test_other_district_quarterly_xlsx import _workbook

    book = tmp_path / "quarterly_district.xlsx"
    _workbook(book)
    xls, said = _facts(tmp_path, "xls", [XLS / "quarterly_district.xls"], "2025-09", "2025", "某区")
    xlsx, _ = _facts(tmp_path, "xlsx", [book], "2025-09", "2025", "某区")
    assert xls == xlsx, "re-save the workbook the acceptance test builds as .xls (tests/fixtures/xls/README.md)"
    assert "（两行表头）：任务 18 行" in said


def test_date_cells_read_as_dates_and_error_cells_as_excel_shows_them():
    rows = read_tables(XLS / "dates.xls")[0].rows
    assert rows[1][3] == "2024-06-30" and rows[2][3] == "2024-12-31"
    assert rows[1][5] == "#N/A"
    assert rows[1][0] == "1", "a whole number reads without .0, as from .xlsx"


def test_a_date_cell_deadline_sets_the_month_due(tmp_path):
    ws = tmp_path / "ws"
    assert run_cli("import", XLS / "dates.xls", "--into", ws, "--region", "某区", "--year", "2024",
                   "--period", "2024-06").returncode == 0
    plan = (ws / "plan.yaml").read_text(encoding="utf-8")
    assert "deadline: '2024-06-30'" in plan
    checked = run_cli("explain", ws, "--period", "2024-06", "T001")
    assert checked.returncode == 0, checked.stderr


def test_the_sheet_option_picks_one_sheet_of_an_xls():
    tables = read_tables(XLS / "quarterly_district.xls", sheet="主要指标")
    assert [t.location for t in tables] == ["工作表「主要指标」"]
    with pytest.raises(InputError) as err:
        read_tables(XLS / "quarterly_district.xls", sheet="附件9")
    assert "找不到工作表「附件9」" in str(err.value) and "「重点任务」" in str(err.value)


@pytest.mark.parametrize("source, saved_as", [
    (XLS / "dates.xls", "dates.xlsx"),  # an .xls saved under .xlsx
    (FULING / "fuling_2023q3_indicators.xlsx", "indicators.xls"),  # and an .xlsx under .xls
])
def test_the_content_not_the_extension_decides_the_reader(tmp_path, source, saved_as):
    renamed = tmp_path / saved_as
    shutil.copyfile(source, renamed)
    assert [t.rows for t in read_tables(renamed)] == [t.rows for t in read_tables(source)]


@pytest.mark.parametrize("cut", [512, 4096])
def test_a_broken_xls_is_refused_in_chinese(tmp_path, cut):
    broken = tmp_path / "坏表.xls"
    broken.write_bytes((XLS / "fuling_2023q3_tasks.xls").read_bytes()[:cut])
    result = run_cli("import", broken, "--into", tmp_path / "ws", "--region", "某区", "--year", "2023")
    assert result.returncode == 2
    assert "坏表.xls" in result.stderr and "无法打开 Excel 97-2003 文件" in result.stderr and "另存为" in result.stderr
    assert english_words(result.stderr) == [], result.stderr
    assert not (tmp_path / "ws" / "plan.yaml").exists()
