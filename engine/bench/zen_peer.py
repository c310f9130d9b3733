"""GoRules ZEN as a peer in `duban bench`: the same rule IR compiled into a ZEN JDM decision graph.

ZEN (`zen-engine`, a bench/test extra, never a runtime dependency: imported here only, lazily) is
what a user would pick instead of duban's evaluators, so the bench runs it on the same derived
records and checks that its fired rules equal the plain evaluator's.

The graph is the way a ZEN user would write the rulebook: input → one decision table → output.
The table has hit policy `collect` (every matching row is returned) and one row per rule:
- a `kind` column (`"task"` / `"task", "indicator"`), which ZEN indexes;
- one column per record field, whose cell is a unary test on that field (`$ != null and $ >= 0.5`)
  holding the rule's top-level conditions on that field alone;
- one expression column (no field) for the conditions that span several fields (an `any` over
  two fields, a `not` of an `all`), written as a standard ZEN expression;
- the output `rule`, the rule id.
IR semantics made explicit, never left to ZEN's error handling (a failing cell counts as false in
ZEN, which would turn `not` of a comparison on a missing field false instead of true):
- every comparison is guarded `x != null and …`; `contains` is guarded `type(x) == 'string' and …`;
- a keyword is `contains(x, '…')`, one with "…" is `matches(x, '(?s)a.*?b')` (Rust regex, escaped);
- the context is built in Python as the other evaluators read records: numbers rounded to 6 decimals,
  yes/no values as 1/0 (Python compares True == 1, ZEN does not), only the fields the rules read.
Constructs ZEN cannot express (UNSUPPORTED) leave their rule out of the comparison, visibly: the
bench lists them with the reason.

Calls: `ZenEngine.evaluate_batch` (the binding's batch API: one call for a whole batch, spread over
ZEN's own worker threads, the GIL released), not `ZenDecision.evaluate` per record (~4.8k/s, the
per-call overhead dominates) nor `async_evaluate` (one awaitable per record, the same per-call cost
plus asyncio's). Its threads are counted: the bench reports CPU seconds.
"""

from __future__ import annotations

import math
import os
import re

from ..errors import EngineError, InputError
from ..evaluate.durable_compile import number_text
from ..evaluate.walk import ConditionVisitor
from ..rulebook.ir import All, Any_, Leaf, Not, Rule

MISSING_ZEN = "未安装 GoRules ZEN（zen-engine）。它只用于基准测试和测试，不是 duban 运行所需的依赖"
MISSING_HINT = "请安装测试依赖（pip install 'duban[bench]' 或 requirements/ 中的测试锁定文件），或去掉 --peer zen"
KEY = "duban"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESERVED = {"and", "or", "not", "in", "true", "false", "null"}
_RUST_META = set("\\.+*?()|[]{}^$#&-~")
_CMP = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
GAP = "…"
_POOL_PID: int | None = None  # the process whose ZEN worker threads exist (they are not inherited by a fork)

# Reasons (Chinese: the bench prints them) a rule is left out of the ZEN comparison.
UNSUPPORTED = {
    "text_order": "文本之间比较大小（lt/le/gt/ge/between 的常量是文本）：ZEN 表达式只能比较数字和日期",
    "quote": "关键词同时含有 ' \" 和 `：ZEN 表达式的字符串没有转义写法，无法写出",
    "number": "常量不是有限数字或超出 ZEN 的十进制数范围（约 ±7.9e28）",
}


def load_zen():
    """The zen module, or a Chinese error naming the missing extra."""
    try:
        import zen
    except ImportError:  # bench/test extra only
        raise InputError(MISSING_ZEN, field="--peer", hint=MISSING_HINT) from None
    return zen


