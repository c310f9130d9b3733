"""Reading `when:` — conditions, operators and values — into the IR, with every mistake located.

A condition is a one-key mapping: a group (all / any / not) or a fact field. A field maps to a value
(shorthand for 等于) or to {operator: value, …}; several operators on one field all must hold.
Values are constants or {param: name}; parameters are resolved to constants here.
"""

from __future__ import annotations

import unicodedata

from ..store.yamlio import LocDict, LocList, where
from .fields import ALIASES, FIELDS, TYPE_ZH, resolve_field
from .hints import ZH_BOOLS, bool_hint, fullwidth_hint, key_hint, number_hint, show, suggest, wrapped_in_quotes
from .ir import OPS, All, Any_, Leaf, Not

OP_ALIASES = {
    "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "=": "eq", "!=": "ne", "≤": "le", "≥": "ge", "≠": "ne",
    "小于": "lt", "不大于": "le", "大于": "gt", "不小于": "ge", "等于": "eq", "不等于": "ne",
    "介于": "between", "属于": "in", "包含": "contains", "存在": "exists",
}
GROUP_ALIASES = {"all": "all", "全部": "all", "any": "any", "任一": "any", "not": "not", "非": "not"}
PARAM_KEYS = ("param", "参数")
REVERSED = {"=>": ">=", "=<": "<=", "<>": "!=", "=!": "!="}  # typed back to front: say so, don't guess silently
REGEX_META = set(".*+?()[]{}|\\^$")
LIST_SEPARATORS = ("、", "，", ",")
SHARE_FIELDS = ("ratio", "time_progress", "shortfall", "lead")  # shares of a year's target: 0.15, never 15


class Bad:
    """Marks a value already reported as wrong."""


BAD = Bad()


def is_num(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) != float("inf")


def norm(value):
    return round(float(value), 6) if is_num(value) else value


def normalise_op(raw) -> str | None:
    """＞＝ and >= are the same operator: NFKC folds full-width symbols; YAML punctuation is not folded."""
    if raw in OPS:
        return raw
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    return text if text in OPS else OP_ALIASES.get(text)


def coerce(value, ftype):
    """The value as the field's type, or BAD. 是/否 are unambiguous Chinese booleans; yes/no are not."""
    if ftype == "num":
        return norm(value) if is_num(value) else BAD
    if ftype == "bool":
        if isinstance(value, bool):
            return value
        return ZH_BOOLS.get(value.strip(), BAD) if isinstance(value, str) else BAD
    return value if isinstance(value, str) else BAD


def type_hint(value, ftype) -> str | None:
    if ftype == "num":
        return number_hint(value)
    if ftype == "bool":
        return bool_hint(value)
    return fullwidth_hint(value) if not isinstance(value, str) else None


def keyword_problem(word) -> tuple[str, str | None] | None:
    """Why a keyword cannot be matched literally as the clerk meant, or None."""
    if not isinstance(word, str) or not word.strip():
        return f"关键词应为非空文字，实为「{show(word)}」", None
    if wrapped_in_quotes(word):
        return (f"关键词「{word}」两端是中文引号",
                "YAML 不把中文引号当作引号，它们会成为关键词的一部分；请去掉两端的引号")
    meta = sorted(REGEX_META & set(word.replace("...", "…")))
    if meta:
        return (f"关键词「{word}」含有特殊字符 {' '.join(meta)}",
                "关键词按字面匹配，不支持正则表达式；用“…”表示中间可隔任意文字，如 被…通报")
    for sep in LIST_SEPARATORS:
        if sep in word:
            return (f"关键词「{word}」中有「{sep}」，会被当作一整个词",
                    "多个关键词请写成列表，如 [暂缓, 暂停]；要求两词先后出现请用“…”连接")
    return None


def item_where(node, index) -> dict:
    if isinstance(node, LocList) and index < len(node.item_pos):
        line, col = node.item_pos[index]
        return {"line": line, "col": col}
    return where(node)


