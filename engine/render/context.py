"""The render context: everything a template may use, as frozen dataclasses built once from result.json.

docs/templates.md lists every field of every class in DOCUMENTED (tests/test_render_context.py keeps the two in
step). Templates see RenderContext's fields as top-level names; a notice template also gets `notice`
(UnitNotice), a leader template `leader` (LeaderSummary)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field, fields, replace

from ..periods import default_as_of
from ..facts.plan_tasks import group_rows, lead_row
from ..statuses import LAGGING, LAGGING_TASKS, ON_TRACK_TASKS, severity_rank, status_class
from .memo_prose import reason, unclear_reason
from .names import unique_names

REPLY_DAYS = 15  # 督办通知单的反馈期限：报告日期（默认为数据截止日）后 15 天（模板可改写措辞，不改期限）
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")  # not allowed in XML 1.0
CN_DIGITS = "零一二三四五六七八九"


def clean(text) -> str | None:
    """Text from tables may carry control characters (Excel line tabs); they would corrupt XML outputs."""
    if text is None:
        return None
    return _BAD_CHARS.sub(" ", str(text))


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十: for heading labels such as （一）."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    if n < 100:
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    return str(n)


def cn_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class FindingView:
    rule: str
    title: str
    rule_version: int | None
    severity: str
    status: str | None
    escalation: str | None
    message: str
    quote: str | None
    target_quote: str | None
    source: str | None
    values: dict
    thresholds: dict
    matched: str | None = None


@dataclass(frozen=True)
class ItemView:
    id: str
    seq: str
    no: str
    kind: str
    category: str | None
    name: str
    text: str
    leaders: tuple
    lead_units: tuple
    coop_units: tuple
    leaders_text: str
    lead_units_text: str
    coop_units_text: str
    duplicate_of: str | None
    also_seqs: tuple
    progress_text: str
    status: str
    status_class: str
    status_reason: str
    lagging: bool
    escalation: str | None
    ratio: float | None
    time_progress: float | None
    annual_target_text: str | None
    lag_text: str
    seqs_text: str
    progress_status_text: str
    plain_reason: str
    findings: tuple
    issues: tuple
    # the names as the facts spell them: notices and leader pages are grouped by these, so two units whose names
    # differ only by a control character (shown alike once cleaned) still get one notice each
    raw_leaders: tuple = ()
    raw_lead_units: tuple = ()


@dataclass(frozen=True)
class Counts:
    tasks_total: int
    tasks_normal: int
    tasks_done: int
    tasks_ahead: int
    tasks_on_track: int
    tasks_lagging: int
    tasks_serious: int
    tasks_slow: int
    tasks_unclear: int
    indicators_total: int
    indicators_met: int
    indicators_on_schedule: int
    indicators_missed: int
    indicators_unclear: int
    tasks_adjusted: int = 0  # 已调整 (approved change): neither normal nor lagging, counted apart


@dataclass(frozen=True)
class LagGroup:
    status: str
    title: str
    tasks: tuple


@dataclass(frozen=True)
class UnitNotice:
    unit: str
    number: str
    file_stem: str
    tasks: tuple
    reply_deadline: str
    reply_deadline_cn: str
    raw_unit: str = ""  # the name as the facts spell it (result.json's file_names maps it to file_stem)


@dataclass(frozen=True)
class LeaderSummary:
    name: str
    file_stem: str
    tasks: tuple
    lagging: tuple
    unclear: tuple
    normal_count: int
    by_status: dict
    raw_name: str = ""


@dataclass(frozen=True)
class RenderContext:
    workspace: str
    region: str
    year: int
    period: str
    period_label: str
    as_of: str
    as_of_cn: str
    time_progress: float
    engine: str
    rules_digest: str
    data_digest: str
    provenance: str
    title: str
    office: str
    counts: Counts
    tasks: tuple
    indicators: tuple
    lagging_tasks: tuple
    lagging_groups: tuple
    normal_tasks: tuple
    unclear_tasks: tuple
    missed_indicators: tuple
    adjusted_tasks: tuple
    notices: tuple
    leaders: tuple
    units: tuple
    leader_names: tuple
    statuses: tuple
    rules: tuple
    date: str
    date_cn: str
    memo: object  # MemoView (engine/render/memo_view.py): the memo's plan tasks, counts, annexes and sentences
    result: dict = field(repr=False)

    def as_dict(self) -> dict:
        """Shallow: nested views stay objects, so templates read `task.text` and a typo is an error."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


