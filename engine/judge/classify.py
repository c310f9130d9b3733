"""classify: fired rules → findings (message, evidence) → exactly one status per task / indicator.

The status is the highest-precedence status among the findings (params: status_precedence /
indicator_precedence). When no rule gives a status the item is 待核实, with what is missing.
"""

from __future__ import annotations

import string
from functools import lru_cache
from typing import NamedTuple

from ..derive import Derived
from ..evaluate.keywords import find_keyword
from ..outputs.jsonio import floats_safe, values_floats_safe
from ..rulebook.fields import FIELDS, resolve_field
from ..rulebook.ir import Leaf, Rule, Rulebook
from ..result import Finding, Judgement, summarise  # noqa: F401  (summarise re-exported)
from ..statuses import APPROVED_CHANGE, SEVERITY_RANK, UNCLEAR
from ..values import message_value as _fmt_value


@lru_cache(maxsize=1024)
def _parsed(template: str) -> tuple:
    """(literal, field or None, format spec) per piece: a template is parsed once, not per finding."""
    return tuple((literal, None if name is None else (resolve_field(name) or name), spec or "")
                 for literal, name, spec, _ in string.Formatter().parse(template))


def render_message(template: str, values: dict) -> str:
    out = []
    for literal, key, spec in _parsed(template):
        out.append(literal)
        if key is not None:
            out.append(_fmt_value(values.get(key), spec))
    return "".join(out)


def _keyword_evidence(rule: Rule, record: dict, evidence: dict) -> dict | None:
    for leaf in _plan(rule).contains:
        if leaf.field == "flags":  # a list of flag names, not text: quote the progress clause the flag was found in
            flag = _flag_evidence(leaf, record, evidence)
            if flag:
                return flag
            continue
        if isinstance(record.get(leaf.field), str):
            match = find_keyword(record[leaf.field], leaf.value)
            if match:
                return {"quote": clause_around(record[leaf.field], match.start(), match.end()),
                        "span": [match.start(), match.end()], "matched": match.group(0), "source": leaf.field}
    return None


def _flag_evidence(leaf: Leaf, record: dict, evidence: dict) -> dict | None:
    names = leaf.value if isinstance(leaf.value, (list, tuple)) else [leaf.value]
    progress = record.get("progress") or ""
    for name in names:
        found = evidence.get(f"flag:{name}")
        span = (found or {}).get("span")
        if found and isinstance(span, (list, tuple)) and len(span) == 2 and 0 <= span[0] <= span[1] <= len(progress):
            return {"quote": clause_around(progress, span[0], span[1]), "span": list(span), "matched": found.get("quote") or name,
                    "source": "progress"}
    return None


class RulePlan(NamedTuple):
    """What make_finding needs from a rule, computed once per rule."""

    rule: Rule
    fields: list[str]  # the fields the condition reads, in order
    compared: list[str]  # those shown as evidence values (not the texts)
    thresholds: dict  # "field op" → constant
    contains: list[Leaf]  # the keyword leaves, whose match is quoted
    pieces: tuple  # the message template, parsed
    safe: bool  # the rule's own values in a finding (id, title, version, severity, status, escalation, thresholds) are float-safe


_PLANS: dict[int, RulePlan] = {}  # id(rule) → plan; the plan holds the rule, so the id cannot be reused


def _plan(rule: Rule) -> RulePlan:
    plan = _PLANS.get(id(rule))
    if plan is None or plan.rule is not rule:
        if len(_PLANS) > 4096:  # rulebooks loaded again and again (tests, fuzz): keep the cache bounded
            _PLANS.clear()
        fields = rule.fields()
        leaves = list(rule.when.leaves())
        thresholds = {f"{leaf.field} {leaf.op}": list(leaf.value) if isinstance(leaf.value, tuple) else leaf.value
                      for leaf in leaves if leaf.op not in ("exists", "contains")}
        contains = [leaf for leaf in leaves if isinstance(leaf, Leaf) and leaf.op == "contains"]
        compared = [n for n in fields if n not in ("text", "progress")]
        safe = floats_safe((rule.id, rule.title, rule.version, rule.severity, rule.status, rule.escalation, thresholds))
        plan = _PLANS[id(rule)] = RulePlan(rule, fields, compared, thresholds, contains, _parsed(rule.message), safe)
    return plan


