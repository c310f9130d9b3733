"""Read CSV and XLSX files into SourceTables (raw cell text, nothing interpreted yet)."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
import zlib
from xml.etree import ElementTree as ET
from pathlib import Path

from ..errors import InputError
from ..library_messages import broken_file, csv_problem
from ..store.input_gate import MAX_TABLE_BYTES, check_input_file, refuse_xml_doctype
from .tables import SourceTable
from .xlsx_layout import apply_merges, scan_layout

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls / .doc (Office 97-2003)
# Budgets that keep a hostile or corrupt file from exhausting memory: a 2.5 MB .xlsx declaring
# <dimension ref="A1:XFD1048576"/> over a million empty <row/> elements expands to 17 billion cells.
# All are listed in docs/reliability.md.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024  # xl/sharedStrings.xml unzipped: a 50,000-row table is ~10 MB
MAX_ROWS = 200_000  # the largest real table is ~300 rows; 50,000-row tables still import
MAX_CELLS = 5_000_000  # rows × columns once every row is padded to the table's width
MAX_COLUMNS = 1_000  # real tables have 5–20 columns; a stray cell at column XFD would pad every row to 16,384
MAX_CELL_CHARS = 2_000_000  # 60 times Excel's own 32,767; a 1 MB cell still imports (tests/test_fuzz_tables.py)


def read_tables(path: str | Path, sheet: str | None = None) -> list[SourceTable]:
    """Every table in a file, by extension; a clear Chinese error for formats we cannot read."""
    path = Path(path)
    check_input_file(path, MAX_TABLE_BYTES, "表格文件")  # before anything opens it: a FIFO would block, /dev/zero never end
    suffix = path.suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_SIGNATURE and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P" in path.read_bytes():
        # Office 2007+ files with an open password are OLE containers too (EncryptedPackage stream)
        raise InputError("文件设置了打开密码，无法读取", file=str(path), hint="请在 Word/Excel/WPS 中取消密码后另存，再导入")
    word = suffix in (".doc", ".docx", ".docm", ".dot", ".wps")  # by extension: a .doc renamed to .docx is still Word
    if (head == OLE_SIGNATURE or suffix == ".xls") and not word and suffix != ".et" and not head.startswith(b"PK"):
        from .xls import read_xls  # Excel 97-2003, also when saved under .xlsx; xlrd only when one comes

        return read_xls(path, sheet)
    if head == OLE_SIGNATURE or suffix in (".doc", ".et", ".wps"):
        what, app, new = ("旧版 Word 97-2003 格式", "Word", ".docx") if word else ("WPS 表格格式", "WPS", ".xlsx")
        raise InputError(f"这是{what}（{suffix or '无扩展名'}），无法直接读取", file=str(path),
                         hint=f"请在 {app} 中“另存为”{new} 后再导入")
    if suffix == ".xls":  # an .xlsx saved under .xls (zip inside)
        return read_xlsx(path, sheet)
    if suffix == ".csv" or suffix == ".txt":
        return [read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix == ".docx":
        from .docx import read_docx_tables

        return read_docx_tables(path)
    raise InputError(f"不支持的文件类型「{suffix or '无扩展名'}」", file=str(path), hint="可导入 .xlsx、.xls、.csv、.docx")


def decode_text(data: bytes, path: str) -> str:
    """UTF-16 when it says so by its BOM (Excel's "Unicode 文本" export, tab-separated), else UTF-8 (with or without
    BOM), then GB18030 — what WPS and old Excel export."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("文件开头标明是 UTF-16 编码，但内容无法按 UTF-16 读取", file=path,
                             hint="请在 Excel/WPS 中另存为“CSV UTF-8”") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("无法识别文件编码（既不是 UTF-8 也不是 GB18030）", file=path, hint="请在 Excel/WPS 中另存为“CSV UTF-8”")


def read_csv(path: Path) -> SourceTable:
    text = normalise_line_endings(decode_text(path.read_bytes(), str(path)))
    if "\x00" in text:
        raise InputError("文件中含有空字符，不像是文本表格", file=str(path))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(16 * 1024 * 1024)
    rows, budget = [], _Budget(str(path))
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            rows.append([cell.strip() for cell in row])
            budget.add(len(row), where=f"第{len(rows)}行")
            budget.check_cells(rows[-1], f"第{len(rows)}行")
    except csv.Error as exc:
        raise InputError(f"CSV 格式错误：{csv_problem(exc)}", file=str(path), line=reader.line_num or None) from None
    return SourceTable(source=str(path), location="CSV", rows=rows, row_refs=[f"第{i + 1}行" for i in range(len(rows))])


