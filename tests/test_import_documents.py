"""Whole Word documents as they arrive: annexes found and classified, plan joined to progress."""

import docx
import yaml

from .conftest import FULING, run_cli


def load(ws):
    plan = yaml.safe_load((ws / "plan.yaml").read_text(encoding="utf-8"))
    progress = yaml.safe_load((ws / "progress" / "2023-09.yaml").read_text(encoding="utf-8"))
    return plan, progress


def test_report_docx_gives_the_same_facts_as_the_xlsx_route(tmp_path, fuling_ws):
    ws = tmp_path / "ws"
    result = run_cli("import", FULING / "fuling_2023q3_report.docx", "--into", ws, "--region", "涪陵区", "--year", "2023", "--period", "2023-09")
    assert result.returncode == 0, result.stderr
    assert "附件3：任务 7 行，含进展，标题表明状态「滞后」" in result.stdout
    plan, progress = load(ws)
    xplan, xprogress = load(fuling_ws)
    strip = lambda items: [{k: v for k, v in i.items() if k != "targets"} for i in items]  # noqa: E731
    assert strip(plan["tasks"]) == strip(xplan["tasks"]) and len(plan["tasks"]) == 206
    assert strip(plan["indicators"]) == strip(xplan["indicators"]) and len(plan["indicators"]) == 13
    texts = {k: v["text"] for k, v in progress["entries"].items()}
    assert texts == {k: v["text"] for k, v in xprogress["entries"].items()}
    # the status annex is recorded, never judged, and does not add tasks
    reported = {plan_item["seq"] for plan_item in plan["tasks"] if progress["entries"][plan_item["id"]].get("reported_status") == "滞后"}
    assert reported == {"2", "12", "77", "103", "108", "134", "177"}


def test_plan_docx_then_report_attaches_leaders_with_statistics(tmp_path):
    ws = tmp_path / "ws"
    assert run_cli("import", FULING / "fuling_2023_plan.docx", "--into", ws, "--region", "涪陵区", "--year", "2023").returncode == 0
    result = run_cli("import", FULING / "fuling_2023q3_report.docx", "--into", ws, "--period", "2023-09")
    assert result.returncode == 0, result.stderr
    assert "任务按原文对应 189" in result.stdout and "任务重复列示 12" in result.stdout
    assert "未能对应到计划中已有条目" in result.stdout
    plan, progress = load(ws)
    with_progress = [t for t in plan["tasks"] if t["id"] in progress["entries"]]
    assert len(with_progress) == 206
    assert sum(1 for t in with_progress if t.get("leaders")) >= 200
    zhong = next(t for t in plan["tasks"] if t["text"] == "加大助企纾困力度，落实减税降费政策。")
    assert zhong["leaders"] == ["钟涛"] and zhong["coop_units"] == ["区财政局", "税务局"]
    assert progress["entries"][zhong["id"]]["source_seq"] == "7"


def make_doc(path, title, header, rows):
    document = docx.Document()
    document.add_paragraph(title)
    table = document.add_table(rows=0, cols=len(header))
    for values in [header] + rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            lines = value.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    document.save(path)


def test_category_rows_fill_down_and_multi_paragraph_cells(tmp_path):
    path = tmp_path / "plan.docx"
    make_doc(path, "附件 2024年重点工作任务分解", ["分类", "序号", "工作任务", "牵头领导", "牵头责任单位", "配合单位"], [
        ["一、\n稳增长", "", "新建社区健身点10个。", "钟  涛\n张  宇", "区体育局", "各乡镇街道"],
        ["", "", "新建派出所2个。", "王五", "区公安分局（区交巡警支队）", ""],
        ["二、惠民生"] * 6,
        ["", "", "新增城镇就业2万人。", "李四", "区人力社保局；区就业局", "区财政局、区教委"],
    ])
    ws = tmp_path / "ws"
    result = run_cli("import", path, "--into", ws, "--region", "测试区", "--year", "2024")
    assert result.returncode == 0, result.stderr
    plan = yaml.safe_load((ws / "plan.yaml").read_text(encoding="utf-8"))
    tasks = plan["tasks"]
    assert [t["category"] for t in tasks] == ["一、稳增长", "一、稳增长", "二、惠民生"]
    assert tasks[0]["leaders"] == ["钟涛", "张宇"]
    assert tasks[1]["lead_units"] == ["区公安分局（区交巡警支队）"]
    assert tasks[2]["lead_units"] == ["区人力社保局", "区就业局"] and tasks[2]["coop_units"] == ["区财政局", "区教委"]
    assert all("seq" not in t for t in tasks)


