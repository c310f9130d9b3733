"""Readings stated in words (issue 14, mechanisms 6-7): stated comparisons, completion without a number,
not-started judged against the month, the report's own verdict, approved changes.

Each case runs the whole path a task takes: plan text → targets, progress text → reading, derive → rules
(plain evaluator) → status. Real Fuling texts are quoted from tests/fixtures/fuling/fuling_2023q3_tasks.csv;
cases marked `# hand-written` are phrased unlike Fuling on purpose (other verbs, periods, punctuation).
"""

from __future__ import annotations

import pytest
import yaml

from engine import extract
from engine.judge.classify import classify
from engine.derive import derive_item, time_progress
from engine.evaluate.plain import PlainEvaluator
from engine.extract.comparisons import find_comparisons, load_comparisons
from engine.extract.lexicon import LexiconError
from engine.extract.numbers import normalize
from engine.facts.workspace import Entry, Item
from engine.rulebook.load import load_rulebook

from .conftest import RULES

BOOK = load_rulebook(RULES)
EVAL = PlainEvaluator(BOOK.rules)


def judge(task: str, progress: str, period: str = "2023-09", aggregation: str = "worst"):
    item = Item(id="T1", kind="task", text=task, seq="1", targets=extract.read_targets(task))
    reading = extract.read_progress(progress, period)
    entry = Entry(id="T1", text=progress, measures=reading["measures"], data_period=reading["data_period"],
                  stage=reading["stage"], flags=reading["flags"])
    tp = time_progress(period, None, BOOK.params)
    derived = derive_item(item, entry, period, tp, aggregation)
    fired = EVAL.evaluate([derived.record])
    return classify([derived], fired, BOOK)[0]


# --- the lexicon's own examples -------------------------------------------------------------------

COMPARISON_EXAMPLES = [(e["name"], ex) for e in yaml.safe_load((RULES / "lexicon" / "comparisons.yaml").read_text(
    encoding="utf-8"))["entries"] for ex in e["examples"]]


@pytest.mark.parametrize("name,example", COMPARISON_EXAMPLES, ids=[f"{n}:{ex['text'][:12]}" for n, ex in COMPARISON_EXAMPLES])
def test_comparison_lexicon_example(name, example):
    found = find_comparisons(normalize(example["text"]))
    expect = example["expect"]
    if expect.get("none"):
        assert not found, found
        return
    assert any(c["kind"] == expect["kind"] and (expect.get("value") is None or abs(c["value"] - expect["value"]) < 1e-6)
               for c in found), found


def test_quotes_index_the_original_text():
    text = "１－５月增速3.1%，距全年目标还差2.4个百分点"  # hand-written, full-width digits
    c = find_comparisons(normalize(text))[0]
    assert text[c["span"][0]:c["span"][1]].endswith("百分点") and c["value"] == pytest.approx(2.4)