def normalise_line_endings(text: str) -> str:
    """CR-only (old Mac Excel) and mixed CR / CRLF / LF files read as LF: Python's csv refuses a bare CR
    ("new-line character seen in unquoted field"), though the clerk's file is a perfectly good table."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


class _Budget:
    """Counts rows and cells as a table is read; refuses the file once it passes MAX_ROWS / MAX_CELLS."""

    def __init__(self, path: str):
        self.path, self.rows, self.cells = path, 0, 0

    def add(self, cells: int, rows: int = 1, where: str = "") -> None:
        self.rows, self.cells = self.rows + rows, self.cells + cells
        if self.rows > MAX_ROWS or self.cells > MAX_CELLS:
            raise InputError(f"表格过大（超过 {MAX_ROWS:,} 行或 {MAX_CELLS:,} 个单元格），拒绝读取", file=self.path,
                             hint="请确认文件来源，或把表格拆分后再导入")
        if cells > MAX_COLUMNS:
            raise InputError(f"{where}有内容的列数为 {cells:,}，超过 {MAX_COLUMNS:,} 列上限，拒绝读取", file=self.path,
                             hint="表格右侧很远处可能有多余的内容，请在 Excel/WPS 中删除后再导入")

    def check_cells(self, row: list[str], where: str) -> None:
        for col, text in enumerate(row):
            if len(text) > MAX_CELL_CHARS:
                raise InputError(f"{where}第{col + 1}列的单元格有 {len(text):,} 个字符，超过 {MAX_CELL_CHARS:,} 字上限，拒绝读取",
                                 file=self.path, hint="请确认文件来源，或把过长的内容移到附件中")


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
            strings = next((i for i in archive.infolist() if i.filename.lower() == "xl/sharedstrings.xml"), None)
            if strings is not None and strings.file_size > MAX_SHARED_STRINGS_BYTES:
                # openpyxl holds every shared string in memory even in read-only mode: 170 MB of them took 1.3 GB
                raise InputError(f"Excel 文件中的文字总量过大（解压后 {strings.file_size / 1024 / 1024:.0f} MB，"
                                 f"上限 {MAX_SHARED_STRINGS_BYTES // 1024 // 1024} MB），拒绝读取", file=str(path),
                                 hint="请确认文件来源，或把表格拆分后再导入")
            refuse_xml_doctype(archive, path, "Excel")
        # openpyxl refuses a name not ending in .xlsx/.xlsm: an .xlsx saved as .xls is handed over as its bytes
        source = path if path.suffix.lower() in (".xlsx", ".xlsm") else io.BytesIO(path.read_bytes())
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except _BROKEN as exc:
        raise InputError(f"{broken}：{broken_file(exc, 'xlsx')}", file=str(path)) from None
    try:
        tables = []
        for name in chosen_sheets(path, workbook.sheetnames, sheet):
            worksheet = workbook[name]
            rows = sheet_rows(worksheet, str(path), f"工作表「{name}」")
            warnings = []
            if hasattr(worksheet, "_get_source"):  # read-only mode keeps neither merges nor a formula's absence
                with worksheet._get_source() as source:
                    layout = scan_layout(source, str(path))
                apply_merges(rows, layout.merges)
                warnings = _formula_warnings(name, layout.uncached_formulas)
            tables.append(sheet_table(path, name, rows, warnings))
        return tables
    except _BROKEN as exc:
        raise InputError(f"{broken}：{broken_file(exc, 'xlsx')}", file=str(path)) from None
    finally:
        workbook.close()


def chosen_sheets(path: Path, names: list[str], sheet: str | None) -> list[str]:
    """The sheets to read: all, or the one --sheet names (which must exist)."""
    if sheet is not None and sheet not in names:
        raise InputError(f"找不到工作表「{sheet}」", file=str(path), hint="现有工作表：" + "、".join(f"「{n}」" for n in names))
    return [name for name in names if sheet is None or name == sheet]


def sheet_table(path: Path, name: str, rows: list[list[str]], warnings: list[str]) -> SourceTable:
    """One worksheet's rows as a table, every row padded to the widest, within the cell budget."""
    width = max((len(r) for r in rows), default=0)
    if len(rows) * width > MAX_CELLS:
        raise InputError(f"工作表「{name}」有 {len(rows):,} 行 × {width:,} 列，超过 {MAX_CELLS:,} 个单元格上限，拒绝读取",
                         file=str(path), hint="请确认文件来源，或把表格拆分后再导入")
    for r in rows:
        r.extend([""] * (width - len(r)))
    return SourceTable(source=str(path), location=f"工作表「{name}」", rows=rows,
                       row_refs=[f"工作表「{name}」第{i + 1}行" for i in range(len(rows))], warnings=warnings)


def _formula_warnings(sheet: str, cells: list[str]) -> list[str]:
    """A formula saved by a program that never calculated it (a script, some online editors) has no value:
    the cell reads as empty, so say which cells, and how to get their values."""
    if not cells:
        return []
    shown = "、".join(cells[:10]) + (f" 等 {len(cells)} 个" if len(cells) > 10 else "")
    return [f"工作表「{sheet}」单元格 {shown} 是公式但没有计算结果，已按空白读取"
            f"（请在 Excel/WPS 中打开该文件并保存一次，再导入）"]


def sheet_rows(worksheet, path: str, where: str = "") -> list[list[str]]:
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
        budget.add(len(row), pending_empty + 1, f"{where}第{budget.rows + pending_empty + 1}行")
        budget.check_cells(row, f"{where}第{budget.rows}行")
        rows.extend([] for _ in range(pending_empty))
        pending_empty = 0
        rows.append(row)
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()  # a date cell (完成时限 2024/6/30) reads 2024-06-30, not 2024-06-30 00:00:00
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
