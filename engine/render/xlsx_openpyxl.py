"""The ledger written with openpyxl: what ledger.xlsx is when a value is one the direct writer (xlsx_write.py) leaves
to openpyxl, and the named styles, cells and sheets the roll-up workbook (rollup/report.py) is built from."""

from __future__ import annotations

import io
import weakref
from copy import copy

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from .repro import normalise_zip
from .xlsx import FILL_COLOURS, FORMULA_START, column_widths

THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def named_styles() -> list[NamedStyle]:
    """Every look a ledger cell can have, as named styles registered once per workbook: assigning a
    Font/Border/Alignment per cell makes openpyxl hash each object into its style tables (~1 s for a
    district ledger); a named style is looked up by name. Office users also see them in the style gallery."""
    def style(name, font, alignment, fill=None, number_format="General"):
        return NamedStyle(name=name, font=font, border=BORDER, alignment=alignment, number_format=number_format,
                          fill=fill or PatternFill())

    body, wide = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
    found = [style("督办表头", Font(name="黑体", bold=True), Alignment(horizontal="center", vertical="center"),
                   PatternFill("solid", fgColor="D9E1F2")),
             style("督办正文", Font(name="仿宋_GB2312"), body), style("督办正文换行", Font(name="仿宋_GB2312"), wide),
             style("督办百分比", Font(name="仿宋_GB2312"), body, number_format="0%")]
    found += [style(f"督办状态{colour}", Font(name="仿宋_GB2312"), body, PatternFill("solid", fgColor=rgb))
              for colour, rgb in FILL_COLOURS.items()]
    return found


_NAMED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # workbook → {style name: its NamedStyle}


def _named(ws, style: str):
    """The workbook's registered NamedStyle of that name, looked up once per workbook: `cell.style = name` searches
    the workbook's style names (a list built per call) for every cell."""
    found = _NAMED.setdefault(ws.parent, {})
    if style not in found:
        names = ws.parent._named_styles
        found[style] = names[style] if style in names.names else None
    return found[style]


def put(ws, row: int, col: int, value, style: str):
    cell = ws.cell(row=row, column=col)
    cell.value = value
    named = _named(ws, style)
    if named is None:
        cell.style = style  # a built-in style openpyxl registers on first use, or its own error for an unknown name
    else:
        cell._style = copy(named.as_tuple())  # exactly what openpyxl's `cell.style = name` assigns
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store a leading "=" as a formula
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    return cell


def sheet(wb, title: str, headers: list[str], rows: list[list], kinds: list[str], status_col: int | None = None,
          classes: list[str] | None = None):
    from .xlsx import body_style

    ws = wb.create_sheet(title)
    for col, head in enumerate(headers, 1):
        put(ws, 1, col, head, "督办表头")
    for r, values in enumerate(rows, 2):
        for col, (value, kind) in enumerate(zip(values, kinds), 1):
            put(ws, r, col, value, body_style(value, kind, classes[r - 2] if status_col == col and classes else None))
    ws.freeze_panes = "A2"
    print_setup(ws)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows) + 1, 2)}"
    for col, width in enumerate(column_widths(headers, rows, kinds), 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    return ws


def print_setup(ws) -> None:
    """Printed as offices print a ledger: A4 landscape, every column on the page width, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.horizontalCentered = True


def ledger_workbook(sheets: list, properties: dict, when) -> bytes:
    """The ledger's bytes as openpyxl writes them (then normalised: its zip entries carry the clock)."""
    wb = Workbook()
    wb.remove(wb.active)
    for style in named_styles():
        wb.add_named_style(style)
    for spec in sheets:
        sheet(wb, *spec)
    props = wb.properties
    for name, value in properties.items():
        setattr(props, name, value)
    props.created = props.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue(), when)  # openpyxl stamps "modified" with the clock at save
