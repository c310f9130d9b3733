"""The compiled kernel: which modules of duban run as C extensions, and the switch back.

setup.py compiles MODULES with Cython from these very .py files (no second source) when Cython and a C compiler
are there; the extensions are optional (a machine without a compiler installs duban and runs the same .py code,
with the same outputs, only slower). An extension is used only when it is newer than its .py (and its .pxd): a
module edited after the build runs from its source until the next `pip install -e .` (or `make install`), never
stale. A package's modules are used together: they share C types through their .pxd files (measures.so is built
against scan.pxd's Scan), and an extension cannot run beside the source of a module it was built against — so one
module edited, or not built, sends its whole package back to the .py files. DUBAN_PURE_PYTHON=1 in the environment
runs every module from its source (tests compare both paths).

engine/__init__.py calls install() before any submodule is imported, so the rule holds for every package listed.
Only the standard library is imported here: setup.py reads MODULES from this file before duban is installed.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

# Dotted names, each with its package. engine.extract: the hot path of read_progress / read_targets
# (docs/benchmarks.md §4.1), and of derive: matching (match_targets) and comparisons (find_comparisons); lexicon.py
# stays Python. engine: derive itself (derive_item and the readings from words), ~28 % of derive's instructions.
MODULES = tuple(f"engine.extract.{m}" for m in (
    "finders", "numbers", "scan", "measures", "periods", "stages", "targets", "reading", "matching", "comparisons",
    "words")) + ("engine.derive", "engine.derive_words")
PURE_ENV = "DUBAN_PURE_PYTHON"

_ROOT = Path(__file__).resolve().parent.parent  # the directory that holds the engine package


def source_path(name: str) -> Path:
    """The .py of module `name` (a dotted name in MODULES)."""
    return _ROOT.joinpath(*name.split(".")).with_suffix(".py")


def extension_path(name: str) -> Path | None:
    """The built extension of module `name` beside its .py, or None."""
    src = source_path(name)
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        p = src.with_name(src.stem + suffix)
        if p.is_file():
            return p
    return None


def _fresh(name: str) -> bool:
    """Built, and newer than its .py and its .pxd (if it has one)."""
    ext = extension_path(name)
    if ext is None:
        return False
    src = source_path(name)
    try:
        built = ext.stat().st_mtime
        if built < src.stat().st_mtime:
            return False
        pxd = src.with_suffix(".pxd")
        return not pxd.is_file() or built >= pxd.stat().st_mtime
    except OSError:
        return False


def pure() -> bool:
    """Whether DUBAN_PURE_PYTHON switches every extension off."""
    return os.environ.get(PURE_ENV, "") not in ("", "0")


def wanted() -> dict[str, bool]:
    """Per module: whether its extension is to be used (every module of its package built and fresh, and not
    switched off)."""
    if pure():
        return dict.fromkeys(MODULES, False)
    stale = {m.rpartition(".")[0] for m in MODULES if not _fresh(m)}  # packages with a module edited or not built
    return {m: m.rpartition(".")[0] not in stale for m in MODULES}


def in_use() -> dict[str, bool]:
    """Per module already imported: whether it runs compiled (its module file is an extension)."""
    out = {}
    for m in MODULES:
        mod = sys.modules.get(m)
        if mod is not None:
            out[m] = str(getattr(mod, "__file__", "")).endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    return out


class _SourceFirst(importlib.abc.MetaPathFinder):
    """Imports the listed modules from their .py (the import system would take the extension first)."""

    def __init__(self, names: set[str]):
        self.names = names

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.names:
            return None
        return importlib.util.spec_from_file_location(fullname, source_path(fullname))


def install() -> None:
    """Called by engine/__init__.py before any other submodule is imported (again, harmlessly, by
    engine/extract/__init__.py)."""
    source = {m for m, use in wanted().items() if not use and extension_path(m) is not None}
    if source and not any(isinstance(f, _SourceFirst) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFirst(source))
