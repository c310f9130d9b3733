"""Targets, target ↔ measure matching, periods, stages and flags on whole texts."""

from __future__ import annotations

import pytest
import yaml

from engine.extract import match_targets, read_progress, read_targets


def run(task, progress, period="2023-09"):
    targets = read_targets(task)
    reading = read_progress(progress, period)
    return targets, reading, match_targets(targets, reading, period)


def test_demolition_is_not_rectification():
    _, r, ms = run("拆除150万平方米违法建筑", "1-9月，已拆除违法建筑56万平方米（已整治违法建筑231.45万平方米）")
    assert ms[0]["actual"] == 56.0 and ms[0]["ratio"] == pytest.approx(0.3733, abs=1e-4)
    assert "拆除" in ms[0]["reason"]
    _, _, ms = run("拆除违法建筑150万平方米", "已整治违法建筑231.45万平方米")
    assert ms[0]["measure"] is None and "整治" in ms[0]["reason"]


def test_unit_conversion_persons():
    _, _, ms = run("确保城镇新增就业2万人", "前三季度，全区城镇新增就业18591人，占年度目标的93%")
    assert ms[0]["actual"] == pytest.approx(1.8591) and ms[0]["ratio"] == pytest.approx(0.93, abs=0.005)


def test_area_conversion_hectares_to_mu():
    _, _, ms = run("完成国土绿化造林1.2万亩。", "前三季度，完成造林560公顷，其中人工造林320公顷、封山育林240公顷。")
    assert ms[0]["actual"] == pytest.approx(0.84, abs=1e-3) and ms[0]["ratio"] == pytest.approx(0.7, abs=5e-3)


def test_several_targets_matched_one_by_one():
    ts, _, ms = run("力争引育20个创新团队、200名创新人才。", "引育创新团队19个、创新人才205名。")
    assert [t["quantity"] for t in ts] == [20.0, 200.0]
    assert [m["actual"] for m in ms] == [19.0, 205.0]


def test_itemised_progress():
    task = "新增规上工业企业20家，培育市级专精特新企业15家。"
    prog = "一是前三季度新增规上工业企业19家，另有8家正在申报入库；二是新培育市级专精特新企业17家，超额完成年度目标。"
    _, r, ms = run(task, prog)
    assert [m["actual"] for m in ms] == [19.0, 17.0]
    assert "超过目标" in {f["name"] for f in r["flags"]}


def test_count_out_of_list():
    _, _, ms = run("建成城市更新项目15个。", "15个城市更新项目中，已建成3个，在建9个，其余3个已完成可研批复。")
    assert ms[0]["actual"] == 3.0 and ms[0]["ratio"] == 0.2


def test_wrong_stage_verb_not_progress():
    _, _, ms = run("建成充电站10座。", "已开工充电站8座。")
    assert ms[0]["measure"] is None


def test_forecast_not_actual():
    _, _, ms = run("接待游客1200万人次。", "1-9月，接待游客865万人次，预计全年可达1250万人次，预计能够完成年度目标。")
    assert ms[0]["actual"] == 865.0


def test_cumulative_stock_not_actual():
    _, _, ms = run("新增5G基站800个。", "截至9月底，全区累计建成5G基站3,450个，其中今年新建612个。")
    assert ms[0]["actual"] == 612.0


def test_growth_targets_respectively():
    ts, _, ms = run("接待游客人次、旅游综合收入分别增长15%",
                    "前三季度，全区接待游客2617.35万人次，实现旅游综合收入235.8亿元，分别同比增长19.1%、16.24%")
    assert len(ts) == 2 and [m["growth"] for m in ms] == [19.1, 16.24]


def test_component_growth_not_taken():
    _, _, ms = run("固定资产投资增长10%。", "前三季度，全区固定资产投资346.8亿元，同比增长0.2%。房地产投资仅完成55.2亿元，同比下降29.1%。")
    assert ms[0]["growth"] == 0.2


def test_ratio_target_level():
    _, _, ms = run("力争行政村管道天然气覆盖率达100%。", "目前行政村管道天然气覆盖率已达90%。")
    assert ms[0]["ratio"] == 0.9


def test_upper_bound_target_has_no_ratio():
    ts, _, ms = run("城镇调查失业率控制在5.5%以内。", "前三季度，城镇调查失业率为5.1%。")
    assert ts[0]["direction"] == "以内" and ms[0]["actual"] == 5.1 and ms[0]["ratio"] is None


def test_milestone_and_qualitative_targets():
    assert read_targets("建成投用G351石板沟长江大桥至爻里小镇段。")[0]["kind"] == "milestone"
    assert read_targets("加快建设涪陵展销中心。")[0]["kind"] == "milestone"
    assert read_targets("推进政务公开。")[0]["kind"] == "qualitative"
    assert read_targets("围绕“五项倍增”，深入实施工程。")[0]["kind"] == "qualitative"
    _, _, ms = run("开工建设城北污水处理厂。", "项目已开工建设。")
    assert ms[0]["measure"] is None and "里程碑" in ms[0]["reason"]


def test_indicator_style_task():
    ts = read_targets("地区生产总值增长（%） 6.5%")
    assert (ts[0]["quantity"], ts[0]["kind"]) == (6.5, "growth")


