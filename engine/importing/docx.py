"""Read every table of a Word .docx into neutral SourceTables (engine/importing/tables.py).

Only cell text is produced here; header recognition and column mapping happen
downstream from the rows. The XML is walked with lxml directly because
python-docx's row.cells / cell.text re-run XPath per cell and get slow on long
tables; merges are resolved on the table grid so every row has the same width.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from engine.errors import InputError
from engine.store.input_gate import refuse_xml_doctype
from engine.library_messages import broken_file
from engine.importing.prose import prose_table
from engine.importing.tables import SourceTable

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (
    _W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml")
)
_VAL = _W + "val"
# run content → text, as python-docx's Run.text does
_TEXT_CHARS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
# never read: deleted revisions, properties, and text boxes / drawings (their text
# is not cell content and mc:AlternateContent would repeat it twice)
_SKIP = {_W + t for t in ("del", "moveFrom", "pPr", "rPr", "drawing", "pict", "object", "txbxContent")}
_SKIP.add(_MC + "AlternateContent")
_MAX_XML_BYTES = 200 * 1024 * 1024  # refuse zip bombs before python-docx inflates them

# "附件2" / "附件 2" / "附件２" / "附件二" / "表1"; "附件 2023年…" is not a number
_CAPTION = re.compile(
    r"^(附件|表)\s*(?:([0-9０-９]{1,3})(?![0-9０-９年月日号%])"
    r"|([一二三四五六七八九十]{1,3})(?=$|[\s:：、.．,，])|(?=$|[\s:：]))"
)
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def read_docx_tables(path: str | Path) -> list[SourceTable]:
    """Every table of the document (nested ones after their parent), in document order; a document without a table
    gives the table its numbered paragraphs make, if they make one."""
    doc = _open(path)
    out: list[SourceTable] = []
    _walk(doc.element.body, str(path), out)
    if not out:  # a report written as numbered paragraphs (engine/importing/prose.py)
        paras = [_para_text(el).strip() for el in _blocks(doc.element.body) if el.tag == P]
        table = prose_table([p for p in paras if p], str(path))
        if table is not None:
            out.append(table)
    return out


# ---------------------------------------------------------------- opening


def _fail(path, message: str, hint: str) -> InputError:
    return InputError(message, file=str(path), hint=hint)


def _open(path):
    p = Path(path)
    if not p.is_file():
        raise _fail(path, "找不到该 Word 文件" if not p.exists() else "这是一个文件夹，不是 Word 文件",
                    "请检查文件路径和文件名")
    with open(p, "rb") as f:
        head = f.read(8)
    save_as = "请在 Word/WPS 中打开并另存为“Word 文档（*.docx）”后再导入"
    if not head:
        raise _fail(path, "文件是空的（0 字节）", "请重新导出或复制该文件")
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE compound file: .doc, or an encrypted .docx
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P" in p.read_bytes():
            raise _fail(path, "文件设置了打开密码，无法读取", "请在 Word/WPS 中取消密码后另存为 .docx 再导入")
        raise _fail(path, "这是旧版 Word 97-2003（.doc）文件，不能直接读取", save_as)
    if head.startswith(b"{\\rtf"):
        raise _fail(path, "这是 RTF 文件，不是 .docx 文件", save_as)
    if head.startswith(b"%PDF"):
        raise _fail(path, "这是 PDF 文件，不是 .docx 文件", "请使用原始的 Word 文件，或把表格转成 .docx/.xlsx 后再导入")
    if not zipfile.is_zipfile(p):
        if head.startswith(b"PK"):  # a zip that lost its end, e.g. an interrupted download
            raise _fail(path, "文件已损坏（压缩包不完整），无法读取", "请重新获取或重新保存原文件")
        raise _fail(path, "不是有效的 Word .docx 文件（可能是网页、文本文件或已损坏）", save_as)
    try:
        with zipfile.ZipFile(p) as z:
            infos = {i.filename: i for i in z.infolist()}
    except (zipfile.BadZipFile, OSError) as e:
        raise _fail(path, f"文件已损坏，无法解压（{broken_file(e, 'docx')}）", "请重新获取原文件") from e
    if "word/document.xml" not in infos:
        if "xl/workbook.xml" in infos:
            raise _fail(path, "这是 Excel 表格文件，不是 Word 文件", "请把扩展名改为 .xlsx，按表格导入")
        if "ppt/presentation.xml" in infos:
            raise _fail(path, "这是 PowerPoint 文件，不是 Word 文件", "请使用包含表格的 Word 文件")
        raise _fail(path, "压缩包中没有 Word 正文（word/document.xml），不是 .docx 文件", save_as)
    if sum(i.file_size for i in infos.values()) > _MAX_XML_BYTES:
        raise _fail(path, "文件解压后过大，拒绝读取", "请确认文件来源，或拆分后再导入")
    try:
        with zipfile.ZipFile(p) as z:
            refuse_xml_doctype(z, path, "Word")  # python-docx leaves entities unresolved: text would be lost
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as e:
        raise _fail(path, "文件已损坏，无法解压", "请重新获取原文件") from e
    import docx  # deferred: only needed once the file looks like a docx

    try:
        # python-docx loads internal parts only; external relationships are never fetched
        return docx.Document(str(p))
    except Exception as e:  # noqa: BLE001 - any parse failure means an unusable file
        raise _fail(path, f"文件已损坏或格式不受支持，无法读取（{broken_file(e, 'docx')}）", save_as) from e


# ---------------------------------------------------------------- walking


def _blocks(container):
    """Paragraphs and tables of a body or cell in order, looking through content controls."""
    for el in container:
        if el.tag in (P, TBL):
            yield el
        elif el.tag in (SDT, SDT_CONTENT, CUSTOM_XML):
            yield from _blocks(el)


def _walk(container, source: str, out: list[SourceTable]) -> None:
    paras: list[str] = []  # non-empty paragraphs since the previous table
    for el in _blocks(container):
        if el.tag == P:
            text = _para_text(el).strip()
            if text:
                paras.append(text)
            continue
        rows = _table_rows(el, source)
        index = len(out) + 1
        title = _title(paras)
        location = f"表{index}"
        annex = _annex_number(title)
        if annex is not None and not any(t.location == f"附件{annex}" for t in out):
            location = f"附件{annex}"  # a second table under the same annex keeps 表N
        out.append(SourceTable(source, location, rows, title, [f"{location}第{r}行" for r in range(1, len(rows) + 1)]))
        # nested tables (rare) follow their parent; only cells that hold one are walked again
        seen = []
        for inner in el.iter(TBL):
            tc = _ancestor(inner, TC)
            if inner is not el and _ancestor(tc, TBL) is el and tc not in seen:
                seen.append(tc)
                _walk(tc, source, out)
        paras = []


def _ancestor(node, tag):
    node = node.getparent()
    while node is not None and node.tag != tag:
        node = node.getparent()
    return node


def _title(paras: list[str]) -> str | None:
    """The caption above a table: from the last "附件N"/"表N" line if any, else the short
    lines right above it (a long letter body or a "注：" note of the previous table is no title)."""
    start = next((i for i in range(len(paras) - 1, -1, -1) if _CAPTION.match(paras[i])), None)
    if start is not None:
        picked = paras[start:]
    else:
        picked = []
        for text in reversed(paras):
            if len(text) > 60 or text.startswith("注") or len(picked) == 3:
                break
            picked.insert(0, text)
    title = " ".join(picked).strip()
    return title or None


def _annex_number(title: str | None) -> int | None:
    m = _CAPTION.match(title or "")
    if not m or m.group(1) != "附件" or not (m.group(2) or m.group(3)):
        return None
    if m.group(2):
        return int(m.group(2))  # int() reads full-width digits too
    cn = m.group(3)  # 一…九十九
    if "十" not in cn:
        return _CN_DIGITS.get(cn) if len(cn) == 1 else None
    tens, _, ones = cn.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


# ---------------------------------------------------------------- cells


def _para_text(p) -> str:
    out: list[str] = []

    def walk(el):
        for ch in el:
            tag = ch.tag
            if tag == _W + "t":
                out.append(ch.text or "")
            elif tag in _TEXT_CHARS:
                out.append(_TEXT_CHARS[tag])
            elif tag == _W + "br":
                if ch.get(_W + "type") in (None, "textWrapping"):  # page/column breaks are not text
                    out.append("\n")
            elif tag not in _SKIP and tag != P and tag != TBL and isinstance(tag, str):
                walk(ch)  # runs, hyperlinks, insertions, smart tags, simple fields

    walk(p)
    return "".join(out)


def _cell_text(tc) -> str:
    # each paragraph stripped, blank ones dropped (a trailing empty paragraph is not content)
    return "\n".join(t for t in (_para_text(p).strip() for p in _blocks(tc) if p.tag == P) if t)


def _cells(tr):
    for el in tr:
        if el.tag == TC:
            yield el
        elif el.tag in (SDT, SDT_CONTENT, CUSTOM_XML):
            yield from _cells(el)


_MAX_GRID = 64  # Word allows 63 columns; a larger gridSpan/gridBefore is a corrupt or hostile file
_MAX_CELLS = 5_000_000  # per table, after merges are repeated: ~100× the largest real progress report


def _int_prop(parent, name: str, default: int = 0) -> int:
    el = parent.find(_W + name) if parent is not None else None
    try:
        # capped: <w:gridSpan w:val="50000000"/> in a 10 KB file would otherwise make a row of
        # 50 million cells (memory exhausted); a real table never spans more than the grid
        return min(max(int(el.get(_VAL)), 0), _MAX_GRID) if el is not None else default
    except (TypeError, ValueError):
        return default


def _table_rows(tbl, source: str | None = None) -> list[list[str]]:
    """Rows on the table grid: gridSpan/hMerge repeat to the right, vMerge repeats down,
    w:gridBefore / w:gridAfter and short rows are padded with ""."""
    grid = tbl.find(_W + "tblGrid")
    width = len(grid.findall(_W + "gridCol")) if grid is not None else 0
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(TR):
        trpr = tr.find(_W + "trPr")
        row = [""] * _int_prop(trpr, "gridBefore")
        for tc in _cells(tr):
            tcpr = tc.find(_W + "tcPr")
            span = max(_int_prop(tcpr, "gridSpan", 1), 1)
            vmerge = tcpr.find(_W + "vMerge") if tcpr is not None else None
            hmerge = tcpr.find(_W + "hMerge") if tcpr is not None else None
            col = len(row)
            if vmerge is not None and vmerge.get(_VAL, "continue") == "continue" and rows and col < len(rows[-1]):
                text = rows[-1][col]  # continuation of the cell above
            elif hmerge is not None and hmerge.get(_VAL, "continue") == "continue" and row:
                text = row[-1]  # legacy horizontal merge
            else:
                text = _cell_text(tc)
            row.extend([text] * span)
        row.extend([""] * _int_prop(trpr, "gridAfter"))
        rows.append(row)
        width = max(width, len(row))
        if width * len(rows) > _MAX_CELLS:  # padded size: every row ends up `width` wide
            raise InputError(f"表格过大（超过 {_MAX_CELLS:,} 个单元格），拒绝读取", file=source,
                             hint="请确认文件来源，或把表格拆分后再导入")
    for row in rows:  # a grid narrower than the rows, or rows shorter than the grid
        row.extend([""] * (width - len(row)))
    return rows
