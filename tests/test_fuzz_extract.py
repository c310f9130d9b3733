"""Fuzz: the extractor on random prose — Chinese words, digits in every width, units, odd Unicode.

Properties (docs/interfaces.md §2): read_targets / read_progress / match_targets never raise and return
well-formed, YAML-serialisable dicts; every quote is exactly text[span]; one match per target, pointing at
a real measure. Time is bounded: long inputs run in a child process under a timeout.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.extract import match_targets, read_progress, read_targets

from .fuzz_settings import cn_text, fuzz, run_python_limited

periods = st.sampled_from(["2023-09", "2023-03", "2023-12", "2024-06", None, "bad", "2023-13", "0000-00", ""])
KINDS = {"growth", "amount", "count", "ratio", "milestone", "qualitative", "progress_pct"}


def _check_span(item: dict, text: str) -> None:
    start, end = item["span"]
    assert isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text), item
    assert item["quote"] == text[start:end], (item, text)


@fuzz(quick=120, deep=4000)
@given(text=cn_text)
def test_targets_are_well_formed(text):
    targets = read_targets(text)
    assert isinstance(targets, list)
    for target in targets:
        _check_span(target, text)
        assert target["kind"] in KINDS
        assert target["quantity"] is None or isinstance(target["quantity"], (int, float))
    yaml.safe_dump(targets, allow_unicode=True)  # stored in the facts as is


@fuzz(quick=120, deep=4000)
@given(text=cn_text, period=periods)
def test_progress_readings_are_well_formed(text, period):
    reading = read_progress(text, period)
    assert set(reading) >= {"measures", "data_period", "stage", "flags"}
    for item in reading["measures"] + reading["flags"] + ([reading["stage"]] if reading["stage"] else []):
        _check_span(item, text)
    for measure in reading["measures"]:
        assert isinstance(measure["quantity"], (int, float)) and measure["kind"] in KINDS
    yaml.safe_dump(reading, allow_unicode=True)


@fuzz(quick=80, deep=3000)
@given(target_text=cn_text, progress_text=cn_text, period=periods)
def test_matches_point_at_real_targets_and_measures(target_text, progress_text, period):
    targets = read_targets(target_text)
    reading = read_progress(progress_text, period)
    matches = match_targets(targets, reading, period)
    assert [m["target"] for m in matches] == list(range(len(targets)))
    for match in matches:
        assert match["measure"] is None or 0 <= match["measure"] < len(reading["measures"])
        assert isinstance(match.get("reason", ""), str)
        for key in ("actual", "ratio", "growth"):
            assert match.get(key) is None or isinstance(match[key], (int, float))


@pytest.mark.parametrize("text", ["", " ", "\x00", "\ufeff", "9" * 300, "一" * 300, "%" * 300, "（" * 300, "1-9月" * 100,
                                  "增长-6.8%", "－５．５％", "1e308亿元", "0.0000000001万人", "9" * 30 + "万元",
                                  "百分之点", "百分之五十百", "百分之五十百分之五十", "9" * 31 + "万元", "一" * 40 + "个"])
def test_degenerate_texts(text):
    for target in read_targets(text):
        _check_span(target, text)
    reading = read_progress(text, "2023-09")
    for measure in reading["measures"]:
        _check_span(measure, text)


def _timed(expr: str, timeout: float) -> None:
    code = ("import resource, time\nfrom engine.extract import read_targets, read_progress\n"
            "from engine.extract.lexicon import get_lexicon\nget_lexicon()\n"
            f"start = time.monotonic()\n{expr}\nprint(round(time.monotonic() - start, 2))\n")
    proc = run_python_limited(code, timeout=timeout, memory_mb=2048)
    assert proc.returncode == 0, proc.stderr[-400:]


def test_ordinary_long_progress_text_is_linear():
    _timed("read_progress('已完成投资1.5亿元，新建道路3公里，预计年底前完成。' * 4000, '2023-09')", timeout=60)


# was quadratic: _split_shared searched the whole prefix of every target (100,000 characters took 15 s)
def test_long_task_text_reads_targets_in_bounded_time():
    _timed("read_targets('已完成投资1.5亿元，新建道路3公里，预计年底前完成。' * 4000)", timeout=6)  # 104,000 characters


# was quadratic in time and in output: every 均 target took all earlier text of the clause as its subjects
def test_shared_targets_without_punctuation_read_in_bounded_time():
    _timed("assert len(read_targets('甲、乙均增长12%' * 12000)) < 30000", timeout=8)  # 108,000 characters


# Shapes that were quadratic (or cubic) in engine/extract/measures.py and stages.py: many periods, items,
# 分别 or 累计 in one text, long clauses without punctuation (per-number walks over the clause or text).
@pytest.mark.parametrize("unit", ["1-9月完成投资5亿元；", "（一）完成5亿元", "甲、乙分别增长5%、6%；", "累计完成投资5亿元",
                                  "预计完成投资5亿元", "完成投资5亿元新建道路3公里", "已建成3个项目主体施工完成60%", "完成推进建设开工"])
def test_long_texts_of_one_shape_read_in_bounded_time(unit):
    _timed(f"t = {unit!r} * (100000 // len({unit!r}))\nread_targets(t)\nread_progress(t, '2023-09')", timeout=10)


# was quadratic: every 分别 split the clause before it and walked every figure after it (20,000 characters ~5 s)
def test_many_respectively_in_one_clause_read_in_bounded_time():
    _timed("read_progress('甲、乙分别增长5%、6%' * 3000, '2023-09')", timeout=3)  # 39,000 characters


# was quadratic: number_regex retried a numeral run from each of its characters (20,000 digits > 2 min)
@pytest.mark.parametrize("run", ["'9' * 10000", "'一' * 10000", "'9' * 200000 + '个'", "'1,000,' * 20000",
                                 "'一千' * 50000 + '个'", "'百分之' + '点' * 100000"])
def test_long_runs_of_digits_read_in_bounded_time(run):
    _timed(f"read_progress({run}, '2023-09')", timeout=4)


def test_numeral_runs_up_to_the_limit_are_read_and_longer_ones_skipped():
    from engine.extract.numbers import MAX_RUN

    for run, value in (("9" * MAX_RUN, float("9" * MAX_RUN)), ("1" + ",000" * 7, 1e21)):
        reading = read_progress(f"完成{run}个，新建道路3公里")
        assert [(m["quantity"], m["unit"]) for m in reading["measures"]] == [(value, "个"), (3, "公里")], run
    for run in ("9" * (MAX_RUN + 1), "9" * 1000, "一" * (MAX_RUN + 1), "1" + ",000" * 8):
        reading = read_progress(f"完成{run}个，新建道路3公里")
        assert [(m["quantity"], m["unit"]) for m in reading["measures"]] == [(3, "公里")], run


@fuzz(quick=200, deep=5000)
@given(text=st.text(alphabet="分别均都 \n\u3000x，、和", max_size=14), cut=st.integers(0, 14))
def test_shared_word_start_is_the_suffix_search(text, cut):
    import re

    from engine.extract.targets import _shared_word_start

    s = min(cut, len(text))
    m = re.search(r"(?:分别|均|都)+$", text[:s].rstrip())  # the former, quadratic, definition
    assert _shared_word_start(text, s) == (m.start() if m else None)
