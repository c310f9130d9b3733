"""Library errors on user input reach the user in the project's Chinese words (engine/library_messages.py).

Each case drives the real library (libyaml, PyYAML, ruamel, re, Jinja2, python-docx, openpyxl, zipfile)
with a bad input and asserts our wording, and that no English sentence of the library got through."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from engine import library_messages as lm
from engine.errors import Collector, InputError
from engine.store.yamlio import load_roundtrip, load_yaml_text

from .english import english_words

ROOT = Path(__file__).resolve().parent.parent
BASE_PLAN = Path(__file__).resolve().parent / "fixtures" / "bad" / "base" / "plan.yaml"


def _yaml_error(text: str) -> str:
    with pytest.raises(InputError) as info:
        load_yaml_text(text, "plan.yaml")
    return info.value.format()


def _real_plan_with(line_no: int, replacement: str) -> str:
    """The base workspace's plan.yaml (real Fuling rows) with one line replaced."""
    lines = BASE_PLAN.read_text(encoding="utf-8").splitlines()
    lines[line_no - 1] = replacement
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- YAML

REAL_YAML = [  # the base plan.yaml, broken the way clerks break it
    (_real_plan_with(17, "    unit: '%"), "plan.yaml:30:9:", "缩进不一致或缺少键", None),  # the quote runs on
    (_real_plan_with(25, "    - [6, 12"), "plan.yaml:26:12:", "方括号 [ ] 里找不到应有的半角逗号「,」或右方括号「]」", None),
    (_real_plan_with(16, "  - quantity: {6.5"), "plan.yaml:17:", "花括号 { } 里找不到应有的半角逗号「,」或右花括号「}」", None),
    (_real_plan_with(3, "year: 2023\x00"), "plan.yaml:3:11:", "YAML 文件中含有不允许的控制字符 U+0000", "请删除这个字符"),
    (_real_plan_with(10, "  name: 地区生产总值\x07增长"), "plan.yaml:10:15:", "控制字符 U+0007", None),  # after 9 CJK chars
]

HAND_WRITTEN_YAML = [  # hand-written: mistakes the Fuling files never had
    ("%YAML 2.0\n---\nregion: 某县\n", "plan.yaml:1:1:", "%YAML 版本声明不受支持", None),
    ("region: 某县\nnote: |0\n  文字\n", "plan.yaml:2:", "「|」或「>」后的缩进数字不能是 0", None),
    ("- 任务一\nregion: 某县\n", "plan.yaml:2:1:", "列表项「-」缩进不一致", None),
    ("%备注 本文件由某县填报\nregion: 某县\n", "plan.yaml:1:", "以「%」开头的行不是 YAML 的内容", None),
    ("region: !本地 某县\n", "plan.yaml:1:", "「!」", None),
    ("{region: 某县}}\n", "plan.yaml:1:", "顶层结构不对", None),
    ('region: "某县\\q"\n', "plan.yaml:1:", "双引号中的反斜杠「\\」用法不对", None),
    ('region: "某县\\uZZZZ"\n', "plan.yaml:1:", "转义写错了", None),
    ("region: &\n", "plan.yaml:1:", "「&」或「*」后应是锚点名", None),
    ("year: 2024\ntext: 第一行\r\n\x1b[31m红字\n", "plan.yaml:3:", "控制字符 U+001B", None),
]


@pytest.mark.parametrize("text, where, message, hint", REAL_YAML + HAND_WRITTEN_YAML)
def test_yaml_errors_in_our_words(text, where, message, hint):
    shown = _yaml_error(text)
    assert shown.startswith(where), shown
    assert message in shown, shown
    if hint:
        assert hint in shown, shown
    assert english_words(shown) == [], shown


def test_every_yaml_wording_in_the_table_is_chinese():
    for en, zh in lm.YAML_PROBLEMS.items():
        assert re.search(r"[\u4e00-\u9fff]", zh) and english_words(zh) == [], (en, zh)


