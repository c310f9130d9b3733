"""The national run: workspaces stream through worker processes, partitioned by workspace and period.

- processes, not threads: the durable_rules C extension holds the GIL, and so does the extractor;
- a job is a group of GROUP workspaces: its facts (~8,000) are one batch for each evaluator (big
  enough for numpy and for durable_rules' per-call costs), and a worker holds only its current group,
  so memory stays bounded whatever --facts is;
- each worker runs durable_rules in-process (isolate=False); the worker is the isolation boundary: the
  parent turns a worker that dies into an EngineError naming the crash, and silence for HANG_S
  seconds into a hang error, as the adapter does for its own worker processes;
- result.json is written per workspace-period partition as soon as it is judged.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import queue
import resource
import shutil
import tempfile
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..judge.classify import classify
from ..errors import EngineError
from ..evaluate import ENGINES, make_evaluator
from ..evaluate.durable_adapter import crash_error
from ..rulebook.load import default_rules_dir, load_rulebook
from . import synth
from .partition import derive_all, import_workspace, partition_bytes

GROUP = 8
HANG_S = 600.0


@dataclass
class Options:
    facts: int
    seed: int = 2023
    items: int = 250
    workers: int = 2
    primary: str = "durable_rules"
    engines: tuple = ENGINES
    out: Path | None = None  # None: a temp dir, removed afterwards
    rules_dir: Path | None = None
    group: int = GROUP
    pretty_json: bool = False  # True: result.json byte for byte as `duban check` writes it (slower)


class Timer:
    """Wall and CPU seconds per stage (CPU shows what a stage costs when other processes load the machine)."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self._name, self._t, self._c = None, 0.0, 0.0

    def start(self, name: str | None) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        if self._name:
            self.seconds[self._name] += now - self._t
            self.cpu[self._name] += cpu - self._c
        self._name, self._t, self._c = name, now, cpu

    def stop(self) -> None:
        self.start(None)


def reference_engine(opts: Options) -> str:
    """What every engine is compared with: the plain evaluator when it runs, else the primary engine."""
    return "plain" if "plain" in opts.engines else opts.primary


def compare_engines(fired: dict[str, list], records: list[dict], reference: str, evaluators: dict) -> dict:
    """{engine: first record where it differs from the reference, or None}. An engine with `compared`
    (the ZEN peer) is compared on those rules only: the rules it cannot express are listed, not hidden."""
    want_all, out = fired[reference], {}
    for name, got in fired.items():
        if name == reference:
            continue
        want = want_all
        if (only := getattr(evaluators.get(name), "compared", None)) is not None:
            keep = set(only)
            want = [[r for r in row if r in keep] for row in want_all]
        out[name] = None
        if want != got:
            k = next(k for k in range(len(records)) if want[k] != got[k])
            out[name] = {"engine": name, "record": {f: v for f, v in records[k].items() if f != "text"},
                         "fired": {reference: want[k], name: got[k]}}
    return out


def make_engine(name: str, rules: list):
    if name == "zen":
        from .zen_peer import ZenPeer

        return ZenPeer(rules)
    return make_evaluator(name, rules, **({"isolate": False} if name == "durable_rules" else {}))


def run_group(job: list[tuple[int, int]], opts: Options, book, evaluators: dict, out: Path) -> dict:
    t = Timer()
    t.start("generate")
    sws = [synth.workspace(opts.seed, index, size) for index, size in job]
    t.start("import_extract")
    # import and derive make no cyclic garbage (0 objects found by a collection after them, measured): the collector's
    # walks over the group's growing readings cost ~40 µs per fact of import and ~20 of derive (cache misses, not
    # instructions), so it is paused across both; the gc.freeze() below then keeps it off the group's data
    enabled = gc.isenabled()
    gc.disable()
    try:
        wss = [import_workspace(sw) for sw in sws]
        t.start("derive")
        derived = [derive_all(ws, book) for ws in wss]
        records = [d.record for parts in derived for _, items, _ in parts for d in items]
    finally:
        if enabled:
            gc.enable()
    # the group's facts and records live until it ends: the collector need not walk them each time a later stage's
    # short-lived objects trigger it (a full collection over them took ~120 ms, more than durable_rules' whole
    # evaluate of the group; ~12 µs per fact of write was the collector). Frozen here, before evaluate, so no
    # engine pays for walking the group's data; thawed at the end. Each engine's own objects are still collected.
    gc.freeze()
    fired = {}
    for name, evaluator in evaluators.items():
        t.start(f"evaluate:{name}")
        fired[name] = evaluator.evaluate(records)
    t.start("compare")
    differences = compare_engines(fired, records, reference_engine(opts), evaluators)
    primary, pos, written = fired[opts.primary], 0, 0
    gc.freeze()  # and the engines' findings
    for ws, parts in zip(wss, derived):
        history: list = []
        for period, items, tp in parts:
            t.start("classify")
            judgements = classify(items, primary[pos:pos + len(items)], book)
            pos += len(items)
            t.start("write")
            data = partition_bytes(ws, period, tp, judgements, history, book, opts.primary, opts.pretty_json)
            path = out / ws.name / period / "result.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written += len(data)
            history.append((period, {j.derived.item.id: j.status for j in judgements}))
    t.stop()
    gc.unfreeze()
    return {"stages": dict(t.seconds), "cpu": dict(t.cpu), "facts": len(records), "differences": differences, "bytes": written,
            "partitions": sum(len(parts) for parts in derived)}


