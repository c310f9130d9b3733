"""`duban explain`: for one task or indicator, every rule considered — fired or not — with each
condition's values (why and why not), the quoted evidence and how the status was decided."""

from __future__ import annotations

from ..check import CheckRun
from ..errors import InputError
from ..evaluate.keywords import find_keyword
from ..evaluate.plain import holds, leaf_holds
from ..evaluate.walk import ConditionVisitor
from ..rulebook.fields import FIELDS, resolve_field
from ..rulebook.ir import All, Any_, Leaf, Not
from ..rulebook.table_cells import PARAM
from ..values import explain_value as _show

OP_ZH = {"eq": "等于", "ne": "不等于", "lt": "小于", "le": "不大于", "gt": "大于", "ge": "不小于", "between": "介于",
         "in": "属于", "contains": "包含", "exists": "存在"}


class _Trace(ConditionVisitor[list]):
    """One line per node: the condition in words, the value compared, and whether it holds."""

    def leaf(self, cond: Leaf, record: dict, depth: int) -> list[dict]:
        spec = FIELDS.get(cond.field)
        name = f"{spec.alias}（{cond.field}）" if spec else cond.field
        value = record.get(cond.field)
        ok = leaf_holds(cond, value)
        want = ("是" if cond.value else "否") if cond.op == "exists" else _show(cond.value)
        shown = _show(value)
        if cond.op == "contains" and isinstance(value, str):
            match = find_keyword(value, cond.value)
            shown = f"在第 {match.start()} 字处出现「{match.group(0)}」" if match else "未出现这些词"
        return [{"text": f"{'  ' * depth}{name} {OP_ZH[cond.op]} {want}：实际 {shown} → {'成立' if ok else '不成立'}", "holds": ok}]

    def not_(self, cond: Not, record: dict, depth: int) -> list[dict]:
        inner = self.visit(cond.item, record, depth + 1)
        ok = not holds(cond.item, record)
        return [{"text": f"{'  ' * depth}并非以下条件 → {'成立' if ok else '不成立'}", "holds": ok}] + inner

    def _group(self, label: str, cond, record: dict, depth: int) -> list[dict]:
        ok = holds(cond, record)
        lines = [{"text": f"{'  ' * depth}{label} → {'成立' if ok else '不成立'}", "holds": ok}]
        for child in cond.items:
            lines.extend(self.visit(child, record, depth + 1))
        return lines

    def all_(self, cond: All, record: dict, depth: int) -> list[dict]:
        return self._group("全部满足", cond, record, depth)

    def any_(self, cond: Any_, record: dict, depth: int) -> list[dict]:
        return self._group("任一满足", cond, record, depth)


def trace(cond, record: dict, depth: int = 0) -> list[dict]:
    """One line per node: the condition in words, the value compared, and whether it holds."""
    return _TRACE.visit(cond, record, depth)


_TRACE = _Trace()


def find_judgement(run: CheckRun, ref: str):
    items = [j for j in run.judgements if j.derived.item.id == ref]
    if not items:
        items = [j for j in run.judgements
                 if (j.derived.entry and j.derived.entry.source_seq == ref) or (j.derived.item.seq == ref and not (j.derived.entry and j.derived.entry.source_seq))]
    if len(items) == 1:
        return items[0]
    if not items:
        raise InputError(f"找不到编号或序号为「{ref}」的任务或指标", field="ID", hint="编号如 T077、I01；也可写进展表中的序号")
    names = "、".join(f"{j.derived.item.id}（{j.derived.item.kind}）" for j in items)
    raise InputError(f"序号「{ref}」对应多项：{names}", field="ID", hint="请改用编号")


def explain(run: CheckRun, ref: str) -> dict:
    judgement = find_judgement(run, ref)
    derived = judgement.derived
    record = derived.record
    findings = {f.rule: f for f in judgement.findings}
    rules = []
    for rule in run.rulebook.rules:
        if derived.item.kind not in rule.applies_to:
            continue
        finding = findings.get(rule.id)
        rules.append({
            "rule": rule.id, "title": rule.title, "version": rule.version, "fired": finding is not None,
            "status": rule.status, "trace": trace(rule.when, record),
            "message": finding.message if finding else None, "evidence": finding.evidence if finding else None,
            "waived": finding.waived if finding else None, "table": table_row(rule, record, run.rulebook.params),
        })
    precedence = run.rulebook.params["status_precedence" if derived.item.kind == "task" else "indicator_precedence"]
    return {
        "id": derived.item.id, "seq": derived.entry.source_seq if derived.entry and derived.entry.source_seq else derived.item.seq,
        "kind": derived.item.kind, "text": derived.item.text, "progress_text": derived.entry.text if derived.entry else None,
        "record": {k: v for k, v in record.items() if k not in ("text", "progress")},
        "matches": derived.matches, "status": judgement.status, "status_reason": judgement.status_reason,
        "precedence": precedence, "rules": rules,
        "decided_by": [r["table"] | {"rule": r["rule"]} for r in rules
                       if r["fired"] and r["table"] and r["status"] == judgement.status and not r["waived"]],
    }


