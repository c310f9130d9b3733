"""Every shipped rule's own examples, through both evaluators. `pytest -k R-TP-04` runs one rule."""

import pytest

from engine.evaluate.durable_adapter import DurableEvaluator
from engine.evaluate.plain import PlainEvaluator
from engine.rulebook.load import load_rulebook

from .conftest import RULES

BOOK = load_rulebook(RULES)
CASES = [(rule, ex) for rule in BOOK.rules for ex in rule.examples]


def test_every_rule_has_a_firing_and_a_non_firing_example():
    for rule in BOOK.rules:
        kinds = {ex.expect for ex in rule.examples}
        assert kinds == {True, False}, f"{rule.id} needs at least one fire and one no_fire example"


@pytest.mark.parametrize("rule,example", CASES, ids=[f"{r.id}.{e.name}" for r, e in CASES])
def test_example(rule, example):
    record = {k: v for k, v in example.fact.items() if v is not None}
    plain = PlainEvaluator([rule]).evaluate([record])[0]
    assert (rule.id in plain) == example.expect


def test_examples_agree_on_durable_rules():
    """One durable run over all examples (a worker process per run is the expensive part)."""
    records, expected = [], []
    for rule, ex in CASES:
        records.append({k: v for k, v in ex.fact.items() if v is not None})
        expected.append((rule.id, ex.expect))
    fired = DurableEvaluator(BOOK.rules).evaluate(records)
    plain = PlainEvaluator(BOOK.rules).evaluate(records)
    assert fired == plain
    for (rule_id, expect), got in zip(expected, fired):
        assert (rule_id in got) == expect, rule_id


# ---------------------------------------------------------------- tuning never turns the examples red (issue 21)

@pytest.mark.parametrize("factor", [0.8, 1.2])
def test_examples_stay_green_when_every_numeric_param_moves_20_percent(tmp_path, factor):
    """The documented round trip: export-params → change every number in the sheet → import-params → rules test.
    Boundary examples are written relative to their parameter ("{tolerance}", "0.75 - {tolerance}")."""
    import shutil

    import openpyxl
    from click.testing import CliRunner

    from engine.cli import main

    rules, sheet = tmp_path / "rules", tmp_path / "参数.xlsx"
    shutil.copytree(RULES, rules)
    runner = CliRunner()
    assert runner.invoke(main, ["rules", "export-params", str(rules), "--out", str(sheet)]).exit_code == 0
    wb = openpyxl.load_workbook(sheet)
    changed = []
    for name, value, *_ in wb["参数"].iter_rows(min_row=2):
        if isinstance(value.value, (int, float)) and not isinstance(value.value, bool) and value.value:
            value.value = round(value.value * factor, 6)
            changed.append(name.value)
    wb.save(sheet)
    imported = runner.invoke(main, ["rules", "import-params", str(sheet), str(rules)])
    assert imported.exit_code == 0, imported.output
    assert {"tolerance", "severe_gap", "ahead_margin", "growth_tolerance", "stale_months", "min_progress_chars"} <= set(changed)
    assert f"已修改 {len(changed)} 个参数" in imported.output
    result = runner.invoke(main, ["rules", "test", str(rules)])
    assert result.exit_code == 0, "\n".join(line for line in result.output.splitlines() if not line.startswith("通过"))
    assert " 0 failed" in result.output and "均有示例恰好落在边界上" in result.output


# ---------------------------------------------------------------- text examples: task + progress through the pipeline

TEXT_CASES = [(rule, ex) for rule in BOOK.rules for ex in getattr(rule, "text_examples", ())]


def test_every_rule_has_a_text_example_with_its_source():
    for rule in BOOK.rules:
        assert rule.text_examples, f"{rule.id} needs a task + progress example"
        assert all(ex.source for ex in rule.text_examples), rule.id
    real = {rule.id for rule, ex in TEXT_CASES if "fuling" in (ex.source or "")}
    assert len(real) >= 19  # the rest: cases the Fuling reports lack, marked 手写


@pytest.mark.parametrize("rule,example", TEXT_CASES, ids=[f"{r.id}.{e.name}" for r, e in TEXT_CASES])
def test_text_example(rule, example):
    from engine.rulebook.text_examples import run_text_example

    passed, detail = run_text_example(BOOK, rule.id, example)
    assert passed, detail


def test_a_wrong_text_example_says_what_the_pipeline_gave(tmp_path):  # hand-written
    import shutil

    from click.testing import CliRunner

    from engine.cli import main

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "R-ST-01.yaml"
    path.write_text(path.read_text(encoding="utf-8") + '  - name: wrong\n    source: 手写\n    task: "推进滨江路改造。"\n'
                    '    progress: "项目暂缓实施。"\n    status: 正常\n    quote: 停工\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "test", str(rules)])
    assert result.exit_code == 1
    assert ("失败  R-ST-01.wrong  文字示例：状态应为「正常」，实为「滞后」；说明中应有「停工」，实为「进展显示工作停滞：「项目暂缓实施」」；"
            "实际「滞后」（R-ST-01）") in result.output, result.output


def test_a_text_example_with_a_bad_key_is_a_rule_error(tmp_path):  # hand-written
    import shutil

    from engine.errors import RuleError

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "R-ST-01.yaml"
    lines = path.read_text(encoding="utf-8").count("\n")
    path.write_text(path.read_text(encoding="utf-8") + '  - name: bad\n    task: "推进滨江路改造。"\n    progres: "暂缓。"\n'
                    '    status: 落后\n    period: 2023-9\n', encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rulebook(rules)
    text = err.value.format()
    assert f"R-ST-01.yaml:{lines + 3}:5: 文字示例中有未知的键「progres」（是否想写「progress」？）" in text
    assert f"R-ST-01.yaml:{lines + 5}:5: 文字示例「bad」的 period 应写成 YYYY-MM，实为「2023-9」" in text
