"""Hints for the mistakes clerks make: typos, Chinese input-method punctuation, YAML 1.1 habits.

Policy for full-width input (documented in docs/rules.md):
- comparison symbols are our own vocabulary, so ＞ ＜ ＝ ≥ ≤ ≠ (any width) are accepted as operators;
- YAML's own punctuation — colon, comma, brackets, quotes, the indent space — is never guessed: a
  full-width one is named exactly in the error, because the file may already have been mis-parsed.
"""

from __future__ import annotations

import difflib
import re

from ..values import yaml_value as show  # noqa: F401  (loaders import it from here)

FULLWIDTH = {
    "：": "全角冒号「：」", "，": "全角逗号「，」", "；": "全角分号「；」",
    "（": "全角括号「（」", "）": "全角括号「）」", "｛": "全角花括号「｛」", "｝": "全角花括号「｝」",
    "［": "全角方括号「［」", "］": "全角方括号「］」", "【": "方头括号「【」", "】": "方头括号「】」",
    "“": "中文引号「“」", "”": "中文引号「”」", "‘": "中文引号「‘」", "’": "中文引号「’」",
    "＂": "全角引号「＂」", "＇": "全角引号「＇」", "\u3000": "全角空格", "－": "全角减号「－」",
}
YAML11_BOOLS = ("yes", "no", "on", "off", "y", "n")
ZH_BOOLS = {"是": True, "否": False}


def suggest(word, options, cutoff: float = 0.5) -> str | None:
    """是否想写「…」？ with the closest option, or None: the one place a misspelt name gets its hint."""
    guess = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=cutoff)
    return f"是否想写「{guess[0]}」？" if guess else None


def fullwidth_hint(text) -> str | None:
    """Name every full-width YAML punctuation mark in text, or None."""
    if not isinstance(text, str):
        return None
    found = [FULLWIDTH[c] for c in dict.fromkeys(text) if c in FULLWIDTH]
    if not found:
        return None
    return f"其中有{'、'.join(found)}：YAML 的冒号、逗号、括号、引号和缩进空格必须用半角（英文）符号，冒号后加一个空格"


def ascii_colon_hint(text) -> str | None:
    if isinstance(text, str) and re.search(r":\S", text) and ": " not in text:
        return "冒号后要加一个空格，如 完成率: {\">=\": 1}"
    return None


def key_hint(name, options) -> str | None:
    """For an unknown key: the punctuation problem if there is one (it explains the typo), else did-you-mean."""
    return fullwidth_hint(name) or ascii_colon_hint(name) or suggest(name, options)


def number_hint(raw) -> str | None:
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if re.fullmatch(r"[-+]?0\d+(\.\d+)?", text):
        return f"「{text}」以 0 开头：YAML 1.1 会当作八进制，本工具不猜，请写 {text.lstrip('0') or '0'}"
    if re.fullmatch(r"[-+]?\d+(\.\d+)?[%％]", text):
        decimal = f"{float(text[:-1]) / 100:g}"
        return f"百分比写成小数：{text} 写 {decimal if '.' in decimal or 'e' in decimal else decimal + '.0'}"
    if text.endswith(("%", "％")):
        return "百分比写成小数：75% 写 0.75"
    if re.search(r"[０-９．]", text):
        return "用了全角数字，请改为半角数字"
    if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        return "数字不要加引号"
    return fullwidth_hint(text) or "数字不要加引号或单位，百分比写成小数（75% 写 0.75）"


def bool_hint(raw) -> str | None:
    if isinstance(raw, str) and raw.strip().lower() in YAML11_BOOLS:
        return f"「{raw}」在不同的 YAML 版本中含义不同，本工具不猜：请写 true 或 false（也可写 是 / 否）"
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return "true / false 不要加引号"
    return "请写 true 或 false（也可写 是 / 否）"


def wrapped_in_quotes(text: str) -> bool:
    return len(text) >= 2 and text[0] in "“‘＂" and text[-1] in "”’＂"


_YAML_ZH = {
    "did not find expected ',' or '}'": "花括号 { } 里找不到应有的半角逗号「,」或右花括号「}」",
    "did not find expected ',' or ']'": "方括号 [ ] 里找不到应有的半角逗号「,」或右方括号「]」",
    "found character that cannot start any token": "此处的字符不能直接出现",
}


def refine_yaml_problem(problem, lines: list[str]) -> None:
    """PyYAML's C loader says "found character that cannot start any token" both for a tab and for an
    unquoted ">": say which, in Chinese, and name any full-width punctuation on the offending line."""
    for en, zh in _YAML_ZH.items():
        problem.message = problem.message.replace(en, zh)
    if not problem.line or problem.line > len(lines):
        return
    line = lines[problem.line - 1]
    col = (problem.col or 1) - 1
    if "\t" in line[: col + 1]:
        problem.message = "YAML 格式错误：出现了制表符（Tab），YAML 只能用空格缩进"
        problem.col = line.index("\t") + 1
        return
    char = line[col:col + 1]
    if ("此处的字符不能直接出现" in problem.message or "不能作为开头的字符" in problem.message) and char:
        problem.message = f"YAML 格式错误：字符「{char}」不能直接出现在这里"
        if char in "><=!":
            symbol = re.match(r"[><=!]+", line[col:]).group(0)
            problem.hint = f"比较符号要加英文引号，如 \"{symbol}\"，或用中文（大于、不小于……）"
            return
    hint = fullwidth_hint(line.split("#", 1)[0])
    if hint and not problem.hint:
        problem.hint = hint
