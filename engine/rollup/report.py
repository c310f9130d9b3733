"""rollup.xlsx and rollup.html from the rollup database. Both are reproducible: the same database gives the
same bytes (the xlsx is stamped with the latest as-of date, never the clock)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from ..periods import default_as_of
from ..statuses import status_class
from ..render.repro import as_of_time, normalise_zip
from ..render.templates import make_environment, render_template
from ..render.xlsx_openpyxl import named_styles, put, sheet
from . import store
from .tables import district_status, heat_cells, streak_class, unit_streaks

STREAK_HEADERS = ["区县", "工作区", "责任单位", "当前连续滞后期数", "最长连续滞后期数", "最长连续滞后的报告期",
                  "最近报告期", "最近一期滞后项数", "滞后任务类别", "责任区领导"]


def _latest_as_of(runs: pd.DataFrame) -> str:
    dates = [d for d in runs["as_of"] if isinstance(d, str) and d]
    return max(dates) if dates else default_as_of(runs["period"].max())


def _status_of(column: str) -> str:
    return column.split("·", 1)[1]


def rollup_xlsx(runs: pd.DataFrame, status: pd.DataFrame, streaks: pd.DataFrame) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for style in named_styles():
        wb.add_named_style(style)
    counts = [c for c in status.columns if "·" in c]
    headers = ["区县", "工作区", "报告期", "报告期名称", "任务数", "指标数", "滞后任务数", "滞后任务占比", *counts]
    rows = [[r["region"], r["workspace"], r["period"], r["period_label"], int(r["tasks"]), int(r["indicators"]),
             int(r["lagging_tasks"]), float(r["lagging_share"]), *[int(r[c]) for c in counts]] for _, r in status.iterrows()]
    ws = sheet(wb, "区县汇总", headers, rows, ["normal"] * 7 + ["pct"] + ["normal"] * len(counts))
    for r, values in enumerate(rows, 2):  # a count is coloured by its status when there is any
        for col, column in enumerate(counts, 9):
            if values[col - 1]:
                put(ws, r, col, values[col - 1], f"督办状态{status_class(_status_of(column))}")
    rows = [[s["region"], s["workspace"], s["unit"], int(s["current_streak"]), int(s["longest_streak"]),
             s["longest_periods"], s["latest_period"], int(s["lagging_latest"]), "、".join(s["categories"]),
             "、".join(s["leaders"])] for _, s in streaks.iterrows()]
    sheet(wb, "单位连续滞后", STREAK_HEADERS, rows, ["normal"] * 8 + ["wide", "normal"], 4,
          [streak_class(int(s["current_streak"])) for _, s in streaks.iterrows()])
    about = [("工作区数", runs["workspace"].nunique()), ("工作区-报告期数", len(runs)),
             ("规则摘要", "、".join(sorted(set(runs["rules_digest"])))),
             ("颜色（区县汇总）", "红：严重滞后、滞后、不达预期；黄：待核实；绿：其余状态"),
             ("颜色（单位连续滞后）", "红：连续两期及以上滞后；黄：本期滞后；绿：本期无滞后"),
             ("连续滞后", "某期该单位牵头的任务或指标中至少一项为滞后、严重滞后或不达预期，即记该期滞后；"
                        "某期没有该单位的事项，连续中断")]
    sheet(wb, "说明", ["项目", "内容"], [list(r) for r in about], ["normal", "wide"])
    when = as_of_time(_latest_as_of(runs))
    props = wb.properties
    props.title, props.creator, props.lastModifiedBy = "重点任务推进情况汇总台账", "duban", "duban"
    props.created = props.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue(), when)


def _json_for_html(value) -> str:
    """JSON inside <script type="application/json">: "<" escaped so no text can close the element."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("<", "\\u003c")


def rollup_html(runs: pd.DataFrame, status: pd.DataFrame, streaks: pd.DataFrame, items: pd.DataFrame) -> str:
    env = make_environment()
    districts = [{"workspace": w, "region": g["region"].iloc[0]} for w, g in runs.groupby("workspace", sort=True)]
    periods = sorted(runs["period"].unique())
    tasks = items[items["kind"] == "task"]
    data = {"districts": districts, "periods": periods, "cells": heat_cells(items),
            "streaks": [{"workspace": s["workspace"], "region": s["region"], "unit": s["unit"],
                         "current": int(s["current_streak"]), "longest": int(s["longest_streak"]),
                         "longest_periods": s["longest_periods"], "categories": list(s["categories"]),
                         "leaders": list(s["leaders"])} for _, s in streaks.iterrows() if s["longest_streak"] > 0]}
    script = render_template(env, "rollup.js.j2", {})
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    context = {"script": script, "script_hash": f"sha256-{digest}", "data_json": _json_for_html(data),
               "categories": sorted({c for c in tasks["category"] if isinstance(c, str) and c}),
               "leaders": sorted({n for names in tasks["leaders"] for n in list(names)}),
               "districts": districts, "periods": periods, "workspaces": len(districts), "runs": len(runs),
               "rules_digests": sorted(set(runs["rules_digest"]))}
    return render_template(env, "rollup.html.j2", context)


def write_reports(con, out: Path) -> list[Path]:
    tables = store.frames(con)
    runs, items = tables["runs"], tables["items"]
    status, streaks = district_status(runs, items), unit_streaks(runs, items)
    written = []
    for name, data in (("rollup.xlsx", rollup_xlsx(runs, status, streaks)),
                       ("rollup.html", rollup_html(runs, status, streaks, items).encode("utf-8"))):
        store.write_if_changed(out / name, data)
        written.append(out / name)
    return written
