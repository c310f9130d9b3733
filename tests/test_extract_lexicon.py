"""Every example of every lexicon entry (rules/lexicon/*.yaml) must hold, and malformed lexicons
must fail with a Chinese message that names the file and the entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.extract import LexiconError, load_lexicon, read_progress, read_targets
from engine.extract.lexicon import LEXICON_DIR, get_lexicon

ROOT = Path(__file__).resolve().parent.parent


def _examples():
    lx = get_lexicon()
    for stem, entries in lx.raw.items():
        for i, e in enumerate(entries):
            for k, ex in enumerate(e.get("examples", [])):
                yield pytest.param(stem, e["name"], ex, id=f"{stem}:{i}:{e['name']}:{k}")


def _eq(a, b) -> bool:
    if isinstance(b, (int, float)) and not isinstance(b, bool) and isinstance(a, (int, float)):
        return abs(a - b) < 1e-6
    return a == b


def _has(items: list[dict], want: dict) -> bool:
    return any(all(_eq(it.get(k), v) for k, v in want.items()) for it in items)


@pytest.mark.parametrize("stem,name,example", list(_examples()))
def test_lexicon_example(stem, name, example):
    text, exp = example["text"], example["expect"]
    period = example.get("period", "2023-09")
    reading = read_progress(text, period)
    where = f"{stem}.yaml「{name}」示例「{text}」"
    for m in reading["measures"]:
        assert m["quote"] == text[m["span"][0]:m["span"][1]], where
    if "measure" in exp:
        assert _has(reading["measures"], exp["measure"]), f"{where}: 应读出 {exp['measure']}，实得 {reading['measures']}"
    if "no_measure" in exp:
        assert not _has(reading["measures"], exp["no_measure"]), f"{where}: 不应读出 {exp['no_measure']}"
    if "target" in exp:
        targets = read_targets(text)
        assert _has(targets, exp["target"]), f"{where}: 应读出目标 {exp['target']}，实得 {targets}"
    if "stage" in exp:
        got = reading["stage"]["name"] if reading["stage"] else None
        assert got == exp["stage"], f"{where}: 阶段应为 {exp['stage']}，实得 {got}"
    if "stage_not" in exp:
        got = reading["stage"]["name"] if reading["stage"] else None
        assert got != exp["stage_not"], f"{where}: 阶段不应为 {exp['stage_not']}"
    if "percent" in exp:
        assert reading["stage"] and _eq(reading["stage"]["percent"], exp["percent"]), where
    names = {f["name"] for f in reading["flags"]}
    if "flag" in exp:
        assert exp["flag"] in names, f"{where}: 应有标志 {exp['flag']}，实得 {names}"
    if "no_flag" in exp:
        assert exp["no_flag"] not in names, f"{where}: 不应有标志 {exp['no_flag']}"
    if "period" in exp:
        want, got = exp["period"], reading["data_period"]
        if want is None:
            assert got is None, f"{where}: 不应有数据时段，实得 {got}"
        else:
            assert got is not None and all(got.get(k) == v for k, v in want.items()), f"{where}: 时段应为 {want}，实得 {got}"


def test_every_entry_has_examples():
    lx = get_lexicon()
    missing = [f"{stem}:{e['name']}" for stem, entries in lx.raw.items() for e in entries
               if not e.get("examples") and stem not in ("units",) and e.get("role") not in ("not_verb",)]
    # units with a single obvious spelling may go without; everything else needs an example
    assert len(missing) <= 12, missing


@pytest.fixture
def lexdir(tmp_path):
    d = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, d)
    return d


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_default_lexicon_loads(lexdir):
    lx = load_lexicon(lexdir)
    assert "万平方米" in lx.unit_names and lx.verbs["拆除"].family == "拆除"


def test_bad_regex_names_file_and_entry(lexdir):
    _edit(lexdir / "flags.yaml", "patterns: ['被[^，。；]{0,14}通报'", "patterns: ['被[^，。；{0,14}通报'")
    with pytest.raises(LexiconError) as exc:
        load_lexicon(lexdir)
    msg = str(exc.value)
    assert "flags.yaml" in msg and "被通报" in msg and "正则" in msg


def test_bad_yaml_names_file(lexdir):
    (lexdir / "units.yaml").write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="units.yaml"):
        load_lexicon(lexdir)


def test_missing_name_and_unknown_flag(lexdir):
    _edit(lexdir / "flags.yaml", "  - name: 暂缓\n", "  - name: 缓一缓\n")
    with pytest.raises(LexiconError, match="flags.yaml 第2条（缓一缓）"):
        load_lexicon(lexdir)


def test_unit_without_scale(lexdir):
    _edit(lexdir / "units.yaml", "    dimension: money\n    scale: 1\n", "    dimension: money\n    scale: 一\n")
    with pytest.raises(LexiconError, match="units.yaml 第1条（元）"):
        load_lexicon(lexdir)


def test_missing_file(lexdir):
    (lexdir / "verbs.yaml").unlink()
    with pytest.raises(LexiconError, match="verbs.yaml 不存在"):
        load_lexicon(lexdir)


def test_lexicon_error_is_value_error():
    assert issubclass(LexiconError, ValueError)


def test_no_eval_in_package():
    src = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "engine" / "extract").glob("*.py"))
    assert "eval(" not in src and "exec(" not in src
