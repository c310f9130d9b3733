"""A fourth district the product has never seen — hand-written, unlike Fuling and unlike the other three.

某区's 1-9月 (前三季度) Excel workbook for 2025. The task sheet has a title row, a two-row header whose 责任分工 cell
spans 牵头领导 | 牵头单位 | 配合单位, section rows (一、扩大有效投资) between the tasks, and one column for both
存在问题及下步打算 — the problems read, the plans after 下步 cut off. The indicator sheet gives a ceiling as 5.5以内
under 城镇调查失业率 | % and bare figures in their own cells. Phrasing: 已竣工验收，9月正式开诊; 超额完成年度任务;
已建成4个，6个在建，2个尚未开工; 认定结果年底公布; 项目进展缓慢，仅完成土建工程的30%. Every text is hand-written; the
official calls are what a supervision office would write. Run through import and `duban eval`."""

from __future__ import annotations

import pytest

from .district import check_result, import_and_eval

openpyxl = pytest.importorskip("openpyxl")

# (重点任务, 牵头领导, 牵头单位, 配合单位, 1-9月工作进展, 存在问题及下步打算, official call)
TASKS = [
    # (任务, 牵头领导, 牵头单位, 配合单位, 1-9月工作进展, 存在问题及下步打算, official)
    ("建成区中医院迁建项目。", "张副区长", "区卫健委", "区住建委", "项目已竣工验收，9月正式开诊。", "无", "正常"),
    ("完成城市更新片区改造8个。", "张副区长", "区住建委", "各街道", "已完成改造5个，其余3个已进场施工。", "加快施工进度", "正常"),
    ("新建改造城市燃气管网60公里。", "刘副区长", "区城管局", "", "累计完成管网改造28公里。", "部分路段协调难度大，进度偏慢", "滞后"),
    ("实现地区生产总值增长6%以上。", "区长", "区发改委", "区统计局", "前三季度地区生产总值同比增长4.2%。", "工业增速放缓", "滞后"),
    ("建设标准化厂房50万平方米。", "刘副区长", "区经信局", "园区管委会", "已建成厂房41万平方米，在建9万平方米。", "", "正常"),
    ("开工建设轨道交通接驳线。", "陈副区长", "区交通局", "", "正在进行施工图设计，尚未开工。", "用地手续未办结", "滞后"),
    ("完成植树造林1.2万亩。", "陈副区长", "区林业局", "各镇", "已完成造林1.25万亩，超额完成年度任务。", "", "正常"),
    ("引进市场主体总部企业10家。", "区长", "区商务局", "", "已引进总部企业4家，另有3家正在洽谈。", "招引难度加大", "滞后"),
    ("推进污水处理厂三期扩建。", "刘副区长", "区水务局", "", "项目进展缓慢，仅完成土建工程的30%。", "资金未到位", "滞后"),
    ("完成农村危房改造300户。", "陈副区长", "区住建委", "各镇", "已完成危房改造236户，完成率78.7%。", "", "正常"),
    ("建成智慧停车平台。", "张副区长", "区大数据局", "区公安分局", "平台已上线试运行，接入车位1.2万个。", "", "正常"),
    ("新增高新技术企业40家。", "区长", "区科技局", "", "已认定高新技术企业12家，申报材料已报送28家，认定结果年底公布。", "", "正常"),
    ("完成全区第四次文物普查。", "陈副区长", "区文旅委", "", "工作尚未启动。", "经费未落实", "滞后"),
    ("完成河道清淤疏浚20公里。", "刘副区长", "区水务局", "各镇", "累计完成清淤11公里。", "汛期影响施工", "滞后"),
    ("举办大型招商推介活动6场。", "区长", "区商务局", "", "已成功举办招商推介活动5场。", "", "正常"),
    ("建成区体育中心。", "张副区长", "区体育局", "", "主体结构已封顶，正在进行内部装修。", "", "正常"),
    ("完成养老服务中心建设12个。", "陈副区长", "区民政局", "", "已建成4个，6个在建，2个尚未开工。", "", "滞后"),
    ("社会消费品零售总额增长7%。", "区长", "区商务局", "", "1-9月社会消费品零售总额同比增长7.4%。", "", "正常"),
]
INDICATORS = [
    # 指标名称, 单位, 2025年目标, 1-9月实绩, 同比增长(%), expected
    ("规模以上工业增加值", "%", "7", "", "3.5", "不达预期"),
    ("固定资产投资", "%", "8", "", "8.6", "符合预期"),
    ("一般公共预算收入", "亿元", "45", "35.2", "5.1", "符合时间节点要求"),
    ("实际利用外资", "万美元", "5000", "2100", "", "不达预期"),
    ("城镇调查失业率", "%", "5.5以内", "5.1", "", "符合预期"),
]