@pytest.mark.parametrize("text,end_month,label", [
    ("1-9月，完成投资5亿元", 9, "1-9月"),
    ("1—9月，完成投资5亿元", 9, "1-9月"),
    ("1～9月完成投资5亿元", 9, "1-9月"),
    ("1至9月完成投资5亿元", 9, "1-9月"),
    ("前三季度，完成投资5亿元", 9, "前三季度"),
    ("上半年，完成投资5亿元", 6, "上半年"),
    ("1-8月完成投资5亿元", 8, "1-8月"),
    ("截至8月末，贷款余额786.3亿元", 8, "截至8月底"),
    ("截至10月19日，完成投资5亿元", 10, "截至10月19日"),
    ("全年完成投资12亿元", 12, "全年"),
])
def test_periods(text, end_month, label):
    p = read_progress(text, "2023-09")["data_period"]
    assert p["end_month"] == end_month and p["label"] == label


@pytest.mark.parametrize("text", ["8月15日，召开会议。", "截至目前，已建成厂房12万平方米。", "预计11月底投用。"])
def test_no_period(text):
    assert read_progress(text, "2023-09")["data_period"] is None


@pytest.mark.parametrize("text,stage,percent", [
    ("滨江路二期主体施工完成60%，累计完成投资1.2亿元，预计12月底建成通车。", "主体施工", 60.0),
    ("已完成可研批复，正开展用地预审。", "前期", None),
    ("项目已于3月开工建设，正进行基础施工。", "主体施工", None),
    ("区档案馆新馆已于8月竣工验收，计划12月正式对外开放。", "完工", None),
    ("新院区已于6月建成并投入使用。", "投用", None),
    ("项目尚未启动。", "未启动", None),
    ("项目尚未开工，正办理用地手续。", None, None),
    ("百汇供区新建改造变台111个，完工投运71个，完成总进度92%。", "主体施工", 92.0),
])
def test_stages(text, stage, percent):
    s = read_progress(text, "2023-09")["stage"]
    assert (s["name"] if s else None) == (stage if stage != "前期" or s else None) or (s and s["name"] == stage)
    if percent is not None:
        assert s["percent"] == percent


@pytest.mark.parametrize("text,flag,present", [
    ("项目暂缓实施。", "暂缓", True),
    ("项目未暂缓，正常推进。", "暂缓", False),
    ("项目仍处于暂停施工状态。", "暂停", True),
    ("项目未暂停。", "暂停", False),
    ("该项目近期无进展。", "无进展", True),
    ("各项目有序推进，无进展缓慢的情况。", "无进展", False),
    ("该项目无法按原计划投产，被市政府办公厅通报。", "无法按期", True),
    ("该项目无法按原计划投产，被市政府办公厅通报。", "被通报", True),
    ("获市政府通报表扬。", "被通报", False),
    ("低于耕地保护年度目标任务相应“一票否决”项要求。", "一票否决", True),
    ("示范镇村未通过市级评审答辩。", "未通过", True),
    ("成功通过市级验收。", "未通过", False),
    ("完成全年目标难度较大。", "完成难度大", True),
    ("完成全年目标难度较大。", "已完成", False),
    ("预计能够完成年度目标。", "预计完成", True),
    ("力争年底前再建成6公里。", "预计完成", False),
    ("GDP同比增长7.6%，超过年度目标。", "超过目标", True),
    ("超时序进度。", "超过目标", False),
    ("已建成入户道路51.3公里，完成年度任务目标。", "已完成", True),
    ("年底前完成全年任务。", "已完成", False),
    ("同比增长0.2%，未实现“依时序推进”。", "未实现时序", True),
])
def test_flags(text, flag, present):
    names = {f["name"] for f in read_progress(text, "2023-09")["flags"]}
    assert (flag in names) is present


def test_outputs_are_plain_yaml():
    ts, r, ms = run("新增发放创业担保贷款5000万元，开展职业技能培训5000人。",
                    "前三季度，已新增发放创业担保贷款6066万元，开展政府补贴性职业技能培训6061人。")
    again = yaml.safe_load(yaml.safe_dump({"t": ts, "r": r, "m": ms}, allow_unicode=True))
    assert again == {"t": ts, "r": r, "m": ms}
    assert [m["ratio"] for m in ms] == [pytest.approx(1.2132, abs=1e-4), pytest.approx(1.2122, abs=1e-4)]


def test_empty_inputs():
    assert read_targets("") == []
    assert read_progress("", "2023-09") == {"measures": [], "data_period": None, "stage": None, "flags": []}
    assert match_targets([], {"measures": []}, "2023-09") == []


@pytest.mark.parametrize("task, progress, actual", [
    # real (Fuling Q3, 序号204): of 13 projects 9 finished, 4 under way — the finished figure is the actual
    ("加强森林防灭火基础设施建设，整治地灾隐患点10处，提升灾害防御能力。",
     "全区林草火情智能监控系统134个点位已建成投用，24个城市面山区域森林消防水箱全面建成。截至10月，13个地灾隐患点治理项目，"
     "已完工9个，正在施工4个，任务目标完成率95%。", 9.0),
    # hand-written: no object named in the progress, three figures at three rungs
    ("完成老旧小区改造12个。", "截至6月底，已完工5个，正在施工4个，其余3个处于招标阶段。", 5.0),
    # hand-written: one of two done, the other still being built
    ("新建农贸市场2个。", "1个已建成投用，另1个主体施工中。", 1.0),
])
def test_the_one_figure_stated_finished_is_the_actual(task, progress, actual):
    from engine.extract import match_targets, read_progress, read_targets

    (pair,) = match_targets(read_targets(task), read_progress(progress, "2024-06"), "2024-06")
    assert pair["actual"] == actual, pair
