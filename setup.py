"""Optional compiled kernel (everything else is in pyproject.toml).

The modules listed in engine/compiled.py (extraction's hot path, and derive) are compiled with Cython from their
own .py source when Cython (requirements/build.lock) and a C compiler are there. Each extension is optional:
without a compiler, or with DUBAN_NO_COMPILE=1, duban installs as pure Python and gives identical outputs, only
slower. The generated C goes to build/cython/ (never into the source tree); `pip install -e .` puts the extensions
beside the .py files.
"""

import os
import runpy
import sys

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def _extensions():
    if os.environ.get("DUBAN_NO_COMPILE", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("duban: Cython not installed, the kernel stays pure Python", file=sys.stderr)
        return []
    modules = runpy.run_path(os.path.join(HERE, "engine", "compiled.py"))["MODULES"]  # dotted names
    exts = [Extension(m, [os.path.join(*m.split(".")) + ".py"], optional=True) for m in modules]
    try:
        exts = cythonize(exts, build_dir=os.path.join("build", "cython"), quiet=True,
                         compiler_directives={"language_level": 3, "annotation_typing": False})
    except Exception as exc:  # noqa: BLE001 - the kernel is optional: never fail the install for it
        print(f"duban: the kernel stays pure Python ({exc})", file=sys.stderr)
        return []
    for e in exts:
        e.optional = True  # cythonize makes new Extension objects without it: no compiler, no failure
    return exts


setup(ext_modules=_extensions())
