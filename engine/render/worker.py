"""A render process started before the facts are read (`duban check` on two cores or more).

It imports python-docx and openpyxl (which imports numpy) — ~0.3 s, a third of a district's fresh-process time —
and compiles the HTML templates while this process loads and judges, then renders the ledger, the HTML pages and a
share of the Word notices from the result it is sent; this process renders the rest meanwhile (md, json, memo.docx
and the other notices: worker_notices picks the share so that both end together). The bytes are the same as rendering everything here (the context is built
from the same result; tests/test_render_machine.py compares them).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

WORKER_FORMATS = ("docx", "xlsx", "html")
HTML_TEMPLATES = ("memo.html.j2", "annexes.html.j2", "dashboard.js.j2", "dashboard.html.j2")
_WARM: dict = {}  # in the worker: workspace dir → (its template dirs, the environment its HTML templates compiled in)


def _warm_up(ws: Path | None = None) -> None:
    """Imports python-docx and openpyxl, and compiles the HTML templates (~0.07 s), while the sender loads and judges."""
    from . import docx, html, xlsx  # noqa: F401  (the imports are the point)
    from .templates import make_environment, template_dirs

    env = make_environment(ws)
    for name in HTML_TEMPLATES:
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001 - a broken template is reported when it is rendered, as without the worker
            return
    _WARM[ws] = (template_dirs(ws), env)


def _environment(ws: Path | None):
    """The environment compiled during the warm-up, if the workspace's template folders are still the same ones
    (the templates themselves are checked for changes by Jinja when they are used), else None: a fresh one."""
    from .templates import template_dirs

    dirs, env = _WARM.get(ws, (None, None))
    return env if dirs == template_dirs(ws) else None


def _render_sent(result: dict, ws: Path | None, formats: list[str], date: str | None,
                 notices: slice = slice(None)) -> dict[str, dict[str, bytes]]:
    from . import _render, build_context, parse_date

    # docx: this side's share of the notices; memo.docx is rendered by the sender
    return _render(result, build_context(result, parse_date(date) if date else None), ws, formats, notices, memo=False,
                   env=_environment(ws))


# CPU milliseconds of each output, measured on the bench's 300-task district (render/worker.py's split): this process
# renders md, json and memo.docx (importing python-docx for it) and writes the files; the worker builds its own
# context and renders the ledger and the HTML pages (their templates compiled while it waited); the notices go where
# both sides end soonest (each side's first one also compiles the notice's XML templates)
_MS_PER_ITEM = {"md": 0.12, "json": 0.03, "docx": 0.25, "xlsx": 0.55, "html": 0.25}
_MS_DOCX_IMPORT, _MS_CONTEXT, _MS_WRITE = 50, 20, 30
_MS_NOTICE, _MS_FIRST_NOTICE = 12, 30


def worker_notices(ctx, formats: list[str]) -> int:
    """How many of the notices (the last ones) the worker renders; this process renders memo.docx and the rest."""
    items = len(ctx.tasks) + len(ctx.indicators)
    here = _MS_WRITE + sum(_MS_PER_ITEM[f] * items for f in formats if f in ("md", "json", "docx"))
    here += _MS_DOCX_IMPORT if "docx" in formats else 0
    there = _MS_CONTEXT + sum(_MS_PER_ITEM[f] * items for f in formats if f in ("xlsx", "html"))

    def notices_ms(count: int) -> float:
        return _MS_FIRST_NOTICE + _MS_NOTICE * count if count else 0

    n = len(ctx.notices)
    return min(range(n + 1), key=lambda k: (max(there + notices_ms(k), here + notices_ms(n - k)), -k))


class RenderWorker:
    def __init__(self, workspace_dir: Path | None = None):
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self._pool = ProcessPoolExecutor(1, mp_context=get_context("fork"))
        self._pool.submit(_warm_up, Path(workspace_dir) if workspace_dir else None)

    def submit(self, result: dict, ws: Path | None, formats: list[str], date: str | None, notices: slice = slice(None)):
        """Renders `formats` (docx: only the `notices` share, never memo.docx) in the worker."""
        return self._pool.submit(_render_sent, result, ws, formats, date, notices)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def render_worker(formats: list[str], workspace_dir: Path | None = None):
    """A RenderWorker when it can help (two cores, a Word or Excel format asked for), else None."""
    from . import _cores

    worker = RenderWorker(workspace_dir) if _cores() > 1 and set(formats) & {"docx", "xlsx"} else None
    try:
        yield worker
    finally:
        if worker is not None:
            worker.close()
