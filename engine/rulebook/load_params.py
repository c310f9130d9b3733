"""rules/params.yaml: the numbers and word lists the office tunes each year, checked before any rule runs.

Names are open (a rule may reference a new word list), but the ones the engine knows are typed and
range-checked, because a plausible-looking mistake (tolerance: 5 meaning 5 points) would silently
make every task "正常".
"""

from __future__ import annotations

import difflib
from pathlib import Path

from ..errors import Collector, InputError, RuleError
from ..store.input_gate import MAX_RULE_BYTES
from ..store.yamlio import LocDict, load_yaml_text, read_text, where
from .hints import number_hint, show, suggest
from .ir import STATUSES_INDICATOR, STATUSES_TASK
from .load_conditions import is_num, item_where

# name: (low, high, how to say it) — fractions are shares of the year, points are percentage points
NUMBERS = {
    "tolerance": (0, 1, "应为 0 到 1 之间的小数（5 个百分点写 0.05）"),
    "severe_gap": (0, 1, "应为 0 到 1 之间的小数（40 个百分点写 0.40）"),
    "ahead_margin": (0, 1, "应为 0 到 1 之间的小数（10 个百分点写 0.10）"),
    "growth_tolerance": (0, 100, "应为 0 到 100 之间的百分点数（1 个百分点写 1.0）"),
    "growth_severe": (0, 100, "应为 0 到 100 之间的百分点数（5 个百分点写 5.0）"),
    "min_progress_chars": (0, 10000, "应为不小于 0 的字数"),
    "stale_months": (0, 12, "应为 0 到 12 之间的月数"),
    "not_started_progress": (0, 1, "应为 0 到 1 之间的小数（6 月写 0.5）"),
    "build_preparing_progress": (0, 1, "应为 0 到 1 之间的小数（9 月写 0.75）"),
    "still_preparing_progress": (0, 1, "应为 0 到 1 之间的小数（10 月写 0.8）"),
}
AIM_AGGREGATIONS = ("worst", "all", "any")  # engine/derive.py AGGREGATIONS
PARAM_TYPES = {name: "num" for name in NUMBERS}  # kept for callers of the old API
ORDERED = (("tolerance", "severe_gap"), ("growth_tolerance", "growth_severe"))
PRECEDENCE = {"status_precedence": STATUSES_TASK, "indicator_precedence": STATUSES_INDICATOR}
TIME_PROGRESS_KEYS = ("method", "curve")
METHODS = ("months", "days", "curve")
# read by engine code rather than referenced by rules, so never "unused"
ENGINE_PARAMS = ("time_progress", "status_precedence", "indicator_precedence", "escalation_ladder", "escalation_streak",
                 "aim_aggregation")


def read_source(path: Path) -> str:
    """read_text, but a non-UTF-8 file is located to line:col and a GBK file is named as such
    (Windows Notepad and WPS save GBK by default)."""
    try:
        return read_text(path, MAX_RULE_BYTES)  # a 50 MB rule file is refused before it is parsed
    except InputError as exc:
        raw = path.read_bytes() if path.is_file() and path.stat().st_size <= MAX_RULE_BYTES else b""
        try:
            raw.decode("utf-8-sig")
        except UnicodeDecodeError as bad:
            start = raw.rfind(b"\n", 0, bad.start) + 1
            line, col = raw[:bad.start].count(b"\n") + 1, len(raw[start:bad.start].decode("utf-8", "replace")) + 1
            try:
                raw.decode("gbk")
                what = "看起来是 GBK 编码"
            except UnicodeDecodeError:
                what = "编码无法识别"
            raise RuleError(f"不是 UTF-8 编码的文本（{what}）", file=str(path), line=line, col=col,
                            hint="请在记事本或 WPS 中「另存为」，编码选 UTF-8") from None
        raise RuleError(problems=exc.problems) from None


def read_params(path: Path, text: str | None = None) -> tuple[dict, LocDict, list, set]:
    """(params, the positioned mapping, problems, names of wrong parameters).
    Raises only when the file cannot be read as YAML at all."""
    from .hints import refine_yaml_problem

    if text is None and not path.exists():
        raise RuleError("规则目录缺少 params.yaml（参数表）", file=str(path))
    text = read_source(path) if text is None else text
    try:
        data = load_yaml_text(text, str(path))
    except InputError as exc:
        for problem in exc.problems:
            refine_yaml_problem(problem, text.splitlines())
        raise RuleError(problems=exc.problems) from None
    errors = Collector(str(path))
    if not isinstance(data, dict):
        raise RuleError("params.yaml 的顶层应为映射（参数名: 值）", file=str(path), line=1, col=1)
    bad = _check(data, errors)
    params = {k: (list(v) if isinstance(v, list) else v) for k, v in data.items()}
    return params, data, errors.problems, bad


def load_params(path: Path) -> dict:
    params, _, problems, _ = read_params(Path(path))
    if problems:
        raise RuleError(problems=problems)
    return params


