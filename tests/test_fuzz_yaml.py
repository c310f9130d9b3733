"""Fuzz: YAML text and fact files (plan.yaml, progress/<YYYY-MM>.yaml) as clerks and attackers write them.

Property for every input: engine.store.yamlio / engine.facts.workspace return data or raise InputError whose message is
Chinese and names the file — never another exception, never a crash of the interpreter, never unbounded
time. Inputs that could kill the process (deep nesting: libyaml's C composer segfaulted) run in a child
process under a timeout and a memory limit.
"""

from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import InputError
from engine.facts.workspace import load_plan, load_progress
from engine.store.yamlio import dump_roundtrip, load_yaml_text

from .fuzz_settings import FUZZ, ROOT, cn_text, fuzz, mutated, run_python_limited, values

BASE = ROOT / "tests" / "fixtures" / "bad" / "base"
PLAN = yaml.safe_load((BASE / "plan.yaml").read_text(encoding="utf-8"))
PROGRESS = yaml.safe_load((BASE / "progress" / "2023-09.yaml").read_text(encoding="utf-8"))
IDS = {item["id"] for group in ("indicators", "tasks") for item in PLAN[group]}


def _assert_clear(err: InputError, name: str) -> None:
    text = err.format()
    assert name in text, text  # names the place
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text  # says it in Chinese


def _load_text(text: str):
    try:
        return load_yaml_text(text, "fuzz.yaml")
    except InputError as err:
        _assert_clear(err, "fuzz.yaml")
        return err


# ------------------------------------------------------------------ raw YAML text

YAML_BITS = ["a", "b", ":", ": ", "- ", "-", "? ", "[", "]", "{", "}", ",", "&x ", "*x", "&y ", "*y", "!!int ", "!!float ",
             "!!bool ", "!!str ", "!!map ", "!!seq ", "!!set ", "!!binary ", "!!timestamp ", "!!python/object:os.system ",
             "!foo ", "%YAML 1.1\n---\n", "---\n", "...\n", "#", "|", ">", "'", '"', "\\", "\n", "\n  ", "\n    ", "\t",
             "\ufeff", "\u3000", "0x", "0o7", "1e9999", "9" * 5000, ".nan", ".inf", "~", "null", "yes", "<<: ", "：", "，"]
yaml_text = st.lists(st.sampled_from(YAML_BITS) | cn_text, max_size=40).map("".join)


@fuzz(quick=150, deep=3000)
@given(yaml_text)
def test_yaml_text_loads_or_names_the_problem(text):
    _load_text(text)


@fuzz(quick=60, deep=1500)
@given(values)
def test_any_data_round_trips_through_the_safe_loader(value):
    _load_text(yaml.safe_dump(value, allow_unicode=True))  # PyYAML writes YAML 1.1: loads or names the problem
    text = dump_roundtrip(value)  # what duban itself writes (ruamel, YAML 1.2) …
    loaded = _load_text(text)
    if not isinstance(loaded, InputError) and not _has_nan(value):
        assert _plain(loaded) == _plain(value)  # … comes back unchanged: 010, yes, 0E0 and dates included


@pytest.mark.parametrize("text", ["已完成\x85年底前", "\x85", "a\u2028b", "x\u2029", "a\rb", "\ufeff开头", "010", "yes", "0E0"])
def test_what_duban_writes_reads_back_unchanged(text):
    # was: NEL (U+0085) written raw by ruamel and folded into a space by libyaml on the next read
    assert load_yaml_text(dump_roundtrip({"text": text}))["text"] == text


