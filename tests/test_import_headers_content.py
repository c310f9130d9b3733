"""Tables recognised whatever their header (issue 14 item 8): role keywords after the exact spellings,
two-row headers, a year-prefixed target column that names the indicator, tables placed by content,
and the clerk's own mapping (--map, columns.yaml). Real Fuling tables and hand-written ones."""

from __future__ import annotations

import openpyxl
import pytest
import yaml

from engine.importing.columns import parse_column_map, split_named_target
from engine.importing.headers import find_header, header_field
from engine.importing.rows import table_records
from engine.importing.csv_xlsx import read_tables

from .conftest import FULING, run_cli

REAL_TABLES = ["fuling_2022_indicators.xlsx", "fuling_2023_plan_indicators.xlsx", "fuling_2023_plan_indicators.docx",
               "fuling_2023_plan_targets.xlsx", "fuling_2023_plan_tasks.xlsx", "fuling_2023q3_indicators.xlsx",
               "fuling_2023q3_tasks.xlsx", "fuling_2023q3_report.docx", "fuling_2023_plan.docx"]


class _Rows:
    def __init__(self, rows):
        self.rows = rows

    def ref(self, index):
        return f"第{index + 1}行"


def _records(rows, title=None):
    header = find_header(rows, title=title)
    assert header is not None, rows[:3]
    return header, table_records(_Rows(rows), header)[0]


# ---------------------------------------------------------------- real Fuling tables

@pytest.mark.parametrize("name", REAL_TABLES)
def test_every_real_fuling_table_is_recognised_as_before(name):
    for table in read_tables(FULING / name):
        header = find_header(table.rows, title=table.title)
        assert header is not None, f"{name} {table.location}"
        assert header.how == "表头"  # the exact spellings decide; the content pass never re-reads a table they placed
        records, _ = table_records(table, header)
        assert records


def test_real_indicator_tables_keep_name_target_and_actual_columns():
    (table,) = read_tables(FULING / "fuling_2022_indicators.xlsx")
    header, records = _records(table.rows)
    assert header.columns == {"seq": 0, "name": 1, "annual_target": 2, "progress": 3} and header.table_kind == "indicators"
    assert len(records) == 38
    # the bare actual takes the unit the name carries in its bracket (the statuses of all 38 are as before)
    assert (records[0].name, records[0].annual_target, records[0].progress) == ("地区生产总值增速（%）", "6.5", "2.6%")
    (plan,) = read_tables(FULING / "fuling_2023_plan_indicators.docx")
    header, records = _records(plan.rows, plan.title)
    assert header.columns == {"seq": 0, "name": 1, "annual_target": 2} and len(records) == 38


def test_real_fuling_targets_under_a_year_prefixed_column_are_split_into_name_and_target():
    # Fuling's own 2023 main targets (plan 表1), laid out as the other district's table was: one
    # "2023年预期目标" column that names each indicator, a progress column, no 指标名称 column
    (targets,) = read_tables(FULING / "fuling_2023_plan_targets.xlsx")
    texts = [r[0] for r in targets.rows[1:] if r[0].strip()]
    rows = [["序号", "2023年预期目标", "前三季度完成情况", "牵头责任单位"]]
    rows += [[str(i), text, "", "区发展改革委"] for i, text in enumerate(texts, start=1)]
    header, records = _records(rows)
    assert header.table_kind == "indicators" and header.name_holds_target and header.how == "按内容"
    by_name = {r.name: r.annual_target for r in records}
    assert by_name["地区生产总值"] == "增长6.5%"
    assert by_name["规上工业增加值"] == "增长8.5%"
    assert len(records) == len(texts)


# ---------------------------------------------------------------- header spellings