def clause_around(text: str, start: int, end: int, limit: int = 80) -> str:
    """The clause holding a match, cut at sentence punctuation, so the quote reads on its own."""
    left = max(text.rfind(p, 0, start) for p in "。；;！!？?\n")
    right_candidates = [i for i in (text.find(p, end) for p in "。；;！!？?\n") if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    clause = text[left + 1:right].strip()
    if len(clause) > limit:
        a = max(0, start - limit // 2)
        clause = text[a:a + limit].strip() + "…"
    return clause


_EXTRA = ("quote", "target_quote", "item_id", "seq")


def make_finding(rule: Rule, derived: Derived, params: dict) -> Finding:
    record, found = derived.record, derived.evidence
    _, fields, compared, thresholds, contains, pieces, safe = _plan(rule)
    values = dict(zip(compared, map(record.get, compared)))
    evidence: dict = {"values": values, "thresholds": thresholds.copy()}
    quote = _keyword_evidence(rule, record, found) if contains else None
    if quote is None:
        for name in fields:
            if name in found and found[name].get("quote"):
                quote = found[name]
                break
    if quote:
        for k, v in quote.items():
            if v not in (None, ""):
                evidence[k] = v
    # the finding's values are walked for the JSON writer here, where they are placed (the message is a str)
    safe = safe and values_floats_safe(values.values()) and (not quote or values_floats_safe(quote.values()))
    # the placeholders the message uses, filled in one pass: extra, then the record, then params
    out = []
    for literal, key, spec in pieces:
        out.append(literal)
        if key is not None:
            if key in _EXTRA:
                value = _extra(key, evidence, record, derived)
            else:
                value = record[key] if key in record else params.get(key)
            out.append(value if type(value) is str and not spec else _fmt_value(value, spec))
    message = "".join(out)
    if evidence.get("aims"):  # a compound task: name every aim with its figure, not only the deciding one
        message += "；各子目标：" + "；".join(_aim_text(a) for a in evidence["aims"])
    # positional, in Finding's field order (rule, severity, target, quote, message, suggestion, core, title, version,
    # status, escalation, evidence, waived, floats_ok): a rule finding has no target, quote, suggestion or core
    return Finding(rule.id, rule.severity, None, "", message, "", "", rule.title, rule.version, rule.status,
                   rule.escalation, evidence, None, safe)


def _extra(key: str, evidence: dict, record: dict, derived: Derived):
    if key == "quote":
        return evidence.get("quote") or (record.get("progress") or "")[:60]
    if key == "target_quote":
        return evidence.get("target_quote", "")
    return derived.item.id if key == "item_id" else derived.item.seq


def _aim_text(aim: dict) -> str:
    figure = aim.get("figure")
    if figure is None:
        return f"{aim['target']}（未见可比数字）"
    if aim.get("kind") == "growth":
        return f"{aim['target']}→{figure:g}%"
    if isinstance(figure, float) and aim.get("actual") is not None and figure != aim.get("actual"):
        return f"{aim['target']}→{aim.get('quote') or aim['actual']}（{figure * 100:.0f}%）"
    return f"{aim['target']}→{aim.get('quote') or figure}"


def missing_reason(derived: Derived) -> str:
    record = derived.record
    if derived.entry is None:
        return "本期没有报送进展"
    if not record.get("has_progress"):
        return "进展为空或只是占位文字"
    if record.get("quantified") and "ratio" not in record and "growth_actual" not in record and "limit_excess" not in record:
        quotes = "、".join(t.get("quote", "") for t in derived.item.targets if t.get("quantity") is not None)
        return f"目标为量化指标（{quotes}），进展中未找到可比的实际数"
    return "没有规则对该条进展作出判断"


def _ranks(values) -> dict:
    """value → its first index in the list, for min/max by list position without list.index per finding."""
    ranks: dict = {}
    for n, value in enumerate(values):
        ranks.setdefault(value, n)
    return ranks


def _severity(finding: Finding) -> int:
    return SEVERITY_RANK.get(finding.severity, 9)


def classify(derived: list[Derived], fired: list[list[str]], book: Rulebook, waived: dict | None = None) -> list[Judgement]:
    """waived: (item id, rule id) → waiver dict, for findings that must not decide status or escalation."""
    by_id = {r.id: r for r in book.rules}
    params = book.params
    ladder = _ranks(params.get("escalation_ladder", []))
    precedence: dict = {}  # kind → (ranks, length), read when an item of that kind is first met
    waived = waived or {}
    out = []
    for item, rule_ids in zip(derived, fired):
        findings = [make_finding(by_id[rid], item, params) for rid in rule_ids]
        if waived:
            for finding in findings:
                finding.waived = waived.get((item.item.id, finding.rule))
        if len(findings) > 1:
            findings.sort(key=_severity)
        deciding = [f for f in findings if not f.waived] if waived else findings
        key = "status_precedence" if item.item.kind == "task" else "indicator_precedence"
        if key not in precedence:
            precedence[key] = (_ranks(params[key]), len(params[key]))
        if len(deciding) == 1:  # most items: the one finding decides (the general case below gives the same)
            only = deciding[0]
            if only.status:
                status, reason = only.status, f"{only.rule}：{only.message}"
            else:
                status, reason = UNCLEAR, missing_reason(item)
            escalation = only.escalation if only.escalation in ladder else None
        elif not deciding:
            status, reason, escalation = UNCLEAR, missing_reason(item), None
        else:
            ranks, last = precedence[key]
            statuses = [f for f in deciding if f.status]
            if statuses:
                chosen = min(statuses, key=lambda f: ranks.get(f.status, last)) if len(statuses) > 1 else statuses[0]
                status, reason = chosen.status, f"{chosen.rule}：{chosen.message}"
            else:
                status, reason = UNCLEAR, missing_reason(item)
            steps = [f.escalation for f in deciding if f.escalation in ladder]
            escalation = max(steps, key=ladder.__getitem__) if steps else None
        if status == APPROVED_CHANGE:
            escalation = None  # an approved postponement is not pursued, as a waiver is not
        out.append(Judgement(item, status, reason, escalation, findings))
    return out


__all__ = ["classify", "summarise", "Finding", "Judgement", "FIELDS"]
