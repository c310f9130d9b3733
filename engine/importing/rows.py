"""Turn a SourceTable's rows (under a recognised header) into row records.

Handles what real tables do: category rows ("一、推动高质量发展要有新作为" alone on a row, or merged
across it), blank category cells to fill down, 序号 printed inside the text ("1、地区生产总值…"),
several units or leaders in one cell, and names typed with spaces ("钟  涛").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .columns import split_named_target, with_unit
from .headers import PROGRESS_FIELDS, HeaderMap
from .tables import SourceTable

CATEGORY_RE = re.compile(r"^[一二三四五六七八九十百]+[、.．]\s*\S")
LEADING_SEQ_RE = re.compile(r"^\s*(\d{1,4})\s*[、.．]\s*(?=\S)")
_SPLIT_RE = re.compile(r"[；;、，,\n/]+")


@dataclass
class RowRecord:
    ref: str  # "附件2第5行" — for messages
    text: str = ""
    seq: str | None = None
    category: str | None = None
    name: str | None = None
    annual_target: str | None = None
    leaders: list[str] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)
    coop_units: list[str] = field(default_factory=list)
    progress: str | None = None
    note: str | None = None
    deadline: str | None = None  # 完成时限: 2024年6月底前


_BARE = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_EMPTY = ("", "/", "／", "-", "—", "无", "暂无")
# where a 存在问题及下步打算 cell turns to the plans: 下步打算：… / 下一步，… / 2.下步将… at a sentence's start
_NEXT_STEPS = re.compile(r"(?:^|(?<=[。；;！!\n]))\s*(?:[（(]?[\d一二三四五六七八九]{1,2}[)）.、．]\s*)?(?:下一?步|下阶段|今后)(?:工作)?"
                         r"(?:打算|计划|措施|安排|思路)?(?:[:：，,]|将|要|拟|继续|加快|持续|力争)")
_PROBLEMS_LABEL = re.compile(r"^(?:[（(]?[\d一]{1,2}[)）.、．]\s*)?(?:存在的?|主要)?(?:问题|困难)[:：]\s*")
# a % figure that is not a growth: a level (城镇调查失业率, 森林覆盖率, 研发经费投入强度, 占比) or a name that says
# what the figure is itself (单位GDP能耗降低, 铁海联运发送箱量增长)
_LEVEL_NAME = re.compile(r"率|比重|占比|比例|指数|系数|强度|降低|下降|减少|增长|提高|增速|增幅")


_NAME_UNIT = re.compile(r"[（(]([^（）()]{1,6})[)）]\s*[*＊]?$")


def name_unit(name: str) -> str | None:
    """地区生产总值（亿元） → 亿元: the unit an indicator's name carries in its last bracket."""
    m = _NAME_UNIT.search(name)
    return m.group(1).replace("％", "%") if m else None


def _growth_not_level(annual: str, done: str, growth: str) -> bool:
    """A bare target beside a growth column, in a money/amount unit, that reads as a growth: 地区生产总值（亿元） |
    6 | 1520.3 | 5.2 — a level target the year's actual exceeds many times over is the growth rate, not the level.
    Without an actual the row's growth figure alone decides only for a target a growth could be (≤ 30)."""
    if growth.strip() in _EMPTY:
        return False
    target = float(annual.strip())
    if not 0 < target <= 30:
        return False
    done = unicodedata.normalize("NFKC", done).strip()
    return not _BARE.match(done) or float(done) >= 5 * target


def growth_sentence(cell: str) -> str:
    """A growth column's cell as the report would write it: "-3.4" → 同比下降3.4%, "5.1" → 同比增长5.1%."""
    value = unicodedata.normalize("NFKC", cell).strip().rstrip("%")
    if _BARE.match(value):
        return f"同比下降{value.lstrip('-')}%" if value.startswith("-") else f"同比增长{value.lstrip('+')}%"
    return cell if re.match(r"^(同比|比上年|增长|下降)", cell) else f"同比增长{cell}"


def report_text(progress: str, growth: str, problems: str, unit: str, percent_done: str = "") -> str | None:
    """One progress text from the report's columns: the progress (a bare figure gets the row's unit), the
    growth column as a sentence, and 存在问题 — where many reports say why a task lags. 下步打算 is not
    judged: it says what will be done, not what was."""
    parts = []
    progress = progress.strip()
    if progress not in _EMPTY:
        parts.append(f"{progress}{unit}" if _BARE.match(progress) and unit not in _EMPTY else progress)
    if growth.strip() not in _EMPTY:
        parts.append(growth_sentence(growth.strip()))
    done = unicodedata.normalize("NFKC", percent_done).strip()
    if done not in _EMPTY:
        parts.append(f"完成进度{done.rstrip('%')}%" if _BARE.match(done.rstrip("%")) else done)
    problems = _NEXT_STEPS.split(problems, maxsplit=1)[0].strip().rstrip("，,；;")
    problems = _PROBLEMS_LABEL.sub("", problems)  # （一）存在问题：… — the column already says so
    if problems.rstrip("。.") not in _EMPTY:
        parts.append(f"存在问题：{problems}")
    if not parts:
        return progress or None
    return "".join(p if p.endswith(("。", "；", ";", ".")) else f"{p}。" for p in parts[:-1]) + parts[-1]