def test_unseen_spellings_are_matched_by_their_role():  # hand-written
    assert header_field("分管县领导") == "leaders"
    assert header_field("县领导") == "leaders"
    assert header_field("责任区领导") == "leaders"
    assert header_field("协办单位（部门）") == "coop_units"
    assert header_field("责任单位（配合）") == "coop_units"
    assert header_field("主办部门") == "lead_units"
    assert header_field("1-5月完成情况") == "progress"
    assert header_field("上半年进展") == "progress"
    assert header_field("截至11月底完成情况") == "progress"
    assert header_field("2024年1-6月完成") == "progress"
    assert header_field("2025年目标") == "annual_target"
    assert header_field("2025年计划") == "annual_target"
    assert header_field("全年目标值") == "annual_target"
    assert header_field("重点工作") == "text"
    assert header_field("工作事项") == "text"
    assert header_field("指标类别") == "category"


def test_deadline_and_unit_columns_are_not_taken_for_progress_or_names():  # hand-written
    assert header_field("完成时限") == "deadline" and header_field("时间节点") == "deadline"  # read, never progress
    assert header_field("完成期限") == "deadline" and header_field("计划完成时间") == "deadline"
    assert header_field("计量单位") == "unit" and header_field("单位") == "unit"  # of measure, never 责任单位
    assert header_field("推进状态") is None and header_field("是否依时序推进") is None
    assert header_field("指标属性") is None
    assert header_field("这是一句很长的说明文字而不是表头它超过了二十个字的长度") is None


def test_split_named_target_on_other_phrasings():  # hand-written
    assert split_named_target("地区生产总值增长6%左右") == ("地区生产总值", "增长6%左右")
    assert split_named_target("城镇调查失业率控制在5.5%以内") == ("城镇调查失业率", "控制在5.5%以内")
    assert split_named_target("3. 粮食产量稳定在14万吨以上；") == ("粮食产量", "稳定在14万吨以上")
    assert split_named_target("5G基站新建500个") == ("5G基站", "新建500个")
    assert split_named_target("研发投入强度达到2.5%") == ("研发投入强度", "达到2.5%")
    # no name before the figure, or no figure: the cell is its own name and target
    assert split_named_target("增长6.5%") == ("增长6.5%", "增长6.5%")
    assert split_named_target("6.5") == ("6.5", "6.5")
    assert split_named_target("居民收入增长与经济增长同步") == ("居民收入增长与经济增长同步", "居民收入增长与经济增长同步")


# ---------------------------------------------------------------- hand-written tables, imported end to end

def _xlsx(path, rows, merges=()):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表1"
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)
    return path


def _import_county(tmp_path, rows, merges=()):
    """A hand-written 某县 1-6月 sheet imported into tmp_path/ws, as a clerk would."""
    path = _xlsx(tmp_path / "t.xlsx", rows, merges)
    proc = run_cli("import", path, "--into", tmp_path / "ws", "--region", "某县", "--year", "2024", "--period", "2024-06")
    assert proc.returncode == 0, proc.stderr


HAND_WRITTEN = {  # hand-written: other offices' layouts, none of them Fuling's
    "year_named_indicators": dict(rows=[
        ["序号", "2024年预期目标", "1-6月完成情况", "责任单位"],
        ["1", "地区生产总值增长6%左右", "上半年地区生产总值同比增长5.8%", "县发展改革委"],
        ["2", "城镇调查失业率控制在5.5%以内", "6月末城镇调查失业率5.1%", "县人力社保局"],
        ["3", "一般公共预算收入增长5%以上", "1-6月一般公共预算收入增长3.2%", "县财政局"]],
        period="2024-06", kind="indicators", n=3),
    "two_row_header": dict(rows=[
        ["指标名称", "2024年", "2024年"],
        ["指标名称", "目标", "1-6月完成"],
        ["规上工业增加值增速（%）", "8", "7.1"],
        ["社会消费品零售总额增速（%）", "6", "6.4"]],
        merges=("B1:C1", "A1:A2"), period="2024-06", kind="indicators", n=2),
    "district_leader_column": dict(rows=[
        ["工作任务", "责任区领导", "牵头单位", "配合单位", "截至11月底完成情况"],
        ["新建5G基站500个", "王  五", "区经济信息委", "各镇街", "已建成430个"],
        ["改造老旧小区20个", "赵六", "区住房城乡建委", "", "已完工14个，其余正在施工"]],
        period="2024-11", kind="tasks", n=2),
    "no_seq_separate_full_year_target": dict(rows=[
        ["重点工作", "全年目标", "分管县领导", "上半年进展"],
        ["推进农村公路建设", "新改建农村公路120公里", "李四", "完成新改建65公里"],
        ["推动乡村旅游发展", "接待游客300万人次", "张三", "接待游客128万人次"]],
        period="2024-06", kind="tasks", n=2),
    "plan_without_progress_2025": dict(rows=[
        ["编号", "2025年计划", "牵头部门"],
        ["一", "地区生产总值增长6%", "县发展改革委"],
        ["二", "固定资产投资增长8%", "县发展改革委"]],
        period=None, kind="indicators", n=2),
}


