"""`duban rollup`: judge (or keep) every period of every workspace, update the database, write Parquet,
rollup.xlsx and rollup.html from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..progress import track
from ..rulebook.load import default_rules_dir, load_rulebook
from . import store
from .collect import Job, discover, jobs_for
from .executor import on_dask, serial


@dataclass
class RollupReport:
    judged: list[Job] = field(default_factory=list)
    unchanged: list[Job] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def rollup(paths: list[str], patterns: list[str], out: Path, db: Path | None = None, rules_dir=None,
           engine: str = "auto", log: Callable[[str], None] = lambda _: None, executor: str = "serial",
           scheduler: str | None = None, workers: int | None = None) -> RollupReport:
    from .report import write_reports

    db = db or out / "rollup.duckdb"
    workspaces = discover(paths, patterns)
    rules_digest = load_rulebook(rules_dir or default_rules_dir()).digest
    jobs = jobs_for(workspaces, rules_digest)
    stored = store.stored_keys(db)
    report = RollupReport()
    todo = []
    for job in jobs:
        if stored.get((job.workspace, job.period)) == job.key:
            report.unchanged.append(job)
        else:
            todo.append(job)
    wanted = {(j.workspace, j.period) for j in jobs}
    report.removed = sorted(k for k in stored if k not in wanted)
    if todo or report.removed:
        judged = (on_dask(todo, rules_dir, engine, scheduler, workers, rules_digest) if executor == "dask"
                  else serial(todo, rules_dir, engine, rules_digest))
        writer = store.Writer(db)
        try:
            for ws, period in report.removed:
                writer.delete(ws, period)
                log(f"已移除 {ws} {period}（本次未列入）")
            for job, rows, notice in track(judged, f"判定 {len(todo)} 个工作区-报告期", total=len(todo)):
                if notice and notice not in report.notices:
                    report.notices.append(notice)
                writer.replace(job.workspace, job.period, rows)
                report.judged.append(job)
                log(f"已判定 {job.workspace} {job.period}")
        finally:
            writer.close()
    for job in report.unchanged:
        log(f"未变化，不再判定：{job.workspace} {job.period}（规则与数据摘要相同）")
    con = store.connect_read_only(db)
    try:
        outputs = store.current_outputs(con, db, out)
        if outputs is None:
            outputs = [*store.export_parquet(con, out / "parquet"), *write_reports(con, out)]
            store.record_outputs(con, db, out, outputs)
        else:
            log("数据库未变化，Parquet、rollup.xlsx、rollup.html 与上次相同，不再生成")
        report.written = [db, *outputs]
    finally:
        con.close()
    return report
