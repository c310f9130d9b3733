"""The compiled extraction kernel as seen from engine/extract: engine/compiled.py's modules of this package.

The loader itself (MODULES of every package, the freshness rule, DUBAN_PURE_PYTHON, the source-first finder) is
engine/compiled.py; this view keeps the short names (`finders`, `matching` …) the extraction's callers and tests use.
"""

from __future__ import annotations

from .. import compiled as _kernel
from ..compiled import PURE_ENV, install  # noqa: F401 - install: engine/extract/__init__.py calls it (a no-op after engine's)

_PACKAGE = __name__.rpartition(".")[0]
_PREFIX = _PACKAGE + "."
MODULES = tuple(m[len(_PREFIX):] for m in _kernel.MODULES if m.startswith(_PREFIX))


def _own(per_module: dict[str, bool]) -> dict[str, bool]:
    return {m[len(_PREFIX):]: v for m, v in per_module.items() if m.startswith(_PREFIX)}


def extension_path(name: str):
    """The built extension of module `name` of engine/extract beside its .py, or None."""
    return _kernel.extension_path(_PREFIX + name)


def wanted() -> dict[str, bool]:
    """Per module of engine/extract: whether its extension is to be used (built, fresh, and not switched off)."""
    return _own(_kernel.wanted())


def in_use() -> dict[str, bool]:
    """Per module of engine/extract already imported: whether it runs compiled."""
    return _own(_kernel.in_use())