class Unsupported(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def ref(field: str) -> str:
    return field if _IDENT.match(field) and field not in _RESERVED else f"$root[{text_literal(field)}]"


def text_literal(text: str) -> str:
    for quote in ("'", '"', "`"):
        if quote not in text and not (quote == "`" and "${" in text):
            return f"{quote}{text}{quote}"
    raise Unsupported("quote")


def number_literal(value) -> str:
    value = float(value)
    if not math.isfinite(value) or abs(value) >= 7.9e28:
        raise Unsupported("number")
    return number_text(value)  # fixed notation: ZEN reads no exponent (1e-06)


def const_literal(value) -> str:
    if isinstance(value, str):
        return text_literal(value)
    return number_literal(value)  # bool → 1/0 like the context


def regex_literal(keyword: str) -> str:
    parts = keyword.replace("...", GAP).split(GAP)
    return "(?s)" + ".*?".join("".join("\\" + c if c in _RUST_META else c for c in part) for part in parts)


def keyword_expr(keyword: str, x: str) -> str:
    """A literal keyword is `contains`; "a…b" is `some(split(x, a)[1:], contains(#, b))` (b after the
    first a: exact when b shares no character with a, so b cannot straddle an a); other gap forms
    fall back to `matches` with a Rust regex, which ZEN compiles on every call (~240 µs)."""
    parts = [p for p in keyword.replace("...", GAP).split(GAP) if p]
    if len(parts) <= 1:
        return f"contains({x}, {text_literal(parts[0] if parts else '')})"
    if len(parts) == 2 and not set(parts[0]) & set(parts[1]):
        return f"some(split({x}, {text_literal(parts[0])})[1:], contains(#, {text_literal(parts[1])}))"
    return f"matches({x}, {text_literal(regex_literal(keyword))})"


def leaf_expr(leaf: Leaf, x: str) -> str:
    """A leaf as a ZEN expression over reference x (a field, or `$` in a unary cell); never fails."""
    op, value = leaf.op, leaf.value
    if op == "exists":
        return f"({x} != null)" if value else f"({x} == null)"
    if op == "contains":
        tests = [keyword_expr(k, x) for k in value]
        return f"(type({x}) == 'string' and ({' or '.join(tests) or 'false'}))"
    if op == "in":
        return f"({x} in [{', '.join(const_literal(v) for v in value)}])"
    consts = value if op == "between" else (value,)
    if op != "eq" and op != "ne" and any(isinstance(c, str) for c in consts):
        raise Unsupported("text_order")
    if op == "between":
        return f"({x} != null and {x} >= {const_literal(value[0])} and {x} <= {const_literal(value[1])})"
    if op == "eq":
        return f"({x} == {const_literal(value)})"  # null never equals a constant
    return f"({x} != null and {x} {_CMP[op]} {const_literal(value)})"


class _Expr(ConditionVisitor[str]):
    """A condition as one ZEN expression; x_of(field) → the reference the leaf reads."""

    def leaf(self, cond: Leaf, x_of) -> str:
        return leaf_expr(cond, x_of(cond.field))

    def not_(self, cond: Not, x_of) -> str:
        return f"not ({self.visit(cond.item, x_of)})"

    def all_(self, cond: All, x_of) -> str:
        return "(" + " and ".join(self.visit(c, x_of) for c in cond.items) + ")"

    def any_(self, cond: Any_, x_of) -> str:
        return "(" + " or ".join(self.visit(c, x_of) for c in cond.items) + ")"


cond_expr = _Expr().visit  # cond_expr(cond, x_of) -> str


def unary_cell(leaves: list[Leaf]) -> str:
    """Positive tests on one field as a unary cell. Cells are the row's top-level conjuncts, so a
    comparison on a missing field may fail there (ZEN counts a failing cell as false): that is the
    IR's "false", and the idiomatic forms (`>= 4`, `'a', 'b'`, `[1..5]`) need no guard."""
    if len(leaves) == 1 and leaves[0].op in ("eq", "in", "lt", "le", "gt", "ge", "between"):
        leaf = leaves[0]
        if leaf.op == "eq":
            return const_literal(leaf.value)
        if leaf.op == "in":
            return ", ".join(const_literal(v) for v in leaf.value) or "false"
        if leaf.op == "between":
            return f"[{const_literal(leaf.value[0])}..{const_literal(leaf.value[1])}]"
        return f"{_CMP[leaf.op]} {const_literal(leaf.value)}"
    # several tests, `$` form (a cell must not start with "(": ZEN's unary parser rejects it)
    return " and ".join(leaf_expr(leaf, "$").removeprefix("(").removesuffix(")") if leaf.op not in ("in", "contains")
                        else leaf_expr(leaf, "$") for leaf in leaves)


_UNARY_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "between", "in", "exists")


def rule_cells(rule: Rule) -> tuple[dict[str, str], str]:
    """({field: unary cell}, expression cell) for one rule's condition: positive top-level tests go
    to their field's column, everything else (not, any, contains) to the expression column."""
    parts = list(rule.when.items) if isinstance(rule.when, All) else [rule.when]
    flat = []
    while parts:
        part = parts.pop(0)
        if isinstance(part, All):
            parts[:0] = list(part.items)
        else:
            flat.append(part)
    by_field: dict[str, list[Leaf]] = {}
    other = []
    for part in flat:
        if isinstance(part, Leaf) and part.op in _UNARY_OPS:
            leaf_expr(part, "$")  # raises Unsupported
            by_field.setdefault(part.field, []).append(part)
        else:
            other.append(cond_expr(part, ref))
    return {f: unary_cell(leaves) for f, leaves in by_field.items()}, " and ".join(other)


