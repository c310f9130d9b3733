"""Load and validate a rulebook directory: rules/*.yaml (one rule per file) and rules/params.yaml.

Every mistake is collected and reported together with file:line:col, the offending text and a
did-you-mean; a rulebook with any mistake never runs. Rules are data: nothing here evaluates code.
Conditions are read in load_conditions.py, parameters in load_params.py, hints in hints.py.
"""

from __future__ import annotations

import hashlib
import string
from pathlib import Path

from ..errors import Collector, InputError, Problem, RuleError
from ..resources import shipped
from ..store.yamlio import load_yaml_text, where
from .fact_check import ExprError, contradictions, looks_like_expr, param_expr
from .fields import ALIASES, FIELDS, TYPE_ZH, resolve_field
from .hints import fullwidth_hint, key_hint, refine_yaml_problem, show, suggest
from .ir import SEVERITIES, STATUSES_INDICATOR, STATUSES_TASK, Example, Rule, Rulebook
from .load_conditions import BAD, GROUP_ALIASES, OP_ALIASES, REGEX_META, ConditionReader, coerce, item_where, type_hint
from .text_examples import read_text_example
from .load_params import PARAM_TYPES, load_params, read_params, read_source, unused_near_misses

__all__ = ["load_rulebook", "load_params", "default_rules_dir", "OP_ALIASES", "GROUP_ALIASES", "REGEX_META", "PARAM_TYPES"]

RULE_KEYS = ("id", "version", "title", "description", "applies_to", "when", "then", "examples")
REQUIRED = {"id": "规则编号", "title": "标题", "applies_to": "适用对象", "when": "条件", "then": "结论"}
THEN_KEYS = ("status", "severity", "escalation", "message")
EXAMPLE_KEYS = ("name", "fact", "expect", "note")
EXPECT = {"fire": True, "触发": True, "no_fire": False, "不触发": False}
SEVERITY_ALIASES = {"错误": "error", "警告": "warn", "提示": "info"}
KIND_ALIASES = {"task": "task", "任务": "task", "indicator": "indicator", "指标": "indicator"}
KIND_ZH = {"task": "任务（task）", "indicator": "指标（indicator）"}
MESSAGE_EXTRAS = ("quote", "target_quote", "item_id", "seq")
FORMAT_SPECS = ("%", ".0%", ".1%", ".0f", ".1f", ".2f")
TOP = {"line": 1, "col": 1}


