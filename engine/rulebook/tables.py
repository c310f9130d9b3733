"""Decision tables (rules/tables/*.yaml): a banded rule family written as one table, one row per band.

    表名: 时序进度
    适用对象: 任务
    命中策略: first            # first：自上而下第一条满足的行生效；collect：满足的行都生效（按状态优先顺序取一个）
    前提: {完成率: 有}          # 表负责的范围：检查空档时只看这些情况
    行:
      - 编号: R-TP-04           # 行编号就是规则编号（result.json 的 findings[].rule）
        标题: 量化任务落后于时序进度
        落后时序: "({tolerance}, {severe_gap}]"      # 条件列：事实字段（中文名），单元格写法见 table_cells.py
        状态: 滞后
        严重程度: 警告
        督办级别: 提醒
        说明: "完成率{完成率:%}，低于时序进度{时序进度:%}（「{引文}」；目标「{目标原文}」）"
        示例: [...]             # 与规则文件的 examples 相同

Each row is turned into the mapping a rule file would hold and read by the same _RuleReader, so a
table compiles to the existing rule IR (engine/rulebook/ir.py) and every check and message of rule
files applies to its cells. Cells are ANDed in the order written in the row. The table-level checks
(gaps, overlaps, unreachable rows) are in table_check.py.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Collector, InputError, RuleError
from ..store.yamlio import LocDict, where
from .fields import resolve_field
from .hints import key_hint, show
from .ir import All, Not
from .table_cells import CellError, parse_cell

TABLE_KEYS = ("表名", "说明", "适用对象", "命中策略", "前提", "行")
POLICIES = {"first": "first", "首个": "first", "collect": "collect", "全部": "collect"}
# row key → the rule file's key (then.* for the outcome columns)
ROW_KEYS = {"编号": "id", "版本": "version", "标题": "title", "描述": "description", "状态": "status", "严重程度": "severity",
            "督办级别": "escalation", "说明": "message", "示例": "examples", "适用对象": "applies_to"}
OUTCOME = ("状态", "严重程度", "督办级别", "说明")
PLACEHOLDERS = {"引文": "quote", "目标原文": "target_quote", "编号": "item_id", "序号": "seq"}
TABLES_DIR = "tables"


@dataclass
class TableRow:
    table: str
    file: str
    number: int  # 1-based, as a clerk counts the rows
    line: int | None
    col: int | None
    cells: dict  # column (as written) → cell text
    outcome: dict  # 状态 / 严重程度 / 督办级别 → value
    policy: str


@dataclass
class Table:
    name: str
    file: str
    kinds: tuple
    policy: str
    scope: list  # alternatives, each a compiled condition (or None: everything)
    rows: list = field(default_factory=list)  # (TableRow, Rule)
    columns: list = field(default_factory=list)  # condition columns in order of first appearance
    line: int | None = None


def english_message(message):
    """{完成率:%} → {ratio:%}, {引文} → {quote}: the IR keeps the names classify formats with."""
    if not isinstance(message, str):
        return message
    try:
        parsed = list(string.Formatter().parse(message))
    except ValueError:
        return message  # the reader reports the unpaired brace
    out = []
    for literal, name, spec, conversion in parsed:
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            base = PLACEHOLDERS.get(name) or resolve_field(name) or name
            out.append("{" + base + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return "".join(out)


def _pos(node, key) -> tuple:
    at = where(node, key)
    return at.get("line"), at.get("col")


def _rule_mapping(row: LocDict, kinds_raw, errors: Collector, reader) -> tuple[LocDict, dict]:
    """The rule-file mapping for one row, with every key placed where the row wrote it."""
    data, then, conds, cells = LocDict(), LocDict(), [], {}
    reader.cell_failed = False
    data.line, data.col, data.key_pos = row.line, row.col, {}
    then.line, then.col, then.key_pos = row.line, row.col, {}
    for key, value in row.items():
        skey = str(key).strip()
        if skey in ROW_KEYS:
            target = ROW_KEYS[skey]
            node = then if skey in OUTCOME else data
            node[target] = english_message(value) if target == "message" else value
            node.key_pos[target] = _pos(row, key)
            continue
        at = where(row, key)
        cells[skey] = value
        try:
            cond = parse_cell(value, skey, at)
        except CellError as exc:
            errors.add(f"第 {reader.row_number} 行「{skey}」列：{exc.message}", hint=exc.hint, **at)
            reader.cell_failed = True
            continue
        if cond is not None:
            conds.append(cond)
    if "applies_to" not in data:  # a row may name its own 适用对象 (a task band beside its indicator mirror)
        data["applies_to"] = kinds_raw
        data.key_pos["applies_to"] = (row.line, row.col)
    data["then"] = then
    data.key_pos["then"] = (row.line, row.col)
    if conds:
        when = conds[0] if len(conds) == 1 else LocDict({"all": conds})
        if len(conds) > 1:
            when.line, when.col, when.key_pos = row.line, row.col, {"all": (row.line, row.col)}
        data["when"] = when
        data.key_pos["when"] = (row.line, row.col)
    for key in ("编号", "标题"):
        if key not in row:
            errors.add(f"第 {reader.row_number} 行缺少「{key}」", line=row.line, col=row.col,
                       hint="编号即规则编号，如 R-TP-04" if key == "编号" else "标题出现在报告里")
    if not conds and not reader.cell_failed:
        errors.add(f"第 {reader.row_number} 行没有任何条件列", line=row.line, col=row.col, hint="如 落后时序: \">= {tolerance}\"")
    return data, cells


def read_table(path: Path, data, make_reader) -> tuple[Table | None, list]:
    """(the table with its compiled rows, problems). make_reader(path) → a _RuleReader for that file."""
    errors = Collector(str(path))
    if not isinstance(data, dict):
        errors.add("决策表文件的顶层应为映射（表名、适用对象、命中策略、行……）", line=1, col=1)
        return None, errors.problems
    for key in data:
        if key not in TABLE_KEYS:
            errors.add(f"决策表中有未知的键「{key}」", hint=key_hint(key, TABLE_KEYS), **where(data, key))
    name = data.get("表名", path.stem)
    if name != path.stem:
        errors.add(f"表名「{show(name)}」应与文件名「{path.stem}」相同", hint="导出、导入表格时按文件名找表", **where(data, "表名"))
    policy = POLICIES.get(str(data.get("命中策略", "")).strip())
    if policy is None:
        errors.add(f"命中策略应为 first（第一条满足的行生效）或 collect（满足的行都生效），实为「{show(data.get('命中策略'))}」",
                   **(where(data, "命中策略") if "命中策略" in data else where(data)))
    rows_raw = data.get("行")
    if not isinstance(rows_raw, list) or not rows_raw:
        errors.add("「行」应为非空列表，每行以「- 编号: …」开头", **(where(data, "行") if "行" in data else where(data)))
        return None, errors.problems
    kinds_raw = data.get("适用对象", "任务")
    reader = make_reader(str(path))
    scope = _scope(data.get("前提"), where(data, "前提"), reader, errors)
    table = Table(name=str(name), file=str(path), kinds=(), policy=policy or "first", scope=scope, line=getattr(data, "line", None))
    for number, row in enumerate(rows_raw, start=1):
        if not isinstance(row, dict):
            errors.add(f"第 {number} 行应为映射（编号、条件列、状态……），实为「{show(row)}」", **where(rows_raw))
            continue
        reader = make_reader(str(path))
        reader.row_number = number
        rule_data, cells = _rule_mapping(row, kinds_raw, errors, reader)
        complete = "when" in rule_data and "id" in rule_data and "title" in rule_data
        rule = reader.rule(rule_data) if complete else None
        errors.problems.extend(reader.errors.problems)
        if rule is None:
            continue
        rule.param_refs = tuple(reader.param_refs)
        rule.referenced = {p for _, _, p in reader.param_refs} | reader.message_params
        rule.text_examples = reader.text_examples
        outcome = {k: row[k] for k in OUTCOME[:3] if k in row}
        meta = TableRow(table=table.name, file=str(path), number=number, line=row.line, col=row.col, cells=cells,
                        outcome=outcome, policy=table.policy)
        rule.table_row = meta
        table.kinds = rule.applies_to
        table.rows.append((meta, rule))
        for column in cells:
            if column not in table.columns:
                table.columns.append(column)
    return table, errors.problems


def _scope(raw, at, reader, errors) -> list:
    if raw is None:
        return [None]
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        if not isinstance(item, dict) or not item:
            errors.add("前提应为「列: 单元格」的映射（或几个映射的列表，满足其一即可）", **at)
            continue
        conds = []
        for column, cell in item.items():
            try:
                cond = parse_cell(cell, str(column), where(item, column))
            except CellError as exc:
                errors.add(f"前提「{column}」：{exc.message}", hint=exc.hint, **where(item, column))
                continue
            if cond is not None:
                compiled = reader.condition(cond, where(item, column))
                if compiled is not None:
                    conds.append(compiled)
        out.append(conds[0] if len(conds) == 1 else All(tuple(conds)) if conds else None)
    errors.problems.extend(reader.errors.problems)
    reader.errors.problems.clear()
    return out or [None]


def shadow(rule, earlier: list) -> None:
    """Under `first`, a row that overlaps earlier rows with the same outcome fires only where they do not."""
    if earlier:
        rule.when = All((rule.when, Not(earlier[0].when if len(earlier) == 1 else _any(earlier))))


def _any(rules):
    from .ir import Any_

    return Any_(tuple(r.when for r in rules))


def table_files(root: Path) -> list[Path]:
    folder = root / TABLES_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(".yaml") and not p.name.startswith("."))


def load_tables(root: Path, read_file, make_reader) -> tuple[list[Table], list]:
    """Every table under rules/tables/, checked (table_check.py); (tables, problems)."""
    from .table_check import check_table

    tables, problems = [], []
    for path in table_files(root):
        try:
            data = read_file(path)
        except (InputError, RuleError) as exc:
            problems.extend(exc.problems)
            continue
        table, found = read_table(path, data, make_reader)
        problems.extend(found)
        if table is not None and not found:
            problems.extend(check_table(table))
        if table is not None:
            tables.append(table)
    return tables, problems
