"""Load and validate a rulebook directory: rules/*.yaml (one rule per file) and rules/params.yaml.

Every mistake is collected and reported together with file:line:col and a did-you-mean; a rulebook
with any mistake never runs. Rules are data: nothing here evaluates code.
"""

from __future__ import annotations

import difflib
import hashlib
import string
from pathlib import Path

from ..errors import Collector, InputError, RuleError
from ..yamlio import LocDict, load_yaml, where
from .fields import ALIASES, FIELDS, TYPE_ZH, resolve_field
from .ir import OPS, SEVERITIES, STATUSES_INDICATOR, STATUSES_TASK, All, Any_, Example, Leaf, Not, Rule, Rulebook

RULE_KEYS = ("id", "version", "title", "description", "applies_to", "when", "then", "examples")
THEN_KEYS = ("status", "severity", "escalation", "message")
EXAMPLE_KEYS = ("name", "fact", "expect", "note")
OP_ALIASES = {
    "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "=": "eq", "!=": "ne",
    "＜": "lt", "＜＝": "le", "＞": "gt", "＞＝": "ge", "＝": "eq", "＝＝": "eq", "≤": "le", "≥": "ge", "≠": "ne",
    "小于": "lt", "不大于": "le", "大于": "gt", "不小于": "ge", "等于": "eq", "不等于": "ne",
    "介于": "between", "属于": "in", "包含": "contains", "存在": "exists",
}
GROUP_ALIASES = {"all": "all", "全部": "all", "any": "any", "任一": "any", "not": "not", "非": "not"}
KIND_ALIASES = {"task": "task", "任务": "task", "indicator": "indicator", "指标": "indicator"}
REGEX_META = set(".*+?()[]{}|\\^$")
MESSAGE_EXTRAS = ("quote", "target_quote", "item_id", "seq")


def _suggest(word, options) -> str | None:
    guess = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.5)
    return f"是否想写「{guess[0]}」？" if guess else None


