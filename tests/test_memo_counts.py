"""The memo a clerk submits: every count in its text equals the rows of the list or annex it refers to, the
statuses add up to the total, no plan task is listed twice (a task under several 序号 is one row with all its
序号), annexes 1-4 in the office's columns — on the shipped Fuling example and on a hand-written district with
other phrasing, a duplicated task and a 待核实 task. Also: reason sentences never quote their own figure,
and the memo's date never silently precedes a data period it quotes."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import docx
import pytest

from engine.audit import run_audit
from engine.audit.checks.dates import later_periods
from engine.check import run_check
from engine.facts.plan_tasks import task_roots
from engine.render import render_outputs
from engine.render.context import build_context
from engine.render.memo_dates import date_warnings

from .conftest import run_cli
from .test_audit_checks import PERIOD, make_ws

ROOT = Path(__file__).resolve().parent.parent
FULING = ROOT / "facts" / "fuling-2023"
OFFICE_HEADS = {1: ["序号", "指标名称", "全年目标", "完成情况", "牵头责任单位"],
                2: ["序号", "目标任务", "完成情况", "牵头责任单位", "责任领导"],
                3: ["序号", "目标任务", "完成情况", "牵头责任单位"],
                4: ["序号", "目标任务", "完成情况", "牵头责任单位", "需核实的内容"]}
COUNT = r"(\d+)"


def read_md(text: str) -> dict:
    """The rendered memo.md as a reader sees it: the cover text, each heading's numbered items, each annex's
    header and rows (cells), and the 附件 list."""
    cover, annexes, items, heading = text.split("\n---\n")[0], {}, {}, None
    for line in cover.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("# ")
            items[heading] = []
        elif heading and re.match(r"^(\*\*)?\d+\.", line):
            items[heading].append(line)
    for block in re.split(r"\n## 附件", text)[1:]:
        number = int(block[0])
        rows = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in block.splitlines() if ln.startswith("| ")]
        annexes[number] = {"title": block.splitlines()[0], "head": rows[0] if rows else [], "rows": rows[1:]}
    return {"cover": cover, "items": items, "annexes": annexes}


def one(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    assert m, f"报告中找不到「{pattern}」"
    return int(m.group(1))


def check_memo(md: str, result: dict) -> dict:
    """Every assertion of the done-when list on one rendered memo.md; returns the counts it read."""
    memo = read_md(md)
    cover, annexes, items = memo["cover"], memo["annexes"], memo["items"]
    total = one(COUNT + "项重点工作任务中", cover)
    normal = one(COUNT + "项正常推进", cover)
    lagging = one(COUNT + "项推进较为滞后", cover)
    unclear = one(COUNT + "项需进一步核实", cover) if "项需进一步核实" in cover.split("主要指标中")[0] else 0
    adjusted = one(COUNT + "项经批准调整", cover) if "项经批准调整" in cover else 0
    assert normal + lagging + unclear + adjusted == total, "statuses add up to the total"
    assert [len(annexes[n]["rows"]) for n in (2, 3, 4)] == [lagging, normal, unclear]
    if adjusted:
        listed = cover.split("经批准调整的任务是：")[1].split("。")[0]
        assert len(listed.split("；")) == adjusted
    # the lagging section: one numbered item per lagging plan task, group titles count their items
    groups = {h: rows for h, rows in items.items() if re.match(r"（[一二]）", h)}
    assert sum(len(rows) for rows in groups.values()) == lagging
    for heading, rows in groups.items():
        assert one(r"（" + COUNT + r"项）", heading) == len(rows), heading
    if lagging and "严重滞后" in cover:
        serious = one(r"严重滞后" + COUNT + "项", cover)
        assert serious == sum(len(r) for h, r in groups.items() if "严重滞后" in h)
    # annex titles and the 附件 list state the rows they hold
    for n in (2, 3, 4):
        assert one(r"（" + COUNT + r"项）", annexes[n]["title"]) == len(annexes[n]["rows"])
        listed = re.search(rf"{n}\.[^\n（]*（{COUNT}项）", cover)
        assert listed and int(listed.group(1)) == len(annexes[n]["rows"])
    # indicators: the total and 不达预期 against 附件1 and section 三
    if result["indicators"]:
        assert one(COUNT + "项主要指标中", cover) == len(annexes[1]["rows"])
        missed = one(COUNT + "项不达预期", cover)
        assert missed == len(items["三、主要指标完成情况"])
        assert missed == sum(1 for r in annexes[1]["rows"] if r[3].endswith("（不达预期）"))
    # the office's columns
    for n, head in OFFICE_HEADS.items():
        assert annexes[n]["head"] == head, f"附件{n}"
    # no task twice: every progress-table row's 序号 is listed exactly once in annexes 2-4 (+ the adjusted
    # ones in the text), and the annexes hold one row per plan task
    seqs = Counter(s for n in (2, 3, 4) for r in annexes[n]["rows"] for s in r[0].split("、"))
    expected = Counter(t["seq"] or t["id"] for t in result["tasks"] if t["status"] != "已调整")
    assert seqs == expected
    root = task_roots(result["tasks"])
    assert total == len({root(t["id"]) for t in result["tasks"]})
    texts = [r[1] for n in (2, 3, 4) for r in annexes[n]["rows"]]
    assert len(texts) == len(set(zip(texts, (r[0] for n in (2, 3, 4) for r in annexes[n]["rows"]))))
    # prose, not bookkeeping
    assert "为同一任务" not in cover and "进展表序号" not in cover
    return {"total": total, "normal": normal, "lagging": lagging, "unclear": unclear, "adjusted": adjusted}


def reason_lines(md: str) -> list[str]:
    """The sentences after each bold lead-in of sections 二 and 三: the reasons."""
    return [m.group(1) for m in re.finditer(r"^\*\*\d+\.[^\n]*?\*\*([^\n]+)$", md.split("\n---\n")[0], re.M)]


def assert_no_quoted_own_figure(line: str) -> None:
    outside = re.sub(r"「[^」]*」", "", line)
    for quote in re.findall(r"「([^」]*)」", line):
        for figure in re.findall(r"\d+(?:\.\d+)?%?", quote):
            assert figure not in outside, f"理由重复引用了自己的数字：{line}"
    assert "「" not in line, f"理由中不带引文（引文留在附件和 duban explain 中）：{line}"


@pytest.fixture(scope="module")
def fuling():
    result = run_check(FULING, PERIOD, engine="vectorised").result
    return result, render_outputs(result, ["md", "html", "docx"], FULING)


def test_fuling_memo_counts_match_its_lists(fuling):
    result, out = fuling
    counts = check_memo(out["memo.md"].decode("utf-8"), result)
    assert counts["total"] < len(result["tasks"]), "Fuling lists some plan tasks under several 序号"
    assert counts["unclear"] > 0 and counts["lagging"] > 0
    md = out["memo.md"].decode("utf-8")
    assert "说明：进展表共" in md and "17和71" in md and "51、97、136和202" in md  # the rule, said once


def test_fuling_docx_and_html_say_the_same(fuling, tmp_path):
    """One wording source: the cover sentences and the annex rows are the same in the three formats."""
    result, out = fuling
    ctx = build_context(result)
    prose = ctx.memo.prose
    (tmp_path / "memo.docx").write_bytes(out["memo.docx"])
    document = docx.Document(tmp_path / "memo.docx")
    paragraphs = [p.text for p in document.paragraphs]
    html = out["memo.html"].decode("utf-8")
    md = out["memo.md"].decode("utf-8")
    sentences = [prose.tasks_overview, prose.indicators_overview, prose.note, prose.unclear_intro,
                 *(i.text for g in prose.lagging_groups for i in g.items), *(i.text for i in prose.indicator_items)]
    for sentence in sentences:
        assert sentence in paragraphs, sentence
        assert sentence.replace("“", "&#34;") in html.replace("<b class=\"lead\">", "").replace("</b>", "") or \
            sentence in html.replace("<b class=\"lead\">", "").replace("</b>", ""), sentence
        assert sentence in md.replace("**", ""), sentence
    for table, annex in zip(document.tables, ctx.memo.annexes):
        assert [c.text for c in table.rows[0].cells] == OFFICE_HEADS[annex.number]
        assert len(table.rows) - 1 == len(annex.rows) == html.split(f"<p class=\"annex-label\">附件{annex.number}</p>")[1] \
            .split("</table>")[0].count("<tr>") - 1


def test_fuling_reasons_do_not_quote_their_own_figure(fuling):
    result, out = fuling
    lines = reason_lines(out["memo.md"].decode("utf-8"))
    assert len(lines) == build_context(result).memo.counts.tasks_lagging + result["summary"]["indicators"]["不达预期"]
    for line in lines:
        assert_no_quoted_own_figure(line)
    md = out["memo.md"].decode("utf-8")
    assert "战略性新兴产业产值增速5.7%，低于年度目标9.3个百分点" in md
    assert "年度目标建成高标准农田5万亩，目前建设2万亩，完成40%，低于时序进度35个百分点" in md


def test_a_quoted_later_period_is_flagged_and_a_given_date_clears_it(tmp_path):
    """Dated with the as-of (2023年9月30日), the Fuling memo quotes 截至10月底: every such quote is flagged
    (check and audit alike); dated as the clerk gives it (--date), no quoted period is later than the date."""
    out = tmp_path / "default"
    proc = run_cli("check", FULING, "--period", PERIOD, "--out", out, "--format", "md")
    assert proc.returncode == 0, proc.stderr
    md = (out / "memo.md").read_text(encoding="utf-8")
    assert "\n2023年9月30日\n" in md
    later = {md[a:b] for a, b, _ in later_periods(md, "2023-09-30", 2023)}
    assert "截至10月底" in later
    flagged = [ln for ln in proc.stdout.splitlines() if ln.startswith("注意：报告日期 2023-09-30 早于")]
    assert {re.search(r"「([^」]+)」", ln).group(1) for ln in flagged} == later
    audit = run_audit(FULING, PERIOD, memo=out / "memo.md")
    quotes = [f.quote for f in audit.findings if f.check == "A-MM-07"]
    assert all(any(period in q for q in quotes) for period in later), "the audit flags every later period too"

    dated = tmp_path / "dated"
    proc = run_cli("check", FULING, "--period", PERIOD, "--out", dated, "--format", "md,docx", "--date", "2023-11-10")
    assert proc.returncode == 0, proc.stderr
    assert "注意：" not in proc.stdout
    md = (dated / "memo.md").read_text(encoding="utf-8")
    assert "\n2023年11月10日\n" in md and list(later_periods(md, "2023-11-10", 2023)) == []
    assert docx.Document(dated / "memo.docx").paragraphs and "2023年11月10日" in \
        [p.text for p in docx.Document(dated / "memo.docx").paragraphs]
    assert not [f for f in run_audit(FULING, PERIOD, memo=dated / "memo.md").findings if f.check == "A-MM-07"]


def test_a_bad_date_is_refused_in_chinese(tmp_path):
    proc = run_cli("check", FULING, "--period", PERIOD, "--out", tmp_path, "--date", "2023-02-30", "--format", "md")
    assert proc.returncode == 2 and "--date" in proc.stderr and "不是有效的日期" in proc.stderr
    assert not (tmp_path / "memo.md").exists()


# hand-written: another district, other phrasing, a task listed twice (once 滞后, once 正常: it counts once,
# as 滞后), a task without progress (待核实), a stall in the unit's own words
TASKS = [
    {"id": "T001", "seq": "1", "text": "全年新建5G基站300个。", "progress": "截至9月底，已建成5G基站90个。",
     "lead_units": ["县经信局"]},
    {"id": "T002", "seq": "2", "text": "推动社会消费品零售总额增长8%。", "progress": "1-9月，社会消费品零售总额同比增长2.1%。",
     "lead_units": ["县商务局"]},
    {"id": "T003", "seq": "3", "text": "完成老旧小区改造20个。", "progress": "已完成老旧小区改造17个，其余3个正在施工。",
     "lead_units": ["县住建委"]},
    {"id": "T004", "seq": "4", "text": "建成县城污水处理厂三期工程。", "progress": "因征地拆迁未完成，项目暂停施工。",
     "lead_units": ["县水务局"]},
    {"id": "T005", "seq": "5", "text": "新增城镇就业岗位6000个。", "progress": None, "lead_units": ["县人力社保局"]},
    {"id": "T006", "seq": "12", "text": "全年新建5G基站300个。", "progress": "5G基站建设按计划推进，已完成年度任务的80%。",
     "lead_units": ["县经信局"], "duplicate_of": "T001"},
]


@pytest.fixture(scope="module")
def district(tmp_path_factory):  # hand-written
    root = make_ws(tmp_path_factory.mktemp("memo-counts") / "ws", TASKS)
    result = run_check(root, PERIOD).result
    return root, result, render_outputs(result, ["md", "docx"], root)


def test_hand_written_district_counts_match_its_lists(district):  # hand-written
    _, result, out = district
    statuses = {t["id"]: t["status"] for t in result["tasks"]}
    assert statuses["T001"] in ("滞后", "严重滞后") and statuses["T006"] not in ("滞后", "严重滞后")
    assert statuses["T005"] == "待核实"
    counts = check_memo(out["memo.md"].decode("utf-8"), result)
    assert counts["total"] == 5 and counts["unclear"] == 1
    md = out["memo.md"].decode("utf-8")
    annex2 = read_md(md)["annexes"][2]["rows"]
    assert ["1、12"] == [r[0] for r in annex2 if "5G基站" in r[1]], "the duplicated task once, with both 序号"
    assert "1、12" not in "".join(r[0] for r in read_md(md)["annexes"][3]["rows"])
    for line in reason_lines(md):
        assert_no_quoted_own_figure(line)


def test_hand_written_district_docx_has_the_same_rows(district, tmp_path):  # hand-written
    _, result, out = district
    (tmp_path / "memo.docx").write_bytes(out["memo.docx"])
    tables = docx.Document(tmp_path / "memo.docx").tables
    memo = read_md(out["memo.md"].decode("utf-8"))
    assert [len(t.rows) - 1 for t in tables[1:]] == [len(memo["annexes"][n]["rows"]) for n in (2, 3, 4)]
    assert [[c.text for c in t.rows[0].cells] for t in tables] == [OFFICE_HEADS[n] for n in (1, 2, 3, 4)]


def test_hand_written_memo_passes_the_audit(district, tmp_path):  # hand-written
    root, _, out = district
    path = tmp_path / "memo.md"
    path.write_bytes(out["memo.md"])
    report = run_audit(root, PERIOD, memo=path)
    errors = [f for f in report.findings if f.check.startswith("A-MM") and f.severity == "error"]
    assert errors == []


def test_date_flag_on_hand_written_texts():  # hand-written
    result = {"as_of": "2023-06-30", "period": "2023-06", "year": 2023, "indicators": [],
              "tasks": [{"id": "T1", "seq": "7", "progress_text": "截至2023年7月15日，完成投资3亿元；预计10月底完工。"},
                        {"id": "T2", "seq": "8", "progress_text": "1-6月完成产值12亿元。"}]}
    lines = date_warnings(result)
    assert len(lines) == 1 and "序号 7" in lines[0] and "截至2023年7月15日" in lines[0]
    assert date_warnings(result, "2023-07-20") == []


def test_notices_are_dated_with_the_memo(fuling):
    """A memo dated 2023-11-10 sends notices signed that day, with a reply deadline 15 days later (not from the as-of)."""
    result, _ = fuling
    ctx = build_context(result, "2023-11-10")
    assert ctx.date_cn == ctx.memo.date_cn == "2023年11月10日" and ctx.as_of == "2023-09-30"
    assert {n.reply_deadline for n in ctx.notices} == {"2023-11-25"}
    out = render_outputs(result, ["md"], FULING, "2023-11-10")
    notice = out[f"notices/{ctx.notices[0].file_stem}.md"].decode("utf-8")
    assert "\n2023年11月10日\n" in notice and "数据截至2023年9月30日" in notice
    assert build_context(result).notices[0].reply_deadline == "2023-10-15"


def test_leader_pages_count_what_they_list(district):  # hand-written
    """分管 N 项任务：A 项正常推进，B 项推进较为滞后，C 项需核实 — per plan task, and B items listed."""
    _, result, out = district
    page = out[f"leaders/{build_context(result).leaders[0].file_stem}.md"].decode("utf-8")
    total, normal, lagging, unclear = map(int, re.search(
        r"分管 (\d+) 项任务：(\d+) 项正常推进，(\d+) 项推进较为滞后，(\d+) 项需核实", page).groups())
    assert (total, normal, lagging, unclear) == (5, 1, 3, 1)
    listed = page.split("## 推进较为滞后的任务")[1].split("## 需核实的任务")[0]
    assert len(re.findall(r"^\d+\. ", listed, re.M)) == lagging
