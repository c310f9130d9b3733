"""What `duban import` and `duban check` print when they finish, as lines (the commands only echo them), so the
wording can be tested and reused without a terminal."""

from __future__ import annotations

from pathlib import Path

from .statuses import LAGGING_TASKS

DIFF_SHOWN = 200  # changed cells listed by `duban import`; the rest are counted


def import_lines(report, dry_run: bool) -> list[str]:
    """An ImportReport as the terminal shows it: notes, new rows, statistics, the changes and the files written."""
    lines = list(report.lines) + [f"注意：{line}" for line in report.warnings]
    if report.unmatched:
        lines.append(f"未能对应到计划中已有条目、作为新条目导入的 {len(report.unmatched)} 行：")
        lines += [f"  {line}" for line in report.unmatched]
    if report.stats:
        lines.append("统计：" + report.stats_text())
    if report.diff:
        lines.append(f"{'将要' if dry_run else '已'}更改 {len(report.diff)} 处：")
        lines += [f"  {line}" for line in report.diff[:DIFF_SHOWN]]
        if len(report.diff) > DIFF_SHOWN:
            lines.append(f"  ……另有 {len(report.diff) - DIFF_SHOWN} 处")
    verb = "将写入" if dry_run else "已写入"
    lines += [f"{verb} {path}" for path in report.changed]
    if not report.changed:
        lines.append("没有变化。")
    return lines


def check_lines(result: dict, written: list[Path], target: Path) -> list[str]:
    """The run's summary (region, period, counts per status) and the files written; files in per-unit / per-leader
    folders are counted per folder."""
    t, i = result["summary"]["tasks"], result["summary"]["indicators"]
    lines = [f"{result['region']} {result['period_label']}（时序进度 {result['time_progress']:.0%}，引擎 {result['engine']}）",
             "任务：" + "，".join(f"{k} {v}" for k, v in t.items())]
    if result["indicators"]:
        lines.append("指标：" + "，".join(f"{k} {v}" for k, v in i.items()))
    folders: dict[Path, int] = {}
    for path in written:
        if path.parent == target:
            lines.append(f"已写出 {path}")
        else:
            folders[path.parent] = folders.get(path.parent, 0) + 1
    lines += [f"已写出 {folder}/（{count} 份）" for folder, count in folders.items()]
    return lines


def lagging_tasks(result: dict) -> int:
    """Tasks 滞后 or 严重滞后 (what --fail-on-lagging exits 1 for)."""
    return sum(result["summary"]["tasks"].get(s, 0) for s in LAGGING_TASKS)
