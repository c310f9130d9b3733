"""Read CSV and XLSX files into SourceTables (raw cell text, nothing interpreted yet)."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from xml.etree import ElementTree as ET
from pathlib import Path

from .errors import InputError
from .tables import SourceTable

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls / .doc (Office 97-2003)
MAX_TABLE_BYTES = 200 * 1024 * 1024
# Budgets that keep a hostile or corrupt file from exhausting memory: a 2.5 MB .xlsx declaring
# <dimension ref="A1:XFD1048576"/> over a million empty <row/> elements expands to 17 billion cells.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000  # the largest real table is ~300 rows; 50,000-row tables still import
MAX_CELLS = 5_000_000


def read_tables(path: str | Path, sheet: str | None = None) -> list[SourceTable]:
    """Every table in a file, by extension; a clear Chinese error for formats we cannot read."""
    path = Path(path)
    if not path.exists():
        raise InputError("文件不存在", file=str(path))
    if path.is_dir():
        raise InputError("这是一个目录，不是表格文件", file=str(path))
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise InputError("文件过大（超过 200 MB）", file=str(path))
    suffix = path.suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_SIGNATURE and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P" in path.read_bytes():
        # Office 2007+ files with an open password are OLE containers too (EncryptedPackage stream)
        raise InputError("文件设置了打开密码，无法读取", file=str(path), hint="请在 Word/Excel/WPS 中取消密码后另存，再导入")
    if head == OLE_SIGNATURE or suffix in (".xls", ".doc", ".et", ".wps"):
        # by extension: a .doc renamed to .docx is still a Word file
        kind = "Word" if suffix in (".doc", ".docx", ".docm", ".dot", ".wps") else "Excel"
        new = ".docx" if kind == "Word" else ".xlsx"
        raise InputError(f"这是旧版 {kind} 97-2003 格式（{suffix or '无扩展名'}），无法直接读取", file=str(path),
                         hint=f"请在 {kind}/WPS 中“另存为”{new} 后再导入")
    if suffix == ".csv" or suffix == ".txt":
        return [read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix == ".docx":
        from .import_docx import read_docx_tables

        return read_docx_tables(path)
    raise InputError(f"不支持的文件类型「{suffix or '无扩展名'}」", file=str(path), hint="可导入 .xlsx、.csv、.docx")


def decode_text(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 — what WPS and old Excel export."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("无法识别文件编码（既不是 UTF-8 也不是 GB18030）", file=path, hint="请在 Excel/WPS 中另存为“CSV UTF-8”")


def read_csv(path: Path) -> SourceTable:
    text = decode_text(path.read_bytes(), str(path))
    if "\x00" in text:
        raise InputError("文件中含有空字符，不像是文本表格", file=str(path))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(16 * 1024 * 1024)
    rows, budget = [], _Budget(str(path))
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            rows.append([cell.strip() for cell in row])
            budget.add(len(row))
    except csv.Error as exc:
        raise InputError(f"CSV 格式错误：{exc}", file=str(path)) from None
    return SourceTable(source=str(path), location="CSV", rows=rows, row_refs=[f"第{i + 1}行" for i in range(len(rows))])


class _Budget:
    """Counts rows and cells as a table is read; refuses the file once it passes MAX_ROWS / MAX_CELLS."""

    def __init__(self, path: str):
        self.path, self.rows, self.cells = path, 0, 0

    def add(self, cells: int, rows: int = 1) -> None:
        self.rows, self.cells = self.rows + rows, self.cells + cells
        if self.rows > MAX_ROWS or self.cells > MAX_CELLS:
            raise InputError(f"表格过大（超过 {MAX_ROWS:,} 行或 {MAX_CELLS:,} 个单元格），拒绝读取", file=self.path,
                             hint="请确认文件来源，或把表格拆分后再导入")


# What a corrupt workbook raises from inside openpyxl/lxml/zlib — while opening or, in read-only mode,
# later while rows are iterated: all mean "this file cannot be read", never an internal error.
_BROKEN = (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, TypeError, AttributeError, IndexError,
           SyntaxError, EOFError, NotImplementedError, ET.ParseError)


def read_xlsx(path: Path, sheet: str | None = None) -> list[SourceTable]:
    import openpyxl

    broken = "无法打开 Excel 文件（文件损坏或不是 .xlsx）"
    try:
        with zipfile.ZipFile(path) as archive:  # declared sizes are enforced while inflating
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise InputError("Excel 文件解压后过大，拒绝读取", file=str(path), hint="请确认文件来源，或拆分后再导入")
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _BROKEN as exc:
        raise InputError(f"{broken}：{exc.__class__.__name__}", file=str(path)) from None
    try:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise InputError(f"找不到工作表「{sheet}」", file=str(path), hint=f"现有工作表：{'、'.join(names)}")
        tables = []
        for name in names:
            if sheet is not None and name != sheet:
                continue
            rows = _sheet_rows(workbook[name], str(path))
            width = max((len(r) for r in rows), default=0)
            rows = [r + [""] * (width - len(r)) for r in rows]
            tables.append(SourceTable(source=str(path), location=f"工作表「{name}」", rows=rows,
                                      row_refs=[f"工作表「{name}」第{i + 1}行" for i in range(len(rows))]))
        return tables
    except _BROKEN as exc:
        raise InputError(f"{broken}：{exc.__class__.__name__}", file=str(path)) from None
    finally:
        workbook.close()


def _sheet_rows(worksheet, path: str) -> list[list[str]]:
    """Cell text row by row. The sheet's declared <dimension> is not trusted (it pads every row to it),
    trailing empty cells and rows are dropped, and empty rows are only kept when text follows them."""
    if hasattr(worksheet, "reset_dimensions"):  # read-only worksheets; chart sheets have no rows
        worksheet.reset_dimensions()
    if not hasattr(worksheet, "iter_rows"):
        return []
    rows: list[list[str]] = []
    pending_empty, budget = 0, _Budget(path)
    for values in worksheet.iter_rows(values_only=True):
        row = [_cell_text(v) for v in values]
        while row and not row[-1]:
            row.pop()
        if not row:
            pending_empty += 1
            if pending_empty > MAX_ROWS:  # a million empty <row/>s with nothing after them: stop early
                raise InputError(f"工作表空行过多（超过 {MAX_ROWS:,} 行），拒绝读取", file=path,
                                 hint="表格下方很远处可能有多余的内容或格式，请在 Excel/WPS 中删除后再导入")
            continue
        budget.add(len(row), pending_empty + 1)
        rows.extend([] for _ in range(pending_empty))
        pending_empty = 0
        rows.append(row)
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
