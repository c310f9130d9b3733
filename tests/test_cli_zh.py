"""click speaks Chinese (engine/cli_zh.py): every command's --help, and every usage error, exactly worded."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.cli_format import display_width, wrap_display

from .conftest import run_cli
from .english import english_words

# programs and formats the help names as they are spelt
IDENTIFIERS = {"make", "pytest", "junit", "sarif"}


def _commands(command: click.Command, path: list[str]):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, path + [name])


ALL = list(_commands(main, []))


def _tree_names() -> set[str]:
    """What the help may spell in ASCII: command names, argument metavars, choice values."""
    names = set(IDENTIFIERS) | {n for p, _ in ALL for n in p}
    for _, command in ALL:
        for param in command.params:
            names.add(param.name.upper())
            if isinstance(getattr(param, "type", None), click.Choice):
                names.update(map(str, param.type.choices))
    return names


NAMES = _tree_names()


def _invoke(*args):
    return CliRunner().invoke(main, list(args), prog_name="duban")


def test_the_tree_has_every_command():
    paths = {" ".join(p) for p, _ in ALL}
    assert {"", "import", "check", "explain", "audit", "bench", "rules", "rules test", "rules diff"} <= paths


@pytest.mark.parametrize("path, command", ALL, ids=[" ".join(p) or "duban" for p, _ in ALL])
def test_help_has_no_english(path, command):
    result = _invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(f"用法：duban{' ' if path else ''}{' '.join(path)}"), text[:200]
    assert "选项：" in text and "显示本帮助并退出。" in text, text
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "[default:", "[required]", "TEXT", "INTEGER"):
        assert english not in text, (english, text)
    assert english_words(text, NAMES) == [], text


def test_root_help_and_version():
    text = _invoke("--help").output
    assert "命令：" in text and "用法：duban [选项] 命令 [参数]..." in text
    assert re.search(r"--version +显示版本号并退出。", text), text
    version = _invoke("--version")
    assert version.exit_code == 0 and "duban 版本 " in version.output, version.output


def test_defaults_ranges_and_required_in_chinese():
    bench = _invoke("bench", "--help").output
    assert "[默认：10000；x>=1]" in bench, bench
    assert "--out 目录" in bench and "--facts 整数" in bench, bench
    check = _invoke("check", "--help").output
    assert "[必填]" in check, check


def test_help_columns_align_in_terminal_cells():
    # a Chinese metavar is two cells per character: the descriptions must still start in one column
    lines = [line for line in _invoke("import", "--help").output.splitlines() if line.startswith("  --")]
    starts = set()
    for line in lines:
        term, _, rest = line[2:].partition("  ")
        if rest.strip():
            starts.add(display_width("  " + term) + len(rest) - len(rest.lstrip()) + 2)
    assert len(starts) == 1, lines


def test_wrapping_keeps_ascii_runs_and_closing_punctuation():
    lines = wrap_display("写出审核结果的目录（只给 --format 时为 reports_out/<工作区>/<报告期>/）", 30)
    assert all(display_width(line) <= 32 for line in lines), lines  # a closing bracket may hang over
    assert any("--format" in line for line in lines) and not any(line.startswith("）") for line in lines), lines


USAGE_ERRORS = [
    (["check"], "错误：缺少参数 WORKSPACE。", "用法：duban check [选项] WORKSPACE"),
    (["check", "ws"], "错误：缺少必填选项 --period。", "运行「duban check --help」查看说明。"),
    (["chek"], "错误：没有这个命令：「chek」。是否想写 check？", "用法：duban [选项] 命令 [参数]..."),
    (["rules", "tset"], "错误：没有这个命令：「tset」。是否想写 test？", "用法：duban rules [选项] 命令 [参数]..."),
    (["frobnicate"], "错误：没有这个命令：「frobnicate」。", None),  # hand-written: nothing close
    (["check", "ws", "--perod", "2023-09"], "错误：没有这个选项：「--perod」。是否想写 --period？", None),
    (["check", "ws", "--period"], "错误：选项 --period 后面缺少值。", "用法：duban check [选项] WORKSPACE"),
    (["import", "a.csv", "--into", "ws", "--year", "二〇二三"], "错误：选项 --year 的值无效：「二〇二三」不是整数", None),
    (["import", "a.csv", "--into", "ws", "--year", "2023.5"], "错误：选项 --year 的值无效：「2023.5」不是整数", None),
    (["import", "a.csv", "--into", "ws", "--dry-run=yes"], "错误：选项 --dry-run 是开关，不接受值。", None),
    (["bench", "--facts", "0"], "错误：选项 --facts 的值无效：「0」超出范围，应不小于 1", None),
    (["bench", "--facts", "many"], "错误：选项 --facts 的值无效：「many」不是整数", None),
    (["bench", "--engine", "drools"], "错误：选项 --engine 的值无效：「drools」不是可选的值，可选：auto、durable_rules、vectorised", None),
    (["bench", "--rules", "/no/such/rules"], "错误：选项 --rules 的值无效：路径「/no/such/rules」不存在", None),
    (["check", "ws", "extra", "--period", "2023-09"], "错误：多余的参数：「extra」（含空格的路径或文字请加引号）", None),
    (["check", "涪陵 区", "工作区", "--period", "2023-09"], "错误：多余的参数：「工作区」", None),  # hand-written
    (["check", "ws", "--period", "2023-09", "--engine", "\x1b[31mred"], "「\\x1b[31mred」不是可选的值", None),
]


@pytest.mark.parametrize("args, message, more", USAGE_ERRORS, ids=[" ".join(a) for a, _, _ in USAGE_ERRORS])
def test_usage_errors_in_chinese(args, message, more):
    result = _invoke(*args)
    assert result.exit_code == 2, result.output
    text = result.output
    assert text.startswith("错误："), text
    assert message in text, text
    if more:
        assert more in text, text
    assert "\x1b" not in text, repr(text)  # an escape sequence typed (or pasted) is shown, not obeyed
    assert english_words(text, NAMES | {"frobnicate", "drools", "many", "extra", "chek", "tset"}) == [], text
    assert "Error" not in text and "Usage" not in text and "Try '" not in text, text


def test_bench_rules_pointing_at_a_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("x: 1\n", encoding="utf-8")
    result = _invoke("bench", "--rules", str(path))
    assert result.exit_code == 2 and f"「{path}」是文件，这里要的是目录" in result.output, result.output


def test_group_without_command_shows_chinese_help():
    result = _invoke("rules")
    assert result.exit_code == (2 if hasattr(click.exceptions, "NoArgsIsHelpError") else 0)  # click < 8.2: 0
    assert result.output.startswith("用法：duban rules"), result.output
    assert english_words(result.output, NAMES) == []


def test_through_the_real_console_entry_point():
    # a subprocess, as a clerk runs it: stderr, exit code 2, no traceback
    proc = run_cli("check", "--period")
    assert proc.returncode == 2, proc
    assert proc.stderr.startswith("错误："), proc.stderr
    assert "Traceback" not in proc.stderr and english_words(proc.stderr, NAMES | {"python"}) == []  # prog: python -m engine.cli, proc.stderr


def test_library_wording_goes_to_the_debug_log_only(caplog):
    import logging

    with caplog.at_level(logging.DEBUG, logger="duban.cli"):
        result = _invoke("bench", "--facts", "many")
    assert "不是整数" in result.output
    assert any("not a valid integer" in r.getMessage() for r in caplog.records), [r.getMessage() for r in caplog.records]


FUZZ_VALUES = ["", "2023-09", "abc", "0", "-1", "99999999999999999999", "１２", "--", "-", "x" * 300, "\x1b[31m",
               "涪陵区", "/nonexistent", ".", "auto", "=", "2023.5", "nan", "1e400", "\n", " "]


def test_random_argv_from_the_real_option_set(monkeypatch):
    """2,000 random command lines (real options, random values; commands stubbed so nothing runs): every
    one ends with exit 0 or 2, Chinese output, no traceback, no raw escape sequence."""
    import random

    for _, command in ALL:
        if not isinstance(command, click.Group):
            monkeypatch.setattr(command, "callback", lambda **kwargs: None)
    rng, failures = random.Random(2023), []
    for _ in range(2000):
        path, command = rng.choice(ALL)
        argv = list(path)
        options = [o for p in command.params for o in getattr(p, "opts", [])] + ["--nope", "--perio"]
        for _ in range(rng.randint(0, 5)):
            if rng.random() < 0.5:
                option = rng.choice(options)
                argv.append(option if rng.random() < 0.8 else f"{option}={rng.choice(FUZZ_VALUES)}")
                if rng.random() < 0.7:
                    argv.append(rng.choice(FUZZ_VALUES))
            else:
                argv.append(rng.choice(FUZZ_VALUES + sorted(NAMES)))
        result = _invoke(*argv)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        words = english_words(result.output, NAMES | {"nope", "perio", "abc"})
        if crashed or result.exit_code not in (0, 2) or words or "\x1b" in result.output:
            failures.append((argv, result.exit_code, words, result.output[:200], repr(result.exception)))
    assert not failures, failures[:5]