def test_an_unknown_yaml_wording_never_shows_the_english():
    # the next libyaml may reword anything: the user then gets our generic sentence and the place
    assert lm.yaml_problem("found a brand new kind of mistake") == lm.YAML_FALLBACK
    assert lm.yaml_problem(None) == lm.YAML_FALLBACK
    assert lm.yaml_problem("did not find expected key") == "缩进不一致或缺少键"


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: {b: 1\n", "a: b: c\n", "a: 'x\n", "- a\nb: 1\n", "a:\n\tb: 1\n"])
def test_pure_python_loaders_map_too(text):
    # PyYAML's Python scanner (the deep-nesting fallback) and ruamel word the same mistakes differently
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError as RuamelError

    with pytest.raises(yaml.MarkedYAMLError) as pure:
        yaml.load(text, Loader=yaml.SafeLoader)
    assert lm.yaml_problem(pure.value.problem) != lm.YAML_FALLBACK, pure.value.problem
    with pytest.raises(RuamelError) as ruamel:
        YAML(typ="rt").load(text)
    assert lm.yaml_problem(getattr(ruamel.value, "problem", None)) != lm.YAML_FALLBACK, ruamel.value


def test_roundtrip_reader_gives_the_same_chinese(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(_real_plan_with(25, "    - [6, 12"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_roundtrip(path)
    assert "方括号 [ ] 里找不到应有的半角逗号" in info.value.format()
    assert english_words(info.value.format()) == []


def test_reader_error_position_is_line_and_column():
    assert lm.line_col("ab\ncd\x00", 5) == (2, 3)
    assert lm.line_col("\x00", 0) == (1, 1)


# ---------------------------------------------------------------- regular expressions

REGEXES = [
    ("(第[一二三]季度", "左括号「(」没有配对的右括号「)」"),
    ("完成)", "右括号「)」没有配对的左括号「(」"),
    ("[万亿", "方括号「[」没有配对的「]」"),
    ("*完成", "前面没有可重复的内容"),
    ("完成\\", "以单独的反斜杠「\\」结尾"),
    ("[9-0]", "字符范围写反了"),
    ("(?<=增长.+)%", "长度必须固定"),
    ("\\q", "反斜杠「\\」后跟了不认识的字符"),
    ("(?P<1>x)", "组名中有不允许的字符"),
    ("a{3,1}", "m 大于 n"),
]


@pytest.mark.parametrize("pattern, zh", REGEXES)
def test_regex_errors_in_our_words(pattern, zh):
    with pytest.raises(re.error) as info:
        re.compile(pattern)
    text = lm.regex_problem(info.value)
    assert zh in text, text
    assert "个字符处" in text or info.value.pos is None, text
    assert english_words(text) == [], text


def _audit_dir(tmp_path: Path, regex: str) -> Path:
    folder = tmp_path / "audit"
    shutil.copytree(ROOT / "rules" / "audit", folder)
    (folder / "typos.yaml").write_text(
        "patterns:\n"
        "- id: 手写-01  # hand-written\n"
        f"  regex: '{regex}'\n"
        "  severity: warn\n"
        "  message: 写法有误\n"
        "  must_fire: [第三季度完成]\n", encoding="utf-8")
    return folder


def test_audit_pattern_with_a_broken_regex(tmp_path):
    from engine.audit.patterns import load_patterns

    errors = Collector()
    load_patterns(_audit_dir(tmp_path, "(第[一二三]季度") / "typos.yaml", errors)
    shown = "\n".join(p.format() for p in errors.problems)
    assert "正则表达式有误：左括号「(」没有配对的右括号「)」（第 1 个字符处）" in shown, shown
    assert "typos.yaml:3:" in shown, shown
    assert english_words(shown) == [], shown


def test_lexicon_with_a_broken_regex_and_broken_yaml(tmp_path):
    from engine.extract.lexicon import LexiconError, load_lexicon

    folder = tmp_path / "lexicon"
    shutil.copytree(ROOT / "rules" / "lexicon", folder)
    stages = folder / "stages.yaml"
    original = stages.read_text(encoding="utf-8")
    broken = original.replace("    words: [未启动,", "    patterns: ['(未启动']\n    words: [未启动,", 1)  # hand-written
    stages.write_text(broken, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(folder)
    assert "不是合法的正则表达式「(未启动」：左括号「(」没有配对的右括号「)」" in str(info.value), info.value
    assert english_words(str(info.value), allowed=["patterns"]) == [], info.value  # the key's name

    stages.write_text("entries: [\n  - name: 未闭合\n", encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(folder)
    assert "不是合法的 YAML" in str(info.value) and "行" in str(info.value), info.value
    assert english_words(str(info.value)) == [], info.value


# ---------------------------------------------------------------- templates

TEMPLATES = [
    ("{% if tasks %}任务", "模板意外结束"),
    ("{% 如果 tasks %}", "不认识的标记「如果」"),
    ("{% frobnicate %}", "不认识的标记「frobnicate」"),
    ("{{ 没有的变量 }}", "用到了不存在的变量「没有的变量」"),
    ("{{ region | 不存在 }}", "用到了不存在的过滤器「不存在」"),
    ("{{ region | nosuchfilter }}", "用到了不存在的过滤器「nosuchfilter」"),
    ("{{ region.__class__ }}", "沙箱已拒绝"),
    ("{{ region.nosuchattr }}", "用到了不存在的属性「nosuchattr」"),
    ("{{ region ) }}", "此处不应出现「)」"),
]


@pytest.mark.parametrize("source, zh", TEMPLATES)
def test_template_errors_in_our_words(tmp_path, source, zh):
    from engine.render.templates import make_environment, render_template

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "memo.md.j2").write_text(source, encoding="utf-8")
    env = make_environment(tmp_path)
    with pytest.raises(InputError) as info:
        render_template(env, "memo.md.j2", {"region": "涪陵区", "tasks": []})
    shown = info.value.format()
    assert "模板出错：" in shown and zh in shown, shown
    assert english_words(shown, allowed=["frobnicate", "nosuchfilter", "nosuchattr", "endif", "endfor"]) == [], shown


def test_unknown_template_wording_is_generic():
    assert lm.template_problem("a completely new jinja complaint") == "模板写法不对"


# ---------------------------------------------------------------- corrupt Office files

def _zip(path: Path, members: dict) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_docx_with_broken_xml_names_no_library_class(tmp_path):
    from engine.importing.docx import read_docx_tables

    path = _zip(tmp_path / "进展表.docx", {
        "[Content_Types].xml": "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'>",
        "word/document.xml": "<w:document><w:body><w:p>未闭合",
        "_rels/.rels": "<Relationships/>",
    })
    with pytest.raises(InputError) as info:
        read_docx_tables(path)
    shown = info.value.format()
    assert "文件已损坏或格式不受支持，无法读取（" in shown, shown
    assert english_words(shown) == [], shown


def test_broken_file_wordings():
    assert lm.broken_file(zipfile.BadZipFile("Bad CRC-32 for file 'xl/sharedStrings.xml'"), "xlsx") == "压缩数据已损坏（文件不完整或传输中出错）"
    assert lm.broken_file(KeyError("There is no item named 'word/document.xml' in the archive"), "docx") == "文件缺少必要的内部部件"
    assert lm.broken_file(ValueError("something else entirely"), "xlsx") == "文件内容已损坏或格式不对"


@pytest.mark.parametrize("members", [
    {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook><sheets>未闭合"},  # broken XML
    {"[Content_Types].xml": "<Types/>"},  # a zip without a workbook
    {"readme.txt": "不是表格"},
], ids=["broken-xml", "no-workbook", "other-zip"])
def test_corrupt_xlsx_names_no_library_class(tmp_path, members):
    from engine.importing.csv_xlsx import read_tables

    path = _zip(tmp_path / "任务表.xlsx", members)
    with pytest.raises(InputError) as info:
        read_tables(path)
    shown = info.value.format()
    assert "无法打开 Excel 文件（文件损坏或不是 .xlsx）：" in shown, shown
    assert english_words(shown) == [], shown
    for name in ("KeyError", "BadZipFile", "ParseError", "InvalidFileException", "ValueError"):
        assert name not in shown, shown


def test_os_errors_in_our_words(tmp_path):
    from engine.store.input_gate import check_input_file

    loop = tmp_path / "循环.csv"
    loop.symlink_to(loop.name)  # hand-written: a link pointing at itself
    with pytest.raises(InputError) as info:
        check_input_file(loop, 1024)
    assert "无法读取文件（符号链接形成了循环）" in info.value.format(), info.value.format()
    long_name = tmp_path / ("长" * 300 + ".csv")
    with pytest.raises(InputError) as info:
        check_input_file(long_name, 1024)
    assert "文件名或路径过长" in info.value.format()
    assert english_words(info.value.format()) == []
    assert lm.os_problem(OSError(12345, "Some new reason")) == "系统拒绝访问"


def test_memo_docx_that_python_docx_refuses(tmp_path):
    from engine.audit.memo_read import _docx_blocks

    path = _zip(tmp_path / "督查报告.docx", {"word/document.xml": "<w:document>未闭合"})
    with pytest.raises(InputError) as info:
        _docx_blocks(path)
    shown = info.value.format()
    assert "无法读取 Word 文件：" in shown and english_words(shown) == [], shown


def _workbook_with_an_extension(path: Path) -> Path:
    """What WPS and Excel save with data validation: an <extLst> openpyxl warns about in English."""
    import openpyxl

    plain = path.with_name("plain.xlsx")
    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", "重点任务", "牵头单位"])
    workbook.active.append(["1", "新建道路3公里", "区交通局"])
    workbook.save(plain)
    ext = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
           b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="0"/></ext></extLst>')
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", ext + b"</worksheet>")
            target.writestr(item, data)
    return path


def test_library_warnings_go_to_the_debug_log_only(tmp_path):
    import os
    import subprocess
    import sys

    path = _workbook_with_an_extension(tmp_path / "任务表.xlsx")
    args = [sys.executable, "-m", "engine.cli", "import", str(path), "--into", str(tmp_path / "ws"),
            "--region", "测试区", "--year", "2023", "--dry-run"]
    quiet = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
    assert quiet.returncode == 0, quiet.stderr
    assert "Warning" not in quiet.stderr and english_words(quiet.stderr) == [], quiet.stderr
    debug = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                           env={**os.environ, "DUBAN_DEBUG": "1"})
    assert "调试：duban.library：UserWarning: Data Validation extension" in debug.stderr, debug.stderr


def _mutations(count: int, seed: int):
    """The real base plan.yaml with 1–3 characters inserted or deleted: the mistakes of a hurried edit."""
    import random

    text, rng = BASE_PLAN.read_text(encoding="utf-8"), random.Random(seed)
    marks = list(":-[]{},'\"!&*|>%@`#?\t\\ \n") + ["：", "\x00", "\x85", "\ufeff", "---", "...", "\u2028"]
    for _ in range(count):
        mutated = text
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(mutated))
            mutated = mutated[:at] + rng.choice(marks) + mutated[at:] if rng.random() < 0.7 else mutated[:at] + mutated[at + 1:]
        yield mutated


def test_hurried_edits_never_show_libyaml_english():
    english = []
    for text in _mutations(1500, seed=15):
        try:
            load_yaml_text(text, "plan.yaml")
        except InputError as exc:
            if english_words(exc.format()):
                english.append(exc.format())
    assert not english, english[:5]


def test_python_loaders_problems_on_hurried_edits_all_have_a_wording():
    # PyYAML's Python scanner (the deep-nesting fallback) and ruamel (round-trip writes) word problems
    # their own way: every one met on 150 hurried edits has a Chinese entry, not the generic fallback
    from ruamel.yaml import YAML

    ruamel, unworded = YAML(typ="rt"), set()
    for text in _mutations(150, seed=20):
        for load in (lambda t: yaml.load(t, Loader=yaml.SafeLoader), ruamel.load):
            try:
                load(text.replace("\x00", ""))
            except Exception as exc:  # noqa: BLE001 - whatever the library raises, its problem must be worded
                problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
                if problem and lm.yaml_problem(problem) == lm.YAML_FALLBACK:
                    unworded.add(problem)
    assert not unworded, unworded


SQL = [
    ("selct 1", "SQL 语法错误（「selct」附近）"),
    ("select 完成率 from t", "引用了不存在的列或函数，或用法不对（「完成率」附近）"),  # hand-written
    ("select * from 任务", "引用了不存在的表、视图或函数（「任务」附近）"),
    ("select '七成'::int", "值的类型转换失败（「七成」附近）"),
]


@pytest.mark.parametrize("sql, zh", SQL)
def test_sql_errors_through_duban_query(tmp_path, sql, zh):
    import duckdb
    from click.testing import CliRunner

    from engine.cli import main

    db = tmp_path / "汇总.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table t(a int)")
    con.close()
    result = CliRunner().invoke(main, ["query", str(db), sql], prog_name="duban")
    assert result.exit_code == 2, result.output
    assert f"SQL 出错：{zh}" in result.output, result.output
    assert english_words(result.output, {"query"}) == [], result.output


def test_a_file_that_is_not_a_database(tmp_path):
    from engine.rollup.store import connect_read_only

    path = tmp_path / "汇总.duckdb"
    path.write_bytes(b"\x00not a database" * 100)
    with pytest.raises(InputError) as info:
        connect_read_only(path)
    assert "无法以只读方式打开汇总数据库：无法打开数据库文件" in info.value.format(), info.value.format()
    assert english_words(info.value.format(), {"rollup"}) == []  # the command's name
