import csv

import yaml

from engine.importing.headers import find_header, header_field, normalise_header
from engine.importing.rows import split_names

from .conftest import FULING, run_cli


def test_header_whitespace_and_synonyms():
    assert normalise_header("目    标   任   务") == "目标任务"
    assert header_field("指  标  名  称") == "name"
    assert header_field("责任（配合）单位") == "coop_units"
    assert header_field("责任区领导") == "leaders"
    assert header_field("任务进展情况") == "progress"
    assert header_field("2023年预期目标") == "annual_target"
    assert header_field("human_status") is None


def test_header_found_in_second_row():
    rows = [["2023年重点任务推进情况表", "", ""], ["序号", "工作任务", "进展情况"], ["1", "任务", "进展"]]
    header = find_header(rows)
    assert header.row == 1 and header.columns == {"seq": 0, "text": 1, "progress": 2}


def test_split_names_keeps_brackets_and_joins_spaced_names():
    assert split_names("区城管局（区整违办）、区住房城乡建委") == ["区城管局（区整违办）", "区住房城乡建委"]
    assert split_names("钟  涛；冯星贵") == ["钟涛", "冯星贵"]
    assert split_names("区发展改革委\n区生态环境局") == ["区发展改革委", "区生态环境局"]
    assert split_names("/") == []


def test_q3_tables_yield_206_tasks_and_13_indicators(fuling_ws):
    plan = yaml.safe_load((fuling_ws / "plan.yaml").read_text(encoding="utf-8"))
    progress = yaml.safe_load((fuling_ws / "progress" / "2023-09.yaml").read_text(encoding="utf-8"))
    assert len(plan["tasks"]) == 206 and len(plan["indicators"]) == 13
    assert len(progress["entries"]) == 219
    seqs = [t["seq"] for t in plan["tasks"]]
    assert seqs == [str(i) for i in range(1, 207)]
    # verbatim text, messy on purpose
    rows = list(csv.DictReader(open(FULING / "fuling_2023q3_tasks.csv", encoding="utf-8")))
    assert [t["text"] for t in plan["tasks"]] == [r["task_text"] for r in rows]
    assert [progress["entries"][t["id"]]["text"] for t in plan["tasks"]] == [r["progress_text"] for r in rows]


def test_indicator_targets_are_read_with_their_unit(fuling_ws):
    plan = yaml.safe_load((fuling_ws / "plan.yaml").read_text(encoding="utf-8"))
    employment = next(i for i in plan["indicators"] if i["name"].startswith("新增城镇就业"))
    assert employment["annual_target_text"] == "2万人"
    assert employment["targets"][0]["quantity"] == 2 and employment["targets"][0]["unit"] == "万人"


def test_reimport_is_idempotent_and_keeps_hand_edits(tmp_path):
    ws = tmp_path / "ws"
    args = [FULING / "fuling_2023q3_indicators.xlsx", "--into", ws, "--region", "涪陵区", "--year", "2023", "--period", "2023-09"]
    assert run_cli("import", *args).returncode == 0
    plan_path = ws / "plan.yaml"
    text = plan_path.read_text(encoding="utf-8")
    edited = text.replace("indicators:\n", "# 督查室备注：指标来自附件1\nindicators:\n", 1).replace("  - id: I01\n", "  - id: I01\n    note: 已与区统计局核对\n", 1)
    plan_path.write_text(edited, encoding="utf-8")
    again = run_cli("import", *args)
    assert again.returncode == 0, again.stderr
    assert "没有变化" in again.stdout
    assert plan_path.read_text(encoding="utf-8") == edited


def test_plan_then_progress_joins_and_attaches_leaders(tmp_path):
    ws = tmp_path / "ws"
    first = run_cli("import", FULING / "fuling_2023_plan_targets.xlsx", FULING / "fuling_2023_plan_tasks.xlsx", "--into", ws,
                    "--region", "涪陵区", "--year", "2023")
    assert first.returncode == 0, first.stderr
    second = run_cli("import", FULING / "fuling_2023q3_tasks.xlsx", "--into", ws, "--period", "2023-09")
    assert second.returncode == 0, second.stderr
    assert "任务按原文对应 189" in second.stdout
    plan = yaml.safe_load((ws / "plan.yaml").read_text(encoding="utf-8"))
    by_text = {t["text"]: t for t in plan["tasks"]}
    assert by_text["加大助企纾困力度，落实减税降费政策。"]["leaders"] == ["钟涛"]
    duplicates = [t for t in plan["tasks"] if t.get("duplicate_of")]
    assert duplicates and all(t["lead_units"] for t in duplicates)


def test_unmapped_columns_are_reported(tmp_path):
    result = run_cli("import", FULING / "fuling_2023q3_tasks.csv", "--into", tmp_path / "ws", "--region", "涪陵区", "--year", "2023",
                     "--period", "2023-09")
    assert result.returncode == 0, result.stderr
    assert "「human_status」无法识别，未导入" in result.stdout


def test_progress_table_needs_a_period(tmp_path):
    result = run_cli("import", FULING / "fuling_2023q3_tasks.xlsx", "--into", tmp_path / "ws", "--region", "涪陵区", "--year", "2023")
    assert result.returncode == 2
    assert "--period" in result.stderr and "Traceback" not in result.stderr


def test_gb18030_csv_is_read(tmp_path):
    path = tmp_path / "wps.csv"
    path.write_bytes("序号,工作任务,牵头责任单位,进展情况\n1,新建社区健身点10个。,区体育局,已建成8个。\n".encode("gb18030"))
    result = run_cli("import", path, "--into", tmp_path / "ws", "--region", "测试区", "--year", "2023", "--period", "2023-09")
    assert result.returncode == 0, result.stderr
    plan = yaml.safe_load((tmp_path / "ws" / "plan.yaml").read_text(encoding="utf-8"))
    assert plan["tasks"][0]["lead_units"] == ["区体育局"]


def test_old_xls_gets_a_chinese_message(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    result = run_cli("import", path, "--into", tmp_path / "ws", "--region", "x", "--year", "2023")
    assert result.returncode == 2 and "另存为" in result.stderr
    assert not (tmp_path / "ws").exists()


def test_region_and_year_that_differ_from_the_workspace_are_named(tmp_path):
    ws = tmp_path / "ws"
    args = [FULING / "fuling_2023q3_indicators.xlsx", "--into", ws, "--period", "2023-09"]
    assert run_cli("import", *args, "--region", "涪陵区", "--year", "2023").returncode == 0
    again = run_cli("import", *args, "--region", "万州区", "--year", "2024")
    assert again.returncode == 0, again.stderr
    output = again.stdout + again.stderr
    assert "忽略 --region 万州区" in output and "工作区年度为 2023，忽略 --year 2024" in output
    assert yaml.safe_load((ws / "plan.yaml").read_text(encoding="utf-8"))["year"] == 2023
