"""Place a table's columns by what they hold when the headers alone cannot: a target column headed
"2024年预期目标" whose cells also name the indicator ("地区生产总值增长6%左右"), a prose column under a
header no list knows. Also the clerk's own mapping (`--map 列名=字段`, `columns:` in the workspace).

Only tables the headers could not place are touched: a table whose headers name its task or
indicator column keeps exactly the reading it had.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..errors import InputError
from .headers import _LOOKUP, FIELD_LABELS, HeaderMap, normalise_header

SAMPLE_ROWS = 60  # enough rows to judge a column; a 50,000-row table is not read twice
MAJORITY = 0.6

# "地区生产总值增长6%左右" → 地区生产总值 | 增长6%左右; "城镇调查失业率控制在5.5%以内" → 城镇调查失业率 | 控制在5.5%以内
_VERB = r"(?:同比)?(?:增长|增速|下降|降低|提高|提升|达到|达|控制在|控制|保持在|保持|稳定在|稳定|突破|超过|完成|实现|新增|新建|累计|力争|不低于|不超过|低于|高于)"
_FIGURE = r"[约近超]?[-+]?\d+(?:\.\d+)?(?![A-Za-z\d])"
_NAMED_TARGET = re.compile(rf"^(?P<name>.*?[\u4e00-\u9fffA-Za-z）)].*?)(?P<target>{_VERB}\s*{_FIGURE}.*|{_FIGURE}.*)$", re.S)
_TRAILING_VERB = re.compile(rf"{_VERB}$")
_LEAD_SEQ = re.compile(r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[、.．]\s*(?!\d)")
_GROWTH_ROW = re.compile(r"\d(?:\.\d+)?\s*(?:%|％|个百分点)|左右|以上|以内|以下|不低于|不超过")
_INDICATOR_TITLE = re.compile(r"指标|预期目标|经济社会发展.{0,6}目标|国民经济和社会发展")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def split_named_target(cell: str) -> tuple[str, str | None]:
    """The indicator's name and its target from one cell; a cell with no figure is its own name and target."""
    text = _LEAD_SEQ.sub("", (cell or "").strip()).rstrip("。；;，,")
    match = _NAMED_TARGET.match(text)
    if match:
        name, target = match.group("name").strip(" ：:，,"), match.group("target").strip()
        verb = _TRAILING_VERB.search(name)  # "增长6.5%": the verb belongs to the target, and no name is left
        if verb:
            name, target = name[:verb.start()].strip(" ：:，,"), verb.group() + target
        if len(_CJK.findall(name)) >= 2 or len(re.findall(r"[A-Za-z]", name)) >= 2:
            return name, target
    return text, (text or None)


def with_unit(name: str, unit: str | None) -> str:
    """'地区生产总值增速' + '%' → '地区生产总值增速（%）'; a name that already ends in a bracketed unit keeps it."""
    unit = (unit or "").strip()
    if not unit or unit in ("/", "／", "-", "—") or re.search(r"[（(][^）)]*[）)]\s*[*＊]?$", name):
        return name
    return f"{name}（{unit}）"


def _column_cells(rows: list[list[str]], header: HeaderMap, col: int) -> list[str]:
    out = []
    for row in rows[header.row + 1: header.row + 1 + SAMPLE_ROWS]:
        cell = (row[col] if col < len(row) else "").strip()
        if cell and len(set(c.strip() for c in row if c.strip())) > 1:  # a category row merged across is no sample
            out.append(cell)
    return out


def _share(cells: list[str], test) -> float:
    return sum(1 for c in cells if test(c)) / len(cells) if cells else 0.0


def _is_named_target(cell: str) -> bool:
    name, target = split_named_target(cell)
    return target is not None and target != name


def _is_prose(cell: str) -> bool:
    return len(_CJK.findall(cell)) >= 6


