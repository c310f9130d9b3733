"""The shapes of the readings, defined once (docs/interfaces.md §2): what the extractor writes, what the workspace
stores (plan.yaml targets, progress entries' measures / data_period / stage / flags) and what derive reads.

The extractor builds plain dicts for speed; these TypedDicts name their keys and types, facts/workspace.py's defaults
(TARGET_DEFAULTS, MEASURE_DEFAULTS: every field present, null when unknown) are generated from them, and
tests/test_shapes.py checks the extractor's output on real Fuling text and on hand-written text against them.
A reading may carry more keys than listed as optional (the extractor adds notes such as `also_families`).
"""

from __future__ import annotations

from typing import Optional, TypedDict, get_type_hints

Span = list  # [start, end) in the original text


class DataPeriod(TypedDict):
    label: str  # 1-9月, 截至8月末
    end_month: Optional[int]
    end_day: Optional[int]


class Target(TypedDict):
    quantity: Optional[float]
    unit: Optional[str]
    verb: Optional[str]
    verb_family: Optional[str]
    object: Optional[str]
    direction: Optional[str]  # 以上 / 左右 / 以内
    kind: str  # growth / amount / count / ratio / milestone / qualitative
    quote: Optional[str]
    span: Span
    context: Optional[str]
    item: Optional[int]


class Measure(TypedDict):
    quantity: float
    unit: str
    verb: Optional[str]
    verb_family: Optional[str]
    object: Optional[str]
    kind: str
    direction: Optional[str]
    data_period: Optional[DataPeriod]
    forecast: bool
    cumulative: bool
    quote: Optional[str]
    span: Span
    context: Optional[str]
    item: Optional[int]
    role: Optional[str]  # part / list / None


class Stage(TypedDict):
    name: str  # 未启动 / 前期 / 开工 / 主体施工 / 完工 / 投用
    rank: int
    percent: Optional[float]
    quote: Optional[str]
    span: Span


class Flag(TypedDict):
    name: str
    quote: Optional[str]
    span: Span


class Reading(TypedDict):
    """read_progress(text, period)."""

    measures: list[Measure]
    data_period: Optional[DataPeriod]
    stage: Optional[Stage]
    flags: list[Flag]


def keys(shape: type) -> tuple[str, ...]:
    return tuple(get_type_hints(shape))


# what the workspace may omit and the loader fills back (facts/workspace.py): the fields the importer saves without nulls
STORED_COMMON = ("quantity", "unit", "verb", "verb_family", "object", "direction", "kind", "quote", "span")
TARGET_DEFAULTS = dict.fromkeys(STORED_COMMON) | {"kind": "qualitative"}  # derive reads a target without kind as qualitative
MEASURE_DEFAULTS = dict.fromkeys(STORED_COMMON) | {"data_period": None, "forecast": False, "cumulative": False}
assert set(TARGET_DEFAULTS) <= set(keys(Target)) and set(MEASURE_DEFAULTS) <= set(keys(Measure))

# keys derive puts in a fact record besides the rule fields (engine/rulebook/fields.py FIELDS): shown by
# `duban explain`, never tested by a rule (a rule naming one is refused)
RECORD_EXTRAS = {"subprojects_reached": "num"}