def _worker(jobs, messages, opts: Options, book, out: Path) -> None:
    pid = os.getpid()
    try:
        evaluators = {name: make_engine(name, book.rules) for name in opts.engines}
        while (job := jobs.get()) is not None:
            messages.put(("done", pid, run_group(job, opts, book, evaluators, out)))
        messages.put(("exit", pid, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent, named
        where = "" if isinstance(exc, EngineError) else "\n" + traceback.format_exc(limit=-4)
        messages.put(("error", pid, f"{exc.__class__.__name__}: {exc}{where}"))


def run(opts: Options, progress=None) -> dict:
    book = load_rulebook(opts.rules_dir or default_rules_dir())
    excluded = None
    if "zen" in opts.engines:  # checked here, before the workers fork: a missing extra is one clear error
        from .zen_peer import compile_graph, load_zen

        load_zen()
        excluded = [{"rule": rule_id, "reason": reason} for rule_id, reason in compile_graph(book.rules)["excluded"]]
    sizes = synth.layout(opts.facts, opts.items)
    indexed = list(enumerate(sizes))
    group = max(1, min(opts.group, len(indexed) // (4 * max(1, opts.workers))))  # small runs: keep both busy
    jobs = [indexed[i:i + group] for i in range(0, len(indexed), group)]
    workers = max(1, min(opts.workers, len(jobs)))
    out = Path(opts.out) if opts.out else Path(tempfile.mkdtemp(prefix="duban-bench-"))
    ctx = mp.get_context("fork")  # the rulebook and options are inherited, not pickled
    job_q, msg_q = ctx.Queue(), ctx.Queue()
    for job in jobs:
        job_q.put(job)
    for _ in range(workers):
        job_q.put(None)
    procs = [ctx.Process(target=_worker, args=(job_q, msg_q, opts, book, out), daemon=True) for _ in range(workers)]
    totals: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    facts = partitions = written = 0
    differences, rss = {name: [] for name in opts.engines}, {}
    start = last = time.perf_counter()
    for proc in procs:
        proc.start()
    try:
        while len(rss) < workers:
            try:
                kind, pid, payload = msg_q.get(timeout=2)
            except queue.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0) and p.pid not in rss]
                if dead:
                    raise crash_error(dead[0].exitcode, "基准测试的工作进程（含 durable_rules 引擎）") from None
                if time.perf_counter() - last > HANG_S:
                    raise EngineError(f"基准测试的工作进程 {HANG_S:.0f} 秒没有进展（疑似 durable_rules 卡死），已终止") from None
                continue
            last = time.perf_counter()
            if kind == "error":
                raise EngineError(f"基准测试的工作进程出错：{payload}")
            if kind == "exit":
                rss[pid] = payload
                continue
            for name, seconds in payload["stages"].items():
                totals[name] += seconds
            for name, seconds in payload["cpu"].items():
                cpu[name] += seconds
            facts += payload["facts"]
            partitions += payload["partitions"]
            written += payload["bytes"]
            for name, difference in payload["differences"].items():
                if difference:
                    differences[name].append(difference)
            if progress:
                progress(facts)
        wall = time.perf_counter() - start
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        if not opts.out:
            shutil.rmtree(out, ignore_errors=True)
    parent_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = summary(opts, totals, cpu, wall, workers, facts, partitions, written, differences, parent_rss, rss, len(sizes))
    if excluded is not None:
        report["zen_excluded"] = excluded  # rules ZEN cannot express: left out of its comparison, listed
    return report


def summary(opts, totals, cpu, wall, workers, facts, partitions, written, differences, parent_rss, rss, workspaces) -> dict:
    share = {name: seconds / workers for name, seconds in totals.items()}  # wall-clock share of each stage
    engines = {name: {"evaluate_s": round(share.get(f"evaluate:{name}", 0.0), 3),
                      "facts_per_s": round(facts / share[f"evaluate:{name}"]) if share.get(f"evaluate:{name}") else None,
                      # records per CPU second: per core, whatever else loads the machine (ZEN's threads included)
                      "records_per_core_s": round(facts / cpu[f"evaluate:{name}"]) if cpu.get(f"evaluate:{name}") else None,
                      "identical": not differences[name]}
               for name in opts.engines}
    check = sum(share.get(k, 0.0) for k in ("derive", f"evaluate:{opts.primary}", "classify", "write"))
    ratio = None
    if all(share.get(f"evaluate:{n}") for n in ENGINES):
        ratio = round(share["evaluate:durable_rules"] / share["evaluate:vectorised"], 2)
    return {
        "facts": facts, "workspaces": workspaces, "partitions": partitions, "workers": workers, "primary_engine": opts.primary,
        "stages": {name: round(s, 3) for name, s in sorted(share.items())},
        "stages_cpu_s": {name: round(s, 3) for name, s in sorted(cpu.items())},
        "cpu_share": round(sum(cpu.values()) / (wall * workers), 2) if wall else None,  # < 1: other load or idle
        "total_s": round(wall, 3),
        "check_s": round(check, 3),  # derive + evaluate (primary) + classify + result.json, wall-clock share
        "import_extract_s": round(share.get("import_extract", 0.0), 3),
        "peak_rss_mb": round(parent_rss + sum(rss.values()), 1),
        "peak_rss_worker_mb": round(max(rss.values(), default=0.0), 1),
        "facts_per_s": round(facts / wall) if wall else None,
        "result_json_mb": round(written / 2**20, 1),
        "engines": engines,
        "ratio_durable_vs_vectorised": ratio,
        "reference_engine": reference_engine(opts),
        "identical": not any(differences.values()),
        "differences": [d for found in differences.values() for d in found[:3]],
        "pretty_json": opts.pretty_json,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
