"""The rulebook format as the office uses it: what is accepted, the doc, coverage, and the
params.yaml ⇄ .xlsx round trip. The mistakes are in test_rulebook_bad.py."""

import re
import shutil
from pathlib import Path

import click
import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from engine.cli import DubanGroup, main
from engine.errors import RuleError
from engine.rulebook.commands import export_params_cmd, import_params_cmd
from engine.rulebook.examples import coverage_lines, run_examples
from engine.rulebook.fields import ALIASES, FIELDS, fields_markdown
from engine.rulebook.ir import OPS, SEVERITIES, STATUSES_INDICATOR, STATUSES_TASK, Leaf
from engine.rulebook.load import load_rulebook
from engine.rulebook.load_conditions import OP_ALIASES
from engine.rulebook.params_xlsx import export_params, import_params

from .conftest import ROOT, RULES

DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
RULE = """id: R-X-01
version: 1
title: 测试规则
applies_to: task
when:
{when}
then:
  status: 滞后
  message: "完成率{{ratio:%}}"
examples:
  - name: a
    fact: {{ratio: 0.5}}
    expect: fire
"""


@pytest.fixture
def rules(tmp_path):
    dest = tmp_path / "rules"
    shutil.copytree(RULES, dest, ignore=shutil.ignore_patterns("lexicon", "audit"))
    return dest


def one_rule(tmp_path, when: str):
    d = tmp_path / "one"
    d.mkdir()
    shutil.copy(RULES / "params.yaml", d / "params.yaml")
    (d / "R-X-01.yaml").write_text(RULE.format(when=when), encoding="utf-8")
    return load_rulebook(d).rules[0]


# ---------------------------------------------------------------- the doc


def test_doc_carries_the_generated_field_table():
    table = DOC.split("<!-- fields:begin -->\n", 1)[1].split("\n<!-- fields:end -->", 1)[0]
    assert table == fields_markdown(), "docs/rules.md 的字段表已过期：python -m engine.rulebook.fields"
    for name, spec in FIELDS.items():
        assert f"| `{name}` | {spec.alias} |" in DOC


def test_doc_lists_operators_statuses_severities():
    for word in list(OPS) + list(OP_ALIASES):
        assert f"`{word}`" in DOC, word
    for status in STATUSES_TASK + STATUSES_INDICATOR:
        assert status in DOC
    for severity in SEVERITIES:
        assert f"`{severity}`" in DOC
    for section in ("时序进度", "增速", "上限", "表述关键词", "定性任务的证据", "指标", "只作提示", "duban rules test",
                    "export-params", "import-params", "全角"):
        assert section in DOC, section


# ---------------------------------------------------------------- what is accepted


@pytest.mark.parametrize("when,leaf", [
    ('  完成率: {＞＝: 0.5}', Leaf("ratio", "ge", 0.5)),
    ('  完成率: {"≥": 0.5}', Leaf("ratio", "ge", 0.5)),
    ('  完成率: {不小于: 0.5}', Leaf("ratio", "ge", 0.5)),
    ('  ratio: {ge: 0.5}', Leaf("ratio", "ge", 0.5)),
    ('  有进展: 是', Leaf("has_progress", "eq", True)),
    ('  有进展: 否', Leaf("has_progress", "eq", False)),
    ('  完成率: {">=": 1e0}', Leaf("ratio", "ge", 1.0)),
    ('  进展原文: {包含: 未实现“依时序推进”}', Leaf("progress", "contains", ("未实现“依时序推进”",))),
    ('  进展原文: {包含: 被...通报}', Leaf("progress", "contains", ("被...通报",))),
])
def test_accepted_forms(tmp_path, when, leaf):
    assert one_rule(tmp_path, when).when == leaf


