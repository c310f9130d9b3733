import textwrap

import pytest

from engine.errors import InputError
from engine.facts.workspace import load_plan, load_progress, load_workspace

PLAN = """\
schema: duban/plan@1
region: 测试区
year: 2023
indicators: []
tasks:
  - id: T001
    seq: "1"
    text: 新建社区健身点10个。
    lead_units: [区体育局]
    targets: []
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_valid_plan_loads(tmp_path):
    plan = load_plan(write(tmp_path, "plan.yaml", PLAN))
    assert plan.region == "测试区" and plan.tasks[0].lead_units == ["区体育局"]


def test_unknown_key_suggests_the_right_one(tmp_path):
    path = write(tmp_path, "plan.yaml", PLAN.replace("lead_units:", "lead_unit:"))
    with pytest.raises(InputError) as err:
        load_plan(path)
    text = err.value.format()
    assert f"{path}:9:5" in text and "lead_unit" in text and "是否想写「lead_units」" in text


def test_unquoted_numeric_seq_is_named(tmp_path):
    path = write(tmp_path, "plan.yaml", PLAN.replace('seq: "1"', "seq: 1"))
    with pytest.raises(InputError) as err:
        load_plan(path)
    assert "字段「seq」" in err.value.format() and "加引号" in err.value.format()


def test_all_problems_are_reported_together(tmp_path):
    bad = PLAN.replace("lead_units:", "lead_unit:").replace('seq: "1"', "seq: 1")
    with pytest.raises(InputError) as err:
        load_plan(write(tmp_path, "plan.yaml", bad))
    assert len(err.value.problems) == 2


def test_free_keys_are_allowed(tmp_path):
    plan = load_plan(write(tmp_path, "plan.yaml", PLAN.replace("    targets: []", "    targets: []\n    note: 已与区体育局核实\n    x_owner: 张三")))
    assert plan.tasks[0].id == "T001"


def test_progress_period_and_unknown_ids(tmp_path):
    write(tmp_path, "plan.yaml", PLAN)
    write(tmp_path, "progress/2023-09.yaml", "period: 2023-09\nas_of: 2023-09-30\nentries:\n  T001: 已建成3个。\n  T999: 不存在的任务\n")
    with pytest.raises(InputError) as err:
        load_workspace(tmp_path)
    assert "T999" in err.value.format() and "2023-09.yaml:5" in err.value.format()


def test_progress_period_mismatch_with_file_name(tmp_path):
    path = write(tmp_path, "progress/2023-09.yaml", "period: 2023-06\nentries: {}\n")
    with pytest.raises(InputError, match="不一致"):
        load_progress(path)
