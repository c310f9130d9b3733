"""`duban eval`: keys (CSV with English or Chinese headers, the office's report), matching, the figures,
--suggest, and bad keys as clear errors."""

from __future__ import annotations

import json

import openpyxl

from engine.agreement.compare import indicator_stem
from engine.agreement.key import official_class, read_key
from engine.agreement.suggest import grid, with_param

from .conftest import FULING, run_cli


def _import_csv(tmp_path, rows, period="2023-09", year="2023"):
    path = tmp_path / "tasks.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    ws = tmp_path / "ws"
    result = run_cli("import", path, "--into", ws, "--region", "某区", "--year", year, "--period", period)
    assert result.returncode == 0, result.stderr
    return ws


TASKS = [  # hand-written: at 1-9月 the time progress is 75 %
    ["序号", "工作任务", "完成情况"],
    ["1", "新建道路100公里", "已建成58公里"],  # ratio 0.58: 17 points behind, beyond tolerance 0.15
    ["2", "新建学校10所", "已建成3所"],  # ratio 0.30: far behind
    ["3", "改造老旧小区20个", "已完工16个"],  # ratio 0.80: on schedule
]


def test_csv_key_with_chinese_headers(tmp_path):
    ws = _import_csv(tmp_path, TASKS)
    key = tmp_path / "key.csv"
    key.write_text("序号,官方判定\n1,正常\n2,滞后\n3,正常\n", encoding="utf-8")
    result = run_cli("eval", ws, "--period", "2023-09", "--key", key, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    ev = json.loads((tmp_path / "out" / "eval.json").read_text(encoding="utf-8"))
    assert (ev["recall"]["found"], ev["recall"]["of"]) == (1, 1)
    assert ev["normal_flagged"]["count"] == 1 and ev["normal_flagged"]["items"][0]["seq"] == "1"
    flagged = ev["normal_flagged"]["items"][0]["evidence"][0]
    assert flagged["rule"].startswith("R-") and "58" in (flagged["quote"] or "")
    assert [d["seq"] for d in ev["disagreements"]] == ["1"]
    md = (tmp_path / "out" / "eval.md").read_text(encoding="utf-8")
    assert "官方正常而判为滞后（1）" in md and "新建道路100公里" in md


def test_suggest_finds_the_tolerance_that_clears_a_near_miss_without_losing_recall(tmp_path):
    ws = _import_csv(tmp_path, TASKS)
    key = tmp_path / "key.csv"
    key.write_text("seq,official\n1,正常\n2,滞后\n3,正常\n", encoding="utf-8")
    result = run_cli("eval", ws, "--period", "2023-09", "--key", key, "--out", tmp_path / "out", "--suggest")
    assert result.returncode == 0, result.stderr
    ev = json.loads((tmp_path / "out" / "eval.json").read_text(encoding="utf-8"))
    s = ev["suggest"]
    assert s["tried"] > 10 and s["baseline"]["normal_flagged"] == 1
    tolerance = [b for b in s["better"] if b["param"] == "tolerance"]
    assert tolerance and all(b["to"] > b["from"] for b in tolerance)
    assert all(b["recall_found"] >= s["baseline"]["recall_found"] for b in s["better"])
    assert "tolerance: 0.15 →" in result.stdout
    # advice only: the rulebook is untouched
    assert "tolerance: 0.15" in (FULING.parent.parent.parent / "rules" / "params.yaml").read_text(encoding="utf-8")


def test_report_key_reads_the_status_annex_and_implies_the_rest(tmp_path):
    rows = read_key(FULING / "fuling_2023q3_report.docx")
    lagging = [r for r in rows if official_class(r.official) == "滞后"]
    assert len(lagging) == 7 and all("附件3" in r.ref for r in lagging)
    assert {r.kind for r in rows} == {"task"}  # annex 1's indicators carry no call of their own
    assert len(rows) == 206


def _report(path, sections):
    """A Word report: each (title, rows) is a paragraph followed by its table."""
    import docx

    document = docx.Document()
    for title, body in sections:
        document.add_paragraph(title)
        table = document.add_table(rows=len(body), cols=len(body[0]))
        for r, row in enumerate(body):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    document.save(path)
    return path


def test_report_key_from_a_hand_written_annex_title(tmp_path):  # hand-written
    path = _report(tmp_path / "report.docx", (
        ("附件1 1-5月重点任务推进情况", [["序号", "重点工作", "1-5月进展"], ["1", "新建道路100公里", "已建成50公里"],
                                   ["2", "新建学校10所", "尚未开工"]]),
        ("附件2 推进较为滞后的任务", [["序号", "重点工作", "1-5月进展"], ["1", "新建学校10所", "尚未开工"]])))
    rows = read_key(path)
    assert sorted((r.text, official_class(r.official)) for r in rows) == [("新建学校10所", "滞后"), ("新建道路100公里", "正常")]


def test_bad_keys_are_clear_errors(tmp_path):
    ws = _import_csv(tmp_path, TASKS)
    bad = tmp_path / "bad.csv"
    bad.write_text("编号甲,结论\n1,正常\n", encoding="utf-8")
    for key, words in ((bad, "缺少必需的列"), (tmp_path / "none.csv", "找不到判定依据文件"), (FULING / "fuling_2023q3_tasks.xlsx", ".csv")):
        result = run_cli("eval", ws, "--period", "2023-09", "--key", key, "--out", tmp_path / "out")
        assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
    empty_call = tmp_path / "empty.csv"
    empty_call.write_text("seq,official\n1,\n", encoding="utf-8")
    result = run_cli("eval", ws, "--period", "2023-09", "--key", empty_call)
    assert result.returncode == 2 and "empty.csv:2" in result.stderr


def test_official_words_and_helpers():
    assert official_class("未实现“依时序推进”") == "滞后" and official_class("已完成") == "正常"
    assert official_class("经批准调整") == "经批准调整"  # an approved change is its own class, never folded into 正常
    assert indicator_stem("固定资产投资增长（%）") == "固定资产投资"
    assert grid(0.15) == [0.09, 0.12, 0.18, 0.21]
    assert grid(15) == [9, 12, 18, 21] and grid(1) == [0, 2] and grid(0.0) == [0.5, 1.0]
    assert with_param("tolerance: 0.15   # 注释\n", "tolerance", 0.18) == "tolerance: 0.18   # 注释\n"
    assert with_param("words: [a]\n", "tolerance", 0.18) is None


def test_key_rows_that_match_nothing_are_listed_not_dropped(tmp_path):  # hand-written
    ws = _import_csv(tmp_path, TASKS)
    key = tmp_path / "key.csv"
    key.write_text("seq,official,text\n2,滞后,新建学校10所\n9,滞后,修建水库1座\n", encoding="utf-8")
    result = run_cli("eval", ws, "--period", "2023-09", "--key", key, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    ev = json.loads((tmp_path / "out" / "eval.json").read_text(encoding="utf-8"))
    assert ev["matched"] == 1 and [r["seq"] for r in ev["unmatched_key_rows"]] == ["9"]
    assert "1 行未能对应" in result.stdout
    assert "修建水库1座" in (tmp_path / "out" / "eval.md").read_text(encoding="utf-8")


def test_report_key_from_a_status_column(tmp_path):  # hand-written: the office files its call per row
    body = [["序号", "工作任务", "上半年进展", "是否依时序推进"], ["1", "新建道路100公里", "已建成50公里", "是"],
            ["2", "新建学校10所", "尚未开工", "否"], ["3", "改造老旧小区20个", "已完工9个", ""]]
    path = _report(tmp_path / "report.docx", (("附件 上半年重点任务推进情况", body),))
    rows = read_key(path)
    assert sorted((r.text, official_class(r.official), r.implied) for r in rows) == [
        ("改造老旧小区20个", "正常", True), ("新建学校10所", "滞后", False), ("新建道路100公里", "正常", False)]
    # the same table imports: the status column is not taken for the progress column
    result = run_cli("import", path, "--into", tmp_path / "ws", "--region", "某区", "--year", "2024", "--period", "2024-06")
    assert result.returncode == 0, result.stderr
    assert "「是否依时序推进」无法识别，未导入" in result.stdout
    progress = (tmp_path / "ws" / "progress" / "2024-06.yaml").read_text(encoding="utf-8")
    assert "尚未开工" in progress
