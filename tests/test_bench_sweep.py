"""`duban bench --sweep`: sizes parsed with Chinese errors, one point per size with per-fact CPU cost per
stage and peak RSS, the table and the hand-drawn plot. No timing is asserted (docs/benchmarks.md)."""

from __future__ import annotations

import json
import re

import pytest

from engine.bench.pipeline import Options
from engine.bench.plot import svg, to_png
from engine.bench.sweep import STAGES, parse_sizes, run_sweep, sweep_table
from engine.errors import InputError

from .test_render_html import needs_chromium


def test_sizes_are_read_like_the_documented_command():
    assert parse_sizes("1e3,1e4,1e5,1e6") == [1_000, 10_000, 100_000, 1_000_000]
    assert parse_sizes("5000， 1e3,1_000") == [1_000, 5_000]  # hand-written: a Chinese comma, repeats, underscores


@pytest.mark.parametrize("text, words", [("1e3,abc", "不是数字"), ("0", "之间的整数"), ("1.5e0", "之间的整数"), ("1e9", "之间的整数"), (",", "不是数字")])
def test_bad_sizes_are_chinese_errors(text, words):
    with pytest.raises(InputError) as err:
        parse_sizes(text)
    assert words in str(err.value) and "--sweep" in str(err.value)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    opts = Options(facts=0, workers=1, engines=("vectorised",), primary="vectorised", out=tmp_path_factory.mktemp("sweep"))
    return run_sweep(opts, [400, 1_200])


def test_one_point_per_size_with_every_stage_and_rss(swept):
    assert [p["facts"] for p in swept["points"]] == [400, 1_200]
    for point in swept["points"]:
        us = point["us_cpu_per_fact"]
        assert set(us) == {*STAGES, "total"} and us["import_extract"] > 0 and us["evaluate"] > 0
        assert abs(us["total"] - sum(us[s] for s in STAGES)) < 0.05
        assert point["peak_rss_mb"] > 0 and point["identical"] is True and len(point["load_average"]) == 3
    table = sweep_table(swept)
    assert "导入+抽取" in table and "| 1,200 |" in table and "负载" in table


def test_plot_draws_every_stage(swept):
    text = svg(swept)
    assert text.startswith("<svg") and text.count("<polyline") == len(STAGES) + 1
    for label in ("导入+抽取", "推导", "判定", "分类", "合计", "1,200"):
        assert label in text
    ys = [float(y) for y in re.findall(r",([\d.]+)", text.split('<polyline points="')[-1].split('"')[0])]
    assert all(0 <= y <= 520 for y in ys)
    with pytest.raises(InputError):
        svg({**swept, "points": swept["points"][:1]})


@needs_chromium
def test_plot_becomes_a_png(swept, tmp_path):
    png = tmp_path / "sweep.png"
    to_png(svg(swept), png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5_000


def test_sweep_json_is_plain(swept):
    assert json.loads(json.dumps(swept, ensure_ascii=False)) == swept
