"""Waivers (申诉/说明): a task exempt from one rule until a date, with a reason and an approver.

facts/<ws>/waivers.yaml:
    waivers:
      - item: T077            # 任务或指标编号
        rule: R-ES-01         # 豁免的规则
        until: 2023-12-31     # 截止日期（含）
        reason: 项目投资计划经区政府常务会议调整，已报市经济信息委备案
        approver: 区政府督查室 张三

A waived finding is still shown (separately) and counted; it just no longer decides the status or the
escalation. Expired and unused waivers are reported so none lingers unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Collector, InputError
from ..periods import date_problem, valid_date
from ..rulebook.hints import suggest
from ..store.yamlio import load_yaml, where

KEYS = ("item", "rule", "until", "reason", "approver", "note")


@dataclass(frozen=True)
class Waiver:
    item: str
    rule: str
    until: str
    reason: str
    approver: str
    line: int | None = None

    def to_dict(self) -> dict:
        return {"item": self.item, "rule": self.rule, "until": self.until, "reason": self.reason, "approver": self.approver}


def load_waivers(ws_path: Path, item_ids: set[str], rule_ids: set[str]) -> list[Waiver]:
    path = ws_path / "waivers.yaml"
    if not path.exists():
        return []
    data = load_yaml(path)
    errors = Collector(str(path))
    raw = data.get("waivers") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise InputError("waivers.yaml 应有 waivers: 列表", file=str(path), line=1)
    out = []
    for node in raw:
        if not isinstance(node, dict):
            errors.add("每条豁免应为映射（item / rule / until / reason / approver）", **where(node))
            continue
        for key in node:
            if key not in KEYS:
                errors.add(f"豁免中有未知的键「{key}」", field=str(key), hint=suggest(key, KEYS, cutoff=0.6), **where(node, key))
        values = {k: node.get(k) for k in KEYS}
        for key in ("item", "rule", "until", "reason", "approver"):
            if not isinstance(values[key], str) or not values[key].strip():
                errors.add("必须填写，且不能为空", field=key, **where(node, key if key in node else None))
        if isinstance(values["item"], str) and values["item"] not in item_ids:
            errors.add(f"编号「{values['item']}」在计划中不存在", field="item", **where(node, "item"))
        if isinstance(values["rule"], str) and values["rule"] not in rule_ids:
            errors.add(f"规则「{values['rule']}」不存在", field="rule", hint=suggest(values["rule"], sorted(rule_ids), cutoff=0.6), **where(node, "rule"))
        until_ok = valid_date(values["until"])
        if isinstance(values["until"], str) and values["until"].strip() and not until_ok:
            # 2023-02-30 or ２０２３-12-31 would compare as text and count as expired or unused, silently
            message, hint = date_problem(values["until"])
            errors.add(message, field="until", hint=hint, **where(node, "until"))
        if until_ok and all(isinstance(values[k], str) and values[k].strip() for k in ("item", "rule", "reason", "approver")):
            out.append(Waiver(values["item"], values["rule"], values["until"], values["reason"].strip(), values["approver"].strip(), node.line))
    errors.raise_if_any()
    return out


def active_waivers(waivers: list[Waiver], as_of: str) -> dict[tuple[str, str], Waiver]:
    return {(w.item, w.rule): w for w in waivers if as_of <= w.until}


def waiver_report(waivers: list[Waiver], used: set[tuple[str, str]], as_of: str) -> dict:
    return {
        "applied": [w.to_dict() for w in waivers if (w.item, w.rule) in used],
        "expired": [w.to_dict() for w in waivers if w.until < as_of],
        "unused": [w.to_dict() for w in waivers if w.until >= as_of and (w.item, w.rule) not in used],
    }
