"""The dashboard's 判定依据 cell shows the figure the status came from (completion ratio, growth, or the
reported fact when no figure decided), and keeps the technical provenance out of the clerk's view."""

from __future__ import annotations

import re
from types import SimpleNamespace

from engine.render.context import build_context
from engine.render.dashboard import decided, decided_figures, footer_facts
from engine.render.html import dashboard_html
from engine.render.templates import make_environment

from .test_render_context import fuling_result  # noqa: F401  (shared fixture)


def finding(title: str, **values):
    return SimpleNamespace(title=title, values=values)


def item(ratio=None, issues=(), time_progress=None):
    return SimpleNamespace(ratio=ratio, time_progress=time_progress, issues=tuple(issues))


def by_seq(ctx, seq):
    return next(t for t in ctx.tasks if t.seq == seq)


def test_fuling_growth_decided_task_shows_growth_not_its_ratio(fuling_result):
    ctx = build_context(fuling_result)
    figures = decided_figures(ctx)
    # 序号18: 严重滞后 because 战略性新兴产业产值 grew 5.7% against 15%; its 73% completion ratio is not why
    task = by_seq(ctx, "18")
    assert task.status == "严重滞后" and task.ratio is not None
    assert figures[task.id].kind == "growth" and figures[task.id].text == "增速5.7%，目标15%"
    # 序号77: 滞后 because it was 通报ed — no figure decided
    assert figures[by_seq(ctx, "77").id].kind == "words"
    assert "通报" in figures[by_seq(ctx, "77").id].text
    # 序号153: 滞后 on its completion ratio (2万 of 5万亩)
    assert figures[by_seq(ctx, "153").id].kind == "ratio"


def test_every_fuling_lagging_row_shows_the_kind_of_figure_its_deciding_rule_used(fuling_result):
    ctx = build_context(fuling_result)
    figures = decided_figures(ctx)
    for t in ctx.tasks:
        if t.status not in ("滞后", "严重滞后"):
            continue
        values = set(t.issues[0].values)
        kind = figures[t.id].kind
        assert kind == ("growth" if "growth_shortfall" in values else "ratio" if "shortfall" in values else "words"), t.seq


def test_hand_written_cases():  # hand-written
    # a stage-lagging task with a ratio: the deciding finding carries no figure, so the ratio is not shown as the cause
    stalled = item(ratio=0.8, issues=[finding("进展表述显示工作停滞")])
    assert decided(stalled, {}, 0.5).kind == "words"
    # a growth rule decided and the item also has a ratio
    growth = decided(item(ratio=0.9, issues=[finding("增速低于目标", growth_shortfall=3.0)]),
                     {"growth_actual": -2.5, "growth_target": 8.0}, 0.5)
    assert growth.kind == "growth" and growth.text == "增速-2.5%，目标8%" and growth.width(160) == "0.0"
    # a growth above its target fills the bar, never beyond it
    over = decided(item(issues=[finding("增速符合目标", growth_shortfall=-4.0)]), {"growth_actual": 12.0,
                                                                                     "growth_target": 8.0}, 0.5)
    assert over.width(160) == "160.0" and over.mark_at(160) == "160.0"
    # no deciding finding (a 正常 row): the ratio if there is one, with the period's time progress as the mark
    plain = decided(item(ratio=0.5), {}, 0.75)
    assert plain.kind == "ratio" and plain.width(160) == "80.0" and plain.mark_at(160) == "120.0"
    assert decided(item(), {}, 0.75).kind == "none"


def test_header_names_the_period_and_the_footer_keeps_the_digests(fuling_result):
    ctx = build_context(fuling_result)
    page = dashboard_html(make_environment(), ctx).decode("utf-8")
    header = re.search(r"<header>.*?</header>", page, re.S).group(0)
    assert "sha256" not in header and "工作区" not in header and ctx.as_of_cn in header
    footer = re.search(r"<footer>.*?</footer>", page, re.S).group(0)
    assert "<details" in footer and ctx.rules_digest in footer and ctx.data_digest in footer
    assert footer_facts(ctx) in footer


def test_table_rows_are_named_in_result_json_and_beside_the_dashboard_finding(fuling_result):
    rules = {r["id"]: r for r in fuling_result["rules"]}
    assert rules["R-TP-04"]["table"] == {"name": "时序进度", "row": 5}
    assert "table" not in rules["R-ST-01"]  # a rule file, not a table row
    ctx = build_context(fuling_result)
    page = dashboard_html(make_environment(), ctx).decode("utf-8")
    task = by_seq(ctx, "153")  # 滞后 by R-TP-04
    panel = page.split(f'id="explain-{task.id}"')[1].split("</tr>")[0]
    assert "R-TP-04 v1（决策表「时序进度」第 5 行）" in panel
