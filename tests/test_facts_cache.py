"""The parsed-facts cache (engine/facts_cache.py): the same facts with and without it, rebuilt after any edit,
a corrupt or foreign cache file ignored and rewritten, errors never cached."""

from __future__ import annotations

import dataclasses
import shutil
import textwrap
from pathlib import Path

import orjson
import pytest

from engine.facts import workspace as facts
from engine import facts_cache
from engine.errors import InputError
from engine.facts.workspace import load_workspace

ROOT = Path(__file__).resolve().parent.parent
FULING = ROOT / "facts" / "fuling-2023"

# hand-written: shorthand entries, free keys, a stage and flags typed by a clerk, an indicator, odd spacing
PLAN = """\
schema: duban/plan@1
region: 测试区
year: 2023
source: [手工录入]
indicators:
  - id: I001
    name: 地区生产总值增速
    text: 地区生产总值增长6.5%
    annual_target_text: 增长6.5%
    lead_units: [区发展改革委]
    targets:
      - {quote: 增长6.5%, quantity: 6.5, unit: "%", kind: growth, direction: increase}
tasks:
  - id: T001
    seq: "1"
    text: 新建社区健身点10个。
    lead_units: [区体育局]
    note: 年中调整过口径
    targets:
      - {quote: 新建社区健身点10个, quantity: 10, unit: 个, kind: count, verb: 新建, span: [0, 9]}
  - id: T002
    seq: "2"
    text: 推进老旧小区改造。
    leaders: [张三]
    lead_units: [区住房城乡建委]
    coop_units: [区财政局]
"""
PROGRESS = """\
schema: duban/progress@1
period: 2023-09
as_of: 2023-09-30
entries:
  I001:
    text: 1-9月地区生产总值增长5.8%。
    measures:
      - {quote: 增长5.8%, quantity: 5.8, unit: "%", kind: growth, direction: increase, forecast: false}
  T001:
    text: 已建成健身点6个，暂缓2个。
    measures:
      - {quote: 建成健身点6个, quantity: 6, unit: 个, kind: count, verb: 建成, span: [1, 8]}
    stage: {name: 施工, rank: 3}
    flags:
      - {name: 暂缓, quote: 暂缓2个, span: [9, 13]}
    x_clerk: 已电话核实
  T002: 正在摸底调查。
"""


def _workspace(tmp_path: Path, plan: str = PLAN, progress: str = PROGRESS) -> Path:
    ws = tmp_path / "ws"
    (ws / "progress").mkdir(parents=True)
    (ws / "plan.yaml").write_text(textwrap.dedent(plan), encoding="utf-8")
    (ws / "progress" / "2023-09.yaml").write_text(textwrap.dedent(progress), encoding="utf-8")
    return ws


def _uncached(path: Path, monkeypatch):
    monkeypatch.setenv("DUBAN_FACTS_CACHE", "0")
    try:
        return load_workspace(path)
    finally:
        monkeypatch.delenv("DUBAN_FACTS_CACHE")


def _load(path: Path):
    """As `duban check` loads: inside facts_cache.writing(), so what is parsed is cached when the run succeeds."""
    with facts_cache.writing():
        return load_workspace(path)


