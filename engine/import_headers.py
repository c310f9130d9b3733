"""Recognise a table's header row and map its columns to fact fields.

Headers are normalised first (all whitespace removed, full-width brackets unified), so
"目    标   任   务" and "目标任务" are the same. A column we cannot map is reported, never dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# field → header spellings seen in decomposition plans and progress reports (normalised form)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "序", "项目序号"),
    "category": ("分类", "类别", "类型", "板块", "任务类别"),
    "text": ("目标任务", "工作任务", "主要目标", "主要工作任务", "重点任务", "重点工作任务", "任务内容",
             "工作内容", "主要预期目标", "预期目标", "目标", "任务"),
    "name": ("指标名称", "指标", "主要指标", "指标项"),
    "annual_target": ("全年目标", "年度目标", "目标值", "全年目标任务", "年度目标任务"),
    "leaders": ("牵头领导", "责任区领导", "责任领导", "分管领导", "牵头区领导", "牵头市领导", "责任县领导", "牵头县领导", "区领导"),
    "lead_units": ("牵头责任单位", "责任单位", "牵头单位", "主责单位", "牵头部门", "责任部门"),
    "coop_units": ("责任(配合)单位", "配合单位", "协办单位", "配合部门", "协同单位"),
    "progress": ("完成情况", "进展情况", "任务进展情况", "推进情况", "工作进展", "进展", "推进落实情况", "工作推进情况",
                 "目标任务完成情况", "工作完成情况"),
    "note": ("备注",),
}
# "2023年预期目标" / "2022年完成情况"
YEAR_PATTERNS = (
    (re.compile(r"^(\d{4})年?(预期目标|目标|计划目标)$"), "annual_target"),
    (re.compile(r"^(\d{4})年?(完成情况|预计完成|执行情况|1-\d+月完成情况)$"), "progress"),
    (re.compile(r"^1-\d{1,2}月(完成情况|进展情况|进展)$"), "progress"),
)

# English column names of exported/annotated CSVs (e.g. a portal's export)
ENGLISH = {"seq": "seq", "category": "category", "text": "text", "task_text": "text", "name": "name",
           "annual_target": "annual_target", "annual_target_text": "annual_target", "leaders": "leaders",
           "lead_units": "lead_units", "coop_units": "coop_units", "progress": "progress", "progress_text": "progress"}

_LOOKUP = {spelling: name for name, spellings in SYNONYMS.items() for spelling in spellings} | ENGLISH


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", text).strip("：:*")


def header_field(text: str) -> str | None:
    norm = normalise_header(text)
    if not norm:
        return None
    if norm in _LOOKUP:
        return _LOOKUP[norm]
    for pattern, name in YEAR_PATTERNS:
        if pattern.match(norm):
            return name
    return None


@dataclass
class HeaderMap:
    row: int  # index of the header row in the table
    columns: dict[str, int]  # field → column index (first occurrence)
    unmapped: list[tuple[int, str]] = field(default_factory=list)  # (column, header text) we did not recognise
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # a field met twice (e.g. a header merged over two columns)

    @property
    def table_kind(self) -> str:
        """indicators / tasks — from the headers, never from row contents."""
        if "name" in self.columns:
            return "indicators"
        return "tasks"


def find_header(rows: list[list[str]], scan: int = 6) -> HeaderMap | None:
    """The header is the row (among the first few) that maps the most columns; it needs a text-like column."""
    best: HeaderMap | None = None
    for index, row in enumerate(rows[:scan]):
        columns: dict[str, int] = {}
        unmapped, duplicates = [], []
        for col, cell in enumerate(row):
            name = header_field(cell)
            if name is None:
                if normalise_header(cell):
                    unmapped.append((col, cell))
            elif name in columns:
                duplicates.append((col, cell))
            else:
                columns[name] = col
        if not ({"text", "name"} & columns.keys() or ("annual_target" in columns and "progress" not in columns)):
            continue
        if len(columns) < 2:
            continue
        if best is None or len(columns) > len(best.columns):
            best = HeaderMap(row=index, columns=columns, unmapped=unmapped, duplicates=duplicates)
    if best and "text" not in best.columns and "name" not in best.columns and "annual_target" in best.columns:
        best.columns["text"] = best.columns.pop("annual_target")
    return best