def test_status_annex_of_new_tasks_imports_them_with_reported_status(tmp_path):
    path = tmp_path / "report.docx"
    make_doc(path, "附件2 推进较为滞后的重点任务", ["序号", "工作任务", "责任单位", "任务进展情况"],
             [["1", "建成投用某大桥。", "区交通局", "项目暂停施工。"]])
    ws = tmp_path / "ws"
    result = run_cli("import", path, "--into", ws, "--region", "测试区", "--year", "2024", "--period", "2024-06")
    assert result.returncode == 0, result.stderr
    progress = yaml.safe_load((ws / "progress" / "2024-06.yaml").read_text(encoding="utf-8"))
    (entry,) = progress["entries"].values()
    assert entry["reported_status"] == "滞后" and entry["text"] == "项目暂停施工。"


def test_dry_run_lists_changes_and_writes_nothing(tmp_path, fuling_ws):
    import shutil

    import openpyxl

    ws = tmp_path / "ws"
    shutil.copytree(fuling_ws, ws)
    before = {p.name: p.read_bytes() for p in ws.rglob("*.yaml")}
    book = openpyxl.load_workbook(FULING / "fuling_2023q3_indicators.xlsx")
    book.active["C2"] = "前三季度，GDP同比增长7.9%"
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    result = run_cli("import", changed, "--into", ws, "--period", "2023-09", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "修改进展 I01 text：「前三季度，GDP同比增长7.6%」→「前三季度，GDP同比增长7.9%」" in result.stdout
    assert {p.name: p.read_bytes() for p in ws.rglob("*.yaml")} == before


def test_sheet_is_chosen_by_header(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由区政府督查室汇总"])
    sheet = book.create_sheet("任务")
    sheet.append(["序号", "工作任务", "责任单位", "进展情况"])
    sheet.append(["1", "新建社区健身点10个。", "区体育局", "已建成8个。"])
    path = tmp_path / "two_sheets.xlsx"
    book.save(path)
    result = run_cli("import", path, "--into", tmp_path / "ws", "--region", "测试区", "--year", "2023", "--period", "2023-09")
    assert result.returncode == 0, result.stderr
    assert "工作表「说明」：未找到可识别的表头，已跳过" in result.stdout
    missing = run_cli("import", path, "--into", tmp_path / "ws2", "--region", "测试区", "--year", "2023", "--sheet", "汇总")
    assert missing.returncode == 2 and "找不到工作表「汇总」" in missing.stderr and "任务" in missing.stderr



def test_header_only_file_is_refused_by_name_and_nothing_is_written(tmp_path):
    # was "任务 0 行" and an empty plan.yaml: a blank template sent by mistake, even beside a good table
    blank = tmp_path / "blank.csv"
    blank.write_text("序号,工作任务,牵头单位\n\n", encoding="utf-8")
    ws = tmp_path / "ws"
    result = run_cli("import", FULING / "fuling_2023q3_indicators.csv", blank, "--into", ws, "--region", "测试区", "--year", "2023",
                     "--period", "2023-09")
    assert result.returncode == 2 and f"{blank}: 表格只有表头、没有任务或指标行" in result.stderr, result.stderr
    assert not ws.exists()
    # rows there, but none with a task: the same, with the reason for each row
    blank.write_text("序号,工作任务,牵头单位\n1,,区交通局\n", encoding="utf-8")
    result = run_cli("import", blank, "--into", ws, "--region", "测试区", "--year", "2023")
    assert result.returncode == 2 and "表格只有表头" in result.stderr and "第2行：没有任务或指标文字，已跳过" in result.stderr, result.stderr


def test_header_only_sheet_beside_a_filled_one_is_skipped_with_a_note(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "任务"
    book.active.append(["序号", "工作任务", "责任单位"])
    book.active.append(["1", "新建社区健身点10个。", "区体育局"])
    book.create_sheet("模板").append(["序号", "工作任务", "责任单位"])
    path = tmp_path / "with_template.xlsx"
    book.save(path)
    result = run_cli("import", path, "--into", tmp_path / "ws", "--region", "测试区", "--year", "2023")
    assert result.returncode == 0, result.stderr
    assert "工作表「任务」：任务 1 行" in result.stdout and "工作表「模板」：表格只有表头、没有任务或指标行，已跳过" in result.stdout

def test_duplicated_tasks_do_not_share_yaml_anchors():
    from .conftest import SHIPPED_WS

    text = (SHIPPED_WS / "plan.yaml").read_text(encoding="utf-8")
    assert "&id" not in text and "*id" not in text
