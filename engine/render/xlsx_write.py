"""ledger.xlsx written directly: the bytes openpyxl writes for the ledger's workbook (xlsx_openpyxl.ledger_workbook,
then repro.normalise_zip), without importing openpyxl (and numpy, which it imports) or making a cell object per
value. The fixed parts are openpyxl's own (xlsx_parts.py); tests/test_district_he_xlsx.py compares both writers on
the shipped example, hostile text and every kind of value.

Only what the ledger holds is written here: text, int, float and empty cells, with the ledger's named styles. A
value outside that (a bool, a date, text with characters openpyxl refuses or XML cannot hold) returns None, and the
caller writes the ledger with openpyxl as before, so what it does with such a value (an error, its own encoding)
stays exactly what it did."""

from __future__ import annotations

import io
import math
import re
import zipfile

from . import xlsx_parts as parts
from .repro import normalise_entry
from .xlsx import FORMULA_START, body_style, column_widths

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAX_TEXT = 32767  # openpyxl keeps the first 32,767 characters of a cell's text (Excel's limit)
# cell text openpyxl stores as it is and the writer can spell like lxml (below); anything else goes to openpyxl
_PLAIN_TEXT = re.compile("[\t\n\r\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
# document properties: printable characters only (lxml writes them as UTF-8, escaping & < >)
_PLAIN_PROPERTY = re.compile("[\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]+")

SHEET_HEAD = (f'<worksheet xmlns="{MAIN_NS}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
              '<pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="{dimension}"/><sheetViews><sheetView workbookViewId="0">'
              '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
              '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
              '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
SHEET_TAIL = ('</sheetData><autoFilter ref="{filter}"/><printOptions horizontalCentered="1"/>'
              '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
              '<pageSetup orientation="landscape" paperSize="9" fitToHeight="0" fitToWidth="1"/></worksheet>')
CORE = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
        '<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">{creator}</dc:creator>'
        '<dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">{title}</dc:title>'
        '<dc:description xmlns:dc="http://purl.org/dc/elements/1.1/">{description}</dc:description>'
        '<dc:subject xmlns:dc="http://purl.org/dc/elements/1.1/">{subject}</dc:subject>'
        '<dcterms:created xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        '<dcterms:modified xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        '<cp:lastModifiedBy>{lastModifiedBy}</cp:lastModifiedBy><cp:keywords>{keywords}</cp:keywords></cp:coreProperties>')
WORKBOOK_HEAD = (f'<workbook xmlns="{MAIN_NS}"><workbookPr/><workbookProtection/><bookViews><workbookView '
                 'visibility="visible" minimized="0" showHorizontalScroll="1" showVerticalScroll="1" showSheetTabs="1" '
                 'tabRatio="600" firstSheet="0" activeTab="0" autoFilterDateGrouping="1"/></bookViews><sheets>')
WORKBOOK_TAIL = '</definedNames><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
CT_HEAD = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
           '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
           '<Default Extension="xml" ContentType="application/xml"/>'
           '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
           '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
           '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
           '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>')
