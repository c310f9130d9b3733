"""Recognise a table's header row and map its columns to fact fields.

Headers are normalised first (all whitespace removed, full-width brackets unified), so
"目    标   任   务" and "目标任务" are the same. A header is matched by the exact spellings seen in real
tables first, then by the keywords that carry its role (…领导 → leaders, …配合… → coop_units), so
spellings never seen still work. A header split over two rows is read as one. A table whose headers
name no task or indicator column can still be placed by its contents (engine/importing/columns.py).
A column we cannot map is reported, never dropped silently.
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
    "deadline": ("完成时限", "时限", "完成时间", "时间节点", "截止时间", "完成期限", "时限要求", "完成时间节点"),
    # many reports split the prose: 工作进展 | 存在问题 | 下步打算; an indicator table may give the growth its own column
    "problems": ("存在问题", "存在的问题", "问题", "困难问题", "存在困难", "问题和困难", "困难和问题", "存在问题及原因"),
    "next_steps": ("下步打算", "下步计划", "下一步工作", "下一步打算", "下步工作打算", "下一步工作计划", "下步措施",
                   "下步工作措施", "下一步措施"),
    "growth": ("同比增长", "增速", "增幅", "同比增减", "同比±", "比上年增长", "增长"),
}
# "2023年预期目标" / "2022年完成情况"
YEAR_PATTERNS = (
    (re.compile(r"^(\d{4})年?(预期目标|目标|计划目标)$"), "annual_target"),
    (re.compile(r"^(\d{4})年?(完成情况|预计完成|执行情况|1-\d+月完成情况)$"), "progress"),
    (re.compile(r"^1-\d{1,2}月(完成情况|进展情况|进展)$"), "progress"),
)
# Roles by keyword, for spellings no list holds ("分管县领导", "截至11月底完成情况", "2025年计划"). Order
# matters: "责任(配合)单位" is coop_units before it is lead_units; "目标完成情况" is progress before target.
_YEARISH = r"(?:\d{4}年?|全年|年度|本年|当年|年初)"
KEYWORD_ROLES = (
    # units of measure, deadlines; a filed status ("推进状态", read by `duban eval` as the office's call): no field
    (re.compile(r"^(?:计量)?单位(?:[(（].*[)）])?$"), "unit"),  # of measure, per row: "%" / "万人"
    # a schedule (进度安排: 6月底前完成招标，12月底前建成) is read for its last month, as a deadline is
    (re.compile(r"时限|时间节点|完成时间|截止时间|期限|完成节点|节点安排|进度安排|时间安排|时序安排|计划进度|进度计划"), "deadline"),
    (re.compile(r"属性|性质|状态|判定|评定|评价|^是否"), None),
    # whole headers only: "工作进展及存在问题" holds the report itself (progress), and "地区生产总值增速（%）" is
    # an indicator's name in a data row, not a growth column
    (re.compile(r"^(?:下一?步|下阶段|今后)(?:工作)?(?:打算|计划|措施|安排|思路|重点)?$"), "next_steps"),
    # 存在问题及下步打算 — one column for both, common in other districts' tables: its 下步 part is cut off (rows.py)
    (re.compile(r"^(?:存在的?|主要|当前|面临的?)?(?:问题|困难|短板)(?:[和及与、](?:问题|困难|原因|短板|不足))?"
                r"(?:(?:[和及与、]|以及)(?:下一?步|下阶段)(?:工作)?(?:打算|计划|措施|安排|思路)?)?$"), "problems"),
    (re.compile(r"^(?:(?:1|一)-\d{1,2}月|上半年|前三季度|本期|累计)?(?:同比|比上年)?(?:增长|增速|增幅|增减|增长率|±)"
                r"(?:[(（][%％][)）]|[%％])?$"), "growth"),
    # the unit's own completion share (完成进度（%） | 64): written into the report as 完成进度64%
    (re.compile(r"^(?:年度|全年|任务|目标)?(?:完成进度|完成比例|完成率|进度)(?:[(（][%％][)）]|[%％])?$"), "percent_done"),
    (re.compile(r"序号|^序$|^编号$"), "seq"),
    (re.compile(r"备注|说明$"), "note"),
    (re.compile(r"配合|协办|协同|协助|协作|参与单位|参与部门"), "coop_units"),
    (re.compile(r"领导|责任人"), "leaders"),
    (re.compile(r"责任单位|牵头单位|主责单位|承办单位|实施单位|部门|处室|科室|股室"), "lead_units"),
    (re.compile(r"完成|进展|推进|进度|执行|落实情况|工作情况|成效|实绩|本期值|实际值|(?<!\d)(?:1|一)-\d{1,2}月|上半年|前三季度"
                r"|截至|截止"), "progress"),
    (re.compile(_YEARISH + r".{0,4}(?:目标|计划|任务|预期)|(?:目标|计划|预期)值|^指标值$"), "annual_target"),
    (re.compile(r"分类|类别|板块|领域"), "category"),
    (re.compile(r"指标"), "name"),
    (re.compile(r"任务|目标|事项|内容|举措|措施|工作|项目"), "text"),
)

# English column names of exported/annotated CSVs (e.g. a portal's export)
ENGLISH = {"seq": "seq", "category": "category", "text": "text", "task_text": "text", "name": "name",
           "annual_target": "annual_target", "annual_target_text": "annual_target", "leaders": "leaders",
           "lead_units": "lead_units", "coop_units": "coop_units", "progress": "progress", "progress_text": "progress"}

_LOOKUP = {spelling: name for name, spellings in SYNONYMS.items() for spelling in spellings} | ENGLISH

# what each field is called in messages (and accepted in `--map 列名=字段`)
FIELD_LABELS = {"seq": "序号", "category": "分类", "text": "目标任务", "name": "指标名称", "name_target": "指标及目标",
                "annual_target": "全年目标", "leaders": "牵头领导", "lead_units": "牵头单位", "coop_units": "配合单位",
                "progress": "完成情况", "note": "备注", "unit": "计量单位", "problems": "存在问题",
                "next_steps": "下步打算", "growth": "同比增长", "deadline": "完成时限", "percent_done": "完成进度",
                "ignore": "忽略"}
# columns that carry the period's report: any of them makes a table a progress table
PROGRESS_FIELDS = ("progress", "growth", "problems", "percent_done")


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", text).strip("：:*")


def header_field(text: str, overrides: dict[str, str] | None = None) -> str | None:
    """The field a header names: the clerk's own mapping first, then exact spellings, then keywords."""
    norm = normalise_header(text)
    if not norm:
        return None
    if overrides and norm in overrides:
        return overrides[norm]
    if norm in _LOOKUP:
        return _LOOKUP[norm]
    for pattern, name in YEAR_PATTERNS:
        if pattern.match(norm):
            return name
    if len(norm) > 20:  # a sentence, not a header
        return None
    for pattern, name in KEYWORD_ROLES:
        if pattern.search(norm):
            return name  # None for a deadline or unit column: shown as not imported
    return None


