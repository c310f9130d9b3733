"""One workspace's judgements for a rollup, as cheaply as they can be had with the result unchanged:

- the facts are read once for all its periods (not once per period);
- each period is judged once (`check_loaded`'s memo): a later period's escalation history reuses the earlier
  periods' judgements, where `duban check` judges every earlier period again for each period;
- nothing is rendered: the rollup needs the result data, not the memo, notices or pages;
- the compiled rulebook and its evaluator are kept per process and reused by every workspace it judges
  (checked against the rules digest the jobs were keyed with, so a changed rule is never judged with the old).

The result dict of each period is the one `duban check` writes to result.json (tests/test_rollup.py)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from .collect import Job, rows_of

_CACHE: dict[tuple, tuple] = {}  # (rules dir, engine) → (rulebook, evaluator, engine notice), in this process


def rulebook_for(rules_dir, engine: str, digest: str | None = None):
    from ..evaluate import make_evaluator, resolve_engine
    from ..rulebook.load import default_rules_dir, load_rulebook

    key = (str(rules_dir or default_rules_dir()), engine)
    cached = _CACHE.get(key)
    if cached is None or (digest is not None and cached[0].digest != digest):
        name, notice = resolve_engine(engine)
        book = load_rulebook(rules_dir or default_rules_dir())
        # a Dask worker is daemonic and may not fork durable_rules' guard process; it is supervised itself (its
        # nanny), and a crash comes back as an EngineError (executor.py)
        options = {"isolate": False} if name == "durable_rules" and multiprocessing.current_process().daemon else {}
        cached = _CACHE[key] = (book, make_evaluator(name, book.rules, **options), notice)
    return cached


def judge_workspace(jobs: list[Job], rules_dir, engine: str, digest: str | None = None) -> list[tuple[Job, dict, str | None]]:
    """The rows of each job (all of one workspace, in period order), with the engine notice."""
    from ..check import check_loaded
    from ..errors import InputError
    from ..facts.workspace import load_workspace
    from ..store.lock import workspace_lock
    from ..facts.waivers import load_waivers

    book, evaluator, notice = rulebook_for(rules_dir, engine, digest)
    path = jobs[0].path
    with workspace_lock(path):  # an import running meanwhile is waited for, as duban check does
        ws = load_workspace(path)
        waivers = load_waivers(ws.path, set(ws.plan.by_id()), {r.id for r in book.rules})
        memo: dict = {}
        out = []
        for job in jobs:
            if job.period not in ws.progress:  # removed since the jobs were listed
                raise InputError(f"工作区没有 {job.period} 的进展文件", file=str(Path(path) / "progress" / f"{job.period}.yaml"))
            run = check_loaded(ws, job.period, book, evaluator, waivers, notice, memo)
            out.append((job, rows_of(run.result, job), notice))
    return out
