"""A clerk's mistake in a lexicon file is reported like one in a rule file: Chinese, file and entry, exit 2."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from engine.cli import main
from engine.errors import RuleError
from engine.extract import lexicon


def test_a_broken_lexicon_is_the_clerks_error_not_an_internal_one(tmp_path, monkeypatch):
    broken = tmp_path / "lexicon"
    shutil.copytree(lexicon.LEXICON_DIR, broken)
    flags = broken / "flags.yaml"
    flags.write_text(flags.read_text(encoding="utf-8").replace("- name: 暂缓", "- name: 缓一缓", 1), encoding="utf-8")
    monkeypatch.setattr(lexicon, "LEXICON_DIR", broken)
    monkeypatch.setattr(lexicon, "_DEFAULT", [])  # this process's default lexicon: loaded again, from the broken copy
    result = CliRunner().invoke(main, ["rules", "test"])
    assert result.exit_code == 2, result.output
    assert "flags.yaml" in result.output and "缓一缓" in result.output
    assert "内部错误" not in result.output and "Traceback" not in result.output
    assert issubclass(lexicon.LexiconError, RuleError)
