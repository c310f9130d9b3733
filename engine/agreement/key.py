"""The office's own calls (the "key") for `duban eval`: a CSV of (序号, 官方判定), or the office's report
(.docx) whose annexes list the lagging (or normal) tasks under a title that says so.

A report's key follows the office's convention: a row of a status annex ("附件3 前三季度未实现“依时序推进”
目标任务") carries that status; every other task the report lists is officially on schedule. The annex
titles are read by the importer's own reader (import_workspace.annex_status), so the key and the
workspace's reported_status can never disagree on what a title means.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..statuses import LAGGING, OK, UNCLEAR

# official words → the class duban's statuses are compared in
BEHIND_WORDS = LAGGING + ("未依时序推进", "未实现依时序推进", "未完成", "lagging")
NORMAL_WORDS = OK + ("依时序推进", "完成", "normal", "done")
UNSURE_WORDS = (UNCLEAR,)
SEQ_HEADERS = ("seq", "序号", "编号", "id")
OFFICIAL_HEADERS = ("official", "官方判定", "官方状态", "human_status", "判定", "状态", "status")
KIND_HEADERS = ("kind", "类别", "类型")
TEXT_HEADERS = ("text", "task_text", "目标任务", "任务", "名称", "name")


@dataclass
class KeyRow:
    kind: str  # task / indicator
    official: str  # the office's word, verbatim
    seq: str | None = None
    text: str = ""
    ref: str = ""  # where in the key it was read ("labels.csv 第3行", "附件3第2行")
    by_seq: bool = True  # False for a status annex with its own numbering 1…7
    implied: bool = False  # officially normal only because no status annex lists it


def official_class(word: str | None) -> str:
    """滞后 / 正常 / 待核实, or the word itself (e.g. an approved change) — a class of its own."""
    w = (word or "").strip().replace("“", "").replace("”", "").replace('"', "")
    if w in BEHIND_WORDS:
        return "滞后"
    if w in NORMAL_WORDS:
        return "正常"
    if w in UNSURE_WORDS or not w:
        return "待核实"
    return w


def read_key(path: str | Path) -> list[KeyRow]:
    path = Path(path)
    if not path.is_file():
        raise InputError("找不到判定依据文件" if not path.exists() else "这是一个目录，不是判定依据文件", file=str(path), field="--key")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_key(path)
    if suffix == ".docx":
        return read_report_key(path)
    raise InputError("判定依据应为 .csv（序号,官方判定）或督查室的报告 .docx", file=str(path), field="--key")


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name.lower() in lowered:
            return lowered.index(name.lower())
    return None


def read_csv_key(path: Path) -> list[KeyRow]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("无法识别文件编码（应为 UTF-8 或 GBK）", file=str(path), field="--key")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError("判定依据文件是空的", file=str(path), field="--key")
    header = rows[0]
    seq_col, official_col = _column(header, SEQ_HEADERS), _column(header, OFFICIAL_HEADERS)
    kind_col, text_col = _column(header, KIND_HEADERS), _column(header, TEXT_HEADERS)
    if official_col is None or (seq_col is None and text_col is None):
        raise InputError(f"第1行表头「{','.join(header)}」缺少必需的列", file=str(path), line=1, field="--key",
                         hint="需要「seq,official」或「序号,官方判定」两列（可另加 kind/类别：任务或指标；text/目标任务）")
    out = []
    for number, row in enumerate(rows[1:], start=2):
        cell = lambda col: row[col].strip() if col is not None and col < len(row) else ""  # noqa: E731
        official = cell(official_col)
        if not any(c.strip() for c in row):
            continue
        if not official:
            raise InputError("官方判定为空", file=str(path), line=number, field=header[official_col])
        kind_word = cell(kind_col)
        seq = cell(seq_col) or None
        kind = "indicator" if kind_word in ("指标", "indicator") or (seq or "").upper().startswith("I") else "task"
        out.append(KeyRow(kind=kind, official=official, seq=seq, text=cell(text_col), ref=f"{path.name} 第{number}行"))
    return out


_STATUS_HEADER = re.compile(r"状态|判定|评定|评价|是否.{0,4}时序")


def _status_column(table, header) -> dict[str, str]:
    """row ref → the office's call, from a column headed 推进状态 / 督查评价 / 是否依时序推进, when the table has one."""
    from ..importing.headers import normalise_header

    cells = table.rows[header.row]
    col = next((c for c, text in enumerate(cells) if _STATUS_HEADER.search(normalise_header(text))), None)
    if col is None:
        return {}
    out = {}
    for index in range(header.row + 1, len(table.rows)):
        row = table.rows[index]
        value = (row[col] if col < len(row) else "").strip()
        if value in ("是", "否"):  # 是否依时序推进：是 / 否
            value = "正常" if value == "是" else "滞后"
        if value and official_class(value) in ("滞后", "正常"):
            out[table.ref(index)] = value
    return out


def read_report_key(path: Path) -> list[KeyRow]:
    from ..importing.headers import find_header
    from ..importing.rows import table_records
    from ..importing.csv_xlsx import read_tables
    from ..importing.workspace import annex_status
    from ..importing.join import join_key

    listed: list[KeyRow] = []  # every row of a table without a status title
    stated: list[KeyRow] = []  # rows of status annexes
    for table in read_tables(path):
        header = find_header(table.rows, title=table.title)
        if header is None:
            continue
        records, _ = table_records(table, header)
        kind = "indicator" if header.table_kind == "indicators" else "task"
        status = annex_status(table.title)
        calls = _status_column(table, header)  # a column of its own ("推进状态": 滞后 / 正常), row by row
        for record in records:
            call = calls.get(record.ref)
            row = KeyRow(kind=kind, official=call or status or "正常", seq=record.seq, text=record.name or record.text,
                         ref=f"{path.name} {record.ref}", by_seq=status is None, implied=not (status or call))
            (stated if status or call else listed).append(row)
    if not stated:
        raise InputError("报告中没有标明状态的附件（如“未实现依时序推进目标任务”），无法作为判定依据", file=str(path), field="--key",
                         hint="请改用 CSV（序号,官方判定）")
    stated_keys = {(r.kind, join_key(r.text)) for r in stated}
    stated_kinds = {r.kind for r in stated}
    # a task of the general annex that a status annex repeats takes the annex's status (the stated row stands for it);
    # only the kinds a status annex covers are implied normal: an indicator table beside a list of lagging tasks
    # carries no call (indicators may then take the call of the task restating them, see compare.link_indicators)
    return stated + [r for r in listed if r.kind in stated_kinds and (r.kind, join_key(r.text)) not in stated_keys]
