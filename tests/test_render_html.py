"""memo.html and dashboard.html: self-contained, escaped, and working in a real headless Chromium (counts, an
explanation opened through the click handler, filters, the report's 序号 order and sorting, the chart section's
numbers against result.json, the trend over several periods, printing, a screenshot). Chromium is driven with
--dump-dom, --screenshot and --print-to-pdf only: no network-fetching driver."""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import re
import shutil
import struct
import subprocess
from urllib.parse import quote

import pytest

from engine.check import run_check
from engine.render import write_outputs
from engine.render.context import build_context
from engine.render.dashboard import decided_figures, report_order, seq_key

from .test_render_context import fuling_result  # noqa: F401  (shared fixture)

LAGGING = ("滞后", "严重滞后")
XSS = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=\"document.title='pwned'\">"


@pytest.fixture(scope="module")
def site(tmp_path_factory, fuling_result):
    hostile = copy.deepcopy(fuling_result)
    normal = [t for t in hostile["tasks"] if t["status"] == "正常"]
    normal[0]["text"] = f"任务{XSS}结束"
    normal[1]["progress_text"] = XSS_IMG
    out = tmp_path_factory.mktemp("html")
    write_outputs(hostile, out, ["html"])
    return out, hostile, build_context(hostile)


def test_self_contained(site):
    out, _, _ = site
    for name in ("dashboard.html", "memo.html"):
        page = (out / name).read_text(encoding="utf-8")
        assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", page), name
        assert "<link" not in page and "@import" not in page and "url(" not in page, name
        assert "default-src 'none'" in page, name


def test_text_is_escaped(site):
    out, _, _ = site
    for name in ("dashboard.html", "memo.html"):
        page = (out / name).read_text(encoding="utf-8")
        assert XSS not in page and "<img" not in page, name
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    assert html.escape(XSS, quote=False) in page or "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 1, "only the dashboard's own script"


def test_only_the_shipped_script_may_run(site):
    out, _, _ = site
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page


def test_counts_and_bars(site):
    out, result, ctx = site
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    plan = [t["status"] for t in plan_tasks(result)]  # the cards count plan tasks, as the memo does
    cards = {"tasks_total": len(plan), "tasks_lagging": sum(s in LAGGING for s in plan), "tasks_unclear": plan.count("待核实"),
             "indicators_missed": sum(i["status"] == "不达预期" for i in result["indicators"])}
    for key, value in cards.items():
        assert f'id="count-{key}"><b>{value}</b>' in page
        assert value == getattr(ctx.memo.counts, key)
    assert f"（进展表 {len(result['tasks'])} 行）" in page
    kinds = [d.kind for d in decided_figures(ctx).values()]
    assert page.count('<svg class="bar"') == kinds.count("ratio")
    assert page.count('<svg class="bar growth"') == kinds.count("growth") > 0
    decided = decided_figures(ctx)
    task = next(t for t in ctx.tasks if decided[t.id].kind == "ratio" and 0 < t.ratio < 1)
    row = page.split(f'id="task-{task.id}"')[1].split("</tr>")[0]
    assert f'width="{160 * task.ratio:.1f}"' in row and f'x1="{160 * ctx.time_progress:.1f}"' in row


def test_memo_html_counts(site):
    out, result, ctx = site
    page = (out / "memo.html").read_text(encoding="utf-8")
    c = ctx.memo.counts  # per plan task, as the annexes list them
    assert f"{c.tasks_total}项重点工作任务中，{c.tasks_normal}项正常推进，{c.tasks_lagging}项推进较为滞后" in page
    assert page.count('<p class="lag"') == len(ctx.memo.lagging) == c.tasks_lagging
    assert page.count('<section class="annex-page">') == 4


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


needs_chromium = pytest.mark.skipif(chromium() is None, reason="Chromium 未安装（.ci/run 会安装 Debian 包 chromium）")


def run_chromium(tmp_path, *args) -> subprocess.CompletedProcess:
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
           "--disable-extensions", f"--user-data-dir={tmp_path / 'chromium-profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, encoding="utf-8")