DOCUMENTED = (RenderContext, Counts, ItemView, FindingView, LagGroup, UnitNotice, LeaderSummary)


def _finding(f: dict) -> FindingView:
    ev = f.get("evidence") or {}
    return FindingView(rule=f["rule"], title=clean(f.get("title")) or "", rule_version=f.get("rule_version"),
                       severity=f.get("severity") or "info", status=f.get("status"), escalation=f.get("escalation"),
                       message=clean(f.get("message")) or "", quote=clean(ev.get("quote")),
                       target_quote=clean(ev.get("target_quote")), source=ev.get("source"),
                       values=dict(ev.get("values") or {}), thresholds=dict(ev.get("thresholds") or {}),
                       matched=clean(ev.get("matched")))


def _item(raw: dict) -> ItemView:
    findings = [_finding(f) for f in raw.get("findings") or []]
    issues = sorted((f for f in findings if f.severity != "info" and (f.status in (raw["status"], None))),
                    key=lambda f: severity_rank(f.severity, 3))
    units = lambda key: tuple(clean(u) for u in raw.get(key) or [])  # noqa: E731
    raw_names = lambda key: tuple(str(u) for u in raw.get(key) or [])  # noqa: E731
    metrics = raw.get("metrics") or {}
    reason_text = clean(raw.get("status_reason")) or ""
    text = clean(raw.get("text")) or ""
    return ItemView(
        id=raw["id"], seq=clean(raw.get("seq")) or "", no=clean(raw.get("seq")) or raw["id"], kind=raw.get("kind", "task"),
        category=clean(raw.get("category")), name=clean(raw.get("name")) or text, text=text,
        leaders=units("leaders"), lead_units=units("lead_units"), coop_units=units("coop_units"),
        leaders_text="、".join(units("leaders")), lead_units_text="、".join(units("lead_units")),
        coop_units_text="、".join(units("coop_units")), duplicate_of=raw.get("duplicate_of"), also_seqs=(),
        progress_text=clean(raw.get("progress_text")) or "", status=raw["status"],
        status_class=status_class(raw["status"]), status_reason=reason_text,
        lagging=raw["status"] in LAGGING, escalation=(raw.get("escalation") or {}).get("step"),
        ratio=metrics.get("ratio"), time_progress=metrics.get("time_progress"),
        annual_target_text=clean(raw.get("annual_target_text")),
        lag_text=clean(reason(raw, issues)) if raw["status"] in LAGGING else "", seqs_text=clean(raw.get("seq")) or raw["id"],
        progress_status_text=f"{clean(raw.get('progress_text')) or '未报送'}（{raw['status']}）",
        plain_reason=unclear_reason(reason_text) if reason_text else "",
        findings=tuple(findings), issues=tuple(issues), raw_leaders=raw_names("leaders"), raw_lead_units=raw_names("lead_units"))


def fold_duplicates(items: list[ItemView]) -> tuple:
    """One view per plan task (engine/facts/plan_tasks.py): a task the progress table lists under several 序号 is
    named once, by its most urgent row, with every 序号 it was listed under (also_seqs, seqs_text)."""
    out = []
    for rows in group_rows(items, lambda i: i.id, lambda i: i.duplicate_of):
        lead = lead_row(rows, lambda r: r.status)
        others = tuple(r.no for r in rows if r is not lead)
        out.append(replace(lead, also_seqs=others, seqs_text="、".join(r.no for r in rows)) if others else lead)
    return tuple(out)


def counts_of(task_statuses: list[str], indicator_statuses: list[str]) -> Counts:
    t, i = Counter(task_statuses), Counter(indicator_statuses)
    return Counts(
        tasks_total=len(task_statuses), tasks_normal=sum(t[k] for k in ON_TRACK_TASKS), tasks_done=t["已完成"],
        tasks_ahead=t["超时序"], tasks_on_track=t["正常"], tasks_lagging=t["滞后"] + t["严重滞后"],
        tasks_serious=t["严重滞后"], tasks_slow=t["滞后"], tasks_unclear=t["待核实"],
        indicators_total=len(indicator_statuses), indicators_met=i["符合预期"],
        indicators_on_schedule=i["符合时间节点要求"], indicators_missed=i["不达预期"], indicators_unclear=i["待核实"],
        tasks_adjusted=t["已调整"])


def _counts(result: dict) -> Counts:
    return counts_of([t["status"] for t in result["tasks"]], [i["status"] for i in result["indicators"]])


def _reply_deadline(as_of: str) -> str:
    return (dt.date.fromisoformat(as_of) + dt.timedelta(days=REPLY_DAYS)).isoformat()


