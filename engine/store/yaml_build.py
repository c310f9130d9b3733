"""YAML text → plain data in one pass over libyaml's parser events, with positions and every guard inline.

Why not yaml.load: its C composer builds a node tree with two Mark objects per node before the constructor
walks it again — 80 % of the time of reading a district's 1 MB of facts — and it recurses in C, so
~20,000 nested `[` (a 40 KB file) crash the interpreter. Here the parser's events are consumed by a loop
with an explicit stack: no recursion, nesting deeper than MAX_DEPTH and alias expansion beyond
MAX_ALIAS_NODES are refused as soon as the parser reaches them, and the data is built straight from the
events (3× faster).

Schema: YAML 1.2 core, so the YAML 1.1 traps never change a value silently — yes/no/on/off stay text,
010 stays "010", dates stay text. Explicit tags: only !!str !!int !!float !!bool !!null !!map !!seq;
every other tag (!!python/…, !!timestamp, !!set, !!binary, local tags) is refused, nothing is constructed.
"""

from __future__ import annotations

import math
import re

import yaml
from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent)

from ..errors import InputError

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # only its parser is used: events, never objects
MAX_DEPTH = 100  # facts and rules nest about 6 levels deep
MAX_ALIAS_NODES = 1_000_000  # nodes that aliases stand for once expanded (a "billion laughs" file is refused)
TAG = "tag:yaml.org,2002:"


class LocDict(dict):
    """A dict that knows the line/col of itself and of each key (1-based)."""

    __slots__ = ("line", "col", "key_pos")


class LocList(list):
    __slots__ = ("line", "col", "item_pos")


_IMPLICIT = [  # (first characters, pattern, tag): YAML 1.2 core schema for plain scalars
    ("tTfF", re.compile(r"(?:true|True|TRUE|false|False|FALSE)$"), "bool"),
    ("-+0123456789", re.compile(r"(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$"), "int"),
    ("-+0123456789.", re.compile(r"(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
                                 r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), "float"),
    ("~nN", re.compile(r"(?:~|null|Null|NULL)$"), "null"),
]


def _resolve(event: ScalarEvent) -> str:
    if event.tag not in (None, "!"):
        return event.tag
    value = event.value
    if not event.implicit[0]:  # quoted, or a non-specific "!" tag
        return TAG + "str"
    if value == "":
        return TAG + "null"
    for first, pattern, tag in _IMPLICIT:
        if value[0] in first and pattern.match(value):
            return TAG + tag
    return TAG + "str"


def _int(value: str) -> int:
    try:
        return int(value, 16) if value.startswith("0x") else int(value)
    except ValueError:  # an explicit `!!int abc`, or more than 4300 digits (Python's int-from-text limit)
        raise ValueError(f"「{value[:20]}」不是可读取的整数") from None


def _float(value: str) -> float:
    text = value.replace("_", "").lower()
    if text.lstrip("+-") == ".inf":
        return -math.inf if text.startswith("-") else math.inf
    if text == ".nan":
        return math.nan
    return float(text)


def _bool(value: str) -> bool:
    return {"true": True, "false": False}[value.lower()]


_SCALARS = {TAG + "str": str, TAG + "int": _int, TAG + "float": _float, TAG + "bool": _bool, TAG + "null": lambda _: None}


def _scalar(event: ScalarEvent, path: str):
    tag = _resolve(event)
    make = _SCALARS.get(tag)
    if make is None:
        _refuse(tag, event, path)
    try:
        return make(event.value)
    except (ValueError, KeyError, OverflowError) as exc:
        message = str(exc) if tag == TAG + "int" else f"值「{event.value[:20]}」与标签 {tag.rsplit(':', 1)[-1]} 不符"
        raise _error(message, event, path) from None


def _refuse(tag: str, event, path: str):
    if tag in (TAG + "map", TAG + "seq"):
        kind = "映射" if tag.endswith("map") else "列表"
        raise _error(f"{tag[len(TAG):]} 标签与内容不符（内容不是{kind}）", event, path)
    raise _error(f"不允许的 YAML 标签：'{tag}'（只接受普通数据）", event, path, syntax=False)