def dump_dom(tmp_path, url: str) -> str:
    proc = run_chromium(tmp_path, "--dump-dom", url)
    assert "<html" in proc.stdout, proc.stderr[-2000:]
    return proc.stdout


def explain_rows(dom: str) -> dict[str, bool]:
    """{task id: visible} for every explanation row in a serialised DOM."""
    rows = re.findall(r'<tr class="explain" id="explain-([^"]+)"([^>]*)>', dom)
    return {tid: "hidden" not in attrs for tid, attrs in rows}


def lagging_with_quote(ctx):
    return next(t for t in ctx.lagging_tasks if any(f.quote for f in t.issues))


@needs_chromium
def test_click_opens_the_explanation(site, tmp_path):
    out, _, ctx = site
    task = lagging_with_quote(ctx)
    url = (out / "dashboard.html").as_uri()
    closed = explain_rows(dump_dom(tmp_path, url))
    assert closed and not any(closed.values()), "all explanations start closed"
    dom = dump_dom(tmp_path, f"{url}#task={task.id}")  # the page clicks that row: the real click handler runs
    rows = explain_rows(dom)
    assert rows[task.id] and sum(rows.values()) == 1
    assert re.search(rf'id="task-{task.id}"[^>]*aria-expanded="true"', dom)
    panel = dom.split(f'id="explain-{task.id}"')[1].split("</tr>")[0]
    finding = next(f for f in task.issues if f.quote)
    assert finding.rule in panel and html.escape(finding.quote, quote=False) in panel
    assert html.escape(finding.message, quote=False) in panel
    assert f'id="count-tasks_lagging"><b>{ctx.memo.counts.tasks_lagging}</b>' in dom
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom).group(1)


@needs_chromium
def test_filters_by_unit_and_status(site, tmp_path):
    out, _, ctx = site
    task = lagging_with_quote(ctx)
    unit = task.lead_units[0]
    dom = dump_dom(tmp_path, f"{(out / 'dashboard.html').as_uri()}#unit={quote(unit)}&status={quote(task.status)}")
    visible = set(re.findall(r'<tr class="item [a-z]+" id="task-([^"]+)" data-task="[^"]+" data-kind="task"(?![^>]*hidden)', dom))
    expected = {t.id for t in ctx.tasks if unit in t.lead_units and t.status == task.status}
    assert visible == expected and task.id in visible
    assert f"显示 {len(expected)} / {len(ctx.tasks)} 行" in dom
    leader = task.leaders[0]
    dom = dump_dom(tmp_path, f"{(out / 'dashboard.html').as_uri()}#leader={quote(leader)}")
    visible = set(re.findall(r'<tr class="item [a-z]+" id="task-([^"]+)" data-task="[^"]+" data-kind="task"(?![^>]*hidden)', dom))
    assert visible == {t.id for t in ctx.tasks if leader in t.leaders}
    assert 'id="indicators"' in dom and re.search(r'<section class="block" hidden', dom), "指标没有区领导：该表整体隐藏"


@needs_chromium
def test_screenshot(site, tmp_path):
    out, _, ctx = site
    task = lagging_with_quote(ctx)
    png = tmp_path / "dashboard.png"
    url = f"{(out / 'dashboard.html').as_uri()}#status={quote(task.status)}&task={task.id}"
    proc = run_chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,2000", "--hide-scrollbars", url)
    assert png.exists(), proc.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 2000)
    assert len(data) > 50_000, "a blank page compresses to a few kilobytes"
    shutil.copy(png, out / "dashboard.png")  # kept next to the dashboard for a person to look at


# ---- the report's order, the charts, the trend ------------------------------------------------------------


def test_seq_key_reads_the_number_a_seq_means():
    # hand-written: other districts number rows in full-width digits, Chinese numerals, brackets, sub-numbers
    cases = {"12": (12,), "１２": (12,), "十二": (12,), "（十二）": (12,), "第3项": (3,), "3-2": (3, 2), "12.1": (12, 1),
             "一百零五": (105,), " 7 ": (7,), "": None, None: None, "甲": None, "★": None}
    for seq, expected in cases.items():
        assert seq_key(seq) == expected, seq