def _workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点任务"
    ws.append(["某区2025年政府工作报告重点任务1-9月推进情况"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "重点任务", "责任分工", None, None, "1-9月工作进展", "存在问题及下步打算"])
    ws.append([None, None, "牵头领导", "牵头单位", "配合单位", None, None])
    for col in "ABFG":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("C2:E2")
    ws.append(["一、扩大有效投资"])
    n = 0
    for i, (task, leader, lead, co, progress, problem, _) in enumerate(TASKS):
        if i == 9:
            ws.append(["二、保障改善民生"])
        n += 1
        ws.append([n, task, leader, lead, co, progress, problem])
    ws2 = wb.create_sheet("主要指标")
    ws2.append(["指标名称", "单位", "2025年目标", "1-9月实绩", "同比增长(%)", "责任单位"])
    for name, unit, target, done, growth, _ in INDICATORS:
        ws2.append([name, unit, target, done, growth, "区统计局"])
    wb.save(path)



@pytest.fixture(scope="module")
def district(tmp_path_factory):
    root = tmp_path_factory.mktemp("quarterly")
    book = root / "某区前三季度推进情况.xlsx"
    _workbook(book)
    imported, ev, ws, _ = import_and_eval(root, book, [official for *_, official in TASKS],
                                          region="某区", year="2025", period="2025-09")
    return imported, ev, check_result(ws, "2025-09", root / "check")


def test_every_column_is_read_and_the_plans_are_said_to_be_left_out(district):
    imported, _, result = district
    said = imported.stdout + imported.stderr
    assert "无法识别" not in said and "跳过" not in said, said
    assert "「存在问题及下步打算」只导入存在问题" in said
    by_seq = {t["seq"]: t for t in result["tasks"]}
    assert by_seq["3"]["progress_text"].endswith("存在问题：部分路段协调难度大，进度偏慢")
    assert by_seq["3"]["lead_units"] == ["区城管局"] and by_seq["1"]["coop_units"] == ["区住建委"]
    assert by_seq["10"]["category"].startswith("二、保障改善民生")


def test_every_officially_lagging_task_is_found(district):
    _, ev, _ = district
    assert ev["recall"]["missed"] == [], ev["recall"]["missed"]
    assert ev["recall"]["found"] == ev["recall"]["of"] == sum(1 for *_, o in TASKS if o == "滞后")


def test_no_officially_normal_task_is_flagged(district):
    _, ev, _ = district
    assert ev["normal_flagged"]["items"] == [], ev["normal_flagged"]


def test_no_task_is_left_unsure(district):
    _, ev, _ = district
    assert ev["unsure"]["count"] == 0, ev["unsure"]


def test_a_year_end_batch_is_not_compared_with_time_progress(district):
    """序号12: 12 of 40 recognised by September is 30 %, far under 75 %, but 认定结果年底公布 — R-ST-08."""
    _, _, result = district
    twelve = next(t for t in result["tasks"] if t["seq"] == "12")
    assert twelve["status"] == "正常" and {f["rule"] for f in twelve["findings"]} == {"R-ST-08"}


def test_indicators_with_a_ceiling_and_bare_figures_are_all_judged(district):
    _, _, result = district
    judged = {i["name"].split("（")[0]: i["status"] for i in result["indicators"]}
    assert judged == {name: expected for name, *_, expected in INDICATORS}
