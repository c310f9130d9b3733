"""render: result → the files a run writes. Every output is rendered in memory first and only then written
(each atomically: temp file in the same folder, then rename), so a failed render leaves the previous outputs
untouched. Same inputs → same bytes (no clock anywhere; see repro.py)."""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import partial
from pathlib import Path

from .. import outputs
from ..errors import InputError
from ..store.yamlio import atomic_write_bytes
from .context import build_context
from .templates import make_environment

# each format's renderer is imported when that format is rendered: python-docx, and openpyxl (which imports
# numpy), are a third of a fresh `duban check`'s start-up; with two cores the Word side imports in the fork

FORMATS = ("md", "docx", "xlsx", "html", "json", "junit", "sarif")
DEFAULT_FORMATS = ("md", "docx", "xlsx", "html", "json")
FILE_NAMES = {"md": "memo.md", "docx": "memo.docx", "xlsx": "ledger.xlsx", "html": "dashboard.html",
              "json": "result.json", "junit": "findings.junit.xml", "sarif": "findings.sarif"}
# per-unit / per-leader folders this run owns: files there that this run did not produce are stale and removed,
# so a unit that caught up does not keep last quarter's 督办通知单 next to the new report
OWNED = {"md": (("notices", ".md"), ("leaders", ".md")), "docx": (("notices", ".docx"),)}


parse_formats = partial(outputs.parse_formats, formats=FORMATS)


def parse_date(text: str) -> str:
    """--date 2023-11-10 (also 2023/11/10, 2023年11月10日) → ISO; anything else is a clear error."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", str(text))
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat() if m else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text) -> str:
    raise InputError(f"报告日期「{text}」不是有效的日期", field="--date", hint="写成 YYYY-MM-DD，例如 2023-11-10")


def render_outputs(result: dict, formats: list[str], workspace_dir: Path | None = None,
                   date: str | None = None, worker=None) -> dict[str, bytes]:
    """{relative path: bytes} for every file the formats produce; raises InputError before anything is written.
    date: the memo's date (成文日期, `duban check --date`), the as-of date when not given; result.json never has it.
    With two cores or more, the Word documents (memo and one notice per unit, a third of a district's render
    time) are rendered in a forked process while this one renders the rest; the bytes are the same."""
    ctx = build_context(result, parse_date(date) if date else None)
    ws = Path(workspace_dir) if workspace_dir else None
    forked = [f for f in formats if f in FORKED_FORMATS]
    if worker is not None:  # started before the facts were read (render/worker.py): it has its imports done
        from .worker import WORKER_FORMATS, worker_notices

        sent = [f for f in formats if f in WORKER_FORMATS]
        # the Word documents are shared: this process renders the memo and the first notices, the worker the rest
        # (after the ledger), so both finish at about the same time
        mine = len(ctx.notices) - worker_notices(ctx, formats) if "docx" in formats else 0
        future = worker.submit(result, ws, sent, date, slice(mine, None))
        here = [f for f in formats if f not in sent or f == "docx"]
        parts = _render(result, ctx, ws, here, slice(None, mine))
        for fmt, files in future.result().items():
            parts[fmt] = {**parts.get(fmt, {}), **files}  # memo.docx and notices in their order, then the worker's
    elif "docx" in formats and len(forked) < len(formats) and _cores() > 1:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        _FORKED[:] = [result, ctx, ws, forked]  # inherited by the fork: nothing big is pickled on the way there
        try:
            with ProcessPoolExecutor(1, mp_context=get_context("fork")) as pool:
                docx = pool.submit(_render_forked)
                parts = _render(result, ctx, ws, [f for f in formats if f not in forked])
                parts.update(docx.result())
        finally:
            _FORKED.clear()
    else:
        parts = _render(result, ctx, ws, formats)
    return {rel: data for fmt in formats for rel, data in parts[fmt].items()}


_FORKED: list = []
# rendered in the fork when there are two cores: the Word documents and the two HTML pages (~half the render time
# of a district, python-docx's import included) against the ledger, Markdown and JSON here
FORKED_FORMATS = ("docx", "html")


def _render_forked() -> dict[str, dict[str, bytes]]:
    result, ctx, ws, formats = _FORKED
    return _render(result, ctx, ws, formats)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _render(result: dict, ctx, ws: Path | None, formats: list[str], notices: slice = slice(None),
            memo: bool = True, env=None) -> dict[str, dict[str, bytes]]:
    """{format: {relative path: bytes}}. For docx, `notices` selects which notices and `memo` whether memo.docx:
    with a render process each side renders a share (render/worker.py). env: the Jinja environment, if one with
    templates already compiled is at hand (the render process's)."""
    env = env if env is not None else make_environment(ws)
    parts: dict[str, dict[str, bytes]] = {}
    for fmt in formats:
        out = parts[fmt] = {}
        if fmt == "md":
            from .markdown import leaders_md, memo_md, notices_md

            out["memo.md"] = memo_md(env, ctx)
            out.update(notices_md(env, ctx))
            out.update(leaders_md(env, ctx))
        elif fmt == "docx":
            from .docx import memo_docx, notices_docx

            if memo:
                out["memo.docx"] = memo_docx(ctx, ws)
            out.update(notices_docx(ctx, ws, notices))
        elif fmt == "xlsx":
            from .xlsx import ledger_xlsx

            out["ledger.xlsx"] = ledger_xlsx(ctx)
        elif fmt == "html":
            from .html import dashboard_html, memo_html

            out["memo.html"] = memo_html(env, ctx)
            out["dashboard.html"] = dashboard_html(env, ctx)
        elif fmt in ("json", "junit", "sarif"):
            from .machine import junit_xml, result_json, sarif

            if fmt == "json":
                out["result.json"] = result_json(result)
            elif fmt == "junit":
                out["findings.junit.xml"] = junit_xml(ctx)
            else:
                out["findings.sarif"] = sarif(ctx)
    return parts


def write_outputs(result: dict, out_dir: Path, formats: list[str], workspace_dir: Path | None = None,
                  date: str | None = None, worker=None) -> list[Path]:
    rendered = render_outputs(result, formats, workspace_dir, date, worker)
    out_dir = Path(out_dir)
    root = out_dir.resolve()
    for rel in rendered:  # names are cleaned in names.py; this is the last guard, checked before any write
        if root not in (out_dir / rel).resolve().parents:
            raise InputError(f"输出文件名不安全：{rel}", file=str(out_dir))
    written = [out_dir / rel for rel in rendered]
    # each file is fsynced before its rename; a district's ~50 files one after another wait ~0.3 s on the disk,
    # a few threads (fsync releases the GIL) overlap those waits
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(WRITE_THREADS) as pool:
        list(pool.map(atomic_write_bytes, written, rendered.values()))
    _remove_stale(out_dir, formats, rendered)
    return written


WRITE_THREADS = 8


def _remove_stale(out_dir: Path, formats: list[str], rendered: dict[str, bytes]) -> None:
    for fmt in formats:
        for folder, suffix in OWNED.get(fmt, ()):
            for path in sorted((out_dir / folder).glob(f"*{suffix}")):
                if f"{folder}/{path.name}" not in rendered and path.is_file():
                    path.unlink()