def test_report_order_is_numeric_and_unnumbered_rows_keep_plan_order(site):
    _, _, ctx = site
    ordered = report_order(ctx.tasks)
    numbers = [int(t.seq) for t in ordered]
    assert numbers == sorted(int(t.seq) for t in ctx.tasks)
    assert [t.seq for t in ctx.tasks[:4]] != [t.seq for t in ordered[:4]], "Fuling's plan order is not the report's"
    # hand-written: 序号 as text sorts 1, 10, 2; a row without one goes last, after the numbered rows, in plan order
    from dataclasses import replace
    base = ctx.tasks[0]
    rows = [replace(base, id=i, seq=s) for i, s in (("a", "10"), ("b", ""), ("c", "二"), ("d", "1"), ("e", "备注"))]
    assert [r.id for r in report_order(rows)] == ["d", "c", "a", "b", "e"]


def expected_shares(result, groups_of):
    """{group: (tasks, lagging, serious)} counted straight from result.json's task rows."""
    out: dict[str, list[int]] = {}
    for t in plan_tasks(result):
        for g in groups_of(t):
            row = out.setdefault(g, [0, 0, 0])
            row[0] += 1
            row[1] += t["status"] in LAGGING
            row[2] += t["status"] == "严重滞后"
    return {g: tuple(v) for g, v in out.items()}


def plan_tasks(result: dict) -> list[dict]:
    """One row per plan task, the most urgent of its rows — counted here independently of engine/facts/plan_tasks.py."""
    rank = ["严重滞后", "滞后", "待核实", "已调整", "正常", "超时序", "已完成"]
    by_id = {t["id"]: t for t in result["tasks"]}
    groups: dict[str, list[dict]] = {}
    for t in result["tasks"]:
        root = t["id"]
        while by_id.get(root, {}).get("duplicate_of") in by_id:
            root = by_id[root]["duplicate_of"]
        groups.setdefault(root, []).append(t)
    return [min(rows, key=lambda r: rank.index(r["status"]) if r["status"] in rank else len(rank)) for rows in groups.values()]


GROUPINGS = {"unit": lambda t: t["lead_units"] or ["（未注明责任单位）"],
             "leader": lambda t: t["leaders"] or ["（未注明区领导）"],
             "category": lambda t: [t["category"] or "未分类"]}


def chart_bars(page: str, key: str) -> dict[str, tuple[int, int, int]]:
    svg = page.split(f'id="chart-{key}"')[1].split("</svg>")[0]
    bars = re.findall(r'<g class="share" data-group="([^"]*)" data-total="(\d+)" data-lagging="(\d+)" data-serious="(\d+)"', svg)
    return {html.unescape(g): (int(a), int(b), int(c)) for g, a, b, c in bars}


def check_charts(page: str, result: dict) -> None:
    for key, groups_of in GROUPINGS.items():
        expected = expected_shares(result, groups_of)
        drawn = chart_bars(page, key)
        assert drawn, key
        assert all(expected[g] == v for g, v in drawn.items()), key
        missing = set(expected) - set(drawn)
        assert all(expected[g][1] == 0 for g in missing), f"{key}: a group with a lagging task is always drawn"
        if missing:
            assert f"另有 {len(missing)} 个" in page.split(f'id="figure-{key}"')[1].split("</figure>")[0]
        shares = [v[1] / v[0] for v in drawn.values()]
        assert shares == sorted(shares, reverse=True), f"{key}: highest share first"
    lagging = sum(t["status"] in LAGGING for t in plan_tasks(result))
    assert sum(v[1] for v in chart_bars(page, "category").values()) == lagging


def test_chart_numbers_match_result_json(site):
    out, result, _ = site
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    check_charts(page, result)
    unit = chart_bars(page, "unit")
    assert len(unit) == len({u for t in plan_tasks(result) if t["status"] in LAGGING for u in t["lead_units"]})
    # Fuling lists some plan tasks under two 序号 (17/71, 18/72 …): they count once, as in the memo
    assert len(plan_tasks(result)) < len(result["tasks"])
    assert 'id="trends"' not in page, "one period: no trend"


