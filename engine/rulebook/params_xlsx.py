"""rules/params.yaml ⇄ an .xlsx sheet the office can edit without touching YAML.

The sheet「参数」has one row per parameter: 名称 | 值 | 说明 (the YAML comment, for reading only).
Nested parameters are named with a dot (time_progress.method). A word list is one cell, items
separated by "、" (or line breaks inside the cell); a month/step table (curve, escalation_streak) is
one cell like "1: 提醒、2: 督办". Import checks every row against the type of the current value and
writes params.yaml only when all rows are valid and the resulting rulebook still loads; values not
changed are left byte for byte, so comments and formatting survive.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, RuleError
from ..library_messages import broken_file
from ..store.yamlio import atomic_write_bytes, atomic_write_text, dump_roundtrip, load_yaml_text, roundtrip_yaml
from .hints import ZH_BOOLS, bool_hint, number_hint, show, suggest
from .load_params import read_source

SHEET = "参数"
HEADER = ("名称", "值", "说明")
SEP = "、"
FORMULA_START = ("=", "+", "-", "@")
NUMBER = re.compile(r"[-+]?(0|[1-9]\d*)(\.\d+)?")
README = (
    "填写说明",
    "每行一个参数：只改「值」一列，「名称」不要改，「说明」只供阅读（来自 params.yaml 的注释，导入时不读）。",
    "比例写成小数：15 个百分点写 0.15，也可以在单元格里写 15%。",
    "词表写在一个单元格里，用顿号「、」分隔，如：暂缓、暂停、停工。“…”表示中间可隔任意文字。",
    "曲线、连续滞后升级这类对照表写成「1: 提醒、2: 督办」。",
    "导入：duban rules import-params 参数.xlsx —— 任何一行有误都不会写入，并指出是第几行。",
)


@dataclass
class Row:
    name: str
    kind: str  # num | str | bool | list | map
    value: object
    note: str


# ---------------------------------------------------------------- reading params.yaml

def _kind(value) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "num"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "list"
    if isinstance(value, dict) and all(isinstance(k, int) and not isinstance(k, bool) for k in value):
        return "map"
    return None


def _plain(value):
    """ruamel's scalar subclasses as plain Python values."""
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def _comment(lines: list[str], index: int) -> str:
    """The comment lines right above line `index` (0-based) plus the comment at its end."""
    above = []
    i = index - 1
    while i >= 0 and lines[i].strip().startswith("#"):
        above.insert(0, lines[i].strip().lstrip("#").strip())
        i -= 1
    eol = _eol_comment(lines[index]) if index < len(lines) else ""
    if not above and not eol:  # a key inside a paragraph shares the paragraph's heading comment
        while i >= 0 and lines[i].strip() and not lines[i].startswith((" ", "-")):
            i -= 1
            if i >= 0 and lines[i].strip().startswith("#"):
                return _comment(lines, i + 1)
    return " ".join(part for part in ("".join(above), eol) if part)


def _eol_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i + 1:].strip()
    return ""


def param_rows(data, text: str, skipped: list | None = None) -> list[Row]:
    """One Row per parameter a cell can hold; the names of any others go to `skipped` (never silently)."""
    lines = text.splitlines()
    rows = []
    skipped = [] if skipped is None else skipped
    for key, value in data.items():
        kind = _kind(value)
        if kind is None and isinstance(value, dict) and all(isinstance(k, str) for k in value):
            for sub, subvalue in value.items():  # a group such as time_progress: one row per member
                subkind = _kind(subvalue)
                if subkind is None:
                    skipped.append(f"{key}.{sub}")
                else:
                    rows.append(Row(f"{key}.{sub}", subkind, _plain(subvalue), _comment(lines, value.lc.key(sub)[0])))
        elif kind is None:
            skipped.append(str(key))
        else:
            rows.append(Row(str(key), kind, _plain(value), _comment(lines, data.lc.key(key)[0])))
    return rows


def _load(rules_dir: Path):
    path = Path(rules_dir) / "params.yaml"
    if not path.exists():
        raise RuleError("规则目录缺少 params.yaml（参数表）", file=str(path))
    text = read_source(path)
    load_yaml_text(text, str(path))  # the safe loader first: tags, duplicate keys and syntax errors say where
    return path, text, roundtrip_yaml().load(text)


# ---------------------------------------------------------------- export

