"""memo.html and dashboard.html: self-contained, escaped, and working in a real headless Chromium (counts, an
explanation opened through the click handler, filters, a screenshot). Chromium is driven with --dump-dom and
--screenshot only: no network-fetching driver."""

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

from engine.render import write_outputs
from engine.render.context import build_context

from .test_render_context import fuling_result  # noqa: F401  (shared fixture)

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
    for key in ("tasks_total", "tasks_lagging", "tasks_unclear", "indicators_missed"):
        assert f'id="count-{key}"><b>{getattr(ctx.counts, key)}</b>' in page
    assert page.count('<svg class="bar"') == len(result["tasks"]) + len(result["indicators"])
    task = next(t for t in ctx.tasks if t.ratio is not None and 0 < t.ratio < 1)
    row = page.split(f'id="task-{task.id}"')[1].split("</tr>")[0]
    assert f'width="{160 * task.ratio:.1f}"' in row and f'x1="{160 * ctx.time_progress:.1f}"' in row


def test_memo_html_counts(site):
    out, result, ctx = site
    page = (out / "memo.html").read_text(encoding="utf-8")
    c = ctx.counts
    assert f"{c.tasks_total}项重点工作任务中，{c.tasks_normal}项正常推进，{c.tasks_lagging}项推进较为滞后" in page
    assert page.count('<p class="lag"') == sum(len(g.tasks) for g in ctx.lagging_groups)
    assert page.count("annex-page") >= 3


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
    assert f'id="count-tasks_lagging"><b>{ctx.counts.tasks_lagging}</b>' in dom
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
    assert f"显示 {len(expected)} / {len(ctx.tasks)} 项任务" in dom
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
