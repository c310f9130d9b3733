"""Deadlines (完成时限) and the matching cases found on the third hand-written district: each mechanism on real
Fuling text (where it must change nothing) and on hand-written phrasing other offices use."""

from __future__ import annotations

import pytest

from engine.derive import item_time_progress
from engine.extract import match_targets, read_progress, read_targets
from engine.extract.deadlines import due_month
from engine.facts.workspace import Item, load_workspace
from tests.conftest import ROOT

COLUMN = [  # hand-written 完成时限 cells, as plans write them: (cell, plan year 2024) → due month (None: the year end)
    ("2024年6月底前", 6), ("6月", 6), ("2024年6月30日前", 6), ("二季度", 6), ("第一季度末", 3), ("上半年", 6),
    ("2024年3月底前", 3), ("十月底前", 10), ("2024年12月底", None), ("年底前", None), ("全年", None),
    ("长期坚持", None), ("持续推进", None), ("2024-2026年", None), ("2025年6月", None), ("2023年底前", 0),
    # a date cell as Excel/WPS save it, and dates typed with dots or slashes
    ("2024-06-30", 6), ("2024/6/30", 6), ("2024.6", 6), ("2024.10.31", 10), ("2024-06", 6), ("2024-12-31", None),
    ("2023-12-31", 0), ("2025-03-31", None), ("2024-2025", None),
    # a 进度安排 cell, read for its last month
    ("3月底前完成招标；6月底前开工建设", 6), ("一季度完成方案编制，二季度开工，四季度建成", None),
]
PROSE = [  # hand-written task texts: a month is a deadline only when the words say so (前 / 之前 / 内)
    ("6月底前建成区级数据中心。", 6), ("一季度内出台优化营商环境实施方案。", 3), ("上半年内完成校舍安全排查。", 6),
    ("3月开展春季植树活动。", None), ("上半年完成方案编制，年底前完成改造45个。", None), ("力争年内建成。", None),
    ("9月底前开工建设城北污水处理厂，年底前完成主体施工。", None),
    ("2024.6.30完成老旧小区改造摸底。", None),  # a bare date in prose is not said to be a deadline
]


@pytest.mark.parametrize("cell, month", COLUMN)
def test_a_deadline_cell_gives_the_month_due(cell, month):
    due = due_month(cell, None, 2024)
    assert (due.month if due else None) == month


@pytest.mark.parametrize("text, month", PROSE)
def test_a_task_text_gives_a_deadline_only_when_it_says_so(text, month):
    due = due_month(None, text, 2024)
    assert (due.month if due else None) == month


def test_the_cell_wins_over_the_words():
    assert due_month("长期坚持", "6月底前建成区级数据中心。", 2024) is None
    assert due_month("2024年9月底前", "6月底前建成区级数据中心。", 2024).month == 9


def test_no_fuling_task_is_given_a_deadline():
    """Fuling's plan has no 完成时限 column and its task texts name no deadline: nothing changes there."""
    fuling = load_workspace(ROOT / "facts" / "fuling-2023")
    year = fuling.plan.year
    assert [i.id for i in fuling.plan.items() if item_time_progress(i, "2023-09", 0.75, year)[1] is not None] == []


@pytest.mark.parametrize("period, expected", [("2024-03", 0.5), ("2024-06", 1.0), ("2024-09", 1.0)])
def test_time_progress_runs_to_the_deadline(period, expected):
    item = Item(id="T1", kind="task", text="完成背街小巷整治30条。", deadline="2024年6月底前")
    tp = int(period[-2:]) / 12
    assert item_time_progress(item, period, tp, 2024) == (expected, 6)


def test_an_indicator_has_no_deadline_from_its_name():
    item = Item(id="I1", kind="indicator", text="6月底前新增就业人数（万人）")
    assert item_time_progress(item, "2024-06", 0.5, 2024) == (0.5, None)


@pytest.mark.parametrize("task, verb, obj", [  # hand-written: the stage named last, or after a deadline
    ("推动区人民医院新院区投用。", "投用", "区人民医院新院区"),
    ("推进滨江公园建成投用。", "建成投用", "滨江公园"),
    ("确保长江大桥南引道开工建设。", "开工建设", "长江大桥南引道"),
    ("6月底前建成区级数据中心。", "建成", "区级数据中心"),
    ("力争上半年建成投用区医院新院区。", "建成投用", "区医院新院区"),
])
def test_milestones_worded_other_ways(task, verb, obj):
    target, = read_targets(task)
    assert (target["kind"], target["verb"], target["object"]) == ("milestone", verb, obj)
    assert target["span"][0] >= 0 and verb in task[target["span"][0]:target["span"][1]]


@pytest.mark.parametrize("task", ["推进城市更新。", "推动产业转型升级。", "加快推进老旧小区改造。"])
def test_qualitative_tasks_stay_qualitative(task):
    assert read_targets(task)[0]["kind"] == "qualitative"


def _match(task, progress, period="2024-06"):
    targets = read_targets(task)
    return match_targets(targets, read_progress(progress, period), period)[0]


def test_a_bare_figure_in_a_table_cell_is_the_indicator_actual():  # hand-written
    m = _match("一般公共预算收入（亿元）32亿元", "17.1亿元。同比增长4.3%")
    assert m["actual"] == pytest.approx(17.1) and m["ratio"] == pytest.approx(0.5344, abs=1e-4)


def test_a_named_figure_of_another_thing_is_still_refused():  # hand-written: 投资 is not the 土地出让收入
    m = _match("完成土地出让收入50亿元。", "完成项目投资9.8亿元。")
    assert m["measure"] is None


def test_the_finished_length_is_what_was_done():  # hand-written
    m = _match("实施农村公路提档升级100公里。", "已完工42公里，在建35公里。")
    assert m["actual"] == pytest.approx(42.0)


def test_a_generic_head_noun_is_read_through():  # hand-written
    assert _match("举办招商推介活动10场。", "已举办招商推介会3场。")["actual"] == pytest.approx(3.0)
    assert _match("建设产业园区3个。", "已建成智能工厂2个。")["measure"] is None  # 园区 vs 工厂 still differ


def test_a_project_carried_out_counts_when_started():  # hand-written, as the monthly district's 序号12
    m = _match("实施城市更新项目20个。", "开工18个，完工7个。", "2025-10")
    assert m["actual"] == pytest.approx(18.0) and "实施类目标按开工计" in m["reason"]
    assert _match("实施城市更新项目20个。", "已完工7个。", "2025-10")["actual"] == pytest.approx(7.0)
    assert _match("建成城市更新项目20个。", "开工18个，完工7个。", "2025-10")["actual"] == pytest.approx(7.0)  # 建成: 完工
