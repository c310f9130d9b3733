"""`duban rollup` and `duban query`: the shipped Fuling example plus two bench-generated districts (300 tasks,
15 indicators, three quarters each) into DuckDB, Parquet, rollup.xlsx and rollup.html."""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import duckdb
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from engine.bench import synth
from engine.bench.district import write_workspace
from engine.cli import main
from engine.rollup.collect import LAGGING
from engine.rollup.store import STATE
from engine.rollup.tables import _runs_of, heat_cells, unit_streaks

from .test_render_html import dump_dom, needs_chromium

ROOT = Path(__file__).resolve().parents[1]
PERIODS = synth.PERIODS[:3]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def make_workspaces(root: Path) -> list[Path]:
    shutil.copytree(ROOT / "facts" / "fuling-2023", root / "fuling-2023", ignore=shutil.ignore_patterns(".duban*"))
    for index in (0, 1):  # as engine/bench/district.py builds a district: 300 tasks, 15 indicators, three quarters
        sw = synth.workspace(2023, index, items=315, indicators=15)
        sw.progress = {p: sw.progress[p] for p in PERIODS}
        write_workspace(sw, root / sw.name, PERIODS)
    return [root / "fuling-2023", root / "ws0000", root / "ws0001"]


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    root = tmp_path_factory.mktemp("rollup")
    workspaces = make_workspaces(root / "facts")
    out = root / "out"
    res = invoke("rollup", "--glob", f"{root / 'facts'}/*", "--out", out, "--engine", "vectorised")
    assert res.exit_code == 0, res.output
    return root, workspaces, out, res.output


@pytest.fixture(scope="module")
def results(rolled):
    """result.json of every workspace-period, written by duban check."""
    root, workspaces, _, _ = rolled
    found = {}
    for ws in workspaces:
        for period in sorted(p.stem for p in (ws / "progress").glob("*.yaml")):
            target = root / "checks" / ws.name / period
            res = invoke("check", ws, "--period", period, "--format", "json", "--out", target, "--engine", "vectorised")
            assert res.exit_code == 0, res.output
            found[(ws.name, period)] = json.loads((target / "result.json").read_text(encoding="utf-8"))
    return found


def sql(db: Path, query: str, *params) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, list(params)).fetchall()
    finally:
        con.close()


def test_writes_database_parquet_xlsx_html(rolled):
    _, _, out, output = rolled
    assert "本次判定 7 个工作区-报告期，未变化 0 个" in output
    for name in ("rollup.duckdb", "rollup.xlsx", "rollup.html"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    db = out / "rollup.duckdb"
    for table in ("runs", "items", "findings", "figures", "escalations", "provenance"):
        parquet = (out / "parquet" / f"{table}.parquet").as_posix()
        assert sql(db, f"SELECT count(*) FROM read_parquet('{parquet}')") == sql(db, f"SELECT count(*) FROM {table}"), table
        assert sql(db, f"SELECT count(*) FROM {table}")[0][0] > 0, table
        for a, b in ((f"read_parquet('{parquet}')", table), (table, f"read_parquet('{parquet}')")):  # the same rows
            assert sql(db, f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})") == [(0,)], table
    assert sql(db, "SELECT count(*) FROM runs")[0][0] == 7
    assert sql(db, "SELECT count(DISTINCT rules_digest) FROM runs")[0][0] == 1


def test_counts_match_result_json(rolled, results):
    db = rolled[2] / "rollup.duckdb"
    for (ws, period), result in results.items():
        run = sql(db, "SELECT rules_digest, data_digest, tasks, indicators, lagging_tasks FROM runs "
                      "WHERE workspace = ? AND period = ?", ws, period)
        assert run == [(result["rules_digest"], result["data_digest"], len(result["tasks"]), len(result["indicators"]),
                        sum(result["summary"]["tasks"].get(s, 0) for s in LAGGING))], (ws, period)
        for kind, group in (("task", "tasks"), ("indicator", "indicators")):
            counted = dict(sql(db, "SELECT status, count(*) FROM items WHERE workspace = ? AND period = ? AND kind = ? "
                                   "GROUP BY status", ws, period, kind))
            assert counted == {s: n for s, n in result["summary"][group].items() if n}, (ws, period, kind)
        items = result["tasks"] + result["indicators"]
        # one row per item-period; each finding with its rule; each escalation with its run of periods
        assert sql(db, "SELECT count(*), count(DISTINCT item_id) FROM items WHERE workspace = ? AND period = ?",
                   ws, period)[0] == (len(items), len(items))
        findings = sorted((i["id"], f["rule"]) for i in items for f in i["findings"])
        assert sorted(sql(db, "SELECT item_id, rule FROM findings WHERE workspace = ? AND period = ?", ws, period)) == findings
        figures = sum(len(f["evidence"].get("values") or {}) for i in items for f in i["findings"])
        assert sql(db, "SELECT count(*) FROM figures WHERE workspace = ? AND period = ? AND kind = 'value'",
                   ws, period)[0][0] == figures
        steps = sorted((i["id"], i["escalation"]["step"], len(i["escalation"]["periods"]))
                       for i in items if i["escalation"] and i["escalation"].get("step"))
        assert sorted(sql(db, "SELECT item_id, step, streak FROM escalations WHERE workspace = ? AND period = ?",
                          ws, period)) == steps


