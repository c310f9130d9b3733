"""duban — rule-engine compliance checker for government supervision offices.

Data flow (one module or package per step):
    import_* → extract/ → derive → evaluate/ → classify → render/ → audit/
"""

from . import compiled as _compiled

__version__ = "0.1.0"

_compiled.install()  # before any other submodule: picks the compiled kernel, or the .py source (compiled.py)
