"""What openpyxl's read-only mode does not give us: merged ranges and formula cells without a cached value.

Read-only mode (the only mode that keeps memory bounded on a large workbook) yields a merged range's value in
its top-left cell only, and None for a formula nobody has calculated. Both lose data silently: 牵头领导 merged
over five task rows would reach only the first task. One streaming pass over the sheet XML finds both; rows
and cells are cleared as they pass, so memory stays bounded by the number of merges, not the sheet size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from openpyxl.utils.cell import range_boundaries

from ..errors import InputError

MAX_MERGED_RANGES = 100_000  # a real table merges a few hundred ranges; more is a crafted file


@dataclass
class SheetLayout:
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_col, min_row, max_col, max_row), 1-based
    uncached_formulas: list[str] = field(default_factory=list)  # cell references such as "D7"


def scan_layout(source, path: str) -> SheetLayout:
    """Merged ranges and formula cells without a value, from a worksheet XML stream."""
    layout = SheetLayout()
    sheet_data = None
    for event, element in ET.iterparse(source, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "sheetData":
                sheet_data = element
            continue
        if tag == "c":
            formula = _child(element, "f")
            value = _child(element, "v")
            if formula is not None and (value is None or not (value.text or "").strip()):
                layout.uncached_formulas.append(element.get("r") or "?")
            element.clear()
        elif tag == "row":
            if sheet_data is not None:
                sheet_data.clear()  # drop the finished rows themselves, not just their cells: memory stays flat
            element.clear()
        elif tag == "mergeCell":
            if len(layout.merges) >= MAX_MERGED_RANGES:
                raise InputError(f"合并单元格过多（超过 {MAX_MERGED_RANGES:,} 处），拒绝读取", file=path,
                                 hint="请确认文件来源，或取消多余的合并后再导入")
            try:
                layout.merges.append(range_boundaries(element.get("ref") or ""))
            except (ValueError, TypeError):
                continue  # a malformed ref merges nothing; Excel itself ignores it
    return layout


def _child(element, name: str):
    for child in element:
        if child.tag.rpartition("}")[2] == name:
            return child
    return None


def apply_merges(rows: list[list[str]], merges: list[tuple[int, int, int, int]]) -> int:
    """Repeat each merged range's top-left text into every cell of the range, as the .docx reader does.
    Ranges are clipped to the rows and columns that hold data, so a merge over A1:XFD1048576 adds nothing
    beyond the table. Returns the number of cells filled."""
    filled = 0
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    for min_col, min_row, max_col, max_row in merges:
        if None in (min_col, min_row, max_col, max_row) or min_row > height or min_col > width:
            continue
        top = rows[min_row - 1]
        text = top[min_col - 1] if min_col - 1 < len(top) else ""
        if not text:
            continue
        for r in range(min_row - 1, min(max_row, height)):
            row = rows[r]
            last = min(max_col, width)
            if len(row) < last:
                row.extend([""] * (last - len(row)))
            for c in range(min_col - 1, last):
                if row[c] != text:  # Excel shows only the top-left value; a stale hidden value is not data
                    row[c] = text
                    filled += 1
    return filled