def test_chart_bars_on_a_hand_written_district(site, tmp_path):
    # hand-written: few units (all drawn, including one with nothing lagging), no categories, no leaders
    _, result, _ = site
    small = copy.deepcopy(result)
    small["tasks"] = copy.deepcopy(result["tasks"][:6])
    statuses = ["严重滞后", "滞后", "正常", "正常", "待核实", "已完成"]
    units = [["甲镇"], ["甲镇", "乙街道"], ["甲镇"], ["乙街道"], ["丙局"], ["丙局"]]
    for t, st, u in zip(small["tasks"], statuses, units):
        t.update(status=st, lead_units=u, leaders=[], category=None, findings=[], escalation={"step": None})
    small["summary"]["tasks"] = {s: statuses.count(s) for s in dict.fromkeys(statuses)}
    write_outputs(small, tmp_path, ["html"])
    page = (tmp_path / "dashboard.html").read_text(encoding="utf-8")
    assert chart_bars(page, "unit") == {"甲镇": (3, 2, 1), "乙街道": (2, 1, 0), "丙局": (2, 0, 0)}
    assert list(chart_bars(page, "unit")) == ["甲镇", "乙街道", "丙局"]
    assert chart_bars(page, "category") == {"未分类": (6, 2, 1)}
    assert chart_bars(page, "leader") == {"（未注明区领导）": (6, 2, 1)}
    check_charts(page, small)


PLAN = """\
schema: duban/plan@1
region: 测试区
year: 2024
tasks:
  - id: T001
    seq: "2"
    text: 新建社区健身点100个。
    lead_units: [区体育局]
    targets:
      - {quantity: 100.0, unit: 个, verb: 新建, verb_family: 建设, object: 社区健身点, kind: count, quote: 新建社区健身点100个, span: [0, 10]}
  - id: T002
    seq: "1"
    text: 建成投用某大桥。
    lead_units: [区交通局, 区体育局]
    targets:
      - {kind: milestone, quote: 建成投用某大桥, span: [0, 7]}
"""


def progress(period: str, built: int, bridge: str) -> str:
    return (f"schema: duban/progress@1\nperiod: {period}\nentries:\n  T001:\n    text: 已新建社区健身点{built}个。\n"
            f"    measures:\n      - {{quantity: {built}, unit: 个, verb: 新建, verb_family: 建设, object: 社区健身点, kind: count, "
            f"quote: 新建社区健身点{built}个, span: [0, 5]}}\n  T002: {bridge}\n")


@pytest.fixture(scope="module")
def three_periods(tmp_path_factory):
    """hand-written: a small district with three quarters, where one unit catches up and the other falls behind."""
    ws = tmp_path_factory.mktemp("trend") / "ws"
    (ws / "progress").mkdir(parents=True)
    (ws / "plan.yaml").write_text(PLAN, encoding="utf-8")
    for period, built, bridge in (("2024-03", 5, "项目暂缓实施。"), ("2024-06", 50, "项目仍暂缓实施。"),
                                  ("2024-09", 80, "主体工程已完工，已建成投用。")):
        (ws / "progress" / f"{period}.yaml").write_text(progress(period, built, bridge), encoding="utf-8")
    result = run_check(ws, "2024-09", engine="vectorised").result
    out = ws.parent / "out"
    write_outputs(result, out, ["html", "json"])
    return out, result


def trend_points(page: str) -> dict[str, list[tuple[str, int, int]]]:
    out = {}
    for unit, svg in re.findall(r'<figure class="trend-block" data-unit="([^"]+)">(.*?)</figure>', page, re.S):
        out[unit] = [(p, int(t), int(lag)) for p, t, lag in
                     re.findall(r'data-period="([^"]+)" data-total="(\d+)" data-lagging="(\d+)"', svg)]
    return out


