"""Read CSV and XLSX files into SourceTables (raw cell text, nothing interpreted yet)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from .errors import InputError
from .tables import SourceTable

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls / .doc (Office 97-2003)
MAX_TABLE_BYTES = 200 * 1024 * 1024


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
    head = path.read_bytes()[:8]
    if head == OLE_SIGNATURE or suffix in (".xls", ".doc", ".et", ".wps"):
        kind = "Word" if suffix in (".doc", ".wps") else "Excel"
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
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise InputError(f"CSV 格式错误：{exc}", file=str(path)) from None
    return SourceTable(source=str(path), location="CSV", rows=rows, row_refs=[f"第{i + 1}行" for i in range(len(rows))])


def read_xlsx(path: Path, sheet: str | None = None) -> list[SourceTable]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"无法打开 Excel 文件（文件损坏或不是 .xlsx）：{exc.__class__.__name__}", file=str(path)) from None
    try:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise InputError(f"找不到工作表「{sheet}」", file=str(path), hint=f"现有工作表：{'、'.join(names)}")
        tables = []
        for name in names:
            if sheet is not None and name != sheet:
                continue
            rows = [[_cell_text(v) for v in row] for row in workbook[name].iter_rows(values_only=True)]
            width = max((len(r) for r in rows), default=0)
            rows = [r + [""] * (width - len(r)) for r in rows]
            tables.append(SourceTable(source=str(path), location=f"工作表「{name}」", rows=rows,
                                      row_refs=[f"工作表「{name}」第{i + 1}行" for i in range(len(rows))]))
        return tables
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