def _has_nan(value) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(_has_nan(k) or _has_nan(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    return False


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# ------------------------------------------------------------------ the fixed crashes, pinned

@pytest.mark.parametrize("text, fragment", [
    ("year: " + "9" * 5000, "不是可读取的整数"),  # was ValueError (int-from-text digit limit)
    ("a: !!float abc", "与标签 float 不符"),  # was ValueError
    ("a: !!bool maybe", "与标签 bool 不符"),  # was KeyError
    ("a: !!int 0o17", "不是可读取的整数"),  # was ValueError
    ("a: !!map [1]", "map 标签与内容不符"),  # was TypeError
    ("!!seq {a: 1}", "seq 标签与内容不符"),  # was AttributeError
    ("a: !!timestamp 2020-01-01", "不允许的 YAML 标签"),  # was a datetime.date handed to text fields
    ("a: !!set {x}", "不允许的 YAML 标签"),
    ("a: !!binary eHl6", "不允许的 YAML 标签"),
    ("a: \ud800", "无法编码"),  # was UnicodeEncodeError
])
def test_explicit_tags_and_odd_scalars_are_input_errors(text, fragment):
    with pytest.raises(InputError, match=fragment):
        load_yaml_text(text, "f.yaml")


@pytest.mark.parametrize("text, fragment", [
    ("[" * 100_000, "嵌套过深"),  # was quadratic in libyaml's scanner (100 s)
    ("[" * 25_000 + "]" * 25_000, "嵌套过深"),  # was a segfault in libyaml's recursive composer
    ("- " * 30_000 + "x", "嵌套过深"),  # compact nested sequences: was a segfault
    ("? " * 30_000 + "x", "键必须是简单文字"),  # nested complex keys: refused at the second level
    ("{a: " * 30_000, "嵌套过深"),
])
def test_deep_nesting_is_refused_quickly_and_never_kills_the_process(text, fragment):
    code = ("import sys\nfrom engine.store.yamlio import load_yaml_text\nfrom engine.errors import InputError\n"
            f"text = {text[:8]!r} * {len(text) // len(text[:8])} + {text[len(text) // len(text[:8]) * len(text[:8]):]!r}\n"
            "try:\n    load_yaml_text(text, 'deep.yaml')\nexcept InputError as e:\n    print(e.format()); sys.exit(2)\n")
    proc = run_python_limited(code, timeout=20, memory_mb=1024)
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    assert fragment in proc.stdout and "deep.yaml" in proc.stdout


def test_billion_laughs_is_refused_before_anything_walks_it():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(InputError, match="展开后过大"):
        load_yaml_text("\n".join(lines), "bomb.yaml")


def test_a_few_small_aliases_are_still_plain_data():
    assert load_yaml_text("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


# ------------------------------------------------------------------ plan.yaml / progress.yaml

def _write(tmp_path, name, doc) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


@fuzz(quick=80, deep=2000)
@given(doc=mutated(PLAN))
def test_mutated_plan_loads_or_names_the_file(tmp_path_factory, doc):
    path = _write(tmp_path_factory.mktemp("plan"), "plan.yaml", doc)
    try:
        plan = load_plan(path)
    except InputError as err:
        _assert_clear(err, "plan.yaml")
        return
    for item in plan.items():  # what later stages rely on
        assert isinstance(item.id, str) and isinstance(item.text, str)
        assert all(isinstance(t, dict) and "kind" in t and "quantity" in t for t in item.targets)
        assert all(isinstance(n, str) for n in item.leaders + item.lead_units + item.coop_units)
    assert isinstance(plan.year, int) and 1900 <= plan.year <= 2999 and isinstance(plan.region, str) and plan.region


@pytest.mark.parametrize("edit", ["year: 2023\n", "region: 涪陵区\n"])
def test_required_fields_left_empty_are_missing(tmp_path, edit):
    text = (BASE / "plan.yaml").read_text(encoding="utf-8").replace(edit, edit.split(":")[0] + ":\n", 1)
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=f"字段「{edit.split(':')[0]}」：缺少必填字段"):  # was: loaded with year None
        load_plan(tmp_path / "plan.yaml")


@fuzz(quick=80, deep=2000)
@given(doc=mutated(PROGRESS))
def test_mutated_progress_loads_or_names_the_file(tmp_path_factory, doc):
    path = _write(tmp_path_factory.mktemp("progress"), "progress/2023-09.yaml", doc)
    try:
        progress = load_progress(path, IDS)
    except InputError as err:
        _assert_clear(err, "2023-09.yaml")
        return
    assert progress.period == "2023-09"
    for entry in progress.entries.values():
        assert entry.id in IDS and isinstance(entry.text, str)
        assert all(isinstance(m, dict) and "kind" in m and "unit" in m for m in entry.measures)
        assert all(isinstance(f, dict) for f in entry.flags)


@pytest.mark.parametrize("edit, fragment", [
    (lambda p: p["entries"]["T009"].update(measures=["已建成10公里"]), "应为映射"),
    (lambda p: p["entries"]["I01"]["measures"][0].update(quantity="七点六"), "quantity 应为数字"),
    (lambda p: p["entries"]["I01"]["measures"][0].update(span=[16, 8]), "span 应为两个字符位置"),
    (lambda p: p["entries"]["I01"]["measures"][0].pop("unit"), "单位「None」不在词库中"),
    (lambda p: p["entries"]["I01"]["measures"][0].update(unit="公斤斤"), "单位「公斤斤」不在词库中"),
    (lambda p: p["entries"]["I01"]["measures"][0].pop("quantity"), "缺少 quantity"),
    (lambda p: p.update(as_of="2023-02-30"), "截止日期应写成 YYYY-MM-DD"),
    (lambda p: p["entries"]["I01"].update(stage={"name": ["主体施工"]}), "name 应为文字"),
])
def test_readings_that_crashed_later_stages_are_refused_at_load(tmp_path, edit, fragment):
    import copy

    doc = copy.deepcopy(PROGRESS)
    edit(doc)
    with pytest.raises(InputError, match=fragment) as err:
        load_progress(_write(tmp_path, "progress/2023-09.yaml", doc), IDS)
    assert "2023-09.yaml:" in err.value.format()  # with line:col


def test_a_reading_without_optional_fields_gets_the_extractor_shape(tmp_path):
    import copy

    doc = copy.deepcopy(PROGRESS)
    measure = doc["entries"]["I01"]["measures"][0]
    for key in ("verb", "verb_family", "object", "data_period", "forecast", "cumulative", "context"):
        measure.pop(key, None)
    entry = load_progress(_write(tmp_path, "progress/2023-09.yaml", doc), IDS).entries["I01"]
    assert entry.measures[0]["verb"] is None and entry.measures[0]["forecast"] is False


@pytest.mark.skipif(not FUZZ, reason="big-file timing runs under `make fuzz`")
def test_a_20_mb_progress_file_loads_in_bounded_time(tmp_path):
    import time

    doc = dict(PROGRESS, entries={"T001": "推进中。" * 2_500_000})
    path = _write(tmp_path, "progress/2023-09.yaml", doc)
    start = time.monotonic()
    load_progress(path, IDS)
    assert time.monotonic() - start < 60
