"""evaluate: decide which rules fire on which fact records. Two engines, one rule IR.

durable_rules is the production engine where it can be installed; it is an sdist only (it compiles C)
and does not import on Python 3.13+, so `auto` (the default) falls back to the vectorised evaluator,
whose findings are identical (tests/test_differential.py). Every engine is an `Evaluator` (walk.py), and every
pass over a condition tree is a `ConditionVisitor` (walk.py)."""

from __future__ import annotations

from functools import lru_cache

from ..errors import InputError
from ..rulebook.ir import Rule
from .walk import ConditionVisitor, Evaluator  # noqa: F401  (the interface every engine offers)

ENGINES = ("durable_rules", "vectorised")
ENGINE_CHOICES = ("auto",) + ENGINES
DEFAULT_ENGINE = "auto"
FALLBACK_NOTICE = ("未安装规则引擎 durable_rules（它需要编译 C 代码，Python 3.13 及以上和多数 Windows 电脑上无法安装），"
                   "已改用向量化求值器 vectorised，判定结果与 durable_rules 相同。")


@lru_cache(maxsize=1)
def durable_available() -> bool:
    """True when durable_rules' C module imports here (it is installed and built for this Python)."""
    try:
        import durable_rules_engine  # noqa: F401
    except (ImportError, OSError):  # absent, or built against another Python (undefined symbol)
        return False
    return True


def resolve_engine(name: str | None) -> tuple[str, str | None]:
    """The engine that will run for `name` and, when `auto` had to fall back, the notice that says so."""
    name = name or DEFAULT_ENGINE
    if name == "auto":
        return ("durable_rules", None) if durable_available() else ("vectorised", FALLBACK_NOTICE)
    if name == "durable_rules" and not durable_available():
        raise InputError("此电脑上没有可用的规则引擎 durable_rules", field="--engine",
                         hint="去掉 --engine（默认 auto 会改用判定结果相同的 vectorised），或写 --engine vectorised；"
                              "要使用 durable_rules 请在 Python 3.11/3.12 上安装 duban[durable]")
    return name, None


def make_evaluator(name: str, rules: list[Rule], **options) -> Evaluator:
    """options: isolate=False runs durable_rules in this process (for supervised workers only)."""
    name, _ = resolve_engine(name) if name != "plain" else (name, None)
    if name == "durable_rules":
        from .durable_adapter import DurableEvaluator

        return DurableEvaluator(rules, **options)
    if name == "vectorised":
        from .vectorised import VectorisedEvaluator

        return VectorisedEvaluator(rules)
    if name == "plain":  # the simple reference the other two are tested against
        from .plain import PlainEvaluator

        return PlainEvaluator(rules)
    raise InputError(f"未知的规则引擎「{name}」", field="--engine", hint=f"可用：{'、'.join(ENGINE_CHOICES)}")