def test_a_finding_keeps_its_figures(rolled, results):
    db = rolled[2] / "rollup.duckdb"
    result = results[("fuling-2023", "2023-09")]
    item, finding = next((i, f) for i in result["tasks"] for f in i["findings"]
                         if any(isinstance(v, float) for v in (f["evidence"].get("values") or {}).values()))
    name, value = next((k, v) for k, v in finding["evidence"]["values"].items() if isinstance(v, float))
    got = sql(db, "SELECT value FROM figures WHERE workspace = 'fuling-2023' AND item_id = ? AND rule = ? AND name = ? "
                  "AND kind = 'value'", item["id"], finding["rule"], name)
    assert got == [(pytest.approx(value),)]


def test_provenance_names_every_input(rolled):
    db = rolled[2] / "rollup.duckdb"
    files = sql(db, "SELECT name FROM provenance WHERE workspace = 'ws0001' AND period = '2023-06' AND source = 'file' "
                    "ORDER BY name")
    assert [f for (f,) in files] == ["plan.yaml", "progress/2023-03.yaml", "progress/2023-06.yaml"]
    assert sql(db, "SELECT count(*) FROM provenance WHERE source = 'rule' AND workspace = 'fuling-2023'")[0][0] > 5


def test_query_prints_table_csv_json(rolled):
    db = rolled[2] / "rollup.duckdb"
    query = "SELECT workspace, period, lagging_tasks FROM runs ORDER BY workspace, period"
    expected = sql(db, query)
    table = invoke("query", db, query)
    assert table.exit_code == 0 and f"（{len(expected)} 行）" in table.output
    assert re.search(r"fuling-2023\s+2023-09\s+%d\b" % expected[0][2], table.output)
    as_csv = invoke("query", db, query, "--format", "csv").output.splitlines()
    assert as_csv[0] == "workspace,period,lagging_tasks" and as_csv[1:] == [f"{w},{p},{n}" for w, p, n in expected]
    as_json = json.loads(invoke("query", db, query, "--format", "json").output)
    assert [(r["workspace"], r["period"], r["lagging_tasks"]) for r in as_json] == expected
    lists = json.loads(invoke("query", db, "SELECT leaders FROM items WHERE cardinality(leaders) > 0 LIMIT 1",
                              "--format", "json").output)
    assert isinstance(lists[0]["leaders"], list) and lists[0]["leaders"]


def test_query_is_read_only_and_shut_out_of_files(rolled, tmp_path):
    db = rolled[2] / "rollup.duckdb"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for statement in ("DELETE FROM runs", "DROP TABLE items", f"COPY runs TO '{tmp_path / 'x.csv'}'",
                      "SELECT * FROM read_csv('/etc/passwd')", "SET enable_external_access = true", "SELEC 1"):
        res = invoke("query", db, statement)
        assert res.exit_code == 2, statement
        assert "SQL 出错" in res.output and "Traceback" not in res.output, statement
    assert not (tmp_path / "x.csv").exists()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    missing = invoke("query", tmp_path / "none.duckdb", "SELECT 1")
    assert missing.exit_code == 2 and "找不到汇总数据库" in missing.output


def test_rerun_judges_nothing_and_writes_identical_files(rolled):
    root, _, out, _ = rolled
    before = tree_hashes(out)
    res = invoke("rollup", "--glob", f"{root / 'facts'}/*", "--out", out, "--engine", "vectorised")
    assert res.exit_code == 0, res.output
    assert "本次判定 0 个工作区-报告期，未变化 7 个" in res.output
    assert res.output.count("未变化，不再判定") == 7 and "已判定" not in res.output
    assert "不再生成" in res.output  # the outputs were made from this very database: not rebuilt
    assert tree_hashes(out) == before


