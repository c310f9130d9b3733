"""YAML in and out.

Reading: libyaml's parser events built straight into data (yaml_build.py): YAML 1.2 core scalars, so
the YAML 1.1 traps never change a value silently (yes/no/on/off stay strings, 010 stays "010", dates
stay strings); only plain-data tags; every mapping and list remembers its line/col for error messages.

Writing: ruamel.yaml round-trip, so comments and key order a clerk added survive, and every write
is atomic (temp file in the same folder, then rename).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import threading
from pathlib import Path

import yaml

from ..errors import InputError
from .input_gate import MAX_YAML_BYTES, check_input_file
from ..library_messages import YAML_FALLBACK, YAML_HINT, yaml_problem, yaml_reader_error
from .yaml_build import MAX_ALIAS_NODES, MAX_DEPTH, LocDict, LocList, build  # noqa: F401  (re-exported)



def _node_budget_check(text: str, path: str) -> None:
    # Alias bombs: many aliases referencing big anchors. Facts never need aliases at scale.
    if text.count("*") > 1000 and re.search(r"^\s*[^#]*[:\-\[,]\s*\*[A-Za-z0-9_]", text, re.M):
        aliases = len(re.findall(r"(?:[:\-\[,]\s*)\*[A-Za-z0-9_]", text))
        if aliases > 1000:
            raise InputError(f"YAML 中别名（*引用）过多（{aliases} 个），拒绝读取", file=path, hint="事实文件不需要锚点和别名，请展开后再保存")


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
        try:
            return build(text, path)
        except yaml.MarkedYAMLError as exc:
            if "nesting depth" not in str(exc.problem):
                raise
            # libyaml >= 0.2.6 (PyYAML 6.0.4 wheels) refuses deep nesting itself, while scanning ahead of
            # the parser: re-read with PyYAML's own lazy parser so our MAX_DEPTH check words it, at its place.
            return build(text, path, loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "格式错误"
        raise InputError(f"YAML 格式错误：{yaml_problem(problem)}", file=path, line=mark.line + 1 if mark else None,
                         col=mark.column + 1 if mark else None, hint=_hint(problem)) from None
    except yaml.reader.ReaderError as exc:  # a control character (#x0000) or an undecodable byte
        message, place = yaml_reader_error(exc, text)
        raise InputError(message, file=path, hint="通常是从别的程序复制时带入的，请删除这个字符后再保存", **place) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML 格式错误：{yaml_problem(str(exc))}", file=path, hint=YAML_HINT) from None
    except UnicodeError:  # lone surrogates in a str handed in directly (files are decoded before this)
        raise InputError("YAML 中含有无法编码的字符", file=path) from None


def _hint(problem) -> str | None:
    # the generic wording says where to look; a specific one already says what is wrong
    return YAML_HINT if yaml_problem(problem) == YAML_FALLBACK else None


def read_text(path: Path, max_bytes: int = MAX_YAML_BYTES) -> str:
    check_input_file(path, max_bytes, "YAML 文件")  # a FIFO, a device or an oversized file is never opened
    try:
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
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"YAML 格式错误：{yaml_problem(problem)}", file=str(path), hint=_hint(problem),
                         line=mark.line + 1 if mark else None, col=mark.column + 1 if mark else None) from None


def dump_roundtrip(data) -> str:
    buf = io.StringIO()
    roundtrip_yaml().dump(data, buf)
    return buf.getvalue()


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


_UMASK_LOCK = threading.Lock()


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename: readers see the old or the new file, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes 0600 files; keep the old file's mode, or what the umask gives a new file
        with _UMASK_LOCK:  # reading the umask sets it for a moment: threads writing outputs must not see the 0
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