class _RuleReader:
    def __init__(self, path: str, params: dict, errors: Collector):
        self.path, self.params, self.errors = path, params, errors

    def err(self, message, node=None, key=None, field=None, hint=None):
        self.errors.add(message, field=field, hint=hint, **where(node, key) if node is not None else {})

    # ------------------------------------------------------------ conditions
    def condition(self, node, parent=None, key=None):
        if not isinstance(node, dict) or len(node) != 1:
            self.err("每个条件应是只有一个键的映射，如 ratio: {lt: 0.5} 或 all: […]", parent if not isinstance(node, dict) else node, key)
            return None
        (name, body), = node.items()
        group = GROUP_ALIASES.get(name)
        if group in ("all", "any"):
            if not isinstance(body, list) or not body:
                self.err(f"「{name}」后应是非空的条件列表", node, name)
                return None
            items = tuple(c for c in (self.condition(c, body) for c in body) if c is not None)
            return (All if group == "all" else Any_)(items) if len(items) == len(body) else None
        if group == "not":
            inner = self.condition(body, node, name)
            return Not(inner) if inner is not None else None
        return self.leaf(node, name, body)

    def leaf(self, node, name, body):
        field = resolve_field(str(name))
        if field is None:
            options = list(FIELDS) + list(ALIASES) + list(GROUP_ALIASES)
            self.err(f"未知的事实字段「{name}」", node, name, hint=_suggest(name, options) or "可用字段见 docs/rules.md")
            return None
        spec = FIELDS[field]
        if not isinstance(body, dict):
            body = {"eq": body}  # shorthand: field: value
        leaves = []
        for raw_op, raw_value in body.items():
            op = raw_op if raw_op in OPS else OP_ALIASES.get(str(raw_op).strip())
            if op is None:
                self.err(f"未知的比较方式「{raw_op}」", body, raw_op, field=field, hint=_suggest(raw_op, list(OPS) + list(OP_ALIASES)))
                continue
            value = self.value(body, raw_op, raw_value, op, spec)
            if value is not _BAD:
                leaves.append(Leaf(field, op, value))
        if len(leaves) != len(body):
            return None
        return leaves[0] if len(leaves) == 1 else All(tuple(leaves))

    def value(self, body, raw_op, raw, op, spec):
        if isinstance(raw, dict) and set(raw) == {"param"}:
            pname = raw["param"]
            if pname not in self.params:
                self.err(f"未知的参数「{pname}」", body, raw_op, field=spec.name, hint=_suggest(pname, self.params) or "参数定义在 params.yaml")
                return _BAD
            raw = self.params[pname]
        if op == "exists":
            if not isinstance(raw, bool):
                return self.bad(body, raw_op, spec, "true 或 false", raw)
            return raw
        if op == "between":
            if not (isinstance(raw, list) and len(raw) == 2 and all(_is_num(v) for v in raw)) or spec.type != "num":
                return self.bad(body, raw_op, spec, "两个数字组成的列表 [下限, 上限]", raw)
            return (round(float(raw[0]), 6), round(float(raw[1]), 6))
        if op == "contains":
            words = raw if isinstance(raw, list) else [raw]
            if spec.type != "str" or not words or not all(isinstance(w, str) and w.strip() for w in words):
                return self.bad(body, raw_op, spec, "关键词或关键词列表（只用于文字字段）", raw)
            for word in words:
                bad = sorted(REGEX_META & set(word))
                if bad:
                    self.err(f"关键词「{word}」含有特殊字符 {' '.join(bad)}，请去掉", body, raw_op, field=spec.name,
                             hint="关键词按字面匹配；用“…”表示中间可隔任意文字，如 被…通报")
                    return _BAD
            return tuple(words)
        if op == "in":
            if not isinstance(raw, list) or not raw or not all(self.type_ok(v, spec) for v in raw):
                return self.bad(body, raw_op, spec, f"{TYPE_ZH[spec.type]}列表", raw)
            return tuple(_norm(v) for v in raw)
        if op in ("lt", "le", "gt", "ge") and spec.type != "num":
            return self.bad(body, raw_op, spec, "数字字段（大小比较只用于数字）", raw)
        if not self.type_ok(raw, spec):
            return self.bad(body, raw_op, spec, TYPE_ZH[spec.type], raw)
        return _norm(raw)

    @staticmethod
    def type_ok(value, spec) -> bool:
        if spec.type == "num":
            return _is_num(value)
        if spec.type == "bool":
            return isinstance(value, bool)
        return isinstance(value, str)

    def bad(self, body, key, spec, expected, raw):
        hint = None
        if isinstance(raw, str) and spec.type == "bool" and raw.lower() in ("yes", "no", "on", "off", "y", "n"):
            hint = "YAML 中请写 true 或 false；yes/no/on/off 不会被当作是/否"
        elif isinstance(raw, str) and spec.type == "num":
            hint = "数字不要加引号或单位，百分比写成小数（75% 写 0.75）"
        self.err(f"字段「{spec.alias}」的「{key}」应为{expected}，实为「{raw}」", body, key, field=spec.name, hint=hint)
        return _BAD

    # ------------------------------------------------------------ the rule
    def rule(self, data) -> Rule | None:
        if not isinstance(data, dict):
            self.err("规则文件的顶层应为映射（键: 值）")
            return None
        for key in data:
            if key not in RULE_KEYS:
                self.err(f"规则中有未知的键「{key}」", data, key, hint=_suggest(key, RULE_KEYS))
        for key in ("id", "title", "applies_to", "when", "then"):
            if key not in data:
                self.err("缺少必填项", data, field=key)
        rid = data.get("id")
        if rid is not None and not (isinstance(rid, str) and rid.strip()):
            self.err(f"规则编号应为文字，实为「{rid}」", data, "id", field="id")
        applies = data.get("applies_to", [])
        applies = applies if isinstance(applies, list) else [applies]
        kinds = []
        for kind in applies:
            if KIND_ALIASES.get(kind) is None:
                self.err(f"适用对象应为 task/任务 或 indicator/指标，实为「{kind}」", data, "applies_to", field="applies_to")
            else:
                kinds.append(KIND_ALIASES[kind])
        when = self.condition(data["when"], data, "when") if "when" in data else None
        then = data.get("then") if isinstance(data.get("then"), dict) else None
        if "then" in data and then is None:
            self.err("then 应为映射（status / severity / escalation / message）", data, "then")
        status = severity = escalation = message = None
        if then is not None:
            for key in then:
                if key not in THEN_KEYS:
                    self.err(f"then 中有未知的键「{key}」", then, key, hint=_suggest(key, THEN_KEYS))
            status = then.get("status")
            allowed = (STATUSES_TASK if "task" in kinds else ()) + (STATUSES_INDICATOR if "indicator" in kinds else ())
            if status is not None and status not in allowed:
                self.err(f"未知的状态「{status}」", then, "status", field="status", hint=_suggest(status, allowed) or f"可用：{'、'.join(allowed)}")
            severity = then.get("severity", "info")
            if severity not in SEVERITIES:
                self.err(f"未知的严重程度「{severity}」", then, "severity", field="severity", hint=_suggest(severity, SEVERITIES) or "可用：error、warn、info")
            escalation = then.get("escalation")
            ladder = self.params.get("escalation_ladder", [])
            if escalation is not None and escalation not in ladder:
                self.err(f"未知的督办等级「{escalation}」", then, "escalation", field="escalation", hint=_suggest(escalation, ladder) or f"可用：{'、'.join(ladder)}")
            message = then.get("message")
            if not isinstance(message, str) or not message.strip():
                self.err("缺少 message（发现的文字说明）", then, field="message")
            else:
                self.check_message(message, then)
        examples = self.examples(data.get("examples"), data, kinds)
        version = data.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool):
            self.err(f"version 应为整数，实为「{version}」", data, "version", field="version")
            version = 1
        if when is None or then is None or not kinds or not isinstance(rid, str) or status not in (None,) + STATUSES_TASK + STATUSES_INDICATOR:
            return None
        return Rule(id=rid.strip(), title=str(data.get("title", "")), description=str(data.get("description", "")).strip(),
                    applies_to=tuple(kinds), when=when, status=status, severity=severity or "info",
                    escalation=escalation, message=message or "", version=version, examples=examples,
                    file=self.path, line=getattr(data, "line", None))

    def check_message(self, message: str, then) -> None:
        allowed = set(FIELDS) | set(MESSAGE_EXTRAS) | set(self.params)
        try:
            parsed = list(string.Formatter().parse(message))
        except ValueError as exc:
            self.err(f"message 中的花括号不配对：{exc}", then, "message", field="message", hint="要显示花括号本身请写 {{ 或 }}")
            return
        for _, name, spec, conversion in parsed:
            if name is None:
                continue
            base = resolve_field(name) or name
            if base not in allowed or conversion:
                self.err(f"message 中引用了未知的名称「{{{name}}}」", then, "message", field="message", hint=_suggest(name, allowed))
            if spec and spec not in ("%", ".0%", ".1%", ".0f", ".1f", ".2f"):
                self.err(f"message 中「{{{name}:{spec}}}」的格式不支持", then, "message", field="message", hint="可用 :% :.1% :.0f :.1f :.2f")

    def examples(self, raw, data, kinds) -> list[Example]:
        out = []
        if raw is None:
            return out
        if not isinstance(raw, list):
            self.err("examples 应为列表", data, "examples")
            return out
        for node in raw:
            if not isinstance(node, dict):
                self.err("每个示例应为映射（name / fact / expect）", raw)
                continue
            for key in node:
                if key not in EXAMPLE_KEYS:
                    self.err(f"示例中有未知的键「{key}」", node, key, hint=_suggest(key, EXAMPLE_KEYS))
            expect = node.get("expect")
            if expect not in ("fire", "no_fire", "触发", "不触发"):
                self.err(f"示例的 expect 应为 fire（触发）或 no_fire（不触发），实为「{expect}」", node, "expect", field="expect")
                continue
            fact = node.get("fact") or {}
            clean = {}
            for key, value in (fact.items() if isinstance(fact, dict) else []):
                name = resolve_field(str(key))
                if name is None:
                    self.err(f"示例中有未知的事实字段「{key}」", fact, key, hint=_suggest(key, list(FIELDS) + list(ALIASES)))
                    continue
                if value is not None and not self.type_ok(value, FIELDS[name]):
                    self.err(f"示例字段「{key}」应为{TYPE_ZH[FIELDS[name].type]}，实为「{value}」", fact, key, field=name)
                    continue
                clean[name] = _norm(value) if value is not None else None
            clean.setdefault("kind", kinds[0] if kinds else "task")
            name = str(node.get("name") or f"example{len(out) + 1}")
            out.append(Example(name=name, fact=clean, expect=expect in ("fire", "触发"), line=getattr(node, "line", None)))
        return out