def _stems(listed: dict | None, names: list[str]) -> dict[str, str]:
    """File stems as result.json's file_names lists them (check computes them once), else computed here."""
    if listed and all(n in listed for n in names):
        return {n: listed[n].split("/", 1)[1] for n in names}
    return unique_names(names)


def _notices(lagging: list[ItemView], period: str, as_of: str, files: dict) -> tuple:
    by_unit: dict[str, list[ItemView]] = {}
    for task in lagging:
        for unit in dict.fromkeys(task.raw_lead_units or task.lead_units):
            by_unit.setdefault(unit, []).append(task)
    units = sorted(by_unit)
    stems = _stems(files.get("notices"), units)
    deadline = _reply_deadline(as_of)
    return tuple(UnitNotice(unit=clean(u), number=f"{period}-{n:02d}", file_stem=stems[u], tasks=fold_duplicates(by_unit[u]),
                            reply_deadline=deadline, reply_deadline_cn=cn_date(deadline), raw_unit=u)
                 for n, u in enumerate(units, 1))


def _leaders(tasks: list[ItemView], files: dict) -> tuple:
    names = sorted({name for t in tasks for name in t.raw_leaders or t.leaders})
    stems = _stems(files.get("leaders"), names)
    out = []
    for name in names:  # per plan task, as the memo counts (a task under several 序号 once)
        mine = fold_duplicates([t for t in tasks if name in (t.raw_leaders or t.leaders)])
        out.append(LeaderSummary(name=clean(name), file_stem=stems[name], raw_name=name, tasks=mine,
                                 lagging=tuple(t for s in LAGGING_TASKS for t in mine if t.status == s),
                                 unclear=tuple(t for t in mine if t.status == "待核实"),
                                 normal_count=sum(1 for t in mine if t.status in ON_TRACK_TASKS),
                                 by_status=dict(Counter(t.status for t in mine))))
    return tuple(out)


def build_context(result: dict, date: str | None = None) -> RenderContext:
    """date: the memo's date (成文日期) as the clerk gives it (`duban check --date`); the as-of date by default."""
    from .memo_view import build_memo

    tasks = [_item(t) for t in result["tasks"]]
    indicators = [_item(i) for i in result["indicators"]]
    lagging = [t for t in tasks if t.status in LAGGING_TASKS]
    as_of = result.get("as_of") or default_as_of(result["period"])
    groups = tuple(LagGroup(status=s, title=f"{s}的任务", tasks=fold_duplicates([t for t in lagging if t.status == s]))
                   for s in LAGGING_TASKS if any(t.status == s for t in lagging))
    provenance = (f"工作区 {result['workspace']} · 报告期 {result['period']} · 数据截至 {as_of} · "
                  f"规则 {result['rules_digest']} · 数据 {result['data_digest']} · 引擎 {result['engine']}")
    statuses = tuple(dict.fromkeys([*result["summary"]["tasks"], *result["summary"]["indicators"]]))
    return RenderContext(
        workspace=result["workspace"], region=result["region"], year=result["year"], period=result["period"],
        period_label=result["period_label"], as_of=as_of, as_of_cn=cn_date(as_of),
        time_progress=result["time_progress"], engine=result["engine"], rules_digest=result["rules_digest"],
        data_digest=result["data_digest"], provenance=provenance,
        title=f"关于{result['year']}年{result['region']}政府工作报告重点任务{result['period_label']}推进情况的报告",
        office=f"{result['region']}人民政府督查室", counts=_counts(result), tasks=tuple(tasks),
        indicators=tuple(indicators), lagging_tasks=tuple(lagging), lagging_groups=groups,
        normal_tasks=tuple(t for t in tasks if t.status in ON_TRACK_TASKS),
        unclear_tasks=tuple(t for t in tasks if t.status == "待核实"),
        missed_indicators=tuple(i for i in indicators if i.status == "不达预期"),
        adjusted_tasks=tuple(t for t in tasks if t.status == "已调整"),
        notices=_notices(lagging, result["period"], date or as_of, result.get("file_names") or {}),
        leaders=_leaders(tasks, result.get("file_names") or {}),
        units=tuple(sorted({u for t in tasks + indicators for u in t.lead_units})),
        leader_names=tuple(sorted({n for t in tasks for n in t.leaders})), statuses=statuses,
        rules=tuple(dict(r) for r in result.get("rules") or []), date=date or as_of, date_cn=cn_date(date or as_of),
        memo=build_memo(result, tasks, indicators, date or as_of), result=result)
