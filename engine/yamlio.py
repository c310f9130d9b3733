"""YAML in and out.

Reading: PyYAML's safe loader (C when present) with YAML-1.2-like scalars, so the YAML 1.1 traps
never change a value silently: yes/no/on/off stay strings, 010 stays "010", dates stay strings.
Every mapping and list remembers where it came from (line/col) for error messages.

Writing: ruamel.yaml round-trip, so comments and key order a clerk added survive, and every write
is atomic (temp file in the same folder, then rename).
"""

from __future__ import annotations

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
    return int(value, 16) if value.startswith("0x") else int(value)


def _map(loader, node):
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
    result = LocList(loader.construct_object(child, deep=True) for child in node.value)
    result.line, result.col = node.start_mark.line + 1, node.start_mark.column + 1
    result.item_pos = [(c.start_mark.line + 1, c.start_mark.column + 1) for c in node.value]
    return result


SafeLoader12.add_constructor("tag:yaml.org,2002:int", _int12)
SafeLoader12.add_constructor("tag:yaml.org,2002:map", _map)
SafeLoader12.add_constructor("tag:yaml.org,2002:seq", _seq)

MAX_YAML_BYTES = 64 * 1024 * 1024


def _node_budget_check(text: str, path: str) -> None:
    # Alias bombs: many aliases referencing big anchors. Facts never need aliases at scale.
    if text.count("*") > 1000 and re.search(r"^\s*[^#]*[:\-\[,]\s*\*[A-Za-z0-9_]", text, re.M):
        aliases = len(re.findall(r"(?:[:\-\[,]\s*)\*[A-Za-z0-9_]", text))
        if aliases > 1000:
            raise InputError(f"YAML 中别名（*引用）过多（{aliases} 个），拒绝读取", file=path, hint="事实文件不需要锚点和别名，请展开后再保存")


def load_yaml_text(text: str, path: str = "<文本>"):
    _node_budget_check(text, path)
    try:
        return yaml.load(text, Loader=SafeLoader12)  # noqa: S506 - SafeLoader12 is a safe loader subclass
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


_ZH = {
    "mapping values are not allowed": "此处不能出现冒号键值（冒号后是否缺少空格，或缩进不对？）",
    "could not find expected ':'": "找不到应有的冒号「:」",
    "found character '\\t' that cannot start any token": "出现了制表符（Tab），YAML 只能用空格缩进",
    "did not find expected key": "缩进不一致或缺少键",
    "found undefined alias": "引用了未定义的锚点",
    "expected <block end>, but found '-'": "列表项「-」缩进不一致",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合？）",
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

    ry = YAML(typ="rt")
    ry.allow_unicode = True
    ry.width = 4096  # never fold long Chinese lines
    ry.indent(mapping=2, sequence=4, offset=2)
    ry.preserve_quotes = True
    return ry


def load_roundtrip(path: Path):
    return roundtrip_yaml().load(read_text(path))


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
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
