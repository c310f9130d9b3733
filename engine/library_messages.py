"""What a library says about bad input, in the project's own Chinese words.

Libraries word their errors in English and reword them between releases (PyYAML 6.0.4 did). Each
function here takes the library's exception, picks the Chinese sentence from a table keyed on the
library's message (or on its structured attributes), and falls back to a generic Chinese sentence
that never contains the English: that goes to the debug log only, for whoever debugs duban.
"""

from __future__ import annotations

import errno
import logging
import re

from .errors import printable

log = logging.getLogger("duban.library")

YAML_FALLBACK = "这里的写法不符合 YAML 格式"
YAML_HINT = "请检查这一行和上一行的缩进、冒号、引号和括号"

# libyaml (C) and PyYAML / ruamel (Python) problems, matched by prefix. Both wordings of the same
# mistake are listed: the C loader reads the files, the Python loaders are the fallback and ruamel.
YAML_PROBLEMS = {
    "mapping values are not allowed": "此处不能出现冒号键值（冒号后是否缺少空格，或缩进不对？）",
    "mapping keys are not allowed": "此处不能出现「?」开头的键",
    "block sequence entries are not allowed": "此处不能出现列表项「-」（缩进不对？）",
    "sequence entries are not allowed": "此处不能出现列表项「-」（缩进不对？）",
    "could not find expected ':'": "找不到应有的冒号「:」",
    "found character '\\t' that cannot start any token": "出现了制表符（Tab），YAML 只能用空格缩进",
    "found a tab character": "出现了制表符（Tab），YAML 只能用空格缩进",
    "found character that cannot start any token": "出现了不能作为开头的字符（如 @、` 或全角符号），请给这段文字加引号",
    "found character": "出现了不能作为开头的字符（如 @、` 或全角符号），请给这段文字加引号",
    "did not find expected key": "缩进不一致或缺少键",
    "did not find expected '-' indicator": "列表项「-」缩进不一致，或列表后多出了内容",
    "expected <block end>, but found '-'": "列表项「-」缩进不一致",
    "expected <block end>": "缩进不一致或缺少键",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合？）",
    "did not find expected node content": "此处缺少内容（括号或引号未闭合，或「-」「:」后缺少值？）",
    "expected the node content": "此处缺少内容（括号或引号未闭合，或「-」「:」后缺少值？）",
    "did not find expected ',' or '}'": "花括号 { } 里找不到应有的半角逗号「,」或右花括号「}」",
    "expected ',' or '}'": "花括号 { } 里找不到应有的半角逗号「,」或右花括号「}」",
    "did not find expected ',' or ']'": "方括号 [ ] 里找不到应有的半角逗号「,」或右方括号「]」",
    "expected ',' or ']'": "方括号 [ ] 里找不到应有的半角逗号「,」或右方括号「]」",
    "expected <document start>": "顶层结构不对（缩进不一致，括号多了，或多出了内容）",
    "did not find expected <document start>": "顶层结构不对（缩进不一致，括号多了，或多出了内容）",
    "expected '<document start>'": "顶层结构不对（缩进不一致，括号多了，或多出了内容）",
    "found unknown escape character": "双引号中的反斜杠「\\」用法不对（请改用单引号）",
    "found invalid Unicode character escape code": "双引号中的「\\u」转义写错了（请改用单引号）",
    "did not find expected hexdecimal number": "双引号中的「\\x」「\\u」转义写错了（请改用单引号）",
    "expected escape sequence": "双引号中的「\\x」「\\u」转义写错了（请改用单引号）",
    "found unexpected document indicator": "文字中间出现了「---」或「...」（请给这段文字加引号）",
    "found unexpected document separator": "文字中间出现了「---」或「...」（请给这段文字加引号）",
    "found an indentation indicator equal to 0": "「|」或「>」后的缩进数字不能是 0",
    "expected indentation indicator": "「|」或「>」后的缩进数字不能是 0",
    "did not find expected comment or line break": "此处应换行（同一行多出了内容）",
    "expected a comment or a line break": "此处应换行（同一行多出了内容）",
    "found unexpected ':'": "此处不能出现冒号（请给这段文字加引号）",
    "found incompatible YAML document": "文件开头的 %YAML 版本声明不受支持（请删除这一行）",
    "incompatible %YAML directive": "文件开头的 %YAML 版本声明不受支持（请删除这一行）",
    "could not find expected directive name": "以「%」开头的行不是 YAML 的内容（请删除这一行，或给文字加引号）",
    "found unexpected non-alphabetical character": "以「%」开头的行不是 YAML 的内容（请删除这一行，或给文字加引号）",
    "expected directive name": "以「%」开头的行不是 YAML 的内容（请删除这一行，或给文字加引号）",
    "found unknown directive name": "以「%」开头的行不是 YAML 的内容（请删除这一行，或给文字加引号）",
    "found duplicate %YAML directive": "「%YAML」声明重复（请删除多余的一行）",
    "found duplicate YAML directive": "「%YAML」声明重复（请删除多余的一行）",
    "found undefined tag handle": "出现了未定义的「!」标签（请删除「!」，或给文字加引号）",
    "did not find expected tag URI": "「!」标签写法不对（请删除「!」，或给文字加引号）",
    "did not find expected whitespace": "「!」标签后应有空格（请删除「!」，或给文字加引号）",
    "did not find expected alphabetic or numeric character": "「&」或「*」后应是锚点名（请给这段文字加引号）",
    "expected alphabetic or numeric character": "「&」或「*」后应是锚点名（请给这段文字加引号）",
    "expected chomping or indentation indicators": "「|」或「>」后只能跟「+」「-」或缩进数字（请给这段文字加引号）",
    "did not find URI escaped octet": "「!」标签写法不对（请删除「!」，或给文字加引号）",
    "expected URI": "「!」标签写法不对（请删除「!」，或给文字加引号）",
    "could not determine a constructor for the tag": "不允许的 YAML 标签（只接受普通数据）",
    "found undefined alias": "引用了未定义的锚点",
    "found duplicate anchor": "锚点「&」名称重复",
    "invalid indentation or unclosed": "缩进不对，或「[」「{」未闭合",
    "while scanning a simple key": "找不到应有的冒号「:」",
    "found duplicate key": "重复的键",
    "expected a single document": "一个文件只能有一份内容，此处又出现了「---」或「...」分隔的第二份",
    "but found another document": "一个文件只能有一份内容，此处又出现了「---」或「...」分隔的第二份",
}