def test_every_mistake_in_every_file_is_reported_together(rules):
    for name, old, new in (("tables/时序进度.yaml", "    落后时序: \"({tolerance}", "    落后时续: \"({tolerance}"),
                           ("R-TP-06.yaml", "写明不落后时序:", "写明不落后时续:"), ("R-ST-01.yaml", "severity: warn", "severity: warning")):
        path = rules / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    params = rules / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("tolerance: 0.15 ", "tolerance: 010  "), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rulebook(rules)
    text = err.value.format()
    assert "params.yaml:9:1: 参数「tolerance」应为数字，实为「010」（「010」以 0 开头" in text
    assert "R-ST-01.yaml:10:3: 未知的严重程度「warning」（是否想写「warn」？）" in text
    assert "R-TP-06.yaml:8:7: 未知的事实字段「写明不落后时续」（是否想写「写明不落后时序」？）" in text
    row = (rules / "tables" / "时序进度.yaml").read_text(encoding="utf-8").split("\n").index('    落后时续: "({tolerance}, {severe_gap}]"') + 1
    assert f"时序进度.yaml:{row}:5: 未知的事实字段「落后时续」（是否想写「落后时序」？）" in text


def test_exists_yes_is_refused_with_a_hint(tmp_path):
    with pytest.raises(RuleError) as err:
        one_rule(tmp_path, '  完成率: {exists: yes}')
    assert "「完成率」的「exists」应为true 或 false，实为「yes」" in err.value.format()
    assert "请写 true 或 false" in err.value.format()


