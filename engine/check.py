"""`duban check`: load → derive → evaluate → classify → result (the JSON contract) → render."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .classify import Judgement, classify, summarise
from .derive import derive_workspace
from .errors import InputError
from .evaluate import make_evaluator
from .facts import load_workspace
from .rulebook.ir import STATUSES_INDICATOR, STATUSES_TASK, Rulebook
from .rulebook.load import default_rules_dir, load_rulebook

RESULT_SCHEMA = "duban/result@1"
METRIC_FIELDS = ("ratio", "time_progress", "shortfall", "lead", "growth_actual", "growth_target", "growth_shortfall",
                 "limit_excess", "stage", "data_end_month", "target_kind", "direction")
PERIOD_LABELS = {3: "一季度", 6: "上半年", 9: "前三季度", 12: "全年"}


@dataclass
class CheckRun:
    result: dict
    judgements: list[Judgement]
    rulebook: Rulebook


def period_label(period: str) -> str:
    month = int(period[5:7])
    return PERIOD_LABELS.get(month, f"1-{month}月")


def data_digest(ws_path: Path, period: str) -> str:
    digest = hashlib.sha256()
    for path in [ws_path / "plan.yaml", ws_path / "progress" / f"{period}.yaml"]:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return "sha256:" + digest.hexdigest()[:16]


def run_check(workspace: str | Path, period: str, rules_dir: str | Path | None = None, engine: str = "durable_rules") -> CheckRun:
    book = load_rulebook(rules_dir or default_rules_dir())
    ws = load_workspace(workspace)
    if period not in ws.progress:
        have = "、".join(sorted(ws.progress)) or "无"
        raise InputError(f"工作区没有 {period} 的进展文件", file=str(Path(workspace) / "progress" / f"{period}.yaml"),
                         hint=f"已有报告期：{have}")
    derived, tp = derive_workspace(ws, period, book.params)
    evaluator = make_evaluator(engine, book.rules)
    fired = evaluator.evaluate([d.record for d in derived])
    judgements = classify(derived, fired, book)
    progress = ws.progress[period]
    result = {
        "schema": RESULT_SCHEMA,
        "workspace": ws.name,
        "region": ws.plan.region,
        "year": ws.plan.year,
        "period": period,
        "period_label": period_label(period),
        "as_of": progress.as_of,
        "time_progress": tp,
        "time_progress_method": (book.params.get("time_progress") or {}).get("method", "months"),
        "engine": evaluator.name,
        "rules_digest": book.digest,
        "data_digest": data_digest(Path(workspace), period),
        "rules": [{"id": r.id, "title": r.title, "version": r.version} for r in book.rules],
        "tasks": [item_result(j, period) for j in judgements if j.derived.item.kind == "task"],
        "indicators": [item_result(j, period) for j in judgements if j.derived.item.kind == "indicator"],
        "summary": {
            "tasks": summarise(judgements, "task", STATUSES_TASK),
            "indicators": summarise(judgements, "indicator", STATUSES_INDICATOR),
        },
    }
    return CheckRun(result=result, judgements=judgements, rulebook=book)


def item_result(j: Judgement, period: str) -> dict:
    item, entry, record = j.derived.item, j.derived.entry, j.derived.record
    out = {
        "id": item.id,
        "seq": (entry.source_seq if entry and entry.source_seq else item.seq),
        "kind": item.kind,
        "category": item.category,
        "text": item.text,
        "leaders": item.leaders,
        "lead_units": item.lead_units,
        "coop_units": item.coop_units,
        "duplicate_of": item.duplicate_of,
        "progress_text": entry.text if entry else None,
        "reported_status": entry.reported_status if entry else None,
        "status": j.status,
        "status_reason": j.status_reason,
        "escalation": {"step": j.escalation, "periods": [period] if j.escalation else []},
        "targets": [{k: t.get(k) for k in ("quote", "quantity", "unit", "kind", "direction")} for t in item.targets],
        "metrics": {k: record[k] for k in METRIC_FIELDS if k in record},
        "findings": [f.to_dict() for f in j.findings],
    }
    if item.kind == "indicator":
        out["name"] = item.name or item.text
        out["annual_target_text"] = item.annual_target_text
    return out