class _Bad:
    pass


_BAD = _Bad()


def _is_num(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) != float("inf")


def _norm(value):
    if _is_num(value):
        return round(float(value), 6)
    return value


# ---------------------------------------------------------------- params and the book

PARAM_TYPES = {
    "tolerance": "num", "severe_gap": "num", "ahead_margin": "num", "growth_tolerance": "num", "growth_severe": "num",
    "min_progress_chars": "num", "stale_months": "num",
}


def load_params(path: Path) -> dict:
    if not path.exists():
        raise RuleError("规则目录缺少 params.yaml（参数表）", file=str(path))
    data = load_yaml(path)
    errors = Collector(str(path))
    if not isinstance(data, dict):
        raise RuleError("params.yaml 的顶层应为映射（参数名: 值）", file=str(path), line=1)
    for key, kind in PARAM_TYPES.items():
        if key in data and not _is_num(data[key]):
            errors.add(f"参数「{key}」应为数字，实为「{data[key]}」", field=key, **where(data, key))
    tp = data.get("time_progress", {"method": "months"})
    if not isinstance(tp, dict) or tp.get("method") not in ("months", "days", "curve"):
        errors.add("time_progress.method 应为 months（按月）、days（按天）或 curve（自定义曲线）", field="time_progress", **where(data, "time_progress"))
    elif tp["method"] == "curve":
        curve = tp.get("curve")
        if not isinstance(curve, dict) or not curve or not all(isinstance(k, int) and 1 <= k <= 12 and _is_num(v) and 0 <= v <= 1 for k, v in curve.items()):
            errors.add("time_progress.curve 应为 月份: 进度 的映射，如 {3: 0.2, 6: 0.45, 9: 0.75, 12: 1.0}", field="time_progress.curve", **where(tp, "curve"))
    for key in ("status_precedence", "indicator_precedence", "escalation_ladder"):
        if not isinstance(data.get(key), list) or not all(isinstance(v, str) for v in data.get(key)):
            errors.add(f"参数「{key}」应为文字列表", field=key, **where(data, key if key in data else None))
    errors.raise_if_any(RuleError)
    return {k: (list(v) if isinstance(v, list) else v) for k, v in data.items()}


