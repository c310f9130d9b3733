"""Decision tables (rules/tables/*.yaml): compiled to the same rule IR as rule files, and checked at load for
gaps, overlaps and unreachable rows (engine/rulebook/tables.py, table_check.py)."""

import shutil

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.errors import RuleError
from engine.evaluate.plain import PlainEvaluator
from engine.rulebook.ir import All, Leaf, Not
from engine.rulebook.load import load_rulebook

from .conftest import RULES

BOOK = load_rulebook(RULES)
BY_ID = {r.id: r for r in BOOK.rules}

HEAD = "表名: 档位\n适用对象: 任务\n命中策略: {policy}\n前提: {{落后时序: 有}}\n行:\n"
ROW = ("  - 编号: {id}\n    标题: 档{id}\n    落后时序: \"{cell}\"\n    状态: {status}\n    说明: \"落后{{落后时序:%}}（「{{引文}}」）\"\n"
       "    示例:\n      - name: a\n        fact: {fire}\n        expect: fire\n"
       "      - name: b\n        fact: {quiet}\n        expect: no_fire\n")


def _fact(value) -> str:
    return value if isinstance(value, str) and value.startswith("{") else f"{{shortfall: {value}}}"


def rulebook_with(tmp_path, rows, policy="first", name="档位"):
    """The shipped params.yaml and one hand-written table (# hand-written)."""
    rules = tmp_path / "rules"
    (rules / "tables").mkdir(parents=True)
    shutil.copy(RULES / "params.yaml", rules / "params.yaml")
    shutil.copy(RULES / "R-TP-06.yaml", rules / "R-TP-06.yaml")  # a rule file beside the table
    text = HEAD.format(policy=policy).replace("档位", name) + "".join(ROW.format(**dict(r, fire=_fact(r["fire"]), quiet=_fact(r["quiet"]))) for r in rows)
    (rules / "tables" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return rules


BANDS = [dict(id="X-1", cell="<= {tolerance}", status="正常", fire=0.1, quiet=0.3),
         dict(id="X-2", cell="({tolerance}, {severe_gap}]", status="滞后", fire=0.3, quiet=0.1),
         dict(id="X-3", cell="> {severe_gap}", status="严重滞后", fire=0.5, quiet=0.3)]


def problems(rules) -> list[str]:
    with pytest.raises(RuleError) as err:
        load_rulebook(rules)
    return [p.format().replace(f"{rules}/", "") for p in err.value.problems]


# ---------------------------------------------------------------- the shipped tables

def test_shipped_bands_live_in_three_tables_with_the_old_rule_ids():
    tables = {}
    for rule in BOOK.rules:
        row = getattr(rule, "table_row", None)
        if row:
            tables.setdefault(row.table, []).append(rule.id)
    assert set(tables) == {"时序进度", "增速", "上限"}
    assert sorted(tables["时序进度"]) == ["R-IN-03", "R-IN-04", "R-IN-05", "R-IN-13", "R-IN-14", "R-TP-01", "R-TP-02", "R-TP-03", "R-TP-04", "R-TP-05", "R-TP-07", "R-TP-08"]
    assert len(tables["增速"]) == 13 and sorted(tables["上限"]) == ["R-IN-06", "R-IN-07", "R-LM-01", "R-LM-02"]
    assert [r.id for r in BOOK.rules] == sorted(r.id for r in BOOK.rules)  # result.json lists rules in id order, as before


def test_a_band_compiles_to_the_ir_a_rule_file_would_give():
    tp04 = BY_ID["R-TP-04"]
    assert tp04.when == All((Leaf("shortfall", "gt", 0.15), Leaf("shortfall", "le", 0.4)))
    assert (tp04.status, tp04.severity, tp04.escalation) == ("滞后", "warn", "提醒")
    assert tp04.message == "完成率{ratio:%}，低于时序进度{time_progress:%}（「{quote}」；目标「{target_quote}」）"  # {完成率:%} → {ratio:%}
    assert BY_ID["R-TP-01"].when == All((Leaf("ratio", "ge", 1.0), Not(Leaf("aims_unread", "gt", 0.0))))
    assert BY_ID["R-GR-01"].when == All((Leaf("growth_shortfall", "le", 1.0), Not(Leaf("direction", "in", ("左右", "以上")))))
    assert BY_ID["R-IN-04"].applies_to == ("indicator",) and BY_ID["R-TP-04"].applies_to == ("task",)
    row = tp04.table_row
    assert (row.table, row.number, row.policy) == ("时序进度", 5, "first")
    assert row.cells == {"落后时序": "({tolerance}, {severe_gap}]"}


def test_rule_files_and_tables_share_one_id_space(tmp_path):
    rules = rulebook_with(tmp_path, BANDS)
    text = (rules / "R-TP-06.yaml").read_text(encoding="utf-8").replace("id: R-TP-06", "id: X-2")
    (rules / "R-TP-06.yaml").write_text(text, encoding="utf-8")
    assert any("规则编号「X-2」重复" in p and "档位.yaml:" in p for p in problems(rules))


# ---------------------------------------------------------------- gaps, overlaps, unreachable rows

def test_hand_written_bands_load_and_judge(tmp_path):
    book = load_rulebook(rulebook_with(tmp_path, BANDS))
    fired = PlainEvaluator(book.rules).evaluate([{"kind": "task", "shortfall": s} for s in (0.15, 0.151, 0.4, 0.41)])
    assert fired == [["X-1"], ["X-2"], ["X-2"], ["X-3"]]


def test_a_planted_gap_is_an_error_at_the_row(tmp_path):
    bands = [dict(BANDS[0]), dict(BANDS[1], cell="({tolerance}, 0.3]", fire=0.2), dict(BANDS[2])]
    found = problems(rulebook_with(tmp_path, bands))
    assert len(found) == 1
    assert found[0].startswith("tables/档位.yaml:18:5: 决策表「档位」有空档：任务，落后时序=0.35 时没有任何一行适用")
    assert "第 2 行（X-2）、第 3 行（X-3）" in found[0]


def test_a_planted_overlap_under_first_is_an_error(tmp_path):
    bands = [dict(BANDS[0]), dict(BANDS[1]), dict(BANDS[2], cell="> 0.3", quiet=0.2)]
    found = problems(rulebook_with(tmp_path, bands))
    assert found == ["tables/档位.yaml:30:5: 决策表「档位」第 3 行（X-3）与第 2 行（X-2）重叠：任务，落后时序=0.35 时两行都适用，"
                     "结论不同（严重滞后 / 滞后）（命中策略为 first 时只取第 2 行；请让两行的区间不相交，如 ({tolerance}, {severe_gap}] 与 > {severe_gap}）"]


def test_overlap_under_collect_is_allowed(tmp_path):
    bands = [dict(BANDS[0]), dict(BANDS[1]), dict(BANDS[2], cell="> 0.3", quiet=0.2)]
    book = load_rulebook(rulebook_with(tmp_path, bands, policy="collect"))
    assert PlainEvaluator(book.rules).evaluate([{"kind": "task", "shortfall": 0.35}]) == [["X-2", "X-3"]]


def test_same_outcome_overlap_under_first_fires_the_first_row_only(tmp_path):
    bands = [dict(BANDS[0]), dict(BANDS[1], cell="({tolerance}, 0.3]", fire=0.2),
             dict(id="X-2b", cell="(0.2, {severe_gap}]", status="滞后", fire=0.35, quiet=0.25), dict(BANDS[2])]
    book = load_rulebook(rulebook_with(tmp_path, bands))
    fired = PlainEvaluator(book.rules).evaluate([{"kind": "task", "shortfall": s} for s in (0.25, 0.35)])
    assert fired == [["X-2"], ["X-2b"]]  # 0.25 is in both: the upper row takes it
    narrow = [dict(BANDS[0]), dict(BANDS[1]), dict(BANDS[2]), dict(id="X-4", cell="[0.3, 0.4]", status="滞后", fire=0.5, quiet=0.2)]
    found = problems(rulebook_with(tmp_path / "b", narrow))
    assert found == ["tables/档位.yaml:42:5: 决策表「档位」第 4 行（X-4）永远不会生效：它适用的情况都已被上面的行取走（请检查这一行的区间，或删去这一行）"]


def test_an_unreachable_row_is_an_error(tmp_path):
    bands = BANDS + [dict(id="X-4", cell="[0.5, 0.2]", status="滞后", fire=0.3, quiet=0.1)]
    found = problems(rulebook_with(tmp_path, bands, policy="collect"))
    assert any("第 4 行（X-4）永远不会生效：没有任何可能的事实满足它的全部条件" in p and p.startswith("tables/档位.yaml:42:5:")
               for p in found), found


@pytest.mark.parametrize("cell,message", [
    ("({tolerance}, 很多]", "第 2 行「落后时序」列：单元格「({tolerance}, 很多]」中的「很多」应为数字或 {参数名}"),
    ("> {tolerence}", "未知的参数「tolerence」（是否想写「tolerance」？）"),
    ("非", None),  # "非" alone is the word 非, not a negation: refused as a text value for a number
])
def test_a_bad_cell_names_its_row_and_column(tmp_path, cell, message):
    bands = [dict(BANDS[0]), dict(BANDS[1], cell=cell), dict(BANDS[2])]
    found = problems(rulebook_with(tmp_path, bands))
    assert found and all(p.startswith("tables/档位.yaml:20:5:") for p in found), found
    if message:
        assert any(message in p for p in found), found


def test_the_cli_exits_2_on_a_gap_in_a_copy_of_the_shipped_table(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "tables" / "时序进度.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"({tolerance}, {severe_gap}]"', '"({tolerance}, 0.3]"'), encoding="utf-8")
    line = text.split("\n").index("  - 编号: R-TP-04") + 1
    result = CliRunner().invoke(main, ["rules", "test", str(rules)])
    assert result.exit_code == 2
    assert f"时序进度.yaml:{line}:5: 决策表「时序进度」有空档" in result.output and "落后时序=0.35" in result.output


def test_a_table_naming_the_time_progress_is_checked_at_every_time(tmp_path):
    """R-IN-04 (符合时间节点要求) holds before the year end only; without R-IN-13 the year end is a gap: an
    indicator at 100% time progress that fell short by less than the tolerance would get no verdict."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "tables" / "时序进度.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - 编号: R-IN-13")
    end = text.find("\n  - 编号:", start + 1)
    path.write_text(text[:start].rstrip("\n") + ("\n" + text[end + 1:] if end > 0 else "\n"), encoding="utf-8")
    found = problems(rules)
    assert len(found) == 1 and "决策表「时序进度」有空档：指标，" in found[0] and "时序进度=1" in found[0], found
    book = load_rulebook(RULES)
    year_end = {"kind": "indicator", "time_progress": 1.0, "ratio": 0.988, "shortfall": 0.012, "lead": -0.012}
    september = {"kind": "indicator", "time_progress": 0.75, "ratio": 0.691, "shortfall": 0.059, "lead": -0.059}
    fired = PlainEvaluator(book.rules).evaluate([year_end, september])
    assert "R-IN-13" in fired[0] and "R-IN-04" not in fired[0]
    assert "R-IN-04" in fired[1] and "R-IN-13" not in fired[1]


# ---------------------------------------------------------------- examples checked against derive

def test_a_self_contradicting_example_is_an_error_naming_it(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "tables" / "时序进度.yaml"
    text = path.read_text(encoding="utf-8")
    old = "fact: {ratio: 0.5, time_progress: 0.75, shortfall: 0.25}\n        expect: fire"
    assert old in text
    path.write_text(text.replace(old, old.replace("ratio: 0.5, time_progress: 0.75", "ratio: 0.95, time_progress: 0.10")), encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "test", str(rules)])
    assert result.exit_code == 2
    assert ("R-TP-04 的示例「q3_half_done_lags」的事实自相矛盾：落后时序应为 时序进度 − 完成率 = 0.1 − 0.95 = -0.85"
            in result.output), result.output
    assert "通过" not in result.output


@pytest.mark.parametrize("fact,message", [
    ("{ratio: 0.5, time_progress: 0.75, lead: 0.25}", "领先时序应为 完成率 − 时序进度 = 0.5 − 0.75 = -0.25，示例写的是 0.25"),
    ("{growth_actual: 4.5, growth_target: 6.5, growth_shortfall: 1.0}", "增速差距应为 目标增速 − 实际增速 = 6.5 − 4.5 = 2"),
    ("{data_end_month: 8, month: 9, data_lag_months: 2}", "数据滞后月数应为 报告月份 − 数据截止月 = 9 − 8 = 1"),
    ("{shortfall: \"{severe_gap} + {x}\"}", "「{severe_gap} + {x}」引用了未知的参数「x」"),
])
def test_contradictions_and_bad_expressions(tmp_path, fact, message):  # hand-written
    bands = [dict(BANDS[0]), dict(BANDS[1], fire=fact), dict(BANDS[2])]
    text_rules = rulebook_with(tmp_path, bands)
    found = problems(text_rules)
    assert any(message in p for p in found), found


def test_examples_relative_to_a_parameter_follow_it(tmp_path):  # hand-written
    bands = [dict(BANDS[0], fire='"{tolerance}"', quiet='"{tolerance} + 0.01"'), dict(BANDS[1], fire='"{severe_gap}"'), dict(BANDS[2])]
    rules = rulebook_with(tmp_path, bands)
    params = rules / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("tolerance: 0.15 ", "tolerance: 0.12 "), encoding="utf-8")
    book = load_rulebook(rules)
    x1 = next(r for r in book.rules if r.id == "X-1")
    assert [e.fact["shortfall"] for e in x1.examples] == [0.12, 0.13]


# ---------------------------------------------------------------- explain: the row that decided

def test_explain_names_the_table_row_that_decided_a_fuling_task():
    import json

    root = RULES.parent
    result = CliRunner().invoke(main, ["explain", str(root / "facts" / "fuling-2023"), "T088", "--period", "2023-09", "--engine", "vectorised"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("判定：滞后（R-TP-04：")
    assert lines[1] == "依据：决策表「时序进度」第 5 行（R-TP-04）：落后时序 ({tolerance}, {severe_gap}]（即 (0.15, 0.4]），实际 0.31 → 滞后"
    data = json.loads(CliRunner().invoke(main, ["explain", str(root / "facts" / "fuling-2023"), "T040", "--period", "2023-09",
                                                "--engine", "vectorised", "--json"]).output)
    assert data["status"] == "滞后" and data["decided_by"] == []  # R-ST-01 is a rule file, not a table row
    assert all(r["table"] is None for r in data["rules"] if r["rule"] == "R-ST-01")
    assert next(r for r in data["rules"] if r["rule"] == "R-TP-04")["table"]["row"] == 5


def test_table_row_trace_resolves_parameters():  # hand-written record
    from engine.judge.explain import table_row

    row = table_row(BY_ID["R-GR-05"], {"kind": "task", "direction": "左右", "growth_shortfall": 0.5}, BOOK.params)
    assert (row["table"], row["row"], row["outcome"]) == ("增速", 4, {"状态": "正常", "严重程度": "提示"})
    assert row["cells"] == [{"column": "目标方向", "cell": "左右", "resolved": None, "value": "左右"},
                            {"column": "增速差距", "cell": "<= {growth_tolerance_approx}", "resolved": "<= 1.5", "value": 0.5}]
    assert table_row(next(r for r in BOOK.rules if r.id == "R-ST-01"), {}, BOOK.params) is None


def test_an_overlap_of_one_status_names_what_differs():
    from types import SimpleNamespace

    from engine.rulebook.table_check import _outcomes_text

    lag = SimpleNamespace(status="滞后", severity="warn", escalation="提醒")
    assert _outcomes_text(SimpleNamespace(status="严重滞后", severity="error", escalation="督办"), lag) == "严重滞后 / 滞后"
    assert _outcomes_text(SimpleNamespace(status="滞后", severity="warn", escalation=None), lag) == "滞后（警告，不督办） / 滞后（警告，提醒）"