def place_by_content(rows: list[list[str]], header: HeaderMap, title: str | None) -> HeaderMap | None:
    """A header map for a table whose headers name no task or indicator column, from its cells; None when the
    headers already did (the table keeps its reading) or the contents do not tell either."""
    if {"text", "name"} & header.columns.keys():
        return None
    width = max((len(r) for r in rows[header.row: header.row + 1 + SAMPLE_ROWS]), default=0)
    header_cells = rows[header.row] if header.row < len(rows) else []
    mapped = {col: name for name, col in header.columns.items()}
    candidates = [c for c in range(width) if mapped.get(c) in (None, "annual_target")]
    titled = bool(title and _INDICATOR_TITLE.search(title))
    for col in candidates:  # a target column whose cells also name the indicator
        cells = _column_cells(rows, header, col)
        if len(cells) < 1 or _share(cells, _is_named_target) < MAJORITY:
            continue
        head = normalise_header(header_cells[col] if col < len(header_cells) else "")
        indicator = titled or "预期" in head or "指标" in head or _share(cells, _GROWTH_ROW.search) >= 0.5
        columns = {k: v for k, v in header.columns.items() if v != col}
        if indicator:
            columns["name"] = col
        else:
            columns["text"] = col
        return replace(header, columns=columns, unmapped=[u for u in header.unmapped if u[0] != col],
                       name_holds_target=indicator, kind="indicators" if indicator else "tasks", how="按内容")
    for col in candidates:  # prose under a header no list knows: the task (or, by the title, indicator) column
        if mapped.get(col) is not None:
            continue
        cells = _column_cells(rows, header, col)
        if cells and _share(cells, _is_prose) >= MAJORITY:
            columns = dict(header.columns)
            columns["name" if titled else "text"] = col
            return replace(header, columns=columns, unmapped=[u for u in header.unmapped if u[0] != col],
                           kind="indicators" if titled else "tasks", how="按内容")
    return None


# ---------------------------------------------------------------- the clerk's own mapping

_FIELD_WORDS = {label: name for name, label in FIELD_LABELS.items()} | {name: name for name in FIELD_LABELS} | {
    "任务": "text", "工作任务": "text", "指标": "name", "指标名称及目标": "name_target", "指标和目标": "name_target",
    "领导": "leaders", "责任领导": "leaders", "责任单位": "lead_units", "牵头责任单位": "lead_units",
    "进展": "progress", "进展情况": "progress", "不导入": "ignore", "跳过": "ignore",
}


def field_of(word: str) -> str | None:
    """The field a clerk names, in Chinese or English: 指标名称 / name / 全年目标 / annual_target …"""
    norm = normalise_header(word)
    return _FIELD_WORDS.get(norm) or _FIELD_WORDS.get(norm.lower()) or _LOOKUP.get(norm)


def _known_fields() -> str:
    return "、".join(f"{label}（{name}）" for name, label in FIELD_LABELS.items())


def parse_column_map(pairs: list[str] | dict, source: str = "--map") -> dict[str, str]:
    """`["2024年预期目标=指标及目标", …]` or a mapping → {normalised header: field}; a clear error otherwise."""
    items = list(pairs.items()) if isinstance(pairs, dict) else []
    if not isinstance(pairs, dict):
        for pair in pairs:
            header, sep, word = str(pair).partition("=")
            if not sep:
                sep_index = max(str(pair).find("＝"), -1)
                header, word = (str(pair)[:sep_index], str(pair)[sep_index + 1:]) if sep_index >= 0 else (str(pair), "")
            items.append((header, word))
    out = {}
    for header, word in items:
        name = field_of(str(word)) if word is not None else None
        if not normalise_header(str(header)) or name is None:
            raise InputError(f"列名映射「{header}={word}」无法识别", field=source,
                             hint=f"写法为 列名=字段，字段可写：{_known_fields()}")
        out[normalise_header(str(header))] = name
    return out


def load_workspace_columns(root) -> dict[str, str]:
    """`columns:` in <workspace>/columns.yaml — the same mapping as --map, kept with the workspace."""
    from pathlib import Path

    from ..store.yamlio import load_yaml

    path = Path(root) / "columns.yaml"
    if not path.exists():
        return {}
    data = load_yaml(path) or {}
    columns = data.get("columns") if isinstance(data, dict) else None
    if columns is None:
        return {}
    if not isinstance(columns, dict):
        raise InputError("columns 应为「列名: 字段」的映射", file=str(path), field="columns",
                         hint="例如 columns:\n  2024年预期目标: 指标及目标")
    return parse_column_map(columns, source=f"{path} columns")
