"""Progress on long work (a large import, several periods, an audit, the benchmark), so a clerk can tell slow
from stuck. Drawn on stderr only when stderr is a terminal and neither --quiet nor DUBAN_QUIET=1 asks for
silence: scripted runs, pipes and CI logs see nothing, and stdout (the results) is never touched.

Built on click.progressbar: click is already a dependency, and it draws only what we ask, on the stream we give.
Two shapes: `bar(total, label)` for work that can be counted (rows, periods, facts), and `stage(label)` for one
long step that cannot (writing a YAML file): a line with the seconds elapsed, redrawn twice a second."""

from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager

import click

_state = {"quiet": False, "active": 0}  # active: displays open now; only the outermost one draws
MIN_ITEMS = 2  # a bar for a single step says nothing that the command's own output does not


def _stream():
    """Where progress goes: looked up at each use, since click and pytest replace sys.stderr."""
    return sys.stderr


def set_quiet(quiet: bool) -> None:
    _state["quiet"] = bool(quiet)


def enabled() -> bool:
    if _state["quiet"] or os.environ.get("DUBAN_QUIET", "").strip() not in ("", "0"):
        return False
    try:
        return _stream().isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


class _Silent:
    def update(self, n: int = 1) -> None:
        """Nothing to draw."""

    def set(self, done: int) -> None:
        """Nothing to draw."""


class _Bar:
    def __init__(self, bar):
        self._bar = bar

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def set(self, done: int) -> None:
        """For callers that know the running total (the benchmark's facts so far)."""
        self._bar.update(max(0, min(done, self._bar.length) - self._bar.pos))


@contextmanager
def bar(total: int, label: str):
    """`with bar(len(rows), "合并行") as p: … p.update()`: a bar with count, percentage and time left."""
    if not enabled() or total < MIN_ITEMS or _state["active"]:
        yield _Silent()
        return
    _state["active"] += 1
    try:
        with click.progressbar(length=total, label=label, file=_stream(), show_eta=True, show_percent=True,
                               show_pos=True, width=30, fill_char="█", empty_char="░") as progress:
            progress.format_eta = lambda: _eta(progress)  # the remaining time in Chinese: 剩余约 12 秒
            yield _Bar(progress)
    finally:
        _state["active"] -= 1


def _eta(progress) -> str:
    if progress.eta_known and progress.eta >= 1:
        seconds = int(progress.eta)
        return f"剩余约 {seconds // 60} 分 {seconds % 60} 秒" if seconds >= 60 else f"剩余约 {seconds} 秒"
    return ""


def track(items, label: str, total: int | None = None):
    """Iterate over items with a bar (total defaults to len(items))."""
    total = len(items) if total is None else total
    with bar(total, label) as progress:
        for item in items:
            yield item
            progress.update()


@contextmanager
def stage(label: str, interval: float = 0.5):
    """One step that cannot be counted: "写入 plan.yaml … 12 秒" ticking until it ends, then the line is cleared."""
    if not enabled() or _state["active"]:
        yield
        return
    _state["active"] += 1
    done = threading.Event()
    start = time.monotonic()

    def draw(final: bool = False) -> None:
        text = f"{label} … {time.monotonic() - start:.0f} 秒"
        out = _stream()
        out.write("\r\x1b[2K" + ("" if final else text))
        out.flush()

    def tick() -> None:
        while not done.wait(interval):
            draw()

    draw()
    ticker = threading.Thread(target=tick, name="duban-progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
        draw(final=True)
        _state["active"] -= 1


def quiet_option(f):
    """--quiet on a command: no progress display (results and errors are still printed)."""

    def remember(ctx, param, value):
        if value:
            set_quiet(True)
        return value

    return click.option("--quiet", "-q", is_flag=True, expose_value=False, is_eager=True, callback=remember,
                        help="不显示进度条（输出到管道或日志时本来就不显示）")(f)