def yaml_problem(problem: str | None) -> str:
    """The Chinese sentence for a libyaml/PyYAML/ruamel problem; never the English one."""
    text = str(problem or "").strip()
    for en, zh in YAML_PROBLEMS.items():
        if text.startswith(en):
            return zh
    log.debug("YAML problem without a Chinese wording: %s", text)
    return YAML_FALLBACK


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in text."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def yaml_reader_error(exc, text: str | None) -> tuple[str, dict]:
    """A yaml.reader.ReaderError (a control character in decoded text) as (message, where).

    The place is found from the character itself: libyaml reports a UTF-8 byte offset, PyYAML a
    character offset, and the first occurrence of a refused character is the one refused."""
    char = getattr(exc, "character", None)
    if isinstance(char, str) and char:
        char = ord(char[0])
    log.debug("YAML reader error: %s", exc)
    if not isinstance(char, int):
        return "YAML 文件中含有不允许的控制字符", {}
    where = {}
    found = text.find(chr(char)) if text is not None else -1
    if found >= 0:
        line, col = line_col(text, found)
        where = {"line": line, "col": col}
    return f"YAML 文件中含有不允许的控制字符 U+{char:04X}", where


# re.error's msg, by prefix (Python 3.8–3.14 wording).
REGEX_PROBLEMS = {
    "missing ), unterminated subpattern": "左括号「(」没有配对的右括号「)」",
    "unbalanced parenthesis": "右括号「)」没有配对的左括号「(」",
    "unterminated character set": "方括号「[」没有配对的「]」",
    "nothing to repeat": "「*」「+」「?」或「{}」前面没有可重复的内容",
    "multiple repeat": "重复符号（*、+、?、{}）连用",
    "bad escape (end of pattern)": "正则表达式以单独的反斜杠「\\」结尾",
    "bad escape": "反斜杠「\\」后跟了不认识的字符（要匹配反斜杠本身请写「\\\\」）",
    "bad character range": "方括号中的字符范围写反了（如 [9-0]）",
    "unknown extension": "「(?」后跟了不认识的写法",
    "unknown flag": "「(?」后跟了不认识的标志",
    "look-behind requires fixed-width pattern": "「(?<=」「(?<!」中的内容长度必须固定",
    "missing group name": "「(?P<」后缺少组名",
    "missing >, unterminated name": "组名缺少「>」",
    "bad character in group name": "组名中有不允许的字符",
    "redefinition of group name": "组名重复",
    "unknown group name": "引用了不存在的组名",
    "invalid group reference": "引用了不存在的组号",
    "cannot refer to an open group": "引用了尚未结束的组",
    "missing :": "「(?」写法不完整",
    "min repeat greater than max repeat": "「{m,n}」中 m 大于 n",
    "the repetition number is too large": "重复次数过大",
    "unterminated comment": "「(?#」注释没有结束的「)」",
    "global flags not at the start": "「(?i)」等标志必须写在最前面",
}