def test_trend_per_unit_over_periods(three_periods):
    out, result = three_periods
    assert result["history"] == ["2024-03", "2024-06"]
    assert set(result["history_statuses"]) == {"2024-03", "2024-06"}
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    points = trend_points(page)
    periods = [*result["history"], result["period"]]
    statuses = {**result["history_statuses"], result["period"]: {t["id"]: t["status"] for t in result["tasks"]}}
    assert points, "several periods: the trend is drawn"
    for unit, drawn in points.items():
        mine = [t["id"] for t in result["tasks"] if unit in t["lead_units"]]
        assert drawn == [(p, len(mine), sum(statuses[p][i] in LAGGING for i in mine)) for p in periods], unit
    assert any(lag for _, _, lag in points["区交通局"][:2]), "the bridge lagged before it was finished"
    assert "3 期" in page or "3期" in page
    rows = re.findall(r'<tr class="item [a-z]+" id="task-([^"]+)"', page)
    assert rows[:2] == ["T002", "T001"], "序号 1 before 序号 2, whatever the plan's order"


@needs_chromium
def test_first_rows_follow_the_report_seq_and_charts_match(site, tmp_path):
    out, result, _ = site
    dom = dump_dom(tmp_path, (out / "dashboard.html").as_uri())
    body = dom.split('id="tasks"')[1].split("</table>")[0]
    seqs = re.findall(r'data-kind="task"[^>]*>\s*<td class="no">([^<]*)</td>', body)
    assert len(seqs) == len(result["tasks"])
    assert [int(s) for s in seqs[:20]] == sorted(int(t["seq"]) for t in result["tasks"])[:20]
    assert seqs[:3] == ["1", "2", "3"]
    check_charts(dom, result)


def row_order(dom: str) -> list[str]:
    body = dom.split('id="tasks"')[1].split("</table>")[0]
    return re.findall(r'<tr class="item [a-z]+" id="task-([^"]+)"', body)


@needs_chromium
def test_sorting_by_a_column_and_back(site, tmp_path):
    out, result, ctx = site
    url = (out / "dashboard.html").as_uri()
    dom = dump_dom(tmp_path, f"{url}#sort=ratio&dir=desc")
    order = row_order(dom)
    by_id = {t["id"]: t for t in result["tasks"]}
    ratios = [(by_id[i].get("metrics") or {}).get("ratio") for i in order]
    known = [r for r in ratios if r is not None]
    assert known and known == sorted(known, reverse=True)
    assert all(r is None for r in ratios[len(known):]), "rows without a ratio last"
    assert re.search(r'<th aria-sort="descending"><button type="button" class="sort" data-sort="ratio"', dom)
    # every explanation row still follows its own task row
    body = dom.split('id="tasks"')[1].split("</table>")[0]
    pairs = re.findall(r'id="task-([^"]+)".*?<tr class="explain" id="explain-([^"]+)"', body, re.S)
    assert pairs and all(a == b for a, b in pairs)
    dom = dump_dom(tmp_path, f"{url}#sort=status")
    urgency = {"严重滞后": 0, "滞后": 1, "待核实": 2, "已调整": 3, "正常": 3, "超时序": 4, "已完成": 5}
    seen = [urgency[by_id[i]["status"]] for i in row_order(dom)]
    assert seen == sorted(seen) and seen[0] == 0
    dom = dump_dom(tmp_path, f"{url}#sort=no")
    assert row_order(dom) == [t.id for t in report_order(ctx.tasks)]


@needs_chromium
def test_prints_charts_without_the_controls(site, tmp_path):
    out, _, _ = site
    pdf = tmp_path / "dashboard.pdf"
    proc = run_chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", (out / "dashboard.html").as_uri())
    assert pdf.exists(), proc.stderr[-2000:]
    data = pdf.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 3, "charts, then the task table from a new page"
    if shutil.which("pdftotext"):
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                                 timeout=60).stdout)
        assert "推进较为滞后的任务占比" in text and "按责任单位" in text
        assert "点击一行查看判定依据" not in text, "the filter bar is not printed"
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    assert "@media print" in page and ".filters, tr.explain { display: none !important; }" in page