def test_an_output_changed_by_hand_is_made_again(rolled, tmp_path):
    root, _, out, _ = rolled
    shutil.copytree(out, tmp_path / "out")
    before = tree_hashes(tmp_path / "out")
    # hand-written: a clerk saves the page over with a note, and deletes one Parquet file
    (tmp_path / "out" / "rollup.html").write_text("<p>已阅</p>", encoding="utf-8")
    (tmp_path / "out" / "parquet" / "figures.parquet").unlink()
    res = invoke("rollup", "--glob", f"{root / 'facts'}/*", "--out", tmp_path / "out", "--db", out / "rollup.duckdb",
                 "--engine", "vectorised")
    assert res.exit_code == 0 and "本次判定 0 个" in res.output and "不再生成" not in res.output, res.output
    after = tree_hashes(tmp_path / "out")
    assert {k: v for k, v in after.items() if k != STATE} == {k: v for k, v in before.items() if k != STATE}
    res = invoke("rollup", "--glob", f"{root / 'facts'}/*", "--out", tmp_path / "out", "--db", out / "rollup.duckdb",
                 "--engine", "vectorised")
    assert "不再生成" in res.output and tree_hashes(tmp_path / "out") == after


def test_a_changed_quarter_is_judged_again_with_the_later_ones(rolled, tmp_path):
    """Escalation reads earlier quarters, so editing 2023-06 re-judges 2023-06 and 2023-09, not 2023-03."""
    root, _, out, _ = rolled
    shutil.copytree(root / "facts", tmp_path / "facts")
    shutil.copytree(out, tmp_path / "out")
    progress = tmp_path / "facts" / "ws0001" / "progress" / "2023-06.yaml"
    text = progress.read_text(encoding="utf-8")
    entry = re.search(r"^  (\S+):\n    text: (.+)$", text, re.M)
    # hand-written: a stall phrased as a unit would write it, in place of the generated progress text
    progress.write_text(text.replace(entry.group(0), f"  {entry.group(1)}:\n    text: 受征地拆迁影响，项目暂停推进，近期无进展。", 1),
                        encoding="utf-8")
    res = invoke("rollup", *[tmp_path / "facts" / n for n in ("fuling-2023", "ws0000", "ws0001")], "--out", tmp_path / "out",
                 "--engine", "vectorised")
    assert res.exit_code == 0, res.output
    assert re.findall(r"已判定 (\S+ \S+)", res.output) == ["ws0001 2023-06", "ws0001 2023-09"]
    assert "本次判定 2 个工作区-报告期，未变化 5 个" in res.output
    db = tmp_path / "out" / "rollup.duckdb"
    assert sql(db, "SELECT progress_text FROM items WHERE workspace = 'ws0001' AND period = '2023-06' AND item_id = ?",
               entry.group(1)) == [("受征地拆迁影响，项目暂停推进，近期无进展。",)]
    # a workspace left out is removed from the rollup
    res = invoke("rollup", tmp_path / "facts" / "fuling-2023", "--out", tmp_path / "out", "--engine", "vectorised")
    assert res.exit_code == 0 and res.output.count("已移除") == 6
    assert sql(db, "SELECT DISTINCT workspace FROM items") == [("fuling-2023",)]


def test_bad_input_is_a_chinese_error(tmp_path):
    (tmp_path / "empty").mkdir()
    res = invoke("rollup", tmp_path / "empty", "--out", tmp_path / "out")
    assert res.exit_code == 2 and "缺少 plan.yaml" in res.output and "empty" in res.output
    res = invoke("rollup", "--glob", f"{tmp_path}/nothing*", "--out", tmp_path / "out")
    assert res.exit_code == 2 and "没有匹配到任何工作区" in res.output
    for where in ("a", "b"):
        shutil.copytree(ROOT / "facts" / "fuling-2023", tmp_path / where / "fuling-2023", ignore=shutil.ignore_patterns(".duban*"))
    res = invoke("rollup", tmp_path / "a" / "fuling-2023", tmp_path / "b" / "fuling-2023", "--out", tmp_path / "out")
    assert res.exit_code == 2 and "两个工作区同名" in res.output
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "rollup.duckdb").write_text("不是数据库", encoding="utf-8")
    res = invoke("rollup", tmp_path / "a" / "fuling-2023", "--out", tmp_path / "out")
    assert res.exit_code == 2 and "rollup.duckdb" in res.output and "Traceback" not in res.output