@dataclass
class HeaderMap:
    row: int  # index of the (last) header row in the table
    columns: dict[str, int]  # field → column index (first occurrence)
    unmapped: list[tuple[int, str]] = field(default_factory=list)  # (column, header text) we did not recognise
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # a field met twice (e.g. a header merged over two columns)
    name_holds_target: bool = False  # the name column reads "地区生产总值增长6%左右": name and target in one cell
    kind: str | None = None  # set when the table's contents or title decided it
    how: str = "表头"  # 表头 / 两行表头 / 按内容 — said in the import summary
    units: dict[str, str] = field(default_factory=dict)  # field → the unit its header names: 年度目标（%） → %

    @property
    def table_kind(self) -> str:
        """indicators / tasks — from the headers, or from the contents when the headers could not tell."""
        if self.kind:
            return self.kind
        if "name" in self.columns:
            return "indicators"
        return "tasks"


_HEADER_UNIT = re.compile(r"[(（]([^()（）]{1,6})[)）]$")
UNIT_HEADED = ("annual_target", "progress", "growth")  # columns whose header may name their cells' unit


def header_unit(text: str) -> str | None:
    """The unit a header names in brackets at its end (年度目标（%）, 1-9月完成（亿元）), if it is a unit."""
    from ..extract.lexicon import get_lexicon  # deferred: import reads headers before it needs the lexicon

    m = _HEADER_UNIT.search(normalise_header(text))
    unit = m.group(1).replace("％", "%") if m else None
    return unit if unit and (unit == "%" or unit in get_lexicon().unit_names) else None


def _map_row(cells: list[str], overrides) -> tuple[dict[str, int], list, list]:
    columns: dict[str, int] = {}
    unmapped, duplicates = [], []
    for col, cell in enumerate(cells):
        name = header_field(cell, overrides)
        if name == "ignore":
            continue
        if name is None:
            if normalise_header(cell):
                unmapped.append((col, cell))
        elif name in columns:
            if name == "text" and "annual_target" not in columns and _AIM.search(normalise_header(cell)):
                columns["annual_target"] = col  # 工作事项 | 具体目标: the second is the task's stated aims
            elif name == "text" and "annual_target" not in columns and _AIM.search(normalise_header(cells[columns[name]])):
                columns["annual_target"], columns["text"] = columns["text"], col  # 目标要求 | 任务名称
            else:
                duplicates.append((col, cell))
        else:
            columns[name] = col
    return columns, unmapped, duplicates


