"""A district the product has never seen, end to end — hand-written, deliberately unlike Fuling.

某县's mid-year (1-6月) report as its clerk would hand it over: one .xlsx with a task sheet headed
工作目标 / 责任县领导 / 牵头单位 / 配合单位 / 上半年推进情况 (no 序号 spelled 序号 but 编号), vertically merged
leader cells, and an indicator sheet whose only target column is headed by the year and names the indicator
(`2024年预期目标`: 地区生产总值增长6%左右). Progress is written the way many offices write it: stated gaps
(低于目标4.8个百分点), completion shares (完成年度目标的58.8%), completion words without a number (已竣工并投入使用),
the office's own verdict words (进度较为滞后, 与全年目标有较大差距), an approved postponement (暂缓实施).
Every text here is hand-written; the official calls are what a supervision office would write for them.
Run through the README's import and `duban eval`, with the targets other districts are measured by:
recall of officially lagging 100%, officially-normal flagged ≤ 10%, 待核实 ≤ 10%, no table skipped."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli

from .district import import_and_eval

openpyxl = pytest.importorskip("openpyxl")

# (工作目标, 上半年推进情况, official call)
TASKS = [
    ("新建5G基站300个。", "1-6月，已建成5G基站90个。", "滞后"),
    ("完成老旧小区改造12个。", "截至6月底，已完工5个，正在施工4个，其余3个处于招标阶段。", "正常"),
    ("建成县人民医院新院区。", "新院区主体工程已竣工，6月已投入使用。", "正常"),
    ("开工建设城北污水处理厂。", "受征地拆迁影响，项目尚未开工，进度较为滞后。", "滞后"),
    ("规上工业增加值增长8%。", "上半年，规上工业增加值同比增长3.2%，低于目标4.8个百分点。", "滞后"),
    ("社会消费品零售总额增长7%。", "1-6月，社会消费品零售总额同比增长7.5%。", "正常"),
    ("新增城镇就业4000人。", "上半年新增城镇就业2350人，完成年度目标的58.8%。", "正常"),
    ("实施农村公路提档升级80公里。", "已完成提档升级26公里，完成全年任务的32.5%。", "滞后"),
    ("创建国家卫生县城。", "已通过省级初审，正在迎接国家暗访，各项迎检工作有序推进。", "正常"),
    ("推进智慧城市建设。", "完成智慧城市一期平台搭建，二期实施方案已编制完成。", "正常"),
    ("完成义务教育学校校舍改造3所。", "3所学校校舍改造工程均已完工并投入使用。", "正常"),
    ("新增高标准农田2万亩。", "已完成高标准农田建设1.2万亩。", "正常"),
    ("引进亿元以上项目20个。", "上半年引进亿元以上项目6个，与全年目标有较大差距。", "滞后"),
    ("改造农村危房150户。", "截至6月底，已开工改造120户，其中竣工90户。", "正常"),
    ("完成造林绿化1.5万亩。", "已完成植树造林0.3万亩，春季造林任务未完成，进度滞后。", "滞后"),
    ("全面完成第三次土壤普查外业调查。", "外业调查已全面完成，正在开展内业分析。", "正常"),
    ("新建农贸市场2个。", "1个已建成投用，另1个主体施工中。", "正常"),
    ("固定资产投资增长10%。", "1-6月，全县固定资产投资同比下降2.1%。", "滞后"),
    ("开展“放管服”改革，优化营商环境。", "政务服务事项网上可办率达到98%，企业开办时间压缩至1个工作日。", "正常"),
    ("新建城市停车位1000个。", "已新建停车位620个。", "正常"),
]
POSTPONED = ("建设公共充电桩500个。", "根据县政府工作安排，该项目暂缓实施。")
INDICATORS = [  # (2024年预期目标 — the cell names the indicator, 1-6月完成情况)
    ("地区生产总值增长6%左右", "上半年，地区生产总值同比增长6.2%"),
    ("规模以上工业增加值增长8%以上", "1-6月，规上工业增加值同比增长3.2%"),
    ("一般公共预算收入增长5%", "完成一般公共预算收入8.2亿元，同比增长6.3%"),
    ("城镇调查失业率控制在5.5%以内", "城镇调查失业率为5.1%"),
]
LEADERS = ["王副县长", "李副县长", "赵副县长", "陈副县长"]
UNITS = ["县发展改革委", "县住房城乡建委", "县卫生健康委", "县经济信息委", "县商务委", "县人力社保局", "县交通局",
         "县农业农村委", "县教委", "县林业局"]


def _workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点任务"
    ws.append(["某县2024年政府工作报告重点任务上半年推进情况"])
    ws.append(["编号", "工作目标", "责任县领导", "牵头单位", "配合单位", "上半年推进情况"])
    rows = TASKS + [(*POSTPONED, None)]
    for n, (task, progress, _) in enumerate(rows, start=1):
        ws.append([n, task, LEADERS[(n - 1) // 6], UNITS[(n - 1) % len(UNITS)], "县财政局、县统计局", progress])
    for block in range(0, len(rows), 6):  # one leader per block of six tasks: vertically merged, as offices lay them out
        first = 3 + block
        last = min(first + 5, 2 + len(rows))
        if last > first:
            ws.merge_cells(start_row=first, start_column=3, end_row=last, end_column=3)
    ind = wb.create_sheet("主要指标")
    ind.append(["经济社会发展主要预期目标完成情况"])
    ind.append(["序号", "2024年预期目标", "1-6月完成情况", "责任单位"])
    for n, (target, progress) in enumerate(INDICATORS, start=1):
        ind.append([n, target, progress, "县统计局"])
    wb.save(path)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("county")
    book = root / "某县上半年推进情况.xlsx"
    _workbook(book)
    imported, ev, ws, out = import_and_eval(root, book, [official for *_, official in TASKS],
                                            region="某县", year="2024", period="2024-06")
    result = json.loads((out / "result.json").read_text(encoding="utf-8")) if (out / "result.json").exists() else None
    return imported, ev, result, ws


def test_no_table_is_skipped_and_merged_leaders_reach_every_task(county):
    imported, _, _, ws = county
    assert "跳过" not in imported.stdout + imported.stderr, imported.stdout
    plan = (ws / "plan.yaml").read_text(encoding="utf-8")
    assert plan.count("王副县长") == 6 and plan.count("陈副县长") == 3
    for target, _ in INDICATORS:
        assert target.split("增长")[0].split("控制")[0] in plan, target


def test_every_officially_lagging_task_is_found(county):
    _, ev, _, _ = county
    assert ev["recall"]["missed"] == [], ev["recall"]["missed"]
    assert ev["recall"]["found"] == ev["recall"]["of"] == sum(1 for *_, o in TASKS if o == "滞后")


def test_few_officially_normal_tasks_are_flagged(county):
    _, ev, _, _ = county
    assert ev["normal_flagged"]["count"] <= 0.10 * ev["normal_flagged"]["of"], ev["normal_flagged"]["items"]


def test_few_tasks_left_unsure(county):
    _, ev, _, _ = county
    unsure = ev["unsure"]
    assert unsure["count"] <= 0.10 * unsure["of"], unsure


def test_indicators_are_all_judged(county, tmp_path):
    _, _, _, ws = county
    proc = run_cli("check", ws, "--period", "2024-06", "--out", tmp_path / "o", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "o" / "result.json").read_text(encoding="utf-8"))
    statuses = {i["name"]: i["status"] for i in result["indicators"]}
    assert len(statuses) == len(INDICATORS), statuses
    assert "待核实" not in statuses.values(), statuses
    assert [s for n, s in statuses.items() if "工业" in n] == ["不达预期"], statuses
    postponed = [t for t in result["tasks"] if t["text"] == POSTPONED[0]]
    assert postponed and postponed[0]["status"] not in ("正常", "滞后", "严重滞后", "待核实"), postponed


def test_words_decide_where_they_are_plain_and_never_over_a_partial_count(county, tmp_path):
    _, _, _, ws = county
    proc = run_cli("check", ws, "--period", "2024-06", "--out", tmp_path / "o", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    tasks = {t["text"]: t for t in json.loads((tmp_path / "o" / "result.json").read_text(encoding="utf-8"))["tasks"]}
    assert tasks["建成县人民医院新院区。"]["status"] == "已完成"  # 已竣工，已投入使用: no number needed
    assert tasks["完成义务教育学校校舍改造3所。"]["status"] == "已完成"
    assert tasks["新建农贸市场2个。"]["status"] != "已完成"  # 1个已建成投用，另1个主体施工中
    for text in ("开工建设城北污水处理厂。", "引进亿元以上项目20个。", "完成造林绿化1.5万亩。"):
        reason = tasks[text]["status_reason"]
        assert "、" not in reason.split("「", 1)[1][:2] and "滞后" in tasks[text]["status"], reason  # the report's own clause is quoted