def _error(message: str, event, path: str, hint: str | None = None, syntax: bool = True) -> InputError:
    """syntax: the file breaks YAML's rules ("YAML 格式错误"), rather than a limit or a refused tag."""
    mark = event.start_mark
    return InputError(f"YAML 格式错误：{message}" if syntax else message, file=path, line=mark.line + 1, col=mark.column + 1, hint=hint)


class _Frame:
    """An open mapping or list: the container, its size so far (aliases at their expanded size),
    its anchor, and for a mapping the key waiting for its value."""

    __slots__ = ("container", "start", "size", "anchor", "key", "key_mark")

    def __init__(self, container, start, anchor):
        self.container, self.start, self.size, self.anchor, self.key, self.key_mark = container, start, 1, anchor, _NO_KEY, None


_NO_KEY = object()
_ANCHOR_HINT = "事实文件不需要锚点和别名，请展开后再保存"


def build(text: str, path: str, loader=Loader):
    """The single document in `text` as LocDict / LocList / scalars; None for an empty file.
    Raises yaml.MarkedYAMLError for syntax errors (the caller words them) and InputError for the rest.
    `loader` only chooses the parser (libyaml's or PyYAML's pure-Python one); both are safe."""
    stack: list[_Frame] = []
    anchors: dict[str, tuple[object, int]] = {}
    expanded = 0
    documents = 0
    root = None

    def add(value, size: int, event) -> None:  # event: the scalar, alias or collection start that began `value`
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        frame.size += size
        container = frame.container
        if isinstance(container, LocList):
            container.append(value)
            container.item_pos.append((event.start_mark.line + 1, event.start_mark.column + 1))
        elif frame.key is _NO_KEY:
            if not isinstance(value, (str, int, float, bool)) and value is not None:
                raise _error("键必须是简单文字", event, path)
            if value in container:
                raise _error(f"重复的键「{value}」", event, path)
            frame.key, frame.key_mark = value, event.start_mark
        else:
            container[frame.key] = value
            container.key_pos[frame.key] = (frame.key_mark.line + 1, frame.key_mark.column + 1)
            frame.key = _NO_KEY

    for event in yaml.parse(text, Loader=loader):
        kind = type(event)
        if kind is ScalarEvent:
            value = _scalar(event, path)
            if event.anchor:
                anchors[event.anchor] = (value, 1)
            add(value, 1, event)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                raise _error(f"YAML 嵌套过深（超过 {MAX_DEPTH} 层），拒绝读取", event, path, syntax=False)
            if stack and isinstance(stack[-1].container, LocDict) and stack[-1].key is _NO_KEY:
                raise _error("键必须是简单文字", event, path)
            mapping = kind is MappingStartEvent
            if event.tag not in (None, "!", TAG + ("map" if mapping else "seq")):
                _refuse(event.tag, event, path)
            container = LocDict() if mapping else LocList()
            container.line, container.col = event.start_mark.line + 1, event.start_mark.column + 1
            if mapping:
                container.key_pos = {}
            else:
                container.item_pos = []
            stack.append(_Frame(container, event, event.anchor))
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            frame = stack.pop()
            if frame.anchor:
                anchors[frame.anchor] = (frame.container, frame.size)
            add(frame.container, frame.size, frame.start)
        elif kind is AliasEvent:
            if event.anchor not in anchors:
                raise _error("引用了未定义的锚点", event, path)
            value, size = anchors[event.anchor]
            expanded += size
            if expanded > MAX_ALIAS_NODES:
                raise _error("YAML 中的锚点和别名（&、*）展开后过大，拒绝读取", event, path, _ANCHOR_HINT, syntax=False)
            add(value, size, event)
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _error("一个文件只能有一份内容，此处又出现了「---」或「...」分隔的第二份", event, path)
    return root