_AIM = re.compile(r"目标|要求")  # of two text-like columns, the one naming aims holds the figures


def _units(cells: list[str], columns: dict[str, int]) -> dict[str, str]:
    return {name: unit for name in UNIT_HEADED if name in columns
            and (unit := header_unit(cells[columns[name]] if columns[name] < len(cells) else ""))}


def _looks_like_header_row(row: list[str]) -> bool:
    """The second row of a two-row header holds short labels only ("目标", "1-6月完成"), never prose or figures alone."""
    cells = [normalise_header(c) for c in row if normalise_header(c)]
    return bool(cells) and all(len(c) <= 12 and not re.fullmatch(r"[\d.%％]+", c) for c in cells)


def join_header_rows(top: list[str], bottom: list[str]) -> list[str]:
    """Merged header cells repeat (or leave blank) the upper label: "2024年"+"目标" → "2024年目标",
    "指标名称"+"指标名称" → "指标名称", "指标名称"+"" → "指标名称"."""
    out = []
    for col in range(max(len(top), len(bottom))):
        a = (top[col] if col < len(top) else "").strip()
        b = (bottom[col] if col < len(bottom) else "").strip()
        out.append(a if not b or a == b else b if not a else f"{a}{b}")
    return out


def _candidates(rows: list[list[str]], scan: int):
    """(last header row index, header cells, how) — each single row, and each pair of rows read as one header."""
    for index, row in enumerate(rows[:scan]):
        yield index, row, "表头"
        if index + 1 < len(rows) and _looks_like_header_row(rows[index + 1]) and _looks_like_header_row(row):
            yield index + 1, join_header_rows(row, rows[index + 1]), "两行表头"


def find_header(rows: list[list[str]], scan: int = 6, *, title: str | None = None,
                overrides: dict[str, str] | None = None) -> HeaderMap | None:
    """The header is the row (among the first few) that maps the most columns; it needs a text-like column.
    A header row whose columns say nothing of the task or indicator is then placed by its contents."""
    best: HeaderMap | None = None
    fallback: HeaderMap | None = None  # the best-mapped row without a text column, for the content pass
    for index, cells, how in _candidates(rows, scan):
        columns, unmapped, duplicates = _map_row(cells, overrides)
        if "name_target" in columns:  # the clerk said: this column holds name and target
            columns["name"] = columns.pop("name_target")
            return HeaderMap(index, columns, unmapped, duplicates, name_holds_target=True, kind="indicators", how=how)
        has_text = bool({"text", "name"} & columns.keys()) or ("annual_target" in columns and "progress" not in columns)
        if not has_text or len(columns) < 2:
            if columns and (fallback is None or len(columns) > len(fallback.columns)):
                fallback = HeaderMap(row=index, columns=columns, unmapped=unmapped, duplicates=duplicates, how=how)
            if not has_text or len(columns) < 2:
                continue
        if best is None or len(columns) > len(best.columns):
            best = HeaderMap(row=index, columns=columns, unmapped=unmapped, duplicates=duplicates, how=how,
                             units=_units(cells, columns))
    from .columns import place_by_content  # deferred: the content pass imports this module

    if best is not None:
        if "growth" in best.columns and "text" in best.columns and "name" not in best.columns:
            best.columns["name"] = best.columns.pop("text")  # 项目 | 年度预期 | 实际完成 | 比上年±%: an indicator table
        placed = place_by_content(rows, best, title)
        if placed is not None:
            return placed
        if "text" not in best.columns and "name" not in best.columns and "annual_target" in best.columns:
            best.columns["text"] = best.columns.pop("annual_target")
        return best
    return place_by_content(rows, fallback, title) if fallback is not None else None


def describe_missing(rows: list[list[str]], scan: int = 6, overrides: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """For a skipped table: the headers of its likeliest header row, and what is still missing, in words."""
    best_cells, best_columns = [], {}
    for _, cells, _ in _candidates(rows, scan):
        columns, _, _ = _map_row(cells, overrides)
        texts = [normalise_header(c) for c in cells if normalise_header(c)]
        if len(columns) > len(best_columns) or (not best_cells and texts):
            best_cells, best_columns = texts, columns
    seen, headers = set(), []
    for text in best_cells:
        if text not in seen:
            seen.add(text)
            headers.append(text)
    missing = []
    if not {"text", "name"} & best_columns.keys():
        missing.append("任务或指标文字列（如「目标任务」「指标名称」）")
    if len(best_columns) < 2:
        missing.append("至少两列可识别的表头")
    return headers, missing
