"""Progress on long work: drawn on stderr when stderr is a terminal (a pseudo-terminal here), absent when piped
or with --quiet / DUBAN_QUIET=1, and never on stdout."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import openpyxl
import pytest

from engine import progress

from .conftest import FULING, ROOT

BAR_CHARS = "█░"


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DUBAN_QUIET"}
    env.update(TERM="xterm", COLUMNS="120", **extra)
    return env


def run_duban(args, tmp_path, *, terminal: bool, env=None) -> tuple[str, str, int]:
    """(stdout, stderr, exit code); with terminal=True stderr is a pseudo-terminal, stdout stays a file."""
    out_path = tmp_path / f"stdout-{len(list(tmp_path.glob('stdout-*')))}.txt"
    with open(out_path, "wb") as out:
        if not terminal:
            proc = subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)], stdout=out,
                                  stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=ROOT, env=env or _env(), timeout=900)
            return out_path.read_text(encoding="utf-8"), proc.stderr.decode("utf-8"), proc.returncode
        master, slave = os.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "engine.cli", *map(str, args)], stdout=out, stderr=slave,
                                stdin=subprocess.DEVNULL, cwd=ROOT, env=env or _env())
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        code = proc.wait(timeout=900)
    return out_path.read_text(encoding="utf-8"), b"".join(chunks).decode("utf-8", "replace"), code


@pytest.fixture(scope="module")
def big_table(tmp_path_factory):
    """hand-written: 5,000 task rows, short texts (the import's time goes to the rows, not to long prose)."""
    path = tmp_path_factory.mktemp("big") / "tasks_5000.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "目标任务", "完成情况", "牵头责任单位"])
    for n in range(1, 5001):
        ws.append([n, f"推进第{n}项重点工作，新建站点{n % 40 + 1}个。", f"已建成站点{n % 30}个。", f"第{n % 37}责任单位"])
    wb.save(path)
    return path


def import_args(table, ws):
    return ["import", table, "--into", ws, "--region", "测试区", "--year", "2023", "--period", "2023-09"]


def test_terminal_shows_a_bar_for_a_5000_row_import(big_table, tmp_path):
    stdout, stderr, code = run_duban(import_args(big_table, tmp_path / "ws"), tmp_path, terminal=True)
    assert code == 0, stderr
    assert "导入 5000 行" in stderr and "5000/5000" in stderr and "100%" in stderr
    assert any(c in stderr for c in BAR_CHARS)
    assert re.search(r"写入 plan\.yaml … \d+ 秒", stderr), "the long YAML write says what it is doing"
    assert not any(c in stdout for c in BAR_CHARS) and "导入 5000 行" not in stdout, "stdout carries results only"
    assert "已写入" in stdout


def test_piped_import_shows_no_progress(big_table, tmp_path):
    stdout, stderr, code = run_duban(import_args(big_table, tmp_path / "ws"), tmp_path, terminal=False)
    assert code == 0, stderr
    assert stderr == "", "a pipe or a CI log gets no progress lines"
    assert not any(c in stdout for c in BAR_CHARS) and "\r" not in stdout
    assert "新增任务 5000" in stdout


def test_quiet_on_a_terminal_shows_nothing(tmp_path):
    # real Fuling tables: 206 task rows, a bar by default, none with --quiet or DUBAN_QUIET=1
    args = import_args(FULING / "fuling_2023q3_tasks.xlsx", tmp_path / "ws")
    _, stderr, code = run_duban(args, tmp_path, terminal=True)
    assert code == 0 and "导入 206 行" in stderr
    _, stderr, code = run_duban([*args[:1], "--quiet", *args[1:3], tmp_path / "ws2", *args[4:]], tmp_path, terminal=True)
    assert code == 0 and stderr.strip() == "", stderr
    _, stderr, code = run_duban(import_args(FULING / "fuling_2023q3_tasks.xlsx", tmp_path / "ws3"), tmp_path,
                                terminal=True, env=_env(DUBAN_QUIET="1"))
    assert code == 0 and stderr.strip() == "", stderr


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch):
    fake = FakeTerminal()
    monkeypatch.setattr(progress, "_stream", lambda: fake)
    monkeypatch.delenv("DUBAN_QUIET", raising=False)
    monkeypatch.setitem(progress._state, "quiet", False)
    return fake


def test_bar_counts_and_nested_displays_stay_silent(terminal):
    with progress.bar(3, "判定此前 3 个报告期") as p:
        with progress.bar(10, "内层") as inner:  # only the outermost display draws
            inner.update(10)
        for _ in range(3):
            p.update()
    text = terminal.getvalue()
    assert "判定此前 3 个报告期" in text and "3/3" in text and "内层" not in text


def test_set_takes_a_running_total_and_never_overshoots(terminal):
    with progress.bar(100, "基准测试：事实") as p:
        for done in (10, 60, 60, 250):
            p.set(done)
    assert "100/100" in terminal.getvalue() and "250" not in terminal.getvalue()


def test_single_step_and_quiet_draw_nothing(terminal):
    with progress.bar(1, "一步") as p:
        p.update()
    assert terminal.getvalue() == ""
    progress.set_quiet(True)
    with progress.bar(50, "静默") as p, progress.stage("写入"):
        p.update(50)
    assert terminal.getvalue() == ""


def test_stage_ticks_then_clears_its_line(terminal):
    with progress.stage("写入 plan.yaml", interval=0.01):
        import time

        time.sleep(0.05)
    text = terminal.getvalue()
    assert text.count("写入 plan.yaml … ") >= 2, "redrawn while the step runs"
    assert text.endswith("\r\x1b[2K"), "the line is cleared when the step ends"


def test_not_a_terminal_draws_nothing(monkeypatch):
    fake = io.StringIO()  # isatty() is False, as for a pipe or a file
    monkeypatch.setattr(progress, "_stream", lambda: fake)
    monkeypatch.setitem(progress._state, "quiet", False)
    assert not progress.enabled()
    assert list(progress.track([1, 2, 3], "三项")) == [1, 2, 3]
    assert fake.getvalue() == ""
