"""Read a memo (.md or .docx) into blocks — a line, a paragraph or a table row — each knowing where it
is (file:line, 段落N, 表N第M行), and find its structure: cover text, 附件 headings, sections, rows."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..library_messages import broken_file

_CN = {c: i for i, c in enumerate("零一二三四五六七八九")}
ANNEX_RE = re.compile(r"^\s*(?:#+\s*)?(?:\*\*)?\s*附件\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})(?![0-9０-９年月日号%])"
                      r"\s*(?:\*\*)?\s*[:：、.．]?\s*(.*?)\s*(?:\*\*)?\s*$")
HEADING_RE = re.compile(r"^\s*(#{1,6})\s+(.*)$")
LIST_ITEM_RE = re.compile(r"^(?:\d{1,3}\s*[.、．]|[-*•]\s|【序号)")
ANNEX_LIST_RE = re.compile(r"^附\s*件\s*[：:]\s*(.*)$")  # 附件：1. 主要指标完成情况表 / 2. …
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
MAX_MEMO_BYTES = 50 * 1024 * 1024


def cn_number(text: str) -> int | None:
    """12 / １２ / 十二 / 二十三 → int."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789")).strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN and c not in "十两百" for c in text):
        return None
    text = text.replace("两", "二")
    if "百" in text:
        head, _, tail = text.partition("百")
        rest = cn_number(tail.lstrip("零")) if tail.lstrip("零") else 0
        return (_CN.get(head, 1) if head else 1) * 100 + (rest or 0)
    if "十" in text:
        head, _, tail = text.partition("十")
        return (_CN[head] if head else 1) * 10 + (_CN[tail] if tail else 0)
    return _CN.get(text) if len(text) == 1 else None


@dataclass
class Block:
    text: str
    target: dict  # {"kind": "memo", "id": "memo.md:12", "seq": …, "file", "line" | "paragraph" | "table"+"row"}
    cells: list[str] | None = None  # table rows only
    heading: bool = False  # a markdown heading or a Word heading style

    @property
    def is_row(self) -> bool:
        return self.cells is not None


@dataclass
class Section:
    title: str
    block: Block
    annex: int | None = None  # 附件N
    kind: str = "heading"  # "annex" (附件N) | "heading" | "annex_list" (the 附件：1. … 2. … list of the cover)
    rows: list[Block] = field(default_factory=list)
    header: list[str] | None = None  # the first table row when it is a header (序号 / 目标任务 …)


@dataclass
class Memo:
    name: str
    blocks: list[Block]
    cover: list[Block]  # everything before the first 附件 heading
    sections: list[Section]

    @property
    def annexes(self) -> list[Section]:
        return [s for s in self.sections if s.annex is not None]


def read_memo(path: Path) -> Memo:
    if not path.is_file():
        raise InputError("找不到报告文件" if not path.exists() else "这是文件夹，不是报告文件", file=str(path), field="--memo")
    if path.stat().st_size > MAX_MEMO_BYTES:
        raise InputError("报告文件过大（超过 50 MB）", file=str(path), field="--memo")
    suffix = path.suffix.lower()
    if suffix == ".md":
        try:
            blocks = _md_blocks(path.read_text(encoding="utf-8-sig"), path.name)
        except UnicodeDecodeError:
            raise InputError("报告文件不是 UTF-8 编码的文字", file=str(path), field="--memo", hint="请另存为 UTF-8") from None
    elif suffix == ".docx":
        blocks = _docx_blocks(path)
    else:
        raise InputError(f"不支持的报告格式「{path.suffix or '无扩展名'}」", file=str(path), field="--memo",
                         hint="只支持 .md 和 .docx；.doc 请先另存为 .docx")
    return structure(path.name, blocks)