def cell_text(row: Row):
    if row.kind == "list":
        return SEP.join(row.value)
    if row.kind == "map":
        return SEP.join(f"{k}: {show(v)}" for k, v in row.value.items())
    return row.value


def export_params(rules_dir: str | Path, out: str | Path) -> tuple[list[Row], list[str]]:
    """(rows written, names of parameters too complex for a cell — edit those in params.yaml)."""
    from openpyxl.styles import Alignment

    path, text, data = _load(Path(rules_dir))
    skipped: list[str] = []
    rows = param_rows(data, text, skipped)
    for row in rows:
        items = row.value if row.kind == "list" else []
        bad = [w for w in items if SEP in w]
        if bad:
            raise RuleError(f"参数「{row.name}」中的词「{bad[0]}」含有顿号「、」，放进表格后无法区分", file=str(path),
                            hint="请先在 params.yaml 中把它拆成两个词，或用“…”连接")
    wb, ws = new_workbook(SHEET, HEADER)
    for row in rows:
        ws.append([row.name, None, row.note])
        r = ws.max_row
        set_cell(ws.cell(r, 1), row.name)
        set_cell(ws.cell(r, 2), cell_text(row))
        set_cell(ws.cell(r, 3), row.note)
        ws.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, 3).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    for col, width in zip("ABC", (26, 60, 70)):
        ws.column_dimensions[col].width = width
    add_notes(wb, README, 110)
    save_workbook(wb, out)
    return rows, skipped


def new_workbook(title: str, header):
    """A workbook whose first sheet is `title` with a bold header row: (workbook, sheet)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    return wb, ws


def add_notes(wb, lines, width: int) -> None:
    """A sheet named lines[0] with one line of instructions per row."""
    notes = wb.create_sheet(lines[0])
    for line in lines[1:]:
        notes.append([line])
    notes.column_dimensions["A"].width = width


def set_cell(cell, value) -> None:
    """Text that Excel would read as a formula (= + - @) is stored and shown as text."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True


# ---------------------------------------------------------------- import

def _parse(row: Row, cell):
    """(value, None) or (None, (message, hint))."""
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        return None, (f"是公式「{value}」", "请直接填写值，不要用公式")
    if isinstance(value, str):
        value = value.strip()
    if row.kind == "num":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and NUMBER.fullmatch(value):
            number = float(value) if "." in value else int(value)
        elif isinstance(value, str) and re.fullmatch(r"[-+]?\d+(\.\d+)?[%％]", value):
            number = float(value[:-1]) / 100
        else:
            return None, (f"应为数字，实为「{show(value)}」", number_hint(value) if isinstance(value, str) else None)
        if isinstance(row.value, int) and float(number).is_integer():
            return int(number), None
        return float(number) if isinstance(row.value, float) else number, None
    if row.kind == "bool":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true", None
        if isinstance(value, str) and value in ZH_BOOLS:
            return ZH_BOOLS[value], None
        return None, (f"应为 true 或 false，实为「{show(value)}」", bool_hint(value))
    if row.kind == "str":
        if not isinstance(value, str) or not value:
            return None, (f"应为文字，实为「{show(value)}」", None)
        return value, None
    text = "" if value is None else str(int(value) if isinstance(value, float) and value.is_integer() else value)
    items = [p.strip() for p in re.split(r"[、\n]", text) if p.strip()]
    if row.kind == "list":
        return items, None
    out = {}
    numeric = all(isinstance(v, (int, float)) for v in row.value.values()) if row.value else None
    for item in items:
        m = re.fullmatch(r"(\d+)\s*[:：]\s*(.+)", item)
        if not m:
            return None, (f"「{item}」应写成「月份或期数: 值」", "如 1: 提醒、2: 督办")
        key, raw = int(m.group(1)), m.group(2).strip()
        if numeric is None:
            numeric = bool(NUMBER.fullmatch(raw))
        if numeric and not NUMBER.fullmatch(raw):
            return None, (f"「{item}」中的「{raw}」应为数字", number_hint(raw))
        out[key] = (float(raw) if numeric else raw)
    return out, None


def open_workbook(xlsx: Path):
    """The workbook, or a RuleError in Chinese naming the file (missing, not an .xlsx, damaged)."""
    from openpyxl import load_workbook

    try:
        return load_workbook(xlsx, data_only=False)
    except FileNotFoundError:
        raise RuleError("文件不存在", file=str(xlsx)) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RuleError(f"不是有效的 .xlsx 文件（{broken_file(exc, 'xlsx')}）", file=str(xlsx), hint="请用 Excel 或 WPS 另存为 .xlsx") from None