class _RuleReader(ConditionReader):
    def __init__(self, path: str, params: dict, params_raw, params_file: str, reported: set):
        self.path, self.params, self.params_raw, self.params_file = path, params, params_raw, params_file
        self.errors = Collector(path)
        self.reported_params = reported  # shared: a bad word in params.yaml is reported once
        self.param_refs: list[tuple[str, str, str]] = []  # (field, op, param) — for coverage
        self.message_params: set[str] = set()

    def err(self, message, at=None, hint=None, field=None, file=None):
        self.errors.add(message, hint=hint, field=field, file=file, **(at or {}))

    def param_where(self, pname, index) -> dict:
        node = self.params_raw.get(pname)
        return item_where(node, index) if isinstance(node, list) else where(self.params_raw, pname)

    # ------------------------------------------------------------ the rule
    def rule(self, data) -> Rule | None:
        if data is None:
            self.err("规则文件是空的", TOP, hint="每个规则文件应有 id、title、applies_to、when、then、examples")
            return None
        if not isinstance(data, dict):
            kind = "列表" if isinstance(data, list) else f"文字「{show(data)[:30]}」"
            self.err(f"规则文件的顶层应为映射（键: 值），实为{kind}", where(data) or TOP,
                     hint=fullwidth_hint(data) or "每行一个「键: 值」，不要以「- 」开头")
            return None
        meant = set()  # "tittle" is reported once, not again as a missing "title"
        for key in data:
            if key not in RULE_KEYS:
                hint = key_hint(key, RULE_KEYS)
                self.err(f"规则中有未知的键「{key}」", where(data, key), hint=hint)
                meant.update(k for k in RULE_KEYS if hint and f"「{k}」" in hint)
        for key, zh in REQUIRED.items():
            if key not in data and key not in meant:
                self.err(f"缺少必填项「{key}」（{zh}）", where(data))
        rid = data.get("id")
        if "id" in data and not (isinstance(rid, str) and rid.strip()):
            self.err(f"规则编号应为文字，实为「{show(rid)}」", where(data, "id"), hint="如 R-TP-06")
        title = data.get("title")
        if "title" in data and not (isinstance(title, str) and title.strip()):
            self.err(f"title（标题）应为文字，实为「{show(title)}」", where(data, "title"))
        if not isinstance(data.get("description", ""), str):
            self.err("description（说明）应为文字", where(data, "description"), hint="整段文字，含冒号时请加引号")
        kinds = self.applies_to(data)
        self.rule_id = rid if isinstance(rid, str) else ""
        when = None
        if "when" in data:
            when = self.condition(data["when"], where(data, "when"))
        then = self.then(data, kinds)
        examples = self.examples(data.get("examples"), data, kinds)
        version = data.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.err(f"version（版本号）应为正整数，实为「{show(version)}」", where(data, "version"), hint="改规则时加 1，如 2")
        if self.errors.problems or when is None or then is None:
            return None
        status, severity, escalation, message = then
        return Rule(id=rid.strip(), title=title.strip(), description=str(data.get("description", "")).strip(),
                    applies_to=tuple(kinds), when=when, status=status, severity=severity, escalation=escalation,
                    message=message, version=version, examples=examples, file=self.path, line=getattr(data, "line", None))

    def applies_to(self, data) -> list[str]:
        if "applies_to" not in data:
            return []
        raw = data["applies_to"]
        items = raw if isinstance(raw, list) else [raw]
        kinds = []
        if not items:
            self.err("applies_to（适用对象）不能为空", where(data, "applies_to"), hint="写 task（任务）、indicator（指标）或 [task, indicator]")
        for kind in items:
            if not isinstance(kind, str) or KIND_ALIASES.get(kind.strip()) is None:
                self.err(f"适用对象应为 task（任务）或 indicator（指标），实为「{show(kind)}」", where(data, "applies_to"),
                         hint=fullwidth_hint(kind) or suggest(kind, KIND_ALIASES))
            elif KIND_ALIASES[kind.strip()] not in kinds:
                kinds.append(KIND_ALIASES[kind.strip()])
        return kinds

    def then(self, data, kinds):
        if "then" not in data:
            return None
        node = data["then"]
        if not isinstance(node, dict):
            self.err(f"then 应为映射（status / severity / escalation / message），实为「{show(node)}」", where(data, "then"))
            return None
        before = len(self.errors.problems)
        for key in node:
            if key not in THEN_KEYS:
                self.err(f"then 中有未知的键「{key}」", where(node, key), hint=key_hint(key, THEN_KEYS))
        if "status" not in node and "message" not in node:
            self.err("then 既没有 status（状态）也没有 message（说明）：规则触发了也不会产生任何结果", where(data, "then"),
                     hint="判定状态写 status，只作提示写 message")
            return None
        status = node.get("status")
        allowed = tuple(dict.fromkeys((STATUSES_TASK if "task" in kinds else ()) + (STATUSES_INDICATOR if "indicator" in kinds else ())))
        if "status" in node and status not in allowed:
            other = [k for k, statuses in (("task", STATUSES_TASK), ("indicator", STATUSES_INDICATOR)) if status in statuses]
            if other and kinds:
                self.err(f"状态「{status}」只用于{KIND_ZH[other[0]]}，本规则适用于{'、'.join(KIND_ZH[k] for k in kinds)}",
                         where(node, "status"), hint=f"可用：{'、'.join(allowed)}")
            elif kinds or not other:
                options = allowed or STATUSES_TASK + STATUSES_INDICATOR
                self.err(f"未知的状态「{show(status)}」", where(node, "status"),
                         hint=fullwidth_hint(status) or suggest(status, options) or f"可用：{'、'.join(options)}")
        severity = node.get("severity", "info")
        severity = SEVERITY_ALIASES.get(severity, severity) if isinstance(severity, str) else severity
        if severity not in SEVERITIES:
            self.err(f"未知的严重程度「{show(severity)}」", where(node, "severity"),
                     hint=suggest(severity, SEVERITIES) or "可用：error（错误）、warn（警告）、info（提示）")
        escalation = node.get("escalation")
        ladder = self.params.get("escalation_ladder") or []
        # a wrong ladder (true, 5, a mapping) is reported in params.yaml; checking against it could not work
        if escalation is not None and "escalation_ladder" not in self.bad_params and escalation not in ladder:
            self.err(f"未知的督办等级「{show(escalation)}」", where(node, "escalation"),
                     hint=suggest(escalation, ladder) or f"可用：{'、'.join(map(str, ladder))}（见 params.yaml 的 escalation_ladder）")
        message = node.get("message")
        if "message" in node and message is not None and not isinstance(message, str):
            self.err(f"message 应为文字，实为「{show(message)}」", where(node, "message"), hint="整句加英文双引号")
        elif not isinstance(message, str) or not message.strip():
            self.err("缺少 message（发现的文字说明）", where(node, "message") if "message" in node else where(data, "then"),
                     hint="如 message: \"完成率{ratio:%}，低于时序进度{time_progress:%}\"")
        else:
            self.check_message(message, where(node, "message"))
        if len(self.errors.problems) > before:
            return None
        return status, severity, escalation, message

    def check_message(self, message: str, at) -> None:
        allowed = set(FIELDS) | set(MESSAGE_EXTRAS) | set(self.params)
        try:
            parsed = list(string.Formatter().parse(message))
        except ValueError:
            self.err("message 中的花括号不配对", at, hint="占位写 {字段名}，要显示花括号本身请写 {{ 或 }}")
            return
        for _, name, spec, conversion in parsed:
            if name is None:
                continue
            base = resolve_field(name) or name
            shown = "{" + name + (f":{spec}" if spec else "") + "}"
            if base not in allowed or conversion:
                self.err(f"message 中引用了未知的名称「{shown}」", at,
                         hint=suggest(name, sorted(allowed) + list(ALIASES)) or "花括号里写事实字段名，如 {ratio:%}；要显示花括号本身请写 {{ 或 }}")
                continue
            if base in self.params:
                self.message_params.add(base)
            numeric = (base in FIELDS and FIELDS[base].type == "num") or (base in self.params and isinstance(self.params[base], (int, float)))
            if spec and spec not in FORMAT_SPECS:
                self.err(f"message 中「{shown}」的格式不支持", at, hint="可用 :% :.1% :.0f :.1f :.2f")
            elif spec and not numeric:
                self.err(f"message 中「{shown}」：只有数字才能指定格式", at, hint=f"写 {{{name}}}")

    # ------------------------------------------------------------ examples
    def examples(self, raw, data, kinds) -> list[Example]:
        out, names = [], set()
        self.text_examples = []  # task + progress examples (text_examples.py), run through the whole pipeline
        if raw is None:
            return out
        if not isinstance(raw, list):
            self.err("examples 应为列表（每个示例以「- 」开头）", where(data, "examples"))
            return out
        for i, node in enumerate(raw):
            at = item_where(raw, i)
            if not isinstance(node, dict):
                self.err(f"每个示例应为映射（name / fact / expect），实为「{show(node)}」", at)
                continue
            name = str(node.get("name") or f"example{i + 1}")
            if name in names:
                self.err(f"示例名「{name}」重复", where(node, "name"))
            names.add(name)
            if "task" in node or "progress" in node:
                text = read_text_example(self, node, at, kinds, name)
                if text is not None:
                    self.text_examples.append(text)
                continue
            for key in node:
                if key not in EXAMPLE_KEYS:
                    self.err(f"示例中有未知的键「{key}」", where(node, key), hint=key_hint(key, EXAMPLE_KEYS))
            expect = node.get("expect")
            fires = EXPECT.get(expect) if isinstance(expect, str) else None  # [fire] / {} are not keys: never hash them
            if "expect" not in node:
                self.err("示例缺少 expect（fire 触发 / no_fire 不触发）", at)
            elif fires is None:
                self.err(f"示例的 expect 应为 fire（触发）或 no_fire（不触发），实为「{show(expect)}」", where(node, "expect"),
                         hint="写 fire / no_fire，或 触发 / 不触发")
            fact = self.example_fact(node, at, kinds)
            if fact is not None and fires is not None:
                out.append(Example(name=name, fact=fact, expect=fires, line=getattr(node, "line", None)))
        return out

    def example_fact(self, node, at, kinds) -> dict | None:
        if "fact" not in node:
            self.err("示例缺少 fact（事实字段: 值）", at)
            return None
        fact = node["fact"]
        if not isinstance(fact, dict):
            self.err(f"示例的 fact 应为映射（字段: 值），实为「{show(fact)}」", where(node, "fact"), hint=fullwidth_hint(fact))
            return None
        clean, ok = {}, True
        for key, value in fact.items():
            name = resolve_field(str(key).strip())
            if name is None:
                self.err(f"示例中有未知的事实字段「{key}」", where(fact, key), hint=key_hint(key, list(FIELDS) + list(ALIASES)))
                ok = False
                continue
            if name in clean:
                self.err(f"示例中「{key}」与前面的字段是同一个（{name}）", where(fact, key))
                ok = False
                continue
            if name == "kind" and value is not None:
                value = KIND_ALIASES.get(value, BAD) if isinstance(value, str) else BAD
                if value is BAD:
                    self.err(f"示例字段「{key}」应为 task 或 indicator，实为「{show(fact[key])}」", where(fact, key))
                    ok = False
                    continue
            if looks_like_expr(value) and FIELDS[name].type == "num":  # "{tolerance} + 0.01": stays on the edge when tuned
                try:
                    value = param_expr(value, self.params)
                except ExprError as exc:
                    self.err(f"示例字段「{key}」：{exc}", where(fact, key), hint="如 \"{tolerance}\"、\"{tolerance} + 0.01\"、\"0.75 - {tolerance}\"")
                    ok = False
                    continue
            typed = coerce(value, FIELDS[name].type) if value is not None else None
            if typed is BAD:
                self.err(f"示例字段「{key}」应为{TYPE_ZH[FIELDS[name].type]}，实为「{show(value)}」", where(fact, key),
                         hint=type_hint(value, FIELDS[name].type))
                ok = False
                continue
            clean[name] = typed
        clean.setdefault("kind", kinds[0] if kinds else "task")
        for problem in contradictions(clean) if ok else ():
            self.err(f"{self.rule_id} 的示例「{node.get('name') or '（未命名）'}」的事实自相矛盾：{problem}", where(node, "fact"),
                     hint="按 derive 的定义改正这些数字，或只写与本规则有关的字段")
            ok = False
        return clean if ok else None