def _check(data: LocDict, errors: Collector) -> set:
    """Problems go to errors; returns the names of parameters found wrong (rules using them stay quiet)."""
    bad = set()

    def err(message, key, hint=None, node=data):
        bad.add(key if node is data else next((k for k, v in data.items() if v is node), key))
        errors.add(message, hint=hint, **where(node, key))

    for key, (low, high, say) in NUMBERS.items():
        if key not in data:
            continue
        value = data[key]
        if not is_num(value):
            err(f"参数「{key}」应为数字，实为「{show(value)}」", key, number_hint(value))
        elif not low <= value <= high:
            err(f"参数「{key}」{say}，实为「{show(value)}」", key)
    for small, big in ORDERED:
        a, b = data.get(small), data.get(big)
        if small not in bad and big not in bad and is_num(a) and is_num(b) and a >= b:
            err(f"参数「{big}」（{show(b)}）应大于「{small}」（{show(a)}）", big, "否则两档之间的规则永远不会触发")
    _time_progress(data, err)
    if "aim_aggregation" in data and data["aim_aggregation"] not in AIM_AGGREGATIONS:
        err(f"参数「aim_aggregation」应为 worst（按最差的子目标）、all（每个子目标都有数字才判）或 any（按最好的子目标）之一，"
            f"实为「{show(data['aim_aggregation'])}」", "aim_aggregation")
    for key, statuses in PRECEDENCE.items():
        value = data.get(key)
        if not isinstance(value, list):
            err(f"参数「{key}」应为状态列表，如 [{', '.join(statuses)}]", key)
            continue
        names = [s for s in value if isinstance(s, str)]  # [滞后] or {} is reported below, never hashed or counted
        meant = set()  # a misspelt status is reported once, not again as missing
        for i, status in enumerate(value):
            if status not in statuses:
                guess = difflib.get_close_matches(show(status), [s for s in statuses if s not in names], n=1, cutoff=0.5)
                meant.update(guess)
                bad.add(key)
                what = f"中有未知的状态「{status}」" if isinstance(status, str) else f"的每一项应为文字（状态名），实为「{show(status)}」"
                errors.add(f"参数「{key}」{what}", **item_where(value, i),
                           hint=f"是否想写「{guess[0]}」？" if guess else f"可用：{'、'.join(statuses)}")
        missing = [s for s in statuses if s not in names and s not in meant]
        if missing:
            err(f"参数「{key}」缺少状态「{'、'.join(missing)}」", key, "每个状态都要排一个先后")
        dupes = sorted({s for s in names if names.count(s) > 1})
        if dupes:
            err(f"参数「{key}」中状态「{'、'.join(dupes)}」重复", key)
    ladder = data.get("escalation_ladder")
    if not (isinstance(ladder, list) and ladder and all(isinstance(v, str) and v.strip() for v in ladder)):
        err("参数「escalation_ladder」应为非空的文字列表（督办等级，从轻到重）", "escalation_ladder")
        ladder = []
    streak = data.get("escalation_streak")
    if streak is not None:
        if not isinstance(streak, dict) or not streak:
            err("参数「escalation_streak」应为 连续期数: 督办等级 的映射，如 {1: 提醒, 3: 约谈}", "escalation_streak")
        else:
            for k, v in streak.items():
                if not (isinstance(k, int) and not isinstance(k, bool) and k >= 1):
                    err(f"escalation_streak 的「{show(k)}」应为不小于 1 的整数（连续滞后的期数）", k, node=streak)
                if ladder and v not in ladder:
                    err(f"escalation_streak 中有未知的督办等级「{show(v)}」", k, suggest(v, ladder) or f"可用：{'、'.join(ladder)}", node=streak)
    for key, value in data.items():
        if isinstance(key, str) and key.endswith("_words"):
            if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                err(f"参数「{key}」应为非空的关键词列表（每行「- 词」）", key)
    return bad


def _time_progress(data, err) -> None:
    tp = data.get("time_progress")
    if tp is None:
        return
    if not isinstance(tp, dict):
        err("参数「time_progress」应为映射（method / curve）", "time_progress")
        return
    for key in tp:
        if key not in TIME_PROGRESS_KEYS:
            err(f"time_progress 中有未知的键「{key}」", key, suggest(key, TIME_PROGRESS_KEYS), node=tp)
    method = tp.get("method", "months")
    if method not in METHODS:
        err(f"time_progress.method 应为 months（按月）、days（按天）或 curve（自定义曲线），实为「{show(method)}」",
            "method" if "method" in tp else None, suggest(method, METHODS), node=tp)
    curve = tp.get("curve")
    if curve is None and method != "curve":
        return
    good = isinstance(curve, dict) and all(
        isinstance(k, int) and not isinstance(k, bool) and 1 <= k <= 12 and is_num(v) and 0 <= v <= 1 for k, v in curve.items())
    if not good or (method == "curve" and not curve):
        err("time_progress.curve 应为 月份: 进度 的映射，如 {3: 0.2, 6: 0.45, 9: 0.75, 12: 1.0}",
            "curve" if "curve" in tp else None, node=tp)


def unused_near_misses(params: LocDict, referenced: set[str]) -> list[tuple[str, str]]:
    """(name, the used name it is probably a typo of) for parameters nothing reads: tolerence next to
    tolerance. A typo is at most two letters off; growth_tolerance_floor is a sibling, not a typo."""
    used = {name for name in referenced if name in params} | set(ENGINE_PARAMS)  # a rule's own typo is reported there
    out = []
    for name in params:
        if not isinstance(name, str) or name in used or name.startswith("x_") or len(name) < 5:
            continue
        close = sorted(u for u in used if _edits(name, u) <= 2)
        if close:
            out.append((name, close[0]))
    return out


def _edits(a: str, b: str) -> int:
    """Levenshtein distance, stopping early: only "at most 2" matters."""
    if abs(len(a) - len(b)) > 2:
        return 3
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]
