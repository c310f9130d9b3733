"""memo_prose.reason(): the reason a task lags, written from the figures that decided, the way an office writes
it — on hand-written findings of each kind (growth, completion ratio, a stall in the unit's words, any other
rule's message) and on every lagging task of the Fuling example."""

from __future__ import annotations

import re

import pytest

from engine.render.context import FindingView, build_context
from engine.render.memo_prose import num, reason

from .test_memo_counts import assert_no_quoted_own_figure
from .test_render_context import fuling_result  # noqa: F401  (shared fixture)


def finding(message, quote=None, target_quote=None, values=None, matched=None, severity="warn") -> FindingView:
    return FindingView(rule="R-XX-01", title="", rule_version=1, severity=severity, status="滞后", escalation=None,
                       message=message, quote=quote, target_quote=target_quote, source="progress",
                       values=values or {}, thresholds={}, matched=matched)


def test_growth_names_what_grows_and_the_gap_in_points():  # hand-written
    raw = {"kind": "task", "text": "做大做强电子信息产业，力争规上电子信息制造业产值增长20%。",
           "metrics": {"growth_actual": 12.4, "growth_target": 20.0}}
    f = finding("增速12.4%，低于目标20.0%（「同比增长12.4%」）", "同比增长12.4%", "增长20%", {"growth_shortfall": 7.6})
    assert reason(raw, [f]) == "规上电子信息制造业产值增速12.4%，低于年度目标7.6个百分点。"


def test_a_fall_is_written_as_a_fall():  # hand-written
    raw = {"kind": "indicator", "name": "社会消费品零售总额增长（%）",
           "metrics": {"growth_actual": -3.25, "growth_target": 7.0}}
    f = finding("增速-3.3%，低于全年目标7.0%", "下降3.25%", "7%", {"growth_shortfall": 10.25})
    assert reason(raw, [f]) == "社会消费品零售总额同比下降3.25%，低于年度目标10.25个百分点。"


def test_a_ratio_states_target_actual_and_the_gap_to_time_progress():  # hand-written
    raw = {"kind": "task", "text": "全年改造棚户区1200户。", "metrics": {"ratio": 0.5, "time_progress": 0.75}}
    f = finding("完成率50%，低于时序进度75%（「改造600户」；目标「全年改造棚户区1200户」）", "改造600户", "全年改造棚户区1200户",
                {"shortfall": 0.25})
    assert reason(raw, [f]) == "年度目标改造棚户区1200户，目前改造600户，完成50%，低于时序进度25个百分点。"
    bare = finding("完成率50%，低于时序进度75%", values={"shortfall": 0.25})
    assert reason(raw, [bare]) == "完成50%，低于时序进度25个百分点。"


def test_a_stall_is_the_units_own_clause_without_its_label():  # hand-written
    raw = {"kind": "task", "text": "建成县城第二水厂。", "metrics": {}}
    f = finding("进展显示工作停滞：「主要问题：前期手续办理缓慢，水厂选址尚未确定，项目暂缓实施，待县政府研究」",
                "主要问题：前期手续办理缓慢，水厂选址尚未确定，项目暂缓实施，待县政府研究", matched="暂缓")
    assert reason(raw, [f]) == "水厂选址尚未确定，项目暂缓实施。"
    same = finding("进展提示完成风险：「…」", f.quote, matched="尚未确定")
    assert reason(raw, [f, same]) == "水厂选址尚未确定，项目暂缓实施。", "two rules on the same words: one sentence"


def test_any_other_message_loses_its_quotes_and_bookkeeping():  # hand-written
    raw = {"kind": "task", "text": "9月底前完成验收。", "metrics": {}}
    f = finding("R-DL-01：计划完成时间已过（「9月底前完成验收」）；各子目标：验收（未见可比数字）")
    assert reason(raw, [f]) == "计划完成时间已过。"
    g = finding("已被上级点名：「被县委督查室通报」")
    assert reason(raw, [g]) == "被县委督查室通报。"


@pytest.mark.parametrize("value,text", [(5.7, "5.7"), (10.0, "10"), (15 - 5.7, "9.3"), (6.47, "6.47"), (40.0, "40"),
                                        (-0.0, "0"), (0.25 * 100, "25")])
def test_numbers_as_written(value, text):
    assert num(value) == text


def test_every_fuling_reason_reads_as_prose(fuling_result):  # noqa: F811
    memo = build_context(fuling_result).memo
    red = [*memo.lagging, *memo.missed_indicators]
    assert red
    for item in red:
        assert item.lag_text.endswith("。") and len(item.lag_text) > 6, item.lag_text
        assert not re.search(r"R-[A-Z]+-\d+|各子目标|→", item.lag_text), item.lag_text
        assert_no_quoted_own_figure(item.lag_text)


def test_the_note_names_the_merged_tasks_and_stops_at_twelve():  # hand-written
    from types import SimpleNamespace

    from engine.render.memo_prose import NOTE_TASKS, duplicate_note

    merged = [SimpleNamespace(no=str(n), also_seqs=(str(n + 100),), seqs_text=f"{n}、{n + 100}") for n in range(1, 16)]
    note = duplicate_note(230, merged[:2])
    assert note.startswith("说明：进展表共230行，其中2行与另一行是同一计划任务（序号1和101，2和102）。")
    long = duplicate_note(230, merged)
    assert f"{NOTE_TASKS}和{NOTE_TASKS + 100}等15项任务）" in long and "13和113" not in long
    assert duplicate_note(230, []) == ""


def test_an_indicator_with_its_target_says_below_the_target():  # hand-written
    raw = {"kind": "indicator", "name": "一般公共预算收入增长（%）", "annual_target_text": "6%",
           "metrics": {"growth_actual": 2.0, "growth_target": 6.0}}
    f = finding("增速2.0%，低于全年目标6.0%（「增长2%」）", "增长2%", "6%", {"growth_shortfall": 4.0})
    assert reason(raw, [f]) == "一般公共预算收入增速2%，低于目标4个百分点。"


def test_at_the_deadline_a_shortfall_is_not_completed():  # hand-written
    raw = {"kind": "task", "text": "6月底前完成背街小巷整治30条。", "metrics": {"ratio": 0.9, "time_progress": 1.0}}
    f = finding("已到完成时限（时序进度100%），完成率90%，未完成目标（「整治27条」；目标「整治30条」）", "整治27条", "整治30条",
                {"shortfall": 0.1, "time_progress": 1.0, "ratio": 0.9})
    assert reason(raw, [f]) == "年度目标整治30条，目前整治27条，完成90%，已到完成时限，未完成目标。"


def test_a_stage_short_at_the_deadline_is_said_without_the_stage_word():  # hand-written
    raw = {"kind": "task", "text": "推动区人民医院新院区投用。", "metrics": {"time_progress": 1.0, "stage": "主体施工"}}
    f = finding("已到完成时限（时序进度100%），项目仍在主体施工，未达到目标要求的阶段：「主体工程」", "主体工程", None,
                {"time_progress": 1.0, "stage_gap": 2})
    assert reason(raw, [f]) == "已到完成时限（时序进度100%），项目仍在主体施工，未达到目标要求的阶段。"
