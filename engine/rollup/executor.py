"""Where the judgements run, one task per workspace (all its periods to judge): in this process (serial), or on
a Dask cluster — a LocalCluster of worker processes by default, or an existing scheduler. The results come back
in job order, so the database is written in the same order either way and the tables come out identical."""

from __future__ import annotations

import logging
import os
from typing import Iterator

from ..errors import EngineError, InputError
from .collect import Job
from .judge import judge_workspace

EXECUTORS = ("serial", "dask")


def by_workspace(todo: list[Job]) -> list[list[Job]]:
    """The jobs in groups of one workspace each (job order kept): a workspace's facts are read once for all its periods."""
    groups: dict[str, list[Job]] = {}
    for job in todo:
        groups.setdefault(job.workspace, []).append(job)
    return list(groups.values())


def serial(todo: list[Job], rules_dir, engine: str, digest: str | None = None) -> Iterator[tuple[Job, dict, str | None]]:
    for group in by_workspace(todo):
        yield from judge_workspace(group, rules_dir, engine, digest)


def on_dask(todo: list[Job], rules_dir, engine: str, scheduler: str | None = None,
            workers: int | None = None, digest: str | None = None) -> Iterator[tuple[Job, dict, str | None]]:
    """Connects (or starts the LocalCluster) before returning, so a bad address fails before any file is written."""
    if not todo:
        return iter(())
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--executor dask 需要安装 Dask distributed", field="--executor",
                         hint="pip install 'duban[dask]'，或不加 --executor（默认在本进程内逐个判定）") from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError) as exc:
            raise InputError(f"连接不上 Dask 调度器 {scheduler}：{exc}", field="--scheduler",
                             hint="检查地址（例如 tcp://10.0.0.5:8786）；各工作节点须能按同一路径读到工作区") from None
    else:
        cluster = LocalCluster(n_workers=workers or min(2, os.cpu_count() or 1), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    return _in_order(by_workspace(todo), client, cluster, dict(rules_dir=None if rules_dir is None else str(rules_dir),
                                                           engine=engine, digest=digest))


AHEAD = 8  # workspaces submitted ahead of the one being written: the workers stay busy, the results held stay few


def _in_order(groups, client, cluster, options: dict) -> Iterator[tuple[Job, dict, str | None]]:
    """Results in job order, with at most AHEAD workspaces submitted and not yet taken (a future dropped
    once taken, so the cluster frees its result): memory stays bounded however many workspaces there are."""
    from collections import deque

    pending: deque = deque()
    try:
        for group in groups:
            pending.append((group, client.submit(judge_workspace, group, pure=False, **options)))
            if len(pending) >= AHEAD:
                yield from _taken(*pending.popleft())
        while pending:
            yield from _taken(*pending.popleft())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _taken(group: list[Job], future) -> list:
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker:  # the process judging it died (a crash in the rule engine, or out of memory)
        raise EngineError(f"Dask 工作进程在判定工作区 {group[0].path} 时退出",
                          hint="请用 --engine vectorised 重新运行；若仍退出，检查工作节点的内存") from None
