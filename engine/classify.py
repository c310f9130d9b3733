"""classify: fired rules → findings (message, evidence) → exactly one status per task / indicator.

The status is the highest-precedence status among the findings (params: status_precedence /
indicator_precedence). When no rule gives a status the item is 待核实, with what is missing.
"""

from __future__ import annotations

import string
from functools import lru_cache

from .derive import Derived
from .evaluate.keywords import find_keyword
from .rulebook.fields import FIELDS, resolve_field
from .rulebook.ir import Leaf, Rule, Rulebook
from .result import Finding, Judgement, summarise  # noqa: F401  (summarise re-exported)
from .statuses import APPROVED_CHANGE, UNCLEAR, severity_rank
from .values import message_value as _fmt_value


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
    for leaf in _plan(rule)[4]:
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


_PLANS: dict[int, tuple] = {}  # id(rule) → plan; the plan holds the rule, so the id cannot be reused


def _plan(rule: Rule) -> tuple:
    """What make_finding needs from a rule, computed once per rule: (rule, fields, compared fields,
    thresholds, contains leaves)."""
    plan = _PLANS.get(id(rule))
    if plan is None or plan[0] is not rule:
        if len(_PLANS) > 4096:  # rulebooks loaded again and again (tests, fuzz): keep the cache bounded
            _PLANS.clear()
        fields = rule.fields()
        leaves = list(rule.when.leaves())
        thresholds = {f"{leaf.field} {leaf.op}": list(leaf.value) if isinstance(leaf.value, tuple) else leaf.value
                      for leaf in leaves if leaf.op not in ("exists", "contains")}
        contains = [leaf for leaf in leaves if isinstance(leaf, Leaf) and leaf.op == "contains"]
        plan = _PLANS[id(rule)] = (rule, fields, [n for n in fields if n not in ("text", "progress")], thresholds, contains)
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


def make_finding(rule: Rule, derived: Derived, params: dict) -> Finding:
    record = derived.record
    _, fields, compared, thresholds, _ = _plan(rule)
    evidence: dict = {"values": {name: record.get(name) for name in compared}, "thresholds": dict(thresholds)}
    quote = _keyword_evidence(rule, record, derived.evidence)
    if quote is None:
        for name in fields:
            if name in derived.evidence and derived.evidence[name].get("quote"):
                quote = derived.evidence[name]
                break
    if quote:
        evidence.update({k: v for k, v in quote.items() if v not in (None, "")})
    extra = {"quote": evidence.get("quote") or (record.get("progress") or "")[:60], "target_quote": evidence.get("target_quote", ""),
             "item_id": derived.item.id, "seq": derived.item.seq}
    values = {}  # only the placeholders the message uses: extra, then the record, then params
    for _, key, _ in _parsed(rule.message):
        if key is not None:
            values[key] = extra[key] if key in extra else record[key] if key in record else params.get(key)
    message = render_message(rule.message, values)
    if evidence.get("aims"):  # a compound task: name every aim with its figure, not only the deciding one
        message += "；各子目标：" + "；".join(_aim_text(a) for a in evidence["aims"])
    return Finding(rule=rule.id, title=rule.title, version=rule.version, severity=rule.severity, status=rule.status,
                   escalation=rule.escalation, message=message, evidence=evidence)


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


def classify(derived: list[Derived], fired: list[list[str]], book: Rulebook, waived: dict | None = None) -> list[Judgement]:
    """waived: (item id, rule id) → waiver dict, for findings that must not decide status or escalation."""
    by_id = {r.id: r for r in book.rules}
    ladder = book.params.get("escalation_ladder", [])
    waived = waived or {}
    out = []
    for item, rule_ids in zip(derived, fired):
        findings = [make_finding(by_id[rid], item, book.params) for rid in rule_ids]
        for finding in findings:
            finding.waived = waived.get((item.item.id, finding.rule))
        findings.sort(key=lambda f: severity_rank(f.severity))
        deciding = [f for f in findings if not f.waived]
        precedence = book.params["status_precedence" if item.item.kind == "task" else "indicator_precedence"]
        statuses = [f for f in deciding if f.status]
        if statuses:
            chosen = min(statuses, key=lambda f: precedence.index(f.status) if f.status in precedence else len(precedence))
            status, reason = chosen.status, f"{chosen.rule}：{chosen.message}"
        else:
            status, reason = UNCLEAR, missing_reason(item)
        steps = [f.escalation for f in deciding if f.escalation in ladder]
        escalation = max(steps, key=ladder.index) if steps else None
        if status == APPROVED_CHANGE:
            escalation = None  # an approved postponement is not pursued, as a waiver is not
        out.append(Judgement(derived=item, status=status, status_reason=reason, escalation=escalation, findings=findings))
    return out


__all__ = ["classify", "summarise", "Finding", "Judgement", "FIELDS"]
