"""may_compare (engine/extract/comparisons.py): the raw-text screen derive runs before normalize() + find_comparisons.
It may say True for a text with no stated comparison, never False for one with a comparison."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.extract.comparisons import _raw_forms, find_comparisons, may_compare  # noqa: E402
from engine.extract.numbers import _TRANSLATE, normalize  # noqa: E402


def _texts() -> list[str]:
    from tests.test_extract_speed_guard import text_sets

    return [text for items in text_sets(3).values() for reader, text, _ in items if reader == "p"]


def test_never_false_where_a_comparison_is_found():
    texts = _texts()
    found = [t for t in texts if find_comparisons(normalize(t))]
    screened = [t for t in texts if not may_compare(t)]
    assert len(found) > 50  # the sets hold stated comparisons to miss
    assert not [t for t in found if not may_compare(t)]
    assert len(screened) > len(texts) // 2  # and it does skip most texts
    assert all(find_comparisons(normalize(t)) == [] for t in screened)


@pytest.mark.parametrize("text", [
    "完成全年任务的６０％", "完成年度目标的61.5﹪", "增速低于目标１．２个百分点", "滞后序时进度６.５个百分点",
    "己完成年度目标的61.5%", "目标完成率92％", "完成进度８０％", "完成全年任务的六成", "超序时进度",
])
def test_full_width_and_typo_forms_pass(text):
    assert find_comparisons(normalize(text)), text  # each is a stated comparison once normalised …
    assert may_compare(text)  # … so the raw screen lets it through


def test_raw_forms():
    assert set(_raw_forms("%")) == {"%", "％", "﹪"}
    assert set(_raw_forms("已完成")) == {"已完成", "己完成"}
    assert _raw_forms("％") == ()  # normalize() never leaves a full-width percent sign
    assert len(_raw_forms("0123")) == 16 and _raw_forms("01234") is None  # too many forms to list: taken to be there
    assert _raw_forms("百分点") == ("百分点",)


def test_normalize_maps_single_characters_only_by_its_table():
    """The screen's forms come from numbers._TRANSLATE and the 己→已 typo: normalize() must do nothing else to a
    character (its typo rule needs the words after 己, tested above)."""
    odd = [c for c in map(chr, range(0x20, 0x10000)) if not 0xD800 <= ord(c) <= 0xDFFF
           and normalize(c) != c.translate(_TRANSLATE)]
    assert odd == []
    assert normalize("己完成") == "已完成" and normalize("自己") == "自己"
