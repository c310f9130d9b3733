"""One duban run per workspace at a time: import, check and audit take an exclusive lock on
facts/<ws>/.duban.lock. A second run waits (up to `wait` seconds), then exits with a clear message."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

from ..errors import InputError

LOCK_NAME = ".duban.lock"
DEFAULT_WAIT_S = float(os.environ.get("DUBAN_LOCK_WAIT", "30"))


@contextlib.contextmanager
def workspace_lock(workspace: str | Path, wait: float = DEFAULT_WAIT_S, create: bool = False):
    root = Path(workspace)
    if not root.is_dir():
        if not create:
            yield  # nothing to protect yet; loading reports the missing workspace
            return
        root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "未知"
                    raise InputError(f"工作区正被另一个 duban 进程使用（进程号 {holder}），等待 {wait:.0f} 秒后仍未释放",
                                     file=str(root), hint="请等它结束后再运行；如确认没有其他进程，删除 .duban.lock 文件") from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock, also when the process is killed