def test_xlsx_counts_and_colours(rolled):
    out = rolled[2]
    wb = openpyxl.load_workbook(out / "rollup.xlsx")
    assert wb.sheetnames == ["区县汇总", "单位连续滞后", "说明"]
    ws = wb["区县汇总"]
    header = [c.value for c in ws[1]]
    rows = {(r[1], r[2]): dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    db = out / "rollup.duckdb"
    for workspace, period, n in sql(db, "SELECT workspace, period, count(*) FROM items WHERE kind = 'task' "
                                          "AND status = '滞后' GROUP BY ALL"):
        assert rows[(workspace, period)]["任务·滞后"] == n
    col = header.index("任务·滞后") + 1
    lagging_cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=col).value]
    assert lagging_cells and all(c.fill.fgColor.rgb.endswith("FFC7CE") for c in lagging_cells)
    streaks = wb["单位连续滞后"]
    top = [c.value for c in streaks[2]]
    assert top[4] == 3  # a generated district has a unit lagging all three quarters
    assert streaks.cell(row=2, column=4).fill.fgColor.rgb.endswith("FFC7CE")


def test_runs_of_periods():
    assert _runs_of([True, True, False, True]) == (1, 2, 1)
    assert _runs_of([False, True, True, True]) == (3, 3, 3)
    assert _runs_of([False, False]) == (0, 0, 0)


def test_unit_streaks_and_heat_cells_on_hand_written_rows():
    # hand-written: a county with a half-year and a full-year report, two leaders on one task, a task with no
    # category, and a unit absent from one quarter (its run breaks there)
    runs = pd.DataFrame([{"workspace": "w", "region": "某县", "period": p} for p in ("2024-03", "2024-06", "2024-12")])
    rows = [("2024-03", "T1", ["区水利局"], True, "农业农村", ["甲"]), ("2024-06", "T1", ["区水利局"], True, "农业农村", ["甲"]),
            ("2024-12", "T1", ["区水利局"], True, "农业农村", ["甲"]),
            ("2024-03", "T2", ["区教委", "区财政局"], True, None, ["甲", "乙"]),
            ("2024-06", "T3", ["区财政局"], False, None, ["乙"]), ("2024-12", "T2", ["区教委"], True, None, ["甲", "乙"])]
    items = pd.DataFrame([{"workspace": "w", "period": p, "item_id": i, "lead_units": u, "lagging": lag, "category": c,
                           "leaders": ls, "kind": "task"} for p, i, u, lag, c, ls in rows])
    streaks = unit_streaks(runs, items).set_index("unit")
    assert streaks.loc["区水利局", ["current_streak", "longest_streak", "longest_periods"]].tolist() == [3, 3, "2024-03、2024-06、2024-12"]
    assert streaks.loc["区教委", ["current_streak", "longest_streak"]].tolist() == [1, 1]  # absent in 2024-06
    assert streaks.loc["区财政局", ["current_streak", "longest_streak", "lagging_latest"]].tolist() == [0, 1, 0]
    assert streaks.index[0] == "区水利局"
    cells = {tuple(c[:4]): tuple(c[4:]) for c in heat_cells(items)}
    assert cells[("w", "2024-03", "", "")] == (1, 1) and cells[("w", "2024-03", "", "乙")] == (1, 1)
    assert cells[("w", "2024-06", "", "乙")] == (1, 0) and cells[("w", "2024-12", "农业农村", "甲")] == (1, 1)


def heat(dom: str) -> dict[tuple[str, str], str]:
    """{(workspace, period): "19%"} for the cells that have tasks under the filter (grey cells left out)."""
    return {(w, p): text for w, p, text in
            re.findall(r'<td class="heat (?:red|yellow|green)" data-workspace="([^"]+)" data-period="([^"]+)"[^>]*>([^<]*)', dom)}


def expected_heat(db: Path, where: str = "", *params) -> dict[tuple[str, str], str]:
    rows = sql(db, f"SELECT workspace, period, count(*), sum(lagging::INT) FROM items WHERE kind = 'task' {where} "
                   "GROUP BY ALL", *params)
    return {(w, p): f"{math.floor(lag / n * 100 + 0.5)}%" for w, p, n, lag in rows}  # as JavaScript's Math.round