# ---------------------------------------------------------------- the book

MISNAMED = (".yml", ".YAML", ".Yaml", ".YML", ".yaml.txt", ".yml.txt")


def _read_rule_file(path: Path):
    text = read_source(path)
    try:
        return load_yaml_text(text, str(path))
    except InputError as exc:
        for problem in exc.problems:
            refine_yaml_problem(problem, text.splitlines())
        raise


def load_rulebook(directory: str | Path, params_text: str | None = None) -> Rulebook:
    """params_text: check a candidate params.yaml (e.g. from import-params) before it is written."""
    root = Path(directory)
    if not root.is_dir():
        raise RuleError("规则目录不存在", file=str(root))
    params_path = root / "params.yaml"
    params, params_raw, problems, bad_params = read_params(params_path, params_text)
    errors = Collector()
    errors.problems.extend(problems)
    files = sorted(p for p in root.iterdir() if p.is_file() and p.name.endswith(".yaml") and p.name != "params.yaml"
                   and not p.name.startswith("."))
    for path in sorted(root.iterdir()):
        if path.is_file() and path.name.endswith(MISNAMED):
            errors.add("规则文件的扩展名应为 .yaml（小写），此文件不会被读取", file=str(path), hint=f"请改名为 {path.name.split('.')[0]}.yaml")
    digest = hashlib.sha256()
    params_bytes = params_text.encode("utf-8") if params_text is not None else (params_path.read_bytes() if params_path.is_file() else b"")
    digest.update(b"params.yaml\0" + params_bytes + b"\0")
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    rules, seen, referenced, reported = [], {}, set(), set()
    for path in files:
        try:
            data = _read_rule_file(path)
        except (InputError, RuleError) as exc:
            errors.problems.extend(exc.problems)
            continue
        reader = _RuleReader(str(path), params, params_raw, str(params_path), reported)
        reader.bad_params = bad_params
        rule = reader.rule(data)
        errors.problems.extend(reader.errors.problems)
        referenced |= {p for _, _, p in reader.param_refs} | reader.message_params
        rid = data.get("id") if isinstance(data, dict) else None
        if isinstance(rid, str) and rid.strip():
            if rid.strip() in seen:
                errors.add(f"规则编号「{rid.strip()}」重复：{seen[rid.strip()]} 已使用", file=str(path), **where(data, "id"),
                           hint="复制规则文件后请改 id")
            seen.setdefault(rid.strip(), path.name)
        if rule is not None:
            rule.param_refs = tuple(reader.param_refs)  # read by examples.coverage_lines
            rule.text_examples = reader.text_examples
            rules.append(rule)
    rules, table_problems = _with_tables(root, rules, seen, referenced, params, params_raw, params_path, reported, bad_params, digest)
    errors.problems.extend(table_problems)
    for name, guess in unused_near_misses(params_raw, referenced):
        errors.add(f"参数「{name}」没有被任何规则引用", file=str(params_path), **where(params_raw, name),
                   hint=f"是否想写「{guess}」？新参数请在规则中用 {{param: {name}}} 引用，暂不用的请以 x_ 开头")
    if not files:
        errors.add("规则目录中没有规则文件（*.yaml）", file=str(root))
    # each file's problems in reading order; files in the order they were read
    order = list(dict.fromkeys(p.file for p in errors.problems))
    errors.problems.sort(key=lambda p: (order.index(p.file), p.line or 0, p.col or 0))
    errors.raise_if_any(RuleError)
    lexicon = root / "lexicon"
    return Rulebook(directory=str(root), rules=rules, params=params, digest="sha256:" + digest.hexdigest()[:16],
                    lexicon_dir=str(lexicon) if lexicon.is_dir() else None)


def _with_tables(root, rules, seen, referenced, params, params_raw, params_path, reported, bad_params, digest):
    """Rule files and decision-table rows (rules/tables/, tables.py) as one list in id order; (rules, problems)."""
    from .tables import load_tables, table_files

    def make_reader(path):
        reader = _RuleReader(path, params, params_raw, str(params_path), reported)
        reader.bad_params = bad_params
        return reader

    for path in table_files(root):
        digest.update(b"tables/" + path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    tables, problems = load_tables(root, _read_rule_file, make_reader)
    keyed = [(Path(r.file).stem, r) for r in rules]
    for table in tables:
        for meta, rule in table.rows:
            referenced |= rule.referenced
            if rule.id in seen:
                problems.append(Problem(f"规则编号「{rule.id}」重复：{seen[rule.id]} 已使用", file=meta.file, line=meta.line, col=meta.col,
                                        hint="决策表的行编号与规则文件的 id 都是规则编号，全库唯一"))
            seen.setdefault(rule.id, f"{Path(meta.file).name} 第 {meta.number} 行")
            keyed.append((rule.id, rule))
    return [r for _, r in sorted(keyed, key=lambda kr: kr[0])], problems


def default_rules_dir() -> Path:
    return shipped("rules")
