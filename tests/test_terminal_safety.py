"""Nothing echoed in an error can drive the terminal: control characters and ANSI escape sequences in
file names, fields and quoted input are shown as \\xNN (engine/errors.py printable)."""

from __future__ import annotations

from engine.errors import InputError, Problem, printable

from .conftest import run_cli


def test_printable_shows_controls_and_keeps_text():
    assert printable("区\x1b[31m交通局") == "区\\x1b[31m交通局"
    assert printable("第一行\n第二行\t完") == "第一行\n第二行\t完"  # line breaks and tabs in a message stay
    assert printable("a\nb", one_line=True) == "a\\x0ab"  # ...but not in a file name or a field
    assert printable("\x9b2J\x7f\r") == "\\x9b2J\\x7f\\x0d"  # C1 CSI, DEL, a carriage return
    assert printable("\u202e局通交区") == "\\u202e局通交区"  # a right-to-left override would reverse the line


def test_problem_format_escapes_every_part():
    shown = Problem("单位「区\x1b]0;标题\x07局」不在计划中", file="进展\x1b[2J.csv", line=3,
                    field="牵头\r单位", hint="检查\x1b[5m闪烁").format()
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown, repr(shown)
    assert shown == ("进展\\x1b[2J.csv:3: 字段「牵头\\x0d单位」：单位「区\\x1b]0;标题\\x07局」不在计划中"
                     "（检查\\x1b[5m闪烁）")
    assert "\\x1b" in InputError("x", file="a\x1bb").format()


def test_a_file_name_with_an_escape_sequence_through_the_cli(tmp_path):
    # hand-written: a name a clerk could never see in Explorer, sent by a script
    name = tmp_path / "进展\x1b[31m红\x1b[0m.csv"
    proc = run_cli("import", name, "--into", tmp_path / "ws", "--region", "测试区", "--year", "2023")
    assert proc.returncode == 2, proc.stderr
    assert "\x1b" not in proc.stderr, repr(proc.stderr)
    assert "进展\\x1b[31m红\\x1b[0m.csv: 文件不存在" in proc.stderr, proc.stderr
