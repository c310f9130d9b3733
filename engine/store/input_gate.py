"""The one door every input file passes before it is opened: it must be a regular file within its size limit.

A FIFO would block `open()` forever, /dev/zero or /dev/urandom behind a symlink would be read until memory runs
out; both are refused from stat() alone, without opening anything. The limits are documented in
docs/reliability.md; each one is far above any real file (the largest real table is ~300 rows, 2 MB).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError
from ..library_messages import os_problem

MB = 1024 * 1024
MAX_TABLE_BYTES = 200 * MB  # .xlsx / .docx / .csv handed to `duban import`
MAX_YAML_BYTES = 64 * MB  # plan.yaml, progress/*.yaml, waivers.yaml (a 1M-item benchmark plan is ~40 MB)
MAX_RULE_BYTES = 1 * MB  # one rule file, params.yaml or a lexicon: real ones are 0.5–20 KB


def _size_text(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{size / 1024:.0f} KB"


def check_input_file(path: str | Path, max_bytes: int, what: str = "文件", error=InputError) -> os.stat_result:
    """stat() the path (following symlinks) and refuse what must not be opened. `what` names the expected kind."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error("文件不存在", file=str(path)) from None
    except OSError as exc:  # a symlink loop, a name too long, no permission
        raise error(f"无法读取文件（{os_problem(exc)}）", file=str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"这是一个目录，不是{what}", file=str(path))
    if not stat.S_ISREG(info.st_mode):
        kind = ("命名管道" if stat.S_ISFIFO(info.st_mode) else "设备文件" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                else "套接字" if stat.S_ISSOCK(info.st_mode) else "特殊文件")
        raise error(f"这是{kind}，不是普通文件，拒绝读取", file=str(path), hint=f"请给出保存在磁盘上的{what}")
    if info.st_size > max_bytes:
        raise error(f"文件过大（{_size_text(info.st_size)}），超过 {_size_text(max_bytes)} 上限，拒绝读取", file=str(path),
                    hint="请确认文件来源，或拆分后再读取")
    return info



_PROLOG_LIMIT = 1 * MB  # how far to look for the root element; a real prolog is one line


def refuse_xml_doctype(archive, path: str | Path, kind: str) -> None:
    """Refuse a .docx/.xlsx whose XML parts declare a DTD. Word, Excel and WPS never write one; with it, an
    internal entity (`<!ENTITY x "新建">` … `&x;道路`) reaches python-docx unresolved and the text after it is
    silently dropped, and an external one is an XXE attempt. Only each part's prolog (before its root element)
    is read, so the check costs one small read per part."""
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(info) as stream:
            head, declared, rooted = b"", False, False
            while not rooted and len(head) < _PROLOG_LIMIT:
                chunk = stream.read(64 * 1024)
                if not chunk:
                    break
                head += chunk
                encoding = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
                declared, rooted = _scan_prolog(head.decode(encoding, "replace"))
        if declared:
            raise InputError(f"{kind} 文件的 {info.filename} 中含有 DTD 声明（<!DOCTYPE>），正常保存的文件不会有，拒绝读取",
                             file=str(path), hint=f"其中的实体（&…;）会使文字丢失；请在 {kind}/WPS 中打开后另存为新文件，再导入")


def _scan_prolog(text: str) -> tuple[bool, bool]:
    """(a DTD is declared, the root element was reached): comments and <?…?> are skipped up to the first `<name`."""
    i = 0
    while True:
        j = text.find("<", i)
        if j < 0 or j + 1 >= len(text):
            return False, False
        if text.startswith("<!--", j):
            end, skip = text.find("-->", j), 3
        elif text.startswith("<?", j):
            end, skip = text.find("?>", j), 2
        elif text.startswith("<!", j):  # <!DOCTYPE (nothing else may stand before the root)
            return True, True
        else:
            return False, True
        if end < 0:
            return False, False
        i = end + skip
