"""`duban import`: tables → workspace facts (plan.yaml, progress/<period>.yaml).

Importing again updates the files in place through ruamel: comments, key order and fields a clerk
added by hand survive; items marked `reviewed: true` keep their hand-corrected readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import InputError, Problem
from ..facts.workspace import load_plan, load_progress, period_months
from ..periods import check_date, check_year
from .diff import plan_changes, progress_changes
from .columns import load_workspace_columns, parse_column_map
from .headers import FIELD_LABELS, PROGRESS_FIELDS, describe_missing, find_header, header_field, normalise_header
from .merge import Merger, child
from .state import ImportState
from ..store.lock import LOCK_NAME, workspace_lock
from ..progress import stage
from .rows import table_records
from .csv_xlsx import read_tables
from ..store.yamlio import atomic_write_text, dump_roundtrip, load_roundtrip

SCHEMA_PLAN = "duban/plan@1"
SCHEMA_PROGRESS = "duban/progress@1"
# An annex title that states a status ("附件3 前三季度未实现“依时序推进”目标任务"): recorded as the
# rows' reported_status for the audit, never used as the judged status.
_STATUS_TITLES = (
    (re.compile(r"未实现.{0,2}依?时序.{0,2}推进|推进较为滞后|进展滞后|滞后的|严重滞后"), "滞后"),
    (re.compile(r"正常推进|依时序推进的|按时序推进的"), "正常"),
    (re.compile(r"已完成的|已经完成的"), "已完成"),
)


@dataclass
class ImportReport:
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # files written (or that would be, with --dry-run)
    diff: list[str] = field(default_factory=list)  # item-level changes, in words
    unmatched: list[str] = field(default_factory=list)  # rows that joined no plan item
    stats: dict = field(default_factory=dict)

    def add_stat(self, key: str, n: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + n

    def stats_text(self) -> str:
        """The counts in words: 任务按序号对应 192，指标新增 13，进展条目 219 …"""
        return "，".join(f"{stat_label(k)} {v}" for k, v in sorted(self.stats.items()))


_KIND_ZH = {"tasks": "任务", "indicators": "指标"}
_STAT_ZH = {"progress_entries": "进展条目", "reported_status": "带上报状态的行"}


def stat_label(key: str) -> str:
    """tasks_matched_序号 → 任务按序号对应; tasks_new → 新增任务; indicators_duplicate → 指标重复列示."""
    if key in _STAT_ZH:
        return _STAT_ZH[key]
    kind, _, rest = key.partition("_")
    noun = _KIND_ZH.get(kind, kind)
    if rest.startswith("matched_"):
        return f"{noun}按{rest[len('matched_'):]}对应"
    return {"new": f"新增{noun}", "duplicate": f"{noun}重复列示"}.get(rest, key)


def annex_status(title: str | None) -> str | None:
    for pattern, status in _STATUS_TITLES:
        if title and pattern.search(title):
            return status
    return None


def _new_plan(region: str, year: int) -> CommentedMap:
    plan = CommentedMap()
    plan["schema"] = SCHEMA_PLAN
    plan["region"] = region
    plan["year"] = year
    plan["source"] = CommentedSeq()
    plan["indicators"] = CommentedSeq()
    plan["tasks"] = CommentedSeq()
    return plan


def _check_options(root: Path, year, period, as_of) -> None:
    for folder in (root, *root.parents):
        if folder.exists():
            if not folder.is_dir():
                raise InputError("这是一个文件，不是工作区文件夹" if folder == root else f"路径中的「{folder}」是文件，不是文件夹",
                                 file=str(root), field="--into", hint="请给出一个文件夹，不存在时会新建")
            break
    if year is not None:
        check_year(year)
    if period is not None:
        period_months(period)
    if as_of is not None:
        check_date(as_of, "--as-of")


def import_files(files: list[str], into: str, *, region: str | None = None, year: int | None = None,
                 period: str | None = None, as_of: str | None = None, sheet: str | None = None,
                 dry_run: bool = False, force: bool = False, column_map: list[str] | None = None) -> ImportReport:
    root = Path(into)
    _check_options(root, year, period, as_of)  # at the door: what check would refuse later is refused now
    existed = root.exists()
    try:
        with workspace_lock(into, create=not dry_run):
            report = _import(files, into, region, year, period, as_of, sheet, dry_run, force, column_map)
            if not dry_run:
                prime_caches(root, report)
            return report
    except BaseException:
        if not existed and root.is_dir():  # a failed first import leaves nothing behind
            (root / LOCK_NAME).unlink(missing_ok=True)
            if not any(root.iterdir()):
                root.rmdir()
        raise


def _import(files, into, region, year, period, as_of, sheet, dry_run, force, column_map=None) -> ImportReport:
    report = ImportReport()
    root = Path(into)
    # the clerk's column names: the workspace's columns.yaml, then --map on top (the command line is the latest word)
    overrides = load_workspace_columns(root) | parse_column_map(column_map or [])
    state = ImportState(root, force)
    plan_path = root / "plan.yaml"
    if period is not None:
        period_months(period)  # validates the format, raises a Chinese error
    # the existing facts pass the same checks as `duban check` before anything is merged into them: a hand-edited
    # mistake (`tasks: 5`, `year: abc`) is refused with file:line, not met later as a traceback
    checked = load_plan(plan_path) if plan_path.exists() else None
    if checked is None:
        if not region or not year:
            raise InputError("新建工作区需要指明地区和年度", field="--region/--year", hint="例如 --region 涪陵区 --year 2023")
        plan = _new_plan(region, year)
    else:
        if region and checked.region != region:
            report.warnings.append(f"工作区地区为「{checked.region}」，忽略 --region {region}")
        if year and checked.year != year:
            report.warnings.append(f"工作区年度为 {checked.year}，忽略 --year {year}")
        plan, year = load_roundtrip(plan_path), checked.year
    if period and int(period[:4]) != year:
        raise InputError(f"报告期 {period} 不在计划年度 {year} 内", field="--period")

    progress_path = root / "progress" / f"{period}.yaml" if period else None
    progress = None
    if progress_path and progress_path.exists():
        load_progress(progress_path, {item.id for item in checked.items()} if checked else set())
        progress = load_roundtrip(progress_path)

    merger = Merger(plan, progress, period, report, state)
    tables_used = 0
    for file in files:
        rows_in_file, empty = 0, []  # empty: header-only tables, with the notes on the rows they skipped
        for table in read_tables(file, sheet):
            report.warnings.extend(f"{table.source} {w}" for w in table.warnings)  # e.g. formulas never calculated
            header = find_header(table.rows, title=table.title, overrides=overrides)
            if header is None:
                report.warnings.append(skipped_table_message(table, overrides))
                continue
            tables_used += 1
            records, notes = table_records(table, header)
            if not records:
                empty.append((table, notes))
                continue
            rows_in_file += len(records)
            for col, text in header.unmapped:
                report.warnings.append(f"{table.source} {table.location}：第{col + 1}列「{text.strip()}」无法识别，未导入")
            report.warnings.extend(duplicate_column_notes(table, header, overrides))
            if "next_steps" in header.columns:
                col = header.columns["next_steps"]
                report.warnings.append(f"{table.source} {table.location}：第{col + 1}列「{table.rows[header.row][col].strip()}」"
                                       "是下步工作安排，不参与判定，未导入")
            problems_col = header.columns.get("problems")
            if problems_col is not None and re.search(r"下一?步|下阶段", table.rows[header.row][problems_col]):
                report.warnings.append(f"{table.source} {table.location}：第{problems_col + 1}列"
                                       f"「{table.rows[header.row][problems_col].strip()}」只导入存在问题；"
                                       "其中的下步打算是下步工作安排，不参与判定")
            report.warnings.extend(f"{table.source} {notes_line}" for notes_line in notes)
            kind = header.table_kind
            has_progress = bool(set(PROGRESS_FIELDS) & header.columns.keys())
            if has_progress and not period:
                raise InputError("表格含有进展/完成情况列，需要用 --period 指明报告期（例如 2023-09 表示 1-9月）",
                                 file=table.source, field="--period")
            if has_progress and merger.progress is None:
                merger.progress = _new_progress(period, as_of)
            status = annex_status(table.title)
            merger.merge(records, kind, table.source, status, has_progress)
            how = {"两行表头": "（两行表头）", "按内容": "（按内容识别列）"}.get(header.how, "")
            report.lines.append(f"{table.source} {table.location}{how}：{'指标' if kind == 'indicators' else '任务'} {len(records)} 行"
                                f"{'，含进展' if has_progress else ''}{f'，标题表明状态「{status}」（仅记为上报状态）' if status else ''}")
            if Path(table.source).name not in [str(s) for s in plan.get("source") or []]:
                child(plan, "source").append(Path(table.source).name)
        if empty and not rows_in_file:  # a blank template, or the wrong file: nothing to import from it
            raise InputError("表格只有表头、没有任务或指标行", file=file,
                             hint="请确认选的不是空白模板，或在表头下填好任务/指标后再导入",
                             problems=[Problem(f"{table.location} {note}", file=file) for table, notes in empty for note in notes[:20]])
        report.warnings.extend(f"{table.source} {table.location}：表格只有表头、没有任务或指标行，已跳过" for table, _ in empty)
    if tables_used == 0:  # say, per table, what was found and how to name the columns
        skipped = [w for w in report.warnings if "未找到可识别的表头" in w]
        raise InputError("所给文件中没有可识别的表格（需要“目标任务/工作任务/指标名称”等表头）", file=", ".join(files),
                         problems=[Problem(w) for w in skipped])

    progress = merger.progress
    if progress is not None and as_of:
        progress["as_of"] = as_of
    if state.conflicts and not force:
        raise InputError(problems=[Problem(f"手工修改过的内容会被覆盖：{c}") for c in state.conflicts[:50]]
                         + [Problem(f"共 {len(state.conflicts)} 处手工修改；未写入任何文件", hint="核对后用 --force 覆盖（会先备份原文件到 .duban/backup/），"
                                    "或把手工修改同步到来源表格")])
    if state.conflicts and not dry_run:
        for saved in state.backup([plan_path] + ([progress_path] if progress_path else [])):
            report.warnings.append(f"已备份原文件到 {saved}")
        report.warnings.extend(f"已覆盖手工修改：{c}" for c in state.conflicts)
    _write(plan_path, plan, dry_run, report, plan_changes)
    if progress is not None and progress_path is not None:
        _write(progress_path, progress, dry_run, report, progress_changes)
    if not dry_run:
        state.save()
    return report


def prime_caches(root: Path, report: ImportReport) -> None:
    """The facts just written, parsed now and kept in .duban/cache/ with the lexicon (facts_cache.py): the first
    `duban check` after an import reads them instead of parsing the YAML again (~0.25 s of a district's 1.2 s)."""
    from .. import facts_cache
    from ..facts.workspace import load_workspace

    try:
        with facts_cache.writing():
            load_workspace(root)
            facts_cache.prime_lexicon(root)
    except InputError as exc:  # what was just written does not load: say so now, not at the first check
        report.warnings.append(f"导入后读取工作区时发现问题：{exc}")


def skipped_table_message(table, overrides: dict | None = None) -> str:
    """Why a table was skipped, and how the clerk can fix it without code."""
    headers, missing = describe_missing(table.rows, overrides=overrides)
    found = "、".join(f"「{h}」" for h in headers[:12]) or "（前几行都是空的）"
    example = headers[0] if headers else "列名"
    fields = "、".join(FIELD_LABELS[k] for k in ("text", "name", "name_target", "annual_target", "leaders", "lead_units", "progress"))
    return (f"{table.source} {table.location}：未找到可识别的表头，已跳过。前几行中的表头：{found}；"
            f"仍缺：{'；'.join(missing) or '可识别的任务或指标列'}。"
            f"可用 --map 指明列的含义，例如 --map {example}=目标任务（字段可写：{fields}），"
            f"或写入工作区的 columns.yaml（columns: {{{example}: 目标任务}}）后重新导入")


def _new_progress(period: str, as_of: str | None) -> CommentedMap:
    import calendar

    y, m = period_months(period)
    node = CommentedMap()
    node["schema"] = SCHEMA_PROGRESS
    node["period"] = period
    node["as_of"] = as_of or f"{y}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"
    node["source"] = CommentedSeq()
    node["entries"] = CommentedMap()
    return node


def _write(path: Path, data, dry_run: bool, report: ImportReport, describe) -> None:
    with stage(f"写入 {path.name}"):  # ruamel's dump is most of a large import's time
        text = dump_roundtrip(data)
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old == text:
        return
    report.changed.append(str(path))
    if old is not None:  # a first import is all new: the counts say enough
        report.diff.extend(describe(old, text))
    if not dry_run:
        atomic_write_text(path, text)


def duplicate_column_notes(table, header, overrides) -> list[str]:
    """A second column read as the same field is not imported: say so (a header merged over two columns repeats
    its text and is no second column)."""
    notes = []
    cells = table.rows[header.row]
    for col, text in header.duplicates:
        field = header_field(text, overrides)
        first = header.columns.get(field)
        if first is None or first >= len(cells) or normalise_header(cells[first]) == normalise_header(text):
            continue
        notes.append(f"{table.source} {table.location}：第{col + 1}列「{text.strip()}」与第{first + 1}列"
                     f"「{cells[first].strip()}」都读作「{FIELD_LABELS.get(field, field)}」，只导入了第{first + 1}列"
                     f"（可用 --map 「{text.strip()}=字段」指定）")
    return notes