@pytest.mark.parametrize("case", sorted(HAND_WRITTEN))
def test_hand_written_tables_are_all_imported(tmp_path, case):  # hand-written
    spec = HAND_WRITTEN[case]
    path = _xlsx(tmp_path / f"{case}.xlsx", spec["rows"], spec.get("merges", ()))
    year = (spec["period"] or "2025")[:4]
    args = [path, "--into", tmp_path / "ws", "--region", "某县", "--year", year]
    if spec["period"]:
        args += ["--period", spec["period"]]
    result = run_cli("import", *args)
    assert result.returncode == 0, result.stderr
    assert "未找到可识别的表头" not in result.stdout + result.stderr
    plan = yaml.safe_load((tmp_path / "ws" / "plan.yaml").read_text(encoding="utf-8"))
    items = plan[spec["kind"]] or []
    assert len(items) == spec["n"]
    assert all(item["targets"] for item in items)
    if spec["period"]:
        progress = yaml.safe_load((tmp_path / "ws" / "progress" / f"{spec['period']}.yaml").read_text(encoding="utf-8"))
        assert len(progress["entries"]) == spec["n"]


def test_year_named_indicators_are_judged_against_their_own_targets(tmp_path):  # hand-written
    spec = HAND_WRITTEN["year_named_indicators"]
    _import_county(tmp_path, spec["rows"])
    plan = yaml.safe_load((tmp_path / "ws" / "plan.yaml").read_text(encoding="utf-8"))
    gdp = plan["indicators"][0]
    assert gdp["name"] == "地区生产总值" and gdp["annual_target_text"] == "增长6%左右"
    assert gdp["targets"][0]["quantity"] == 6 and gdp["targets"][0]["direction"] == "左右"


def test_separate_full_year_column_supplies_the_task_target(tmp_path):  # hand-written
    spec = HAND_WRITTEN["no_seq_separate_full_year_target"]
    _import_county(tmp_path, spec["rows"])
    plan = yaml.safe_load((tmp_path / "ws" / "plan.yaml").read_text(encoding="utf-8"))
    road = plan["tasks"][0]
    assert road["text"] == "推进农村公路建设" and road["annual_target_text"] == "新改建农村公路120公里"
    assert road["targets"][0]["quantity"] == 120 and road["targets"][0]["unit"] == "公里"
    assert road["leaders"] == ["李四"]


# ---------------------------------------------------------------- skipped tables and the clerk's mapping

ODD = [["项", "县领导", "1-5月完成情况"], ["地区生产总值", "张三", "增长5%"], ["工业", "李四", "增长7%"]]  # hand-written


def test_a_skipped_table_names_its_headers_what_is_missing_and_the_fix(tmp_path):
    path = _xlsx(tmp_path / "odd.xlsx", ODD)
    result = run_cli("import", path, "--into", tmp_path / "ws", "--region", "某县", "--year", "2024", "--period", "2024-05")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "「项」、「县领导」、「1-5月完成情况」" in result.stderr
    assert "仍缺：任务或指标文字列" in result.stderr
    assert "--map 项=" in result.stderr and "columns.yaml" in result.stderr


