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
from .measures import build  # noqa: E402
from .numbers import normalize  # noqa: E402
from .stages import find_flags, find_stage  # noqa: E402
from .targets import build_targets  # noqa: E402

__all__ = ["read_targets", "read_progress", "match_targets", "LexiconError", "load_lexicon"]


def _year(period: str | None) -> int | None:
    try:
        return int(str(period).split("-")[0])
    except ValueError:
        return None


def read_targets(text: str) -> list[dict]:
    """Every target of a plan text, in text order (see interfaces.md §2 «Target»)."""
    text = text or ""
    return build_targets(text, normalize(text), get_lexicon())


def read_progress(text: str, period: str | None = None) -> dict:
    """Measures, dominant data period, stage and flags of one progress text."""
    text = text or ""
    lx = get_lexicon()
    norm = normalize(text)
    sc, measures = build(norm, lx, _year(period))
    for m in measures:
        m["quote"] = text[m["span"][0]:m["span"][1]]
    stage = find_stage(sc, measures)
    if stage:
        stage["quote"] = text[stage["span"][0]:stage["span"][1]]
    flags = find_flags(sc)
    for f in flags:
        f["quote"] = text[f["span"][0]:f["span"][1]]
    return {"measures": measures, "data_period": _dominant(sc, measures), "stage": stage,
            "flags": flags}


def _dominant(sc, measures: list[dict]) -> dict | None:
    """The period most actual measures refer to; else the first period stated."""
    counts: dict[str, int] = {}  # a plain dict: Counter costs more than the counting here
    for m in measures:
        if m["data_period"] and not m["forecast"]:
            label = m["data_period"]["label"]
            counts[label] = counts.get(label, 0) + 1
    if counts:
        label = max(counts, key=counts.__getitem__)  # the first of the most frequent, as most_common(1)
        for m in measures:
            if m["data_period"] and m["data_period"]["label"] == label:
                return dict(m["data_period"])
    return sc.periods[0].as_dict() if sc.periods else None


def match_targets(targets: list[dict], reading: dict, period: str | None = None) -> list[dict]:
    """One match per target, same order (see interfaces.md §2 «Target match»)."""
    return match(get_lexicon(), targets, reading, period)
