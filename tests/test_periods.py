"""One period/date/year reading for every door (engine/periods.py, issue 15): import refuses what check would refuse."""

from __future__ import annotations

import pytest

from engine.errors import InputError
from engine.periods import check_year, period_months, valid_date, valid_period

from .conftest import FULING, run_cli


@pytest.mark.parametrize("text", ["2023-09", "2024-01", "2023-12"])
def test_periods_in_the_fuling_shape_are_read(text):
    assert period_months(text) == (int(text[:4]), int(text[5:]))


@pytest.mark.parametrize("text", [
    "2023-09\n", " 2023-09", "２０２３-09", "2023－09", "2023-９", "2023-9", "2023-13", "2023-00", "23-09",
    "2023/09", "2023-09-30", "٢٠٢٣-09",  # hand-written: Arabic-Indic digits are \d too
])
def test_malformed_periods_are_refused(text):
    assert not valid_period(text)
    with pytest.raises(InputError) as err:
        period_months(text)
    assert err.value.format().startswith(f"字段「--period」：报告期应写成 YYYY-MM（例如 2023-09 表示 1-9月），实为「{text}」")


def test_the_hint_names_full_width_digits_and_stray_whitespace():
    with pytest.raises(InputError) as err:
        period_months("２０２３-09")
    assert err.value.format().endswith("（其中有全角数字或全角横线，请改用半角数字和“-”）")
    with pytest.raises(InputError) as err:
        period_months("2023-09\n")
    assert err.value.format().endswith("（前后有空格或换行，请删去）")


@pytest.mark.parametrize("text,ok", [("2023-09-30", True), ("2024-02-29", True), ("2023-02-29", False),
                                     ("2023-02-30", False), ("2023-99-99", False), ("２０２３-12-31", False),
                                     ("2023-12-31\n", False), ("2023-9-30", False), (20230930, False)])
def test_dates(text, ok):
    assert valid_date(text) is ok


@pytest.mark.parametrize("year", [-5, 0, 199, 20233, True])
def test_years_outside_four_digits_are_refused(year):
    with pytest.raises(InputError) as err:
        check_year(year)
    assert err.value.format() == f"字段「--year」：年度应为四位年份，实为「{year}」（例如 2023）"


def test_into_an_existing_file_is_refused_before_anything_is_written(tmp_path):
    target = tmp_path / "工作区.txt"
    target.write_text("不是文件夹", encoding="utf-8")
    for into in (target, target / "ws"):
        proc = run_cli("import", FULING / "fuling_2023_plan_tasks.csv", "--into", into, "--region", "涪陵区", "--year", "2023")
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
    assert target.read_text(encoding="utf-8") == "不是文件夹"
    proc = run_cli("import", FULING / "fuling_2023_plan_tasks.csv", "--into", target, "--region", "涪陵区", "--year", "2023")
    assert proc.stderr == f"错误：{target}: 字段「--into」：这是一个文件，不是工作区文件夹（请给出一个文件夹，不存在时会新建）\n"


def test_full_width_period_is_refused_by_check_too(tmp_path):
    # the same parser at check's door: the clerk hears it at once, whichever command came first
    proc = run_cli("check", tmp_path, "--period", "２０２３-09")
    assert proc.returncode == 2
    assert "实为「２０２３-09」（其中有全角数字或全角横线" in proc.stderr
