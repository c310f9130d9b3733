"""Excel 97-2003 workbooks (.xls), as many offices still save them from old Excel or WPS, read with xlrd.

Each sheet becomes the same rows the .xlsx reader gives: cell text, merged ranges repeated into every cell, trailing
empty cells and rows dropped, the same size budgets. Date cells read as 2023-06-30, as from .xlsx,
formula cells as their saved values, error cells as Excel shows them (#N/A). xlrd's own messages are English and
go only to the debug log; the user sees one Chinese sentence naming the file."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from ..errors import InputError
from .csv_xlsx import chosen_sheets, sheet_rows, sheet_table
from .tables import SourceTable
from .xlsx_layout import apply_merges

log = logging.getLogger(__name__)
BROKEN = "无法打开 Excel 97-2003 文件（文件损坏或不是 .xls）"
SAVE_AS = "请在 Excel/WPS 中打开该文件，“另存为” .xlsx 后再导入"


class _Sheet:
    """An xlrd sheet behind the one method csv_xlsx.sheet_rows reads (iter_rows)."""

    def __init__(self, sheet, datemode: int):
        self._sheet, self._datemode = sheet, datemode

    def iter_rows(self, values_only: bool = True):
        for r in range(self._sheet.nrows):
            yield tuple(self._value(cell) for cell in self._sheet.row(r))

    def _value(self, cell):
        import xlrd

        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate_as_datetime(cell.value, self._datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return cell.value  # a date cell whose number is no date: the number, as Excel would show ####
        if cell.ctype == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(cell.value, "#ERROR")
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return None
        return cell.value


def open_book(path: Path):
    """The workbook, or a Chinese InputError: encrypted, or not a readable .xls."""
    import xlrd

    try:
        return xlrd.open_workbook(str(path), formatting_info=True, logfile=io.StringIO(), verbosity=0)
    except Exception as exc:  # noqa: BLE001 - xlrd raises XLRDError, CompDocError, struct.error, IndexError, …
        log.debug("unreadable xls %s: %s: %s", path, type(exc).__name__, exc)
        if "encrypt" in str(exc).lower():
            raise InputError("文件设置了打开密码，无法读取", file=str(path),
                             hint="请在 Excel/WPS 中取消密码后另存，再导入") from None
        raise InputError(BROKEN, file=str(path), hint=SAVE_AS) from None


def read_xls(path: Path, sheet: str | None = None) -> list[SourceTable]:
    """Every worksheet of an .xls as a table (or the one --sheet names)."""
    book = open_book(path)
    try:
        tables = []
        for name in chosen_sheets(path, book.sheet_names(), sheet):
            worksheet = book.sheet_by_name(name)
            rows = sheet_rows(_Sheet(worksheet, book.datemode), str(path), f"工作表「{name}」")
            # xlrd's ranges are 0-based with exclusive ends; apply_merges takes the .xlsx reader's 1-based (col, row, col, row)
            apply_merges(rows, [(clo + 1, rlo + 1, chi, rhi) for rlo, rhi, clo, chi in worksheet.merged_cells])
            tables.append(sheet_table(path, name, rows, []))
        return tables
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a sheet xlrd opened but cannot walk is a broken file, said in Chinese
        log.debug("unreadable xls sheet %s: %s: %s", path, type(exc).__name__, exc)
        raise InputError(BROKEN, file=str(path), hint=SAVE_AS) from None
    finally:
        book.release_resources()