def table_row(rule, record: dict, params: dict) -> dict | None:
    """For a decision-table row (rulebook/tables.py): the table, the row number and each cell with the value
    compared — the trace a decision-table engine gives. None for a rule written as its own file."""
    row = rule.table_row
    if row is None:
        return None
    cells = []
    for column, cell in row.cells.items():
        if cell is None or cell == "":
            continue
        spec = FIELDS.get(resolve_field(column) or "")
        value = record.get(spec.name) if spec else None
        resolved = PARAM.sub(lambda m: _show(params.get(m.group(1))), str(cell))
        cells.append({"column": column, "cell": cell, "resolved": resolved if resolved != str(cell) else None, "value": value})
    return {"table": row.table, "file": row.file, "row": row.number, "line": row.line, "policy": row.policy, "cells": cells,
            "outcome": row.outcome}


def _cells_text(table: dict) -> str:
    parts = []
    for c in table["cells"]:
        shown = f"{c['cell']}（即 {c['resolved']}）" if c["resolved"] else str(c["cell"])
        parts.append(f"{c['column']} {shown}，实际 {_show(c['value'])}")
    return "；".join(parts)


def explain_text(data: dict, show_all: bool = False) -> str:
    """The verdict first, then the rules that fired with their evidence, then the record; rules that did
    not fire only with show_all (a task is tested by ~30 rules, most of which say nothing about it)."""
    lines = [f"判定：{data['status']}（{data['status_reason']}）"]
    for t in data.get("decided_by") or []:
        lines.append(f"依据：决策表「{t['table']}」第 {t['row']} 行（{t['rule']}）：{_cells_text(t)} → {data['status']}")
    lines += [f"{data['id']}（序号 {data['seq'] or '—'}）{data['text']}", f"进展：{data['progress_text'] or '（本期未报送）'}", ""]
    fired = [rule for rule in data["rules"] if rule["fired"]]
    lines.append(f"触发的规则（{len(fired)} 条）：" if fired else "没有规则触发。")
    for rule in fired:
        lines.extend(_rule_lines(rule))
    lines += ["", "事实记录："]
    for key, value in data["record"].items():
        spec = FIELDS.get(key)
        lines.append(f"  {spec.alias if spec else key}（{key}）= {_show(value)}")
    for match in data["matches"] or []:
        lines.append(f"  目标 {match.get('target')} 的对应读数：{match.get('reason', '')}")
    quiet = [rule for rule in data["rules"] if not rule["fired"]]
    if show_all:
        lines += ["", f"未触发的规则（{len(quiet)} 条）："]
        for rule in quiet:
            lines.extend(_rule_lines(rule))
    elif quiet:
        lines += ["", f"另有 {len(quiet)} 条规则未触发（加 --all 列出每条的比较过程）。"]
    lines.append(f"状态优先顺序：{' > '.join(data['precedence'])}")
    return "\n".join(lines)


def _rule_lines(rule: dict) -> list[str]:
    head = "触发" if rule["fired"] else "未触发"
    if rule["waived"]:
        head += f"（已豁免至 {rule['waived']['until']}：{rule['waived']['reason']}）"
    lines = [f"[{head}] {rule['rule']} v{rule['version']} {rule['title']}" + (f" → {rule['status']}" if rule["status"] else "")]
    if rule.get("table"):
        t = rule["table"]
        lines.append(f"    决策表「{t['table']}」第 {t['row']} 行（{t['file']}:{t['line']}，命中策略 {t['policy']}）：{_cells_text(t)}")
    lines.extend(f"    {t['text']}" for t in rule["trace"])
    if rule["fired"]:
        lines.append(f"    发现：{rule['message']}")
        quote = (rule["evidence"] or {}).get("quote")
        if quote:
            lines.append(f"    引文：「{quote}」 位置 {rule['evidence'].get('span')}")
    return lines
