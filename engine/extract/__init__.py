"""Extraction: targets of a plan text, measures / period / stage / flags of a progress text,
and the matching of the two. Pure functions; the lexicons (rules/lexicon/*.yaml) load once.

    read_targets(text) -> list[dict]
    read_progress(text, period) -> dict        # period "2023-09" = report covers 1–9月
    match_targets(targets, reading, period) -> list[dict]

Shapes: docs/interfaces.md section 2; approach and lexicon format: docs/extraction.md.
"""

from __future__ import annotations

from . import compiled as _compiled

_compiled.install()  # before any other submodule: picks the compiled kernel, or the .py source (compiled.py)

from .comparisons import find_comparisons  # noqa: E402,F401 - stated comparisons; derive reads them (not stored in the workspace)
from .lexicon import LexiconError, get_lexicon, load_lexicon  # noqa: E402
from .matching import match  # noqa: E402
from .reading import read_progress, read_targets  # noqa: E402

__all__ = ["read_targets", "read_progress", "match_targets", "LexiconError", "load_lexicon"]


def match_targets(targets: list[dict], reading: dict, period: str | None = None) -> list[dict]:
    """One match per target, same order (see interfaces.md §2 «Target match»)."""
    return match(get_lexicon(), targets, reading, period)