def test_map_on_the_command_line_fixes_it(tmp_path):
    path = _xlsx(tmp_path / "odd.xlsx", ODD)
    result = run_cli("import", path, "--into", tmp_path / "ws", "--region", "某县", "--year", "2024", "--period", "2024-05",
                     "--map", "项=指标名称")
    assert result.returncode == 0, result.stderr
    plan = yaml.safe_load((tmp_path / "ws" / "plan.yaml").read_text(encoding="utf-8"))
    assert [i["name"] for i in plan["indicators"]] == ["地区生产总值", "工业"]
    assert plan["indicators"][0]["leaders"] == ["张三"]


def test_columns_yaml_in_the_workspace_fixes_it(tmp_path):
    path = _xlsx(tmp_path / "odd.xlsx", ODD)
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "columns.yaml").write_text("columns:\n  项: text\n", encoding="utf-8")
    result = run_cli("import", path, "--into", ws, "--region", "某县", "--year", "2024", "--period", "2024-05")
    assert result.returncode == 0, result.stderr
    plan = yaml.safe_load((ws / "plan.yaml").read_text(encoding="utf-8"))
    assert [t["text"] for t in plan["tasks"]] == ["地区生产总值", "工业"]


def test_map_can_say_a_column_holds_name_and_target():  # hand-written
    rows = [["项目", "说明"], ["粮食产量稳定在14万吨以上", "x"], ["森林覆盖率达到55%", "y"]]
    header = find_header(rows, overrides=parse_column_map(["项目=指标及目标", "说明=忽略"]))
    records = table_records(_Rows(rows), header)[0]
    assert header.table_kind == "indicators"
    assert [(r.name, r.annual_target) for r in records] == [("粮食产量", "稳定在14万吨以上"), ("森林覆盖率", "达到55%")]


def test_a_bad_mapping_is_a_clear_error(tmp_path):
    path = _xlsx(tmp_path / "odd.xlsx", ODD)
    result = run_cli("import", path, "--into", tmp_path / "ws", "--region", "某县", "--year", "2024", "--map", "项=不知道")
    assert result.returncode == 2 and "列名映射「项=不知道」无法识别" in result.stderr and "Traceback" not in result.stderr
    ws = tmp_path / "ws2"
    ws.mkdir()
    (ws / "columns.yaml").write_text("columns: [项]\n", encoding="utf-8")
    result = run_cli("import", path, "--into", ws, "--region", "某县", "--year", "2024")
    assert result.returncode == 2 and "columns.yaml" in result.stderr and "Traceback" not in result.stderr


def test_docx_annex_title_places_an_indicator_table_its_headers_cannot(tmp_path):  # hand-written
    import docx

    document = docx.Document()
    annexes = (
        ("附件1", "2024年1-11月经济社会发展主要指标完成情况", [
            ["项", "1-11月完成情况", "责任单位"],
            ["全体居民人均可支配收入增长与经济增长基本同步", "1-11月全体居民人均可支配收入增长5.9%", "县统计局"],
            ["单位地区生产总值能耗下降完成市下达任务", "预计能够完成全年目标", "县发展改革委"]]),
        ("附件2", "1-11月重点工作推进情况", [
            ["事项", "1-11月进展", "县领导"],
            ["新建乡镇污水处理厂3座", "已建成2座，1座主体完工", "孙七"]]),
    )
    for annex, title, body in annexes:
        document.add_paragraph(annex)
        document.add_paragraph(title)
        table = document.add_table(rows=len(body), cols=len(body[0]))
        for r, row in enumerate(body):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    path = tmp_path / "report.docx"
    document.save(path)
    result = run_cli("import", path, "--into", tmp_path / "ws", "--region", "某县", "--year", "2024", "--period", "2024-11")
    assert result.returncode == 0, result.stderr
    assert "未找到可识别的表头" not in result.stdout
    assert "附件1（按内容识别列）：指标 2 行" in result.stdout
    plan = yaml.safe_load((tmp_path / "ws" / "plan.yaml").read_text(encoding="utf-8"))
    assert [i["name"] for i in plan["indicators"]][0].startswith("全体居民人均可支配收入")
    assert [t["text"] for t in plan["tasks"]] == ["新建乡镇污水处理厂3座"] and plan["tasks"][0]["leaders"] == ["孙七"]


