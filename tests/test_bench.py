"""`duban bench`: deterministic synthetic data, the in-memory pipeline equal to `duban check`, and the
JSON report. Performance targets live in the benchmark and docs/benchmarks.md, not here."""

from __future__ import annotations

import json

from click.testing import CliRunner

from engine.bench import synth
from engine.bench.command import bench_cmd
from engine.bench.district import write_workspace
from engine.bench.partition import build_result, derive_all, import_workspace
from engine.bench.pipeline import Options, run
from engine.check import run_check
from engine.judge.classify import classify
from engine.evaluate import make_evaluator
from engine.extract import read_progress
from engine.rulebook.load import load_rulebook

from .conftest import RULES


def test_synthetic_workspaces_are_deterministic_and_varied():
    a, b = synth.workspace(7, 3), synth.workspace(7, 3)
    assert [i.text for i in a.items] == [i.text for i in b.items] and a.progress == b.progress
    other = synth.workspace(8, 3)
    assert [i.text for i in a.items] != [i.text for i in other.items]
    texts = [t for p in a.progress.values() for t in p.values()]
    assert len(set(texts)) > 0.9 * len(texts)  # prose is varied, not rows copied
    assert sum(synth.layout(10_000)) * 4 == 10_000 and synth.layout(1_001) == [250, 1]


def test_synthetic_prose_reads_like_reports():
    ws = synth.workspace(2023, 1)
    readings = [read_progress(t, p) for p, texts in ws.progress.items() for t in texts.values()]
    with_numbers = sum(1 for r in readings if r["measures"])
    flagged = {f["name"] for r in readings for f in r["flags"]}
    stages = {r["stage"]["name"] for r in readings if r["stage"]}
    assert with_numbers > 0.6 * len(readings)
    assert {"暂缓", "被通报", "完成难度大", "预计完成"} <= flagged
    assert {"前期", "开工", "主体施工"} <= stages
    months = {r["data_period"]["end_month"] for r in readings if r["data_period"]}
    assert {2, 3, 5, 6, 8, 9} <= months  # current and stale data periods


def test_partition_result_equals_duban_check(tmp_path):
    book = load_rulebook(RULES)
    sw = synth.workspace(11, 0, items=60, indicators=6)
    periods = synth.PERIODS[:3]
    sw.progress = {p: sw.progress[p] for p in periods}
    path = write_workspace(sw, tmp_path / sw.name, periods)
    expected = run_check(path, periods[-1], engine="vectorised").result
    ws = import_workspace(sw)
    evaluator = make_evaluator("vectorised", book.rules)
    history, got = [], None
    for period, items, tp in derive_all(ws, book):
        judgements = classify(items, evaluator.evaluate([d.record for d in items]), book)
        got = build_result(ws, period, tp, judgements, history, book, "vectorised")
        history.append((period, {j.derived.item.id: j.status for j in judgements}))
    for key in ("tasks", "indicators", "summary", "history", "time_progress", "rules"):
        assert got[key] == expected[key], key


def test_pipeline_both_engines_identical_and_results_written(tmp_path):
    report = run(Options(facts=2_000, workers=2, out=tmp_path))
    assert report["facts"] == 2_000 and report["identical"] is True
    files = list(tmp_path.rglob("result.json"))
    assert len(files) == report["partitions"] == 8
    result = json.loads(files[0].read_text(encoding="utf-8"))
    assert result["schema"] == "duban/result@1" and result["engine"] == "durable_rules"
    assert {"import_extract", "derive", "evaluate:durable_rules", "evaluate:vectorised", "classify", "write"} <= set(report["stages"])


def test_bench_command_prints_the_documented_json():
    out = CliRunner().invoke(bench_cmd, ["--facts", "1000", "--workers", "1", "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    for key in ("facts", "stages", "total_s", "peak_rss_mb", "facts_per_s", "engines", "ratio_durable_vs_vectorised", "identical"):
        assert key in report
    assert set(report["engines"]) == {"durable_rules", "vectorised"} and report["identical"] is True