def test_bad_comparison_lexicon_is_a_chinese_error(tmp_path):
    (tmp_path / "comparisons.yaml").write_text(
        "entries:\n  - name: 坏\n    kind: target_gap\n    patterns: ['低于(']\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="comparisons.yaml 第1条（坏）"):
        load_comparisons(tmp_path)
    (tmp_path / "comparisons.yaml").write_text(
        "entries:\n  - name: 无组\n    kind: target_gap\n    patterns: ['低于目标\\d+个百分点']\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="命名组"):
        load_comparisons(tmp_path)


# --- stated comparisons decide when no figure is matched --------------------------------------------

@pytest.mark.parametrize("task,progress,period,status,field,value", [
    # hand-written: growth gap only, no actual growth figure
    ("社会消费品零售总额增长8%。", "1-5月，社消零总额低于目标1.2个百分点。", "2023-05", "滞后", "growth_shortfall", 1.2),
    ("规上工业增加值增长7%。", "上半年,高于目标0.8个百分点", "2023-06", "正常", "growth_shortfall", -0.8),  # hand-written
    ("全社会固定资产投资增长10%左右。", "前三季度塌目标3个百分点，降幅收窄。", "2023-09", "滞后", "growth_shortfall", 3.0),  # hand-written
    # hand-written: time gap on an amount target without the amount
    ("完成重点项目投资50亿元。", "1-11月完成投资，滞后序时进度6.5个百分点。", "2023-11", "正常", "shortfall", 0.065),
    ("完成重点项目投资50亿元。", "1-11月完成投资，滞后序时进度26.5个百分点。", "2023-11", "滞后", "shortfall", 0.265),  # hand-written
    # hand-written: ratio to the annual target
    ("新建农村公路200公里。", "完成年度目标的61.5%。", "2023-09", "正常", "ratio", 0.615),
    ("新建农村公路200公里。", "1-5月完成任务量的12.3%", "2023-05", "滞后", "ratio", 0.123),  # hand-written
    ("实现农村改厕3000户。", "上半年完成全年任务的六成。", "2023-06", "超时序", "ratio", 0.6),  # hand-written
])
def test_stated_comparison_decides(task, progress, period, status, field, value):
    j = judge(task, progress, period)
    assert j.derived.record[field] == pytest.approx(value)
    assert j.status == status, j.status_reason


def test_real_fuling_ratio_to_plan_is_kept_from_the_figure():
    # Fuling seq 11: the matched 214.4亿元 decides; the stated 80.5% agrees and must not overwrite it
    j = judge("完成重点项目投资263亿元。", "三季度已完成投资214.4亿元，达年度投资计划80.5%，超时序进度。")
    assert j.derived.record["ratio"] == pytest.approx(214.4 / 263, abs=1e-3)
    assert j.status in ("正常", "超时序")


def test_real_fuling_point_gap_against_target_is_not_against_city_average():
    # Fuling seq 3: "高于全市平均0.2个百分点" is not a gap to the target
    assert not find_comparisons(normalize("三季度，一般公共预算收入增长14.1%，高于全市平均0.2个百分点。"))


def test_ahead_in_words_without_figure_is_normal():
    j = judge("完成年度招商引资任务。", "各项工作按时序推进，超序时进度。")  # hand-written
    assert j.derived.record.get("ahead_stated") is True
    assert j.status == "正常"


# --- completion without a number (mechanism 7) --------------------------------------------------------

@pytest.mark.parametrize("task,progress", [
    ("改造5座公厕。", "5座公厕改造已全部完工，并通过验收。"),  # hand-written
    ("建成投用区图书馆新馆。", "区图书馆新馆已建成投用。"),  # hand-written
    ("新建污水管网12公里。", "管网工程已竣工。"),  # hand-written
    ("建成投用乌杨树体育运动公园。", "乌杨树体育运动公园已建成投用。"),  # Fuling seq 185 phrasing
])
def test_completion_in_words_is_done(task, progress):
    j = judge(task, progress)
    assert j.status == "已完成", j.status_reason


@pytest.mark.parametrize("task,progress", [
    ("改造5座公厕。", "项目尚未完工，预计年底完工。"),  # hand-written
    ("新建污水管网12公里。", "已完成总工程量的60%。"),  # hand-written
    ("改造5座公厕。", "已完成3座，剩余2座正在施工。"),  # hand-written
    ("建成投用区图书馆新馆。", "主体工程已完工，正在进行装修。"),  # hand-written
    ("建成投用“长涪汇”城市会客厅。", "长涪汇项目部分区域对外开放。"),  # Fuling seq 182 (part only)
])
def test_partial_or_forecast_completion_is_not_done(task, progress):
    j = judge(task, progress)
    assert j.status != "已完成", j.status_reason


def test_lower_rung_never_satisfies_a_higher_target():
    j = judge("建成投用区图书馆新馆。", "区图书馆新馆已完工，正在进行设备调试。")  # hand-written
    assert j.derived.record["target_stage_rank"] == 5 and j.derived.record["stage_gap"] == 1
    assert j.status != "已完成"


def test_completion_words_do_not_complete_an_ongoing_qualitative_task():
    # Fuling seq 188: one part finished in an ongoing task
    j = judge("常态化推动城市体检，推进海绵城市建设和国家节水型城市创建。",
              "海绵城市建设积极推进，轴线公园海绵城市建设已完工，新增达标分区面积2.55平方公里。")
    assert j.status != "已完成"


# --- not started, judged against the month -------------------------------------------------------------

@pytest.mark.parametrize("progress", [
    "3个项目均未开工,正在办理用地手续",  # hand-written
    "该项目尚未启动。",  # hand-written
    "施工单位已确定，预计下月开工。",  # hand-written
])
def test_not_started_lags_late_but_not_in_march(progress):
    task = "建成镇级污水处理站3座。"
    late = judge(task, progress, "2023-09")
    assert late.status == "滞后", late.status_reason
    assert late.findings and any(f.rule == "R-ST-02" for f in late.findings)
    early = judge(task, progress, "2023-03")
    assert early.status == "正常", early.status_reason


def test_still_preparing_a_build_target_lags_from_q3_but_not_in_june():
    task = "建成投用区档案馆新馆。"
    progress = "项目仍在编制招标文件。"  # hand-written
    assert judge(task, progress, "2023-09").status == "滞后"
    assert judge(task, progress, "2023-06").status != "滞后"


def test_still_preparing_a_start_target_lags_only_late_in_the_year():
    # Fuling seq 201 (officially normal in Q3): a 开工 target still at 前期
    task = "力争开工两江新区至涪陵快速通道。"
    progress = "已编制完成可研报告，正全力开展规划选址和用地预审。"
    assert judge(task, progress, "2023-09").status != "滞后"
    assert judge(task, progress, "2023-11").status == "滞后"  # same words in November


def test_preparatory_target_at_preparatory_stage_is_not_late():
    # Fuling seq 21: the task is the 前期工作 itself
    j = judge("加快推进太和抽水蓄能前期工作。", "有序推进太和抽水蓄能前期工作，项目预可研于6月8日通过三峡集团内部审查。", "2023-11")
    assert j.status != "滞后"


# --- the report's own verdict (mechanism 6) --------------------------------------------------------------

@pytest.mark.parametrize("progress", [
    "1-5月完成投资2.1亿元，进度较为滞后。",  # hand-written
    "与全年目标有较大差距,下一步将加大力度",  # hand-written
    "任务量仍未过半。",  # hand-written
])
def test_report_verdict_lags(progress):
    j = judge("推进城乡供水一体化。", progress, "2023-06")
    assert j.status == "滞后", j.status_reason


def test_managing_laggards_is_not_a_verdict():
    j = judge("推进城乡供水一体化。", "对进度滞后的项目逐一督导，建立周调度机制，各项工作有序推进。")  # hand-written
    assert j.status == "正常", j.status_reason


# --- approved change: its own class (mechanism 6) -----------------------------------------------------------

@pytest.mark.parametrize("progress", [
    "根据区政府工作安排，该项目暂缓实施。",  # hand-written (phrasing from issue 14)
    "经区政府常务会研究同意，年度目标调整为3个。",  # hand-written
    "按照市发展改革委批复意见,项目不再实施",  # hand-written, half-width comma
])
def test_approved_change_is_its_own_class_and_not_pursued(progress):
    j = judge("建成镇级污水处理站3座。", progress)
    assert j.status == "已调整", j.status_reason
    assert j.escalation is None  # R-ST-01 (暂缓) also fired, but an approved change is not escalated


def test_postponement_without_approval_still_lags():
    # Fuling seq 103, officially 滞后
    j = judge("积极推进石沱移民码头项目。", "原招商企业大业公司不同意作为石沱移民码头改造投资主体，项目暂缓实施。")
    assert j.status == "滞后" and j.escalation == "督办"


def test_memo_counts_and_names_approved_changes(tmp_path):
    import copy

    from engine.render.context import build_context
    from engine.render.markdown import memo_md
    from engine.render.templates import make_environment

    from .test_render_context import _build_fuling

    class Factory:  # the session fixture's factory, for one build here
        @staticmethod
        def mktemp(name):
            d = tmp_path / name
            d.mkdir()
            return d

    result = copy.deepcopy(_build_fuling(Factory))
    task = next(t for t in result["tasks"] if t["status"] == "正常")
    old = task["status"]
    task["status"] = "已调整"
    result["summary"]["tasks"][old] -= 1
    result["summary"]["tasks"]["已调整"] = 1
    ctx = build_context(result)
    assert ctx.counts.tasks_adjusted == 1 and [t.id for t in ctx.adjusted_tasks] == [task["id"]]
    assert task["id"] not in {t.id for t in ctx.normal_tasks} | {t.id for t in ctx.lagging_tasks}
    memo = memo_md(make_environment(None), ctx).decode("utf-8")
    assert "，1项经批准调整（" in memo and f"{task['text'].rstrip('。')}（序号{task['seq']}）" in memo.split("经批准调整的任务是：")[1]


# --- implicit 100 % targets (mechanism 4) ---------------------------------------------------------------------

@pytest.mark.parametrize("task,progress,period,status,ratio", [
    ("实现行政村5G网络全覆盖。", "截至9月底，行政村5G网络覆盖率达到92.3%。", "2023-09", "超时序", 0.923),  # hand-written
    ("推进农村生活污水治理，实现行政村污水处理设施全覆盖。", "1-11月,设施覆盖率65.2%。", "2023-11", "滞后", 0.652),  # hand-written
    ("全面完成老旧燃气管网改造。", "完成率42.3%。", "2023-09", "滞后", 0.423),  # hand-written
    ("全面完成农村危房改造任务。", "上半年已完成改造任务量的42.3%。", "2023-06", "正常", 0.423),  # hand-written
    ("实现城乡居民医保应保尽保。", "参保率98.5%。", "2023-09", "超时序", 0.985),  # hand-written
])
def test_implicit_full_target_takes_the_stated_rate(task, progress, period, status, ratio):
    j = judge(task, progress, period)
    assert j.derived.record["ratio"] == pytest.approx(ratio)
    assert j.status == status, j.status_reason


def test_a_rate_of_something_else_is_not_the_completion_ratio():
    j = judge("推进城市体检全覆盖。", "城市道路完好率98%，已完成城市体检自评。")  # hand-written
    assert "ratio" not in j.derived.record


def test_real_fuling_full_coverage_without_a_rate_stays_qualitative():
    # Fuling seq 138 (officially normal): 应保尽保 but no rate in the progress
    j = judge("推动最低生活保障扩围增效，切实做到应保尽保。", "全力推进低保扩围增效。前三季度，新增低保对象379户665人。")
    assert "ratio" not in j.derived.record and j.status == "正常"


# --- a figure copied from the target is not an actual (mechanism 5) -------------------------------------------

def test_heading_that_repeats_the_task_is_not_an_actual():
    j = judge("改造5座公厕。", "改造5座公厕：已完成3座，2座正在施工。")  # hand-written
    assert j.derived.record["ratio"] == pytest.approx(0.6)
    assert j.status != "已完成"


def test_heading_repeat_alone_never_gives_100_percent():
    j = judge("改造5座公厕。", "改造5座公厕：已完成主体施工3座。")  # hand-written
    assert j.derived.record.get("ratio") != pytest.approx(1.0)


@pytest.mark.parametrize("progress", ["已改造5座公厕。", "全区改造5座公厕，均已完工。"])  # hand-written
def test_the_same_figure_as_a_statement_is_an_actual(progress):
    assert judge("改造5座公厕。", progress).derived.record["ratio"] == pytest.approx(1.0)


# --- verb and stage alignment (mechanism 3) ---------------------------------------------------------------------

def test_started_projects_do_not_count_as_built():
    j = judge("建成12个项目。", "已开工建设8个项目，其中2个已完工。")  # hand-written (issue 14)
    assert j.derived.record["ratio"] == pytest.approx(2 / 12, abs=1e-4)


def test_words_between_verb_and_number_do_not_break_a_match():
    j = judge("新建120个充电桩。", "新建并投用130个充电桩。")  # hand-written (issue 14)
    assert j.derived.record["ratio"] == pytest.approx(130 / 120, abs=1e-4) and j.status == "已完成"


def test_real_fuling_finished_roads_do_not_satisfy_in_use():
    # Fuling seq 36: 10条道路基本完工 against 建成投用…10条市政道路 — 完工 is a rung below 投用
    j = judge("建成投用集绣大道、平绣路等10条市政道路。", "集绣大道、平绣路、集前路等10条道路基本完工。")
    assert j.derived.record.get("ratio") is None and j.status != "已完成"


# --- enumerated sub-projects (mechanism 2) ----------------------------------------------------------------------

def test_real_fuling_named_projects_count_against_the_target():
    # Fuling seq 147 (officially normal): four named 综合服务体 built of five
    j = judge("力争建成城乡社区综合服务体试点5个。",
              "敦仁街道太平街社区、崇义街道皮家街社区、江北街道二渡村、武陵山乡武陵山村综合服务体已基本建成，"
              "新妙镇北门村正开展综合服务设施改建升级。")
    assert j.derived.record["ratio"] == pytest.approx(0.8) and j.status == "正常"


@pytest.mark.parametrize("progress,period,ratio,status", [
    # hand-written: circled numbers, semicolons, a project at each stage
    ("①白涛站已建成投用；②马武站主体施工完成60%；③龙潭站正在招标；④焦石站尚未开工。", "2023-09", 0.25, "严重滞后"),
    # hand-written: 一是/二是, half-width commas, 上半年
    ("一是白涛站已完工,二是马武站已完工,三是龙潭站已建成。", "2023-06", 0.75, "超时序"),
])
def test_enumerated_projects_reaching_the_stage(progress, period, ratio, status):
    j = judge("建成镇级污水处理站4座。", progress, period)
    assert j.derived.record["ratio"] == pytest.approx(ratio)
    assert j.status == status, j.status_reason


def test_projects_below_the_demanded_stage_give_no_ratio():
    # none reached 投用: the list may be about another aim, so no ratio is read from it
    j = judge("建成投用污水处理站3座。", "白涛站已完工，马武站主体完工，龙潭站正在施工。")  # hand-written
    assert "ratio" not in j.derived.record


# --- compound tasks (mechanism 1) ---------------------------------------------------------------------------------

REAL_81 = ("实施智能化改造项目50个，新增智能工厂2个、数字化车间5个。",
           "完成智能化改造项目35个，2023年成功创建市级智能工厂1个、数字化车间11个。")  # Fuling seq 81, shortened
HAND_COMPOUND = ("新建污水管网40公里，改造雨污分流小区20个。", "1-5月,新建污水管网31公里;改造雨污分流小区3个")  # hand-written


def test_compound_task_explanation_lists_every_aim():
    j = judge(*REAL_81)
    message = j.status_reason
    assert "各子目标" in message
    for aim in ("改造项目50个", "智能工厂2个", "数字化车间5个"):
        assert aim in message, message


def test_whole_units_due_two_factories_one_built_in_september_is_on_time():
    j = judge(*REAL_81)
    assert j.derived.record["ratio"] == pytest.approx(0.5)  # the worst aim: 1 of 2 factories
    assert j.derived.record["shortfall"] == pytest.approx(0.0)  # 1 of 2 is what is due in September
    assert j.status == "正常", j.status_reason


@pytest.mark.parametrize("aggregation,status", [("worst", "滞后"), ("any", "超时序"), ("all", "滞后")])
def test_aggregation_is_a_parameter(aggregation, status):
    j = judge(*HAND_COMPOUND, period="2023-05", aggregation=aggregation)
    assert j.status == status, j.status_reason


def test_all_waits_for_every_aim():
    task, progress = "新建污水管网40公里，改造雨污分流小区20个。", "新建污水管网31公里。"  # hand-written
    assert judge(task, progress, aggregation="worst").derived.record["ratio"] == pytest.approx(0.775)
    j = judge(task, progress, aggregation="all")
    assert "ratio" not in j.derived.record and j.status == "待核实"


def test_done_aims_with_an_unread_aim_are_not_done():
    # Fuling seq 93 (officially normal): 绿色工厂 done, 绿色园区 has no figure
    j = judge("创建市级绿色园区1个、绿色工厂5个。", "新增市级绿色工厂7个。")
    assert j.derived.record["aims_unread"] == 1
    assert j.status == "正常", j.status_reason


def test_bad_aggregation_is_a_chinese_rule_error(tmp_path):
    import shutil

    from engine.errors import RuleError

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    params = rules / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("aim_aggregation: worst", "aim_aggregation: 最差"),
                      encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rulebook(rules)
    assert "aim_aggregation" in err.value.format() and "worst" in err.value.format()


def test_short_completion_statement_is_not_left_unsure():
    # hand-written: "已竣工。" is 3 characters, below min_progress_chars; the words still say it is done
    j = judge("推进区档案馆新馆建设。", "已竣工。")
    assert j.status == "正常", j.status_reason