def regex_problem(exc: re.error) -> str:
    """re.error in Chinese, with the character position where Python reports one."""
    msg = getattr(exc, "msg", None) or str(exc)
    zh = next((z for en, z in REGEX_PROBLEMS.items() if msg.startswith(en)), None)
    if zh is None:
        log.debug("regex error without a Chinese wording: %s", msg)
        zh = "写法不合法"
    pos = getattr(exc, "pos", None)
    return f"{zh}（第 {pos + 1} 个字符处）" if isinstance(pos, int) else zh


# Jinja2 template errors, by the start of their message.
TEMPLATE_PROBLEMS = [
    (re.compile(r"unexpected end of template", re.I), "模板意外结束（{% %} 标记未成对，如缺少 {% endif %} 或 {% endfor %}）"),
    (re.compile(r"Encountered unknown tag '([^']*)'"), "不认识的标记「{0}」（拼写错了，或缺少与之配对的开始标记）"),
    (re.compile(r"unexpected '([^']*)'"), "此处不应出现「{0}」（括号或 {{ }} 标记未成对）"),
    (re.compile(r"unexpected char '(.)'"), "此处不应出现字符「{0}」"),
    (re.compile(r"expected token '([^']*)', got '([^']*)'"), "标记写法不对：此处出现了「{1}」"),
    (re.compile(r"'([^']*)' is undefined"), "用到了不存在的变量「{0}」"),
    (re.compile(r"'[^']*' object has no attribute '([^']*)'"), "用到了不存在的属性「{0}」"),
    (re.compile(r"'[^']*' has no attribute '([^']*)'"), "用到了不存在的属性「{0}」"),
    (re.compile(r"no filter named '([^']*)'"), "用到了不存在的过滤器「{0}」"),
    (re.compile(r"No filter named '([^']*)'"), "用到了不存在的过滤器「{0}」"),
    (re.compile(r"no test named '([^']*)'"), "用到了不存在的判断「{0}」"),
    (re.compile(r"No test named '([^']*)'"), "用到了不存在的判断「{0}」"),
    (re.compile(r"access to attribute '(.+?)' of '(.+?)' object is unsafe"),
     "模板试图访问 {1} 对象的内部属性「{0}」，沙箱已拒绝（模板只能使用 docs/templates.md 中列出的变量）"),
    (re.compile(r"unsafe|sandbox", re.I), "模板试图做沙箱不允许的事，已拒绝（模板只能使用 docs/templates.md 中列出的变量）"),
    (re.compile(r"(?:template )?'?([^']*)'? not found|TemplateNotFound", re.I), "找不到被引用的模板"),
]


def template_problem(message: str) -> str:
    for pattern, zh in TEMPLATE_PROBLEMS:
        found = pattern.search(message or "")
        if found:
            return zh.format(*found.groups()) if found.groups() else zh
    log.debug("template error without a Chinese wording: %s", message)
    return "模板写法不对"