@needs_chromium
def test_heat_map_and_filters_in_chromium(rolled, tmp_path):
    out = rolled[2]
    db = out / "rollup.duckdb"
    url = (out / "rollup.html").as_uri()
    page = (out / "rollup.html").read_text(encoding="utf-8")
    assert "<link" not in page and "http://" not in page and "https://" not in page
    dom = dump_dom(tmp_path, url)
    cells = heat(dom)
    assert cells == expected_heat(db) and len(cells) == 7
    assert re.search(r'data-workspace="fuling-2023" data-period="2023-03"[^>]*>—', dom), "涪陵区没有一季度：灰格"
    total = len(re.findall(r'<tr class="streak"', dom))
    assert total == sql(db, "SELECT count(*) FROM (SELECT DISTINCT workspace, u FROM (SELECT workspace, unnest(lead_units) u "
                            "FROM items WHERE lagging))")[0][0]
    category = sql(db, "SELECT category FROM items WHERE workspace = 'fuling-2023' AND lagging AND kind = 'task' "
                       "GROUP BY category ORDER BY count(*) DESC LIMIT 1")[0][0]
    dom = dump_dom(tmp_path, f"{url}#category={quote(category)}")
    assert heat(dom) == expected_heat(db, "AND category = ?", category)
    assert set(heat(dom)) == {("fuling-2023", "2023-09")}  # the generated districts use other category names
    shown = len(re.findall(r'<tr class="streak"', dom))
    assert 0 < shown < total and f"显示 {shown} / {total} 个单位" in dom
    leader = sql(db, "SELECT l FROM (SELECT unnest(leaders) l FROM items WHERE workspace = 'ws0000' AND lagging) "
                     "GROUP BY l ORDER BY count(*) DESC, l LIMIT 1")[0][0]
    dom = dump_dom(tmp_path, f"{url}#leader={quote(leader)}")
    assert heat(dom) == expected_heat(db, "AND list_contains(leaders, ?)", leader)
    assert f"当前：全部类别 · {leader}" in dom


def test_query_csv_never_hands_excel_a_formula(rolled):
    db = rolled[2] / "rollup.duckdb"
    # hand-written: a cell text as a hostile report could carry it; a negative number stays a number
    res = invoke("query", db, "SELECT '=HYPERLINK(\"http://x\")' AS t, -0.31 AS n", "--format", "csv")
    assert res.output.splitlines()[1] == '"\'=HYPERLINK(""http://x"")",-0.31'


def test_dask_local_cluster_gives_identical_tables(rolled, tmp_path):
    root, _, out, _ = rolled
    res = invoke("rollup", "--glob", f"{root / 'facts'}/*", "--out", tmp_path / "dask", "--engine", "vectorised",
                 "--executor", "dask", "--workers", "2")
    assert res.exit_code == 0, res.output
    assert "本次判定 7 个工作区-报告期" in res.output
    assert re.findall(r"已判定 (\S+ \S+)", res.output) == [f"{w} {p}" for w, p in
                                                        sql(out / "rollup.duckdb", "SELECT workspace, period FROM runs ORDER BY 1, 2")]
    serial = {k: v for k, v in tree_hashes(out).items() if k not in ("rollup.duckdb", STATE)}
    on_dask = {k: v for k, v in tree_hashes(tmp_path / "dask").items() if k not in ("rollup.duckdb", STATE)}
    assert on_dask == serial and len(serial) == 8  # six Parquet tables, rollup.xlsx, rollup.html


def test_dask_bad_scheduler_or_bad_facts_is_a_chinese_error(tmp_path):
    shutil.copytree(ROOT / "facts" / "fuling-2023", tmp_path / "fuling-2023", ignore=shutil.ignore_patterns(".duban*"))
    res = invoke("rollup", tmp_path / "fuling-2023", "--out", tmp_path / "out", "--executor", "dask",
                 "--scheduler", "tcp://127.0.0.1:9")
    assert res.exit_code == 2 and "连接不上 Dask 调度器" in res.output and not (tmp_path / "out").exists()
    # hand-written: a progress file broken by hand; the worker's error crosses back whole, naming file and line
    progress = tmp_path / "fuling-2023" / "progress" / "2023-09.yaml"
    progress.write_text(progress.read_text(encoding="utf-8") + "  T999: [未闭合\n", encoding="utf-8")
    res = invoke("rollup", tmp_path / "fuling-2023", "--out", tmp_path / "out", "--executor", "dask", "--workers", "1",
                 "--engine", "vectorised")
    assert res.exit_code == 2 and "2023-09.yaml" in res.output and "Traceback" not in res.output, res.output
