"""The reading shapes (engine/extract/shapes.py) are what the extractor writes, and derive's fact records hold exactly
the rule fields (engine/rulebook/fields.py FIELDS, plus shapes.RECORD_EXTRAS), each of its declared type."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from engine.derive import derive_workspace
from engine.extract import read_progress, read_targets, shapes
from engine.facts.workspace import MEASURE_DEFAULTS, TARGET_DEFAULTS, Entry, Item, Plan, Progress, Workspace, load_workspace
from engine.rulebook.fields import FIELDS
from engine.rulebook.load import default_rules_dir, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
PY_TYPE = {"num": (int, float), "str": (str,), "bool": (bool,)}


def _fits(value, hint) -> bool:
    if typing.get_origin(hint) is typing.Union:
        return any(_fits(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if typing.is_typeddict(hint):
        return isinstance(value, dict) and _conforms(value, hint) == []
    origin = typing.get_origin(hint) or hint
    if origin is list and typing.get_args(hint):
        return isinstance(value, list) and all(_fits(v, typing.get_args(hint)[0]) for v in value)
    return isinstance(value, origin)


def _conforms(reading: dict, shape) -> list[str]:
    hints = typing.get_type_hints(shape)
    missing = [k for k in hints if k not in reading]
    wrong = [f"{k}={reading[k]!r}" for k, h in hints.items() if k in reading and not _fits(reading[k], h)]
    return missing + wrong


@pytest.fixture(scope="module")
def fuling():
    return load_workspace(ROOT / "facts" / "fuling-2023")


HAND_PLAN = ["全区能耗总量增速控制在2.16%以内", "新建5G基站300个", "年内建成投用区图书馆新馆", "持续优化营商环境",  # hand-written
             "6月底前完成背街小巷整治30条"]  # a deadline in the task's words: due_month
HAND_PROGRESS = ["1-9月，全区能耗总量增长3.5%。", "截至9月底已建成5G基站210个，另有40个预计10月完工。",  # hand-written
                 "新馆主体施工完成85%，因资金问题暂缓装修。", "/", "已完成整治27条。"]


def test_extracted_readings_have_the_declared_shapes(fuling):
    plan_texts = [i.text for i in (fuling.plan.tasks + fuling.plan.indicators)[::4]] + HAND_PLAN
    for text in plan_texts:
        for t in read_targets(text):
            assert _conforms(t, shapes.Target) == [], (text, t)
    progress = fuling.progress["2023-09"].entries
    for text in [e.text for e in list(progress.values())[::4]] + HAND_PROGRESS:
        reading = read_progress(text, "2023-09")
        assert _conforms(reading, shapes.Reading) == [], text


def test_facts_defaults_come_from_the_shapes():
    assert TARGET_DEFAULTS is shapes.TARGET_DEFAULTS and MEASURE_DEFAULTS is shapes.MEASURE_DEFAULTS
    assert set(shapes.MEASURE_DEFAULTS) <= set(shapes.keys(shapes.Measure))


def _hand_workspace() -> Workspace:  # hand-written: a ceiling target, so limit_excess is derived
    items, entries = [], {}
    for n, (plan, progress) in enumerate(zip(HAND_PLAN, HAND_PROGRESS), 1):
        items.append(Item(id=f"T{n}", kind="task", text=plan, targets=read_targets(plan)))
        r = read_progress(progress, "2023-09")
        entries[f"T{n}"] = Entry(id=f"T{n}", text=progress, measures=r["measures"], data_period=r["data_period"],
                                 stage=r["stage"], flags=r["flags"])
    plan = Plan(path="plan.yaml", region="某区", year=2023, source=[], tasks=items, indicators=[])
    return Workspace(path=Path("某区-2023"), plan=plan,
                     progress={"2023-09": Progress(path="p.yaml", period="2023-09", as_of=None, entries=entries)})


def test_derived_records_hold_exactly_the_rule_fields(fuling):
    book = load_rulebook(default_rules_dir())
    declared = {name: spec.type for name, spec in FIELDS.items()} | shapes.RECORD_EXTRAS
    assert not set(shapes.RECORD_EXTRAS) & set(FIELDS)
    seen: dict[str, set] = {}
    for ws, period in [(fuling, p) for p in sorted(fuling.progress)] + [(_hand_workspace(), "2023-09")]:
        derived, _ = derive_workspace(ws, period, book.params)
        for d in derived:
            for key, value in d.record.items():
                assert key in declared, f"derive writes {key}, which is not a rule field"
                want = PY_TYPE[declared[key]]
                assert isinstance(value, want) and (declared[key] == "bool" or not isinstance(value, bool)), (key, value)
                seen.setdefault(key, set()).add(type(value))
    assert set(seen) == set(declared), f"never derived: {sorted(set(declared) - set(seen))}"
