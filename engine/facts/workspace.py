"""The facts of a workspace: the plan (tasks, indicators) and each period's progress.

    facts/<ws>/plan.yaml                plan items with their targets
    facts/<ws>/progress/<YYYY-MM>.yaml  one entry per item id for that reporting period

Loading validates every field and reports all problems at once, with file:line:col.
Keys are a closed list (a typo must not silently drop data); a clerk may add free-form keys
named `note`, `备注` or starting with `x_`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Collector, InputError
from ..extract.shapes import MEASURE_DEFAULTS, TARGET_DEFAULTS
# one reading of periods and dates for every door (re-exported: derive, import, audit and cli import them from here)
from ..periods import DATE_RE, PERIOD_RE, date_problem, period_months, valid_date  # noqa: F401
from ..rulebook.hints import suggest
from ..statuses import ALL_STATUSES
from ..store.yamlio import LocDict, load_yaml, where


PLAN_KEYS = {"schema": str, "region": str, "year": int, "source": list, "indicators": list, "tasks": list}
ITEM_KEYS = {
    "id": str, "seq": str, "category": str, "name": str, "text": str, "annual_target_text": str,
    "leaders": list, "lead_units": list, "coop_units": list, "targets": list, "reviewed": bool,
    "duplicate_of": str, "deadline": str,
}
PROGRESS_KEYS = {"schema": str, "period": str, "as_of": str, "source": list, "entries": dict}
ENTRY_KEYS = {
    "text": str, "reported_status": str, "source_seq": str, "source_text": str, "measures": list,
    "data_period": dict, "stage": dict, "flags": list, "reviewed": bool,
}


# Readings (targets, measures, stage, flags, data period) are written by the importer but may be hand-corrected;
# derive/extract read their fields directly, so a wrong type (quantity: 五十, span: 3, a measure that is a bare
# string) is refused here, not left to crash a later stage. Only known fields are type-checked (the extractor may
# add more). Missing fields are filled back to the extractor's shape (docs/interfaces.md §2: every field present,
# null when unknown) — the importer saves readings without their nulls and the matcher indexes m["kind"], t["unit"].
_NUM = (int, float)
READING_FIELDS = {
    "quantity": _NUM, "unit": str, "verb": str, "verb_family": str, "object": str, "direction": str, "kind": str,
    "quote": str, "context": str, "role": str, "forecast": bool, "cumulative": bool, "name": str, "rank": int,
    "percent": _NUM, "label": str, "end_month": int, "end_day": int, "data_period": dict,
}


def is_free_key(key) -> bool:
    return isinstance(key, str) and (key in ("note", "notes", "备注") or key.startswith("x_"))


@dataclass
class Item:
    id: str
    kind: str  # "task" | "indicator"
    text: str
    seq: str | None = None
    category: str | None = None
    name: str | None = None
    annual_target_text: str | None = None
    leaders: list[str] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)
    coop_units: list[str] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    duplicate_of: str | None = None
    line: int | None = None
    deadline: str | None = None  # the plan's 完成时限 cell, as written (2024年6月底前)


@dataclass
class Plan:
    path: str
    region: str
    year: int
    source: list[str]
    tasks: list[Item]
    indicators: list[Item]

    def items(self) -> list[Item]:
        return self.indicators + self.tasks

    def by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items()}


@dataclass
class Entry:
    id: str
    text: str
    reported_status: str | None = None
    source_seq: str | None = None
    source_text: str | None = None
    measures: list[dict] = field(default_factory=list)
    data_period: dict | None = None
    stage: dict | None = None
    flags: list[dict] = field(default_factory=list)
    line: int | None = None


@dataclass
class Progress:
    path: str
    period: str
    as_of: str | None
    entries: dict[str, Entry]


@dataclass
class Workspace:
    path: Path
    plan: Plan
    progress: dict[str, Progress]  # period → progress

    @property
    def name(self) -> str:
        return self.path.resolve().name


# ------------------------------------------------------------------ validation helpers

_TYPE_ZH = {str: "文字", int: "整数", list: "列表", dict: "映射（键: 值）", bool: "true/false", float: "数字"}


def _check_keys(node: LocDict, allowed: dict, errors: Collector, context: str) -> None:
    for key in node:
        if key in allowed or is_free_key(key):
            continue
        hint = suggest(key, allowed, cutoff=0.6) or f"可用的键：{'、'.join(allowed)}；自定义备注请用 note 或 x_ 开头"
        errors.add(f"{context}中有未知的键「{key}」", field=str(key), hint=hint, **where(node, key))


def _check_type(node: LocDict, key: str, expected: type, errors: Collector) -> bool:
    value = node.get(key)
    if value is None:
        return False
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        ok = False
    if not ok:
        shown = str(value)[:40]
        hint = "序号等编号请加引号，例如 seq: \"010\"" if key in ("seq", "id") else None
        errors.add(f"应为{_TYPE_ZH[expected]}，实为「{shown}」", field=key, hint=hint, **where(node, key))
        return False
    return True


def _str_list(node: LocDict, key: str, errors: Collector) -> list[str]:
    value = node.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add("应为文字列表，例如 [区发展改革委, 区财政局]", field=key, **where(node, key))
        return []
    return [v for v in value if v.strip()]


def _check_reading(node, label: str, errors: Collector, pos: dict | None = None) -> bool:
    """One target / measure / stage / flag / data period: a mapping whose known fields have the right type."""
    if not isinstance(node, dict):
        errors.add(f"{label} 应为映射（键: 值），实为「{str(node)[:40]}」", **(where(node) or pos or {}))
        return False
    ok = True
    for key, value in node.items():
        expected = READING_FIELDS.get(key)
        if key == "span":
            if value is not None and not (isinstance(value, list) and len(value) == 2 and all(
                    isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value) and value[0] <= value[1]):
                errors.add(f"{label} 的 span 应为两个字符位置 [起, 止]，实为「{str(value)[:40]}」", field="span", **where(node, key))
                ok = False
        elif isinstance(value, float) and not math.isfinite(value) and expected is not None:
            # `.inf`, `1e400` or `.nan` typed by hand: no rule can compare it, so it is bad input, not an engine error
            what = "非数（.nan）" if value != value else ("负无穷大" if value < 0 else "无穷大")
            errors.add(f"{label} 的 {key} 应为有限数字，实为{what}", field=str(key), hint="请填写实际数值，例如 6.5",
                       **where(node, key))
            ok = False
        elif expected is not None and value is not None and (
                not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool)):
            errors.add(f"{label} 的 {key} 应为{_TYPE_ZH.get(expected, '数字')}，实为「{str(value)[:40]}」", field=str(key), **where(node, key))
            ok = False
        elif key == "data_period" and isinstance(value, dict):
            ok = _check_reading(value, f"{label} 的 data_period", errors) and ok
    return ok


def _readings(value, label: str, errors: Collector, node: LocDict, key: str, defaults: dict | None = None) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(f"{label} 应为列表", field=key, **where(node, key))
        return []
    return [(defaults or {}) | {k: v for k, v in dict(v).items() if v is not None} for i, v in enumerate(value)
            if _check_reading(v, f"{label}[{i}]", errors, _item_where(value, i))
            and _check_quantified(v, f"{label}[{i}]", errors)]


QUANTIFIED_KINDS = ("growth", "amount", "count", "ratio", "progress_pct")


def _check_quantified(node: dict, label: str, errors: Collector) -> bool:
    """A number-bearing reading needs its number and a unit the lexicon knows: the matcher converts units
    (万人 ↔ 人) and would otherwise fail on `unit: 公斤斤` or a missing quantity."""
    if node.get("kind") not in QUANTIFIED_KINDS:
        return True
    if node.get("quantity") is None:
        errors.add(f"{label} 是数量类读数（kind: {node['kind']}），缺少 quantity", field="quantity", **where(node))
        return False
    from ..extract.lexicon import get_lexicon  # deferred: only hand-written or imported readings need it

    units = get_lexicon().unit_names
    if node.get("unit") not in units:
        errors.add(f"{label} 的单位「{node.get('unit')}」不在词库中", field="unit",
                   hint=suggest(node.get("unit"), units, cutoff=0.6) or "单位见 rules/lexicon/units.yaml", **where(node, "unit"))
        return False
    return True


def _require_mapping(data, path: str, what: str) -> LocDict:
    if not isinstance(data, dict):
        shown = "空文件" if data is None else "列表" if isinstance(data, list) else f"文字「{str(data)[:30]}」"
        raise InputError(f"{what}的顶层应为映射（键: 值），实为{shown}", file=path, line=1)
    return data


# ------------------------------------------------------------------ plan

def load_plan(path: str | Path) -> Plan:
    path = str(path)
    data = _require_mapping(load_yaml(path), path, "计划文件")
    errors = Collector(path)
    _check_keys(data, PLAN_KEYS, errors, "计划文件顶层")
    for key in ("region", "year"):
        if data.get(key) in (None, ""):  # `year:` with nothing after it is as missing as no key
            errors.add("缺少必填字段", field=key, **(where(data, key) if key in data else {"line": 1}))
    for key, expected in PLAN_KEYS.items():
        if key in data:
            _check_type(data, key, expected, errors)
    seen: dict[str, int] = {}
    groups = {}
    for group, kind in (("indicators", "indicator"), ("tasks", "task")):
        groups[group] = []
        raw = data.get(group) or []
        if not isinstance(raw, list):
            continue
        for index, node in enumerate(raw):
            item = _load_item(node, kind, group, index, errors, seen, _item_where(raw, index))
            if item:
                groups[group].append(item)
    year = data.get("year")
    if isinstance(year, int) and not isinstance(year, bool) and not 1900 <= year <= 2999:
        errors.add(f"年度应为四位年份，实为「{year}」", field="year", **where(data, "year"))
    errors.raise_if_any()
    return Plan(
        path=path, region=data["region"], year=data["year"], source=list(data.get("source") or []),
        tasks=groups["tasks"], indicators=groups["indicators"],
    )


def _item_where(items, index: int) -> dict:
    positions = getattr(items, "item_pos", None)
    return {"line": positions[index][0], "col": positions[index][1]} if positions and index < len(positions) else {}


def _load_item(node, kind: str, group: str, index: int, errors: Collector, seen: dict, pos: dict | None = None) -> Item | None:
    label = f"{group}[{index}]"
    if not isinstance(node, dict):
        errors.add(f"{label} 应为映射（键: 值），实为「{str(node)[:30]}」", **(where(node) or pos or {}))
        return None
    _check_keys(node, ITEM_KEYS, errors, f"{'指标' if kind == 'indicator' else '任务'} {node.get('id', label)} ")
    for key in ("id", "text"):
        if not node.get(key):
            errors.add(f"{label} 缺少必填字段", field=key, **where(node))
    for key, expected in ITEM_KEYS.items():
        if key in node:
            _check_type(node, key, expected, errors)
    item_id = node.get("id")
    if isinstance(item_id, str):
        if item_id in seen:
            errors.add(f"编号「{item_id}」重复（第 {seen[item_id]} 行已用过）", field="id", **where(node, "id"))
        seen[item_id] = node.line
    targets = _readings(node.get("targets"), f"{label} 的 targets", errors, node, "targets", TARGET_DEFAULTS)
    if not isinstance(item_id, str) or not isinstance(node.get("text"), str):
        return None
    return Item(
        id=item_id, kind=kind, text=node["text"], seq=_opt_str(node.get("seq")), category=_opt_str(node.get("category")),
        name=_opt_str(node.get("name")), annual_target_text=_opt_str(node.get("annual_target_text")),
        leaders=_str_list(node, "leaders", errors), lead_units=_str_list(node, "lead_units", errors),
        coop_units=_str_list(node, "coop_units", errors), targets=targets,
        duplicate_of=_opt_str(node.get("duplicate_of")), line=node.line, deadline=_opt_str(node.get("deadline")),
    )


def _opt_str(value):
    return value if isinstance(value, str) else None


# ------------------------------------------------------------------ progress

def load_progress(path: str | Path, known_ids: set[str] | None = None) -> Progress:
    path = str(path)
    data = _require_mapping(load_yaml(path), path, "进展文件")
    errors = Collector(path)
    _check_keys(data, PROGRESS_KEYS, errors, "进展文件顶层")
    for key, expected in PROGRESS_KEYS.items():
        if key in data:
            _check_type(data, key, expected, errors)
    period = data.get("period")
    if not isinstance(period, str) or not PERIOD_RE.match(period):
        errors.add(f"报告期应写成 YYYY-MM（例如 2023-09 表示 1-9月），实为「{period}」", field="period", **where(data, "period"))
    elif Path(path).stem != period:
        errors.add(f"文件名 {Path(path).name} 与报告期 {period} 不一致", field="period", **where(data, "period"))
    as_of = data.get("as_of")
    if as_of is not None and not valid_date(as_of):
        message, hint = date_problem(as_of)
        errors.add(message, field="as_of", hint=hint, **where(data, "as_of"))
    entries: dict[str, Entry] = {}
    raw = data.get("entries") or {}
    if isinstance(raw, dict):
        for item_id, node in raw.items():
            entry = _load_entry(raw, item_id, node, errors, known_ids)
            if entry:
                entries[entry.id] = entry
    errors.raise_if_any()
    return Progress(path=path, period=period, as_of=as_of, entries=entries)


def _load_entry(parent, item_id, node, errors: Collector, known_ids) -> Entry | None:
    pos = where(parent, item_id)
    if known_ids is not None and item_id not in known_ids:
        errors.add(f"进展条目「{item_id}」在计划中不存在", field="entries", hint=suggest(item_id, sorted(known_ids), cutoff=0.6), **pos)
        return None
    if isinstance(node, str):  # shorthand: id: progress text
        return Entry(id=str(item_id), text=node, line=pos.get("line"))
    if not isinstance(node, dict):
        errors.add(f"进展条目「{item_id}」应为文字或映射", **pos)
        return None
    _check_keys(node, ENTRY_KEYS, errors, f"进展条目 {item_id} ")
    for key, expected in ENTRY_KEYS.items():
        if key in node:
            _check_type(node, key, expected, errors)
    text = node.get("text")
    if not isinstance(text, str):
        errors.add(f"进展条目「{item_id}」缺少进展文字", field="text", **where(node))
        return None
    status = node.get("reported_status")
    if status is not None and status not in ALL_STATUSES:
        errors.add(f"未知的上报状态「{status}」", field="reported_status", **where(node, "reported_status"))
    label = f"进展条目 {item_id}"
    measures = _readings(node.get("measures"), f"{label} 的 measures", errors, node, "measures", MEASURE_DEFAULTS)
    flags = _readings(node.get("flags"), f"{label} 的 flags", errors, node, "flags")
    single = {key: dict(node[key]) if isinstance(node.get(key), dict) and _check_reading(node[key], f"{label} 的 {key}", errors)
              else None for key in ("data_period", "stage")}
    return Entry(
        id=str(item_id), text=text, reported_status=_opt_str(status), source_seq=_opt_str(node.get("source_seq")),
        source_text=_opt_str(node.get("source_text")), measures=measures,
        data_period=single["data_period"], stage=single["stage"], flags=flags, line=node.line,
    )


# ------------------------------------------------------------------ workspace

def load_workspace(path: str | Path) -> Workspace:
    root = Path(path)
    if not root.is_dir():
        raise InputError("工作区目录不存在", file=str(root), hint="先用 duban import … --into 该目录 导入表格")
    plan_path = root / "plan.yaml"
    if not plan_path.exists():
        raise InputError("工作区缺少 plan.yaml", file=str(root), hint="先用 duban import 导入计划或进展表")
    from ..facts_cache import cached_load  # parsed facts kept in <workspace>/.duban/cache/, checked when read back

    plan = cached_load(root, "plan", plan_path, lambda: load_plan(plan_path))
    ids = {item.id for item in plan.items()}
    progress = {}
    problems = []
    for file in sorted((root / "progress").glob("*.yaml")):
        try:
            loaded = cached_load(root, "progress", file, lambda file=file: load_progress(file, ids), ids)
            progress[loaded.period] = loaded
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems=problems)
    return Workspace(path=root, plan=plan, progress=progress)


