"""The rollup's per-workspace judging (engine/rollup/judge.py: facts read once, each period judged once, the
rulebook kept per process) gives exactly the rows that `duban check`'s own run gives, period by period —
also when a waiver that runs out mid-year makes an earlier period's judgement depend on the later as-of date."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from engine.bench import synth
from engine.bench.district import write_workspace
from engine.check import run_check
from engine.rollup import judge as judge_module
from engine.rollup.collect import jobs_for, rows_of
from engine.rollup.executor import by_workspace, serial
from engine.rollup.judge import judge_workspace, rulebook_for

ROOT = Path(__file__).resolve().parents[1]

# hand-written: a county's own phrasing — a school expansion counted in 所, a stalled bridge, a road in 公里
PLAN = """\
schema: duban/plan@1
region: 某某县
year: 2023
tasks:
  - id: T01
    seq: "1"
    text: 全年改扩建乡镇寄宿制学校8所。
    lead_units: [县教育局]
    leaders: [甲某]
    targets:
      - {quantity: 8.0, unit: 所, verb: 改扩建, verb_family: 建设, object: 乡镇寄宿制学校, kind: count, quote: 改扩建乡镇寄宿制学校8所, span: [2, 14]}
  - id: T02
    seq: "2"
    text: 年内建成通车沿河大桥。
    lead_units: [县交通运输局]
    leaders: [乙某]
    targets:
      - {kind: milestone, quote: 建成通车沿河大桥, span: [2, 10]}
  - id: T03
    seq: "3"
    text: 新改建农村公路60公里。
    lead_units: [县交通运输局, 县财政局]
    leaders: [乙某]
    targets:
      - {quantity: 60.0, unit: 公里, verb: 新改建, verb_family: 建设, object: 农村公路, kind: length, quote: 新改建农村公路60公里, span: [0, 11]}
"""


def progress(period: str, schools: int, bridge: str, road: float) -> str:
    return textwrap.dedent(f"""\
        schema: duban/progress@1
        period: {period}
        entries:
          T01:
            text: 目前已有{schools}所学校完成改扩建并投入使用。
            measures:
              - {{quantity: {schools}.0, unit: 所, verb: 改扩建, verb_family: 建设, object: 学校, kind: count, quote: {schools}所学校完成改扩建, span: [4, 12]}}
          T02: {bridge}
          T03:
            text: 累计完成农村公路新改建{road}公里，路基工程基本完工。
            measures:
              - {{quantity: {road}, unit: 公里, verb: 新改建, verb_family: 建设, object: 农村公路, kind: length, quote: 农村公路新改建{road}公里, span: [4, 15]}}
        """)


WAIVERS = """\
waivers:
  - item: T02
    rule: R-ST-01
    until: 2023-05-31
    reason: 汛期停工，经县政府同意暂缓至5月底
    approver: 县政府督查室
