"""`duban rules diff OLD NEW facts/<ws> --period P`: a dry run of a rulebook change — which tasks and
indicators change status or escalation, and why."""

from __future__ import annotations

from ..check import run_check
from ..statuses import LAGGING


def _by_id(result: dict) -> dict:
    return {item["id"]: item for item in result["tasks"] + result["indicators"]}


def _rows(book) -> dict:
    """rule id → 「表名」第 N 行, for the rules that are decision-table rows (rulebook/tables.py)."""
    return {r.id: f"「{r.table_row.table}」第 {r.table_row.number} 行" for r in book.rules if r.table_row}


def rules_diff(old_dir, new_dir, workspace, period: str, engine: str = "vectorised") -> dict:
    old_run, new_run = run_check(workspace, period, old_dir, engine), run_check(workspace, period, new_dir, engine)
    old, new = old_run.result, new_run.result
    rows = {**_rows(old_run.rulebook), **_rows(new_run.rulebook)}
    before, after = _by_id(old), _by_id(new)
    changes = []
    for item_id, item in after.items():
        prev = before[item_id]
        old_step, new_step = prev["escalation"]["step"], item["escalation"]["step"]
        if prev["status"] == item["status"] and old_step == new_step:
            continue
        old_rules = {f["rule"] for f in prev["findings"]}
        new_rules = {f["rule"] for f in item["findings"]}
        changes.append({
            "id": item_id, "seq": item["seq"], "kind": item["kind"], "text": item["text"],
            "status": [prev["status"], item["status"]], "escalation": [old_step, new_step],
            "rules_added": sorted(new_rules - old_rules), "rules_removed": sorted(old_rules - new_rules),
            "reason": item["status_reason"],
        })
    summary = {
        "newly_lagging": sum(1 for c in changes if c["status"][1] in LAGGING and c["status"][0] not in LAGGING),
        "released": sum(1 for c in changes if c["status"][0] in LAGGING and c["status"][1] not in LAGGING),
        "status_changed": sum(1 for c in changes if c["status"][0] != c["status"][1]),
        "escalation_changed": sum(1 for c in changes if c["escalation"][0] != c["escalation"][1]),
    }
    return {"workspace": new["workspace"], "period": period, "old_rules_digest": old["rules_digest"],
            "new_rules_digest": new["rules_digest"], "changes": changes, "summary": summary,
            "table_rows": {rid: rows[rid] for c in changes for rid in c["rules_added"] + c["rules_removed"] if rid in rows}}


def diff_text(diff: dict) -> str:
    s = diff["summary"]
    lines = [f"规则变更试算（{diff['workspace']} {diff['period']}）：新增滞后 {s['newly_lagging']} 项，解除 {s['released']} 项；"
             f"状态变化 {s['status_changed']} 项，督办等级变化 {s['escalation_changed']} 项"]
    rows = diff.get("table_rows") or {}

    def named(ids):
        return "、".join(f"{rid}（决策表{rows[rid]}）" if rid in rows else rid for rid in ids)

    for c in diff["changes"]:
        why = []
        if c["rules_added"]:
            why.append("新触发 " + named(c["rules_added"]))
        if c["rules_removed"]:
            why.append("不再触发 " + named(c["rules_removed"]))
        lines.append(f"  {c['id']}（序号 {c['seq'] or '—'}）{c['status'][0]} → {c['status'][1]}"
                     f"；督办 {c['escalation'][0] or '无'} → {c['escalation'][1] or '无'}；{'；'.join(why) or '依据变化'}"
                     f"\n      {c['text'][:40]}")
    return "\n".join(lines)