def _md_blocks(text: str, name: str) -> list[Block]:
    blocks = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        target = {"kind": "memo", "id": f"{name}:{number}", "seq": str(number), "file": name, "line": number}
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            cells = [c.strip() for c in stripped[1:-1].split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue  # the |---|---| separator
            blocks.append(Block(" ".join(cells), target, cells=cells))
            continue
        heading = HEADING_RE.match(line)
        body = heading.group(2) if heading else re.sub(r"^\s*>\s?", "", line)
        body = BOLD_RE.sub(r"\1", body)  # **1.任务。**理由: the bold lead-in of memo_prose.Item
        blocks.append(Block(body.strip(), target, heading=bool(heading)))
    return blocks


def _docx_blocks(path: Path) -> list[Block]:
    import docx
    from docx.table import Table

    if not zipfile.is_zipfile(path):
        raise InputError("不是有效的 Word .docx 文件（可能是 .doc、PDF 或已损坏）", file=str(path), field="--memo",
                         hint="请在 Word/WPS 中另存为“Word 文档（*.docx）”")
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise InputError(f"无法读取 Word 文件：{broken_file(exc, 'docx')}", file=str(path), field="--memo") from None
    blocks, para_no, table_no = [], 0, 0
    for part in document.iter_inner_content():
        if isinstance(part, Table):
            table_no += 1
            for row_no, row in enumerate(part.rows, 1):
                cells = _dedupe_merged([c.text.strip() for c in row.cells])
                target = {"kind": "memo", "id": f"{path.name}#表{table_no}第{row_no}行", "seq": f"表{table_no}第{row_no}行",
                          "file": path.name, "table": table_no, "row": row_no}
                blocks.append(Block(" ".join(cells), target, cells=cells))
            continue
        para_no += 1
        text = part.text.strip()
        if not text:
            continue
        style = (part.style.name if part.style is not None else "") or ""
        target = {"kind": "memo", "id": f"{path.name}#段落{para_no}", "seq": f"段落{para_no}", "file": path.name,
                  "paragraph": para_no}
        blocks.append(Block(text, target, heading=style.lower().startswith(("heading", "title")) or style.startswith("标题")))
    return blocks


def _dedupe_merged(cells: list[str]) -> list[str]:
    """python-docx repeats a horizontally merged cell once per grid column."""
    out = []
    for c in cells:
        if not out or c != out[-1] or not c:
            out.append(c)
    return out


def structure(name: str, blocks: list[Block]) -> Memo:
    """Sections start at a 附件N heading or a heading line; rows are table rows and list items."""
    sections: list[Section] = []
    cover: list[Block] = []
    pending_title = None  # 附件1 alone on its line: the title is the next paragraph
    for block in blocks:
        annex = ANNEX_RE.match(block.text) if not block.is_row and len(block.text) <= 80 else None
        if annex:
            sections.append(Section(annex.group(2), block, annex=cn_number(annex.group(1)), kind="annex"))
            pending_title = sections[-1] if not annex.group(2) else None
            continue
        listing = ANNEX_LIST_RE.match(block.text) if not block.is_row else None
        if listing:
            sections.append(Section("附件清单", block, kind="annex_list"))
            if listing.group(1):
                sections[-1].rows.append(Block(listing.group(1), block.target))
            cover.append(block)
            continue
        if block.heading and not block.is_row:
            sections.append(Section(block.text, block))
            pending_title = None
            continue
        if pending_title is not None and not block.is_row:
            pending_title.title, pending_title = block.text, None
            continue
        pending_title = None
        if not any(s.annex is not None for s in sections):
            cover.append(block)
        if sections:
            _add_row(sections[-1], block)
    return Memo(name=name, blocks=blocks, cover=cover, sections=sections)


def _add_row(section: Section, block: Block) -> None:
    if section.kind == "annex_list":
        if re.match(r"^\d{1,2}\s*[.、．]", block.text):
            section.rows.append(block)
        return
    if block.is_row:
        first = block.cells[0] if block.cells else ""
        if section.header is None and not section.rows and not re.fullmatch(r"\d{1,4}", first):
            section.header = block.cells
            return
        if any(block.cells):
            section.rows.append(block)
    elif LIST_ITEM_RE.match(block.text) and not block.text.startswith("注"):
        section.rows.append(block)
