"""A render process started before the facts are read (`duban check` on two cores or more).

It imports python-docx and openpyxl (which imports numpy) — ~0.3 s, a third of a district's fresh-process time —
while this process loads and judges, then renders the ledger and a share of the Word notices from the result it is
sent; this process renders the rest meanwhile (md, html, json, memo.docx and the other notices: worker_notices picks
the share so that both end together). The bytes are the same as rendering everything here (the context is built
from the same result; tests/test_render_machine.py compares them).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

WORKER_FORMATS = ("docx", "xlsx")


def _warm_up() -> None:
    from . import docx, xlsx  # noqa: F401  (the imports are the point)


def _render_sent(result: dict, ws: Path | None, formats: list[str], date: str | None,
                 notices: slice = slice(None)) -> dict[str, dict[str, bytes]]:
    from . import _render, build_context, parse_date

    # docx: this side's share of the notices; memo.docx is rendered by the sender
    return _render(result, build_context(result, parse_date(date) if date else None), ws, formats, notices, memo=False)


# CPU milliseconds of each output, measured on the bench's 300-task district (render/worker.py's split): this process
# renders md, html, json and memo.docx (importing python-docx for it) and writes the files; the worker builds its own
# context and renders the ledger; the notices go where both sides end soonest (each side's first one also compiles
# the notice's XML templates)
_MS_PER_ITEM = {"md": 0.12, "html": 0.5, "json": 0.03, "docx": 0.25, "xlsx": 0.55}
_MS_DOCX_IMPORT, _MS_CONTEXT, _MS_WRITE = 50, 20, 30
_MS_NOTICE, _MS_FIRST_NOTICE = 12, 30


def worker_notices(ctx, formats: list[str]) -> int:
    """How many of the notices (the last ones) the worker renders; this process renders memo.docx and the rest."""
    items = len(ctx.tasks) + len(ctx.indicators)
    here = _MS_WRITE + sum(_MS_PER_ITEM[f] * items for f in formats if f in ("md", "html", "json", "docx"))
    here += _MS_DOCX_IMPORT if "docx" in formats else 0
    there = _MS_CONTEXT + (_MS_PER_ITEM["xlsx"] * items if "xlsx" in formats else 0)

    def notices_ms(count: int) -> float:
        return _MS_FIRST_NOTICE + _MS_NOTICE * count if count else 0

    n = len(ctx.notices)
    return min(range(n + 1), key=lambda k: (max(there + notices_ms(k), here + notices_ms(n - k)), -k))


class RenderWorker:
    def __init__(self):
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self._pool = ProcessPoolExecutor(1, mp_context=get_context("fork"))
        self._pool.submit(_warm_up)

    def submit(self, result: dict, ws: Path | None, formats: list[str], date: str | None, notices: slice = slice(None)):
        """Renders `formats` (docx: only the `notices` share, never memo.docx) in the worker."""
        return self._pool.submit(_render_sent, result, ws, formats, date, notices)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def render_worker(formats: list[str]):
    """A RenderWorker when it can help (two cores, a Word or Excel format asked for), else None."""
    from . import _cores

    worker = RenderWorker() if _cores() > 1 and set(formats) & set(WORKER_FORMATS) else None
    try:
        yield worker
    finally:
        if worker is not None:
            worker.close()
