"""The audit's editable data: rules/audit/typos.yaml (typo and confusion patterns, each with examples)
and rules/audit/terms.yaml (word lists the checks use). Format: docs/audit.md.

Loaded with the project's safe YAML loader (no tags, no eval); every mistake is reported at once as a
RuleError naming the file, the entry and its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Collector, InputError, RuleError
from ..library_messages import regex_problem
from ..resources import shipped
from ..store.yamlio import load_yaml, where
from .model import SEVERITIES

PATTERN_KEYS = {"id", "find", "regex", "replace", "severity", "message", "not_before", "not_after", "except",
                "must_fire", "must_not_fire", "note"}
LIST_KEYS = ("not_before", "not_after", "except", "must_fire", "must_not_fire")
TERM_KEYS = {
    "placeholders": "文字列表", "share_words": "文字列表", "not_share_words": "文字列表", "forecast_words": "文字列表",
    "stall_words": "文字列表", "completion_claims": "文字列表", "completion_claims_end": "文字列表", "completion_part_words": "文字列表",
    "completion_whole_words": "文字列表", "duplicate_word_except": "文字列表",
    "measure_units": "文字列表", "unit_suffixes": "文字列表", "unit_generic_prefixes": "文字列表",
    "unit_distinct": "成对的文字列表",
}


def default_audit_dir() -> Path:
    return shipped("rules", "audit")


@dataclass
class Pattern:
    id: str
    regex: re.Pattern
    severity: str
    message: str
    replace: str | None = None
    not_before: tuple = ()
    not_after: tuple = ()
    exceptions: tuple = ()
    must_fire: list = field(default_factory=list)
    must_not_fire: list = field(default_factory=list)
    file: str = ""
    line: int | None = None

    def finditer(self, text: str):
        """(start, end) of every match that is not part of a longer correct word."""
        for m in self.regex.finditer(text):
            start, end = m.span()
            if any(text.endswith(s, 0, start) for s in self.not_before):
                continue
            if any(text.startswith(s, end) for s in self.not_after):
                continue
            if self._inside_exception(text, start, end):
                continue
            yield start, end

    def _inside_exception(self, text: str, start: int, end: int) -> bool:
        for word in self.exceptions:
            lo = max(0, end - len(word))
            pos = text.find(word, lo, start + len(word))
            while pos != -1 and pos <= start:
                if pos + len(word) >= end:
                    return True
                pos = text.find(word, pos + 1, start + len(word))
        return False

    def fires(self, text: str) -> bool:
        return next(self.finditer(text), None) is not None


@dataclass
class AuditData:
    patterns: list[Pattern]
    terms: dict


def load_audit_data(directory: str | Path | None = None) -> AuditData:
    directory = Path(directory) if directory else default_audit_dir()
    if not directory.is_dir():
        raise RuleError("审核词表目录不存在", file=str(directory), hint="默认为 rules/audit/")
    errors = Collector()
    patterns = load_patterns(directory / "typos.yaml", errors)
    terms = load_terms(directory / "terms.yaml", errors)
    errors.raise_if_any(RuleError)
    return AuditData(patterns=patterns, terms=terms)


def _read(path: Path, errors: Collector):
    if not path.exists():
        errors.add("缺少审核词表文件", file=str(path))
        return None
    try:
        data = load_yaml(path)
    except InputError as exc:  # a YAML syntax error in a rules file is a rule error
        errors.problems.extend(exc.problems)
        return None
    if not isinstance(data, dict):
        errors.add("顶层应为映射（键: 值）", file=str(path), line=1)
        return None
    return data


def load_patterns(path: Path, errors: Collector) -> list[Pattern]:
    data = _read(path, errors)
    if data is None:
        return []
    raw = data.get("patterns")
    if not isinstance(raw, list):
        errors.add("缺少 patterns 列表", file=str(path), field="patterns", line=1)
        return []
    out, seen = [], {}
    for index, node in enumerate(raw):
        pattern = _pattern(node, index, str(path), errors, seen)
        if pattern:
            out.append(pattern)
    return out


def _pattern(node, index: int, file: str, errors: Collector, seen: dict) -> Pattern | None:
    if not isinstance(node, dict):
        errors.add(f"patterns[{index}] 应为映射", file=file, **where(node))
        return None
    name = node.get("id") if isinstance(node.get("id"), str) else f"patterns[{index}]"
    label = f"条目 {name}："
    before = len(errors.problems)

    def bad(message, key=None, hint=None):
        errors.add(label + message, file=file, field=key, hint=hint, **where(node, key))

    for key in node:
        if key not in PATTERN_KEYS:
            bad(f"未知的键「{key}」", key, hint="可用：" + "、".join(sorted(PATTERN_KEYS)))
    if not isinstance(node.get("id"), str):
        bad("缺少 id（文字）", "id")
    elif name in seen:
        bad(f"id 重复（第 {seen[name]} 行已用过）", "id")
    else:
        seen[name] = where(node).get("line")
    if ("find" in node) == ("regex" in node):
        bad("find（字面文字）和 regex（正则表达式）须且只须写一个")
    source = node.get("find", node.get("regex"))
    regex = None
    if not isinstance(source, str) or not source:
        bad("find / regex 应为非空文字", "find" if "find" in node else "regex")
    else:
        try:
            regex = re.compile(re.escape(source) if "find" in node else source)
            if regex.search(""):
                bad("正则表达式能匹配空文字", "regex")
        except re.error as exc:
            bad(f"正则表达式有误：{regex_problem(exc)}", "regex")
    if node.get("severity") not in SEVERITIES:
        bad(f"severity 应为 {' / '.join(SEVERITIES)}，实为「{node.get('severity')}」", "severity")
    if not isinstance(node.get("message"), str) or not node.get("message"):
        bad("缺少 message（给用户看的中文说明）", "message")
    if "replace" in node and not isinstance(node["replace"], str):
        bad("replace 应为文字", "replace")
    lists = {}
    for key in LIST_KEYS:
        value = node.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            bad("应为非空文字的列表", key)
            value = []
        lists[key] = value
    if not lists["must_fire"]:
        bad("至少要有一条 must_fire 示例", "must_fire")
    if len(errors.problems) > before or regex is None:
        return None
    return Pattern(
        id=name, regex=regex, severity=node["severity"], message=node["message"], replace=node.get("replace"),
        not_before=tuple(lists["not_before"]), not_after=tuple(lists["not_after"]), exceptions=tuple(lists["except"]),
        must_fire=lists["must_fire"], must_not_fire=lists["must_not_fire"], file=file, line=where(node).get("line"),
    )


def load_terms(path: Path, errors: Collector) -> dict:
    data = _read(path, errors)
    if data is None:
        return {}
    terms = {}
    for key, value in data.items():
        if key in ("schema", "note"):
            continue
        if key not in TERM_KEYS:
            errors.add(f"未知的词表「{key}」", file=str(path), field=str(key), hint="可用：" + "、".join(TERM_KEYS), **where(data, key))
            continue
        pairs = key == "unit_distinct"
        ok = isinstance(value, list) and all(
            (isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)) if pairs else (isinstance(v, str) and v)
            for v in value)
        if not ok:
            errors.add(f"应为{TERM_KEYS[key]}", file=str(path), field=str(key), **where(data, key))
            continue
        terms[key] = [tuple(v) for v in value] if pairs else list(value)
    for key in TERM_KEYS:
        terms.setdefault(key, [])
    return terms


def example_failures(patterns: list[Pattern]) -> list[str]:
    """Every example that does not behave as its entry says (Chinese, one line each)."""
    out = []
    for p in patterns:
        out += [f"{p.file}:{p.line}: 条目 {p.id}：应命中却未命中「{s}」" for s in p.must_fire if not p.fires(s)]
        out += [f"{p.file}:{p.line}: 条目 {p.id}：不应命中却命中「{s}」" for s in p.must_not_fire if p.fires(s)]
    return out