CSV_PROBLEMS = {
    "field larger than field limit": "单元格内容过长，超过上限",
    "new-line character seen in unquoted field": "未加引号的单元格中出现了换行符",
    "unexpected end of data": "文件在引号内意外结束（引号未闭合？）",
    "line contains nul": "文件中含有空字符",
    "line contains null byte": "文件中含有空字符",
}


def csv_problem(exc) -> str:
    """csv.Error in Chinese (the caller adds the line from reader.line_num)."""
    text = str(exc).lower()
    zh = next((z for en, z in CSV_PROBLEMS.items() if en in text), None)
    if zh is None:
        log.debug("csv error without a Chinese wording: %s", exc)
        return "这一行的引号或分隔符写法不对"
    return zh


def broken_file(exc: BaseException, kind: str) -> str:
    """A corrupt .xlsx/.docx/zip (openpyxl, python-docx, zipfile, lxml): one Chinese sentence, no class names."""
    log.debug("unreadable %s: %s: %s", kind, type(exc).__name__, exc)
    text = f"{type(exc).__name__} {exc}".lower()
    if "crc" in text or "bad magic" in text or "truncated" in text or "error -3" in text or "decompress" in text:
        return "压缩数据已损坏（文件不完整或传输中出错）"
    if "encrypt" in text or "password" in text:
        return "文件已加密"
    if "no item named" in text or "keyerror" in text:
        return "文件缺少必要的内部部件"
    if "xml" in text or "syntax" in text or "parse" in text:
        return "文件内部的 XML 内容已损坏"
    return "文件内容已损坏或格式不对"


OS_PROBLEMS = {
    errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限", errno.ENOENT: "文件不存在",
    errno.ELOOP: "符号链接形成了循环", errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EISDIR: "这是一个目录", errno.ENOTDIR: "路径中有一段不是目录", errno.EIO: "读取出错（磁盘或网络盘故障？）",
    errno.ENOSPC: "磁盘已满", errno.EROFS: "磁盘是只读的", errno.EBUSY: "文件正被其他程序占用",
}


def os_problem(exc: OSError) -> str:
    """An OSError's reason in Chinese (strerror is English, or the system's language on Windows)."""
    log.debug("os error: %s", exc)
    return OS_PROBLEMS.get(getattr(exc, "errno", None), "系统拒绝访问")


# duckdb (duban query / rollup): the exception's class says what kind of mistake; the name it quotes
# ("b", 'abs()', a table name) is the user's own text and is echoed back in 「」.
SQL_PROBLEMS = {
    "ParserException": "SQL 语法错误", "SyntaxException": "SQL 语法错误",
    "BinderException": "引用了不存在的列或函数，或用法不对", "CatalogException": "引用了不存在的表、视图或函数",
    "ConversionException": "值的类型转换失败", "OutOfRangeException": "数值超出范围",
    "PermissionException": "数据库以只读、隔离方式打开，不允许这个操作",
    "TransactionException": "数据库以只读方式打开，不能修改", "InvalidInputException": "输入无效",
    "IOException": "无法打开数据库文件（文件已损坏，或不是 duban rollup 写出的数据库）", "NotImplementedException": "不支持这种 SQL 写法",
    "SerializationException": "数据库文件已损坏或版本不符",
}
_SQL_NAME = re.compile(r"\"([^\"]+)\"|'([^']+)'|with name (\S+?)!? does not exist")


def sql_problem(exc: BaseException) -> str:
    log.debug("duckdb error: %s", exc)
    kind = next((SQL_PROBLEMS[c.__name__] for c in type(exc).__mro__ if c.__name__ in SQL_PROBLEMS), "SQL 无法执行")
    found = _SQL_NAME.search(str(exc).splitlines()[0] if str(exc) else "")
    name = next((g for g in found.groups() if g), None) if found else None
    if name is None or "IOException" in [c.__name__ for c in type(exc).__mro__]:  # its name is the file, already shown
        return kind
    return f"{kind}（「{printable(name, one_line=True)[:80]}」附近）"
