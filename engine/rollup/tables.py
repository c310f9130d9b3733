"""The rollup's tabular views, computed with pandas from the database: status counts per district and period,
lagging share (the heat map), and each responsible unit's run of lagging periods."""

from __future__ import annotations

import pandas as pd

from ..statuses import STATUSES_INDICATOR, STATUSES_TASK


def district_status(runs: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """One row per workspace-period: region, label, counts per task and indicator status, lagging share."""
    counts = items.groupby(["workspace", "period", "kind", "status"]).size().rename("n").reset_index()
    wide = counts.pivot_table(index=["workspace", "period"], columns=["kind", "status"], values="n", fill_value=0)
    columns = [("task", s) for s in STATUSES_TASK] + [("indicator", s) for s in STATUSES_INDICATOR]
    wide = wide.reindex(columns=pd.MultiIndex.from_tuples(columns), fill_value=0)
    wide.columns = [f"{'任务' if k == 'task' else '指标'}·{s}" for k, s in columns]
    out = runs[["workspace", "period", "region", "period_label", "tasks", "indicators", "lagging_tasks"]].merge(
        wide.reset_index(), on=["workspace", "period"], how="left").fillna(0)
    out["lagging_share"] = (out["lagging_tasks"] / out["tasks"].where(out["tasks"] > 0)).fillna(0.0)
    return out.sort_values(["workspace", "period"]).reset_index(drop=True)


def _runs_of(flags: list[bool]) -> tuple[int, int, int]:
    """(current run ending at the last period, longest run, index where the longest run ends)."""
    current = longest = end = 0
    for n, flag in enumerate(flags):
        current = current + 1 if flag else 0
        if current > longest:
            longest, end = current, n
    return current, longest, end


def unit_streaks(runs: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """One row per (workspace, lead unit): periods in a row in which the unit had a lagging item. A period
    in which the unit had no item at all breaks the run, as one with no lagging item does. Counted in plain
    dicts, one pass over the rows: a national set has ~15,000 units, too many for a pandas step per unit."""
    per = items[["workspace", "period", "lead_units", "lagging", "category", "leaders", "item_id"]].explode("lead_units")
    per = per.dropna(subset=["lead_units"]).rename(columns={"lead_units": "unit"})
    flags = per.groupby(["workspace", "unit", "period"])["lagging"].any().to_dict()
    periods = runs.groupby("workspace")["period"].apply(sorted).to_dict()
    regions = runs.drop_duplicates("workspace").set_index("workspace")["region"].to_dict()
    lagging: dict[tuple, list] = {}
    for row in per[per["lagging"]].itertuples(index=False):
        lagging.setdefault((row.workspace, row.unit), []).append(row)
    rows = []
    for ws, unit in sorted({(w, u) for w, u, _ in flags}):
        ws_periods = periods[ws]
        current, longest, end = _runs_of([bool(flags.get((ws, unit, p), False)) for p in ws_periods])
        mine = lagging.get((ws, unit), [])
        rows.append({"workspace": ws, "region": regions[ws], "unit": unit, "current_streak": current,
                     "longest_streak": longest,
                     "longest_periods": "、".join(ws_periods[end - longest + 1:end + 1]) if longest else "",
                     "latest_period": ws_periods[-1],
                     "lagging_latest": len({r.item_id for r in mine if r.period == ws_periods[-1]}),
                     "categories": sorted({r.category for r in mine if isinstance(r.category, str) and r.category}),
                     "leaders": sorted({name for r in mine for name in list(r.leaders)})})
    out = pd.DataFrame(rows, columns=["workspace", "region", "unit", "current_streak", "longest_streak", "longest_periods",
                                      "latest_period", "lagging_latest", "categories", "leaders"])
    return out.sort_values(["longest_streak", "current_streak", "workspace", "unit"],
                           ascending=[False, False, True, True]).reset_index(drop=True)


def streak_class(current: int) -> str:
    """红：连续两期及以上滞后；黄：本期滞后；绿：本期无滞后。"""
    return "red" if current >= 2 else "yellow" if current == 1 else "green"


def heat_cells(items: pd.DataFrame) -> list[list]:
    """[workspace, period, category, leader, tasks, lagging] for tasks, one row per leader of each task (and
    leader "" for the task itself), so the page can recount the heat map under any category and leader filter."""
    tasks = items[items["kind"] == "task"][["workspace", "period", "category", "leaders", "lagging"]].copy()
    tasks["category"] = tasks["category"].fillna("")
    whole = tasks.assign(leader="")
    by_leader = tasks.explode("leaders").dropna(subset=["leaders"]).assign(leader=lambda f: f["leaders"])
    both = pd.concat([whole, by_leader], ignore_index=True)
    agg = both.groupby(["workspace", "period", "category", "leader"])["lagging"].agg(n="size", lag="sum").reset_index()
    return [[r.workspace, r.period, r.category, r.leader, int(r.n), int(r.lag)]
            for r in agg.itertuples(index=False)]
