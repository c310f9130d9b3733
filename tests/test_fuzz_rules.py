"""Fuzz: rule files (rules/R-*.yaml) as a clerk edits them — any field turned into any value.

Property: load_rulebook + the rules' own examples end in a Rulebook or a DubanError naming the rule file
(Chinese, file:line:col) — never another exception. The bad-rule corpus with exact messages is
tests/test_rulebook_bad.py (rulebook engineer); this module covers what no one thought to write down.
"""

from __future__ import annotations

import shutil

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import DubanError
from engine.rulebook.examples import run_examples
from engine.rulebook.load import load_rulebook

from .fuzz_settings import ROOT, fuzz, mutated, run_limited

RULES = ROOT / "rules"
BASES = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(RULES.glob("R-*.yaml"))}


def _book_dir(tmp_path, name: str, doc) -> object:
    shutil.copy(RULES / "params.yaml", tmp_path / "params.yaml")
    (tmp_path / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path


def _load_and_run(folder, name: str) -> None:
    try:
        run_examples(load_rulebook(folder))
    except DubanError as err:
        text = err.format()
        assert name in text or str(folder) in text, text  # the edited file, or a rule that relies on it
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text


@fuzz(quick=60, deep=2500)
@given(case=st.sampled_from(sorted(BASES)).flatmap(lambda n: st.tuples(st.just(n), mutated(BASES[n]))))
def test_mutated_rule_loads_or_names_the_file(tmp_path_factory, case):
    name, doc = case
    _load_and_run(_book_dir(tmp_path_factory.mktemp("rules"), name, doc), name)


@fuzz(quick=20, deep=500)
@given(doc=mutated(yaml.safe_load((RULES / "params.yaml").read_text(encoding="utf-8")), max_edits=2))
def test_mutated_params_load_or_name_the_file(tmp_path_factory, doc):
    folder = tmp_path_factory.mktemp("rules")
    for path in RULES.glob("R-*.yaml"):
        shutil.copy(path, folder / path.name)
    (folder / "params.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _load_and_run(folder, "params.yaml")


@pytest.mark.parametrize("expect", ["[fire]", "{}"])
def test_example_expect_as_a_list_or_mapping_is_a_rule_error(tmp_path, expect):
    rule = (RULES / "R-TP-06.yaml").read_text(encoding="utf-8").replace("expect: fire", f"expect: {expect}", 1)
    shutil.copy(RULES / "params.yaml", tmp_path / "params.yaml")
    (tmp_path / "R-TP-06.yaml").write_text(rule, encoding="utf-8")
    proc = run_limited("rules", "test", tmp_path, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-400:]
    assert "R-TP-06.yaml:18:5:" in proc.stderr and "expect" in proc.stderr and "no_fire" in proc.stderr, proc.stderr[-400:]


def test_precedence_with_repeated_nested_items_is_a_rule_error(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    params = rules / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace(
        "status_precedence: [已调整, 严重滞后, 滞后,", "status_precedence: [已调整, 严重滞后, [滞后], [滞后],", 1), encoding="utf-8")
    proc = run_limited("rules", "test", rules, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "params.yaml:71:" in proc.stderr, proc.stderr[-400:]
    assert "status_precedence" in proc.stderr and "应为文字" in proc.stderr, proc.stderr[-400:]


@pytest.mark.parametrize("ladder", ["escalation_ladder: true", "escalation_ladder: 5"])
def test_escalation_ladder_that_is_not_a_list_is_a_rule_error(tmp_path, ladder):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    params = rules / "params.yaml"
    text = params.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("escalation_ladder:"))
    params.write_text(text.replace(line, ladder, 1), encoding="utf-8")
    proc = run_limited("rules", "test", rules, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "escalation_ladder" in proc.stderr, proc.stderr[-400:]