# ---------------------------------------------------------------- bare figures under a year or period column

def test_real_2022_indicator_table_of_bare_figures_is_judged(tmp_path):
    # Fuling's 2022 plan execution table: 指标名称 | 2022年预期目标 | 2022年完成情况, figures only, the unit in the name
    ws, out = tmp_path / "ws", tmp_path / "out"
    imported = run_cli("import", FULING / "fuling_2022_indicators.xlsx", "--into", ws, "--region", "涪陵区", "--year", "2022",
                       "--period", "2022-12")
    assert imported.returncode == 0, imported.stderr
    checked = run_cli("check", ws, "--period", "2022-12", "--out", out, "--format", "json")
    assert checked.returncode == 0, checked.stderr
    import json

    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    by_name = {i["name"]: i for i in result["indicators"]}
    gdp = by_name["地区生产总值增速（%）"]
    assert gdp["status"] == "不达预期" and gdp["metrics"]["growth_actual"] == 2.6
    assert by_name["建筑业增加值增速（%）"]["status"] == "符合预期"  # 4.4 against 1
    assert by_name["新增城镇就业（万人）"]["status"] == "符合预期"  # 2.7 against 2
    assert by_name["粮食产量（万吨）*"]["status"] == "符合预期"  # the * of a binding indicator does not hide the unit
    judged = [i for i in result["indicators"] if i["status"] != "待核实"]
    assert len(judged) >= 28  # of 38: the rest are forecasts (预计…), words, or sub-rows (#…) with no figure
    progress = yaml.safe_load((ws / "progress" / "2022-12.yaml").read_text(encoding="utf-8"))
    for entry in progress["entries"].values():  # each quote is still the cell's own text
        for measure in entry.get("measures") or []:
            assert entry["text"][measure["span"][0]:measure["span"][1]] == measure["quote"]


def test_two_row_header_bare_figures_are_judged(tmp_path):  # hand-written
    spec = HAND_WRITTEN["two_row_header"]
    _import_county(tmp_path, spec["rows"], spec["merges"])
    checked = run_cli("check", tmp_path / "ws", "--period", "2024-06", "--out", tmp_path / "out", "--format", "json")
    assert checked.returncode == 0, checked.stderr
    import json

    result = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    assert [(i["metrics"].get("growth_actual"), i["status"]) for i in result["indicators"]] == [(7.1, "符合预期"), (6.4, "符合预期")]


def test_a_unit_column_gives_bare_figures_their_unit(tmp_path):  # hand-written
    rows = [["序号", "指标名称", "单位", "2024年目标", "1-6月完成", "责任单位"],
            ["1", "地区生产总值增速", "%", "6", "5.8", "县发展改革委"],
            ["2", "新增城镇就业", "万人", "1.2", "0.7", "县人力社保局"]]
    _import_county(tmp_path, rows)
    checked = run_cli("check", tmp_path / "ws", "--period", "2024-06", "--out", tmp_path / "out", "--format", "json")
    assert checked.returncode == 0, checked.stderr
    import json

    result = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    gdp, jobs = result["indicators"]
    assert gdp["name"] == "地区生产总值增速（%）" and gdp["metrics"]["growth_actual"] == 5.8 and gdp["status"] == "符合预期"
    assert jobs["lead_units"] == ["县人力社保局"] and jobs["targets"][0]["unit"] == "万人" and jobs["status"] != "待核实"
