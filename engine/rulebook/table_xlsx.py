"""rules/tables/<表名>.yaml ⇄ an .xlsx sheet: one row per band, the office edits thresholds in Excel or WPS.

Sheet「<表名>」: 编号 | 标题 | [适用对象] | the condition columns | 状态 | 严重程度 | 督办级别 | 说明, with drop-down lists
(data validation) on 适用对象 / 状态 / 严重程度 / 督办级别. Examples (示例) and descriptions (描述) stay in the YAML.
Import matches rows by 编号 (a new 编号 adds a band, a row left out removes it; the sheet's order is the table's
order), checks every cell, then loads the whole rulebook with the new table — gaps and overlaps included — and
writes the YAML only when all is well; every problem names the sheet, row and column.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..errors import Problem, RuleError
from ..store.yamlio import atomic_write_text, dump_roundtrip, load_roundtrip, load_yaml_text
from .hints import show, suggest
from .ir import SEVERITY_ZH, STATUSES_INDICATOR, STATUSES_TASK
from .params_xlsx import add_notes, new_workbook, open_workbook, save_workbook, set_cell
from .table_cells import CellError, parse_cell
from .tables import OUTCOME, TABLES_DIR

LEAD = ("编号", "标题")
KINDS_ZH = ("任务", "指标")
README = (
    "填写说明",
    "每行一档：改条件列和结论列（状态、严重程度、督办级别、说明）；「编号」是规则编号，result.json 中按它引用，请勿随意改。",
    "条件单元格写法：>= 1.0、< {ahead_margin}、({tolerance}, {severe_gap}]（圆括号不含端点，方括号含端点）、左右、左右、以上（属于其一）、"
    "非 左右、以上（不属于）、有 / 无（有没有这个值）、是 / 否；空着表示不限。{参数名} 引用 params.yaml 中的参数。",
    "命中策略 first：自上而下第一条满足的行生效，所以行的先后有意义；加一档就插入一行（编号不要与别的规则重复）。",
    "导入：duban rules import-table 表格.xlsx —— 会先检查空档（某个值没有任何一行适用）和重叠，有误不写入，并指出第几行哪一列。",
    "示例（示例）和描述只在 YAML 中，导入时保留。",
)


def _table_path(rules_dir: Path, name: str) -> Path:
    path = Path(rules_dir) / TABLES_DIR / f"{name}.yaml"
    if not path.is_file():
        have = sorted(p.stem for p in (Path(rules_dir) / TABLES_DIR).glob("*.yaml")) if (Path(rules_dir) / TABLES_DIR).is_dir() else []
        raise RuleError(f"没有名为「{name}」的决策表", file=str(path), hint=suggest(name, have) or f"现有：{'、'.join(have) or '无'}")
    return path


def _columns(rows) -> list[str]:
    conditions, kinds = [], False
    for row in rows:
        for key in row:
            if key == "适用对象":
                kinds = True
            elif key not in LEAD and key not in OUTCOME and key not in ("版本", "描述", "示例") and key not in conditions:
                conditions.append(key)
    return list(LEAD) + (["适用对象"] if kinds else []) + conditions + list(OUTCOME)


def export_table(rules_dir, name: str, out) -> int:
    """Write the sheet; the number of rows (bands) written."""
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.datavalidation import DataValidation

    from .load import load_rulebook

    book = load_rulebook(rules_dir)  # a table with mistakes is fixed in the YAML first
    path = _table_path(Path(rules_dir), name)
    data = load_yaml_text(path.read_text(encoding="utf-8"), str(path))
    rows = data["行"]
    columns = _columns(rows)
    wb, ws = new_workbook(name, columns)
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            value = row.get(column)
            set_cell(ws.cell(r, c), value if not isinstance(value, bool) else ("是" if value else "否"))
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
    kinds = {k for rule in book.rules if rule.table_row and rule.table_row.table == name for k in rule.applies_to}
    statuses = (STATUSES_TASK if "task" in kinds else ()) + (STATUSES_INDICATOR if "indicator" in kinds else ())
    lists = {"状态": list(dict.fromkeys(statuses)), "严重程度": list(SEVERITY_ZH.values()),
             "督办级别": [str(v) for v in book.params.get("escalation_ladder") or []], "适用对象": list(KINDS_ZH)}
    last = max(ws.max_row, 2) + 50  # room for bands the office adds
    for column, options in lists.items():
        if column in columns and options:
            letter = ws.cell(1, columns.index(column) + 1).column_letter
            dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                                error=f"{column}只能从列表中选：{'、'.join(options)}", errorTitle=f"{column}有误")
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "C2"
    for c, column in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(1, c).column_letter].width = 48 if column == "说明" else 26 if column == "标题" else 18
    add_notes(wb, README, 120)
    save_workbook(wb, out)
    return len(rows)


def _sheet_rows(xlsx: Path, name: str) -> tuple[str, list[tuple[int, dict, dict]], list[Problem]]:
    """(sheet title, [(sheet row, {column: value}, {column: cell ref})], problems)."""
    wb = open_workbook(xlsx)
    ws = wb[name] if name in wb.sheetnames else wb.worksheets[0]
    sheet = f"工作表「{ws.title}」"
    header = [str(c.value).strip() if c.value is not None else "" for c in ws[1]]
    problems = []
    if "编号" not in header:
        raise RuleError(f"{sheet}第 1 行应有「编号」列", file=str(xlsx), line=1)
    rows, seen = [], {}
    for r, cells in enumerate(ws.iter_rows(min_row=2), start=2):
        values, refs = {}, {}
        for column, cell in zip(header, cells):
            if not column:
                continue
            value = cell.value.strip() if isinstance(cell.value, str) else cell.value
            if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=") and not cell.quotePrefix):
                problems.append(Problem(f"{sheet}第 {r} 行「{column}」列（{cell.coordinate}）是公式「{show(value)}」", file=str(xlsx), line=r,
                                        col=cell.column, hint="请直接填写单元格内容，不要用公式"))
                continue
            if value not in (None, ""):
                values[column], refs[column] = value, cell.coordinate
        if not values:
            continue
        rid = values.get("编号")
        if not isinstance(rid, str) or not rid.strip():
            problems.append(Problem(f"{sheet}第 {r} 行缺少「编号」", file=str(xlsx), line=r, hint="编号即规则编号，如 R-TP-04"))
            continue
        if rid in seen:
            problems.append(Problem(f"{sheet}第 {r} 行：编号「{rid}」与第 {seen[rid]} 行重复", file=str(xlsx), line=r))
            continue
        seen[rid] = r
        rows.append((r, values, refs))
    return sheet, rows, problems


def import_table(xlsx, rules_dir, name: str | None = None, dry_run: bool = False) -> tuple[str, list[tuple]]:
    """(table name, [(编号, column, old, new)]). Writes the table's YAML only if the sheet and the resulting rulebook are valid."""
    xlsx, rules_dir = Path(xlsx), Path(rules_dir)
    if name is None:
        name = open_workbook(xlsx).worksheets[0].title
    path = _table_path(rules_dir, name)
    data = load_roundtrip(path)
    sheet, rows, problems = _sheet_rows(xlsx, name)
    old_rows = {str(row.get("编号")): row for row in data["行"]}
    changes, new_rows = [], []
    for r, values, refs in rows:
        for column, value in values.items():
            if column in LEAD or column in OUTCOME or column in ("适用对象", "版本"):
                continue
            try:
                parse_cell(value, column, {})
            except CellError as exc:
                problems.append(Problem(f"{sheet}第 {r} 行「{column}」列（{refs[column]}）：{exc.message}", file=str(xlsx), line=r, hint=exc.hint))
        rid = values["编号"]
        row = old_rows.get(rid)
        if row is None:
            from ruamel.yaml.comments import CommentedMap

            row = CommentedMap()
            changes.append((rid, "（新增一档）", None, None))
        for column in [k for k in row if k not in values and k not in ("版本", "描述", "示例")]:
            changes.append((rid, column, row[column], None))
            del row[column]
        for column, value in values.items():
            value = str(value) if isinstance(value, str) else value
            if row.get(column) != value:
                changes.append((rid, column, row.get(column), value))
                row[column] = value
        new_rows.append(row)
    removed = [rid for rid in old_rows if rid not in {v["编号"] for _, v, _ in rows}]
    changes.extend((rid, "（删去此档）", None, None) for rid in removed)
    if problems:
        raise RuleError(problems=problems)
    if not changes:
        return name, changes
    data["行"][:] = new_rows
    text = dump_roundtrip(data)
    _check_candidate(rules_dir, path, text, sheet, rows, xlsx)
    if not dry_run:
        atomic_write_text(path, text)
    return name, changes


