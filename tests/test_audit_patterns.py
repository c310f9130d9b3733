"""rules/audit/: every typo entry's examples behave as written, context exclusions work, and mistakes in
the files are RuleErrors that name the file and the entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.audit.patterns import default_audit_dir, example_failures, load_audit_data
from engine.errors import RuleError

DATA = load_audit_data()


@pytest.mark.parametrize("pattern", DATA.patterns, ids=lambda p: p.id)
def test_pattern_examples(pattern):
    for text in pattern.must_fire:
        assert pattern.fires(text), f"{pattern.id} 应命中「{text}」"
    for text in pattern.must_not_fire:
        assert not pattern.fires(text), f"{pattern.id} 不应命中「{text}」"


def test_every_entry_has_examples_and_none_fail():
    assert len(DATA.patterns) >= 20
    assert all(p.must_fire and p.must_not_fire for p in DATA.patterns)
    assert example_failures(DATA.patterns) == []


def test_context_exclusions():
    (ji,) = [p for p in DATA.patterns if p.id == "TY-01"]
    assert not ji.fires("自己完成")  # not_before 自
    assert not ji.fires("华峰己二酸六期")  # except 己二酸 (and 二 is no verb)
    assert not ji.fires("己内酰胺项目已完成")
    assert list(ji.finditer("设计己完成，自己完成，己建成")) == [(2, 3), (11, 12)]
    (yijing,) = [p for p in DATA.patterns if p.id == "TY-04"]
    assert not yijing.fires("坚持以经济建设为中心")  # not_after 济
    (yundong,) = [p for p in DATA.patterns if p.id == "TY-03"]
    assert not yundong.fires("全区综合运动会")  # except 综合运动会
    assert yundong.fires("综合运动会上，综合运动多种手段")


def test_terms_are_loaded():
    for key in ("placeholders", "share_words", "forecast_words", "stall_words", "measure_units", "unit_suffixes"):
        assert DATA.terms[key], key


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "audit"
    shutil.copytree(default_audit_dir(), target)
    return target


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize("entry, words", [
    ("  - {id: X-01, find: 错字, severity: fatal, message: m, must_fire: [错字]}", ["X-01", "severity"]),
    ("  - {id: X-02, regex: '己(', severity: error, message: m, must_fire: [己]}", ["X-02", "正则"]),
    ("  - {id: X-03, find: 甲, regex: 乙, severity: error, message: m, must_fire: [甲]}", ["X-03", "find"]),
    ("  - {id: X-04, find: 甲, severity: error, message: m, must_fire: [甲], unless: [乙]}", ["X-04", "unless"]),
    ("  - {id: X-05, find: 甲, severity: error, message: m}", ["X-05", "must_fire"]),
    ("  - {id: TY-01, find: 甲, severity: error, message: m, must_fire: [甲]}", ["TY-01", "重复"]),
    ("  - {id: X-07, find: 甲, severity: error, message: m, must_fire: [甲], not_after: 乙}", ["X-07", "not_after"]),
    ("  - {id: X-08, regex: 'a*', severity: error, message: m, must_fire: [a]}", ["X-08", "空文字"]),
])
def test_bad_entries_are_rule_errors(tmp_path, entry, words):
    folder = _copy(tmp_path)
    _append(folder / "typos.yaml", entry + "\n")
    with pytest.raises(RuleError) as info:
        load_audit_data(folder)
    text = info.value.format()
    assert "typos.yaml:" in text  # file and line
    for word in words:
        assert word in text


def test_yaml_tags_are_refused(tmp_path):
    folder = _copy(tmp_path)
    _append(folder / "typos.yaml", "  - !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(RuleError) as info:
        load_audit_data(folder)
    assert "typos.yaml" in info.value.format() and "标签" in info.value.format()


def test_yaml_syntax_error_is_a_rule_error(tmp_path):
    folder = _copy(tmp_path)
    _append(folder / "typos.yaml", "  - id: X-09\n   find: [unclosed\n")
    with pytest.raises(RuleError) as info:
        load_audit_data(folder)
    assert "typos.yaml" in info.value.format()


def test_bad_terms_and_missing_files(tmp_path):
    folder = _copy(tmp_path)
    terms = folder / "terms.yaml"
    terms.write_text(terms.read_text(encoding="utf-8").replace("share_words:", "share_word:")
                     .replace('placeholders: ["/"', 'placeholders: 暂无\nx_old: ["/"'), encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_audit_data(folder)
    text = info.value.format()
    assert "terms.yaml" in text and "share_word" in text and "share_words" in text and "placeholders" in text
    (folder / "terms.yaml").unlink()
    with pytest.raises(RuleError, match="terms.yaml"):
        load_audit_data(folder)
    with pytest.raises(RuleError):
        load_audit_data(tmp_path / "nowhere")


def test_a_broken_entry_does_not_hide_the_others(tmp_path):
    folder = _copy(tmp_path)
    _append(folder / "typos.yaml", "  - {id: X-10, find: 甲, severity: bad, message: m, must_fire: [甲]}\n"
                                   "  - {id: X-11, regex: '(', severity: error, message: m, must_fire: [甲]}\n")
    with pytest.raises(RuleError) as info:
        load_audit_data(folder)
    assert "X-10" in info.value.format() and "X-11" in info.value.format()
