"""`duban import`: tables → workspace facts (plan.yaml, progress/<period>.yaml).

Importing again updates the files in place through ruamel: comments, key order and fields a clerk
added by hand survive; items marked `reviewed: true` keep their hand-corrected readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import extract
from .errors import InputError
from .facts import PERIOD_RE, period_months
from .import_diff import plan_changes, progress_changes
from .import_headers import find_header
from .import_rows import RowRecord, table_records
from .import_tables import read_tables
from .join import Candidate, join_key, join_rows
from .yamlio import atomic_write_text, dump_roundtrip, load_roundtrip

SCHEMA_PLAN = "duban/plan@1"
SCHEMA_PROGRESS = "duban/progress@1"
# An annex title that states a status ("附件3 前三季度未实现“依时序推进”目标任务"): recorded as the
# rows' reported_status for the audit, never used as the judged status.
_STATUS_TITLES = (
    (re.compile(r"未实现.{0,2}依?时序.{0,2}推进|推进较为滞后|进展滞后|滞后的|严重滞后"), "滞后"),
    (re.compile(r"正常推进|依时序推进的|按时序推进的"), "正常"),
    (re.compile(r"已完成的|已经完成的"), "已完成"),
)
_UNIT_IN_NAME = re.compile(r"[（(]([^）)]{1,6})[）)]\s*$")
_BARE_NUMBER = re.compile(r"^[≥≤>< ]*[-+]?\d+(?:\.\d+)?$")


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


def indicator_target_text(name: str, annual: str | None) -> str:
    """'地区生产总值增长（%）' + '6.5' → '地区生产总值增长6.5%' — what the target reader understands."""
    unit_match = _UNIT_IN_NAME.search(name)
    stem = _UNIT_IN_NAME.sub("", name).strip()
    if not annual or annual.strip() in ("/", "／", "—", "-", "无"):
        return stem
    annual = annual.strip()
    if _BARE_NUMBER.match(annual) and unit_match:
        annual += unit_match.group(1)
    return annual if annual.startswith(stem[:4]) else f"{stem}{annual}"


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


def _next_id(items, prefix: str, width: int) -> str:
    used = {str(item.get("id")) for item in items}
    n = len(items) + 1
    while f"{prefix}{n:0{width}d}" in used:
        n += 1
    return f"{prefix}{n:0{width}d}"


def compact(value):
    """Readings as a clerk wants to read them: no null keys, short number lists on one line ([6, 12])."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, inner in value.items():
            if inner is not None and inner != []:
                node[key] = compact(inner)
        return node
    if isinstance(value, list):
        seq = CommentedSeq(compact(v) for v in value)
        if len(value) <= 4 and all(isinstance(v, (int, float, str)) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _set(node: CommentedMap, key: str, value) -> bool:
    """Set a field the importer owns; empty incoming values never erase what is there."""
    if value in (None, "", []):
        return False
    if isinstance(value, list):
        value = CommentedSeq(value)
    if node.get(key) == value:
        return False
    node[key] = value
    return True


def import_files(files: list[str], into: str, *, region: str | None = None, year: int | None = None,
                 period: str | None = None, as_of: str | None = None, sheet: str | None = None,
                 dry_run: bool = False) -> ImportReport:
    report = ImportReport()
    root = Path(into)
    plan_path = root / "plan.yaml"
    if period is not None:
        period_months(period)  # validates the format, raises a Chinese error
    plan = load_roundtrip(plan_path) if plan_path.exists() else None
    if plan is None:
        if not region or not year:
            raise InputError("新建工作区需要指明地区和年度", field="--region/--year", hint="例如 --region 涪陵区 --year 2023")
        plan = _new_plan(region, year)
    else:
        if region and plan.get("region") != region:
            report.warnings.append(f"工作区地区为「{plan.get('region')}」，忽略 --region {region}")
    year = int(plan.get("year"))
    if period and int(period[:4]) != year:
        raise InputError(f"报告期 {period} 不在计划年度 {year} 内", field="--period")

    progress_path = root / "progress" / f"{period}.yaml" if period else None
    progress = None
    if progress_path and progress_path.exists():
        progress = load_roundtrip(progress_path)

    tables_used = 0
    for file in files:
        for table in read_tables(file, sheet):
            header = find_header(table.rows)
            if header is None:
                report.warnings.append(f"{table.source} {table.location}：未找到可识别的表头，已跳过")
                continue
            tables_used += 1
            for col, text in header.unmapped:
                report.warnings.append(f"{table.source} {table.location}：第{col + 1}列「{text.strip()}」无法识别，未导入")
            records, notes = table_records(table, header)
            report.warnings.extend(f"{table.source} {notes_line}" for notes_line in notes)
            kind = header.table_kind
            has_progress = "progress" in header.columns
            if has_progress and not period:
                raise InputError("表格含有进展/完成情况列，需要用 --period 指明报告期（例如 2023-09 表示 1-9月）",
                                 file=table.source, field="--period")
            if has_progress and progress is None:
                progress = _new_progress(period, as_of)
            status = annex_status(table.title)
            _merge_records(plan, progress if has_progress else None, records, kind, period, report, table.source, status)
            report.lines.append(f"{table.source} {table.location}：{'指标' if kind == 'indicators' else '任务'} {len(records)} 行"
                                f"{'，含进展' if has_progress else ''}{f'，标题表明状态「{status}」（仅记为上报状态）' if status else ''}")
            if Path(table.source).name not in [str(s) for s in plan["source"]]:
                plan["source"].append(Path(table.source).name)
    if tables_used == 0:
        raise InputError("所给文件中没有可识别的表格（需要“目标任务/工作任务/指标名称”等表头）", file=", ".join(files))

    _write(plan_path, plan, dry_run, report, plan_changes)
    if progress is not None and progress_path is not None:
        if as_of:
            progress["as_of"] = as_of
        _write(progress_path, progress, dry_run, report, progress_changes)
    return report


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


def _merge_records(plan, progress, records: list[RowRecord], kind: str, period, report: ImportReport, source: str,
                   status: str | None = None):
    items = plan[kind]
    candidates = [Candidate(i, str(it.get("seq")) if it.get("seq") is not None else None,
                            str(it.get("name") or it.get("text") or "")) for i, it in enumerate(items)]
    joined = join_rows(candidates, [(r.seq, r.name or r.text) for r in records], use_seq=status is None)
    prefix, width = ("I", 2) if kind == "indicators" else ("T", 3)
    by_key = {}
    for item in items:
        by_key.setdefault(join_key(str(item.get("name") or item.get("text") or "")), item)
    for record, join in zip(records, joined):
        if join.target is not None and status is not None and progress is not None and items[join.target]["id"] in progress["entries"]:
            # a status annex repeating tasks already reported: only note what the source said
            progress["entries"][items[join.target]["id"]]["reported_status"] = status
            report.add_stat("reported_status")
            continue
        if join.target is None:
            # a report may list one plan task twice (under two leaders): a task of its own, linked
            original = by_key.get(join_key(record.name or record.text))
            node = CommentedMap()
            node["id"] = _next_id(items, prefix, width)
            if original is not None:
                node["duplicate_of"] = original["id"]
                for key in ("category", "leaders", "lead_units", "coop_units"):
                    if original.get(key):
                        node[key] = original[key]
            items.append(node)
            report.add_stat(f"{kind}_duplicate" if original is not None else f"{kind}_new")
            if candidates and join.how == "歧义":
                report.warnings.append(f"{record.ref}「{record.text[:20]}…」{join.detail}，已作为新条目导入，请人工核对")
            elif candidates and original is None and progress is not None:
                report.unmatched.append(f"{record.ref}「{record.text[:30]}」")
        else:
            node = items[join.target]
            report.add_stat(f"{kind}_matched_{join.how[:2]}")
        _update_item(node, record, kind)
        if progress is not None and record.progress is not None:
            _update_entry(progress, node, record, period, source)
            if status is not None:
                progress["entries"][node["id"]]["reported_status"] = status
            report.add_stat("progress_entries")


def _update_item(node: CommentedMap, record: RowRecord, kind: str) -> None:
    if not node.get("seq"):  # the plan's numbering stays; a report's 序号 is kept on its progress entry
        _set(node, "seq", record.seq)
    _set(node, "category", record.category)
    if kind == "indicators":
        _set(node, "name", record.name)
        _set(node, "text", record.name)
        _set(node, "annual_target_text", record.annual_target)
    else:
        _set(node, "text", record.text)
    _set(node, "leaders", record.leaders)
    _set(node, "lead_units", record.lead_units)
    _set(node, "coop_units", record.coop_units)
    if not node.get("reviewed"):
        target_text = indicator_target_text(record.name or record.text, node.get("annual_target_text")) if kind == "indicators" else node["text"]
        node["targets"] = compact(extract.read_targets(target_text))
    for key in ("leaders", "lead_units", "coop_units", "targets"):
        node.setdefault(key, CommentedSeq())


def _update_entry(progress: CommentedMap, item: CommentedMap, record: RowRecord, period: str, source: str) -> None:
    entries = progress["entries"]
    entry = entries.get(item["id"])
    if entry is None:
        entry = CommentedMap()
        entries[item["id"]] = entry
    entry["text"] = record.progress
    _set(entry, "source_seq", record.seq)
    if record.text != item.get("text") and record.text != item.get("name"):
        entry["source_text"] = record.text
    if Path(source).name not in [str(s) for s in progress["source"]]:
        progress["source"].append(Path(source).name)
    if not entry.get("reviewed"):
        reading = extract.read_progress(record.progress or "", period)
        for key in ("measures", "data_period", "stage", "flags"):
            if reading.get(key):
                entry[key] = compact(reading[key])
            elif key in entry:
                del entry[key]


def _write(path: Path, data, dry_run: bool, report: ImportReport, describe) -> None:
    text = dump_roundtrip(data)
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old == text:
        return
    report.changed.append(str(path))
    if old is not None:  # a first import is all new: the counts say enough
        report.diff.extend(describe(old, text))
    if not dry_run:
        atomic_write_text(path, text)


def validate_period(period: str) -> None:
    if not PERIOD_RE.match(period or ""):
        raise InputError(f"报告期应写成 YYYY-MM，实为「{period}」", field="--period")
