"""duban audit: every check fires on its case and stays quiet on a near miss.

Fact-level checks run on small workspaces written here (readings by the real extractor, judgements by the
real engine); text checks run on single texts through audit_text()."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine import extract
from engine.audit import run_audit, text_findings
from engine.audit.model import Context, Unit
from engine.audit.patterns import load_audit_data
from engine.bench.district import clean_readings
from engine.facts.workspace import Item

PERIOD = "2023-09"
DATA = load_audit_data()


def make_ws(root: Path, tasks: list[dict], indicators: list[dict] = (), period: str = PERIOD) -> Path:
    """A workspace as `duban import` would write it. Each task: id, text, progress (None: no entry), and
    optionally seq, leaders, lead_units, coop_units, category, duplicate_of, reported_status."""
    plan = {"schema": "duban/plan@1", "region": "测试区", "year": int(period[:4]), "indicators": [], "tasks": []}
    entries = {}
    for kind, rows in (("indicators", indicators), ("tasks", tasks)):
        for n, row in enumerate(rows, 1):
            text = row.get("text") or row["name"]
            item = {"id": row["id"], "seq": str(row.get("seq", n)), "category": row.get("category", "一、测试"),
                    "name": row.get("name"), "text": text, "annual_target_text": row.get("annual_target_text"),
                    "leaders": row.get("leaders", ["张三"] if kind == "tasks" else []),
                    "lead_units": row.get("lead_units", ["区发展改革委"]), "coop_units": row.get("coop_units", []),
                    "duplicate_of": row.get("duplicate_of"),
                    "targets": extract.read_targets(text + (row.get("annual_target_text") or ""))}
            plan[kind].append(item)
            if row.get("progress") is not None:
                reading = extract.read_progress(row["progress"], period)
                entries[row["id"]] = {"text": row["progress"], "source_seq": str(row.get("seq", n)),
                                      "reported_status": row.get("reported_status"), **reading}
    (root / "progress").mkdir(parents=True, exist_ok=True)
    dump = lambda data: yaml.safe_dump(clean_readings(data), allow_unicode=True, sort_keys=False)  # noqa: E731
    (root / "plan.yaml").write_text(dump(plan), encoding="utf-8")
    progress = {"schema": "duban/progress@1", "period": period, "as_of": "2023-09-30", "entries": entries}
    (root / "progress" / f"{period}.yaml").write_text(dump(progress), encoding="utf-8")
    return root


def audit_ws(tmp_path, tasks, indicators=(), memo=None):
    return run_audit(make_ws(tmp_path / "ws", tasks, indicators), PERIOD, memo=memo)


def found(report, check: str, target_id: str | None = None) -> list:
    return [f for f in report.findings if f.check == check and (target_id is None or f.target.get("id") == target_id)]


def text_ctx(units: list[str] = ("区规划自然资源局", "区规划自然资源局", "区生态环境局")) -> Context:
    item = Item(id="T001", kind="task", text="测试任务", lead_units=list(units))
    return Context(workspace=Path("."), period=PERIOD, year=2023, month=9, as_of="2023-09-30", region="测试区",
                   units=[Unit(item, None, None)], result={}, terms=DATA.terms, patterns=DATA.patterns)


def audit_text(text: str, check: str | None = None, ctx: Context | None = None) -> list:
    out = text_findings(ctx or text_ctx(), text, lambda s, e: {"kind": "task", "id": "T001", "span": [s, e]})
    return [f for f in out if check is None or f.check == check]


# ------------------------------------------------------------------ completeness

def test_completeness_checks(tmp_path):
    report = audit_ws(tmp_path, [
        {"id": "T001", "text": "做好第五次全国经济普查。", "progress": None},
        {"id": "T002", "text": "加大煤电油气运保障力度。", "progress": "/"},
        {"id": "T003", "text": "巩固国家卫生区创建成果。", "progress": "同上"},
        {"id": "T004", "text": "推进老旧小区改造。", "progress": "同上年相比改造面积增长5%，已完成12个小区。", "lead_units": []},
        {"id": "T005", "text": "建设智慧园区。", "progress": "已完成方案设计。", "leaders": []},
        {"id": "T006", "text": "支持刚性和改善性住房消费。", "progress": "商品房销售52.3万平方米。", "leaders": [], "category": None},
        {"id": "T007", "text": "加快推进前期工作。", "progress": "已完成可研编制，正在开展初步设计。"},
    ])
    assert [f.target["id"] for f in found(report, "A-CP-01")] == ["T001"]
    assert {f.target["id"] for f in found(report, "A-CP-02")} == {"T002", "T003"}  # not 同上年相比…
    assert all(f.severity == "error" for f in found(report, "A-CP-02"))
    assert [f.target["id"] for f in found(report, "A-CP-03")] == ["T004"]
    leaders = {f.target["id"]: f.severity for f in found(report, "A-CP-04")}
    assert leaders == {"T005": "warn", "T006": "info"}  # T006: not in the plan, imported from a progress table
    assert not [f for f in report.findings if f.target.get("id") == "T007" and f.severity != "info"]


def test_indicator_slash_is_only_a_warning(tmp_path):
    report = audit_ws(tmp_path, [], [{"id": "I01", "name": "万人发明专利拥有量（%）", "annual_target_text": "10%", "progress": "/"}])
    assert [f.severity for f in found(report, "A-CP-02")] == ["warn"]
    assert not found(report, "A-CP-04")  # indicator tables carry no leaders


# ------------------------------------------------------------------ periods and dates

def test_stale_period(tmp_path):
    report = audit_ws(tmp_path, [
        {"id": "T001", "text": "深化银政企合作，力争社会融资规模突破2000亿元。", "progress": "截至8月末，社会融资规模达2128.19亿元。"},
        {"id": "T002", "text": "力争工业投资增长12%以上。", "progress": "前三季度，工业投资完成200.4亿元，同比增长14.2%。"},
    ])
    stale = found(report, "A-DT-01")
    assert [(f.target["id"], f.severity) for f in stale] == [("T001", "warn")]
    assert "截至8月末" in stale[0].quote


@pytest.mark.parametrize("text, fires", [
    ("截至10月底，经整改剩余违法耕地面积146.66亩。", True),
    ("截至10月，全区累计5G基站4507座。", True),
    ("截至9月底，百汇供区已完工投运10个。", False),
    ("预计截至10月底可完成全部整改。", False),
    ("1-9月规上工业能耗同比增长12.5%。", False),
])
def test_period_after_as_of(text, fires):
    assert bool(audit_text(text, "A-DT-02")) == fires


@pytest.mark.parametrize("text, severity", [
    ("预计美心翼申于2013年11月完成首发上市、新铝时代于2024年3月完成首发上市。", "error"),
    ("预计8月底完成设备安装。", "warn"),
    ("预计美心翼申于2023年11月完成首发上市、新铝时代于2024年3月完成首发上市。", None),
    ("原计划6月开工，已于7月开工。", None),
    ("预计11月底前施工完毕。", None),
])
def test_forecast_in_the_past(text, severity):
    hits = audit_text(text, "A-DT-03")
    assert [f.severity for f in hits] == ([severity] if severity else [])
    if severity == "error":
        assert hits[0].quote.startswith("预计美心翼申于2013年11月")


@pytest.mark.parametrize("text, fires", [
    ("该项目于2103年建成。", True),
    ("该项目已于2003年5月建成。", True),
    ("编制绿地系统规划（2021-2035年）。", False),
    ("2013年以来累计建成12个。", False),
    ("涪陵区获得全市健康中国2021年考核第三名。", False),
])
def test_year_window(text, fires):
    assert bool(audit_text(text, "A-DT-04")) == fires


@pytest.mark.parametrize("text, fires", [
    ("9月31日召开推进会。", True),
    ("预计13月完成。", True),
    ("2023年2月29日完成验收。", True),
    ("9月30日召开推进会。", False),
    ("连续12个月保持增长。", False),
    ("2月29日完成验收。", False),
    ("2024年2月29日完成验收。", False),
])
def test_impossible_dates(text, fires):
    assert bool(audit_text(text, "A-DT-05")) == fires


# ------------------------------------------------------------------ numbers and units

def test_unit_scale_mismatch(tmp_path):
    report = audit_ws(tmp_path, [
        {"id": "T001", "text": "新增就业2万人。", "progress": "前三季度，全区城镇新增就业18591人，占年度目标的93%。"},
        {"id": "T002", "text": "新增就业2万人。", "progress": "前三季度，全区城镇新增就业1.86万人。", "seq": "9"},
    ])
    hits = found(report, "A-NU-01")
    assert [f.target["id"] for f in hits] == ["T001"]
    assert hits[0].quote == "新增就业18591人" and "万人" in hits[0].message and "1.86万人" in hits[0].suggestion


@pytest.mark.parametrize("text, fires", [
    ("家庭千兆光纤网络覆盖率163.81%，其中5G用户占比已达53.62%。", True),
    ("技改投资占比141.3%。", True),
    ("完成市上下达的科技型企业年度目标任务的181.3%。", False),
    ("营收16.65亿元，增速为165%。", False),
    ("农民合作社收入同比增长199.49%。", False),
    ("整改率100%。", False),
])
def test_share_over_100(text, fires):
    assert bool(audit_text(text, "A-NU-02")) == fires


def test_mixed_width_percent():
    assert [f.severity for f in audit_text("工业投资同比增长14.2％，技改投资占比41.3%。", "A-NU-03")] == ["warn"]
    assert audit_text("工业投资同比增长１４.2%。", "A-NU-03")
    assert not audit_text("工业投资同比增长14.2%，技改投资占比41.3%。", "A-NU-03")
    assert [f.severity for f in audit_text("整改率100％。", "A-NU-04")] == ["info"]
    assert not audit_text("整改率100%。", "A-NU-04") and not audit_text("整改率100％，占比41.3%。", "A-NU-04")
    assert not audit_text("整改率100％，优良率90％。", "A-NU-03")


@pytest.mark.parametrize("text, severity", [
    ("新增低保对象379户 665人。", "warn"),
    ("同比增长3 %。", "warn"),
    ("完成投资1 000万元。", "warn"),
    ("总产量 166万吨。", "info"),
    ("新增低保对象379户、665人。", None),
    ("附件1　主要指标完成情况表", None),
])
def test_spaces_in_numbers(text, severity):
    assert [f.severity for f in audit_text(text, "A-NU-05")] == ([severity] if severity else [])


def test_space_message_quotes_whole_figures():
    (hit,) = audit_text("前三季度，新增低保对象379户 665人，其中城市新增90户。", "A-NU-05")
    assert "379户 665人" in hit.message


# ------------------------------------------------------------------ text

@pytest.mark.parametrize("text, fires", [
    ("城七校锦绣校区己完成前期工作。", True),
    ("项目己建成投用。", True),
    ("由企业自己完成申报。", False),
    ("华峰己二酸六期已建成投产。", False),
    ("综合运动法律、经济、行政手段化解矛盾。", True),
    ("举办全区第五届综合运动会。", False),
])
def test_typos(text, fires):
    assert bool(audit_text(text, "A-TX-01")) == fires


def test_typo_finding_names_entry_and_fix():
    (hit,) = audit_text("目前己完成总工程量92%。", "A-TX-01")
    assert hit.severity == "error" and "TY-01" in hit.message and "已" in hit.suggestion
    assert hit.quote == "目前己完成总工程量92%"


@pytest.mark.parametrize("text, fires", [
    ("扎实推进工作工作落实。", True),
    ("推进推进重点项目建设。", True),
    ("常常深入一线。", False),
    ("打造一村一品示范村。", False),
    ("研究研究再定。", False),
])
def test_duplicated_words(text, fires):
    assert bool(audit_text(text, "A-TX-02")) == fires


@pytest.mark.parametrize("text, fires", [
    ("已完成前期工作。。", True),
    ("已完成前期工作，，正在招标。", True),
    ("已完成前期工作，。", True),
    ("包括厂房、道路、管网……", False),
    ("长江——嘉陵江", False),
])
def test_doubled_punctuation(text, fires):
    assert bool(audit_text(text, "A-TX-03")) == fires


@pytest.mark.parametrize("text, fires", [
    ("实施“春风行动暨就业援助月。", True),
    ("印发《实施方案（试行）。", True),
    ("已完成）。", True),
    ("出台“双倍增”行动计划（2023—2027年）。", False),
    ("印发《〈成渝地区双城经济圈建设规划〉实施方案》。", False),
])
def test_unbalanced_brackets(text, fires):
    assert bool(audit_text(text, "A-TX-04")) == fires


@pytest.mark.parametrize("text, fires", [
    ("根据市规划自然局安排部署，我区今年未纳入试点。", True),
    ("2023年减排目标任务，市生态环保局尚未下达。", True),
    ("根据市规划自然资源局安排部署，我区今年未纳入试点。", False),
    ("区生态环境局牵头开展执法检查。", False),
    ("由区政府办公室统筹协调。", False),
])
def test_unit_name_near_miss(text, fires):
    hits = audit_text(text, "A-TX-05")
    assert bool(hits) == fires
    if fires:
        assert hits[0].severity == "warn" and "规范名称" in hits[0].suggestion


def test_unit_list_near_miss(tmp_path):
    task = lambda i, units: {"id": f"T00{i}", "text": f"任务{i}。", "progress": "正在推进。", "lead_units": units}  # noqa: E731
    report = audit_ws(tmp_path, [task(1, ["区规划自然资源局"]), task(2, ["区规划自然资源局"]), task(3, ["区规划自然局"]),
                                 task(4, ["规划自然资源局"]), task(5, ["区林长制工作领导小组成员单位"]),
                                 task(6, ["区河长制工作领导小组成员单位"])])
    assert [f.target["id"] for f in found(report, "A-TX-06")] == ["T003"]


# ------------------------------------------------------------------ consistency

def test_duplicated_tasks(tmp_path):
    text = "加速推进江东至白涛高速前期工作。"
    report = audit_ws(tmp_path, [
        {"id": "T001", "text": text, "progress": "江东至白涛高速已完成工可编制，近期上区规委会研究。", "seq": "47"},
        {"id": "T002", "text": text, "progress": "江东至白涛高速已完成工可编制，已上区规委会研究。", "seq": "113", "duplicate_of": "T001"},
        {"id": "T003", "text": "大力实施生物多样性保护。", "progress": "开展特许捕捞审查2家。", "seq": "165"},
        {"id": "T004", "text": "大力实施生物多样性保护。", "progress": "开展特许捕捞审查2家。", "seq": "195"},
        {"id": "T005", "text": "推动区领导联系重点项目全覆盖，打通卡点堵点难点。", "progress": "召开调度会3次。", "seq": "8"},
        {"id": "T006", "text": "推动区领导联系重点企业全覆盖，打通卡点堵点难点。", "progress": "走访企业34家。", "seq": "67"},
    ])
    dups = {f.target["id"]: f for f in found(report, "A-CS-01")}
    assert set(dups) == {"T002", "T004"}  # 重点项目 / 重点企业 are two tasks
    assert dups["T002"].severity == "warn" and dups["T002"].target["seq"] == "113"
    assert "近期上区规委会研究" in dups["T002"].message and dups["T002"].quote == "已上区规委会研究"
    assert dups["T004"].severity == "info" and "序号165" in dups["T004"].message


def test_claimed_complete_while_short(tmp_path):
    report = audit_ws(tmp_path, [
        {"id": "T001", "text": "新改建农村公路100公里。", "progress": "已完成全年任务，新改建农村公路60公里。"},
        {"id": "T002", "text": "新改建农村公路100公里。", "progress": "已新改建农村公路60公里，年底前将全面完成任务。"},
        {"id": "T003", "text": "新改建农村公路100公里。", "progress": "已完成全年任务，新改建农村公路105公里。"},
    ])
    assert [f.target["id"] for f in found(report, "A-CS-02")] == ["T001"]


def test_completion_of_named_parts_is_not_a_claim(tmp_path):
    report = audit_ws(tmp_path, [
        # Fuling 2023 Q3, 序号159: two named sub-projects finished, the 户厕 figure at 74%
        {"id": "T001", "text": "完成农村户厕改造5000户。",
         "progress": "完成农村户厕改造3700户。龙马大道沿线人居环境及生态修复整治工程、白涛街道小田溪社区美丽家园综合整治项目已完工。"},
        # hand-written: 其中 marks a part; 全部 makes an enumeration a whole claim again
        {"id": "T002", "text": "新建5G基站500个。", "progress": "新建5G基站300个，其中城区站点已建成。"},
        {"id": "T003", "text": "完成15个乡镇老旧管网改造。", "progress": "完成9个乡镇老旧管网改造，江北、李渡、义和等乡镇已全部完成。"},
        {"id": "T004", "text": "新建5G基站500个。", "progress": "新建5G基站300个，项目已建成。"},
    ])
    assert [f.target["id"] for f in found(report, "A-CS-02")] == ["T003", "T004"]


def test_reported_status_against_evidence(tmp_path):
    report = audit_ws(tmp_path, [
        {"id": "T001", "text": "积极推进石沱移民码头项目。", "progress": "项目暂缓实施，近期无进展。", "reported_status": "正常"},
        {"id": "T002", "text": "积极推进石沱移民码头项目。", "progress": "项目暂缓实施。", "reported_status": "滞后"},
        {"id": "T003", "text": "进出口总额增长5%。", "progress": "前三季度，外贸进出口总额同比下降11.7%。", "reported_status": "正常"},
        {"id": "T004", "text": "地区生产总值增长6.5%。", "progress": "前三季度，GDP同比增长7.6%。", "reported_status": "正常"},
        {"id": "T005", "text": "地区生产总值增长6.5%。", "progress": "前三季度，GDP同比增长7.6%。", "reported_status": "滞后"},
    ])
    hits = {f.target["id"]: f for f in found(report, "A-CS-03")}
    assert set(hits) == {"T001", "T003", "T005"}
    assert hits["T001"].severity == "error" and hits["T001"].quote in ("暂缓", "项目暂缓实施", "近期无进展", "暂缓实施")
    assert hits["T003"].severity == "error" and "严重滞后" in hits["T003"].message
    assert hits["T005"].severity == "info"


def test_plan_aims_are_not_stale_forecasts(tmp_path):
    report = audit_ws(tmp_path, [
        {"id": "T001", "text": "力争6月底前开工建设冷链物流中心。", "progress": "冷链物流中心已于7月开工。"},
        {"id": "T002", "text": "加快建设冷链物流中心。", "progress": "预计6月底前开工，目前正在办理施工许可。"},
    ])
    assert [f.target["id"] for f in found(report, "A-DT-03")] == ["T002"]