def _check_candidate(rules_dir: Path, path: Path, text: str, sheet: str, rows, xlsx: Path) -> None:
    """Load the whole rulebook with the new table in a scratch copy; problems placed on the sheet's rows."""
    from .load import load_rulebook

    with tempfile.TemporaryDirectory(prefix="duban-table-") as tmp:
        scratch = Path(tmp) / "rules"
        shutil.copytree(rules_dir, scratch, ignore=shutil.ignore_patterns("lexicon", "audit", ".*"))
        target = scratch / TABLES_DIR / path.name
        target.write_text(text, encoding="utf-8")
        try:
            load_rulebook(scratch)
        except RuleError as exc:
            starts = [getattr(row, "line", None) for row in load_yaml_text(text, str(target))["行"]]
            out = [Problem("按表中的内容修改后，规则库将有以下错误，决策表未改动：", file=str(xlsx))]
            for problem in exc.problems:
                index = max((i for i, line in enumerate(starts) if line and problem.line and line <= problem.line), default=None)
                if problem.file == str(target) and index is not None and index < len(rows):
                    out.append(Problem(f"{sheet}第 {rows[index][0]} 行（{rows[index][1]['编号']}）：{problem.message}", file=str(xlsx),
                                       line=rows[index][0], hint=problem.hint))
                else:
                    out.append(Problem(problem.message, file=str(path) if problem.file == str(target) else problem.file,
                                       line=problem.line, col=problem.col, hint=problem.hint))
            raise RuleError(problems=out) from None