def save_workbook(wb, out) -> None:
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(out, buf.getvalue())


def read_sheet(xlsx: Path, rows: list[Row]) -> tuple[dict, list[Problem]]:
    """{name: new value} for every valid row, and the problems found (each names its sheet row)."""
    wb = open_workbook(xlsx)
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    header = [str(c.value).strip() if c.value is not None else "" for c in ws[1]]
    if "名称" not in header or "值" not in header:
        raise RuleError(f"工作表「{ws.title}」第 1 行应有「名称」和「值」两列", file=str(xlsx), line=1)
    name_col, value_col = header.index("名称"), header.index("值")
    by_name = {row.name: row for row in rows}
    problems, values, seen = [], {}, {}
    for r, cells in enumerate(ws.iter_rows(min_row=2), start=2):
        name = cells[name_col].value if name_col < len(cells) else None
        cell = cells[value_col] if value_col < len(cells) else None
        name = str(name).strip() if name is not None else ""
        if not name:
            if cell is not None and cell.value not in (None, ""):
                problems.append(Problem(f"第 {r} 行有值但没有名称", file=str(xlsx), line=r))
            continue
        where = f"第 {r} 行（{name}）"
        if name not in by_name:
            problems.append(Problem(f"第 {r} 行：params.yaml 中没有参数「{name}」", file=str(xlsx), line=r,
                                    hint=suggest(name, by_name) or "新参数请直接加在 params.yaml 中"))
            continue
        if name in seen:
            problems.append(Problem(f"{where}：与第 {seen[name]} 行重复", file=str(xlsx), line=r))
            continue
        seen[name] = r
        value, error = _parse(by_name[name], cell)
        if error:
            problems.append(Problem(f"{where}：{error[0]}", file=str(xlsx), line=r, col=value_col + 1, hint=error[1]))
        else:
            values[name] = value
    return values, problems


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return abs(a - b) < 1e-12
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def _apply(data, name: str, kind: str, value) -> None:
    parent, key = (data[name.split(".")[0]], name.split(".", 1)[1]) if "." in name else (data, name)
    if kind == "list":
        _set_list(parent[key], value)
    elif kind == "map":
        node = parent[key]
        flow = node.fa.flow_style() or not node  # curve: {} stays on one line, with its comment
        for k in [k for k in node if k not in value]:
            del node[k]
        for k, v in value.items():
            node[k] = v
        if flow:
            node.fa.set_flow_style()
    else:
        parent[key] = value  # the end-of-line comment belongs to the parent mapping, so it stays


def _set_list(seq, new: list) -> None:
    """Change a list in place: the comment block after its last item (the next parameter's heading)
    stays after the last item."""
    tail = seq.ca.items.pop(len(seq) - 1, None) if len(seq) else None
    for i, item in enumerate(new[: len(seq)]):
        if seq[i] != item:
            seq[i] = item
    while len(seq) > len(new):
        del seq[len(seq) - 1]
    for item in new[len(seq):]:
        seq.append(item)
    for index in [i for i in seq.ca.items if i >= len(seq) - 1]:
        seq.ca.items.pop(index)
    if tail is not None and len(seq):
        seq.ca.items[len(seq) - 1] = tail


def import_params(xlsx: str | Path, rules_dir: str | Path, dry_run: bool = False) -> tuple[list[tuple], list[str]]:
    """([(name, old, new)], [names absent from the sheet]). Writes params.yaml only if all is valid."""
    from .load import load_rulebook

    path, text, data = _load(Path(rules_dir))
    rows = param_rows(data, text)
    values, problems = read_sheet(Path(xlsx), rows)
    if problems:
        raise RuleError(problems=problems)
    changes = []
    for row in rows:
        if row.name in values and not _same(row.value, values[row.name]):
            changes.append((row.name, row.value, values[row.name]))
            _apply(data, row.name, row.kind, values[row.name])
    missing = [row.name for row in rows if row.name not in values]
    if not changes:
        return changes, missing
    new_text = dump_roundtrip(data)
    try:
        load_rulebook(Path(rules_dir), params_text=new_text)
    except RuleError as exc:
        intro = Problem("按表中的值修改后，规则库将有以下错误，params.yaml 未改动：", file=str(xlsx))
        raise RuleError(problems=[intro] + exc.problems) from None
    if not dry_run:
        atomic_write_text(path, new_text)
    return changes, missing