CT_SHEET = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
CT_TAIL = ('<Override PartName="/xl/workbook.xml" '
           'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
REL = '<Relationship Type="{REL_NS}/{kind}" Target="{target}" Id="rId{n}"/>'


def escape(text: str, quote: bool = False) -> str:
    """& < > (and " in an attribute) escaped, as lxml writes text in a UTF-8 document (xml.sax.saxutils.escape, whose
    module imports urllib.request: ~10 ms of start-up)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(text: str) -> str:
    """Text as lxml writes it in an ASCII-encoded stream (openpyxl's worksheet writer): & < > and carriage returns
    escaped, every other non-ASCII character as a numeric character reference."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text if text.isascii() else text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _number(value) -> str | None:
    if type(value) is int or type(value) is float:  # bool and the number-like types are openpyxl's to write
        return "" if math.isinf(value) or math.isnan(value) else "%.16g" % value
    return None


class _Styles:
    """Cell formats in the order openpyxl numbers them: the default first, then each (named style, quote prefix)
    as a cell first uses it."""

    def __init__(self):
        self.ids: dict[tuple[str, bool], str] = {}

    def id(self, style: str, quoted: bool) -> str:
        key = (style, quoted)
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = str(len(self.ids) + 1)
        return found

    def xml(self) -> str:
        xfs = [parts.XF[style].replace(' quotePrefix="0" ', ' quotePrefix="1" ') if quoted else parts.XF[style]
               for style, quoted in self.ids]
        return f'{parts.STYLES_HEAD}<cellXfs count="{len(xfs) + 1}">{parts.DEFAULT_XF}{"".join(xfs)}</cellXfs>{parts.STYLES_TAIL}'


def _sheet(title: str, headers: list[str], rows: list[list], kinds: list[str], status_col: int | None,
           classes: list[str] | None, styles: _Styles) -> str | None:
    letters = [column_letter(col) for col in range(1, len(headers) + 1)]
    texts: dict[str, str] = {}  # each distinct text spelt once (unit names, statuses, rule ids repeat)
    out = [SHEET_HEAD.replace("{dimension}", f"A1:{letters[-1]}{len(rows) + 1}"), "<cols>"]
    out += [f'<col width="{"%.16g" % float(width)}" customWidth="1" min="{col}" max="{col}"/>'
            for col, width in enumerate(column_widths(headers, rows, kinds), 1)]
    out.append("</cols><sheetData>")
    for r, values in enumerate([headers] + rows, 1):
        out.append(f'<row r="{r}">')
        for col, (letter, value) in enumerate(zip(letters, values), 1):
            if r == 1:
                style = "督办表头"
            else:
                style = body_style(value, kinds[col - 1], classes[r - 2] if status_col == col and classes else None)
            if isinstance(value, str):
                if type(value) is not str or not _PLAIN_TEXT.fullmatch(value):
                    return None
                if not value:
                    out.append(f'<c r="{letter}{r}" s="{styles.id(style, False)}" t="inlineStr"></c>')
                    continue
                value = value[:MAX_TEXT]
                spelt = texts.get(value)
                if spelt is None:
                    space = ' xml:space="preserve"' if value != value.strip() else ""
                    spelt = texts[value] = f"<is><t{space}>{cell_text(value)}</t></is></c>"
                out.append(f'<c r="{letter}{r}" s="{styles.id(style, value.startswith(FORMULA_START))}" t="inlineStr">')
                out.append(spelt)
            elif value is None:
                out.append(f'<c r="{letter}{r}" s="{styles.id(style, False)}" t="n"></c>')
            else:
                number = _number(value)
                if number is None:
                    return None
                out.append(f'<c r="{letter}{r}" s="{styles.id(style, False)}" t="n"><v>{number}</v></c>')
        out.append("</row>")
    out.append(SHEET_TAIL.replace("{filter}", f"A1:{letters[-1]}{max(len(rows) + 1, 2)}"))
    return "".join(out)


def _defined_names(index: int, title: str, columns: int, rows: int) -> str:
    quoted = "'" + escape(title.replace("'", "''")) + "'"
    return (f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            f"{quoted}!$A$1:${column_letter(columns)}${max(rows + 1, 2)}</definedName>"
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{quoted}!$1:$1</definedName>')


def workbook(sheets: list[tuple], properties: dict[str, str], when) -> bytes | None:
    """The ledger's bytes, or None when a value is one openpyxl has to write (the module doc)."""
    if any(type(v) is not str or not _PLAIN_PROPERTY.fullmatch(v) for v in properties.values()) or \
            any(type(spec[0]) is not str or not _PLAIN_PROPERTY.fullmatch(spec[0]) or not spec[1] for spec in sheets):
        return None
    styles = _Styles()
    written = []
    for spec in sheets:
        xml = _sheet(*spec, styles)
        if xml is None:
            return None
        written.append(xml)
    props = {name: escape(value) for name, value in properties.items()}
    core = CORE.format(when=when.strftime("%Y-%m-%dT%H:%M:%SZ"), **props)
    count = len(sheets)
    book = (WORKBOOK_HEAD
            + "".join(f'<sheet xmlns:r="{REL_NS}" name="{escape(spec[0], quote=True)}" sheetId="{n}" state="visible" '
                      f'r:id="rId{n}"/>' for n, spec in enumerate(sheets, 1))
            + "</sheets><definedNames>"
            + "".join(_defined_names(n, spec[0], len(spec[1]), len(spec[2])) for n, spec in enumerate(sheets))
            + WORKBOOK_TAIL)
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(REL.format(REL_NS=REL_NS, kind="worksheet", target=f"/xl/worksheets/sheet{n}.xml", n=n)
                      for n in range(1, count + 1))
            + REL.format(REL_NS=REL_NS, kind="styles", target="styles.xml", n=count + 1)
            + REL.format(REL_NS=REL_NS, kind="theme", target="theme/theme1.xml", n=count + 2) + "</Relationships>")
    types = CT_HEAD + "".join(CT_SHEET.format(n=n) for n in range(1, count + 1)) + CT_TAIL
    entries = [("docProps/app.xml", parts.APP), ("docProps/core.xml", core), ("xl/theme/theme1.xml", parts.THEME)]
    entries += [(f"xl/worksheets/sheet{n}.xml", xml) for n, xml in enumerate(written, 1)]
    entries += [("xl/styles.xml", styles.xml()), ("_rels/.rels", parts.ROOT_RELS), ("xl/workbook.xml", book),
                ("xl/_rels/workbook.xml.rels", rels), ("[Content_Types].xml", types)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name, body in entries:
            normalise_entry(zout, name, body.encode("utf-8"), when)
    return out.getvalue()