def test_a_bad_rulebook_never_runs_exit_2(rules):
    (rules / "R-TP-06.yaml").write_text("id: R-TP-06\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "test", str(rules)])
    assert result.exit_code == 2
    assert "缺少必填项「when」" in result.output and "通过" not in result.output


def test_shipped_rulebook_round_trips_through_the_yaml_writer():
    """import-params rewrites params.yaml with ruamel: a no-op dump must be byte-identical."""
    from engine.store.yamlio import dump_roundtrip, load_roundtrip

    path = RULES / "params.yaml"
    assert dump_roundtrip(load_roundtrip(path)) == path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- coverage


def test_coverage_of_the_shipped_examples():
    book = load_rulebook(RULES)
    lines = coverage_lines(book, run_examples(book))
    assert lines[0] == f"覆盖：{len(book.rules)} 条规则均有触发与不触发示例；未被示例覆盖的状态：无"
    assert lines[1].startswith("参数边界：") and "均有示例恰好落在边界上" in lines[1] and "tolerance" in lines[1]


def set_examples(rules, table: str, row_id: str, examples: list) -> None:
    """Replace one decision-table row's examples (the table is rewritten; positions change)."""
    path = rules / "tables" / f"{table}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(r for r in data["行"] if r["编号"] == row_id)["示例"] = examples
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_coverage_names_what_is_missing(rules):
    set_examples(rules, "时序进度", "R-TP-04", [{"name": "lags", "fact": {"shortfall": 0.3}, "expect": "fire"}])
    set_examples(rules, "时序进度", "R-TP-05", [{"name": "wrong", "fact": {"shortfall": 0.1}, "expect": "fire"}])  # fails: not coverage
    set_examples(rules, "增速", "R-GR-03", [{"name": "quiet", "fact": {"growth_shortfall": 0.1}, "expect": "no_fire"}])
    book = load_rulebook(rules)
    lines = coverage_lines(book, run_examples(book))
    assert lines[0] == (f"覆盖：{len(book.rules)} 条规则中，缺少触发示例：R-GR-03、R-TP-05；缺少不触发示例：R-TP-04、R-TP-05；"
                        "未被示例覆盖的状态：严重滞后")
    assert "  severe_gap（落后时序 = 0.4）：R-TP-04、R-TP-05" in lines


# ---------------------------------------------------------------- params ⇄ xlsx


def sheet_rows(path):
    ws = openpyxl.load_workbook(path)["参数"]
    return {row[0].value: row for row in ws.iter_rows(min_row=2)}


def test_export_then_import_unchanged_is_byte_identical(rules, tmp_path):
    before = (rules / "params.yaml").read_bytes()
    export_params(rules, tmp_path / "p.xlsx")
    rows = sheet_rows(tmp_path / "p.xlsx")
    assert rows["tolerance"][1].value == 0.15 and "低多少以内仍算正常" in rows["tolerance"][2].value
    # 未启动 left stall_words on purpose (issue 14): whether it lags depends on the month (R-ST-02)
    assert rows["stall_words"][1].value.startswith("暂缓、暂停、无进展")
    assert rows["time_progress.method"][1].value == "months"
    assert rows["indicator_precedence"][2].value == "同一任务有多条发现时，按此顺序取最靠前的状态。"
    changes, missing = import_params(tmp_path / "p.xlsx", rules)
    assert changes == [] and missing == []
    assert (rules / "params.yaml").read_bytes() == before


def test_tolerance_changed_in_the_sheet_keeps_every_comment(rules, tmp_path):
    before = (rules / "params.yaml").read_text(encoding="utf-8")
    export_params(rules, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    for row in wb["参数"].iter_rows(min_row=2):
        if row[0].value == "tolerance":
            row[1].value = 0.05
    wb.save(tmp_path / "p.xlsx")
    changes, _ = import_params(tmp_path / "p.xlsx", rules)
    assert changes == [("tolerance", 0.15, 0.05)]
    after = (rules / "params.yaml").read_text(encoding="utf-8")
    assert after == before.replace("tolerance: 0.15 ", "tolerance: 0.05 ")
    assert load_rulebook(rules).params["tolerance"] == 0.05


def test_lists_and_tables_change_in_place(rules, tmp_path):
    before = (rules / "params.yaml").read_text(encoding="utf-8")
    export_params(rules, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    for row in wb["参数"].iter_rows(min_row=2):
        if row[0].value == "stall_words":
            row[1].value = row[1].value.replace("暂停、", "") + "、停摆"
        if row[0].value == "time_progress.curve":
            row[1].value = "3: 0.2、6: 0.45、9：0.75、12: 1"
        if row[0].value == "min_progress_chars":
            row[1].value = "20"  # a number typed into a text cell is still a number
    wb.save(tmp_path / "p.xlsx")
    import_params(tmp_path / "p.xlsx", rules)
    after = (rules / "params.yaml").read_text(encoding="utf-8")
    comments = [line.split("#", 1)[1] for line in before.splitlines() if "#" in line]
    assert all(c in after for c in comments)
    params = load_rulebook(rules).params
    assert "暂停" not in params["stall_words"] and params["stall_words"][-1] == "停摆"
    assert params["time_progress"]["curve"] == {3: 0.2, 6: 0.45, 9: 0.75, 12: 1.0}
    assert params["min_progress_chars"] == 20
    assert "  - 停摆\n\n# 被上级点名的说法" in after
    assert "  curve: {3: 0.2, 6: 0.45, 9: 0.75, 12: 1.0} # method 为 curve" in after


def test_import_reports_every_bad_row_and_writes_nothing(rules, tmp_path):
    before = (rules / "params.yaml").read_bytes()
    export_params(rules, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    ws = wb["参数"]
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    rows["tolerance"][1].value = "五个百分点"
    rows["stall_words"][1].value = 3  # a list stays a list: a lone number becomes one word "3", valid
    rows["severe_gap"][1].value = "=B3*2"
    ws.append(["tolerence", 0.05, None])
    ws.append(["ahead_margin", 0.2, None])
    wb.save(tmp_path / "p.xlsx")
    with pytest.raises(RuleError) as err:
        import_params(tmp_path / "p.xlsx", rules)
    text = err.value.format()
    n = ws.max_row
    assert f"第 {rows['tolerance'][0].row} 行（tolerance）：应为数字，实为「五个百分点」" in text
    assert f"第 {rows['severe_gap'][0].row} 行（severe_gap）：是公式「=B3*2」（请直接填写值，不要用公式）" in text
    assert f"第 {n - 1} 行：params.yaml 中没有参数「tolerence」（是否想写「tolerance」？）" in text
    assert f"第 {n} 行（ahead_margin）：与第 {rows['ahead_margin'][0].row} 行重复" in text
    assert (rules / "params.yaml").read_bytes() == before


def test_import_that_would_break_the_rulebook_writes_nothing(rules, tmp_path):
    before = (rules / "params.yaml").read_bytes()
    export_params(rules, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    for row in wb["参数"].iter_rows(min_row=2):
        if row[0].value == "severe_gap":
            row[1].value = 0.1
    wb.save(tmp_path / "p.xlsx")
    with pytest.raises(RuleError) as err:
        import_params(tmp_path / "p.xlsx", rules)
    assert "params.yaml 未改动" in err.value.format()
    assert "参数「severe_gap」（0.1）应大于「tolerance」（0.15）" in err.value.format()
    assert (rules / "params.yaml").read_bytes() == before


def test_text_that_looks_like_a_formula_is_exported_as_text(rules, tmp_path):
    params = rules / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8") + 'x_note: "=SUM(A1)"\nx_words: [-暂缓, "+1", "@x"]\nx_table: [[1, 2]]\n', encoding="utf-8")
    before = params.read_bytes()
    assert export_params(rules, tmp_path / "p.xlsx")[1] == ["x_table"]  # reported, not silently dropped
    rows = sheet_rows(tmp_path / "p.xlsx")
    for name, text in (("x_note", "=SUM(A1)"), ("x_words", "-暂缓、+1、@x")):
        cell = rows[name][1]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert import_params(tmp_path / "p.xlsx", rules) == ([], [])
    assert params.read_bytes() == before


# ---------------------------------------------------------------- the commands


@pytest.fixture
def group():
    @click.group(cls=DubanGroup)
    def rules_group():
        pass

    rules_group.add_command(export_params_cmd)
    rules_group.add_command(import_params_cmd)
    return rules_group


def test_commands_export_and_import(group, rules, tmp_path):
    runner = CliRunner()
    out = tmp_path / "参数.xlsx"
    result = runner.invoke(group, ["export-params", str(rules), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert re.search(r"已导出 \d+ 个参数到 ", result.output)
    wb = openpyxl.load_workbook(out)
    for row in wb["参数"].iter_rows(min_row=2):
        if row[0].value == "tolerance":
            row[1].value = 0.05
    wb.save(out)
    before = (rules / "params.yaml").read_bytes()
    result = runner.invoke(group, ["import-params", str(out), str(rules), "--dry-run"])
    assert result.exit_code == 0 and "tolerance：0.15 → 0.05" in result.output and "试运行" in result.output
    assert (rules / "params.yaml").read_bytes() == before
    result = runner.invoke(group, ["import-params", str(out), str(rules)])
    assert result.exit_code == 0 and "已修改 1 个参数" in result.output
    assert "tolerance: 0.05 " in (rules / "params.yaml").read_text(encoding="utf-8")
    result = runner.invoke(group, ["import-params", str(out), str(rules)])
    assert "参数没有变化" in result.output


def test_command_errors_exit_2(group, rules, tmp_path):
    bogus = tmp_path / "p.xlsx"
    bogus.write_bytes(b"not a zip")
    result = CliRunner().invoke(group, ["import-params", str(bogus), str(rules)])
    assert result.exit_code == 2 and "不是有效的 .xlsx 文件" in result.output
    result = CliRunner().invoke(group, ["export-params", str(tmp_path / "nowhere"), "--out", str(bogus)])
    assert result.exit_code == 2 and "缺少 params.yaml" in result.output
    assert Path(bogus).read_bytes() == b"not a zip"
