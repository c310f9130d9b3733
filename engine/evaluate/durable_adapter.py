"""The durable_rules backend — the only code that imports durable_rules (compiler: durable_compile.py).

durable_rules 2.0.28 is unmaintained and was measured misbehaving on several constructs, so the
compiler emits only forms verified safe (tests/test_durable_adapter.py pins each hazard):

- regex: `$mt` is a full match, alternation inside it silently misses, character ranges such as
  `[一-龥]` segfault, and it is slow on long Chinese text → `$mt` is never emitted: every `contains`
  test (plain or negated) becomes a 0/1 field `_kw<i>` computed in Python with the keyword matcher
  the other evaluators use, and the texts themselves never reach the engine;
- a missing field: a comparison whose right-hand side is a field is never emitted (constants only; a
  missing right-hand field compares true), and "exists" tests never use `$ex`/`$nex` (a bare `$nex`
  loops forever): a fact carries an explicit 0/1 presence field `_h_<field>` for each field tested
  with `exists`;
- values are typed by the derive step (durable_rules silently coerces "5" to 5);
- no `$not` exists, so negation is pushed down to the leaves;
- numbers are written in fixed notation rounded to 6 decimals: a fact written `5e-05` or `1e+16` (how
  Python's json writes such floats) is silently dropped, and such a constant rejects the ruleset
  (error 204); NaN / infinity never reach the engine (EngineError);
- facts, never events (an event is consumed by the first rule that fires); ids are "0".."n-1" within
  a session (distinct 32-bit hashes, verified), one session per chunk, `delete_state` after each;
- a fact fails with error 303 when handleAlpha's stack of 64 alpha nodes overflows (> 64 siblings that
  pass; a node with ≥ 512 children hangs): rules are compiled per kind and packed into rulesets whose
  network provably never needs more (durable_compile.AlphaNet models the network as rete.c builds it
  and bounds the stack for every fact; tests/test_durable_ha_stack.py pins the engine at 64 and 65),
  and one durable rule holds at most MAX_LEAVES - 1 leaf conditions;
- an `$or` with 15 or more compound children (directly nested `$or`s count together) fails with error
  113, so wide disjunctions are split into separate durable rules of the same rule id; error 113 also
  comes from nested `$and` groups over `$or`s with compound children (2 rulesets in 13,000 random
  ones; the same condition written flat compiles), so an `$and` in an `$and` (`$or` in an `$or`) is
  merged into its parent;
- a fact that no rule handles corrupts the heap (a later `delete_state` dies with "free(): invalid
  pointer", depending on memory layout), so every shard has a catch-all rule CATCH_ALL and every fact
  is handled; the catch-all also proves every fact was accepted: `assert_facts` returns (0, garbage)
  for a fact it silently dropped, so a chunk whose catch-all frames do not cover every id raises;
- no Host (it starts threads) and no Python actions (their exceptions are swallowed): the C module is
  called directly, in a forked worker process, so a crash or hang becomes a clear EngineError.

Speed: rulesets are created once per process and reused; rules carry `cap` so one action returns every
frame of a rule for a chunk; fired ids are read from the action text with a regex, not json.loads;
record fields reach the engine under short names (f0, f1 …: less JSON to parse, hash and hand back);
a text searched for several keyword lists is searched once for all their keywords first.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import signal
from itertools import repeat

import numpy as np

from ..errors import EngineError
from ..rulebook.ir import Rule
from .durable_compile import CATCH_ALL, FIRED_ID, MAX_LEAVES, compile_rules, fact_texts

__all__ = ["DurableEvaluator", "compile_rules", "MAX_LEAVES", "CATCH_ALL", "run_records"]

CHUNK = 250  # facts per session (25–2,000 measured: bigger sessions are no faster, and ids stay few)
TIMEOUT_BASE_S = 30.0
TIMEOUT_PER_FACT_S = 0.002
_HANDLES: dict[tuple[int, str], dict] = {}  # (pid, program digest) → {kind: [handles]}, created once


def _handles(program: dict) -> dict:
    import durable_rules_engine as dre

    key = (os.getpid(), program["digest"])
    if key not in _HANDLES:
        _HANDLES[key] = {kind: [dre.create_ruleset(f"duban_{os.getpid()}_{program['digest']}_{kind}_{s}", text)
                                for s, text in enumerate(spec["texts"])]
                         for kind, spec in program["kinds"].items()}
    return _HANDLES[key]


def _drain(dre, handle, part: list[int], kind: str, rows: list, names: list) -> None:
    """Run every action of the chunk (fact id k is record part[k]): each firing adds its record to rows and its rule
    id to names; check the catch-all saw each fact once."""
    seen = 0
    result = dre.start_action(handle)
    while result:
        message, action = result[1], result[2]
        while message:
            name = message[2:message.index('"', 2)]
            if name == CATCH_ALL:
                seen += message.count('"_seen"')  # one per frame; text values are escaped
            else:
                ids = FIRED_ID.findall(message)
                rows.extend(map(part.__getitem__, map(int, ids)))
                names.extend(repeat(name.split("#")[0], len(ids)))
            message = dre.complete_and_start_action(handle, action)
        result = dre.start_action(handle)
    if seen != len(part):
        raise EngineError(f"durable_rules 只接受了一批 {len(part)} 条{kind}事实中的 {seen} 条（事实被静默丢弃）",
                          hint="请用 --engine vectorised 重新运行，并报告此问题")


def run_records(program: dict, records: list[dict]) -> tuple[list[int], list[str]]:
    """(record indices, rule ids), one pair per firing, in this process (the caller isolates the crash)."""
    import durable_rules_engine as dre

    handles = _handles(program)
    by_kind: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_kind.setdefault(record.get("kind"), []).append(i)
    rows: list[int] = []
    names: list[str] = []
    for kind, indices in by_kind.items():
        if kind not in program["kinds"]:
            continue  # no rule applies to this kind
        facts = fact_texts(program["kinds"][kind], program["keywords"], [records[i] for i in indices], CHUNK)
        for base in range(0, len(indices), CHUNK):
            part = indices[base:base + CHUNK]
            sid = f"c{base}"
            for handle, shard_facts in zip(handles[kind], facts):
                code = dre.assert_facts(handle, "[" + ",".join(shard_facts[base:base + CHUNK]) + "]")
                if code[0] != 0:
                    raise EngineError(f"durable_rules 拒绝了一批事实（代码 {code}）")
                try:
                    _drain(dre, handle, part, kind, rows, names)
                finally:
                    dre.delete_state(handle, sid)
    return rows, names


def _worker(conn, program, records):
    try:
        conn.send(("ok", run_records(program, records)))
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


def crash_error(exitcode: int | None, what: str = "durable_rules 引擎") -> EngineError:
    if exitcode is not None and exitcode < 0 and exitcode != -signal.SIGKILL:
        return EngineError(f"{what}崩溃（信号 {-exitcode}）", hint="请用 --engine vectorised 重新运行，并报告此问题")
    return EngineError(f"{what}崩溃（退出码 {exitcode}）", hint="请用 --engine vectorised 重新运行，并报告此问题")


def _collect(proc, receiver, timeout: float):
    if not receiver.poll(timeout):
        proc.kill()
        proc.join()
        if proc.exitcode is not None and proc.exitcode < 0 and proc.exitcode != -signal.SIGKILL:
            raise crash_error(proc.exitcode)
        raise EngineError(f"durable_rules 引擎在 {timeout:.0f} 秒内没有完成（疑似卡死），已终止", hint="请用 --engine vectorised 重新运行，并报告此问题")
    try:
        status, payload = receiver.recv()
    except EOFError:
        proc.join()
        raise crash_error(proc.exitcode) from None
    proc.join()
    if status != "ok":
        raise EngineError(f"durable_rules 引擎出错：{payload}")
    return payload


class DurableEvaluator:
    """isolate=False runs the C module in this process: only for callers that are themselves a
    supervised worker process (engine/bench), so a crash still ends as an EngineError upstream."""

    name = "durable_rules"

    def __init__(self, rules: list[Rule], workers: int | None = None, isolate: bool = True):
        self.rules = rules
        self.program = compile_rules(rules)
        self.workers = workers or min(2, os.cpu_count() or 1)
        self.isolate = isolate
        self.order = {r.id: k for k, r in enumerate(rules)}
        self.ids = [r.id for r in rules]

    def _fired(self, records: list[dict]) -> tuple[list[int], list[str]]:
        if not self.isolate:
            return run_records(self.program, records)
        parts = self.workers if len(records) >= 8 * CHUNK else 1
        size = math.ceil(len(records) / parts)
        slices = [(start, records[start:start + size]) for start in range(0, len(records), size)]
        running = [(start, *_run_worker(self.program, part)) for start, part in slices]
        shards = max(len(k["shards"]) for k in self.program["kinds"].values())
        rows, names = [], []
        try:
            for start, proc, receiver in running:
                timeout = TIMEOUT_BASE_S + TIMEOUT_PER_FACT_S * len(records) * shards
                got_rows, got_names = _collect(proc, receiver, timeout)
                rows.extend([start + index for index in got_rows] if start else got_rows)
                names.extend(got_names)
        finally:
            for _, proc, _ in running:
                if proc.is_alive():
                    proc.kill()
        return rows, names

    def evaluate(self, records: list[dict]) -> list[list[str]]:
        if not records or not self.program["kinds"]:
            return [[] for _ in records]
        rows, names = self._fired(records)
        # a rule split into several durable rules (#0, #1 …) may fire more than once on a record: a matrix keeps one
        fired = np.zeros((len(records), len(self.rules)), bool)
        if rows:
            fired[np.array(rows, np.intp), np.array(list(map(self.order.__getitem__, names)), np.intp)] = True
        return findings(fired, self.ids)


def findings(fired, ids: list[str]) -> list[list[str]]:
    """For each row of fired[record, rule], the ids of the rules that fire, in rulebook order."""
    ends = np.cumsum(np.count_nonzero(fired, axis=1)).tolist()
    names = list(map(ids.__getitem__, (np.flatnonzero(fired) % fired.shape[1]).tolist()))  # row-major: rulebook order
    return list(map(names.__getitem__, map(slice, [0, *ends[:-1]], ends)))