def load_rulebook(directory: str | Path) -> Rulebook:
    root = Path(directory)
    if not root.is_dir():
        raise RuleError("规则目录不存在", file=str(root))
    params_path = root / "params.yaml"
    params = load_params(params_path)
    errors = Collector()
    rules, seen = [], {}
    digest = hashlib.sha256()
    files = sorted(p for p in root.glob("*.yaml") if p.name != "params.yaml")
    for path in [params_path] + files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for path in files:
        try:
            data = load_yaml(path)
        except InputError as exc:
            errors.problems.extend(exc.problems)
            continue
        reader = _RuleReader(str(path), params, Collector(str(path)))
        rule = reader.rule(data)
        errors.problems.extend(reader.errors.problems)
        if rule is None:
            continue
        if rule.id in seen:
            errors.add(f"规则编号「{rule.id}」重复（{seen[rule.id]} 已使用）", file=str(path), field="id", **where(data, "id"))
        seen[rule.id] = path.name
        rules.append(rule)
    if not files:
        errors.add("规则目录中没有规则文件（*.yaml）", file=str(root))
    errors.raise_if_any(RuleError)
    lexicon = root / "lexicon"
    return Rulebook(directory=str(root), rules=rules, params=params, digest="sha256:" + digest.hexdigest()[:16],
                    lexicon_dir=str(lexicon) if lexicon.is_dir() else None)


def default_rules_dir() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "rules"