def compile_graph(rules: list[Rule]) -> dict:
    """IR → {"graph": JDM dict, "rules": [ids compared], "excluded": [(id, reason)], "fields": [...]}."""
    rows, excluded, fields = [], [], []
    for rule in rules:
        try:
            cells, spanning = rule_cells(rule)
        except Unsupported as exc:
            excluded.append((rule.id, UNSUPPORTED[exc.code]))
            continue
        for field in cells:
            if field not in fields:
                fields.append(field)
        rows.append((rule, cells, spanning))
    columns = {f: f"f{k}" for k, f in enumerate(fields)}
    inputs = [{"id": "kind", "type": "expression", "field": "kind", "name": "kind"}]
    inputs += [{"id": col, "type": "expression", "field": ref(f), "name": f} for f, col in columns.items()]
    inputs.append({"id": "expr", "type": "expression", "name": "跨字段条件"})
    table_rows = []
    for n, (rule, cells, spanning) in enumerate(rows):
        row = {"_id": f"row{n}", "_description": rule.title, "kind": ", ".join(f'"{k}"' for k in rule.applies_to),
               "expr": spanning, "rule": text_literal(rule.id)}
        row.update({col: cells.get(f, "") for f, col in columns.items()})
        table_rows.append(row)
    graph = {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
            {"id": "rules", "type": "decisionTableNode", "name": "duban 规则", "position": {"x": 300, "y": 0},
             "content": {"hitPolicy": "collect", "inputs": inputs,
                         "outputs": [{"id": "rule", "type": "expression", "field": "rule", "name": "规则"}],
                         "rules": table_rows}},
            {"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 600, "y": 0}},
        ],
        "edges": [{"id": "e1", "type": "edge", "sourceId": "request", "targetId": "rules"},
                  {"id": "e2", "type": "edge", "sourceId": "rules", "targetId": "response"}],
    }
    read = sorted({leaf.field for rule, _, _ in rows for leaf in rule.when.leaves()})
    return {"graph": graph, "rules": [r.id for r, _, _ in rows], "excluded": excluded, "fields": read}


def context_value(value):
    """A record value as the other evaluators read it: numbers rounded to 6 decimals, yes/no as 1/0."""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return 1 if value else 0
    if kind is int:
        return value
    if isinstance(value, (int, float)):
        value = round(float(value), 6)
        return value if math.isfinite(value) and abs(value) < 7.9e28 else None
    return str(value)


class ZenPeer:
    """evaluate(records) → fired rule ids per record (rules in `self.compared` only, rulebook order)."""

    name = "zen"

    def __init__(self, rules: list[Rule]):
        zen = load_zen()
        program = compile_graph(rules)
        self.compared, self.excluded, self.fields = program["rules"], program["excluded"], program["fields"] + ["kind"]
        self.order = {rule_id: k for k, rule_id in enumerate(self.compared)}
        self.graph = program["graph"]
        # the static loader: the graph is parsed once (a loader callback is called, and the graph
        # parsed, on every evaluation: ~10× slower)
        self.engine = zen.ZenEngine({"loader": {"type": "static", "content": {KEY: self.graph}}})

    def contexts(self, records: list[dict]) -> list[dict]:
        fields = self.fields
        out = []
        for record in records:
            get = record.get
            out.append({f: context_value(v) for f in fields if (v := get(f)) is not None})
        return out

    def evaluate(self, records: list[dict]) -> list[list[str]]:
        global _POOL_PID
        if not records:
            return []
        if _POOL_PID not in (None, os.getpid()):  # forked after ZEN's threads started: they do not exist here
            raise EngineError("GoRules ZEN 的工作线程已在父进程中启动，分叉出的子进程无法使用（会卡死）",
                              hint="请在新进程中运行 duban bench --peer zen")
        _POOL_PID = os.getpid()
        answers = self.engine.evaluate_batch([{"key": KEY, "context": c} for c in self.contexts(records)])
        order = self.order
        out = []
        for k, answer in enumerate(answers):
            if not answer.get("success"):
                raise InputError(f"ZEN 无法判定第 {k + 1} 条记录：{answer.get('error')}", field="--peer")
            fired = {row["rule"] for row in answer["data"]["result"]}
            out.append(sorted(fired, key=order.__getitem__))
        return out
