"""Where the shipped rulebook, templates and example live.

In a source checkout (and an editable install) they sit beside engine/. A wheel (`pip install .`,
`pipx install .`, `uv tool install .`) carries them as data files under <prefix>/share/duban/
(pyproject.toml [tool.setuptools.data-files]); this module is the one place that knows both."""

from __future__ import annotations

import site
import sys
from functools import lru_cache
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=None)
def shipped_root() -> Path:
    if (SOURCE_ROOT / "rules" / "params.yaml").is_file():
        return SOURCE_ROOT
    for prefix in (sys.prefix, site.getuserbase(), sys.base_prefix):
        candidate = Path(prefix) / "share" / "duban"
        if (candidate / "rules" / "params.yaml").is_file():
            return candidate
    return SOURCE_ROOT  # nothing installed: the callers' own "file not found" messages name this path


def shipped(*parts: str) -> Path:
    """shipped("rules", "lexicon") → the installed or checked-out rules/lexicon."""
    return shipped_root().joinpath(*parts)
