"""Where the per-workspace-period judgements run: in this process (serial), or on a Dask cluster — a
LocalCluster of worker processes by default, or an existing scheduler. The results come back in job order,
so the database is written in the same order either way and the tables come out identical."""

from __future__ import annotations

import logging
import os
from typing import Iterator

from ..errors import InputError
from .collect import Job

EXECUTORS = ("serial", "dask")


def judge(job: Job, rules_dir, engine: str) -> tuple[dict, str | None]:
    from ..check import run_check
    from ..lock import workspace_lock
    from .collect import rows_of

    with workspace_lock(job.path):  # an import running meanwhile is waited for, as duban check does
        run = run_check(job.path, job.period, rules_dir, engine)
    return rows_of(run.result, job), run.engine_notice


def serial(todo: list[Job], rules_dir, engine: str) -> Iterator[tuple[Job, dict, str | None]]:
    for job in todo:
        yield (job, *judge(job, rules_dir, engine))


def on_dask(todo: list[Job], rules_dir, engine: str, scheduler: str | None = None,
            workers: int | None = None) -> Iterator[tuple[Job, dict, str | None]]:
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
    futures = client.map(judge, todo, rules_dir=None if rules_dir is None else str(rules_dir), engine=engine, pure=False)
    return _in_order(todo, futures, client, cluster)


def _in_order(todo, futures, client, cluster) -> Iterator[tuple[Job, dict, str | None]]:
    try:
        for job, future in zip(todo, futures):
            yield (job, *future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
