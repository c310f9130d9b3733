"""A render process started before the facts are read (`duban check` on two cores or more).

It imports python-docx and openpyxl (which imports numpy) — ~0.3 s, a third of a district's fresh-process time —
while this process loads and judges, then renders the Word documents and the ledger from the result it is sent;
this process renders the rest meanwhile. The bytes are the same as rendering everything here (the context is built
from the same result; tests/test_render_machine.py compares them).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

WORKER_FORMATS = ("docx", "xlsx")


def _warm_up() -> None:
    from . import docx, xlsx  # noqa: F401  (the imports are the point)


def _render_sent(result: dict, ws: Path | None, formats: list[str], date: str | None) -> dict[str, dict[str, bytes]]:
    from . import _render, build_context, parse_date

    return _render(result, build_context(result, parse_date(date) if date else None), ws, formats)


class RenderWorker:
    def __init__(self):
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self._pool = ProcessPoolExecutor(1, mp_context=get_context("fork"))
        self._pool.submit(_warm_up)

    def submit(self, result: dict, ws: Path | None, formats: list[str], date: str | None):
        return self._pool.submit(_render_sent, result, ws, formats, date)

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