def split_names(cell: str) -> list[str]:
    """Split a cell holding several units or leaders, never inside brackets: 区城管局（区整违办） stays one."""
    cell = unicodedata.normalize("NFC", cell or "").strip()
    if not cell or cell in ("/", "／", "-", "—", "无"):
        return []
    parts, depth, current = [], 0, []
    for ch in cell:
        if ch in "（(【[":
            depth += 1
        elif ch in "）)】]":
            depth = max(0, depth - 1)
        if depth == 0 and _SPLIT_RE.match(ch):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    # Chinese names and unit names carry no meaningful spaces: "钟  涛" → "钟涛"
    cleaned = [re.sub(r"[\s\u3000]+", "", p) for p in parts]
    out = []
    for name in cleaned:
        if name and name not in out:
            out.append(name)
    return out


def clean_text(cell: str) -> str:
    """Verbatim text: only the ends are trimmed; a line break inside the prose stays (it is in the source)."""
    return (cell or "").strip()


def heading_text(cell: str) -> str:
    """Headings and categories ("一、\n推动高质量发展…") read as one line."""
    return "".join(line.strip() for line in (cell or "").splitlines() if line.strip())


def is_category_row(row: list[str], header: HeaderMap) -> str | None:
    values = [c.strip() for c in row if c and c.strip()]
    if not values:
        return None
    distinct = set(values)
    if len(distinct) == 1:
        only = heading_text(values[0])
        text_col = header.columns.get("text", header.columns.get("name"))
        # one text merged across the row, or a heading like "一、…" alone outside the text column
        # a CSV row may be shorter than its header (ragged rows): a missing text cell counts as empty
        text_cell = row[text_col] if text_col is not None and text_col < len(row) else ""
        if len(values) > 1 or CATEGORY_RE.match(only) or (text_col is not None and text_cell.strip() == ""):
            return only
    return None


def table_records(table: SourceTable, header: HeaderMap) -> tuple[list[RowRecord], list[str]]:
    """Records for every data row, plus notes on rows skipped and why."""
    cols = header.columns
    records, notes = [], []
    category = None

    def cell(row, name):
        index = cols.get(name)
        return row[index] if index is not None and index < len(row) else ""

    for index in range(header.row + 1, len(table.rows)):
        row = table.rows[index]
        if not any((c or "").strip() for c in row):
            continue
        heading = is_category_row(row, header)
        if heading:
            category = heading
            continue
        if [normalise(c) for c in row] == [normalise(c) for c in table.rows[header.row]]:
            continue  # header repeated on a new page
        raw_category = heading_text(cell(row, "category"))
        if raw_category:
            category = raw_category
        text = clean_text(cell(row, "text"))
        name = clean_text(cell(row, "name")) or None
        seq = heading_text(cell(row, "seq")) or None
        match = LEADING_SEQ_RE.match(text)
        if match and "seq" not in cols:
            seq, text = match.group(1), text[match.end():]
        if not text and not name:
            notes.append(f"{table.ref(index)}：没有任务或指标文字，已跳过")
            continue
        annual = clean_text(cell(row, "annual_target")) or None
        if header.name_holds_target and name:  # "地区生产总值增长6%左右" names the indicator and states its target
            name, named_target = split_named_target(name)
            annual = annual or named_target
        unit = cell(row, "unit").strip()
        if name and unit in _EMPTY:  # no 单位 column: the name's bracket (地区生产总值（亿元）) or the column's header
            unit = name_unit(name) or header.units.get("annual_target") or header.units.get("progress") or unit
        progress_cell = clean_text(cell(row, "progress"))
        if name and "growth" in cols and annual and _BARE.match(annual.strip()) and not _LEVEL_NAME.search(name) and (
                unit in ("%", "％") or _growth_not_level(annual, progress_cell, cell(row, "growth"))):
            annual = f"增长{annual.strip()}%"  # 地区生产总值 | % | 6 beside a growth column: the target is a growth
        elif annual and _BARE.match(annual.strip()) and header.units.get("annual_target"):
            annual = f"{annual.strip()}{header.units['annual_target']}"  # 年度目标（亿元） | 32
        if name:  # a 单位 column: the unit goes where Fuling's tables write it, 地区生产总值增速（%）
            name = with_unit(name, unit)
        records.append(RowRecord(
            ref=table.ref(index), text=text or name, seq=seq, category=category, name=name,
            annual_target=annual,
            leaders=split_names(cell(row, "leaders")), lead_units=split_names(cell(row, "lead_units")),
            coop_units=split_names(cell(row, "coop_units")),
            progress=(report_text(progress_cell, cell(row, "growth"), cell(row, "problems"), unit, cell(row, "percent_done"))
                      if set(PROGRESS_FIELDS) & cols.keys() else None),
            note=clean_text(cell(row, "note")) or None,
            deadline=clean_text(cell(row, "deadline")) or None,
        ))
    return records, notes


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