class ConditionReader:
    """Mixed into the rule reader: needs self.err, self.params, self.param_where, self.param_refs."""

    def condition(self, node, at: dict):
        if node is None:
            self.err("条件为空", at, hint="如 完成率: {\">=\": 1}")
            return None
        if isinstance(node, str):
            self.err(f"条件应是「字段: 比较」的映射，实为文字「{node}」", at,
                     hint=fullwidth_hint(node) or key_hint(node, ()) or "如 完成率: {\">=\": 1}")
            return None
        if not isinstance(node, dict):
            self.err(f"条件应是「字段: 比较」的映射，实为「{show(node)}」", at, hint="如 完成率: {\">=\": 1}")
            return None
        if not node:
            self.err("条件为空", at)
            return None
        if len(node) > 1:
            names = "、".join(str(k) for k in node)
            second = list(node)[1]
            self.err(f"同一层写了 {len(node)} 个条件（{names}）", where(node, second),
                     hint="要同时满足请写 all: 列表，满足其一写 any: 列表，每个条件前加「- 」")
            return None
        (name, body), = node.items()
        group = GROUP_ALIASES.get(str(name).strip().lower())
        if group in ("all", "any"):
            return self.group(node, name, body, group)
        if group == "not":
            inner = self.condition(body, where(node, name))
            return Not(inner) if inner is not None else None
        return self.leaf(node, name, body)

    def group(self, node, name, body, group):
        if isinstance(body, dict):
            self.err(f"「{name}」后应是条件列表，实为映射", where(node, name), hint="每个条件单独一行，前面加「- 」")
            return None
        if not isinstance(body, list) or not body:
            self.err(f"「{name}」后应是非空的条件列表", where(node, name), hint="每个条件单独一行，前面加「- 」")
            return None
        items = [self.condition(c, item_where(body, i)) for i, c in enumerate(body)]
        if any(c is None for c in items):
            return None
        return (All if group == "all" else Any_)(tuple(items))

    def leaf(self, node, name, body):
        at = where(node, name)
        field = resolve_field(str(name).strip()) if isinstance(name, str) else None
        if field is None:
            options = list(FIELDS) + list(ALIASES) + list(GROUP_ALIASES)
            self.err(f"未知的事实字段「{name}」", at, hint=key_hint(name, options) or "可用字段见 docs/rules.md")
            return None
        spec = FIELDS[field]
        if not isinstance(body, dict) or (body and set(body) <= set(PARAM_KEYS)):
            if isinstance(body, list):
                self.err(f"「{name}」后直接写了列表「{show(body)}」", at, hint="多个可选值请写 {属于: [...]}，区间请写 {介于: [下限, 上限]}")
                return None
            body = LocDict({"eq": body})  # shorthand: 字段: 值
            body.line, body.col, body.key_pos = at.get("line"), at.get("col"), {"eq": (at.get("line"), at.get("col"))}
            shorthand = True
        else:
            shorthand = False
        if not body:
            self.err(f"「{name}」后没有写比较", at, hint="如 {\">=\": 1}")
            return None
        leaves, seen = [], {}
        for raw_op, raw_value in body.items():
            op = normalise_op(raw_op)
            op_at = where(body, raw_op)
            if op is None:
                turned = REVERSED.get(str(raw_op).strip())
                self.err(f"未知的比较方式「{raw_op}」", op_at,
                         hint=f"是否想写「{turned}」？" if turned else key_hint(raw_op, list(OPS) + list(OP_ALIASES)))
                continue
            if op in seen:
                self.err(f"「{name}」中「{seen[op]}」与「{raw_op}」是同一种比较，重复了", op_at)
                continue
            seen[op] = raw_op
            value = self.value(name, None if shorthand else raw_op, raw_value, op, spec, op_at)
            if value is not BAD:
                leaves.append(Leaf(field, op, value))
        if len(leaves) != len(body):
            return None
        return leaves[0] if len(leaves) == 1 else All(tuple(leaves))

    # ------------------------------------------------------------ values
    def value(self, name, raw_op, raw, op, spec, at):
        label = f"「{name}」" if raw_op is None else f"「{name}」的「{raw_op}」"
        pname = None
        if isinstance(raw, dict):
            keys = [k for k in raw if k in PARAM_KEYS]
            if len(raw) == 1 and keys:
                pname = raw[keys[0]]
                if not isinstance(pname, str):
                    self.err(f"参数名应为文字，实为「{show(pname)}」", at, hint="如 {param: tolerance}")
                    return BAD
                self.param_refs.append((spec.name, op, pname))
                if pname in self.bad_params:
                    return BAD  # already reported in params.yaml
                if pname not in self.params:
                    self.err(f"未知的参数「{pname}」", at, hint=suggest(pname, self.params) or "参数定义在 params.yaml")
                    return BAD
                raw = self.params[pname]
            else:
                looks_like_param = len(raw) == 1 and suggest(next(iter(raw)), PARAM_KEYS)
                self.err(f"{label}后应是一个值，实为「{show(raw)}」", at,
                         hint="引用参数请写 {param: 参数名}" if looks_like_param else "比较只写一层；要组合多个条件请用 all / any")
                return BAD
        shown = f"参数「{pname}」的值「{show(raw)[:40]}」" if pname else f"「{show(raw)}」"

        def bad(expected, hint=None):
            self.err(f"{label}应为{expected}，实为{shown}", at, hint=hint)
            return BAD

        if op == "exists":
            value = coerce(raw, "bool")
            return bad("true 或 false", bool_hint(raw)) if value is BAD else value
        if op == "between":
            if spec.type != "num":
                return bad("数字字段（介于只用于数字）")
            if not (isinstance(raw, list) and len(raw) == 2 and all(is_num(v) for v in raw)):
                return bad("两个数字组成的列表 [下限, 上限]")
            if raw[0] > raw[1]:
                self.err(f"{label}：下限 {show(raw[0])} 大于上限 {show(raw[1])}，条件永远不成立", at, hint="写成 [下限, 上限]")
                return BAD
            return (norm(raw[0]), norm(raw[1]))
        if op == "contains":
            return self.keywords(raw, spec, pname, bad, at)
        if op in ("lt", "le", "gt", "ge") and spec.type != "num":
            self.err(f"「{name}」是{TYPE_ZH[spec.type]}字段，不能用「{raw_op}」比较大小", at,
                     hint="文字字段用 等于、属于 或 包含")
            return BAD
        if op == "in":
            values = [coerce(v, spec.type) for v in raw] if isinstance(raw, list) else [BAD]
            if not values or BAD in values:
                return bad(f"{TYPE_ZH[spec.type]}列表")
            return tuple(values)
        value = coerce(raw, spec.type)
        if value is BAD:
            return bad(TYPE_ZH[spec.type], type_hint(raw, spec.type))
        if spec.name in SHARE_FIELDS and abs(value) > 2 and not pname:  # parameters are range-checked in params.yaml
            return bad("小数（比例）", f"「{name}」是比例，{show(raw)} 个百分点请写 {show(norm(value / 100))}")
        if isinstance(value, str) and wrapped_in_quotes(value):
            return bad("文字", "两端是中文引号，YAML 不把它们当引号；请去掉")
        return value

    def keywords(self, raw, spec, pname, bad, at):
        if spec.type != "str":
            return bad("关键词", "包含只用于文字字段")
        words = raw if isinstance(raw, list) else [raw]
        if not words:
            return bad("关键词或关键词列表")
        ok = True
        for i, word in enumerate(words):
            problem = keyword_problem(word)
            if problem is None:
                continue
            ok = False
            if pname:  # point at the word in params.yaml, once however many rules use it
                if (pname, i) not in self.reported_params:
                    self.reported_params.add((pname, i))
                    self.err(problem[0], self.param_where(pname, i), hint=problem[1], file=self.params_file)
            else:
                self.err(problem[0], at, hint=problem[1])
        return tuple(words) if ok else BAD
