"""Shared settings for the fuzz and property tests (tests/test_fuzz_*.py).

`make test` runs a quick, derandomised profile (a few dozen cases per target, deterministic);
`make fuzz` sets DUBAN_FUZZ=1, which raises every target's case count (≥ 10,000 in total, see
docs/reliability.md) and lets hypothesis pick fresh random inputs on each run.

Every target accepts exactly two outcomes: a result, or a DubanError (Chinese message naming the
place). Anything else — another exception, a crash, a hang, unbounded memory — is a failure.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = os.environ.get("DUBAN_FUZZ") == "1"
ROOT = Path(__file__).resolve().parent.parent
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
           HealthCheck.function_scoped_fixture, HealthCheck.large_base_example]

settings.register_profile("duban-quick", deadline=None, database=None, derandomize=True, suppress_health_check=_HEALTH,
                          print_blob=True)
settings.register_profile("duban-fuzz", deadline=None, database=None, derandomize=False, suppress_health_check=_HEALTH,
                          print_blob=True)


def fuzz(quick: int, deep: int) -> settings:
    """Case count for one target: `quick` under `make test`, `deep` under `make fuzz`."""
    return settings(settings.get_profile("duban-fuzz" if FUZZ else "duban-quick"), max_examples=deep if FUZZ else quick)


def is_chinese_error(text: str) -> bool:
    return "错误" in text and any("\u4e00" <= ch <= "\u9fff" for ch in text.split("错误", 1)[1])


def run_limited(*args, timeout: float = 60, memory_mb: int = 2048, cwd=None) -> subprocess.CompletedProcess:
    """The real CLI in a subprocess under a wall-clock timeout and an address-space limit, so that a
    hang or a memory blow-up fails the test (TimeoutExpired / exit code) instead of the machine."""

    def limit():  # runs in the child before exec
        size = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash must not leave a core file

    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", cwd=cwd or ROOT, timeout=timeout, preexec_fn=limit)


def run_python_limited(code: str, timeout: float = 30, memory_mb: int = 2048) -> subprocess.CompletedProcess:
    """A snippet in a fresh interpreter with the same limits: for inputs that may segfault or hang."""

    def limit():
        size = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          errors="replace", cwd=ROOT, timeout=timeout, preexec_fn=limit)


# ------------------------------------------------------------------ strategies shared by the targets

CN_WORDS = ["推进", "完成", "建成", "新建", "新改建", "开工", "投用", "累计", "预计", "增长", "下降", "同比", "达到", "以上", "左右",
            "以内", "万元", "亿元", "公里", "万平方米", "个", "家", "户", "万人", "吨", "%", "‰", "个百分点", "1-9月", "前三季度",
            "截至9月底", "年底前", "暂缓", "主体施工", "已完成", "区交通局", "区发展改革委", "钟  涛", "“四好农村路”", "（", "）",
            "、", "，", "。", "；", "：", "一", "二", "十", "百", "千", "万", "亿", "两", "半", "零", "第", "百分之", "点", "分别", "均"]
ODD = ["\u3000", "\u200b", "\ufeff", "\u202e", "\t", "\r", "\n", " ", "🎉", "𠀋", "é", "ｅ", "０", "１", "．", "－", "\x0b", "\x85", "\u2028", "\u2029", "\r\n"]

cn_text = st.lists(st.sampled_from(CN_WORDS) | st.sampled_from(ODD) | st.text(max_size=3)
                   | st.integers(-10**6, 10**9).map(str) | st.floats(0, 1e6, allow_nan=False).map(lambda f: f"{f:.2f}"),
                   max_size=30).map("".join)

# random YAML-able values: what a clerk's edit can turn any field into
scalars = (st.none() | st.booleans() | st.integers() | st.integers(-10**30, 10**30) | st.floats(allow_nan=True)
           | cn_text | st.sampled_from(["", "yes", "010", "2023-09", "2023-02-30", "0x1F", ".inf", "~", "T001", "任务", "滞后",
                                        "{{ 7*7 }}", "=cmd|' /C calc'!A0", "../../x", "<script>alert(1)</script>"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8) | st.sampled_from(["id", "text", "quantity", "span"]), inner, max_size=4),
                      max_leaves=12)


@st.composite
def mutated(draw, base, max_edits: int = 3):
    """`base` (a parsed plan, progress or rule) with a few subtrees replaced, deleted or added."""
    import copy

    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, max_edits))):
        paths = list(_paths(doc))
        path = draw(st.sampled_from(paths))
        parent, key = _walk(doc, path[:-1]), path[-1] if path else None
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if key is None:
            doc = draw(values) if action == "replace" else doc
        elif action == "replace":
            parent[key] = draw(values)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=10) | st.sampled_from(["lead_unit", "note", "x_a", "entries", "when"]))] = draw(values)
        else:
            parent.insert(draw(st.integers(0, len(parent))), draw(values))
    return doc


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


def _walk(node, path):
    for key in path:
        node = node[key]
    return node