def _refuse_parsing(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("parsed the YAML although the cache holds it")

    monkeypatch.setattr(facts, "load_yaml", refuse)


@pytest.fixture
def fuling(tmp_path):
    ws = tmp_path / "fuling-2023"
    shutil.copytree(FULING, ws, ignore=shutil.ignore_patterns("cache", ".duban.lock"))
    return ws


def test_fuling_cached_facts_equal_parsed_facts(fuling, monkeypatch):
    parsed = _uncached(fuling, monkeypatch)
    assert not (fuling / ".duban" / "cache").exists()  # off means off: nothing written
    cold = _load(fuling)
    assert sorted(p.name for p in (fuling / ".duban" / "cache").iterdir()) == [".gitignore", "plan.json", "progress-2023-09.json"]
    _refuse_parsing(monkeypatch)
    warm = load_workspace(fuling)
    assert parsed == cold == warm
    assert len(warm.plan.tasks) > 200 and warm.progress["2023-09"].entries
    assert (fuling / ".duban" / "cache" / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")
    assert sorted(p.name for p in (fuling / ".duban").iterdir()) == ["cache", "imported.json"]  # the import record stays


def test_hand_written_workspace_round_trips(tmp_path, monkeypatch):
    ws = _workspace(tmp_path)
    parsed = _uncached(ws, monkeypatch)
    _load(ws)
    _refuse_parsing(monkeypatch)
    warm = load_workspace(ws)
    assert warm == parsed
    entry = warm.progress["2023-09"].entries["T001"]
    assert entry.stage == {"name": "施工", "rank": 3} and entry.flags[0]["span"] == [9, 13] and entry.line == 10
    assert warm.progress["2023-09"].entries["T002"].text == "正在摸底调查。"
    assert warm.plan.indicators[0].targets[0]["quantity"] == 6.5 and warm.plan.tasks[1].leaders == ["张三"]


def test_every_dataclass_field_is_cached():
    assert [f.name for f in dataclasses.fields(facts.Item)] == list(facts_cache._ITEM_FIELDS)
    assert [f.name for f in dataclasses.fields(facts.Entry)] == list(facts_cache._ENTRY_FIELDS)


def test_an_edit_to_the_facts_is_read(tmp_path):
    ws = _workspace(tmp_path)
    assert _load(ws).progress["2023-09"].entries["T002"].text == "正在摸底调查。"
    path = ws / "progress" / "2023-09.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("正在摸底调查", "已完成摸底调查"), encoding="utf-8")
    assert load_workspace(ws).progress["2023-09"].entries["T002"].text == "已完成摸底调查。"


def test_a_plan_edit_revalidates_the_progress(tmp_path):
    """The progress file is unchanged, but T002 left the plan: its entry must be refused, not served from the cache."""
    ws = _workspace(tmp_path)
    _load(ws)
    plan = textwrap.dedent(PLAN)
    (ws / "plan.yaml").write_text(plan[:plan.index("  - id: T002")], encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_workspace(ws)
    assert "T002" in str(err.value) and "计划中不存在" in str(err.value)


def test_a_lexicon_edit_changes_the_key(tmp_path, monkeypatch):
    from engine.extract import lexicon

    ws = _workspace(tmp_path)
    source = ws / "plan.yaml"
    before = facts_cache._key("plan", source, source.read_bytes(), None)
    copy = tmp_path / "lexicon"
    shutil.copytree(lexicon.LEXICON_DIR, copy)
    units = copy / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "\n# 新增单位前的备注\n", encoding="utf-8")
    monkeypatch.setattr(lexicon, "LEXICON_DIR", copy)
    facts_cache._static_digest.cache_clear()
    try:
        assert facts_cache._key("plan", source, source.read_bytes(), None) != before
    finally:
        facts_cache._static_digest.cache_clear()


def test_errors_are_never_cached(tmp_path):
    ws = _workspace(tmp_path, progress=PROGRESS.replace("quantity: 6,", "quantity: 六,"))
    for _ in range(2):
        with pytest.raises(InputError) as err:
            _load(ws)
        assert "quantity" in str(err.value)
    assert not (ws / ".duban" / "cache" / "progress-2023-09.json").exists()


def _cache_file(ws: Path) -> Path:
    return ws / ".duban" / "cache" / "progress-2023-09.json"


@pytest.mark.parametrize("damage", ["truncated", "not json", "wrong type", "extra field", "wrong key", "a list"])
def test_a_corrupt_cache_is_ignored_and_rebuilt(tmp_path, monkeypatch, damage):
    ws = _workspace(tmp_path)
    parsed = _uncached(ws, monkeypatch)
    _load(ws)
    path = _cache_file(ws)
    doc = orjson.loads(path.read_bytes())
    entries = doc["facts"]["entries"]
    if damage == "truncated":
        data = path.read_bytes()[:200]
    elif damage == "not json":
        data = "涪陵".encode("gbk")
    elif damage == "a list":
        data = b"[1, 2, 3]"
    else:
        if damage == "wrong type":
            entries[1][5][0]["quantity"] = "六"  # a measure's quantity as text
        elif damage == "extra field":
            entries[0].append("多余")
        else:
            doc["key"] = "0" * 64
        data = orjson.dumps(doc)
    path.write_bytes(data)
    assert _load(ws) == parsed
    assert orjson.loads(path.read_bytes())["facts"]["entries"][1][5][0]["quantity"] == 6  # rewritten whole


def test_no_writable_cache_folder_still_loads(tmp_path, monkeypatch):
    ws = _workspace(tmp_path)
    (ws / ".duban").write_text("不是目录", encoding="utf-8")  # mkdir fails however privileged the user is
    assert _load(ws) == _uncached(ws, monkeypatch)


def test_values_json_cannot_carry_are_not_cached(tmp_path, monkeypatch):
    """An unknown reading key holding .nan passes the loader; JSON would turn it into null, so no cache is written."""
    ws = _workspace(tmp_path, progress=PROGRESS.replace("forecast: false}", "forecast: false, x_ratio: .nan}"))
    first = _load(ws)
    assert not _cache_file(ws).exists() and (ws / ".duban" / "cache" / "plan.json").exists()
    value = first.progress["2023-09"].entries["I001"].measures[0]["x_ratio"]
    assert value != value  # still the NaN that was typed


def test_only_a_run_that_succeeds_writes_the_cache(tmp_path):
    ws = _workspace(tmp_path)
    load_workspace(ws)  # outside writing(): read-only, as audit, explain and rollup use it
    assert not (ws / ".duban").exists()
    with pytest.raises(RuntimeError), facts_cache.writing():
        load_workspace(ws)
        raise RuntimeError("a later step failed")
    assert not (ws / ".duban").exists()
    _load(ws)
    assert _cache_file(ws).is_file()
