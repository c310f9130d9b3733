"""The durable_rules backend — the only module that imports durable_rules.

durable_rules 2.0.28 is unmaintained and was measured misbehaving on several constructs, so the
compiler below emits only forms verified safe (tests/test_durable_adapter.py pins each hazard):

- regex: `$mt` is a full match and alternation inside it silently misses → a keyword list becomes an
  `$or` of single `.*literal.*` patterns; keywords with regex metacharacters are refused at load time
  (rulebook/load.py), so character ranges such as `[一-龥]` (a segfault) can never be emitted;
- a missing field: a comparison whose right-hand side is a field is never emitted (constants only; a
  missing right-hand field compares true), and "exists" tests never use `$ex`/`$nex` (a bare `$nex`
  loops forever): every fact carries an explicit 0/1 presence field `_h_<field>`;
- values are typed by the derive step (durable_rules silently coerces "5" to 5);
- no `$not` exists, so negation is pushed down to the leaves; a negated keyword test becomes a 0/1
  field computed here with the same matcher the plain evaluator uses;
- facts, never events (an event is consumed by the first rule that fires); ids are "0".."n-1" within
  a session (distinct 32-bit hashes, verified), one session per chunk, `delete_state` after each;
- floats are rounded to 6 decimals (1e-07 notation is rejected by the engine; NaN never reaches it);
- rules are sharded so no ruleset holds more than MAX_LEAVES leaf conditions (> 64 siblings reject the
  fact, ≥ 512 hang);
- an `$or` with 15 or more compound children (directly nested `$or`s count together) fails with error
  113, so wide disjunctions are split into separate durable rules of the same rule id;
- a fact that no rule handles corrupts the heap (a later `delete_state` dies with "free(): invalid
  pointer", depending on memory layout), so every shard has a catch-all rule CATCH_ALL and every fact
  is handled;
- no Host (it starts threads) and no Python actions (their exceptions are swallowed): the C module is
  called directly, in a forked worker process, so a crash or hang becomes a clear EngineError.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import signal

from ..errors import EngineError
from ..rulebook.ir import All, Any_, Leaf, Not, Rule
from .keywords import contains_any

MAX_LEAVES = 48
CATCH_ALL = "__seen"
MAX_OR_COMPOUND = 12  # durable_rules rejects an $or with ≥ 15 compound children (error 113)
MAX_ALTERNATIVES = 64  # distributing `all` over wide `any`s must not blow up
CHUNK = 1000
TIMEOUT_BASE_S = 30.0
TIMEOUT_PER_FACT_S = 0.002

_NEGATE = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "eq": "ne", "ne": "eq"}
_DR_OP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte", "ne": "$neq"}


# ------------------------------------------------------------------ compiling

class _Compiler:
    def __init__(self):
        self.negated_keywords: list[tuple[str, tuple[str, ...]]] = []  # (field, keywords) → _nk<i>

    def push_not(self, cond, negate=False):
        """Negation normal form over the IR, with the missing-field semantics made explicit."""
        if isinstance(cond, Not):
            return self.push_not(cond.item, not negate)
        if isinstance(cond, (All, Any_)):
            items = tuple(self.push_not(c, negate) for c in cond.items)
            flip = negate
            return (Any_ if (isinstance(cond, All) == flip) else All)(items)
        if not negate:
            return cond
        leaf = cond
        if leaf.op == "exists":
            return Leaf(leaf.field, "exists", not leaf.value)
        missing = Leaf(leaf.field, "exists", False)
        if leaf.op in _NEGATE:
            return Any_((missing, Leaf(leaf.field, _NEGATE[leaf.op], leaf.value)))
        if leaf.op == "between":
            lo, hi = leaf.value
            return Any_((missing, Leaf(leaf.field, "lt", lo), Leaf(leaf.field, "gt", hi)))
        if leaf.op == "in":
            return Any_((missing, All(tuple(Leaf(leaf.field, "ne", v) for v in leaf.value))))
        if leaf.op == "contains":
            self.negated_keywords.append((leaf.field, leaf.value))
            return Leaf(f"_nk{len(self.negated_keywords) - 1}", "eq", 1)
        raise ValueError(f"cannot negate {leaf.op}")

    def emit(self, cond) -> dict:
        if isinstance(cond, All):
            return {"$and": [self.emit(c) for c in cond.items]}
        if isinstance(cond, Any_):
            return {"$or": [self.emit(c) for c in cond.items]}
        return self.emit_leaf(cond)

    def emit_leaf(self, leaf: Leaf) -> dict:
        # A comparison on a missing left-hand field is false in durable_rules, as in the IR (pinned by
        # tests); only `exists` needs the explicit presence field.
        field, op, value = leaf.field, leaf.op, leaf.value
        if field.startswith("_nk"):
            return {field: 1}
        if op == "exists":
            return {f"_h_{field}": 1 if value else 0}
        if op == "eq":
            return {field: _const(value)}
        if op in _DR_OP:
            return {_DR_OP[op]: {field: _const(value)}}
        if op == "between":
            return {"$and": [{"$gte": {field: _const(value[0])}}, {"$lte": {field: _const(value[1])}}]}
        if op == "in":
            return {"$or": [{field: _const(v)} for v in value]}
        if op == "contains":
            patterns = [".*" + ".*".join(k.replace("...", "…").split("…")) + ".*" for k in value]
            return {"$or": [{"$mt": {field: p}} for p in patterns]}
        raise ValueError(f"unknown operator {op}")


def _const(value):
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, float):
        return round(value, 6)
    return value


def _count_leaves(node) -> int:
    if isinstance(node, dict):
        if set(node) & {"$and", "$or"}:
            return sum(_count_leaves(c) for c in next(iter(node.values())))
        return 1
    return 0


def _flat_any(cond) -> list:
    items = []
    for child in cond.items:
        items.extend(_flat_any(child) if isinstance(child, Any_) else [child])
    return items


def _alternatives(cond, rule_id: str) -> list:
    """Top-level disjuncts such that no inner `any` has more than MAX_OR_COMPOUND compound children."""
    if isinstance(cond, Leaf):
        return [cond]
    if isinstance(cond, Any_):
        items = _flat_any(cond)
        compound = [c for c in items if not isinstance(c, Leaf) or c.op == "between"]
        leaves = [c for c in items if isinstance(c, Leaf) and c.op != "between"]
        if len(compound) <= MAX_OR_COMPOUND and len(items) <= MAX_LEAVES // 2:
            return [Any_(tuple(items))]
        step = MAX_LEAVES // 2
        out = [Any_(tuple(leaves[i:i + step])) for i in range(0, len(leaves), step)]
        for child in compound:
            out.extend(_alternatives(child, rule_id))
        return out
    # All: the product of its children's alternatives
    combos = [()]
    for child in cond.items:
        options = _alternatives(child, rule_id)
        combos = [combo + (option,) for combo in combos for option in options]
        if len(combos) > MAX_ALTERNATIVES:
            raise EngineError(f"规则「{rule_id}」的条件组合过多，durable_rules 引擎无法可靠处理", hint="请把规则拆成几条，或用 --engine vectorised 运行")
    return [All(combo) for combo in combos]


def compile_rules(rules: list[Rule]) -> dict:
    """IR → {"shards": [ruleset dict, …], "negated": [(field, keywords)], "fields": [...]}."""
    compiler = _Compiler()
    units = []  # (durable rule name, condition, leaves) — a wide rule becomes several units of one id
    fields: set[str] = set()
    for rule in rules:
        fields.update(rule.fields())
        kinds = [{"kind": k} for k in rule.applies_to]
        kind_test = kinds[0] if len(kinds) == 1 else {"$or": kinds}
        for k, branch in enumerate(_alternatives(compiler.push_not(rule.when), rule.id)):
            emitted = compiler.emit(branch)
            n = _count_leaves(emitted) + 1
            if n > MAX_LEAVES:
                raise EngineError(f"规则「{rule.id}」的一组“全部满足”条件有 {n - 1} 个，超过 durable_rules 可靠处理的上限 {MAX_LEAVES - 1}",
                                  file=rule.file, hint="请把规则拆成几条，或用 --engine vectorised 运行")
            units.append((f"{rule.id}#{k}", {"$and": [kind_test, emitted]}, n))
    catch_all = {"all": [{"m": {"_seen": 1}}]}
    shards, shard, size = [], {CATCH_ALL: catch_all}, 1
    for name, cond, n in units:
        if len(shard) > 1 and size + n > MAX_LEAVES:
            shards.append(shard)
            shard, size = {CATCH_ALL: catch_all}, 1
        shard[name] = {"all": [{"m": cond}]}
        size += n
    if len(shard) > 1:
        shards.append(shard)
    return {"shards": shards, "negated": compiler.negated_keywords, "fields": sorted(fields)}


# ------------------------------------------------------------------ facts

def encode_fact(record: dict, program: dict, fact_id: int, sid: str) -> dict:
    fact = {"sid": sid, "id": str(fact_id), "kind": record.get("kind"), "_seen": 1}
    for field in program["fields"]:
        value = record.get(field)
        if value is None:
            fact[f"_h_{field}"] = 0
            continue
        fact[f"_h_{field}"] = 1
        if isinstance(value, bool):
            fact[field] = 1 if value else 0
        elif isinstance(value, (int, float)):
            value = float(value)
            if not math.isfinite(value):
                raise EngineError(f"字段「{field}」的值不是有限数字：{value}")
            fact[field] = round(value, 6) if abs(value) >= 1e-6 else 0.0
        else:
            fact[field] = str(value).replace("\r", " ").replace("\n", " ")
    for i, (field, keywords) in enumerate(program["negated"]):
        value = record.get(field)
        fact[f"_nk{i}"] = 0 if isinstance(value, str) and contains_any(value, keywords) else 1
    return fact


# ------------------------------------------------------------------ running

def _run_in_process(program: dict, records: list[dict]) -> list[tuple[int, str]]:
    import durable_rules_engine as dre

    fired: list[tuple[int, str]] = []
    for s, shard in enumerate(program["shards"]):
        handle = dre.create_ruleset(f"duban_{os.getpid()}_{s}", json.dumps(shard, ensure_ascii=False))
        try:
            for base in range(0, len(records), CHUNK):
                sid = f"c{base}"
                chunk = [encode_fact(r, program, i, sid) for i, r in enumerate(records[base:base + CHUNK])]
                code = dre.assert_facts(handle, json.dumps(chunk, ensure_ascii=False))
                if code != (0, len(chunk)) and code[0] != 0:
                    raise EngineError(f"durable_rules 拒绝了一批事实（代码 {code}）")
                result = dre.start_action(handle)
                while result:
                    message, action = json.loads(result[1]), result[2]
                    while message:
                        for name, binding in message.items():
                            if name != CATCH_ALL:
                                fired.append((base + int(binding["m"]["id"]), name.split("#")[0]))
                        nxt = dre.complete_and_start_action(handle, action)
                        message = json.loads(nxt) if nxt else None
                    result = dre.start_action(handle)
                dre.delete_state(handle, sid)
        finally:
            dre.delete_ruleset(handle)
    return fired


def _worker(conn, program, records):
    try:
        conn.send(("ok", _run_in_process(program, records)))
    except BaseException as exc:  # report any failure to the parent instead of dying silently
        conn.send(("error", f"{exc.__class__.__name__}: {exc}"))
    finally:
        conn.close()


def _run_worker(program: dict, records: list[dict]):
    ctx = mp.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(sender, program, records), daemon=True)
    proc.start()
    sender.close()
    return proc, receiver


def _collect(proc, receiver, timeout: float):
    if not receiver.poll(timeout):
        proc.kill()
        proc.join()
        if proc.exitcode is not None and proc.exitcode < 0 and proc.exitcode != -signal.SIGKILL:
            raise EngineError(f"durable_rules 引擎崩溃（信号 {-proc.exitcode}）", hint="请用 --engine vectorised 重新运行，并报告此问题")
        raise EngineError(f"durable_rules 引擎在 {timeout:.0f} 秒内没有完成（疑似卡死），已终止", hint="请用 --engine vectorised 重新运行，并报告此问题")
    try:
        status, payload = receiver.recv()
    except EOFError:
        proc.join()
        raise EngineError(f"durable_rules 引擎崩溃（退出码 {proc.exitcode}）", hint="请用 --engine vectorised 重新运行，并报告此问题") from None
    proc.join()
    if status != "ok":
        raise EngineError(f"durable_rules 引擎出错：{payload}")
    return payload


class DurableEvaluator:
    name = "durable_rules"

    def __init__(self, rules: list[Rule], workers: int | None = None):
        self.rules = rules
        self.program = compile_rules(rules)
        self.workers = workers or min(2, os.cpu_count() or 1)

    def evaluate(self, records: list[dict]) -> list[list[str]]:
        if not records or not self.rules:
            return [[] for _ in records]
        parts = self.workers if len(records) >= 4 * CHUNK else 1
        size = math.ceil(len(records) / parts)
        slices = [(start, records[start:start + size]) for start in range(0, len(records), size)]
        running = [(start, *_run_worker(self.program, part)) for start, part in slices]
        fired_by_record: list[set[str]] = [set() for _ in records]
        try:
            for start, proc, receiver in running:
                timeout = TIMEOUT_BASE_S + TIMEOUT_PER_FACT_S * len(records) * len(self.program["shards"])
                for index, rule_id in _collect(proc, receiver, timeout):
                    fired_by_record[start + index].add(rule_id)
        finally:
            for _, proc, _ in running:
                if proc.is_alive():
                    proc.kill()
        order = [r.id for r in self.rules]
        return [[rid for rid in order if rid in fired] for fired in fired_by_record]