"""


@pytest.fixture(autouse=True)
def fresh_rulebook():
    """Each test loads the rules as they are on disk now, as its run_check does (the per-process cache is
    otherwise kept between tests)."""
    judge_module._CACHE.clear()
    yield
    judge_module._CACHE.clear()


@pytest.fixture
def county(tmp_path) -> Path:
    ws = tmp_path / "county"
    (ws / "progress").mkdir(parents=True)
    (ws / "plan.yaml").write_text(PLAN, encoding="utf-8")
    texts = {"2023-03": (1, "受汛期影响，大桥项目暂缓实施。", 8.5), "2023-06": (2, "大桥仍处于暂缓实施状态。", 21.0),
             "2023-09": (5, "大桥主体已合龙。", 44.0), "2023-12": (8, "大桥已建成通车。", 61.5)}
    for period, (schools, bridge, road) in texts.items():
        (ws / "progress" / f"{period}.yaml").write_text(progress(period, schools, bridge, road), encoding="utf-8")
    (ws / "waivers.yaml").write_text(WAIVERS, encoding="utf-8")
    return ws


def check_rows(ws: Path, engine: str = "vectorised") -> list[tuple]:
    """(period, rows) as run_check — one fresh load and a fresh judgement of every earlier period each time — gives them."""
    book = rulebook_for(None, engine)[0]
    return [(job.period, rows_of(run_check(ws, job.period, None, engine).result, job)) for job in jobs_for([ws], book.digest)]


def rollup_rows(ws: Path, engine: str = "vectorised") -> list[tuple]:
    book = rulebook_for(None, engine)[0]
    return [(job.period, rows) for job, rows, _ in judge_workspace(jobs_for([ws], book.digest), None, engine, book.digest)]


def test_hand_written_county_with_a_waiver_running_out(county):
    expected = check_rows(county)
    assert rollup_rows(county) == expected
    # the case is real: 2023-03 judged under its own as-of keeps the waiver, judged as the history of 2023-06 it has none
    march = run_check(county, "2023-03", None, "vectorised").result
    june = run_check(county, "2023-06", None, "vectorised").result
    bridge = next(t for t in march["tasks"] if t["id"] == "T02")
    assert any(f.get("waived") for f in bridge["findings"])
    assert june["history_statuses"]["2023-03"]["T02"] != bridge["status"]
    assert [p for p, _ in expected] == ["2023-03", "2023-06", "2023-09", "2023-12"]


def test_generated_county_and_the_shipped_example(tmp_path):
    sw = synth.workspace(2023, 7, items=60, indicators=5)
    generated = write_workspace(sw, tmp_path / sw.name, synth.PERIODS)
    fuling = tmp_path / "fuling-2023"
    shutil.copytree(ROOT / "facts" / "fuling-2023", fuling, ignore=shutil.ignore_patterns(".duban*"))
    for ws in (generated, fuling):
        expected = check_rows(ws)
        got = rollup_rows(ws)
        assert [p for p, _ in got] == [p for p, _ in expected]
        for (period, rows), (_, want) in zip(got, expected):
            assert rows == want, (ws.name, period)
        assert sum(len(rows["findings"]) for _, rows in got) > 0


def test_only_the_periods_asked_for_and_in_order(county):
    book = rulebook_for(None, "vectorised")[0]
    jobs = jobs_for([county], book.digest)
    later = [j for j in jobs if j.period >= "2023-09"]  # as after an edit of 2023-09: earlier periods stay unjudged
    got = judge_workspace(later, None, "vectorised", book.digest)
    assert [job.period for job, _, _ in got] == ["2023-09", "2023-12"]
    assert [rows for _, rows, _ in got] == [rows for p, rows in check_rows(county) if p >= "2023-09"]


def test_groups_keep_job_order(county, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(county, other)
    book = rulebook_for(None, "vectorised")[0]
    jobs = jobs_for([county, other], book.digest)
    assert [[j.workspace for j in g] for g in by_workspace(jobs)] == [["county"] * 4, ["other"] * 4]
    assert [(j.workspace, j.period) for j, _, _ in serial(jobs, None, "vectorised", book.digest)] == \
        [(j.workspace, j.period) for j in jobs]


def test_the_rulebook_is_reloaded_when_the_digest_changed(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    first = rulebook_for(rules, "vectorised")[0]
    assert rulebook_for(rules, "vectorised", first.digest)[0] is first  # kept for the next workspace
    rule = rules / "R-ST-01.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("title:", "title: 改 ", 1), encoding="utf-8")
    from engine.rulebook.load import load_rulebook

    changed = load_rulebook(rules).digest
    assert changed != first.digest
    again = rulebook_for(rules, "vectorised", changed)[0]
    assert again is not first and again.digest == changed


def test_national_set_is_the_same_from_one_or_two_processes(tmp_path):
    from engine.rollup.scale import write_national

    one = write_national(tmp_path / "one", 3, items=30)
    two = write_national(tmp_path / "two", 3, items=30, jobs=2)
    assert [p.name for p in one] == [p.name for p in two] == ["ws0000", "ws0001", "ws0002"]
    for a, b in zip(one, two):
        files = sorted(f.relative_to(a) for f in a.rglob("*.yaml"))
        assert files == sorted(f.relative_to(b) for f in b.rglob("*.yaml")) and len(files) == 5
        assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def test_dask_worker_judges_with_the_default_engine(county, tmp_path):
    """A Dask worker is a daemonic process, which may not fork durable_rules' guard process: the worker runs
    the engine in-process instead, and the tables are those of the serial run."""
    from click.testing import CliRunner

    from engine.cli import main

    outs = {}
    for executor in ("serial", "dask"):
        res = CliRunner().invoke(main, ["rollup", str(county), "--out", str(tmp_path / executor), "--executor", executor,
                                        "--workers", "1"], catch_exceptions=False)
        assert res.exit_code == 0, res.output
        outs[executor] = {p.name: p.read_bytes() for p in sorted((tmp_path / executor / "parquet").glob("*.parquet"))}
    assert outs["dask"] == outs["serial"] and len(outs["serial"]) == 6
