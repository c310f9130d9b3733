"""YAML in and out.

Reading: PyYAML's safe loader (C when present) with YAML-1.2-like scalars, so the YAML 1.1 traps
never change a value silently: yes/no/on/off stay strings, 010 stays "010", dates stay strings.
Every mapping and list remembers where it came from (line/col) for error messages.

Writing: ruamel.yaml round-trip, so comments and key order a clerk added survive, and every write
is atomic (temp file in the same folder, then rename).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path

import yaml

from .errors import InputError

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LocDict(dict):
    """A dict that knows the line/col of itself and of each key (1-based)."""

    __slots__ = ("line", "col", "key_pos")


class LocList(list):
    __slots__ = ("line", "col", "item_pos")


class SafeLoader12(_Base):
    """Safe loader with YAML 1.2 core-schema scalars and position tracking."""


SafeLoader12.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]
for _tag, _pattern, _first in _RESOLVERS:
    SafeLoader12.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _int12(loader, node):
    value = loader.construct_scalar(node)
    try:
        return int(value, 16) if value.startswith("0x") else int(value)
    except ValueError:  # an explicit `!!int abc`, or more than 4300 digits (Python's int-from-text limit)
        raise yaml.constructor.ConstructorError(None, None, f"「{str(value)[:20]}」不是可读取的整数", node.start_mark) from None


def _map(loader, node):
    if not isinstance(node, yaml.MappingNode):  # e.g. `!!map [1]`: the tag says mapping, the content is not
        raise yaml.constructor.ConstructorError(None, None, "map 标签与内容不符（内容不是映射）", node.start_mark)
    loader.flatten_mapping(node)
    result = LocDict()
    result.line, result.col = node.start_mark.line + 1, node.start_mark.column + 1
    result.key_pos = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(None, None, "键必须是简单文字", key_node.start_mark)
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"重复的键「{key}」", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_pos[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    return result


def _seq(loader, node):
    if not isinstance(node, yaml.SequenceNode):  # e.g. `!!seq {a: 1}`
        raise yaml.constructor.ConstructorError(None, None, "seq 标签与内容不符（内容不是列表）", node.start_mark)
    result = LocList(loader.construct_object(child, deep=True) for child in node.value)
    result.line, result.col = node.start_mark.line + 1, node.start_mark.column + 1
    result.item_pos = [(c.start_mark.line + 1, c.start_mark.column + 1) for c in node.value]
    return result


SafeLoader12.add_constructor("tag:yaml.org,2002:int", _int12)
SafeLoader12.add_constructor("tag:yaml.org,2002:map", _map)
SafeLoader12.add_constructor("tag:yaml.org,2002:seq", _seq)
# Facts and rules are plain data: explicit !!timestamp / !!set / !!omap / !!pairs / !!binary tags would
# hand dates, sets, tuples or bytes to code expecting text, so they are refused like any unknown tag.
for _tag in ("timestamp", "set", "omap", "pairs", "binary"):
    SafeLoader12.yaml_constructors.pop(f"tag:yaml.org,2002:{_tag}", None)


def _construct_object(self, node, deep=False):
    # Standard constructors raise ValueError/KeyError/TypeError on explicit tags with odd values
    # (`!!float abc`, `!!bool maybe`): report them as YAML errors at the node instead of a traceback.
    try:
        return _Base.construct_object(self, node, deep=deep)
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError) as exc:
        shown = f"值「{str(node.value)[:20]}」" if isinstance(node, yaml.ScalarNode) else "内容"
        raise yaml.constructor.ConstructorError(None, None, f"{shown}与标签 {node.tag.rsplit(':', 1)[-1]} 不符",
                                                node.start_mark) from None


SafeLoader12.construct_object = _construct_object

MAX_YAML_BYTES = 64 * 1024 * 1024


def _node_budget_check(text: str, path: str) -> None:
    # Alias bombs: many aliases referencing big anchors. Facts never need aliases at scale.
    if text.count("*") > 1000 and re.search(r"^\s*[^#]*[:\-\[,]\s*\*[A-Za-z0-9_]", text, re.M):
        aliases = len(re.findall(r"(?:[:\-\[,]\s*)\*[A-Za-z0-9_]", text))
        if aliases > 1000:
            raise InputError(f"YAML 中别名（*引用）过多（{aliases} 个），拒绝读取", file=path, hint="事实文件不需要锚点和别名，请展开后再保存")


MAX_DEPTH = 100  # facts and rules nest about 6 levels deep
MAX_ALIAS_NODES = 1_000_000  # nodes that aliases stand for once expanded (a "billion laughs" file is refused)


def _shape_check(text: str, path: str) -> None:
    """One pass over the parser's events (iterative, cheap) before anything is composed.

    libyaml's composer recurses in C: ~20,000 nested `[` or `- ` (a 40 KB file) crash the process with a
    segfault, and deep flow nesting makes its scanner quadratic (100,000 `[` took 100 s). Nested aliases
    multiply: a few hundred can stand for billions of nodes that any later walk over the data would visit.
    """
    depth = 0
    sizes: list[int] = [0]  # nodes inside each open collection, aliases counted at their expanded size
    anchors: list[str | None] = [None]
    anchored: dict[str, int] = {}
    expanded = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.AliasEvent):
            size = anchored.get(event.anchor, 1)
            sizes[-1] += size
            expanded += size
            if expanded > MAX_ALIAS_NODES:
                raise InputError("YAML 中的锚点和别名（&、*）展开后过大，拒绝读取", file=path,
                                 line=event.start_mark.line + 1, col=event.start_mark.column + 1,
                                 hint="事实文件不需要锚点和别名，请展开后再保存")
        elif isinstance(event, yaml.ScalarEvent):
            sizes[-1] += 1
            if event.anchor:
                anchored[event.anchor] = 1
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(f"YAML 嵌套过深（超过 {MAX_DEPTH} 层），拒绝读取", file=path,
                                 line=event.start_mark.line + 1, col=event.start_mark.column + 1)
            sizes.append(1)
            anchors.append(event.anchor)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
            size, anchor = sizes.pop(), anchors.pop()
            if anchor:
                anchored[anchor] = size
            sizes[-1] += size


def safe_load_as(text: str, loader_cls):
    """yaml.load with a loader that must derive from a safe loader — asserted, not assumed."""
    safe_bases = tuple(c for c in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", None)) if c is not None)
    if not issubclass(loader_cls, safe_bases):
        raise TypeError(f"{loader_cls.__name__} is not a safe YAML loader")
    loader = loader_cls(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_yaml_text(text: str, path: str = "<文本>"):
    _node_budget_check(text, path)
    try:
        _shape_check(text, path)
        return safe_load_as(text, SafeLoader12)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "格式错误"
        if "could not determine a constructor" in problem or "!!" in (problem or ""):
            message = f"不允许的 YAML 标签：{problem.split('for the tag')[-1].strip()}（只接受普通数据）"
        else:
            message = f"YAML 格式错误：{_zh_problem(problem)}"
        raise InputError(message, file=path, line=mark.line + 1 if mark else None, col=mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML 格式错误：{exc}", file=path) from None
    except RecursionError:
        raise InputError("YAML 嵌套过深，拒绝读取", file=path) from None
    except UnicodeError:  # lone surrogates in a str handed in directly (files are decoded before this)
        raise InputError("YAML 中含有无法编码的字符", file=path) from None


_ZH = {
    "mapping values are not allowed": "此处不能出现冒号键值（冒号后是否缺少空格，或缩进不对？）",
    "could not find expected ':'": "找不到应有的冒号「:」",
    "found character '\\t' that cannot start any token": "出现了制表符（Tab），YAML 只能用空格缩进",
    "did not find expected key": "缩进不一致或缺少键",
    "found undefined alias": "引用了未定义的锚点",
    "expected <block end>, but found '-'": "列表项「-」缩进不一致",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合？）",
    "found a tab character": "出现了制表符（Tab），YAML 只能用空格缩进",
    "did not find expected node content": "此处缺少内容（括号或引号未闭合，或「-」「:」后缺少值？）",
    "but found another document": "一个文件只能有一份内容，此处又出现了「---」或「...」分隔的第二份",
    "found character that cannot start any token": "出现了不能作为开头的字符（如 @、` 或全角符号），请给这段文字加引号",
    "expected <document start>, but found": "顶层结构不对（缩进不一致，或多出了内容）",
    "found unknown escape character": "双引号中的反斜杠「\\」用法不对（请改用单引号）",
}


def _zh_problem(problem: str) -> str:
    for en, zh in _ZH.items():
        if problem.startswith(en):
            return zh
    return problem


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise InputError(f"文件过大（{size // 1024 // 1024} MB），超过 64 MB 上限", file=str(path))
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("文件不存在", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"不是 UTF-8 编码的文本（第 {exc.start} 字节处）", file=str(path), hint="请另存为 UTF-8") from None


def load_yaml(path: str | Path):
    path = Path(path)
    return load_yaml_text(read_text(path), str(path))


def where(node, key=None) -> dict:
    """line/col of a key in a LocDict (or of the node itself) for error messages."""
    if key is not None and isinstance(node, LocDict) and key in node.key_pos:
        line, col = node.key_pos[key]
        return {"line": line, "col": col}
    if isinstance(node, (LocDict, LocList)):
        return {"line": node.line, "col": node.col}
    return {}


# ---------------------------------------------------------------- writing

def roundtrip_yaml():
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        """ruamel writes NEL (U+0085, e.g. a cp1252 "…" decoded as Latin-1) raw inside quotes; libyaml, which
        reads the facts back, takes it for a line break and folds it into a space — the text would change
        on every re-read. Such strings are written double-quoted, where NEL is escaped as \\N."""

    def represent_str(representer, data):
        if "\x85" in data:
            return representer.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return RoundTripRepresenter.represent_str(representer, data)

    Representer.add_representer(str, represent_str)
    ry = YAML(typ="rt")
    ry.Representer = Representer
    ry.allow_unicode = True
    ry.width = 4096  # never fold long Chinese lines
    ry.indent(mapping=2, sequence=4, offset=2)
    ry.preserve_quotes = True
    return ry


def load_roundtrip(path: Path):
    """The file as ruamel round-trip nodes (for in-place updates), after the same safety checks as load_yaml:
    a hand-broken plan.yaml gets the Chinese file:line:col message, not a ruamel traceback."""
    from ruamel.yaml.error import YAMLError as RuamelError

    text = read_text(path)
    load_yaml_text(text, str(path))  # syntax, tags, depth, aliases: refused here with a Chinese message
    try:
        return roundtrip_yaml().load(text)
    except RuamelError as exc:  # what the safe loader accepted but ruamel does not
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"YAML 格式错误：{getattr(exc, 'problem', None) or exc}", file=str(path),
                         line=mark.line + 1 if mark else None, col=mark.column + 1 if mark else None) from None


def dump_roundtrip(data) -> str:
    buf = io.StringIO()
    roundtrip_yaml().dump(data, buf)
    return buf.getvalue()


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename: readers see the old or the new file, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes 0600 files; keep the old file's mode, or what the umask gives a new file
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
