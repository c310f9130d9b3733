"""One value formatter (engine/values.py) with the four styles the engine writes values in."""

import pytest

from engine.values import STYLES, format_value


@pytest.mark.parametrize("value, spec, shown", [
    (None, "", "—"), (True, "", "是"), (0.6153, ".1%", "61.5%"), (0.5, "%", "50%"), (3, "", "3"),
    (0.123456789, "", "0.123457"), (2.0, ".2f", "2.00"), ("主体施工", "", "主体施工")])
def test_message_style(value, spec, shown):
    assert format_value(value, "message", spec) == shown


def test_evidence_explain_and_yaml_styles():  # hand-written values
    assert [format_value(v, "evidence") for v in (None, False, 0.123456, 1234567.0, 12, "x")] == \
        ["None", "否", "0.1235", "1.235e+06", "12", "x"]
    assert [format_value(v, "explain") for v in (None, True, 0.5, 7, "完工", ("a", 1.5))] == \
        ["（缺失）", "是", "0.5", "7", "「完工」", "「a」、1.5"]
    assert format_value("字" * 41, "explain") == "「" + "字" * 40 + "…」"
    assert [format_value(v, "yaml") for v in (None, True, 3.0, 0.25, [1, "a"], {"k": None})] == \
        ["空", "true", "3.0", "0.25", "[1, a]", "{k: 空}"]


def test_every_style_is_known():
    for style in STYLES:
        assert format_value(None, style)
    with pytest.raises(KeyError):
        format_value(None, "pdf")
