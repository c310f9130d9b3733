"""The compiled kernel beyond engine/extract (issue 18, helper HC): engine/compiled.py lists every compiled module
with its package (engine.extract's hot path and engine.derive / engine.derive_words), setup.py builds that list, the
freshness rule and DUBAN_PURE_PYTHON hold for the engine-level modules too, and derive gives the recorded outputs
(tests/test_derive_h2_guard.py's digests) with all of them compiled and in pure Python alike.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine import compiled  # noqa: E402
from tests.test_derive_h2_guard import EXPECTED  # noqa: E402

DERIVE_MODULES = {"engine.derive", "engine.derive_words"}


def test_one_list_with_packages_read_by_setup_without_duban():
    """setup.py reads MODULES with runpy (duban not importable yet): the same list, each name with its package and
    its .py beside; engine/extract/compiled.py is the extraction's view of it, in short names."""
    from engine.extract import compiled as extract_view

    listed = runpy.run_path(str(ROOT / "engine" / "compiled.py"))["MODULES"]
    assert tuple(listed) == compiled.MODULES
    assert DERIVE_MODULES <= set(listed)
    assert len(set(listed)) == len(listed)
    for m in listed:
        assert m.startswith("engine."), m
        assert compiled.source_path(m).is_file(), m
    assert extract_view.MODULES == tuple(m[len("engine.extract."):] for m in listed if m.startswith("engine.extract."))
    assert {"matching", "comparisons", "words"} <= set(extract_view.MODULES)
    assert "derive" not in extract_view.MODULES
    setup_text = (ROOT / "setup.py").read_text(encoding="utf-8")
    assert '"engine", "compiled.py"' in setup_text  # setup.py builds engine/compiled.py's list, not a copy of it


def _fake_module(root: Path, name: str, extension_newer: bool | None, pxd_newer: bool | None = None) -> Path:
    """A module's .py, and (extension_newer not None) an extension beside it older or newer than the .py;
    pxd_newer not None: a .pxd too, newer or older than the extension."""
    src = root.joinpath(*name.split(".")).with_suffix(".py")
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text("WHERE = 'source'\n", encoding="utf-8")
    old, mid, new = 1_700_000_000, 1_700_000_050, 1_700_000_100
    os.utime(src, (mid, mid))
    if extension_newer is not None:
        ext = src.with_name(src.stem + importlib.machinery.EXTENSION_SUFFIXES[0])
        ext.write_bytes(b"not a real extension")
        os.utime(ext, (new, new) if extension_newer else (old, old))
    if pxd_newer is not None:
        pxd = src.with_suffix(".pxd")
        pxd.write_text("cdef class X:\n    pass\n", encoding="utf-8")
        when = new + 10 if pxd_newer else old
        os.utime(pxd, (when, when))
    return src


def _kernel(root: Path, stale: set[str] = frozenset(), unbuilt: set[str] = frozenset(),
            pxd_edited: set[str] = frozenset()) -> None:
    for m in compiled.MODULES:
        _fake_module(root, m, None if m in unbuilt else m not in stale, True if m in pxd_edited else None)


def test_freshness_and_switch_hold_for_engine_level_modules(tmp_path, monkeypatch):
    """Every module built and newer than its .py: all used. One .py edited after the build, or its .pxd, or one
    module not built: its whole package runs from source (an extension built against another module's .pxd cannot
    run beside that module's source), the other package is unaffected. DUBAN_PURE_PYTHON=1 turns all off."""
    monkeypatch.setattr(compiled, "_ROOT", tmp_path)
    monkeypatch.delenv(compiled.PURE_ENV, raising=False)
    extract = {m for m in compiled.MODULES if m.startswith("engine.extract.")}
    _kernel(tmp_path)
    assert compiled.extension_path("engine.derive") is not None
    assert all(compiled.wanted().values())
    monkeypatch.setenv(compiled.PURE_ENV, "1")
    assert not any(compiled.wanted().values())
    monkeypatch.setenv(compiled.PURE_ENV, "0")
    assert all(compiled.wanted().values())

    for case in ({"stale": {"engine.derive_words"}}, {"unbuilt": {"engine.derive"}},
                 {"pxd_edited": {"engine.derive"}}):
        root = tmp_path / next(iter(case))
        monkeypatch.setattr(compiled, "_ROOT", root)
        _kernel(root, **case)
        got = compiled.wanted()
        assert got == {m: m in extract for m in compiled.MODULES}, (case, got)
    root = tmp_path / "scan"
    monkeypatch.setattr(compiled, "_ROOT", root)
    _kernel(root, stale={"engine.extract.scan"})
    assert compiled.wanted() == {m: m not in extract for m in compiled.MODULES}

    stale = root / "engine" / "extract" / "scan.py"
    finder = compiled._SourceFirst({"engine.derive_words", "engine.extract.scan"})
    assert finder.find_spec("engine.extract.scan").origin == str(stale)
    assert finder.find_spec("engine.derive_words").origin == str(root / "engine" / "derive_words.py")
    assert finder.find_spec("engine.derive") is None  # not listed: left to the import system (the extension)
    assert finder.find_spec("engine.check") is None  # not a kernel module


def test_engine_package_installs_the_finder_before_derive():
    """engine/__init__.py installs the loader, so `import engine.derive` alone already follows the rule."""
    code = ("import json, sys; sys.path.insert(0, %r); import engine.derive, engine.derive_words; "
            "from engine import compiled; print(json.dumps({'in_use': compiled.in_use(), 'wanted': compiled.wanted()}))"
            ) % str(ROOT)
    for pure in (False, True):
        env = dict(os.environ, DUBAN_PURE_PYTHON="1" if pure else "0")
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        got = json.loads(done.stdout.strip().splitlines()[-1])
        assert DERIVE_MODULES <= set(got["in_use"])
        assert got["in_use"] == {m: got["wanted"][m] for m in got["in_use"]}
        if pure:
            assert not any(got["in_use"].values()), got["in_use"]


def _in_child(pure: bool) -> dict:
    """Derive digests (test_derive_h2_guard's sets) and every kernel module's status, from a fresh interpreter."""
    env = dict(os.environ, DUBAN_PURE_PYTHON="1" if pure else "0", DUBAN_FACTS_CACHE="0")
    code = ("import json, sys; sys.path.insert(0, %r); import tests.test_derive_h2_guard as g; "
            "from engine import compiled; d = g.digests(); "
            "print(json.dumps({'digests': d, 'in_use': compiled.in_use()}))") % str(ROOT)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_derive_compiled_and_pure_equal_recorded():
    """Both paths, derive.py and derive_words.py included: the default one (compiled where built and fresh) and
    pure Python give the digests recorded before any of it was compiled. In CI (CI=true, a fresh `make install`
    with Cython and gcc) or with DUBAN_EXPECT_COMPILED=1, every module derive imports must run compiled."""
    default, pure = _in_child(pure=False), _in_child(pure=True)
    assert not any(pure["in_use"].values()), pure["in_use"]
    wanted = compiled.wanted()
    assert default["in_use"] == {m: wanted[m] for m in default["in_use"]}
    assert DERIVE_MODULES | {"engine.extract.matching", "engine.extract.comparisons"} <= set(default["in_use"])
    print("compiled kernel in use for derive:", default["in_use"])
    if os.environ.get("CI") == "true" or os.environ.get("DUBAN_EXPECT_COMPILED", "") not in ("", "0"):
        assert all(default["in_use"].values()), f"the kernel is not compiled: {default['in_use']}"
    assert pure["digests"] == EXPECTED
    assert default["digests"] == EXPECTED
